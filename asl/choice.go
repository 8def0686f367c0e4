package asl

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// choiceRule is a Choice Rule: a comparison of the value at Variable with a literal or with the value at
// another path, or a boolean combination of rules. Only top-level rules have a Next.
type choiceRule struct {
	variable  *Path
	op        string // comparison operator without its "Path" suffix, e.g. "StringEquals"
	value     any
	valuePath *Path
	and, or   []choiceRule
	not       *choiceRule
	next      string
	loc       string
}

// comparisons names each comparison operator by the JSON type of its literal.
var comparisons = map[string]string{
	"StringEquals": "string", "StringLessThan": "string", "StringGreaterThan": "string",
	"StringLessThanEquals": "string", "StringGreaterThanEquals": "string", "StringMatches": "string",
	"NumericEquals": "number", "NumericLessThan": "number", "NumericGreaterThan": "number",
	"NumericLessThanEquals": "number", "NumericGreaterThanEquals": "number",
	"BooleanEquals":   "boolean",
	"TimestampEquals": "timestamp", "TimestampLessThan": "timestamp", "TimestampGreaterThan": "timestamp",
	"TimestampLessThanEquals": "timestamp", "TimestampGreaterThanEquals": "timestamp",
	"IsNull": "boolean", "IsPresent": "boolean", "IsNumeric": "boolean", "IsString": "boolean",
	"IsBoolean": "boolean", "IsTimestamp": "boolean",
}

func (s *state) readChoice(f *fields) {
	f.require("Choices")
	s.def = f.str("Default")
	v, ok := f.o.Get("Choices")
	if !ok {
		return
	}
	a, isArr := v.([]any)
	if !isArr || len(a) == 0 {
		f.r.errorf(f.loc+"/Choices", "The value for the field 'Choices' must be a non-empty ARRAY")
		return
	}
	for i, e := range a {
		rule, ok := readRule(f.r, e, fmt.Sprintf("%s/Choices[%d]", f.loc, i), true)
		if ok {
			s.choices = append(s.choices, rule)
		}
	}
}

func readRule(r *reader, v any, loc string, top bool) (choiceRule, bool) {
	f, ok := r.object(v, loc, "Choices")
	if !ok {
		return choiceRule{}, false
	}
	rule := choiceRule{loc: loc}
	if top {
		f.require("Next")
		rule.next = f.str("Next")
	} else if f.has("Next") {
		r.errorf(loc, "Field 'Next' is not supported")
	}
	var ops []string
	for _, k := range f.o.keys {
		switch base := strings.TrimSuffix(k, "Path"); {
		case k == "Variable" || k == "Next" || k == "Comment":
		case k == "And" || k == "Or" || k == "Not":
			ops = append(ops, k)
		case comparisons[k] != "" || (comparisons[base] != "" && base != "StringMatches" && !strings.HasPrefix(base, "Is")):
			ops = append(ops, k)
		default:
			r.errorf(loc, "Field '%s' is not supported", k)
		}
	}
	if len(ops) != 1 {
		r.errorf(loc, "A Choice Rule must have exactly one comparison operator or one of 'And', 'Or', 'Not'")
		return rule, false
	}
	op := ops[0]
	val := f.o.vals[op]
	switch op {
	case "And", "Or":
		a, isArr := val.([]any)
		if !isArr || len(a) == 0 {
			r.errorf(loc+"/"+op, "The value for the field '%s' must be a non-empty ARRAY", op)
			return rule, false
		}
		for i, e := range a {
			sub, ok := readRule(r, e, fmt.Sprintf("%s/%s[%d]", loc, op, i), false)
			if !ok {
				return rule, false
			}
			if op == "And" {
				rule.and = append(rule.and, sub)
			} else {
				rule.or = append(rule.or, sub)
			}
		}
		if f.has("Variable") {
			r.errorf(loc, "Field 'Variable' is not supported")
		}
		return rule, true
	case "Not":
		sub, ok := readRule(r, val, loc+"/Not", false)
		rule.not = &sub
		return rule, ok
	}
	f.require("Variable")
	rule.variable = f.path("Variable", true, false).Path
	rule.op = op
	if base, isPath := strings.CutSuffix(op, "Path"); isPath && comparisons[op] == "" {
		rule.op = base
		rule.valuePath = f.path(op, true, false).Path
		return rule, rule.variable != nil && rule.valuePath != nil
	}
	rule.value = val
	ok = true
	switch comparisons[op] {
	case "string":
		_, ok = val.(string)
	case "number":
		_, ok = number(val)
	case "boolean":
		_, ok = val.(bool)
	case "timestamp":
		s, isStr := val.(string)
		_, valid := parseTimestamp(s)
		ok = isStr && valid
	}
	if !ok {
		r.errorf(loc+"/"+op, "The value for the field '%s' must be a %s", op, strings.ToUpper(comparisons[op]))
	}
	return rule, ok && rule.variable != nil
}

