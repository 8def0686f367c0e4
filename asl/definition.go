package asl

import (
	"strings"
)

// Machine is a parsed, valid state machine definition. It is immutable and safe to share between
// executions.
type Machine struct {
	top     *branch
	timeout int64              // TimeoutSeconds of the whole execution; 0 = none
	states  map[string]*state  // every state of the machine, nested ones too (names are unique)
	scopes  map[string]*branch // every list of states, by key: "" top, "<Parallel>#<i>", "<Map>"
}

// branch is one list of states with its StartAt: the machine's top level, a Parallel branch, or a Map's
// item processor.
type branch struct {
	key     string
	loc     string // JSON pointer of the object holding StartAt and States ("" at the top)
	startAt string
	states  map[string]*state
	order   []string
}

// TimeoutSeconds is the machine's TimeoutSeconds (0 when it sets none).
func (m *Machine) TimeoutSeconds() int64 { return m.timeout }

// States returns the names of every state, top-level and nested, in definition order.
func (m *Machine) States() []string {
	var out []string
	var visit func(b *branch)
	visit = func(b *branch) {
		for _, n := range b.order {
			out = append(out, n)
			s := b.states[n]
			for _, c := range s.branches {
				visit(c)
			}
			if s.processor != nil {
				visit(s.processor)
			}
		}
	}
	visit(m.top)
	return out
}

// maxStateName is the longest state name Step Functions accepts.
const maxStateName = 80

// Parse parses and validates a definition. Its error, when the definition is invalid, is a
// *DefinitionError carrying the diagnostics.
func Parse(definition string) (*Machine, error) {
	m, diags := parse(definition)
	var errs []Diagnostic
	for _, d := range diags {
		if d.Severity == "ERROR" {
			errs = append(errs, d)
		}
	}
	if len(errs) > 0 {
		return nil, &DefinitionError{Diagnostics: errs}
	}
	return m, nil
}

// Validate returns every diagnostic for a definition (ValidateStateMachineDefinition); none means valid.
func Validate(definition string) []Diagnostic {
	_, diags := parse(definition)
	return diags
}

func parse(definition string) (*Machine, []Diagnostic) {
	v, err := ParseJSON(definition)
	if err != nil {
		return nil, []Diagnostic{{Severity: "ERROR", Code: CodeInvalidJSONDescription, Message: err.Error()}}
	}
	r := &reader{}
	m := &Machine{states: map[string]*state{}, scopes: map[string]*branch{}}
	f, ok := r.object(v, "/", "definition")
	if !ok {
		return nil, r.diags
	}
	f.allow("Comment", "StartAt", "States", "Version", "TimeoutSeconds", "QueryLanguage")
	if f.has("QueryLanguage") {
		checkQueryLanguage(f, "/QueryLanguage")
	}
	f.str("Comment")
	if v := f.str("Version"); f.has("Version") && v != "1.0" {
		r.errorf("/Version", "The value for the field 'Version' must be '1.0'")
	}
	m.timeout = f.integer("TimeoutSeconds", 1, 99999999, 0)
	m.top = m.readBranch(r, f, "", "")
	r.diags = append(r.diags, m.checkGraph()...)
	return m, r.diags
}

// checkQueryLanguage refuses JSONata: only JSONPath is implemented.
func checkQueryLanguage(f *fields, loc string) {
	switch q := f.str("QueryLanguage"); q {
	case "JSONPath":
	case "JSONata":
		f.r.errorf(loc, "QueryLanguage 'JSONata' is not supported yet: only 'JSONPath' is")
	default:
		f.r.errorf(loc, "The value for the field 'QueryLanguage' must be one of [JSONPath, JSONata]")
	}
}

// readBranch reads StartAt and States of the object f (the top level, a branch or an item processor).
func (m *Machine) readBranch(r *reader, f *fields, key, prefix string) *branch {
	f.require("StartAt", "States")
	b := &branch{key: key, loc: prefix, startAt: f.str("StartAt"), states: map[string]*state{}}
	m.scopes[key] = b
	sv, ok := f.o.Get("States")
	if !ok {
		return b
	}
	statesLoc := prefix + "/States"
	sf, ok := r.object(sv, statesLoc, "States")
	if !ok {
		return b
	}
	if sf.o.Len() == 0 {
		r.errorf(statesLoc, "The field 'States' must contain at least one state")
	}
	for _, name := range sf.o.keys {
		loc := statesLoc + "/" + escapePointer(name)
		if len(name) == 0 || len([]rune(name)) > maxStateName {
			r.errorf(loc, "The state name must be 1 to %d characters long", maxStateName)
		}
		if _, dup := m.states[name]; dup {
			r.diags = append(r.diags, Diagnostic{Severity: "ERROR", Code: "DUPLICATE_STATE_NAME", Message: "Duplicate State name: " + name, Location: loc})
			continue
		}
		m.states[name] = &state{name: name} // reserved first: nested states may not reuse the name
		s := m.readState(r, name, sf.o.vals[name], loc, key)
		if s == nil {
			delete(m.states, name)
			continue
		}
		m.states[name] = s
		b.states[name] = s
		b.order = append(b.order, name)
	}
	return b
}

// escapePointer escapes a name for a JSON pointer (RFC 6901).
func escapePointer(s string) string {
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(s)
}
