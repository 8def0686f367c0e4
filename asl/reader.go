package asl

import (
	"math"
	"slices"
	"strings"
)

// reader collects diagnostics while a definition is read.
type reader struct {
	diags []Diagnostic
}

func (r *reader) errorf(loc, format string, args ...any) {
	r.diags = append(r.diags, schemaError(loc, format, args...))
}

// fields reads the members of one JSON object of the definition, located at loc.
type fields struct {
	r   *reader
	o   *Object
	loc string
}

func (r *reader) object(v any, loc, what string) (*fields, bool) {
	o, ok := v.(*Object)
	if !ok {
		r.errorf(loc, "The value for the field '%s' must be an OBJECT", what)
		return nil, false
	}
	return &fields{r: r, o: o, loc: loc}, true
}

func (f *fields) has(name string) bool {
	_, ok := f.o.Get(name)
	return ok
}

// allow reports each member not in names: "Field '<name>' is not supported" at the object (AWS's text,
// floci issue #2735).
func (f *fields) allow(names ...string) {
	for _, k := range f.o.keys {
		if !slices.Contains(names, k) {
			f.r.errorf(f.loc, "Field '%s' is not supported", k)
		}
	}
}

// require reports the missing required members together: "These fields are required: [A, B]".
func (f *fields) require(names ...string) {
	var missing []string
	for _, n := range names {
		if !f.has(n) {
			missing = append(missing, n)
		}
	}
	if len(missing) > 0 {
		f.r.errorf(f.loc, "These fields are required: [%s]", strings.Join(missing, ", "))
	}
}

func (f *fields) str(name string) string {
	v, ok := f.o.Get(name)
	if !ok {
		return ""
	}
	s, isStr := v.(string)
	if !isStr {
		f.r.errorf(f.loc+"/"+name, "The value for the field '%s' must be a STRING", name)
	}
	return s
}

func (f *fields) boolean(name string) bool {
	v, ok := f.o.Get(name)
	if !ok {
		return false
	}
	b, isBool := v.(bool)
	if !isBool {
		f.r.errorf(f.loc+"/"+name, "The value for the field '%s' must be a BOOLEAN", name)
	}
	return b
}

// integer reads an integer member in [lo, hi]; absent gives def.
func (f *fields) integer(name string, lo, hi, def int64) int64 {
	v, ok := f.o.Get(name)
	if !ok {
		return def
	}
	n, isInt := isInteger(v)
	if !isInt || n < lo || n > hi {
		f.r.errorf(f.loc+"/"+name, "The value for the field '%s' must be an INTEGER between %d and %d", name, lo, hi)
		return def
	}
	return n
}

// float reads a number member in [lo, hi]; absent gives def.
func (f *fields) float(name string, lo, hi, def float64) float64 {
	v, ok := f.o.Get(name)
	if !ok {
		return def
	}
	n, isNum := number(v)
	if !isNum || n < lo || n > hi || math.IsNaN(n) {
		f.r.errorf(f.loc+"/"+name, "The value for the field '%s' must be a NUMBER between %g and %g", name, lo, hi)
		return def
	}
	return n
}

// path reads a path member: a Path (InputPath, OutputPath) or, with ref, a Reference Path. A JSON null
// is kept as such when nullable.
func (f *fields) path(name string, ref, nullable bool) optPath {
	v, ok := f.o.Get(name)
	if !ok {
		return optPath{}
	}
	if v == nil && nullable {
		return optPath{Null: true}
	}
	s, isStr := v.(string)
	if !isStr {
		f.r.errorf(f.loc+"/"+name, "The value for the field '%s' must be a STRING", name)
		return optPath{}
	}
	var p *Path
	var err error
	if ref {
		p, err = ParseReferencePath(s)
	} else {
		p, err = ParsePath(s)
	}
	if err != nil {
		kind := "JSONPath"
		if ref {
			kind = "ReferencePath"
		}
		f.r.errorf(f.loc+"/"+name, "The value for the field '%s' must be a valid %s", name, kind)
		return optPath{}
	}
	return optPath{Path: p}
}

// template reads a payload template member.
func (f *fields) template(name string) *template {
	v, ok := f.o.Get(name)
	if !ok {
		return nil
	}
	if _, isObj := v.(*Object); !isObj {
		if _, isArr := v.([]any); !isArr {
			// Step Functions accepts any JSON value as Parameters; a literal passes through unchanged.
			return &template{lit: v}
		}
	}
	t, diags := compileTemplate(v, f.loc+"/"+name)
	f.r.diags = append(f.r.diags, diags...)
	return t
}

// errorList reads an ErrorEquals array: non-empty strings, States.ALL alone.
func (f *fields) errorList(name string) []string {
	v, ok := f.o.Get(name)
	if !ok {
		return nil
	}
	a, isArr := v.([]any)
	if !isArr || len(a) == 0 {
		f.r.errorf(f.loc+"/"+name, "The value for the field '%s' must be a non-empty ARRAY of STRING", name)
		return nil
	}
	var out []string
	for _, e := range a {
		s, isStr := e.(string)
		if !isStr {
			f.r.errorf(f.loc+"/"+name, "The value for the field '%s' must be a non-empty ARRAY of STRING", name)
			return nil
		}
		out = append(out, s)
	}
	if slices.Contains(out, ErrAll) && len(out) > 1 {
		f.r.errorf(f.loc+"/"+name, "'%s' must appear alone in '%s'", ErrAll, name)
	}
	return out
}
