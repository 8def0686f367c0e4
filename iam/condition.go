package iam

import (
	"strconv"
	"strings"
)

// condition is one key under one operator of a statement's Condition block. A statement holds when all
// its conditions hold; a condition holds when the request's values for its key compare as its operator
// says with any of its values.
type condition struct {
	op     parsedOperator
	name   string // the operator as written, for messages
	key    string
	values []value
	// nullWhenAbsent and nullWhenPresent are a Null condition's answers: "true" holds when the key
	// is absent, "false" when it is present, and a list of both always holds.
	nullWhenAbsent, nullWhenPresent bool
}

// parseConditions compiles a statement's Condition block. Its error message is the problem alone.
func parseConditions(n *node, variables bool) ([]condition, string) {
	if n.kind != objectNode {
		return nil, "Condition must be an object, not " + n.kind.String()
	}
	var conds []condition
	for _, opMember := range n.members {
		op, problem := parseOperator(opMember.name)
		if problem != "" {
			return nil, problem
		}
		block := opMember.value
		if block.kind != objectNode {
			return nil, "condition operator " + quote(opMember.name) + " must hold an object, not " + block.kind.String()
		}
		if len(block.members) == 0 {
			return nil, "condition operator " + quote(opMember.name) + " has no keys"
		}
		keys := make(map[string]bool, len(block.members))
		for _, keyMember := range block.members {
			where := "condition " + opMember.name + " on " + quote(keyMember.name)
			if keyMember.name == "" {
				return nil, "condition operator " + quote(opMember.name) + " has an empty key"
			}
			lower := strings.ToLower(keyMember.name)
			if keys[lower] {
				// Keys are case-insensitive, so these two would be one key given twice.
				return nil, where + ": key given twice (keys ignore case)"
			}
			keys[lower] = true
			texts, problem := scalars(keyMember.value)
			if problem != "" {
				return nil, where + ": " + problem
			}
			c := condition{op: op, name: opMember.name, key: keyMember.name}
			for _, t := range texts {
				if op.family == nullFamily {
					switch strings.ToLower(t) {
					case "true":
						c.nullWhenAbsent = true
					case "false":
						c.nullWhenPresent = true
					default:
						return nil, where + ": " + quote(t) + " is not true or false"
					}
					continue
				}
				v, problem := compileValue(op.operator, t, variables && op.family.takesVariables())
				if problem != "" {
					return nil, where + ": " + problem
				}
				c.values = append(c.values, v)
			}
			conds = append(conds, c)
		}
	}
	return conds, ""
}

// takesVariables reports whether the family's values may hold policy variables; AWS documents them for
// the string, ARN and Bool operators only, so elsewhere "${" is text (and then not a valid number,
// date or address).
func (f family) takesVariables() bool {
	return f == stringFamily || f == arnFamily || f == boolFamily
}

// scalars reads a condition's values: one string, number or boolean, or a non-empty list of them.
// Numbers and booleans stand for their JSON text, as IAM lets "NumericLessThan": {"k": 10} and
// "Bool": {"k": true} be written without quotes.
func scalars(n *node) ([]string, string) {
	switch n.kind {
	case stringNode, numberNode, boolNode:
		return []string{n.text}, ""
	case arrayNode:
		if len(n.items) == 0 {
			return nil, "no values"
		}
		out := make([]string, 0, len(n.items))
		for _, item := range n.items {
			if item.kind != stringNode && item.kind != numberNode && item.kind != boolNode {
				return nil, "a value must be a string, number or boolean, not " + item.kind.String()
			}
			out = append(out, item.text)
		}
		return out, ""
	}
	return nil, "values must be a string, number, boolean or list of them, not " + n.kind.String()
}

// holds evaluates the condition against a request.
//
// An absent key (or one with no values) follows IAM: the condition is false, but true for a negated
// operator (StringNotEquals of a missing key holds), true for any ...IfExists, true for ForAllValues
// (every value of an empty set matches) and false for ForAnyValue. With values, each request value is
// compared with the policy's values, which are ORed; a negated operator negates that OR, so its policy
// values act as an AND ("none of these"). Without a set qualifier a key with several values holds when
// any of them matches (negated: when none does); ForAnyValue asks that one request value satisfy the
// operator, negation included, and ForAllValues that every one do.
func (c *condition) holds(ctx context) bool {
	vals := ctx.values(c.key)
	if c.op.family == nullFamily {
		if len(vals) == 0 {
			return c.nullWhenAbsent
		}
		return c.nullWhenPresent
	}
	if len(vals) == 0 {
		switch {
		case c.op.ifExists:
			return true
		case c.op.set == forAllValues:
			return true
		case c.op.set == forAnyValue:
			return false
		}
		return c.op.negated
	}
	switch c.op.set {
	case forAnyValue:
		for _, v := range vals {
			if c.matchesAny(v, ctx) != c.op.negated {
				return true
			}
		}
		return false
	case forAllValues:
		for _, v := range vals {
			if c.matchesAny(v, ctx) == c.op.negated {
				return false
			}
		}
		return true
	}
	for _, v := range vals {
		if c.matchesAny(v, ctx) {
			return !c.op.negated
		}
	}
	return c.op.negated
}

// matchesAny reports whether the request value s matches any of the condition's policy values.
func (c *condition) matchesAny(s string, ctx context) bool {
	for i := range c.values {
		if c.values[i].matches(c.op.operator, s, ctx) {
			return true
		}
	}
	return false
}

func quote(s string) string { return strconv.Quote(s) }
