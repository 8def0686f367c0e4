package asl

import (
	"errors"
	"math/rand/v2"
	"regexp"
	"testing"
)

func evalTemplate(tb testing.TB, tmpl, input string) (any, error) {
	tb.Helper()
	t, diags := compileTemplate(mustJSON(tb, tmpl), "/Parameters")
	if len(diags) > 0 {
		tb.Fatalf("compileTemplate(%s): %v", tmpl, diags)
	}
	ctx := mustJSON(tb, `{"Execution":{"Name":"run1"}}`)
	return t.eval(&scope{input: mustJSON(tb, input), ctx: ctx, rng: rand.New(rand.NewPCG(1, 2))})
}

func TestIntrinsics(t *testing.T) {
	const in = `{"a":[1,2,3,2,"x"],"s":"hello","n":3,"o":{"k":"v","z":1},"p":{"k":"w"},"json":"{\"x\":[1,2]}"}`
	for _, tc := range []struct{ call, want string }{
		{`States.Format('Hello, {}! {} {}', $.s, $.n, null)`, `"Hello, hello! 3 null"`},
		{`States.Format('esc \{\} {}', 'x')`, `"esc {} x"`},
		{`States.Format('it\'s {}', true)`, `"it's true"`},
		{`States.StringToJson($.json)`, `{"x":[1,2]}`},
		{`States.JsonToString($.o)`, `"{\"k\":\"v\",\"z\":1}"`},
		{`States.Array(1, 'two', $.n, null)`, `[1,"two",3,null]`},
		{`States.Array()`, `[]`},
		{`States.ArrayPartition($.a, 2)`, `[[1,2],[3,2],["x"]]`},
		{`States.ArrayContains($.a, 'x')`, `true`},
		{`States.ArrayContains($.a, 9)`, `false`},
		{`States.ArrayRange(1, 9, 2)`, `[1,3,5,7,9]`},
		{`States.ArrayRange(5, 1, -2)`, `[5,3,1]`},
		{`States.ArrayGetItem($.a, 1)`, `2`},
		{`States.ArrayLength($.a)`, `5`},
		{`States.ArrayUnique($.a)`, `[1,2,3,"x"]`},
		{`States.Base64Encode('Data to encode')`, `"RGF0YSB0byBlbmNvZGU="`},
		{`States.Base64Decode('RGF0YSB0byBlbmNvZGU=')`, `"Data to encode"`},
		{`States.Hash('input data', 'SHA-1')`, `"aaff4a450a104cd177d28d18d74485e8cae074b7"`},
		{`States.Hash('', 'MD5')`, `"d41d8cd98f00b204e9800998ecf8427e"`},
		{`States.JsonMerge($.o, $.p, false)`, `{"k":"w","z":1}`},
		{`States.MathAdd(111, -1)`, `110`},
		{`States.MathAdd(1.5, 1)`, `3`},
		{`States.MathAdd(1.49, 1.5)`, `3`},
		{`States.MathAdd(1.5, 1.51)`, `4`},
		{`States.MathAdd(-1.49, -1.5)`, `-2`},
		{`States.MathAdd(-9, 3)`, `-6`},
		{`States.MathRandom(5, 6)`, `5`},
		{`States.MathRandom(4.5, 5.5)`, `5`},
		{`States.StringSplit('This.is+a,test=string', '.+,=')`, `["This","is","a","test","string"]`},
		{`States.StringSplit('1,,2', ',')`, `["1","2"]`},
		{`States.StringSplit(', , ,', ',')`, `[" "," "]`},
		{`States.StringSplit(',,,,', ',')`, `[]`},
		{`States.ArrayLength(States.Array(1, States.Array(2,3)))`, `2`},
		{`States.Format('{}', $$.Execution.Name)`, `"run1"`},
	} {
		v, err := evalTemplate(t, `{"r.$":`+quote(tc.call)+`}`, in)
		if err != nil {
			t.Errorf("%s: %v", tc.call, err)
			continue
		}
		got, _ := v.(*Object).Get("r")
		if EncodeJSON(got) != tc.want {
			t.Errorf("%s = %s, want %s", tc.call, EncodeJSON(got), tc.want)
		}
	}
}

func quote(s string) string { return EncodeJSON(s) }

func TestIntrinsics_Failures(t *testing.T) {
	const in = `{"a":[1],"s":"x","o":{}}`
	for _, call := range []string{
		`States.Format('{} {}', 1)`,
		`States.Format('{}', $.a)`,
		`States.StringToJson('{bad')`,
		`States.ArrayPartition($.a, 0)`,
		`States.ArrayRange(1, 2000, 1)`,
		`States.ArrayRange(1, 2, 0)`,
		`States.ArrayGetItem($.a, 5)`,
		`States.ArrayLength($.s)`,
		`States.Base64Decode('***')`,
		`States.Hash('x', 'SHA-999')`,
		`States.JsonMerge($.o, $.o, true)`,
		`States.MathAdd('1', 2)`,
		`States.MathRandom(5, 1)`,
		`States.UUID(1)`,
	} {
		_, err := evalTemplate(t, `{"r.$":`+quote(call)+`}`, in)
		var f *Failure
		if !errors.As(err, &f) || f.Name != ErrIntrinsicFailure {
			t.Errorf("%s: err = %v, want %s", call, err, ErrIntrinsicFailure)
		}
	}
}

func TestIntrinsics_RandomIsSeeded(t *testing.T) {
	a, _ := evalTemplate(t, `{"u.$":"States.UUID()","r.$":"States.MathRandom(1, 1000)","s.$":"States.MathRandom(1, 1000, 42)"}`, `{}`)
	b, _ := evalTemplate(t, `{"u.$":"States.UUID()","r.$":"States.MathRandom(1, 1000)","s.$":"States.MathRandom(1, 1000, 42)"}`, `{}`)
	if EncodeJSON(a) != EncodeJSON(b) {
		t.Errorf("same seed, different values: %s vs %s", EncodeJSON(a), EncodeJSON(b))
	}
	u, _ := a.(*Object).Get("u")
	if !regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`).MatchString(u.(string)) {
		t.Errorf("UUID %q is not a version 4 UUID", u)
	}
}

func TestTemplate_PathsAndErrors(t *testing.T) {
	v, err := evalTemplate(t, `{"lit":{"x":[1,{"y.$":"$.b"}]},"a.$":"$.a","ctx.$":"$$.Execution.Name","all.$":"$..v"}`, `{"a":1,"b":2,"c":{"v":3}}`)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := EncodeJSON(v), `{"lit":{"x":[1,{"y":2}]},"a":1,"ctx":"run1","all":[3]}`; got != want {
		t.Errorf("template = %s, want %s", got, want)
	}
	_, err = evalTemplate(t, `{"value.$":"$.x"}`, `{"a":1}`)
	var f *Failure
	if !errors.As(err, &f) || f.Name != ErrRuntime || *f.Cause != `The JSONPath '$.x' specified for the field 'value.$' could not be found in the input '{"a":1}'` {
		t.Errorf("missing path: %v", err)
	}
	for _, bad := range []string{`{"a.$":1}`, `{"a.$":"$.["}`, `{"a.$":"States.Nope()"}`, `{"a.$":"$.x","a":1}`, `{"a.$":"States.Array(States.Array(States.Array(States.Array(States.Array(States.Array(States.Array(States.Array(States.Array(States.Array(States.Array())))))))))))"}`} {
		if _, diags := compileTemplate(mustJSON(t, bad), "/P"); len(diags) == 0 {
			t.Errorf("compileTemplate(%s) gave no diagnostic", bad)
		}
	}
}
