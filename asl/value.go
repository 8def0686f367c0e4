package asl

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// A JSON value is held as one of: nil, bool, string, json.Number (the number's text, kept exactly as it
// was written), []any, or *Object. Objects keep their keys in insertion order, as Step Functions (Jackson's
// LinkedHashMap) does when it writes a state's output back.

// Object is a JSON object whose keys keep the order in which they were first set.
type Object struct {
	keys []string
	vals map[string]any
}

// NewObject returns an empty object.
func NewObject() *Object { return &Object{vals: map[string]any{}} }

// Keys returns the object's keys in order; the caller must not modify the slice.
func (o *Object) Keys() []string { return o.keys }

// Len is the number of members.
func (o *Object) Len() int { return len(o.keys) }

// Get returns the member named k and whether it exists.
func (o *Object) Get(k string) (any, bool) {
	v, ok := o.vals[k]
	return v, ok
}

// Set sets member k, appending it when new.
func (o *Object) Set(k string, v any) {
	if _, ok := o.vals[k]; !ok {
		o.keys = append(o.keys, k)
	}
	o.vals[k] = v
}

// ParseJSON decodes one JSON document, keeping number text and key order. A later duplicate key replaces
// the earlier value in place, as Jackson does.
func ParseJSON(s string) (any, error) {
	d := json.NewDecoder(strings.NewReader(s))
	d.UseNumber()
	v, err := decodeValue(d)
	if err != nil {
		return nil, err
	}
	if _, err := d.Token(); err != io.EOF {
		return nil, errors.New("unexpected data after the JSON value")
	}
	return v, nil
}

func decodeValue(d *json.Decoder) (any, error) {
	t, err := d.Token()
	if err != nil {
		return nil, err
	}
	switch t := t.(type) {
	case json.Delim:
		switch t {
		case '{':
			o := NewObject()
			for d.More() {
				kt, err := d.Token()
				if err != nil {
					return nil, err
				}
				v, err := decodeValue(d)
				if err != nil {
					return nil, err
				}
				o.Set(kt.(string), v)
			}
			if _, err := d.Token(); err != nil {
				return nil, err
			}
			return o, nil
		case '[':
			a := []any{}
			for d.More() {
				v, err := decodeValue(d)
				if err != nil {
					return nil, err
				}
				a = append(a, v)
			}
			if _, err := d.Token(); err != nil {
				return nil, err
			}
			return a, nil
		}
		return nil, fmt.Errorf("unexpected %v", t)
	default:
		return t, nil
	}
}

// EncodeJSON writes v compactly, as Step Functions writes inputs and outputs into history.
func EncodeJSON(v any) string {
	var b bytes.Buffer
	encode(&b, v)
	return b.String()
}

func encode(b *bytes.Buffer, v any) {
	switch v := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		b.WriteString(strconv.FormatBool(v))
	case json.Number:
		b.WriteString(string(v))
	case string:
		enc, _ := json.Marshal(v)
		b.Write(enc)
	case []any:
		b.WriteByte('[')
		for i, e := range v {
			if i > 0 {
				b.WriteByte(',')
			}
			encode(b, e)
		}
		b.WriteByte(']')
	case *Object:
		b.WriteByte('{')
		for i, k := range v.keys {
			if i > 0 {
				b.WriteByte(',')
			}
			enc, _ := json.Marshal(k)
			b.Write(enc)
			b.WriteByte(':')
			encode(b, v.vals[k])
		}
		b.WriteByte('}')
	default:
		// Values built by this package only take the forms above; anything else is a programming error
		// written out visibly rather than dropped.
		fmt.Fprintf(b, "%q", fmt.Sprint(v))
	}
}

// clone deep-copies v so that ResultPath can write into a copy of the state input.
func clone(v any) any {
	switch v := v.(type) {
	case []any:
		c := make([]any, len(v))
		for i, e := range v {
			c[i] = clone(e)
		}
		return c
	case *Object:
		c := &Object{keys: append([]string(nil), v.keys...), vals: make(map[string]any, len(v.vals))}
		for k, e := range v.vals {
			c.vals[k] = clone(e)
		}
		return c
	}
	return v
}

// number returns v as a float64 when it is a JSON number.
func number(v any) (float64, bool) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, false
	}
	f, err := strconv.ParseFloat(string(n), 64)
	return f, err == nil
}

// isInteger reports whether v is a JSON number with an integral value.
func isInteger(v any) (int64, bool) {
	f, ok := number(v)
	if !ok || f != math.Trunc(f) || math.Abs(f) > 1<<53 {
		return 0, false
	}
	return int64(f), true
}

// num makes a JSON number from a float, written as an integer when it is one.
func num(f float64) json.Number {
	if f == math.Trunc(f) && math.Abs(f) < 1e18 {
		return json.Number(strconv.FormatInt(int64(f), 10))
	}
	return json.Number(strconv.FormatFloat(f, 'g', -1, 64))
}

// equalJSON compares two values structurally; numbers compare by value.
func equalJSON(a, b any) bool {
	switch a := a.(type) {
	case json.Number:
		fa, _ := number(a)
		fb, ok := number(b)
		return ok && fa == fb
	case []any:
		bb, ok := b.([]any)
		if !ok || len(a) != len(bb) {
			return false
		}
		for i := range a {
			if !equalJSON(a[i], bb[i]) {
				return false
			}
		}
		return true
	case *Object:
		bo, ok := b.(*Object)
		if !ok || a.Len() != bo.Len() {
			return false
		}
		for _, k := range a.keys {
			bv, ok := bo.vals[k]
			if !ok || !equalJSON(a.vals[k], bv) {
				return false
			}
		}
		return true
	}
	return a == b
}

// typeName names a value's JSON type as Step Functions' messages do.
func typeName(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case string:
		return "string"
	case json.Number:
		return "number"
	case []any:
		return "array"
	}
	return "object"
}
