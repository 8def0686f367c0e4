package asl

import (
	"fmt"
	"strconv"
	"strings"
)

// Path is a parsed JSONPath in the subset Step Functions evaluates (Jayway JsonPath restricted as the
// Developer Guide's "Paths" page says): child and bracket access, indexes (negative too), slices, the
// wildcard, unions, deep scan and simple filters such as [?(@.a >= 5)]. A path that names at most one
// node (only member names and single indexes) is definite.
type Path struct {
	src     string
	context bool // the path starts with $$ and reads the context object
	segs    []segment
}

type segKind int

const (
	segName segKind = iota
	segIndex
	segWild
	segSlice
	segFilter
)

type segment struct {
	kind   segKind
	deep   bool // preceded by "..": applies to the node and all its descendants
	names  []string
	idx    []int
	slice  [3]*int
	filter *filter
}

// String returns the path as written.
func (p *Path) String() string { return p.src }

// Context reports whether the path reads the context object ($$).
func (p *Path) Context() bool { return p.context }

// Definite reports whether the path names at most one node.
func (p *Path) Definite() bool {
	for _, s := range p.segs {
		if s.deep || !(s.kind == segName && len(s.names) == 1 || s.kind == segIndex && len(s.idx) == 1) {
			return false
		}
	}
	return true
}

// IsReference reports whether the path is a Reference Path: definite, with none of the operators
// "@ , : ?" (the specification's definition).
func (p *Path) IsReference() bool { return p.Definite() }

// ParsePath parses a JSONPath starting with $ (or $$ for the context object).
func ParsePath(s string) (*Path, error) {
	if !strings.HasPrefix(s, "$") {
		return nil, fmt.Errorf("the path %q does not start with '$'", s)
	}
	p := &Path{src: s}
	rest := s[1:]
	if strings.HasPrefix(rest, "$") {
		p.context = true
		rest = rest[1:]
	}
	r := &pathReader{s: rest}
	segs, err := r.segments(false)
	if err != nil {
		return nil, fmt.Errorf("invalid path %q: %w", s, err)
	}
	if r.i != len(r.s) {
		return nil, fmt.Errorf("invalid path %q: unexpected %q at %d", s, r.s[r.i:], r.i+1)
	}
	p.segs = segs
	return p, nil
}

// ParseReferencePath parses a Reference Path: a path naming a single node of the input.
func ParseReferencePath(s string) (*Path, error) {
	p, err := ParsePath(s)
	if err != nil {
		return nil, err
	}
	if !p.IsReference() {
		return nil, fmt.Errorf("the path %q is not a reference path", s)
	}
	return p, nil
}

type pathReader struct {
	s string
	i int
}

func (r *pathReader) more() bool { return r.i < len(r.s) }

func (r *pathReader) segments(inFilter bool) ([]segment, error) {
	var segs []segment
	for r.more() {
		c := r.s[r.i]
		switch {
		case c == '.' && strings.HasPrefix(r.s[r.i:], ".."):
			r.i += 2
			if !r.more() {
				return nil, fmt.Errorf("path ends with '..'")
			}
			var seg segment
			var err error
			if r.s[r.i] == '[' {
				seg, err = r.bracket()
			} else {
				seg, err = r.dotName()
			}
			if err != nil {
				return nil, err
			}
			seg.deep = true
			segs = append(segs, seg)
		case c == '.':
			r.i++
			seg, err := r.dotName()
			if err != nil {
				return nil, err
			}
			segs = append(segs, seg)
		case c == '[':
			seg, err := r.bracket()
			if err != nil {
				return nil, err
			}
			segs = append(segs, seg)
		default:
			if inFilter {
				return segs, nil
			}
			return nil, fmt.Errorf("unexpected %q at %d", c, r.i+1)
		}
	}
	return segs, nil
}

