package awsjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"
)

// MaxDepth is the deepest nesting of JSON arrays and objects Validate accepts. No SWF or Step Functions input
// nests deeper than a handful of levels; the bound keeps decoding and the walk cheap and finite.
const MaxDepth = 64

const (
	// maxReported is how many violations a ValidationException message lists; the count covers all of them.
	maxReported = 10
	// maxValueRunes is how many characters of a value a message echoes.
	maxValueRunes = 100
	// redacted replaces values of sensitive shapes in messages, as AWS does.
	redacted = "*** Sensitive Data Redacted ***"
)

// Validate checks a request body against the input shape of the operation op, the way AWS does before an
// operation runs. An empty body counts as {}. Member names are matched exactly; members the model does not
// define, including its own names in another case, are ignored.
//
// It returns nil or a *Fault:
//   - SerializationException for a body that is not a single JSON object, nests deeper than MaxDepth, has a
//     string that is not valid UTF-8 or an object that names a member twice, or has a member of the wrong
//     JSON type (a string where a number belongs, a fractional or out-of-range number
//     where an integer or long belongs, a timestamp that is not a number of epoch seconds);
//   - ValidationException for members that break the model's constraints (required, length, range, enum,
//     pattern), listing up to ten violations in member-name order, e.g.
//     "1 validation error detected: Value null at 'domain' failed to satisfy constraint: Member must not be null";
//   - UnknownOperationException for an operation the model does not define.
//
// A body that passes Validate decodes with DecodeInput into structs of the matching Go types: integers are
// integer literals within range, timestamps and floats fit a float64, blobs are valid base64, and the
// names DecodeInput reads are the ones Validate checked.
func (m *Model) Validate(op string, body []byte) error {
	_, err := m.validate(op, body)
	return err
}

// validate is Validate that also returns what the operation may read of a valid body: nil when that is
// the body itself, or the body re-encoded without the members the model does not define. Handlers decode
// that, so that no member reaches them unvalidated, whatever their Go input types hold; real clients send
// no unknown members, so the common case costs no copy.
func (m *Model) validate(op string, body []byte) ([]byte, error) {
	o, ok := m.operations[op]
	if !ok {
		return nil, UnknownOperation(m.targetPrefix + "." + op)
	}
	v, f := decodeBody(body)
	if f != nil {
		return nil, f
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, SerializationError("Expected the request body to be a JSON object, got " + jsonTypeOf(v) + ".")
	}
	if o.input == nil {
		if len(obj) == 0 {
			return nil, nil
		}
		return []byte("{}"), nil
	}
	var w walker
	if !w.structure(o.input, obj, o.input.sensitive) {
		return nil, w.fault
	}
	if w.count > 0 {
		return nil, ValidationError(w.message())
	}
	if !w.unknown {
		return nil, nil
	}
	pruned, err := json.Marshal(prune(o.input, obj))
	if err != nil {
		return nil, fmt.Errorf("re-encode %s input: %w", op, err)
	}
	return pruned, nil
}

// prune returns v, valid against s, without the members of its structures that s does not define.
func prune(s *shape, v any) any {
	switch s.kind {
	case kindStructure:
		obj := v.(map[string]any)
		out := make(map[string]any, len(s.members))
		for i := range s.members {
			m := &s.members[i]
			if mv, ok := obj[m.name]; ok && mv != nil {
				out[m.name] = prune(m.shape, mv)
			}
		}
		return out
	case kindList:
		list := v.([]any)
		out := make([]any, len(list))
		for i, item := range list {
			out[i] = prune(s.item, item)
		}
		return out
	case kindMap:
		obj := v.(map[string]any)
		out := make(map[string]any, len(obj))
		for k, mv := range obj {
			out[k] = prune(s.value, mv)
		}
		return out
	}
	return v
}

