package asl

import (
	"errors"
	"fmt"
	"strings"
)

// optPath is a path field that may be absent (the default, $), null (a distinct meaning per field), or a
// path.
type optPath struct {
	Null bool
	Path *Path
}

// applyInputPath selects the state's input: null gives {}, absent gives the input itself. A definite path
// that names nothing fails with States.Runtime (AWS: "Invalid path '$.x' : No results for path: $['x']").
func applyInputPath(p optPath, input, ctx any) (any, error) {
	switch {
	case p.Null:
		return NewObject(), nil
	case p.Path == nil:
		return input, nil
	}
	doc := input
	if p.Path.Context() {
		doc = ctx
	}
	v, err := p.Path.Eval(doc)
	var nr *NoResultsError
	if errors.As(err, &nr) {
		return nil, fail(ErrRuntime, "%s", nr.Error())
	}
	return v, err
}

// applyResultPath merges the result into the raw state input: absent or $ replaces it, null discards
// the result, a reference path writes the result there in a copy of the input.
func applyResultPath(p optPath, input, result any) (any, error) {
	switch {
	case p.Null:
		return input, nil
	case p.Path == nil:
		return result, nil
	}
	out, err := p.Path.Set(input, result)
	if err != nil {
		return nil, fail(ErrResultPathMatchFailure, "Unable to apply ReferencePath %s to input '%s'", p.Path.src, EncodeJSON(input))
	}
	return out, nil
}

// template is a compiled payload template (Parameters, ResultSelector, ItemSelector): a JSON value whose
// object members named "<key>.$" take their value from a path on the input, a path on the context object
// ($$), or an intrinsic function call, and appear in the result named "<key>".
type template struct {
	fields []templateField // for an object, in order
	isObj  bool
	elems  []*template // for an array
	isArr  bool
	lit    any // for anything else
}

type templateField struct {
	key   string // the output name (".$" removed)
	field string // the name as written
	path  *Path
	call  *call
	src   string
	value *template
}

// compileTemplate checks and compiles a payload template; where names the field for messages and
// locations ("/States/S/Parameters").
func compileTemplate(v any, where string) (*template, []Diagnostic) {
	var diags []Diagnostic
	t := compileNode(v, where, &diags)
	return t, diags
}

func compileNode(v any, where string, diags *[]Diagnostic) *template {
	switch v := v.(type) {
	case *Object:
		t := &template{isObj: true}
		seen := map[string]bool{}
		for _, k := range v.keys {
			val := v.vals[k]
			f := templateField{key: k, field: k}
			if name, ok := strings.CutSuffix(k, ".$"); ok {
				f.key = name
				s, isStr := val.(string)
				switch {
				case !isStr:
					*diags = append(*diags, schemaError(where+"/"+k, "The value for the field '%s' must be a STRING that contains a JSONPath but was %s", k, strings.ToUpper(typeName(val))))
				case strings.HasPrefix(s, "$"):
					p, err := ParsePath(s)
					if err != nil {
						*diags = append(*diags, schemaError(where+"/"+k, "The value for the field '%s' must be a valid JSONPath or a valid intrinsic function call", k))
					}
					f.path, f.src = p, s
				default:
					c, err := parseIntrinsic(s)
					if err != nil {
						*diags = append(*diags, schemaError(where+"/"+k, "The value for the field '%s' must be a valid JSONPath or a valid intrinsic function call", k))
					}
					f.call, f.src = c, s
				}
			} else {
				f.value = compileNode(val, where+"/"+k, diags)
			}
			if seen[f.key] {
				*diags = append(*diags, schemaError(where, "The field '%s' is defined more than once", f.key))
			}
			seen[f.key] = true
			t.fields = append(t.fields, f)
		}
		return t
	case []any:
		t := &template{isArr: true}
		for i, e := range v {
			t.elems = append(t.elems, compileNode(e, fmt.Sprintf("%s[%d]", where, i), diags))
		}
		return t
	}
	return &template{lit: v}
}

// readsInput reports whether evaluating the template may read its input ("$" paths, or intrinsic calls,
// counted as reading it); false when it reads only the context object and literals.
func (t *template) readsInput() bool {
	if t == nil {
		return false
	}
	for _, f := range t.fields {
		switch {
		case f.path != nil && !f.path.Context():
			return true
		case f.call != nil:
			return true
		case f.value != nil && f.value.readsInput():
			return true
		}
	}
	for _, e := range t.elems {
		if e.readsInput() {
			return true
		}
	}
	return false
}

// eval builds the payload for one input.
func (t *template) eval(s *scope) (any, error) {
	switch {
	case t.isObj:
		o := NewObject()
		for _, f := range t.fields {
			var v any
			var err error
			switch {
			case f.value != nil:
				v, err = f.value.eval(s)
			case f.path != nil:
				doc := s.input
				if f.path.Context() {
					doc = s.ctx
				}
				v, err = f.path.Eval(doc)
				var nr *NoResultsError
				if errors.As(err, &nr) {
					err = fail(ErrRuntime, "The JSONPath '%s' specified for the field '%s' could not be found in the input '%s'", f.src, f.field, EncodeJSON(doc))
				}
			case f.call != nil:
				v, err = f.call.eval(s)
				var nr *NoResultsError
				var fl *Failure
				if errors.As(err, &nr) {
					err = fail(ErrRuntime, "The JSONPath '%s' specified for the field '%s' could not be found in the input '%s'", nr.Path, f.field, EncodeJSON(s.input))
				} else if err != nil && !errors.As(err, &fl) {
					err = fail(ErrIntrinsicFailure, "The function '%s' specified for the field '%s' failed: %v", f.src, f.field, err)
				}
			}
			if err != nil {
				return nil, err
			}
			o.Set(f.key, v)
		}
		return o, nil
	case t.isArr:
		a := make([]any, 0, len(t.elems))
		for _, e := range t.elems {
			v, err := e.eval(s)
			if err != nil {
				return nil, err
			}
			a = append(a, v)
		}
		return a, nil
	}
	return clone(t.lit), nil
}