// dotName reads a member name after '.', where "\." escapes a dot inside the name.
func (r *pathReader) dotName() (segment, error) {
	if strings.HasPrefix(r.s[r.i:], "*") {
		r.i++
		return segment{kind: segWild}, nil
	}
	var b strings.Builder
	for r.more() {
		c := r.s[r.i]
		if c == '\\' && r.i+1 < len(r.s) {
			b.WriteByte(r.s[r.i+1])
			r.i += 2
			continue
		}
		if c == '.' || c == '[' || c == ' ' || c == ')' || c == '=' || c == '!' || c == '<' || c == '>' || c == '&' || c == '|' {
			break
		}
		if c == '@' || c == ',' || c == ':' || c == '?' || c == ']' || c == '(' || c == '\'' || c == '"' || c == '*' {
			return segment{}, fmt.Errorf("unexpected %q in a member name", c)
		}
		b.WriteByte(c)
		r.i++
	}
	if b.Len() == 0 {
		return segment{}, fmt.Errorf("empty member name at %d", r.i+1)
	}
	return segment{kind: segName, names: []string{b.String()}}, nil
}

func (r *pathReader) skipSpace() {
	for r.more() && r.s[r.i] == ' ' {
		r.i++
	}
}

func (r *pathReader) bracket() (segment, error) {
	r.i++ // '['
	r.skipSpace()
	if !r.more() {
		return segment{}, fmt.Errorf("unclosed '['")
	}
	var seg segment
	switch c := r.s[r.i]; {
	case c == '*':
		r.i++
		seg = segment{kind: segWild}
	case c == '?':
		f, err := r.filterExpr()
		if err != nil {
			return segment{}, err
		}
		seg = segment{kind: segFilter, filter: f}
	case c == '\'' || c == '"':
		seg.kind = segName
		for {
			s, err := r.quoted()
			if err != nil {
				return segment{}, err
			}
			seg.names = append(seg.names, s)
			r.skipSpace()
			if r.more() && r.s[r.i] == ',' {
				r.i++
				r.skipSpace()
				continue
			}
			break
		}
	default:
		var err error
		seg, err = r.indexes()
		if err != nil {
			return segment{}, err
		}
	}
	r.skipSpace()
	if !r.more() || r.s[r.i] != ']' {
		return segment{}, fmt.Errorf("expected ']' at %d", r.i+1)
	}
	r.i++
	return seg, nil
}

func (r *pathReader) quoted() (string, error) {
	if !r.more() || (r.s[r.i] != '\'' && r.s[r.i] != '"') {
		return "", fmt.Errorf("expected a quoted name at %d", r.i+1)
	}
	q := r.s[r.i]
	r.i++
	var b strings.Builder
	for r.more() {
		c := r.s[r.i]
		if c == '\\' && r.i+1 < len(r.s) {
			b.WriteByte(r.s[r.i+1])
			r.i += 2
			continue
		}
		r.i++
		if c == q {
			return b.String(), nil
		}
		b.WriteByte(c)
	}
	return "", fmt.Errorf("unterminated quoted name")
}

func (r *pathReader) integer() (*int, error) {
	r.skipSpace()
	start := r.i
	if r.more() && r.s[r.i] == '-' {
		r.i++
	}
	for r.more() && r.s[r.i] >= '0' && r.s[r.i] <= '9' {
		r.i++
	}
	if start == r.i {
		return nil, nil
	}
	n, err := strconv.Atoi(r.s[start:r.i])
	if err != nil {
		return nil, fmt.Errorf("bad index %q", r.s[start:r.i])
	}
	r.skipSpace()
	return &n, nil
}

func (r *pathReader) indexes() (segment, error) {
	first, err := r.integer()
	if err != nil {
		return segment{}, err
	}
	if r.more() && r.s[r.i] == ':' {
		seg := segment{kind: segSlice}
		seg.slice[0] = first
		for k := 1; k < 3 && r.more() && r.s[r.i] == ':'; k++ {
			r.i++
			if seg.slice[k], err = r.integer(); err != nil {
				return segment{}, err
			}
		}
		if seg.slice[2] != nil && *seg.slice[2] == 0 {
			return segment{}, fmt.Errorf("slice step cannot be zero")
		}
		return seg, nil
	}
	if first == nil {
		return segment{}, fmt.Errorf("expected an index at %d", r.i+1)
	}
	seg := segment{kind: segIndex, idx: []int{*first}}
	for r.more() && r.s[r.i] == ',' {
		r.i++
		n, err := r.integer()
		if err != nil {
			return segment{}, err
		}
		if n == nil {
			return segment{}, fmt.Errorf("expected an index at %d", r.i+1)
		}
		seg.idx = append(seg.idx, *n)
	}
	return seg, nil
}