// decodeBody decodes a request body into a value with json.Number for numbers. An empty body is {}.
//
// It reads JSON as AWS's JSON protocol does, strictly: a string that is not valid UTF-8 (raw bytes or an
// unpaired surrogate escape) and an object that names a member twice are refused, rather than repaired
// (encoding/json replaces bad bytes with U+FFFD, which can triple a string's size after validation
// counted it) or resolved by a rule the handler's decoder may not share. DecodeInput reads with the same
// rules, so that a handler decodes exactly the members Validate checked.
func decodeBody(body []byte) (any, *Fault) {
	if len(bytes.TrimSpace(body)) == 0 {
		return map[string]any{}, nil
	}
	dec := jsontext.NewDecoder(bytes.NewBuffer(body))
	v, err := readValue(dec, 0)
	if err == nil {
		if _, err = dec.ReadToken(); err == io.EOF {
			return v, nil
		} else if err == nil {
			return nil, SerializationError("The request body has data after its JSON value.")
		}
	}
	return nil, syntaxFault(err)
}

// errTooDeep is readValue's error for a value nested past MaxDepth.
var errTooDeep = errors.New("too deep")

// readValue reads the next JSON value from dec into a tree of map[string]any, []any, string, json.Number,
// bool and nil, refusing arrays and objects nested more than MaxDepth levels (depth counts those around
// the value).
func readValue(dec *jsontext.Decoder, depth int) (any, error) {
	tok, err := dec.ReadToken()
	if err != nil {
		return nil, err
	}
	switch tok.Kind() {
	case '{':
		if depth >= MaxDepth {
			return nil, errTooDeep
		}
		obj := make(map[string]any)
		for dec.PeekKind() != '}' {
			tok, err := dec.ReadToken()
			if err != nil {
				return nil, err
			}
			name := tok.String() // before the next read voids tok
			v, err := readValue(dec, depth+1)
			if err != nil {
				return nil, err
			}
			obj[name] = v
		}
		_, err := dec.ReadToken()
		return obj, err
	case '[':
		if depth >= MaxDepth {
			return nil, errTooDeep
		}
		list := []any{}
		for dec.PeekKind() != ']' {
			v, err := readValue(dec, depth+1)
			if err != nil {
				return nil, err
			}
			list = append(list, v)
		}
		_, err := dec.ReadToken()
		return list, err
	case '"':
		return tok.String(), nil
	case '0':
		return json.Number(tok.String()), nil
	case 't', 'f':
		return tok.Bool(), nil
	}
	return nil, nil // 'n': null
}

// syntaxFault is the SerializationException for a body the strict reader refused.
func syntaxFault(err error) *Fault {
	var se *jsontext.SyntacticError
	switch {
	case errors.Is(err, errTooDeep):
		return SerializationError("The request body nests JSON deeper than " + strconv.Itoa(MaxDepth) + " levels.")
	case errors.Is(err, jsontext.ErrDuplicateName):
		return SerializationError("The request body names a member twice at '" + pointerPath(err) + "'.")
	case errors.As(err, &se) && strings.Contains(se.Err.Error(), "UTF-8"):
		return SerializationError("The request body has a string that is not valid UTF-8 at '" + pointerPath(err) + "'.")
	case errors.Is(err, io.ErrUnexpectedEOF) || err == io.EOF:
		return SerializationError("The request body ends before its JSON value does.")
	}
	msg := err.Error()
	if errors.As(err, &se) {
		msg = strings.TrimPrefix(se.Err.Error(), "jsontext: ")
	}
	return SerializationError("The request body is not valid JSON: " + truncateRunes(msg, maxValueRunes))
}

// pointerPath renders where a strict-reading error occurred as a dotted member path ("a.b"), or "" at the
// top level.
func pointerPath(err error) string {
	var se *jsontext.SyntacticError
	if !errors.As(err, &se) {
		return ""
	}
	var parts []string
	for tok := range se.JSONPointer.Tokens() {
		parts = append(parts, tok)
	}
	return truncateRunes(strings.Join(parts, "."), maxValueRunes)
}

// segment is one step of the path to a value: a member name, or a 1-based list index (printed "3.member").
type segment struct {
	name  string
	index int
}

