package iam

import (
	"encoding/base64"
	"math"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// value is one policy value of a condition, compiled for its operator's family so that a request
// compares against it without parsing the policy again.
type value struct {
	pat    pattern   // string and bool families, and an ARN's last part
	arn    []pattern // the ARN family: one pattern per colon-separated part
	num    float64
	time   time.Time
	prefix netip.Prefix
	bytes  string // the binary family: the decoded bytes
}

// compileValue compiles one policy value for op; its error message is the problem alone.
func compileValue(op operator, s string, variables bool) (value, string) {
	var v value
	switch op.family {
	case stringFamily, boolFamily:
		syn := patternSyntax{
			wildcards: op.compare == like,
			variables: variables,
			fold:      op.compare == equalFold || op.family == boolFamily,
		}
		p, err := compilePattern(s, syn)
		if err != nil {
			return v, err.Error()
		}
		if op.family == boolFamily && p.isLiteral() && !strings.EqualFold(s, "true") && !strings.EqualFold(s, "false") {
			return v, quote(s) + " is not true or false"
		}
		v.pat = p
	case arnFamily:
		for _, part := range splitARN(s) {
			p, err := compilePattern(part, patternSyntax{wildcards: true, variables: variables})
			if err != nil {
				return v, err.Error()
			}
			v.arn = append(v.arn, p)
		}
	case numericFamily:
		n, ok := parseNumber(s)
		if !ok {
			return v, quote(s) + " is not a number"
		}
		v.num = n
	case dateFamily:
		t, ok := parseDate(s)
		if !ok {
			return v, quote(s) + " is not an ISO 8601 date or a count of seconds since the epoch"
		}
		v.time = t
	case binaryFamily:
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			return v, quote(s) + " is not base64"
		}
		v.bytes = string(b)
	case ipFamily:
		p, ok := parsePrefix(s)
		if !ok {
			return v, quote(s) + " is not an IP address or CIDR block"
		}
		v.prefix = p
	}
	return v, ""
}

// matches reports whether the request value s satisfies op's comparison (before any negation) with v.
// A request value that cannot be read as the family's type matches nothing.
func (v *value) matches(op operator, s string, ctx context) bool {
	switch op.family {
	case stringFamily, boolFamily:
		return v.pat.match(s, ctx)
	case arnFamily:
		return matchARN(v.arn, s, ctx)
	case numericFamily:
		n, ok := parseNumber(s)
		return ok && compareOrdered(op.compare, cmpFloat(n, v.num))
	case dateFamily:
		t, ok := parseDate(s)
		return ok && compareOrdered(op.compare, t.Compare(v.time))
	case binaryFamily:
		return s == v.bytes
	case ipFamily:
		a, err := netip.ParseAddr(s)
		return err == nil && v.prefix.Contains(a.Unmap())
	}
	return false
}

// compareOrdered turns c, the sign of request value minus policy value, into the comparison's answer.
func compareOrdered(op comparison, c int) bool {
	switch op {
	case less:
		return c < 0
	case lessOrEqual:
		return c <= 0
	case greater:
		return c > 0
	case greaterOrEqual:
		return c >= 0
	}
	return c == 0
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// parseNumber reads an integer or decimal; NaN and the infinities, which strconv would accept, are not
// numbers a policy compares with.
func parseNumber(s string) (float64, bool) {
	n, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(n) || math.IsInf(n, 0) {
		return 0, false
	}
	return n, true
}

// dateLayouts are the ISO 8601 forms a policy or a request may use: full timestamps with or without
// fractions and zone offsets, the basic form of X-Amz-Date, a minute-precision form and a bare date.
var dateLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999",
	"2006-01-02T15:04Z07:00",
	"20060102T150405Z",
	"2006-01-02",
}

// parseDate reads an ISO 8601 date or a count of seconds since the epoch (aws:EpochTime's form).
func parseDate(s string) (time.Time, bool) {
	if s == "" {
		return time.Time{}, false
	}
	if c := s[0]; c >= '0' && c <= '9' && !strings.ContainsAny(s, "-T:") {
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			return time.Unix(n, 0), true
		}
		if f, ok := parseNumber(s); ok && math.Abs(f) < 1<<62 {
			sec, frac := math.Modf(f)
			return time.Unix(int64(sec), int64(frac*1e9)), true
		}
		return time.Time{}, false
	}
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// parsePrefix reads a CIDR block, or a single address as the block holding only it. Host bits are
// cleared, so "203.0.113.7/24" means 203.0.113.0/24.
func parsePrefix(s string) (netip.Prefix, bool) {
	if !strings.Contains(s, "/") {
		a, err := netip.ParseAddr(s)
		if err != nil {
			return netip.Prefix{}, false
		}
		a = a.Unmap()
		return netip.PrefixFrom(a, a.BitLen()), true
	}
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return netip.Prefix{}, false
	}
	if p.Addr().Is4In6() && p.Bits() >= 96 {
		p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
	}
	return p.Masked(), true
}

// splitARN cuts s at its first five colons, into the six parts of an ARN (fewer if s has fewer colons).
// Colons inside a policy variable, as in ${aws:username}, do not count.
func splitARN(s string) []string {
	var parts []string
	start := 0
	for i := 0; i < len(s) && len(parts) < 5; i++ {
		switch s[i] {
		case '$':
			if strings.HasPrefix(s[i:], "${") {
				if end := strings.IndexByte(s[i:], '}'); end > 0 {
					i += end
				}
			}
		case ':':
			parts = append(parts, s[start:i])
			start = i + 1
		}
	}
	return append(parts, s[start:])
}

// matchARN matches an ARN against a policy ARN part by part: the request value is cut into as many parts
// as the policy value has, the last taking the rest, so "arn:aws:swf:*" or "*" match any ARN while
// "arn:aws:swf:us-east-1:*:/domain/x" checks region and resource apart.
func matchARN(parts []pattern, s string, ctx context) bool {
	for i := range parts {
		if i == len(parts)-1 {
			return parts[i].match(s, ctx)
		}
		colon := strings.IndexByte(s, ':')
		if colon < 0 || !parts[i].match(s[:colon], ctx) {
			return false
		}
		s = s[colon+1:]
	}
	return false
}
