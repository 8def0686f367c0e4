package awsjson

import (
	"fmt"
	"reflect"
	"sort"
	"strings"
)

// Shape is a read-only view of one shape of a Model, for tests and tools that relate Go types and request
// bodies to the model: a test that holds an API's input structs to the model (CheckInput), a fuzz target
// that knows which members a body's reader may see. The zero Shape is no shape.
type Shape struct{ s *shape }

// Input returns the input shape of op, or the zero Shape when op takes no input or does not exist.
func (m *Model) Input(op string) Shape {
	if o, ok := m.operations[op]; ok && o.input != nil {
		return Shape{o.input}
	}
	return Shape{}
}

// Valid reports whether s is a shape.
func (s Shape) Valid() bool { return s.s != nil }

// Type is the model's type of the shape: "structure", "list", "map", "string", "integer", "long",
// "float", "boolean", "timestamp", "blob" or "document".
func (s Shape) Type() string {
	if s.s == nil {
		return ""
	}
	return s.s.kind.String()
}

// Members lists a structure's member names as they appear on the wire, sorted.
func (s Shape) Members() []string {
	if s.s == nil {
		return nil
	}
	names := make([]string, len(s.s.members))
	for i, m := range s.s.members {
		names[i] = m.name
	}
	return names
}

// Member returns the shape of a structure's member, named exactly as on the wire.
func (s Shape) Member(name string) (Shape, bool) {
	if s.s == nil {
		return Shape{}, false
	}
	ms := s.s.members
	i := sort.Search(len(ms), func(i int) bool { return ms[i].name >= name })
	if i < len(ms) && ms[i].name == name {
		return Shape{ms[i].shape}, true
	}
	return Shape{}, false
}

// Item returns a list's item shape, else the zero Shape.
func (s Shape) Item() Shape {
	if s.s == nil {
		return Shape{}
	}
	return Shape{s.s.item}
}

// Value returns a map's value shape, else the zero Shape.
func (s Shape) Value() Shape {
	if s.s == nil {
		return Shape{}
	}
	return Shape{s.s.value}
}

// CheckInput reports every field of t, the Go type a handler decodes op's input into, whose JSON name is
// not a member of the model's shape at that place, or whose Go kind cannot hold the member. DecodeInput
// matches names exactly, so a tag that differs from the model only in case would silently never be set;
// each API package runs this over every operation in a test.
//
// Names follow encoding/json's tags: the tag's name, else the field name; "-" skips a field; an embedded
// struct without a name contributes its fields. A type with its own UnmarshalJSON is taken as is.
func (m *Model) CheckInput(op string, t reflect.Type) error {
	in := m.Input(op)
	if !in.Valid() {
		return fmt.Errorf("%s: the model has no input for this operation", op)
	}
	var problems []string
	checkGoType(in, t, op, &problems)
	if len(problems) > 0 {
		return fmt.Errorf("%s", strings.Join(problems, "; "))
	}
	return nil
}

var unmarshalerType = reflect.TypeFor[interface{ UnmarshalJSON([]byte) error }]()

// checkGoType appends to problems each way t, found at path, departs from s.
func checkGoType(s Shape, t reflect.Type, path string, problems *[]string) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if reflect.PointerTo(t).Implements(unmarshalerType) {
		return
	}
	want := map[kind][]reflect.Kind{
		kindStructure: {reflect.Struct},
		kindList:      {reflect.Slice},
		kindMap:       {reflect.Map},
		kindString:    {reflect.String},
		kindInteger:   {reflect.Int, reflect.Int32, reflect.Int64},
		kindLong:      {reflect.Int, reflect.Int64},
		kindFloat:     {reflect.Float64},
		kindBoolean:   {reflect.Bool},
		kindBlob:      {reflect.Slice},
		kindTimestamp: {reflect.Float64},
		kindDocument:  {reflect.Interface},
	}[s.s.kind]
	ok := false
	for _, k := range want {
		ok = ok || t.Kind() == k
	}
	if !ok {
		*problems = append(*problems, fmt.Sprintf("%s: Go %s cannot hold the model's %s", path, t, s.s.kind))
		return
	}
	switch s.s.kind {
	case kindStructure:
		checkFields(s, t, path, problems)
	case kindList:
		checkGoType(s.Item(), t.Elem(), path+"[]", problems)
	case kindMap:
		checkGoType(s.Value(), t.Elem(), path+"{}", problems)
	}
}

// checkFields checks the fields of the struct type t against the structure s.
func checkFields(s Shape, t reflect.Type, path string, problems *[]string) {
	for f := range t.Fields() {
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			checkFields(s, f.Type, path, problems)
			continue
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		ms, ok := s.Member(name)
		if !ok {
			*problems = append(*problems, fmt.Sprintf("%s.%s: the model's %s has no member %q (members: %s)",
				path, f.Name, s.s.name, name, strings.Join(s.Members(), ", ")))
			continue
		}
		checkGoType(ms, f.Type, path+"."+name, problems)
	}
}
