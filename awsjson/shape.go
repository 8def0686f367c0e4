package awsjson

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"unicode/utf8"
)

// kind is the type of a shape.
type kind uint8

// The shape types of botocore's model format. float and double share kindFloat: both are float64 on the
// wire and in Go's encoding/json.
const (
	kindStructure kind = iota + 1
	kindList
	kindMap
	kindString
	kindInteger
	kindLong
	kindFloat
	kindBoolean
	kindTimestamp
	kindBlob
	kindDocument
)

// String returns the model's name of the kind.
func (k kind) String() string {
	switch k {
	case kindStructure:
		return "structure"
	case kindList:
		return "list"
	case kindMap:
		return "map"
	case kindString:
		return "string"
	case kindInteger:
		return "integer"
	case kindLong:
		return "long"
	case kindFloat:
		return "float"
	case kindBoolean:
		return "boolean"
	case kindTimestamp:
		return "timestamp"
	case kindBlob:
		return "blob"
	case kindDocument:
		return "document"
	}
	return "unknown"
}

// parseKind maps a raw shape's type to its kind.
func parseKind(rs rawShape) (kind, error) {
	switch rs.Type {
	case "structure":
		if rs.Document {
			return kindDocument, nil
		}
		return kindStructure, nil
	case "list":
		return kindList, nil
	case "map":
		return kindMap, nil
	case "string":
		return kindString, nil
	case "integer", "short", "byte":
		return kindInteger, nil
	case "long":
		return kindLong, nil
	case "float", "double":
		return kindFloat, nil
	case "boolean":
		return kindBoolean, nil
	case "timestamp":
		return kindTimestamp, nil
	case "blob":
		return kindBlob, nil
	}
	return 0, fmt.Errorf("unsupported type %q", rs.Type)
}

// shape is a compiled model shape. Which fields are set depends on kind.
type shape struct {
	name      string
	kind      kind
	sensitive bool // values are never echoed in messages

	members []member // structure: sorted by wire name
	item    *shape   // list
	key     *shape   // map
	value   *shape   // map

	// min and max bound a string's length in characters, a blob's in bytes, a list's or map's size, or a
	// number's value.
	min, max    bound
	enum        map[string]struct{}
	enumText    string // "[A, B]", model order
	pattern     *regexp.Regexp
	patternText string
}

// member is one member of a structure shape.
type member struct {
	name     string // on the wire
	shape    *shape
	required bool
}

// bound is a model min or max.
type bound struct {
	set   bool
	isInt bool // i holds the exact value
	i     int64
	f     float64
	text  string // as written in the model, for messages
}

// parseBound parses a model min or max.
func parseBound(n json.Number) (bound, error) {
	b := bound{set: true, text: n.String()}
	f, err := strconv.ParseFloat(b.text, 64)
	if err != nil {
		return bound{}, fmt.Errorf("parse %q: %w", b.text, err)
	}
	b.f = f
	if i, err := strconv.ParseInt(b.text, 10, 64); err == nil {
		b.i, b.isInt = i, true
	}
	return b, nil
}

// aboveInt reports whether v is greater than the bound b (a maximum).
func (b bound) aboveInt(v int64) bool {
	if b.isInt {
		return v > b.i
	}
	return float64(v) > b.f
}

// belowInt reports whether v is less than the bound b (a minimum).
func (b bound) belowInt(v int64) bool {
	if b.isInt {
		return v < b.i
	}
	return float64(v) < b.f
}

// errNotInteger and errOutOfRange tell why a JSON number is not a valid integer or long.
var (
	errNotInteger = errors.New("not an integer")
	errOutOfRange = errors.New("out of range")
)

// parseInteger parses a JSON number as an integer of the given bit size. Only integer literals are accepted
// ("1.0" and "1e3" are not), because handlers decode bodies with encoding/json, which rejects them too: a body
// that passes Validate must decode.
func parseInteger(n json.Number, bits int) (int64, error) {
	s := string(n)
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '.' || c == 'e' || c == 'E' {
			return 0, errNotInteger
		}
	}
	v, err := strconv.ParseInt(s, 10, bits)
	if err != nil {
		return 0, errOutOfRange
	}
	return v, nil
}

// typeError is a value whose JSON type does not fit its shape. It becomes a SerializationException.
type typeError struct {
	want string
	got  string
}

