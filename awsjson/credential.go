package awsjson

import (
	"errors"
	"fmt"
	"strings"
)

// sigV4Algorithm is the only signing algorithm AWS SDKs use with JSON services.
const sigV4Algorithm = "AWS4-HMAC-SHA256"

// Credential is what a SigV4 Authorization header says about its signer. Nothing in it is verified.
type Credential struct {
	// AccessKeyID is the signer's access key id, e.g. "AKIDEXAMPLE".
	AccessKeyID string
	// Date is the scope date, "YYYYMMDD".
	Date string
	// Region is the scope region, e.g. "us-east-1".
	Region string
	// Service is the scope service (signing name), e.g. "swf" or "states".
	Service string
	// SignedHeaders are the lower-case names of the signed headers, in the order the header lists them.
	SignedHeaders []string
	// Signature is the hex signature.
	Signature string
}

// Scope returns the credential scope, "<date>/<region>/<service>/aws4_request".
func (c *Credential) Scope() string {
	return c.Date + "/" + c.Region + "/" + c.Service + "/aws4_request"
}

// ParseAuthorization parses a SigV4 Authorization header:
//
//	AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/swf/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc…
//
// The three components may come in any order, separated by commas with or without spaces.
func ParseAuthorization(h string) (Credential, error) {
	alg, rest, ok := strings.Cut(strings.TrimSpace(h), " ")
	if !ok || alg != sigV4Algorithm {
		return Credential{}, errors.New("parse authorization: not an " + sigV4Algorithm + " header")
	}
	var c Credential
	var scope, signed string
	var seenCredential, seenSigned, seenSignature bool // three flags, not a map: this runs on every request
	for part := range strings.SplitSeq(rest, ",") {
		key, value, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return Credential{}, errors.New("parse authorization: component without '='")
		}
		var seen *bool
		switch key {
		case "Credential":
			scope, seen = value, &seenCredential
		case "SignedHeaders":
			signed, seen = value, &seenSigned
		case "Signature":
			c.Signature, seen = value, &seenSignature
		default:
			return Credential{}, fmt.Errorf("parse authorization: unknown component %q", truncateRunes(key, 32))
		}
		if *seen {
			return Credential{}, fmt.Errorf("parse authorization: duplicate %q", key)
		}
		*seen = true
	}
	if scope == "" || signed == "" || c.Signature == "" {
		return Credential{}, errors.New("parse authorization: Credential, SignedHeaders and Signature are required")
	}
	if !isHex(c.Signature) {
		return Credential{}, errors.New("parse authorization: signature is not hex")
	}

	parts := strings.Split(scope, "/")
	if len(parts) != 5 || parts[4] != "aws4_request" {
		return Credential{}, errors.New("parse authorization: credential is not <key>/<date>/<region>/<service>/aws4_request")
	}
	c.AccessKeyID, c.Date, c.Region, c.Service = parts[0], parts[1], parts[2], parts[3]
	if c.AccessKeyID == "" || c.Region == "" || c.Service == "" {
		return Credential{}, errors.New("parse authorization: credential has an empty access key, region or service")
	}
	if !isDate(c.Date) {
		return Credential{}, errors.New("parse authorization: credential date is not YYYYMMDD")
	}

	c.SignedHeaders = make([]string, 0, strings.Count(signed, ";")+1)
	for name := range strings.SplitSeq(signed, ";") {
		if name == "" || name != strings.ToLower(name) || strings.ContainsAny(name, " \t") {
			return Credential{}, errors.New("parse authorization: signed headers must be non-empty lower-case names")
		}
		c.SignedHeaders = append(c.SignedHeaders, name)
	}
	return c, nil
}

// isHex reports whether s is non-empty lower- or upper-case hex.
func isHex(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') && (c < 'A' || c > 'F') {
			return false
		}
	}
	return true
}

// isDate reports whether s looks like YYYYMMDD (eight digits).
func isDate(s string) bool {
	if len(s) != 8 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
