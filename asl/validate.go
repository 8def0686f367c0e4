package asl

import (
	"fmt"
	"strings"
)

// checkGraph checks the transitions of every branch: each Next, Default, catcher Next and StartAt names
// a state of the same branch (a transition cannot cross a Parallel or Map boundary), every state is
// reachable from StartAt, and each branch can end. AWS reports the missing targets, then, when some state
// is terminal, the unreachable states, else MISSING_END_STATE alone without a location (floci PR #2786,
// measured against AWS).
func (m *Machine) checkGraph() []Diagnostic {
	var missing, unreachable, noEnd []Diagnostic
	var visit func(b *branch)
	visit = func(b *branch) {
		target := func(name, loc string) {
			if _, ok := b.states[name]; !ok {
				missing = append(missing, Diagnostic{Severity: "ERROR", Code: CodeMissingTransitionTarget,
					Message: fmt.Sprintf("Missing 'Next' target: %s", name), Location: loc})
			}
		}
		target(b.startAt, b.loc+"/StartAt")
		terminal := false
		for _, n := range b.order {
			s := b.states[n]
			if s.next != "" {
				target(s.next, s.loc+"/Next")
			}
			for i, c := range s.choices {
				target(c.next, fmt.Sprintf("%s/Choices[%d]/Next", s.loc, i))
			}
			if s.def != "" {
				target(s.def, s.loc+"/Default")
			}
			for i, c := range s.catch {
				target(c.next, fmt.Sprintf("%s/Catch[%d]/Next", s.loc, i))
			}
			if s.end || s.typ == "Succeed" || s.typ == "Fail" {
				terminal = true
			}
			for _, c := range s.branches {
				visit(c)
			}
			if s.processor != nil {
				visit(s.processor)
			}
		}
		if !terminal {
			noEnd = append(noEnd, Diagnostic{Severity: "ERROR", Code: CodeMissingEndState, Message: "Workflow has no terminal state"})
			return
		}
		seen := map[string]bool{}
		var walk func(n string)
		walk = func(n string) {
			s, ok := b.states[n]
			if !ok || seen[n] {
				return
			}
			seen[n] = true
			walk(s.next)
			walk(s.def)
			for _, c := range s.choices {
				walk(c.next)
			}
			for _, c := range s.catch {
				walk(c.next)
			}
		}
		walk(b.startAt)
		for _, n := range b.order {
			if !seen[n] {
				unreachable = append(unreachable, Diagnostic{Severity: "ERROR", Code: CodeMissingTransitionTarget,
					Message: fmt.Sprintf("State \"%s\" is not reachable.", n), Location: b.states[n].loc})
			}
		}
	}
	visit(m.top)
	out := append(missing, noEnd...)
	if len(noEnd) == 0 {
		out = append(out, unreachable...)
	}
	return out
}

// Diagnostic is one finding about a definition, in the shape of ValidateStateMachineDefinition's
// diagnostics: severity ERROR or WARNING, a code such as SCHEMA_VALIDATION_FAILED, a message, and the
// location as a JSON pointer into the definition ("/States/S/Next"; empty when the finding is about the
// whole machine).
type Diagnostic struct {
	Severity string `json:"severity"`
	Code     string `json:"code"`
	Message  string `json:"message"`
	Location string `json:"location,omitempty"`
}

// Diagnostic codes used by this package (ValidateStateMachineDefinition's codes).
const (
	CodeSchemaValidationFailed  = "SCHEMA_VALIDATION_FAILED"
	CodeMissingTransitionTarget = "MISSING_TRANSITION_TARGET"
	CodeMissingEndState         = "MISSING_END_STATE"
	CodeInvalidJSONDescription  = "INVALID_JSON_DESCRIPTION"
	CodeUnsupported             = "UNSUPPORTED_FEATURE"
)

func schemaError(loc, format string, args ...any) Diagnostic {
	return Diagnostic{Severity: "ERROR", Code: CodeSchemaValidationFailed, Message: fmt.Sprintf(format, args...), Location: loc}
}

// DefinitionError is Parse's error: the definition's ERROR diagnostics, in the order AWS reports them.
type DefinitionError struct {
	Diagnostics []Diagnostic
}

// Error words the problems as the message of InvalidDefinition: "Invalid State Machine Definition:
// 'SCHEMA_VALIDATION_FAILED: … at /States/S/Field, MISSING_TRANSITION_TARGET: …'" — each problem as
// "<code>: <message> at <location>", joined by ", " (AWS's format as recorded in LocalStack issue #11978).
func (e *DefinitionError) Error() string {
	parts := make([]string, 0, len(e.Diagnostics))
	for _, d := range e.Diagnostics {
		p := d.Code + ": " + d.Message
		if d.Location != "" || d.Code == CodeSchemaValidationFailed {
			loc := d.Location
			if loc == "" {
				loc = "/"
			}
			p += " at " + loc
		}
		parts = append(parts, p)
	}
	return "Invalid State Machine Definition: '" + strings.Join(parts, ", ") + "'"
}
