package asl

import (
	"fmt"
	"strings"
)

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