// checkType checks that v, a value decoded with UseNumber, has the JSON type the scalar shape s needs. It
// returns nil or the mismatch.
func (s *shape) checkType(v any) *typeError {
	switch s.kind {
	case kindString:
		if _, ok := v.(string); ok {
			return nil
		}
		return &typeError{want: "a string", got: jsonTypeOf(v)}
	case kindBlob:
		str, ok := v.(string)
		if !ok {
			return &typeError{want: "a base64-encoded string", got: jsonTypeOf(v)}
		}
		if _, err := base64.StdEncoding.DecodeString(str); err != nil {
			return &typeError{want: "a base64-encoded string", got: "a string that is not valid base64"}
		}
		return nil
	case kindBoolean:
		if _, ok := v.(bool); ok {
			return nil
		}
		return &typeError{want: "a boolean", got: jsonTypeOf(v)}
	case kindInteger, kindLong:
		n, ok := v.(json.Number)
		if !ok {
			return &typeError{want: "an integer", got: jsonTypeOf(v)}
		}
		bits, what := 32, "an integer"
		if s.kind == kindLong {
			bits, what = 64, "a long"
		}
		switch _, err := parseInteger(n, bits); err {
		case nil:
			return nil
		case errNotInteger:
			return &typeError{want: what, got: "the non-integer number " + truncateRunes(n.String(), maxValueRunes)}
		default:
			return &typeError{want: what, got: "the out-of-range number " + truncateRunes(n.String(), maxValueRunes)}
		}
	case kindFloat, kindTimestamp:
		want := "a number"
		if s.kind == kindTimestamp {
			want = "a number of epoch seconds"
		}
		n, ok := v.(json.Number)
		if !ok {
			return &typeError{want: want, got: jsonTypeOf(v)}
		}
		if f, err := strconv.ParseFloat(string(n), 64); err != nil || math.IsInf(f, 0) {
			return &typeError{want: want, got: "the out-of-range number " + truncateRunes(n.String(), maxValueRunes)}
		}
		return nil
	case kindDocument:
		return nil
	}
	return &typeError{want: s.kind.String(), got: jsonTypeOf(v)}
}

// constraints appends the constraint messages ("Member must …") the scalar value v, already type-checked,
// breaks.
func (s *shape) constraints(v any, dst []string) []string {
	switch s.kind {
	case kindString:
		str := v.(string)
		if s.min.set || s.max.set {
			n := int64(utf8.RuneCountInString(str))
			dst = s.lengthConstraints(n, dst)
		}
		if s.pattern != nil && !s.pattern.MatchString(str) {
			dst = append(dst, "Member must satisfy regular expression pattern: "+s.patternText)
		}
		if s.enum != nil {
			if _, ok := s.enum[str]; !ok {
				dst = append(dst, "Member must satisfy enum value set: "+s.enumText)
			}
		}
	case kindBlob:
		if s.min.set || s.max.set {
			b, _ := base64.StdEncoding.DecodeString(v.(string))
			dst = s.lengthConstraints(int64(len(b)), dst)
		}
	case kindInteger, kindLong:
		if s.min.set || s.max.set {
			n, _ := parseInteger(v.(json.Number), 64)
			if s.min.set && s.min.belowInt(n) {
				dst = append(dst, "Member must have value greater than or equal to "+s.min.text)
			}
			if s.max.set && s.max.aboveInt(n) {
				dst = append(dst, "Member must have value less than or equal to "+s.max.text)
			}
		}
	case kindFloat:
		if s.min.set || s.max.set {
			f, _ := strconv.ParseFloat(string(v.(json.Number)), 64)
			if s.min.set && f < s.min.f {
				dst = append(dst, "Member must have value greater than or equal to "+s.min.text)
			}
			if s.max.set && f > s.max.f {
				dst = append(dst, "Member must have value less than or equal to "+s.max.text)
			}
		}
	}
	return dst
}

// lengthConstraints appends the messages for a length (or size) n outside the shape's min and max.
func (s *shape) lengthConstraints(n int64, dst []string) []string {
	if s.min.set && s.min.belowInt(n) {
		dst = append(dst, "Member must have length greater than or equal to "+s.min.text)
	}
	if s.max.set && s.max.aboveInt(n) {
		dst = append(dst, "Member must have length less than or equal to "+s.max.text)
	}
	return dst
}

// jsonTypeOf names the JSON type of a value decoded with UseNumber, for SerializationException messages.
func jsonTypeOf(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return "an unexpected value"
}
