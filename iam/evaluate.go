package iam

import "strings"

// Request is what a caller asks to do, as policies see it.
type Request struct {
	Action   string // "swf:PollForActivityTask", "states:StartExecution"
	Resource string // an ARN
	// Context holds the request's condition keys and their values. Keys compare case-insensitively;
	// a key absent from the map, or with no values, is absent. Spelling keys as policies do
	// ("aws:SourceIp", "swf:taskList.name") saves a search of the map.
	Context map[string][]string
}

// Decision is the outcome of evaluating a request, with the statement that decided it for logs.
type Decision struct {
	Allowed   bool
	Denied    bool   // an explicit Deny matched
	Policy    int    // index in policies of the deciding statement's policy, -1 when no statement matched
	Statement int    // index of that statement in its policy
	Sid       string // that statement's Sid
}

// Evaluate decides a request against the policies of one principal, as IAM evaluates identity policies:
// a matching Deny statement wins over any Allow; otherwise a matching Allow is needed; with neither the
// request is implicitly denied (Allowed and Denied both false, Policy -1). The deciding statement is
// the first matching Deny, or failing one the first matching Allow, in order of policies and statements.
// Nil policies are skipped.
func Evaluate(policies []*Policy, req Request) Decision {
	ctx := context{m: req.Context}
	allow := Decision{Policy: -1}
	for pi, p := range policies {
		if p == nil {
			continue
		}
		for si := range p.statements {
			s := &p.statements[si]
			if !s.deny && allow.Allowed {
				continue // an Allow is already found; only a Deny can change the outcome
			}
			if !s.applies(req, ctx) {
				continue
			}
			d := Decision{Allowed: !s.deny, Denied: s.deny, Policy: pi, Statement: si, Sid: s.sid}
			if s.deny {
				return d
			}
			allow = d
		}
	}
	return allow
}

// applies reports whether the statement matches the request: its action, its resource and all its
// conditions. NotAction applies to every action it does not list, and NotResource to every resource.
func (s *statement) applies(req Request, ctx context) bool {
	return anyMatch(s.actions, req.Action, ctx) != s.notAction &&
		anyMatch(s.resources, req.Resource, ctx) != s.notResource &&
		s.conditionsHold(ctx)
}

func (s *statement) conditionsHold(ctx context) bool {
	for i := range s.conditions {
		if !s.conditions[i].holds(ctx) {
			return false
		}
	}
	return true
}

func anyMatch(patterns []pattern, s string, ctx context) bool {
	for i := range patterns {
		if patterns[i].match(s, ctx) {
			return true
		}
	}
	return false
}

// context is a request's condition keys as the evaluation reads them: by name, case-insensitively.
type context struct {
	m map[string][]string
}

// values returns the values of key. Keys compare case-insensitively, as IAM's do; the exact spelling is
// tried first because callers usually spell keys as policies do, and only then the whole map, which is
// small, is searched. A key with no values is absent.
func (c context) values(key string) []string {
	if vs, ok := c.m[key]; ok {
		return vs
	}
	for k, vs := range c.m {
		if strings.EqualFold(k, key) {
			return vs
		}
	}
	return nil
}
