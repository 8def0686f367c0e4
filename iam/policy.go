package iam

import (
	"fmt"
	"strings"
)

// Policy versions. Policy variables are substituted only under Version2012; a document without a
// Version is read as Version2008, as IAM reads it.
const (
	Version2012 = "2012-10-17"
	Version2008 = "2008-10-17"
)

// Policy is a parsed identity policy document, ready to evaluate. It is immutable and safe for
// concurrent use.
type Policy struct {
	version    string
	statements []statement
}

// Version returns the policy's language version.
func (p *Policy) Version() string { return p.version }

// ReadsContext reports whether evaluating the policy may read the request's context: it has a condition
// or a policy variable. A caller may then skip building a context the policy never reads.
func (p *Policy) ReadsContext() bool {
	for i := range p.statements {
		st := &p.statements[i]
		if len(st.conditions) > 0 {
			return true
		}
		for _, r := range st.resources {
			if r.hasVariable() {
				return true
			}
		}
	}
	return false
}

// statement is one compiled statement of a policy.
type statement struct {
	sid         string
	deny        bool
	actions     []pattern
	notAction   bool // actions lists the actions the statement does not apply to
	resources   []pattern
	notResource bool
	conditions  []condition
}

// PolicyError is a policy document that cannot be used, with where and why, so that a configuration
// holding it can be refused with a message its author can act on.
type PolicyError struct {
	Statement int    // index of the statement in the document, -1 when the problem is the document's
	Sid       string // that statement's Sid, if it has one
	Problem   string
}

// Error says, for instance, `statement 2 ("WriteOnly"): unknown condition operator "StringEqualz"`.
// Statements are counted from 0, as Decision counts them.
func (e *PolicyError) Error() string {
	switch {
	case e.Statement < 0:
		return e.Problem
	case e.Sid != "":
		return fmt.Sprintf("statement %d (%q): %s", e.Statement, e.Sid, e.Problem)
	}
	return fmt.Sprintf("statement %d: %s", e.Statement, e.Problem)
}

// ParsePolicy parses and compiles an identity policy document. It is strict, so that a mistake stops a
// server at start-up instead of silently granting or withholding access: duplicate or unknown members,
// values of the wrong type, a statement without Effect, Action or Resource, an unknown condition operator
// or a value its operator cannot read are errors. Principal and NotPrincipal are refused: identity
// policies apply to the principal they are attached to. Every error is a *PolicyError.
func ParsePolicy(doc []byte) (*Policy, error) {
	root, err := decodeJSON(doc)
	if err != nil {
		return nil, &PolicyError{Statement: -1, Problem: err.Error()}
	}
	docErr := func(format string, args ...any) error {
		return &PolicyError{Statement: -1, Problem: fmt.Sprintf(format, args...)}
	}
	if root.kind != objectNode {
		return nil, docErr("a policy must be an object, not %s", root.kind)
	}
	p := &Policy{version: Version2008}
	var stmts *node
	for _, m := range root.members {
		switch m.name {
		case "Version":
			if m.value.kind != stringNode || m.value.text != Version2012 && m.value.text != Version2008 {
				return nil, docErr("Version must be %q or %q", Version2012, Version2008)
			}
			p.version = m.value.text
		case "Id":
			if m.value.kind != stringNode {
				return nil, docErr("Id must be a string, not %s", m.value.kind)
			}
		case "Statement":
			stmts = m.value
		default:
			return nil, docErr("unknown member %q", m.name)
		}
	}
	var list []*node
	switch {
	case stmts == nil:
		return nil, docErr("no Statement")
	case stmts.kind == objectNode:
		list = []*node{stmts}
	case stmts.kind == arrayNode:
		list = stmts.items
	default:
		return nil, docErr("Statement must be an object or a list, not %s", stmts.kind)
	}
	if len(list) == 0 {
		return nil, docErr("Statement is empty")
	}
	sids := make(map[string]int)
	for i, n := range list {
		s, problem := parseStatement(n, p.version == Version2012)
		if problem != "" {
			return nil, &PolicyError{Statement: i, Sid: s.sid, Problem: problem}
		}
		if s.sid != "" {
			if j, dup := sids[s.sid]; dup {
				return nil, &PolicyError{Statement: i, Sid: s.sid, Problem: fmt.Sprintf("Sid already used by statement %d", j)}
			}
			sids[s.sid] = i
		}
		p.statements = append(p.statements, s)
	}
	return p, nil
}

