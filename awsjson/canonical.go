package awsjson

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// canonicalizer builds SigV4's canonical request and string to sign for a request as its client signed it:
//
//	<method>\n<canonical URI>\n<canonical query>\n<name:value\n for each signed header>\n<signed headers>\n<payload hash>
//
//	AWS4-HMAC-SHA256\n<X-Amz-Date>\n<credential scope>\n<hex SHA-256 of the canonical request>
type canonicalizer struct {
	r           *http.Request
	cred        *Credential
	amzDate     string
	payloadHash []byte // hex

	// differs is set by build(goSDK) when the other profile would build another canonical request: a
	// signed header's value holds whitespace other than spaces, or the path has dot or empty segments.
	differs bool
}

// profile is one way of canonicalising that SDKs differ on.
type profile int

const (
	// goSDK collapses only runs of spaces in header values, and signs the path as sent (aws-sdk-go-v2).
	goSDK profile = iota
	// botocore collapses every run of whitespace in header values, and removes dot segments and empty
	// segments from the path before encoding it (botocore, hence the aws CLI, and the JavaScript SDK v3).
	botocore
)

// build returns the canonical request and the string to sign as the profile's signers build them.
func (c *canonicalizer) build(p profile) (canonical, stringToSign []byte) {
	r := c.r
	allWhitespace := p == botocore
	b := make([]byte, 0, 512)
	b = append(b, r.Method...)
	b = append(b, '\n')
	path := r.URL.EscapedPath()
	if path == "" {
		path = "/"
	}
	if normal := normalizePath(path); normal != path {
		c.differs = true
		if p == botocore {
			path = normal
		}
	}
	// Services other than S3 encode the path once more over its escaped form (so "%2F" signs as "%252F").
	b = appendURIEncoded(b, path, false)
	b = append(b, '\n')
	b = appendCanonicalQuery(b, r.URL.RawQuery)
	b = append(b, '\n')
	for _, name := range c.cred.SignedHeaders {
		b = append(b, name...)
		b = append(b, ':')
		for i, v := range c.headerValues(name) {
			if i > 0 {
				b = append(b, ',')
			}
			if !allWhitespace && hasOtherWhitespace(v) {
				c.differs = true
			}
			b = appendHeaderValue(b, v, allWhitespace)
		}
		b = append(b, '\n')
	}
	b = append(b, '\n')
	for i, name := range c.cred.SignedHeaders {
		if i > 0 {
			b = append(b, ';')
		}
		b = append(b, name...)
	}
	b = append(b, '\n')
	b = append(b, c.payloadHash...)

	sum := sha256.Sum256(b)
	s := make([]byte, 0, len(sigV4Algorithm)+len(c.amzDate)+len(c.cred.Date)+len(c.cred.Region)+len(c.cred.Service)+100)
	s = append(s, sigV4Algorithm...)
	s = append(s, '\n')
	s = append(s, c.amzDate...)
	s = append(s, '\n')
	s = append(s, c.cred.Date...)
	s = append(s, '/')
	s = append(s, c.cred.Region...)
	s = append(s, '/')
	s = append(s, c.cred.Service...)
	s = append(s, "/aws4_request\n"...)
	s = hex.AppendEncode(s, sum[:])
	return b, s
}

// headerValues returns the values of the signed header name as the client sent them. Host is not among
// net/http's headers (it is r.Host); Content-Length is, but a request built in a test may carry only
// r.ContentLength. A header listed but not sent has no value, so the signature fails unless it was signed
// empty.
func (c *canonicalizer) headerValues(name string) []string {
	r := c.r
	switch name {
	case "host":
		return []string{r.Host}
	case "content-length":
		if v := r.Header.Values("Content-Length"); len(v) > 0 {
			return v
		}
		if r.ContentLength >= 0 {
			return []string{strconv.FormatInt(r.ContentLength, 10)}
		}
		return nil
	}
	var buf [64]byte
	if key, ok := appendCanonicalKey(buf[:0], name); ok {
		// Indexing with string(key) in place does not copy key.
		if v, ok := r.Header[string(key)]; ok {
			return v
		}
	}
	// A name net/http does not canonicalise (one with characters outside a token), or a header map built by
	// hand: look the name up regardless of case, keeping the map's order of keys deterministic.
	var keys []string
	for k := range r.Header {
		if strings.EqualFold(k, name) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var vs []string
	for _, k := range keys {
		vs = append(vs, r.Header[k]...)
	}
	return vs
}

// normalizePath removes "." segments, resolves ".." segments and drops empty segments of an absolute path,
// keeping a trailing slash, as botocore and the JavaScript SDK do before signing.
func normalizePath(path string) string {
	if !strings.Contains(path, "//") && !strings.Contains(path, "/.") {
		return path
	}
	var out []string
	for seg := range strings.SplitSeq(path, "/") {
		switch seg {
		case "", ".":
		case "..":
			if len(out) > 0 {
				out = out[:len(out)-1]
			}
		default:
			out = append(out, seg)
		}
	}
	n := "/" + strings.Join(out, "/")
	if strings.HasSuffix(path, "/") && len(out) > 0 {
		n += "/"
	}
	return n
}

// appendCanonicalKey appends textproto.CanonicalMIMEHeaderKey(name) to b ("x-amz-date" → "X-Amz-Date"),
// the key under which net/http keeps a header. ok is false for a name with a byte outside an HTTP token,
// which net/http keeps as it came.
func appendCanonicalKey(b []byte, name string) (key []byte, ok bool) {
	upper := true
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !isTokenByte(c) {
			return nil, false
		}
		if upper && 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		} else if !upper && 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		b = append(b, c)
		upper = c == '-'
	}
	return b, true
}

