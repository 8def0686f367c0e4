package iam

import (
	"strings"
	"unicode/utf8"
)

// A pattern is a policy string compiled once at parse time: an Action, a Resource, or a condition value.
// It is a list of pieces separated by '*' wildcards; each piece is a run of atoms of fixed length once its
// variables are substituted (literal text, '?', a policy variable). Matching then needs no regular
// expression and no allocation: the first piece is anchored at the start, the last at the end, and each
// piece between is found at its leftmost place, which is optimal because a piece's length does not
// depend on where it matches.
type pattern struct {
	pieces   [][]atom
	leading  bool // a '*' before the first piece
	trailing bool // a '*' after the last piece
	fold     bool // compare case-insensitively (actions, StringEqualsIgnoreCase)
}

type atom struct {
	kind atomKind
	text string // literal text, or a variable's key
	def  string // a variable's default value
	// hasDef tells a default of "" from none.
	hasDef bool
}

type atomKind uint8

const (
	literalAtom  atomKind = iota
	anyRuneAtom           // '?'
	variableAtom          // ${key} or ${key, 'default'}
)

// patternSyntax says which of the special forms a string compiles with.
type patternSyntax struct {
	wildcards bool // '*' and '?' are wildcards rather than literal characters
	variables bool // ${...} is a policy variable (policy Version 2012-10-17)
	fold      bool
}

// compilePattern compiles s. Its only error is a malformed policy variable.
func compilePattern(s string, syn patternSyntax) (pattern, error) {
	p := pattern{fold: syn.fold}
	var piece []atom
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			piece = append(piece, atom{kind: literalAtom, text: lit.String()})
			lit.Reset()
		}
	}
	for i := 0; i < len(s); {
		switch {
		case syn.wildcards && s[i] == '*':
			flush()
			if piece != nil || len(p.pieces) > 0 {
				p.pieces = append(p.pieces, piece)
			} else {
				p.leading = true
			}
			piece = nil
			for i < len(s) && s[i] == '*' {
				i++
			}
			continue
		case syn.wildcards && s[i] == '?':
			flush()
			piece = append(piece, atom{kind: anyRuneAtom})
			i++
			continue
		case syn.variables && strings.HasPrefix(s[i:], "${"):
			a, n, err := parseVariable(s[i:])
			if err != nil {
				return pattern{}, err
			}
			if a.kind == literalAtom {
				lit.WriteString(a.text)
			} else {
				flush()
				piece = append(piece, a)
			}
			i += n
			continue
		}
		lit.WriteByte(s[i])
		i++
	}
	flush()
	if piece != nil || len(p.pieces) == 0 && !p.leading {
		p.pieces = append(p.pieces, piece)
	} else {
		p.trailing = true
	}
	return p, nil
}

// match reports whether s matches the pattern, substituting variables from ctx. A variable without a
// single value and without a default makes the pattern match nothing.
func (p *pattern) match(s string, ctx context) bool {
	if len(p.pieces) == 0 {
		return p.leading // "*" matches everything; "" only ""
	}
	first, last := 0, len(p.pieces)-1
	pos := 0
	if !p.leading {
		end, ok := p.matchPiece(p.pieces[0], s, 0, ctx)
		if !ok {
			return false
		}
		if last == 0 && !p.trailing {
			return end == len(s)
		}
		pos, first = end, 1
	}
	tailStart := len(s)
	if !p.trailing && last >= first {
		// The last piece must end the string: try it at the one place where it would.
		start, ok := p.suffixStart(p.pieces[last], s, pos, ctx)
		if !ok {
			return false
		}
		tailStart = start
		last--
	}
	for i := first; i <= last; i++ {
		found := false
		for start := p.nextStart(p.pieces[i], s[:tailStart], pos); start <= tailStart; {
			if end, ok := p.matchPiece(p.pieces[i], s[:tailStart], start, ctx); ok {
				pos, found = end, true
				break
			}
			if start == tailStart {
				break
			}
			_, size := utf8.DecodeRuneInString(s[start:])
			start = p.nextStart(p.pieces[i], s[:tailStart], start+size)
		}
		if !found {
			return false
		}
	}
	return true
}

// suffixStart finds where piece must start to end exactly at the end of s, no earlier than min. A piece
// without '?' has one length once its variables are known, so it is tried at one place only.
func (p *pattern) suffixStart(piece []atom, s string, min int, ctx context) (int, bool) {
	if n, ok := pieceLen(piece, ctx); ok {
		start := len(s) - n
		if start < min {
			return 0, false
		}
		if _, ok := p.matchPiece(piece, s, start, ctx); ok {
			return start, true
		}
		return 0, false
	}
	for start := len(s); start >= min; start-- {
		if start < len(s) && !utf8.RuneStart(s[start]) {
			continue
		}
		if end, ok := p.matchPiece(piece, s, start, ctx); ok && end == len(s) {
			return start, true
		}
	}
	return 0, false
}

// pieceLen returns the length in bytes of piece's text, which is fixed unless it holds a '?' (one rune
// of one to four bytes) or a variable that cannot be substituted.
func pieceLen(piece []atom, ctx context) (int, bool) {
	n := 0
	for i := range piece {
		switch a := &piece[i]; a.kind {
		case anyRuneAtom:
			return 0, false
		case variableAtom:
			v, ok := ctx.variable(a.text)
			switch {
			case ok:
				n += len(v)
			case a.hasDef:
				n += len(a.def)
			default:
				return 0, false
			}
		default:
			n += len(a.text)
		}
	}
	return n, true
}

// nextStart returns the first place at or after start where piece might match: where its leading
// literal occurs, found by strings.Index, when the comparison keeps case; else start itself.
func (p *pattern) nextStart(piece []atom, s string, start int) int {
	if p.fold || len(piece) == 0 || piece[0].kind != literalAtom {
		return start
	}
	i := strings.Index(s[start:], piece[0].text)
	if i < 0 {
		return len(s) + 1
	}
	return start + i
}

// matchPiece matches piece at s[start:] and returns where it ends.
func (p *pattern) matchPiece(piece []atom, s string, start int, ctx context) (int, bool) {
	pos := start
	for i := range piece {
		a := &piece[i]
		text := a.text
		switch a.kind {
		case anyRuneAtom:
			if pos >= len(s) {
				return 0, false
			}
			_, size := utf8.DecodeRuneInString(s[pos:])
			pos += size
			continue
		case variableAtom:
			v, ok := ctx.variable(a.text)
			switch {
			case ok:
				text = v
			case a.hasDef:
				text = a.def
			default:
				return 0, false
			}
		}
		if len(s)-pos < len(text) {
			return 0, false
		}
		seg := s[pos : pos+len(text)]
		if seg != text && !(p.fold && strings.EqualFold(seg, text)) {
			return 0, false
		}
		pos += len(text)
	}
	return pos, true
}

// isLiteral reports whether the pattern is plain text: no wildcard and no variable.
func (p *pattern) isLiteral() bool {
	if len(p.pieces) != 1 || p.leading || p.trailing {
		return false
	}
	for _, a := range p.pieces[0] {
		if a.kind != literalAtom {
			return false
		}
	}
	return true
}

// hasVariable reports whether the pattern holds a policy variable.
func (p *pattern) hasVariable() bool {
	for _, piece := range p.pieces {
		for _, a := range piece {
			if a.kind == variableAtom {
				return true
			}
		}
	}
	return false
}
