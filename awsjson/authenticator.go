package awsjson

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// DefaultMaxSkew is how far a request's X-Amz-Date may be from the server's clock when Authenticator.MaxSkew
// is not set: AWS's 15 minutes.
const DefaultMaxSkew = 15 * time.Minute

// DefaultKeyCacheSize bounds the cache of derived signing keys when Authenticator.KeyCacheSize is not set.
// One entry serves one access key for a day in one region and service, so 1024 covers hundreds of keys.
const DefaultKeyCacheSize = 1024

// amzDateFormat is X-Amz-Date's layout, ISO 8601 basic format in UTC.
const amzDateFormat = "20060102T150405Z"

// Keys looks up the secrets of access keys.
type Keys interface {
	// Lookup returns the secret access key of accessKeyID and the name of the user it belongs to; ok is
	// false when the key is unknown. It is called once per request and must be safe for concurrent use.
	Lookup(accessKeyID string) (secret, user string, ok bool)
}

// KeysFunc adapts a function to the Keys interface.
type KeysFunc func(accessKeyID string) (secret, user string, ok bool)

// Lookup calls f.
func (f KeysFunc) Lookup(accessKeyID string) (secret, user string, ok bool) { return f(accessKeyID) }

// Principal is the verified signer of a request.
type Principal struct {
	// AccessKeyID is the access key that signed the request.
	AccessKeyID string
	// User is the name of the user the key belongs to, as Keys.Lookup returned it.
	User string
	// Credential is the request's credential, its signature verified.
	Credential Credential
}

// Authenticator verifies AWS Signature Version 4 (AWS4-HMAC-SHA256) signatures in Authorization headers,
// recomputing them as the AWS SDKs and CLIs compute them (aws-sdk-go-v2, botocore, the AWS SDK for
// JavaScript v3). Set its fields before its first use; it is safe for concurrent use after that.
//
// The body is always hashed: a request whose body changed after signing is refused, whatever its
// X-Amz-Content-SHA256 says (UNSIGNED-PAYLOAD included). Signatures in the query string (presigned URLs),
// which no SDK uses with JSON APIs, are refused, as are session tokens (X-Amz-Security-Token), which only
// temporary credentials of AWS's STS carry and no configured key has.
type Authenticator struct {
	// Keys looks up access keys. Nil knows none: every signed request is answered UnrecognizedClientException.
	Keys Keys
	// Now is the server's clock, against which X-Amz-Date is checked; nil means time.Now.
	Now func() time.Time
	// MaxSkew is how far X-Amz-Date may be from Now, either way; zero or less means DefaultMaxSkew.
	MaxSkew time.Duration
	// Region, when set, is the only region a credential may be scoped to (the server's region, as AWS's
	// endpoints each serve one); empty accepts any, for clients configured with a region of their own.
	Region string
	// KeyCacheSize bounds the cache of derived signing keys; zero or less means DefaultKeyCacheSize.
	KeyCacheSize int

	once sync.Once
	keys *signingKeys
}

// init prepares the signing key cache on first use.
func (a *Authenticator) init() {
	a.once.Do(func() {
		n := a.KeyCacheSize
		if n <= 0 {
			n = DefaultKeyCacheSize
		}
		a.keys = newSigningKeys(n)
	})
}

// isPresigned tells whether a query string carries a query-string (presigned) signature: a parameter named
// X-Amz-Algorithm or X-Amz-Signature, however it is escaped. A value that merely contains those words is not one.
func isPresigned(rawQuery string) bool {
	for rawQuery != "" {
		var param string
		param, rawQuery, _ = strings.Cut(rawQuery, "&")
		name, _, _ := strings.Cut(param, "=")
		if n, err := url.QueryUnescape(name); err == nil {
			name = n
		}
		if name == "X-Amz-Algorithm" || name == "X-Amz-Signature" {
			return true
		}
	}
	return false
}

