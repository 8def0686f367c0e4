package awsjson

import (
	"errors"
	"strings"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// DecodeInput decodes a request body a Handler received into v, a pointer to the operation's input struct,
// and answers a SerializationException when it cannot.
//
// It reads member names exactly as v's json tags spell them and ignores every other member, the way AWS's
// JSON protocol does and the way Validate reads the model's names. encoding/json would not do: it matches
// names case-insensitively and lets the last of "childPolicy" and "ChildPolicy" win, so a member Validate
// ignored as unknown could reach the handler unchecked. Like Validate, it refuses invalid UTF-8 and a
// member named twice. Tags must therefore spell the model's member names exactly; a test in each API
// package holds every input type to its model (Model.CheckInput).
func DecodeInput(body []byte, v any) error {
	err := jsonv2.Unmarshal(body, v)
	if err == nil {
		return nil
	}
	var se *jsonv2.SemanticError
	if errors.As(err, &se) && se.JSONPointer != "" {
		var parts []string
		for tok := range se.JSONPointer.Tokens() {
			parts = append(parts, tok)
		}
		what := "value"
		if se.JSONKind != 0 {
			what = se.JSONKind.String()
		}
		return SerializationError("Unexpected JSON " + what + " at '" + truncateRunes(strings.Join(parts, "."), maxValueRunes) + "'.")
	}
	var f *Fault
	if errors.As(err, &f) {
		// A field's own UnmarshalJSON answered a fault.
		return f
	}
	var syn *jsontext.SyntacticError
	if errors.As(err, &syn) {
		return syntaxFault(err)
	}
	return SerializationError("The request body could not be decoded.")
}
