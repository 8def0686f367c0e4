package awsjson

import (
	"encoding/json"
	"errors"
)

// DecodeInput decodes a request body a Handler received into v, a pointer to the operation's input struct,
// and answers a SerializationException when it cannot.
//
// Validate already checked the body, but encoding/json matches member names case-insensitively and applies
// every duplicate of a key, where Validate (like AWS) reads exact names and the last duplicate only. A client
// sending {"MaximumPageSize":"x"} passes Validate (an unknown member) yet fails json.Unmarshal; through
// DecodeInput it gets a 400 fault rather than an InternalFailure. The message names the member, never a Go
// type.
func DecodeInput(body []byte, v any) error {
	err := json.Unmarshal(body, v)
	if err == nil {
		return nil
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field != "" {
		return SerializationError("Unexpected JSON " + te.Value + " at '" + truncateRunes(te.Field, maxValueRunes) + "'.")
	}
	return SerializationError("The request body could not be decoded.")
}