// parseStatement compiles one statement. On error it returns the problem, and the Sid if it read one.
func parseStatement(n *node, variables bool) (statement, string) {
	var s statement
	if n.kind != objectNode {
		return s, "a statement must be an object, not " + n.kind.String()
	}
	if sid := n.member("Sid"); sid != nil && sid.kind == stringNode {
		s.sid = sid.text // read first, so that every problem below names the statement by it
	}
	var effect, action, resource, cond *node
	for _, m := range n.members {
		switch m.name {
		case "Sid":
			if m.value.kind != stringNode {
				return s, "Sid must be a string, not " + m.value.kind.String()
			}
		case "Effect":
			effect = m.value
		case "Action", "NotAction":
			if action != nil {
				return s, "Action and NotAction are exclusive"
			}
			action, s.notAction = m.value, m.name == "NotAction"
		case "Resource", "NotResource":
			if resource != nil {
				return s, "Resource and NotResource are exclusive"
			}
			resource, s.notResource = m.value, m.name == "NotResource"
		case "Condition":
			cond = m.value
		case "Principal", "NotPrincipal":
			return s, m.name + " is not allowed in an identity policy"
		default:
			return s, fmt.Sprintf("unknown member %q", m.name)
		}
	}
	switch {
	case effect == nil:
		return s, "no Effect"
	case effect.kind != stringNode || effect.text != "Allow" && effect.text != "Deny":
		return s, `Effect must be "Allow" or "Deny"`
	case action == nil:
		return s, "no Action or NotAction"
	case resource == nil:
		return s, "no Resource or NotResource"
	}
	s.deny = effect.text == "Deny"
	var problem string
	if s.actions, problem = parsePatterns(elementName("Action", s.notAction), action, checkAction, patternSyntax{wildcards: true, fold: true}); problem != "" {
		return s, problem
	}
	if s.resources, problem = parsePatterns(elementName("Resource", s.notResource), resource, checkResource, patternSyntax{wildcards: true, variables: variables}); problem != "" {
		return s, problem
	}
	if cond != nil {
		if s.conditions, problem = parseConditions(cond, variables); problem != "" {
			return s, problem
		}
	}
	return s, ""
}

// parsePatterns compiles an Action, NotAction, Resource or NotResource element: a string or a non-empty
// list of strings, each checked by check.
func parsePatterns(name string, n *node, check func(string) string, syn patternSyntax) ([]pattern, string) {
	var texts []string
	switch n.kind {
	case stringNode:
		texts = []string{n.text}
	case arrayNode:
		if len(n.items) == 0 {
			return nil, name + " is empty"
		}
		for _, item := range n.items {
			if item.kind != stringNode {
				return nil, name + " must hold strings, not " + item.kind.String()
			}
			texts = append(texts, item.text)
		}
	default:
		return nil, name + " must be a string or a list of strings, not " + n.kind.String()
	}
	out := make([]pattern, 0, len(texts))
	for _, t := range texts {
		if problem := check(t); problem != "" {
			return nil, name + ": " + problem
		}
		p, err := compilePattern(t, syn)
		if err != nil {
			return nil, name + ": " + err.Error()
		}
		out = append(out, p)
	}
	return out, ""
}

// elementName spells an element or its Not form, for messages.
func elementName(name string, not bool) string {
	if not {
		return "Not" + name
	}
	return name
}

// checkAction accepts "*" and "service:Action" with a plain service prefix, as IAM does.
func checkAction(s string) string {
	if s == "*" {
		return ""
	}
	service, name, ok := strings.Cut(s, ":")
	if !ok || service == "" || name == "" || strings.ContainsAny(service, "*?") {
		return fmt.Sprintf("%q is not an action: want \"*\" or \"service:Action\"", s)
	}
	return ""
}

// checkResource accepts "*" and ARNs.
func checkResource(s string) string {
	if s == "*" || strings.HasPrefix(s, "arn:") {
		return ""
	}
	return fmt.Sprintf("%q is not a resource: want \"*\" or an ARN", s)
}
