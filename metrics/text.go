package metrics

import (
	"math"
	"strconv"
)

// textWriter accumulates sample lines of the text exposition format.
type textWriter struct {
	b []byte
}

// uintSample writes one line whose value is an integer; see head.
func (t *textWriter) uintSample(name string, labels, values []string, extra, extraValue string, n uint64) {
	t.head(name, labels, values, extra, extraValue)
	t.b = appendUint(t.b, n)
	t.b = append(t.b, '\n')
}

// floatSample writes one line whose value is a float; see head.
func (t *textWriter) floatSample(name string, labels, values []string, extra, extraValue string, v float64) {
	t.head(name, labels, values, extra, extraValue)
	t.b = appendFloat(t.b, v)
	t.b = append(t.b, '\n')
}

// head writes the start of a sample line, up to its value: name{labels…,extra="extraValue"} and a space.
// The braces are left out when there are no labels; extra is left out when empty (a histogram's le).
func (t *textWriter) head(name string, labels, values []string, extra, extraValue string) {
	t.b = append(t.b, name...)
	if len(labels) > 0 || extra != "" {
		t.b = append(t.b, '{')
		for i, l := range labels {
			if i > 0 {
				t.b = append(t.b, ',')
			}
			t.b = appendLabel(t.b, l, values[i])
		}
		if extra != "" {
			if len(labels) > 0 {
				t.b = append(t.b, ',')
			}
			t.b = appendLabel(t.b, extra, extraValue)
		}
		t.b = append(t.b, '}')
	}
	t.b = append(t.b, ' ')
}

// appendLabel appends name="value" with value escaped.
func appendLabel(b []byte, name, value string) []byte {
	b = append(b, name...)
	b = append(b, '=', '"')
	b = appendEscaped(b, value, true)
	return append(b, '"')
}

// appendEscaped appends s with backslash and line feed escaped, and double quotes too in a label value,
// as the text format requires (HELP text leaves quotes alone).
func appendEscaped(b []byte, s string, quote bool) []byte {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\':
			b = append(b, `\\`...)
		case c == '\n':
			b = append(b, `\n`...)
		case c == '"' && quote:
			b = append(b, `\"`...)
		default:
			b = append(b, c)
		}
	}
	return b
}

// formatFloat formats v as the text format spells floats: Go's shortest representation, or +Inf, -Inf,
// NaN.
func formatFloat(v float64) string {
	return string(appendFloat(nil, v))
}

// appendFloat appends v formatted as formatFloat does.
func appendFloat(b []byte, v float64) []byte {
	switch {
	case math.IsInf(v, +1):
		return append(b, "+Inf"...)
	case math.IsInf(v, -1):
		return append(b, "-Inf"...)
	case math.IsNaN(v):
		return append(b, "NaN"...)
	}
	return strconv.AppendFloat(b, v, 'g', -1, 64)
}

// appendUint appends n in decimal.
func appendUint(b []byte, n uint64) []byte {
	return strconv.AppendUint(b, n, 10)
}
