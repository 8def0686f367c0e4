package iam

import (
	"strings"
)

// family is what an operator compares: it fixes how policy values are compiled and how a request value
// is read. Each operator of a family is the family, possibly negated, with one comparison.
type family uint8

const (
	stringFamily family = iota
	numericFamily
	dateFamily
	boolFamily
	binaryFamily
	ipFamily
	arnFamily
	nullFamily
)

// comparison is how one request value is compared with one policy value.
type comparison uint8

const (
	equal comparison = iota
	equalFold
	like
	less
	lessOrEqual
	greater
	greaterOrEqual
)

// operator is a base condition operator, before IfExists and the set qualifiers.
type operator struct {
	family  family
	compare comparison
	negated bool
}

// operators maps each base operator's name to what it does. Names are case-sensitive, as IAM spells
// them, so that a misspelt operator stops the server at start-up instead of never matching. ArnEquals and ArnLike are the same test: AWS documents both as matching each of an
// ARN's six colon-separated parts with '*' and '?' wildcards.
var operators = map[string]operator{
	"StringEquals":              {stringFamily, equal, false},
	"StringNotEquals":           {stringFamily, equal, true},
	"StringEqualsIgnoreCase":    {stringFamily, equalFold, false},
	"StringNotEqualsIgnoreCase": {stringFamily, equalFold, true},
	"StringLike":                {stringFamily, like, false},
	"StringNotLike":             {stringFamily, like, true},
	"NumericEquals":             {numericFamily, equal, false},
	"NumericNotEquals":          {numericFamily, equal, true},
	"NumericLessThan":           {numericFamily, less, false},
	"NumericLessThanEquals":     {numericFamily, lessOrEqual, false},
	"NumericGreaterThan":        {numericFamily, greater, false},
	"NumericGreaterThanEquals":  {numericFamily, greaterOrEqual, false},
	"DateEquals":                {dateFamily, equal, false},
	"DateNotEquals":             {dateFamily, equal, true},
	"DateLessThan":              {dateFamily, less, false},
	"DateLessThanEquals":        {dateFamily, lessOrEqual, false},
	"DateGreaterThan":           {dateFamily, greater, false},
	"DateGreaterThanEquals":     {dateFamily, greaterOrEqual, false},
	"Bool":                      {boolFamily, equal, false},
	"BinaryEquals":              {binaryFamily, equal, false},
	"IpAddress":                 {ipFamily, equal, false},
	"NotIpAddress":              {ipFamily, equal, true},
	"ArnEquals":                 {arnFamily, like, false},
	"ArnLike":                   {arnFamily, like, false},
	"ArnNotEquals":              {arnFamily, like, true},
	"ArnNotLike":                {arnFamily, like, true},
	"Null":                      {nullFamily, equal, false},
}

// setQualifier is the ForAnyValue / ForAllValues prefix of an operator, if any.
type setQualifier uint8

const (
	noQualifier setQualifier = iota
	forAnyValue
	forAllValues
)

// parsedOperator is an operator name taken apart.
type parsedOperator struct {
	operator
	set      setQualifier
	ifExists bool
}

// parseOperator takes a name such as "ForAllValues:StringNotLikeIfExists" apart. Its error message is
// the problem alone; the caller names the statement.
func parseOperator(name string) (parsedOperator, string) {
	var p parsedOperator
	base := name
	if q, rest, ok := strings.Cut(name, ":"); ok {
		switch q {
		case "ForAnyValue":
			p.set = forAnyValue
		case "ForAllValues":
			p.set = forAllValues
		default:
			return p, "unknown set qualifier " + quote(q) + " in condition operator " + quote(name)
		}
		base = rest
	}
	op, ok := operators[base]
	if !ok && strings.HasSuffix(base, "IfExists") {
		op, ok = operators[strings.TrimSuffix(base, "IfExists")]
		p.ifExists = true
	}
	if !ok {
		return p, "unknown condition operator " + quote(name)
	}
	if op.family == nullFamily && (p.ifExists || p.set != noQualifier) {
		// Null asks whether a key is present; IfExists and the set qualifiers would make it ask nothing.
		return p, "condition operator " + quote(name) + ": Null takes neither IfExists nor a set qualifier"
	}
	p.operator = op
	return p, ""
}
