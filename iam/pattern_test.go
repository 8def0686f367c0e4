package iam

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestPattern_Match(t *testing.T) {
	ctx := context{m: map[string][]string{"aws:username": {"bob"}, "app:star": {"*"}, "app:multi": {"a", "b"}}}
	tests := []struct {
		pattern string
		s       string
		want    bool
	}{
		{"", "", true},
		{"", "a", false},
		{"*", "", true},
		{"*", "anything:at/all", true},
		{"a*", "a", true},
		{"*a", "ba", true},
		{"*a", "ab", false},
		{"a*b*c", "abc", true},
		{"a*b*c", "aXbYbZc", true},
		{"a*b*c", "aXbYcZ", false},
		{"a**b", "ab", true},
		{"?", "é", true}, // one character, not one byte
		{"??", "é", false},
		{"caf?", "café", true},
		{"*é*", "café au lait", true},
		{"a?c", "ac", false},
		{"*ab*ab", "abab", true},
		{"*aab", "aaab", true},
		{"home/${aws:username}/*", "home/bob/x", true},
		{"home/${aws:username}/*", "home/alice/x", false},
		{"*/${aws:username}/*", "a/b/bob/c", true},
		{"*/${aws:username}", "a/bob", true},
		{"x${app:star}", "x*", true},
		{"x${app:star}", "xy", false}, // a substituted '*' is text
		{"x${app:multi}", "xa", false},
		{"x${app:none}", "x", false},
		{"x${app:none, ''}", "x", true},
		{"x${ app:none , 'it''s' }", "xit's", true},
		{"${*}${?}${$}", "*?$", true},
		{"${*}", "a", false},
		{"${AWS:USERNAME}", "bob", true},
	}
	for _, tt := range tests {
		p, err := compilePattern(tt.pattern, patternSyntax{wildcards: true, variables: true})
		if err != nil {
			t.Fatalf("compilePattern(%q): %v", tt.pattern, err)
		}
		if got := p.match(tt.s, ctx); got != tt.want {
			t.Errorf("%q matches %q = %v, want %v", tt.pattern, tt.s, got, tt.want)
		}
	}
}

// FuzzPattern checks the piece-by-piece matcher against a plain backtracking one.
func FuzzPattern(f *testing.F) {
	for _, seed := range [][2]string{{"a*b?c", "aXXbYc"}, {"*é*", "café"}, {"**a", "aa"}, {"?*?", "ab"}, {"A*", "abc"}} {
		f.Add(seed[0], seed[1], false)
		f.Add(seed[0], seed[1], true)
	}
	f.Fuzz(func(t *testing.T, pat, s string, fold bool) {
		if !utf8.ValidString(pat) || !utf8.ValidString(s) || len(pat) > 64 || len(s) > 64 {
			return
		}
		p, err := compilePattern(pat, patternSyntax{wildcards: true, fold: fold})
		if err != nil {
			t.Fatal(err)
		}
		want := naiveMatch([]rune(pat), []rune(s), fold)
		if got := p.match(s, context{}); got != want {
			t.Errorf("%q matches %q (fold %v) = %v, want %v", pat, s, fold, got, want)
		}
	})
}

// naiveMatch is the textbook dynamic programme: m[i][j] says whether p[i:] matches s[j:].
func naiveMatch(p, s []rune, fold bool) bool {
	m := make([][]bool, len(p)+1)
	for i := range m {
		m[i] = make([]bool, len(s)+1)
	}
	m[len(p)][len(s)] = true
	for i := len(p) - 1; i >= 0; i-- {
		for j := len(s); j >= 0; j-- {
			switch {
			case p[i] == '*':
				m[i][j] = m[i+1][j] || j < len(s) && m[i][j+1]
			case j == len(s):
				m[i][j] = false
			case p[i] == '?':
				m[i][j] = m[i+1][j+1]
			default:
				same := p[i] == s[j] || fold && strings.EqualFold(string(p[i]), string(s[j]))
				m[i][j] = same && m[i+1][j+1]
			}
		}
	}
	return m[0][0]
}
