package asl

import (
	"errors"
	"fmt"
	"testing"
)

func rule(tb testing.TB, js string) choiceRule {
	tb.Helper()
	r := &reader{}
	c, ok := readRule(r, mustJSON(tb, js), "/C", false)
	if !ok || len(r.diags) > 0 {
		tb.Fatalf("readRule(%s): %v", js, r.diags)
	}
	return c
}

func TestChoice_Operators(t *testing.T) {
	const in = `{"s":"abc","n":5,"f":1.5,"b":true,"z":null,"t":"2016-03-14T01:59:00Z","t2":"2016-03-14T01:59:00.123+01:00","o":{},"a":[1],"other":"abd","five":5}`
	for _, tc := range []struct {
		op   string
		val  string
		vars map[string]bool // variable → expected result
	}{
		{"StringEquals", `"abc"`, map[string]bool{"$.s": true, "$.other": false, "$.n": false, "$.z": false, "$.o": false}},
		{"StringLessThan", `"abd"`, map[string]bool{"$.s": true, "$.other": false, "$.n": false}},
		{"StringGreaterThan", `"abb"`, map[string]bool{"$.s": true, "$.other": true, "$.b": false}},
		{"StringLessThanEquals", `"abc"`, map[string]bool{"$.s": true, "$.other": false}},
		{"StringGreaterThanEquals", `"abd"`, map[string]bool{"$.s": false, "$.other": true}},
		{"StringMatches", `"a*c"`, map[string]bool{"$.s": true, "$.other": false, "$.n": false}},
		{"NumericEquals", `5`, map[string]bool{"$.n": true, "$.f": false, "$.s": false, "$.b": false}},
		{"NumericLessThan", `2`, map[string]bool{"$.f": true, "$.n": false, "$.s": false}},
		{"NumericGreaterThan", `1.4`, map[string]bool{"$.f": true, "$.n": true, "$.z": false}},
		{"NumericLessThanEquals", `5.0`, map[string]bool{"$.n": true, "$.f": true}},
		{"NumericGreaterThanEquals", `5`, map[string]bool{"$.n": true, "$.f": false}},
		{"BooleanEquals", `true`, map[string]bool{"$.b": true, "$.s": false, "$.n": false}},
		{"TimestampEquals", `"2016-03-14T01:59:00Z"`, map[string]bool{"$.t": true, "$.t2": false, "$.s": false, "$.n": false}},
		{"TimestampLessThan", `"2016-03-14T02:00:00Z"`, map[string]bool{"$.t": true, "$.t2": true}},
		{"TimestampGreaterThan", `"2016-03-14T00:59:00Z"`, map[string]bool{"$.t": true, "$.t2": true}}, {"TimestampGreaterThan", `"2016-03-14T00:59:00.124Z"`, map[string]bool{"$.t2": false}},
		{"TimestampLessThanEquals", `"2016-03-14T01:59:00Z"`, map[string]bool{"$.t": true}},
		{"TimestampGreaterThanEquals", `"2016-03-14T01:59:00Z"`, map[string]bool{"$.t": true, "$.t2": false}},
		{"IsNull", `true`, map[string]bool{"$.z": true, "$.s": false}},
		{"IsNull", `false`, map[string]bool{"$.z": false, "$.s": true}},
		{"IsPresent", `true`, map[string]bool{"$.z": true, "$.missing": false}},
		{"IsPresent", `false`, map[string]bool{"$.missing": true, "$.s": false}},
		{"IsNumeric", `true`, map[string]bool{"$.n": true, "$.f": true, "$.s": false, "$.z": false}},
		{"IsString", `true`, map[string]bool{"$.s": true, "$.n": false, "$.t": true}},
		{"IsBoolean", `true`, map[string]bool{"$.b": true, "$.s": false}},
		{"IsTimestamp", `true`, map[string]bool{"$.t": true, "$.t2": true, "$.s": false, "$.n": false}},
		{"StringEqualsPath", `"$.s"`, map[string]bool{"$.s": true, "$.other": false, "$.n": false}},
		{"NumericEqualsPath", `"$.five"`, map[string]bool{"$.n": true, "$.f": false}},
		{"NumericLessThanPath", `"$.five"`, map[string]bool{"$.f": true, "$.n": false}},
		{"BooleanEqualsPath", `"$.b"`, map[string]bool{"$.b": true, "$.n": false}},
		{"TimestampLessThanPath", `"$.t"`, map[string]bool{"$.t2": true, "$.t": false}},
		{"StringLessThanPath", `"$.other"`, map[string]bool{"$.s": true}},
	} {
		for v, want := range tc.vars {
			c := rule(t, fmt.Sprintf(`{"Variable":%q,%q:%s}`, v, tc.op, tc.val))
			got, err := c.eval(mustJSON(t, in), NewObject())
			if err != nil || got != want {
				t.Errorf("%s %s on %s = %v, %v; want %v", tc.op, tc.val, v, got, err, want)
			}
		}
	}
}

func TestChoice_Combinators(t *testing.T) {
	in := mustJSON(t, `{"a":1,"b":"x"}`)
	for js, want := range map[string]bool{
		`{"And":[{"Variable":"$.a","NumericEquals":1},{"Variable":"$.b","StringEquals":"x"}]}`: true,
		`{"And":[{"Variable":"$.a","NumericEquals":1},{"Variable":"$.b","StringEquals":"y"}]}`: false,
		`{"Or":[{"Variable":"$.a","NumericEquals":2},{"Variable":"$.b","StringEquals":"x"}]}`:  true,
		`{"Not":{"Variable":"$.a","NumericEquals":1}}`:                                         false,
		`{"Not":{"Variable":"$.nope","IsPresent":true}}`:                                       true,
	} {
		got, err := rule(t, js).eval(in, NewObject())
		if err != nil || got != want {
			t.Errorf("%s = %v, %v; want %v", js, got, err, want)
		}
	}
	_, err := rule(t, `{"Variable":"$.nope","StringEquals":"x"}`).eval(in, NewObject())
	var f *Failure
	if !errors.As(err, &f) || f.Name != ErrRuntime {
		t.Errorf("missing Variable: err = %v, want %s", err, ErrRuntime)
	}
}

func TestStringMatches(t *testing.T) {
	for _, tc := range []struct {
		s, p string
		want bool
	}{
		{"log.txt", "*.txt", true}, {"log.txt", "*.log", false}, {"a*b", `a\*b`, true}, {"axb", `a\*b`, false},
		{`a\b`, `a\\b`, true}, {"", "*", true}, {"abcabc", "a*c*c", true}, {"abc", "a*c*c", false},
		{"héllo", "h*o", true}, {"exact", "exact", true}, {"exact", "exac", false},
	} {
		if got := stringMatches(tc.s, tc.p); got != tc.want {
			t.Errorf("stringMatches(%q, %q) = %v, want %v", tc.s, tc.p, got, tc.want)
		}
	}
}
