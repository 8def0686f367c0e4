package iam

import (
	"fmt"
	"strings"
)

// Policy variables stand, in a Resource or a condition value, for the value of a request's condition
// key: "arn:aws:swf:*:*:/domain/${aws:username}". They are read at parse time into variable atoms of a
// pattern, and substituted as the pattern is matched, so a substituted value is always plain text: a
// user named "*" does not become a wildcard.

// parseVariable reads one ${...} form at the start of s and says how many bytes it took. The escapes
// ${*}, ${?} and ${$} stand for the character itself; ${key, 'default'} gives the text to use when the
// key has no single value, with two quotes in a row for a quote.
func parseVariable(s string) (atom, int, error) {
	end := strings.IndexByte(s, '}')
	inner := ""
	if end >= 0 {
		inner = s[2:end]
	}
	if q := strings.IndexByte(s, '\''); q >= 0 && (end < 0 || q < end) {
		// A default may itself hold '}', so find the end after its closing quote.
		key, rest, _ := strings.Cut(s[2:], ",")
		rest = strings.TrimLeft(rest, " ")
		if !strings.HasPrefix(rest, "'") {
			return atom{}, 0, fmt.Errorf("malformed policy variable in %q", s)
		}
		var def strings.Builder
		for i := 1; i < len(rest); i++ {
			if rest[i] != '\'' {
				def.WriteByte(rest[i])
				continue
			}
			if i+1 < len(rest) && rest[i+1] == '\'' {
				def.WriteByte('\'')
				i++
				continue
			}
			tail := strings.TrimLeft(rest[i+1:], " ")
			if !strings.HasPrefix(tail, "}") {
				break
			}
			key = strings.TrimSpace(key)
			if !validVariableKey(key) {
				return atom{}, 0, fmt.Errorf("malformed policy variable in %q", s)
			}
			n := len(s) - len(tail) + 1
			return atom{kind: variableAtom, text: key, def: def.String(), hasDef: true}, n, nil
		}
		return atom{}, 0, fmt.Errorf("malformed policy variable in %q", s)
	}
	if end < 0 {
		return atom{}, 0, fmt.Errorf("unterminated policy variable in %q", s)
	}
	switch inner {
	case "*", "?", "$":
		return atom{kind: literalAtom, text: inner}, end + 1, nil
	}
	key := strings.TrimSpace(inner)
	if !validVariableKey(key) {
		return atom{}, 0, fmt.Errorf("malformed policy variable %q", s[:end+1])
	}
	return atom{kind: variableAtom, text: key}, end + 1, nil
}

func validVariableKey(key string) bool {
	return key != "" && !strings.ContainsAny(key, " ${}'")
}

// variable returns the value that ${key} stands for: the key's only value. A key that is absent or has
// several values has none, as IAM does not substitute multivalued keys.
func (c context) variable(key string) (string, bool) {
	vs := c.values(key)
	if len(vs) != 1 {
		return "", false
	}
	return vs[0], true
}