// walker walks a decoded body along its shape, collecting constraint violations. The first type mismatch
// stops the walk: AWS deserialises before it validates, so a SerializationException wins.
type walker struct {
	path     []segment
	reported []string // the first maxReported violation messages
	count    int      // all violations
	fault    *Fault   // the SerializationException that stopped the walk
	unknown  bool     // a structure had members its shape does not define
}

// value checks v, a non-null value, against s. It returns false when it found a type mismatch.
func (w *walker) value(s *shape, v any, sensitive bool) bool {
	sensitive = sensitive || s.sensitive
	switch s.kind {
	case kindStructure:
		obj, ok := v.(map[string]any)
		if !ok {
			return w.typeMismatch(&typeError{want: "an object", got: jsonTypeOf(v)})
		}
		return w.structure(s, obj, sensitive)
	case kindList:
		list, ok := v.([]any)
		if !ok {
			return w.typeMismatch(&typeError{want: "an array", got: jsonTypeOf(v)})
		}
		return w.list(s, list, sensitive)
	case kindMap:
		obj, ok := v.(map[string]any)
		if !ok {
			return w.typeMismatch(&typeError{want: "an object", got: jsonTypeOf(v)})
		}
		return w.mapValue(s, obj, sensitive)
	}
	if te := s.checkType(v); te != nil {
		return w.typeMismatch(te)
	}
	var buf [2]string
	for _, c := range s.constraints(v, buf[:0]) {
		w.violation(v, sensitive, c)
	}
	return true
}

// structure checks the members of obj that s defines, in member-name order.
func (w *walker) structure(s *shape, obj map[string]any, sensitive bool) bool {
	known := 0
	for i := range s.members {
		m := &s.members[i]
		v, present := obj[m.name]
		if present {
			known++
		}
		if !present || v == nil {
			// AWS treats a JSON null member like an absent one.
			if m.required {
				w.path = append(w.path, segment{name: m.name})
				w.violation(nil, false, "Member must not be null")
				w.path = w.path[:len(w.path)-1]
			}
			continue
		}
		w.path = append(w.path, segment{name: m.name})
		ok := w.value(m.shape, v, sensitive)
		w.path = w.path[:len(w.path)-1]
		if !ok {
			return false
		}
	}
	if known < len(obj) {
		w.unknown = true
	}
	return true
}

// list checks a list's length, then each item.
func (w *walker) list(s *shape, list []any, sensitive bool) bool {
	var buf [2]string
	for _, c := range s.lengthConstraints(int64(len(list)), buf[:0]) {
		w.violation(list, sensitive, c)
	}
	for i, item := range list {
		w.path = append(w.path, segment{index: i + 1})
		ok := true
		if item == nil {
			w.violation(nil, false, "Member must not be null")
		} else {
			ok = w.value(s.item, item, sensitive)
		}
		w.path = w.path[:len(w.path)-1]
		if !ok {
			return false
		}
	}
	return true
}

// mapValue checks a map's size, then its entries in key order. Keys and scalar values that break their
// constraints are reported at the map, the way AWS does ("Map keys must satisfy constraint: [...]").
func (w *walker) mapValue(s *shape, obj map[string]any, sensitive bool) bool {
	var buf [2]string
	for _, c := range s.lengthConstraints(int64(len(obj)), buf[:0]) {
		w.violation(obj, sensitive, c)
	}
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	scalarValue := s.value.kind != kindStructure && s.value.kind != kindList && s.value.kind != kindMap
	for _, k := range keys {
		if te := s.key.checkType(k); te != nil {
			return w.typeMismatch(te)
		}
		if cs := s.key.constraints(k, nil); len(cs) > 0 {
			w.violation(obj, sensitive || s.key.sensitive, "Map keys must satisfy constraint: ["+strings.Join(cs, ", ")+"]")
		}
		v := obj[k]
		if v == nil {
			w.violation(obj, sensitive, "Map value must not be null")
			continue
		}
		w.path = append(w.path, segment{name: k})
		ok := true
		if scalarValue {
			if te := s.value.checkType(v); te != nil {
				ok = w.typeMismatch(te)
			} else if cs := s.value.constraints(v, nil); len(cs) > 0 {
				w.path = w.path[:len(w.path)-1]
				w.violation(obj, sensitive || s.value.sensitive, "Map value must satisfy constraint: ["+strings.Join(cs, ", ")+"]")
				continue
			}
		} else {
			ok = w.value(s.value, v, sensitive)
		}
		w.path = w.path[:len(w.path)-1]
		if !ok {
			return false
		}
	}
	return true
}

