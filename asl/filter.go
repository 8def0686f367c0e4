package asl

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// filter is a JSONPath filter expression, [?( … )], in the simple form Step Functions accepts: comparisons
// of @-relative paths with literals (==, !=, <, <=, >, >=), existence tests (@.a), joined by && and ||
// with parentheses. Functions, regular expressions and references to other parts of the document are not
// supported (Developer Guide, "Paths").
type filter struct {
	op    string // "&&", "||", a comparison operator, or "" for an existence test
	left  *filter
	right *filter
	lhs   operand
	rhs   operand
}

type operand struct {
	path    []segment // relative to @ when isPath
	isPath  bool
	literal any
}

func (r *pathReader) filterExpr() (*filter, error) {
	r.i++ // '?'
	r.skipSpace()
	if !r.more() || r.s[r.i] != '(' {
		return nil, fmt.Errorf("expected '(' after '?'")
	}
	r.i++
	f, err := r.orExpr()
	if err != nil {
		return nil, err
	}
	r.skipSpace()
	if !r.more() || r.s[r.i] != ')' {
		return nil, fmt.Errorf("expected ')' at %d", r.i+1)
	}
	r.i++
	return f, nil
}

func (r *pathReader) orExpr() (*filter, error) {
	left, err := r.andExpr()
	if err != nil {
		return nil, err
	}
	for r.skipSpace(); strings.HasPrefix(r.s[r.i:], "||"); r.skipSpace() {
		r.i += 2
		right, err := r.andExpr()
		if err != nil {
			return nil, err
		}
		left = &filter{op: "||", left: left, right: right}
	}
	return left, nil
}

func (r *pathReader) andExpr() (*filter, error) {
	left, err := r.cmpExpr()
	if err != nil {
		return nil, err
	}
	for r.skipSpace(); strings.HasPrefix(r.s[r.i:], "&&"); r.skipSpace() {
		r.i += 2
		right, err := r.cmpExpr()
		if err != nil {
			return nil, err
		}
		left = &filter{op: "&&", left: left, right: right}
	}
	return left, nil
}

func (r *pathReader) cmpExpr() (*filter, error) {
	r.skipSpace()
	if r.more() && r.s[r.i] == '(' {
		r.i++
		f, err := r.orExpr()
		if err != nil {
			return nil, err
		}
		r.skipSpace()
		if !r.more() || r.s[r.i] != ')' {
			return nil, fmt.Errorf("expected ')' at %d", r.i+1)
		}
		r.i++
		return f, nil
	}
	lhs, err := r.operand()
	if err != nil {
		return nil, err
	}
	r.skipSpace()
	for _, op := range []string{"==", "!=", "<=", ">=", "<", ">"} {
		if strings.HasPrefix(r.s[r.i:], op) {
			r.i += len(op)
			rhs, err := r.operand()
			if err != nil {
				return nil, err
			}
			return &filter{op: op, lhs: lhs, rhs: rhs}, nil
		}
	}
	if !lhs.isPath {
		return nil, fmt.Errorf("a filter needs a comparison or an @ path")
	}
	return &filter{lhs: lhs}, nil
}

func (r *pathReader) operand() (operand, error) {
	r.skipSpace()
	if !r.more() {
		return operand{}, fmt.Errorf("unexpected end of filter")
	}
	c := r.s[r.i]
	switch {
	case c == '@':
		r.i++
		segs, err := r.segments(true)
		if err != nil {
			return operand{}, err
		}
		for _, s := range segs {
			if s.deep || s.kind == segFilter || s.kind == segWild || s.kind == segSlice || len(s.names)+len(s.idx) != 1 {
				return operand{}, fmt.Errorf("only member names and indexes are supported after @ in a filter")
			}
		}
		return operand{isPath: true, path: segs}, nil
	case c == '\'' || c == '"':
		s, err := r.quoted()
		return operand{literal: s}, err
	case c == '-' || c >= '0' && c <= '9':
		start := r.i
		r.i++
		for r.more() && strings.IndexByte("0123456789.eE+-", r.s[r.i]) >= 0 {
			r.i++
		}
		if _, err := strconv.ParseFloat(r.s[start:r.i], 64); err != nil {
			return operand{}, fmt.Errorf("bad number %q", r.s[start:r.i])
		}
		return operand{literal: json.Number(r.s[start:r.i])}, nil
	}
	for word, v := range map[string]any{"true": true, "false": false, "null": nil} {
		if strings.HasPrefix(r.s[r.i:], word) {
			r.i += len(word)
			return operand{literal: v}, nil
		}
	}
	return operand{}, fmt.Errorf("unexpected %q in filter", c)
}

// match evaluates the filter on one candidate node. Only objects match: Step Functions' filters read
// members of the current item and never match scalars.
func (f *filter) match(node any) bool {
	switch f.op {
	case "&&":
		return f.left.match(node) && f.right.match(node)
	case "||":
		return f.left.match(node) || f.right.match(node)
	}
	if _, ok := node.(*Object); !ok {
		return false
	}
	l, lok := f.lhs.value(node)
	if f.op == "" {
		return lok
	}
	r, rok := f.rhs.value(node)
	if !lok || !rok {
		return f.op == "!=" && lok != rok
	}
	return compareFilter(f.op, l, r)
}

func (o operand) value(node any) (any, bool) {
	if !o.isPath {
		return o.literal, true
	}
	cur := node
	for _, s := range o.path {
		next, ok := step(cur, s)
		if !ok {
			return nil, false
		}
		cur = next
	}
	return cur, true
}

// step follows one single-name or single-index segment.
func step(cur any, s segment) (any, bool) {
	switch s.kind {
	case segName:
		if o, ok := cur.(*Object); ok {
			return o.Get(s.names[0])
		}
	case segIndex:
		if a, ok := cur.([]any); ok {
			i := s.idx[0]
			if i < 0 {
				i += len(a)
			}
			if i >= 0 && i < len(a) {
				return a[i], true
			}
		}
	}
	return nil, false
}

func compareFilter(op string, l, r any) bool {
	if lf, ok := number(l); ok {
		rf, ok := number(r)
		if !ok {
			return op == "!="
		}
		return cmpOrdered(op, lf, rf)
	}
	if ls, ok := l.(string); ok {
		rs, ok := r.(string)
		if !ok {
			return op == "!="
		}
		return cmpOrdered(op, ls, rs)
	}
	eq := equalJSON(l, r)
	switch op {
	case "==":
		return eq
	case "!=":
		return !eq
	}
	return false
}

func cmpOrdered[T float64 | string](op string, a, b T) bool {
	switch op {
	case "==":
		return a == b
	case "!=":
		return a != b
	case "<":
		return a < b
	case "<=":
		return a <= b
	case ">":
		return a > b
	case ">=":
		return a >= b
	}
	return false
}
