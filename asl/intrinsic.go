package asl

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Escaped braces of a string literal are kept apart from real ones so that States.Format can tell a
// placeholder "{}" from an escaped "\{\}". These code points are private-use and never leave this file's
// functions: they are turned back into braces before the value is used anywhere else.
const (
	escOpen  = '\uE000'
	escClose = '\uE001'
)

// call is a parsed intrinsic function call: States.Name(arg, …).
type call struct {
	name string
	args []argNode
}

// argNode is one argument: a literal value, a path on the input or context, or a nested call.
type argNode struct {
	literal any
	path    *Path
	call    *call
}

// maxNesting is how deep intrinsic calls may nest (Developer Guide: up to 10).
const maxNesting = 10

// parseIntrinsic parses an intrinsic function call such as States.Format('{}', $.a).
func parseIntrinsic(s string) (*call, error) {
	r := &intrinsicReader{s: s}
	c, err := r.call(0)
	if err != nil {
		return nil, err
	}
	r.space()
	if r.i != len(r.s) {
		return nil, fmt.Errorf("unexpected %q after the intrinsic function call", r.s[r.i:])
	}
	return c, nil
}

type intrinsicReader struct {
	s string
	i int
}

func (r *intrinsicReader) space() {
	for r.i < len(r.s) && (r.s[r.i] == ' ' || r.s[r.i] == '\t') {
		r.i++
	}
}

func (r *intrinsicReader) call(depth int) (*call, error) {
	if depth >= maxNesting {
		return nil, fmt.Errorf("intrinsic functions nest more than %d deep", maxNesting)
	}
	r.space()
	start := r.i
	for r.i < len(r.s) && r.s[r.i] != '(' && r.s[r.i] != ' ' {
		r.i++
	}
	name := r.s[start:r.i]
	if _, ok := intrinsics[name]; !ok {
		return nil, fmt.Errorf("unknown intrinsic function %q", name)
	}
	r.space()
	if r.i >= len(r.s) || r.s[r.i] != '(' {
		return nil, fmt.Errorf("expected '(' after %s", name)
	}
	r.i++
	c := &call{name: name}
	r.space()
	if r.i < len(r.s) && r.s[r.i] == ')' {
		r.i++
		return c, nil
	}
	for {
		a, err := r.arg(depth)
		if err != nil {
			return nil, err
		}
		c.args = append(c.args, a)
		r.space()
		if r.i >= len(r.s) {
			return nil, fmt.Errorf("unclosed call of %s", name)
		}
		if r.s[r.i] == ')' {
			r.i++
			return c, nil
		}
		if r.s[r.i] != ',' {
			return nil, fmt.Errorf("expected ',' or ')' at %d", r.i+1)
		}
		r.i++
	}
}

func (r *intrinsicReader) arg(depth int) (argNode, error) {
	r.space()
	if r.i >= len(r.s) {
		return argNode{}, fmt.Errorf("missing argument")
	}
	rest := r.s[r.i:]
	switch c := rest[0]; {
	case c == '\'':
		return r.stringLiteral()
	case c == '$':
		end := pathEnd(rest)
		p, err := ParsePath(strings.TrimSpace(rest[:end]))
		if err != nil {
			return argNode{}, err
		}
		r.i += end
		return argNode{path: p}, nil
	case strings.HasPrefix(rest, "States."):
		sub, err := r.call(depth + 1)
		return argNode{call: sub}, err
	case c == '-' || c >= '0' && c <= '9':
		start := r.i
		r.i++
		for r.i < len(r.s) && strings.IndexByte("0123456789.eE+-", r.s[r.i]) >= 0 {
			r.i++
		}
		n := json.Number(r.s[start:r.i])
		if _, err := n.Float64(); err != nil {
			return argNode{}, fmt.Errorf("bad number %q", n)
		}
		return argNode{literal: n}, nil
	}
	for word, v := range map[string]any{"null": nil, "true": true, "false": false} {
		if strings.HasPrefix(rest, word) {
			r.i += len(word)
			return argNode{literal: v}, nil
		}
	}
	return argNode{}, fmt.Errorf("unexpected %q in intrinsic function arguments", rest)
}

// pathEnd finds where a path argument ends: at a ',' or ')' outside brackets and quotes.
func pathEnd(s string) int {
	depth, quote := 0, byte(0)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == '\\' {
				i++
			} else if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '[' || c == '(':
			depth++
		case c == ']':
			depth--
		case c == ')' && depth > 0:
			depth--
		case (c == ',' || c == ')') && depth == 0:
			return i
		}
	}
	return len(s)
}

// stringLiteral reads '…' with the escapes \' \{ \} \\ of the specification's Appendix B.
func (r *intrinsicReader) stringLiteral() (argNode, error) {
	r.i++
	var b strings.Builder
	for r.i < len(r.s) {
		c := r.s[r.i]
		r.i++
		switch c {
		case '\\':
			if r.i >= len(r.s) {
				return argNode{}, fmt.Errorf("unterminated string literal")
			}
			e := r.s[r.i]
			r.i++
			switch e {
			case '{':
				b.WriteRune(escOpen)
			case '}':
				b.WriteRune(escClose)
			default:
				b.WriteByte(e)
			}
		case '\'':
			return argNode{literal: b.String()}, nil
		default:
			b.WriteByte(c)
		}
	}
	return argNode{}, fmt.Errorf("unterminated string literal")
}

// unescapeBraces turns escaped braces back into braces.
func unescapeBraces(s string) string {
	return strings.NewReplacer(string(escOpen), "{", string(escClose), "}").Replace(s)
}