// parseTimestamp parses an RFC 3339 date-time with 'T' and a zone, as Step Functions requires.
func parseTimestamp(s string) (time.Time, bool) {
	if len(s) < 20 || s[10] != 'T' {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	return t, err == nil
}

// eval decides the rule on an input. A Variable (or …Path value) that names nothing fails with
// States.Runtime, except under IsPresent, which is then false.
func (c choiceRule) eval(input, ctx any) (bool, error) {
	switch {
	case c.and != nil:
		for i := range c.and {
			if ok, err := c.and[i].eval(input, ctx); err != nil || !ok {
				return false, err
			}
		}
		return true, nil
	case c.or != nil:
		for i := range c.or {
			if ok, err := c.or[i].eval(input, ctx); err != nil || ok {
				return ok, err
			}
		}
		return false, nil
	case c.not != nil:
		ok, err := c.not.eval(input, ctx)
		return !ok && err == nil, err
	}
	v, err := evalRef(c.variable, input, ctx)
	var nr *NoResultsError
	if c.op == "IsPresent" {
		return (err == nil) == c.value.(bool), nil
	}
	if errors.As(err, &nr) {
		return false, fail(ErrRuntime, "%s", nr.Error())
	}
	want := c.value
	if c.valuePath != nil {
		if want, err = evalRef(c.valuePath, input, ctx); errors.As(err, &nr) {
			return false, fail(ErrRuntime, "%s", nr.Error())
		}
	}
	return compare(c.op, v, want), nil
}

func evalRef(p *Path, input, ctx any) (any, error) {
	if p.Context() {
		return p.Eval(ctx)
	}
	return p.Eval(input)
}

// compare applies an operator; values of the wrong type make it false (specification).
func compare(op string, v, want any) bool {
	switch comparisons[op] {
	case "string":
		a, ok1 := v.(string)
		b, ok2 := want.(string)
		if !ok1 || !ok2 {
			return false
		}
		if op == "StringMatches" {
			return stringMatches(a, b)
		}
		return cmpOrdered(opSuffix(op), a, b)
	case "number":
		a, ok1 := number(v)
		b, ok2 := number(want)
		return ok1 && ok2 && cmpOrdered(opSuffix(op), a, b)
	case "timestamp":
		as, _ := v.(string)
		bs, _ := want.(string)
		a, ok1 := parseTimestamp(as)
		b, ok2 := parseTimestamp(bs)
		return ok1 && ok2 && cmpOrdered(opSuffix(op), float64(a.Compare(b)), 0)
	}
	b, _ := want.(bool)
	switch op {
	case "BooleanEquals":
		a, ok := v.(bool)
		return ok && a == b
	case "IsNull":
		return (v == nil) == b
	case "IsNumeric":
		_, ok := number(v)
		return ok == b
	case "IsString":
		_, ok := v.(string)
		return ok == b
	case "IsBoolean":
		_, ok := v.(bool)
		return ok == b
	case "IsTimestamp":
		s, _ := v.(string)
		_, ok := parseTimestamp(s)
		return ok == b
	}
	return false
}

// opSuffix maps an operator name to the comparison it makes.
func opSuffix(op string) string {
	for _, s := range []struct{ suffix, cmp string }{{"GreaterThanEquals", ">="}, {"LessThanEquals", "<="}, {"GreaterThan", ">"}, {"LessThan", "<"}, {"Equals", "=="}} {
		if strings.HasSuffix(op, s.suffix) {
			return s.cmp
		}
	}
	return ""
}

// stringMatches matches s against a pattern where * is any run of characters, \* a literal star and \\ a
// literal backslash.
func stringMatches(s, pattern string) bool {
	var parts [][]rune // literal runs between unescaped stars
	cur := []rune{}
	p := []rune(pattern)
	for i := 0; i < len(p); i++ {
		switch {
		case p[i] == '\\' && i+1 < len(p) && (p[i+1] == '*' || p[i+1] == '\\'):
			cur = append(cur, p[i+1])
			i++
		case p[i] == '*':
			parts = append(parts, cur)
			cur = []rune{}
		default:
			cur = append(cur, p[i])
		}
	}
	parts = append(parts, cur)
	rs := []rune(s)
	if len(parts) == 1 {
		return slices.Equal(rs, parts[0])
	}
	first, last := parts[0], parts[len(parts)-1]
	if len(rs) < len(first)+len(last) || !slices.Equal(rs[:len(first)], first) || !slices.Equal(rs[len(rs)-len(last):], last) {
		return false
	}
	rest := rs[len(first) : len(rs)-len(last)]
	for _, mid := range parts[1 : len(parts)-1] {
		i := indexRunes(rest, mid)
		if i < 0 {
			return false
		}
		rest = rest[i+len(mid):]
	}
	return true
}

func indexRunes(s, sub []rune) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if slices.Equal(s[i:i+len(sub)], sub) {
			return i
		}
	}
	return -1
}