// isTokenByte reports whether c may appear in an HTTP header name (RFC 7230's tchar).
func isTokenByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

// appendHeaderValue appends v trimmed, its inner runs of spaces collapsed to one (of any whitespace when
// allWhitespace is set): SigV4's Trimall.
func appendHeaderValue(b []byte, v string, allWhitespace bool) []byte {
	if allWhitespace {
		return append(b, strings.Join(strings.Fields(v), " ")...)
	}
	// The Go SDK's order: trim and collapse spaces, then trim other whitespace at either end.
	v = strings.TrimSpace(collapseSpaces(strings.Trim(v, " ")))
	return append(b, v...)
}

// hasOtherWhitespace reports whether s may hold whitespace other than spaces: an ASCII control that is
// whitespace, or the lead byte 0xC2 of U+0085 and U+00A0 (a false positive costs a second canonical request,
// only when the first did not verify).
func hasOtherWhitespace(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == 0xC2 || ('\t' <= c && c <= '\r') {
			return true
		}
	}
	return false
}

// collapseSpaces replaces each run of spaces in s with one space.
func collapseSpaces(s string) string {
	if !strings.Contains(s, "  ") {
		return s
	}
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == ' ' && i > 0 && s[i-1] == ' ' {
			continue
		}
		out = append(out, s[i])
	}
	return string(out)
}

// appendCanonicalQuery appends SigV4's canonical query string: each name and value decoded and then
// URI-encoded, the pairs sorted by encoded name and then by encoded value ("sorting occurs after encoding").
func appendCanonicalQuery(b []byte, raw string) []byte {
	if raw == "" {
		return b
	}
	type pair struct{ name, value string }
	var pairs []pair
	for part := range strings.SplitSeq(raw, "&") {
		if part == "" {
			continue
		}
		name, value, _ := strings.Cut(part, "=")
		pairs = append(pairs, pair{uriEncodeQuery(name), uriEncodeQuery(value)})
	}
	sort.Slice(pairs, func(i, j int) bool {
		if pairs[i].name != pairs[j].name {
			return pairs[i].name < pairs[j].name
		}
		return pairs[i].value < pairs[j].value
	})
	for i, p := range pairs {
		if i > 0 {
			b = append(b, '&')
		}
		b = append(b, p.name...)
		b = append(b, '=')
		b = append(b, p.value...)
	}
	return b
}

// uriEncodeQuery decodes a query component as net/url does ('+' is a space) and encodes it for SigV4. A
// component that does not decode is encoded as it came.
func uriEncodeQuery(s string) string {
	if d, err := url.QueryUnescape(s); err == nil {
		s = d
	}
	return string(appendURIEncoded(nil, s, true))
}

// appendURIEncoded appends s with every byte outside RFC 3986's unreserved set (A-Z a-z 0-9 - . _ ~)
// percent-encoded in upper-case hex; '/' too when encodeSlash is set.
func appendURIEncoded(b []byte, s string, encodeSlash bool) []byte {
	const upperHex = "0123456789ABCDEF"
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '-', c == '.', c == '_', c == '~':
			b = append(b, c)
		case c == '/' && !encodeSlash:
			b = append(b, c)
		default:
			b = append(b, '%', upperHex[c>>4], upperHex[c&15])
		}
	}
	return b
}
