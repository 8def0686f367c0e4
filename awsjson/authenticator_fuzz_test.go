package awsjson

import (
	"bytes"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"strconv"
	"strings"
	"testing"
)

// FuzzVerify checks that Verify never panics and answers only authentication faults whatever the request,
// that a signature the AWS SDK for Go computes over a fuzzed body, header, path and query verifies, and
// that the same request with its body altered does not.
func FuzzVerify(f *testing.F) {
	f.Add([]byte(heartbeatBody), "x-custom", "a  b", "/", "", "")
	f.Add([]byte(""), "amz-sdk-request", "attempt=1; max=3", "/a b/%2F", "b=2&a=1&a=0&c", "")
	f.Add([]byte("{}"), "x-tab", "\ta\t\tb ", "/~x", "k=a-b&k=a%2Fb", "AWS4-HMAC-SHA256 Credential=x/20261121/us-east-1/swf/aws4_request, SignedHeaders=host;x-amz-date, Signature=00")
	f.Add([]byte("\xff\xfe"), "X-Upper", "é", "/%zz", "a=%zz&b;c", "AWS4-HMAC-SHA256 Credential=AKIDPAYMENTSWORKER01/20261121/us-east-1/swf/aws4_request, SignedHeaders=host;x-amz-date;x-nope, Signature="+strings.Repeat("0", 64))
	f.Add([]byte("{}"), "x-empty", "", "", "X-Amz-Algorithm=AWS4-HMAC-SHA256", "Basic dXNlcjpwYXNz")
	f.Fuzz(func(t *testing.T, body []byte, name, value, path, query, authz string) {
		// The header lookup's key is net/http's.
		if key, ok := appendCanonicalKey(nil, name); ok && string(key) != textproto.CanonicalMIMEHeaderKey(name) {
			t.Fatalf("appendCanonicalKey(%q) = %q, want %q", name, key, textproto.CanonicalMIMEHeaderKey(name))
		}

		now := testSigningTime
		a := newTestAuthenticator(&now)

		// Any request: a fault or a principal, never a panic.
		r := httptest.NewRequest(http.MethodPost, "http://localhost:7000/", bytes.NewReader(body))
		r.URL.Path, r.URL.RawPath, r.URL.RawQuery = path, "", query
		r.Header[name] = []string{value}
		r.Header.Set("X-Amz-Date", testSigningTime.Format(amzDateFormat))
		if authz != "" {
			r.Header.Set("Authorization", authz)
		}
		if _, err := a.Verify(r, body); err != nil {
			checkAuthFault(t, err)
		}

		// A header the signer handles like any other: a lower-case token that is none of the headers the
		// signer or the protocol treat apart.
		if !isSignableName(name) || !strings.HasPrefix(path, "/") {
			return
		}
		r = httptest.NewRequest(http.MethodPost, "http://localhost:7000/", bytes.NewReader(body))
		r.URL.Path, r.URL.RawPath, r.URL.RawQuery = path, "", query
		r.Header.Add(name, value)
		signGo(t, r, body, testKeyID, testSecret, "swf", testSigningTime)
		if isPresigned(r.URL.RawQuery) {
			// A query that names a presigned signature's parameters beside a signed header is refused, as AWS
			// refuses it, however well the header is signed.
			_, err := a.Verify(r, body)
			if f := checkAuthFault(t, err); f.Type != TypeInvalidSignature || !strings.Contains(f.Message, "Found both") {
				t.Fatalf("Verify(signed header, presigned query %q) = %v, want InvalidSignatureException: Found both", r.URL.RawQuery, err)
			}
			return
		}
		if _, err := a.Verify(r, body); err != nil {
			t.Fatalf("Verify(SDK-signed %q: %q, path %q, query %q, body %q) error = %v", name, value, path, r.URL.RawQuery, body, err)
		}
		if len(body) > 0 {
			altered := bytes.Clone(body)
			altered[len(altered)/2] ^= 1
			_, err := a.Verify(r, altered)
			if f := checkAuthFault(t, err); f.Type != TypeInvalidSignature {
				t.Fatalf("Verify(altered body) = %v, want InvalidSignatureException", err)
			}
		}
	})
}

// checkAuthFault fails unless err is one of the authentication faults, HTTP 400 with a message.
func checkAuthFault(t *testing.T, err error) *Fault {
	t.Helper()
	var f *Fault
	if !errors.As(err, &f) {
		t.Fatalf("Verify() error = %v (%T), want a *Fault", err, err)
	}
	switch f.Type {
	case TypeMissingAuthenticationToken, TypeIncompleteSignature, TypeUnrecognizedClient, TypeInvalidSignature:
	default:
		t.Fatalf("Verify() fault = %s, want an authentication fault", f.Type)
	}
	if f.HTTPStatus() != http.StatusBadRequest || f.Message == "" {
		t.Fatalf("Verify() fault = %+v, want HTTP 400 and a message", f)
	}
	return f
}

// isSignableName reports whether name is a header name the fuzz target may add and sign: lower-case
// letters, digits and '-', and none of the headers signers and the protocol handle apart.
func isSignableName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' {
			return false
		}
	}
	switch name {
	case "host", "authorization", "content-length", "x-amz-date", "x-amz-content-sha256", "x-amz-security-token",
		"user-agent", "expect", "transfer-encoding", "x-amzn-trace-id":
		return false
	}
	return true
}

// BenchmarkVerify measures the verification of a heartbeat as the Go SDK signs it, with the signing key
// cache warm: the cost authentication adds to each request.
func BenchmarkVerify(b *testing.B) {
	body := []byte(heartbeatBody)
	r := newSWFRequest(heartbeatBody)
	r.Header.Set("Amz-Sdk-Invocation-Id", "0d3bbf39-1c52-4d43-9f4b-6c0a6d63f9b1")
	r.Header.Set("Amz-Sdk-Request", "attempt=1; max=3")
	r.Header.Set("Content-Length", strconv.Itoa(len(body))) // as a server receives it
	signGo(b, r, body, testKeyID, testSecret, "swf", testSigningTime)
	now := testSigningTime
	a := newTestAuthenticator(&now)
	if _, err := a.Verify(r, body); err != nil {
		b.Fatalf("Verify() error = %v", err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := a.Verify(r, body); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDeriveSigningKey measures what the signing key cache saves on each request: the four HMACs of
// the key derivation.
func BenchmarkDeriveSigningKey(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		deriveSigningKey(testSecret, "20261121", "us-east-1", "swf")
	}
}