// Verify checks the SigV4 signature of r, whose body was read into body (r.Body is not read). It returns the
// principal that signed r, or an error that is always a *Fault: MissingAuthenticationTokenException,
// IncompleteSignatureException, UnrecognizedClientException or InvalidSignatureException.
//
// Checks run in the order AWS's answers suggest: the header's form, then the key, then the date, then the
// signature; so a request both late and forged is told it is late.
func (a *Authenticator) Verify(r *http.Request, body []byte) (*Principal, error) {
	a.init()
	authz := r.Header.Values("Authorization")
	presigned := isPresigned(r.URL.RawQuery)
	switch {
	case len(authz) == 0 && !presigned:
		return nil, MissingAuthenticationToken()
	case len(authz) > 0 && presigned:
		return nil, InvalidSignature("Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header.")
	case presigned:
		return nil, IncompleteSignature("Query-string (presigned) signatures are not accepted here; sign the request's Authorization header.")
	case len(authz) > 1:
		return nil, IncompleteSignature("The request has more than one Authorization header.")
	}
	cred, err := ParseAuthorization(authz[0])
	if err != nil {
		return nil, IncompleteSignature("Authorization header is not a valid " + sigV4Algorithm + " signature (" +
			strings.TrimPrefix(err.Error(), "parse authorization: ") + "). Authorization=" + truncateRunes(authz[0], 512))
	}
	if !signs(cred.SignedHeaders, "host") {
		return nil, IncompleteSignature("'Host' must be a 'SignedHeader' in the AWS Authorization.")
	}
	if !signs(cred.SignedHeaders, "x-amz-date") {
		return nil, IncompleteSignature("'X-Amz-Date' must be a 'SignedHeader' in the AWS Authorization.")
	}
	amzDate := r.Header.Get("X-Amz-Date")
	signedAt, err := time.Parse(amzDateFormat, amzDate)
	if err != nil {
		return nil, IncompleteSignature(fmt.Sprintf("X-Amz-Date must be in ISO 8601 basic format (%s). Got %q.",
			"yyyyMMdd'T'HHmmss'Z'", truncateRunes(amzDate, 64)))
	}
	if token := r.Header.Get("X-Amz-Security-Token"); token != "" {
		// Temporary credentials: none of the configured keys has a session token.
		return nil, UnrecognizedClient()
	}
	if a.Keys == nil {
		// No keys configured: nobody is known (rather than a panic outside any handler's recovery).
		return nil, UnrecognizedClient()
	}
	secret, user, ok := a.Keys.Lookup(cred.AccessKeyID)
	if !ok {
		return nil, UnrecognizedClient()
	}
	if f := a.checkDate(signedAt); f != nil {
		return nil, f
	}
	if a.Region != "" && cred.Region != a.Region {
		return nil, InvalidSignature("Credential should be scoped to a valid region, not '" + truncateRunes(cred.Region, 64) + "'.")
	}
	if cred.Date != amzDate[:8] {
		return nil, InvalidSignature(fmt.Sprintf("Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: %q != %q, from %q.",
			cred.Date, amzDate[:8], amzDate))
	}

	sum := sha256.Sum256(body)
	payloadHash := make([]byte, 2*sha256.Size)
	hex.Encode(payloadHash, sum[:])
	if claimed := r.Header.Values("X-Amz-Content-Sha256"); len(claimed) > 0 {
		// UNSIGNED-PAYLOAD and the streaming forms say the body is not signed; here it always is.
		if len(claimed) != 1 || !strings.EqualFold(claimed[0], string(payloadHash)) {
			return nil, InvalidSignature("The provided 'x-amz-content-sha256' header does not match what was computed.")
		}
		// Signers put the header's text in the canonical request (botocore reads it back from the header).
		payloadHash = []byte(claimed[0])
	}

	key := a.keys.get(secret, cred.Date, cred.Region, cred.Service)
	want, wantOK := decodeSignature(cred.Signature)
	c := canonicalizer{r: r, cred: &cred, amzDate: amzDate, payloadHash: payloadHash}
	canonical, stringToSign := c.build(goSDK)
	if wantOK && hmac.Equal(sign(key, stringToSign), want[:]) {
		return &Principal{AccessKeyID: cred.AccessKeyID, User: user, Credential: cred}, nil
	}
	if c.differs {
		// The SDKs disagree on whitespace other than spaces inside header values and on dot and empty path
		// segments (see profile). Accept either way; the second costs only the requests that need it.
		canonical, stringToSign = c.build(botocore)
		if wantOK && hmac.Equal(sign(key, stringToSign), want[:]) {
			return &Principal{AccessKeyID: cred.AccessKeyID, User: user, Credential: cred}, nil
		}
	}
	// What was signed holds nothing secret (the client sent all of it); showing it lets a client's author
	// find what their signer did differently, as AWS's own answer does.
	return nil, InvalidSignature("The request signature we calculated does not match the signature you provided. " +
		"Check your AWS Secret Access Key and signing method. Consult the service documentation for details.\n\n" +
		"The Canonical String for this request should have been\n'" + truncateRunes(string(canonical), 4096) + "'\n\n" +
		"The String-to-Sign should have been\n'" + string(stringToSign) + "'\n")
}

// checkDate answers InvalidSignatureException, in AWS's words, when signedAt is more than MaxSkew from now.
func (a *Authenticator) checkDate(signedAt time.Time) *Fault {
	now := time.Now
	if a.Now != nil {
		now = a.Now
	}
	skew := a.MaxSkew
	if skew <= 0 {
		skew = DefaultMaxSkew
	}
	t := now().UTC()
	switch {
	case signedAt.Before(t.Add(-skew)):
		return InvalidSignature(fmt.Sprintf("Signature expired: %s is now earlier than %s (%s - %s.)",
			signedAt.Format(amzDateFormat), t.Add(-skew).Format(amzDateFormat), t.Format(amzDateFormat), skewText(skew)))
	case signedAt.After(t.Add(skew)):
		return InvalidSignature(fmt.Sprintf("Signature not yet current: %s is still later than %s (%s + %s.)",
			signedAt.Format(amzDateFormat), t.Add(skew).Format(amzDateFormat), t.Format(amzDateFormat), skewText(skew)))
	}
	return nil
}

// skewText writes a skew as AWS's messages do ("15 min"), or as a Go duration when it is not whole minutes.
func skewText(d time.Duration) string {
	if d%time.Minute == 0 {
		return fmt.Sprintf("%d min", d/time.Minute)
	}
	return d.String()
}

// signs reports whether the signed header list names name.
func signs(signed []string, name string) bool {
	for _, s := range signed {
		if s == name {
			return true
		}
	}
	return false
}

// decodeSignature decodes a hex signature; ok is false unless it is exactly a SHA-256 HMAC's length.
func decodeSignature(s string) (sig [sha256.Size]byte, ok bool) {
	if len(s) != 2*sha256.Size {
		return sig, false
	}
	if _, err := hex.Decode(sig[:], []byte(s)); err != nil {
		return sig, false
	}
	return sig, true
}

// sign returns HMAC-SHA256(key, data).
func sign(key, data []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write(data)
	return m.Sum(nil)
}
