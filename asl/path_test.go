package asl

import (
	"errors"
	"testing"
)

const storeDoc = `{"store":{"book":[{"category":"reference","author":"Nigel Rees","price":8.95},
{"category":"fiction","author":"Evelyn Waugh","price":12.99,"isbn":"0-553"},
{"category":"fiction","author":"Herman Melville","price":8.99,"isbn":"0-679"}],
"bicycle":{"color":"red","price":19.95}},"a.b":1,"n":[1,2,3,4,5]}`

func mustJSON(tb testing.TB, s string) any {
	tb.Helper()
	v, err := ParseJSON(s)
	if err != nil {
		tb.Fatalf("ParseJSON(%q): %v", s, err)
	}
	return v
}

func TestPath_Eval(t *testing.T) {
	doc := mustJSON(t, storeDoc)
	for _, tc := range []struct{ path, want string }{
		{"$", EncodeJSON(doc)},
		{"$.store.bicycle.color", `"red"`},
		{"$['store']['bicycle']['price']", `19.95`},
		{"$.store.book[0].author", `"Nigel Rees"`},
		{"$.store.book[-1].author", `"Herman Melville"`},
		{"$.store.book[*].author", `["Nigel Rees","Evelyn Waugh","Herman Melville"]`},
		{"$.store.book[0,2].price", `[8.95,8.99]`},
		{"$.store.book[1:].price", `[12.99,8.99]`},
		{"$.store.book[-2:].price", `[12.99,8.99]`},
		{"$.store.book[:1].price", `[8.95]`},
		{"$.n[::2]", `[1,3,5]`},
		{"$..author", `["Nigel Rees","Evelyn Waugh","Herman Melville"]`},
		{"$..price", `[8.95,12.99,8.99,19.95]`},
		{"$.store.book[?(@.price < 10)].author", `["Nigel Rees","Herman Melville"]`},
		{"$.store.book[?(@.isbn)].price", `[12.99,8.99]`},
		{"$.store.book[?(@.category == 'fiction' && @.price >= 9)].author", `["Evelyn Waugh"]`},
		{"$.store.book[?(@.price > 100)]", `[]`},
		{"$.n[?(@ > 1)]", `[]`}, // filters match objects only
		{"$.store.*.color", `["red"]`},
		{"$['store']['book','x']", `[[{"category":"reference","author":"Nigel Rees","price":8.95},{"category":"fiction","author":"Evelyn Waugh","price":12.99,"isbn":"0-553"},{"category":"fiction","author":"Herman Melville","price":8.99,"isbn":"0-679"}]]`},
		{`$.a\.b`, `1`},
		{"$.nothing[*]", `[]`},
		{"$..book[0].author", `["Nigel Rees"]`},
		{"$..book[0]", `{"category":"reference","author":"Nigel Rees","price":8.95}`}, // AWS unpacks a single literal-index match
		{"$.store.book[*].price[0]", `[]`},
	} {
		p, err := ParsePath(tc.path)
		if err != nil {
			t.Errorf("ParsePath(%q): %v", tc.path, err)
			continue
		}
		v, err := p.Eval(doc)
		if err != nil {
			t.Errorf("Eval(%q): %v", tc.path, err)
			continue
		}
		if got := EncodeJSON(v); got != tc.want {
			t.Errorf("Eval(%q) = %s, want %s", tc.path, got, tc.want)
		}
	}
}

func TestPath_NoResults(t *testing.T) {
	p, _ := ParsePath("$.NoSuchInputPath")
	_, err := p.Eval(mustJSON(t, `{"a":1}`))
	var nr *NoResultsError
	if !errors.As(err, &nr) {
		t.Fatalf("err = %v, want NoResultsError", err)
	}
	if want := "Invalid path '$.NoSuchInputPath' : No results for path: $['NoSuchInputPath']"; err.Error() != want {
		t.Errorf("message = %q, want %q", err.Error(), want)
	}
}

func TestParsePath_Invalid(t *testing.T) {
	for _, s := range []string{"", "a.b", "$.", "$..", "$[", "$[1", "$['a'", "$.a[?(@.b ~ 1)]", "$.a[1::0]", "$[?(@.a]", "$.a b"} {
		if _, err := ParsePath(s); err == nil {
			t.Errorf("ParsePath(%q) succeeded, want an error", s)
		}
	}
	for _, s := range []string{"$.a[*]", "$..a", "$.a[0:1]", "$.a[?(@.b)]", "$.a[0,1]"} {
		if _, err := ParseReferencePath(s); err == nil {
			t.Errorf("ParseReferencePath(%q) succeeded, want an error", s)
		}
	}
	for _, s := range []string{"$", "$.a.b", "$.a[0]", "$['a']['b']", `$.store\.book`, "$$.Execution.Id"} {
		if _, err := ParseReferencePath(s); err != nil {
			t.Errorf("ParseReferencePath(%q): %v", s, err)
		}
	}
}

func TestJSON_KeepsNumberTextAndKeyOrder(t *testing.T) {
	const s = `{"z":1.50,"a":[1e3,-0,12345678901234567890],"m":{"y":null,"b":true}}`
	if got := EncodeJSON(mustJSON(t, s)); got != s {
		t.Errorf("round trip = %s, want %s", got, s)
	}
}

func TestDataFlow_ResultPath(t *testing.T) {
	in := mustJSON(t, `{"a":{"x":1},"s":"str"}`)
	for _, tc := range []struct {
		path, want, err string
	}{
		{"$", `{"r":2}`, ""},
		{"$.a.y", `{"a":{"x":1,"y":{"r":2}},"s":"str"}`, ""},
		{"$.new.deep", `{"a":{"x":1},"s":"str","new":{"deep":{"r":2}}}`, ""},
		{"$.a.x", `{"a":{"x":{"r":2}},"s":"str"}`, ""},
		{"$.s.x", "", ErrResultPathMatchFailure},
	} {
		p, _ := ParseReferencePath(tc.path)
		out, err := applyResultPath(optPath{Path: p}, in, mustJSON(t, `{"r":2}`))
		if tc.err != "" {
			var f *Failure
			if !errors.As(err, &f) || f.Name != tc.err {
				t.Errorf("ResultPath %s: err = %v, want %s", tc.path, err, tc.err)
			}
			continue
		}
		if err != nil || EncodeJSON(out) != tc.want {
			t.Errorf("ResultPath %s = %s, %v; want %s", tc.path, EncodeJSON(out), err, tc.want)
		}
	}
	if got := EncodeJSON(in); got != `{"a":{"x":1},"s":"str"}` {
		t.Errorf("input was modified: %s", got)
	}
	out, _ := applyResultPath(optPath{Null: true}, in, num(1))
	if EncodeJSON(out) != EncodeJSON(in) {
		t.Errorf("ResultPath null = %s, want the input", EncodeJSON(out))
	}
	out, _ = applyInputPath(optPath{Null: true}, in, nil)
	if EncodeJSON(out) != `{}` {
		t.Errorf("InputPath null = %s, want {}", EncodeJSON(out))
	}
	p, _ := ParsePath("$.missing")
	_, err := applyInputPath(optPath{Path: p}, in, nil)
	var f *Failure
	if !errors.As(err, &f) || f.Name != ErrRuntime || *f.Cause != "Invalid path '$.missing' : No results for path: $['missing']" {
		t.Errorf("InputPath miss: %v", err)
	}
}
