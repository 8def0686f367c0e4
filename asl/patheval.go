package asl

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// NoResultsError says that a definite path named nothing in the document. Its message is Jayway's, which
// Step Functions quotes: "Invalid path '$.x' : No results for path: $['x']".
type NoResultsError struct {
	Path       string // the path as written
	Normalized string // the path in Jayway's normalized form, $['a'][0]
}

func (e *NoResultsError) Error() string {
	return fmt.Sprintf("Invalid path '%s' : No results for path: %s", e.Path, e.Normalized)
}

// normalized writes the definite prefix of the path as Jayway does: $['a'][0].
func (p *Path) normalized() string {
	var b strings.Builder
	b.WriteString("$")
	for _, s := range p.segs {
		switch {
		case s.kind == segName && len(s.names) == 1:
			b.WriteString("['" + s.names[0] + "']")
		case s.kind == segIndex && len(s.idx) == 1:
			b.WriteString("[" + strconv.Itoa(s.idx[0]) + "]")
		default:
			b.WriteString("[*]")
		}
	}
	return b.String()
}

// Eval applies the path to doc. A definite path yields its one value or a *NoResultsError; any other path
// yields the array of what it matched in document order, empty when nothing matched (AWS returns [] for
// a wildcard, slice or filter that matches nothing).
func (p *Path) Eval(doc any) (any, error) {
	if p.Definite() {
		cur := doc
		for _, s := range p.segs {
			next, ok := step(cur, s)
			if !ok {
				return nil, &NoResultsError{Path: p.src, Normalized: p.normalized()}
			}
			cur = next
		}
		return cur, nil
	}
	nodes := []any{doc}
	visited := 0
	for _, s := range p.segs {
		var out []any
		for _, n := range nodes {
			if s.deep {
				walk(n, func(d any) { visited++; out = s.apply(d, out) })
			} else {
				visited++
				out = s.apply(n, out)
			}
			if visited > maxVisits || len(out) > maxVisits {
				return nil, fmt.Errorf("the path '%s' visits more than %d nodes", p.src, maxVisits)
			}
		}
		nodes = out
	}
	if nodes == nil {
		nodes = []any{}
	}
	// AWS unpacks a single match of a path ending in a literal index ($..a[0]) instead of returning a
	// one-element array (reference notes §2.4; LocalStack's json_path.py, tuned to AWS recordings).
	if last := p.segs[len(p.segs)-1]; len(nodes) == 1 && last.kind == segIndex && len(last.idx) == 1 && !last.deep {
		return nodes[0], nil
	}
	return nodes, nil
}

// maxVisits bounds the work of one evaluation: repeated deep scans ($..*..*..*) grow polynomially with
// the document, and a definition must not be able to stall the interpreter.
const maxVisits = 1 << 20

// walk visits v and every descendant, parents before children, members in order.
func walk(v any, f func(any)) {
	f(v)
	switch v := v.(type) {
	case []any:
		for _, e := range v {
			walk(e, f)
		}
	case *Object:
		for _, k := range v.keys {
			walk(v.vals[k], f)
		}
	}
}

// apply appends to out the children of n that the segment selects.
func (s segment) apply(n any, out []any) []any {
	switch s.kind {
	case segName:
		if o, ok := n.(*Object); ok {
			for _, name := range s.names {
				if v, ok := o.Get(name); ok {
					out = append(out, v)
				}
			}
		}
	case segIndex:
		if a, ok := n.([]any); ok {
			for _, i := range s.idx {
				if i < 0 {
					i += len(a)
				}
				if i >= 0 && i < len(a) {
					out = append(out, a[i])
				}
			}
		}
	case segWild:
		switch n := n.(type) {
		case []any:
			out = append(out, n...)
		case *Object:
			for _, k := range n.keys {
				out = append(out, n.vals[k])
			}
		}
	case segSlice:
		if a, ok := n.([]any); ok {
			out = append(out, sliceOf(a, s.slice)...)
		}
	case segFilter:
		switch n := n.(type) {
		case []any:
			for _, e := range n {
				if s.filter.match(e) {
					out = append(out, e)
				}
			}
		case *Object:
			if s.filter.match(n) {
				out = append(out, n)
			}
		}
	}
	return out
}

func sliceOf(a []any, sl [3]*int) []any {
	n := len(a)
	step := 1
	if sl[2] != nil {
		step = *sl[2]
	}
	norm := func(p *int, def int) int {
		if p == nil {
			return def
		}
		i := *p
		if i < 0 {
			i += n
		}
		return min(max(i, -1), n)
	}
	var out []any
	if step > 0 {
		start, end := max(norm(sl[0], 0), 0), norm(sl[1], n)
		for i := start; i < end; i += step {
			out = append(out, a[i])
		}
	} else {
		start, end := min(norm(sl[0], n-1), n-1), norm(sl[1], -1)
		for i := start; i > end; i += step {
			out = append(out, a[i])
		}
	}
	return out
}

// errResultPath is the failure of writing a result at a ResultPath through a non-object.
var errResultPath = errors.New("result path does not match the input")

// Set returns doc with value written at the reference path p, creating intermediate objects. doc is not
// modified; writing through a value that is not an object (or an index past an array's end) fails, which
// Step Functions reports as States.ResultPathMatchFailure.
func (p *Path) Set(doc, value any) (any, error) {
	if len(p.segs) == 0 {
		return value, nil
	}
	return setIn(clone(doc), p.segs, value)
}

func setIn(cur any, segs []segment, value any) (any, error) {
	s := segs[0]
	if s.kind == segIndex {
		a, ok := cur.([]any)
		i := s.idx[0]
		if i < 0 {
			i += len(a)
		}
		if !ok || i < 0 || i >= len(a) {
			return nil, errResultPath
		}
		if len(segs) == 1 {
			a[i] = value
			return a, nil
		}
		v, err := setIn(a[i], segs[1:], value)
		if err != nil {
			return nil, err
		}
		a[i] = v
		return a, nil
	}
	o, ok := cur.(*Object)
	if !ok {
		return nil, errResultPath
	}
	if len(segs) == 1 {
		o.Set(s.names[0], value)
		return o, nil
	}
	child, ok := o.Get(s.names[0])
	if !ok || child == nil {
		child = NewObject()
	}
	v, err := setIn(child, segs[1:], value)
	if err != nil {
		return nil, err
	}
	o.Set(s.names[0], v)
	return o, nil
}
