package swf

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/openswf/openswf/awsjson"
)

// operationsForTest returns the SWF operations as the service registers them, and the model.
func operationsForTest(tb testing.TB) (map[string]awsjson.Operation, *awsjson.Model) {
	tb.Helper()
	m, err := Model()
	if err != nil {
		tb.Fatal(err)
	}
	return (&Service{}).operations(), m
}

// Every operation of the model has a handler, and every input type spells the model's member names exactly:
// DecodeInput reads names as the tags spell them, so a tag off by case would never be set.
func TestOperations_InputTypesMatchModel(t *testing.T) {
	ops, m := operationsForTest(t)
	for _, name := range m.Operations() {
		op, ok := ops[name]
		if !ok {
			t.Errorf("%s: no handler", name)
			continue
		}
		if err := m.CheckInput(name, op.Input); err != nil {
			t.Errorf("input type %s: %v", op.Input, err)
		}
		// CheckInput finds members the model lacks; a member the type lacks would be dropped unread.
		have := jsonNames(op.Input)
		for _, member := range m.Input(name).Members() {
			if !have[member] {
				t.Errorf("input type %s of %s: no field for the model's member %q", op.Input, name, member)
			}
		}
	}
}

// jsonNames returns the member names the fields of struct type t decode, those of embedded structs included.
func jsonNames(t reflect.Type) map[string]bool {
	names := map[string]bool{}
	for f := range t.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch {
		case f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct:
			for n := range jsonNames(f.Type) {
				names[n] = true
			}
		case name != "" && name != "-":
			names[name] = true
		}
	}
	return names
}

// memberPath is the way from an operation's input to one member: the JSON around it, built by wrap.
type memberPath struct {
	at    string                   // "decisions[].scheduleActivityTaskDecisionAttributes.activityId", for messages
	name  string                   // the member's exact name
	wrap  func(map[string]any) any // puts the object holding the member where it belongs in a body
	depth int
}

// memberPaths lists every member reachable from s, at most maxDepth structures deep.
func memberPaths(s awsjson.Shape, at string, wrap func(map[string]any) any, depth int) []memberPath {
	const maxDepth = 6
	var paths []memberPath
	for _, name := range s.Members() {
		paths = append(paths, memberPath{at: at + name, name: name, wrap: wrap, depth: depth})
		if depth >= maxDepth {
			continue
		}
		ms, _ := s.Member(name)
		child, suffix := ms, ""
		for child.Type() == "list" || child.Type() == "map" {
			if child.Type() == "list" {
				child, suffix = child.Item(), suffix+"[]"
			} else {
				child, suffix = child.Value(), suffix+"{}"
			}
		}
		if child.Type() != "structure" {
			continue
		}
		inner := func(obj map[string]any) any {
			var v any = obj
			for _, c := range strings.Split(strings.TrimSuffix(strings.ReplaceAll(suffix, "]", "]|"), "|"), "|") {
				switch {
				case strings.HasSuffix(c, "[]"):
					v = []any{v}
				case c != "":
					v = map[string]any{"k": v}
				}
			}
			return wrap(map[string]any{name: v})
		}
		paths = append(paths, memberPaths(child, at+name+suffix+".", inner, depth+1)...)
	}
	return paths
}

// caseVariants returns names that encoding/json would have taken for name and AWS does not: other cases,
// and the Unicode characters that fold to 's' and 'k'.
func caseVariants(name string) []string {
	r, n := utf8.DecodeRuneInString(name)
	swapped := strings.Map(func(r rune) rune {
		if unicode.IsUpper(r) {
			return unicode.ToLower(r)
		}
		return unicode.ToUpper(r)
	}, name)
	candidates := []string{
		string(unicode.ToUpper(r)) + name[n:],
		strings.ToUpper(name),
		strings.ToLower(name),
		swapped,
		strings.Replace(name, "s", "\u017f", 1), // LATIN SMALL LETTER LONG S folds to 's'
		strings.Replace(name, "k", "\u212a", 1), // KELVIN SIGN folds to 'k'
	}
	var out []string
	for _, c := range candidates {
		if c != name && !contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// A member sent under any other case than the model's, at any depth of any operation's input, is ignored
// the way AWS ignores unknown members: validation answers as if it were absent, and the handler decodes
// the same input as without it. (encoding/json would have matched it to the member and let it bypass
// validation.)
func TestOperations_CaseVariantMembersIgnored(t *testing.T) {
	ops, m := operationsForTest(t)
	bogus := strings.Repeat("BOGUS", 60) // breaks every length, enum and pattern constraint
	checked := 0
	for _, name := range m.Operations() {
		op := ops[name]
		top := func(obj map[string]any) any { return obj }
		for _, p := range memberPaths(m.Input(name), "", top, 0) {
			without, err := json.Marshal(p.wrap(map[string]any{}))
			if err != nil {
				t.Fatal(err)
			}
			wantErr := m.Validate(name, without)
			want := reflect.New(op.Input)
			wantDecodeErr := awsjson.DecodeInput(without, want.Interface())
			for _, variant := range caseVariants(p.name) {
				with, err := json.Marshal(p.wrap(map[string]any{variant: bogus}))
				if err != nil {
					t.Fatal(err)
				}
				if gotErr := m.Validate(name, with); !sameError(gotErr, wantErr) {
					t.Errorf("%s %s as %q: Validate = %v, want %v (as if absent)", name, p.at, variant, gotErr, wantErr)
				}
				got := reflect.New(op.Input)
				if err := awsjson.DecodeInput(with, got.Interface()); !sameError(err, wantDecodeErr) {
					t.Errorf("%s %s as %q: DecodeInput = %v, want %v", name, p.at, variant, err, wantDecodeErr)
				} else if !reflect.DeepEqual(got.Interface(), want.Interface()) {
					t.Errorf("%s %s as %q: decoded %+v, want %+v (as if absent)", name, p.at, variant, got.Elem(), want.Elem())
				}
				checked++
			}
		}
	}
	if checked < 1000 {
		t.Errorf("checked %d variants, want the model's members at every depth (over 1000)", checked)
	}
}

func sameError(a, b error) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Error() == b.Error()
}