// typeMismatch stops the walk with a SerializationException at the current path. It returns false.
func (w *walker) typeMismatch(te *typeError) bool {
	w.fault = SerializationError("Expected " + te.want + " at '" + w.pathString() + "', got " + te.got + ".")
	return false
}

// violation records a constraint violation of the value v at the current path.
func (w *walker) violation(v any, sensitive bool, constraint string) {
	w.count++
	if len(w.reported) >= maxReported {
		return
	}
	var shown string
	switch {
	case v == nil:
		shown = "null"
	case sensitive:
		shown = "'" + redacted + "'"
	default:
		shown = "'" + renderValue(v) + "'"
	}
	w.reported = append(w.reported, "Value "+shown+" at '"+w.pathString()+"' failed to satisfy constraint: "+constraint)
}

// message returns the ValidationException message for the recorded violations.
func (w *walker) message() string {
	var b strings.Builder
	b.WriteString(strconv.Itoa(w.count))
	if w.count == 1 {
		b.WriteString(" validation error detected: ")
	} else {
		b.WriteString(" validation errors detected: ")
	}
	for i, r := range w.reported {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(r)
	}
	return b.String()
}

// pathString renders the current path AWS's way: "decisions.1.member.activityId".
func (w *walker) pathString() string {
	var b strings.Builder
	for i, s := range w.path {
		if i > 0 {
			b.WriteByte('.')
		}
		if s.index > 0 {
			b.WriteString(strconv.Itoa(s.index))
			b.WriteString(".member")
		} else {
			b.WriteString(truncateRunes(s.name, maxValueRunes))
		}
	}
	return b.String()
}

// renderValue renders a decoded value the way AWS's Java validators print it (a list as "[a, b]", a map as
// "{k=v}"), cut to maxValueRunes characters followed by "..." when longer.
func renderValue(v any) string {
	// Each rune takes at most 4 bytes, so this many bytes always hold more than maxValueRunes runes.
	r := limitedWriter{limit: 4*maxValueRunes + 4}
	r.value(v)
	return truncateRunes(r.b.String(), maxValueRunes)
}

// limitedWriter builds a rendering that stops growing past limit bytes, so that a huge list in a message
// costs no more than a short one.
type limitedWriter struct {
	b     strings.Builder
	limit int
}

// full reports whether the rendering has reached its limit.
func (r *limitedWriter) full() bool { return r.b.Len() >= r.limit }

// write appends s, cut to the remaining room.
func (r *limitedWriter) write(s string) {
	if room := r.limit - r.b.Len(); len(s) > room {
		s = s[:max(room, 0)]
	}
	r.b.WriteString(s)
}

// value appends the rendering of v.
func (r *limitedWriter) value(v any) {
	if r.full() {
		return
	}
	switch v := v.(type) {
	case nil:
		r.write("null")
	case string:
		r.write(v)
	case json.Number:
		r.write(v.String())
	case bool:
		r.write(strconv.FormatBool(v))
	case []any:
		r.write("[")
		for i, item := range v {
			if r.full() {
				return
			}
			if i > 0 {
				r.write(", ")
			}
			r.value(item)
		}
		r.write("]")
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		r.write("{")
		for i, k := range keys {
			if r.full() {
				return
			}
			if i > 0 {
				r.write(", ")
			}
			r.write(k)
			r.write("=")
			r.value(v[k])
		}
		r.write("}")
	}
}

// truncateRunes cuts s to n characters followed by "...", and repairs a rune split by a byte-level cut.
func truncateRunes(s string, n int) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	i, count := 0, 0
	for i < len(s) && count < n {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
		count++
	}
	return s[:i] + "..."
}
