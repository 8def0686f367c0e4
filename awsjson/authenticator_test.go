package awsjson

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

const (
	testKeyID  = "AKIDPAYMENTSWORKER01"
	testSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	testUser   = "payments-worker"
)

// testKeys knows testKeyID and a second key of another user.
var testKeys = KeysFunc(func(id string) (string, string, bool) {
	switch id {
	case testKeyID:
		return testSecret, testUser, true
	case "AKIDDASHBOARD0000001":
		return "dashboard-secret", "dashboard", true
	}
	return "", "", false
})

// testSigningTime is when the tests' requests are signed, and the fake clock's time unless a test moves it.
var testSigningTime = time.Date(2026, 11, 21, 10, 30, 0, 0, time.UTC)

// newTestAuthenticator returns an Authenticator over testKeys whose clock reads *now.
func newTestAuthenticator(now *time.Time) *Authenticator {
	return &Authenticator{Keys: testKeys, Now: func() time.Time { return *now }}
}

// heartbeatBody is a RecordActivityTaskHeartbeat body of the size workers send.
const heartbeatBody = `{"taskToken":"AAAAKgAAAAIAAAAAAAAAAq0wBEl8ZMWnm1mLhP7ImQmWRGdakr6gy4HwvQ1hz5QfYrD3TZyM7YyTA5MkYdVTz/ybxW7xvoeU5lCdnS1qeFPf7nF9SIJfwxOp4NyqmSVfFaSXyCffC1OrjhTcd4b0Or1JHOw4zl0fXJNk07RSPt6y37VyoHcMvtZ6eWuq1BtbGcl/58Z6tW/BRDeQ9ZD5GlMaZiaBlBKaf+7KNvNkpJThNMYjYSI5dLkNHTMMr4BzCLmq+GxU+HQIpqpcbhxK5MLWvkIzQ==","details":"progress 50%"}`

// newSWFRequest returns a heartbeat request as a server receives it, before signing.
func newSWFRequest(body string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "http://localhost:7000/", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/x-amz-json-1.0")
	r.Header.Set("X-Amz-Target", "SimpleWorkflowService.RecordActivityTaskHeartbeat")
	return r
}

// signGo signs r in place with the AWS SDK for Go v2's signer.
func signGo(tb testing.TB, r *http.Request, body []byte, keyID, secret, service string, at time.Time) {
	tb.Helper()
	sum := sha256.Sum256(body)
	err := v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: keyID, SecretAccessKey: secret},
		r, hex.EncodeToString(sum[:]), service, "us-east-1", at)
	if err != nil {
		tb.Fatalf("SignHTTP: %v", err)
	}
}

// faultOf returns err's *Fault, failing the test if it has none.
func faultOf(tb testing.TB, err error) *Fault {
	tb.Helper()
	var f *Fault
	if !errors.As(err, &f) {
		tb.Fatalf("error = %v (%T), want a *Fault", err, err)
	}
	return f
}

func TestAuthenticator_VerifiesGoSDKSignatures(t *testing.T) {
	tests := []struct {
		name    string
		method  string
		url     string
		body    string
		headers [][2]string // added before signing, in order (a name twice is a multi-valued header)
		service string
	}{
		{name: "heartbeat", body: heartbeatBody},
		{name: "step functions", body: `{"maxResults":10}`, service: "states",
			headers: [][2]string{{"X-Amz-Target", "AWSStepFunctions.ListActivities"}}},
		{name: "empty body", body: ""},
		{name: "large body", body: `{"taskToken":"t","details":"` + strings.Repeat("x", 32<<10) + `"}`},
		{name: "binary-ish body", body: "{\"details\":\"\\u00e9\xc3\xa9\"}"},
		{name: "sdk headers", body: `{}`, headers: [][2]string{
			{"Amz-Sdk-Invocation-Id", "0d3bbf39-1c52-4d43-9f4b-6c0a6d63f9b1"},
			{"Amz-Sdk-Request", "attempt=1; max=3"},
			{"X-Amz-Content-Sha256", hexSHA256("{}")},
		}},
		{name: "value whitespace runs", body: `{}`, headers: [][2]string{{"X-Custom", "  a   b    c  "}}},
		{name: "value with a tab inside", body: `{}`, headers: [][2]string{{"X-Custom", "a\t\tb  c"}}},
		{name: "multi-valued header", body: `{}`, headers: [][2]string{{"X-Multi", "one"}, {"X-Multi", " two  2 "}, {"X-Multi", "three"}}},
		{name: "empty header value", body: `{}`, headers: [][2]string{{"X-Empty", ""}}},
		{name: "comma inside a value", body: `{}`, headers: [][2]string{{"X-List", "a, b,c"}}},
		{name: "host with port", url: "http://127.0.0.1:49152/", body: `{}`},
		{name: "path needing encoding", url: "http://localhost/a%20b/c%2Fd/~x/%C3%A9", body: `{}`},
		{name: "path with dot and empty segments", url: "http://localhost/a//b/./c/../d/", body: `{}`},
		{name: "query", url: "http://localhost/?b=2&a=1&a=0&c=x%20y&d=%2F&e=~&f", body: `{}`},
		{name: "query sorted after encoding", url: "http://localhost/?k=a-b&k=a%2Fb", body: `{}`},
		{name: "GET", method: http.MethodGet, body: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			method, url, service := tt.method, tt.url, tt.service
			if method == "" {
				method = http.MethodPost
			}
			if url == "" {
				url = "http://localhost:7000/"
			}
			if service == "" {
				service = "swf"
			}
			r := httptest.NewRequest(method, url, strings.NewReader(tt.body))
			r.Header.Set("Content-Type", "application/x-amz-json-1.0")
			for _, h := range tt.headers {
				r.Header.Add(h[0], h[1])
			}
			signGo(t, r, []byte(tt.body), testKeyID, testSecret, service, testSigningTime)

			now := testSigningTime
			p, err := newTestAuthenticator(&now).Verify(r, []byte(tt.body))
			if err != nil {
				t.Fatalf("Verify() error = %v", err)
			}
			if p.AccessKeyID != testKeyID || p.User != testUser || p.Credential.Service != service || p.Credential.Region != "us-east-1" {
				t.Errorf("Verify() = %+v, want key %s of %s scoped to %s/us-east-1", p, testKeyID, testUser, service)
			}
		})
	}
}

func TestAuthenticator_Faults(t *testing.T) {
	body := []byte(heartbeatBody)
	signed := func(mutate func(r *http.Request)) func() (*http.Request, []byte) {
		return func() (*http.Request, []byte) {
			r := newSWFRequest(heartbeatBody)
			signGo(t, r, body, testKeyID, testSecret, "swf", testSigningTime)
			if mutate != nil {
				mutate(r)
			}
			return r, body
		}
	}
	tests := []struct {
		name     string
		req      func() (*http.Request, []byte)
		region   string // Authenticator.Region
		wantType string
		wantMsg  string // a substring of the message
	}{
		{
			name:   "the server's region",
			req:    signed(nil),
			region: "us-east-1",
		},
		{
			name:     "another region than the server's",
			req:      signed(nil),
			region:   "eu-west-1",
			wantType: TypeInvalidSignature, wantMsg: "Credential should be scoped to a valid region, not 'us-east-1'.",
		},
		{
			name:     "no authorization",
			req:      func() (*http.Request, []byte) { return newSWFRequest(heartbeatBody), body },
			wantType: TypeMissingAuthenticationToken, wantMsg: "Request is missing Authentication Token",
		},
		{
			name:     "basic auth",
			req:      signed(func(r *http.Request) { r.Header.Set("Authorization", "Basic dXNlcjpwYXNz") }),
			wantType: TypeIncompleteSignature, wantMsg: "not a valid AWS4-HMAC-SHA256 signature",
		},
		{
			name: "no signature component",
			req: signed(func(r *http.Request) {
				a := r.Header.Get("Authorization")
				r.Header.Set("Authorization", a[:strings.Index(a, ", Signature=")])
			}),
			wantType: TypeIncompleteSignature,
		},
		{
			name: "two authorization headers",
			req: signed(func(r *http.Request) {
				r.Header.Add("Authorization", r.Header.Get("Authorization"))
			}),
			wantType: TypeIncompleteSignature,
		},
		{
			name: "host not signed",
			req: signed(func(r *http.Request) {
				r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "host;", "", 1))
			}),
			wantType: TypeIncompleteSignature, wantMsg: "'Host' must be a 'SignedHeader'",
		},
		{
			name: "x-amz-date not signed",
			req: signed(func(r *http.Request) {
				r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), ";x-amz-date", "", 1))
			}),
			wantType: TypeIncompleteSignature, wantMsg: "'X-Amz-Date' must be a 'SignedHeader'",
		},
		{
			name:     "x-amz-date missing",
			req:      signed(func(r *http.Request) { r.Header.Del("X-Amz-Date") }),
			wantType: TypeIncompleteSignature, wantMsg: "X-Amz-Date must be in ISO 8601 basic format",
		},
		{
			name:     "x-amz-date malformed",
			req:      signed(func(r *http.Request) { r.Header.Set("X-Amz-Date", "2026-11-21T10:30:00Z") }),
			wantType: TypeIncompleteSignature, wantMsg: "X-Amz-Date must be in ISO 8601 basic format",
		},
		{
			name: "presigned query",
			req: func() (*http.Request, []byte) {
				r := httptest.NewRequest(http.MethodPost, "http://localhost/?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=ab", bytes.NewReader(body))
				return r, body
			},
			wantType: TypeIncompleteSignature,
		},
		{
			name: "presigned query and header",
			req: signed(func(r *http.Request) {
				r.URL.RawQuery = "X-Amz-Algorithm=AWS4-HMAC-SHA256"
			}),
			wantType: TypeInvalidSignature, wantMsg: "Found both 'X-Amz-Algorithm'",
		},
		{
			name: "unknown access key",
			req: func() (*http.Request, []byte) {
				r := newSWFRequest(heartbeatBody)
				signGo(t, r, body, "AKIDUNKNOWN000000000", testSecret, "swf", testSigningTime)
				return r, body
			},
			wantType: TypeUnrecognizedClient, wantMsg: "The security token included in the request is invalid.",
		},
		{
			name: "session token",
			req: func() (*http.Request, []byte) {
				r := newSWFRequest(heartbeatBody)
				sum := sha256.Sum256(body)
				err := v4.NewSigner().SignHTTP(context.Background(),
					aws.Credentials{AccessKeyID: testKeyID, SecretAccessKey: testSecret, SessionToken: "FwoGZXIvYXdzEXAMPLE"},
					r, hex.EncodeToString(sum[:]), "swf", "us-east-1", testSigningTime)
				if err != nil {
					t.Fatal(err)
				}
				return r, body
			},
			wantType: TypeUnrecognizedClient,
		},
		{
			name: "wrong secret",
			req: func() (*http.Request, []byte) {
				r := newSWFRequest(heartbeatBody)
				signGo(t, r, body, testKeyID, "not-the-secret", "swf", testSigningTime)
				return r, body
			},
			wantType: TypeInvalidSignature, wantMsg: "The request signature we calculated does not match the signature you provided.",
		},
		{
			name: "another user's key id with this secret",
			req: func() (*http.Request, []byte) {
				r := newSWFRequest(heartbeatBody)
				signGo(t, r, body, "AKIDDASHBOARD0000001", testSecret, "swf", testSigningTime)
				return r, body
			},
			wantType: TypeInvalidSignature,
		},
		{
			name: "body altered after signing",
			req: func() (*http.Request, []byte) {
				r := newSWFRequest(heartbeatBody)
				signGo(t, r, body, testKeyID, testSecret, "swf", testSigningTime)
				return r, []byte(strings.Replace(heartbeatBody, "50%", "99%", 1))
			},
			wantType: TypeInvalidSignature, wantMsg: "does not match the signature you provided",
		},
		{
			name: "body altered, content hash header kept",
			req: func() (*http.Request, []byte) {
				r := newSWFRequest(heartbeatBody)
				r.Header.Set("X-Amz-Content-Sha256", hexSHA256(heartbeatBody))
				signGo(t, r, body, testKeyID, testSecret, "swf", testSigningTime)
				return r, []byte(strings.Replace(heartbeatBody, "50%", "99%", 1))
			},
			wantType: TypeInvalidSignature, wantMsg: "'x-amz-content-sha256' header does not match",
		},
		{
			name: "unsigned payload",
			req: func() (*http.Request, []byte) {
				r := newSWFRequest(heartbeatBody)
				r.Header.Set("X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD")
				err := v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: testKeyID, SecretAccessKey: testSecret},
					r, "UNSIGNED-PAYLOAD", "swf", "us-east-1", testSigningTime)
				if err != nil {
					t.Fatal(err)
				}
				return r, body
			},
			wantType: TypeInvalidSignature, wantMsg: "'x-amz-content-sha256' header does not match",
		},
		{
			name: "signed header altered",
			req: signed(func(r *http.Request) {
				r.Header.Set("X-Amz-Target", "SimpleWorkflowService.TerminateWorkflowExecution")
			}),
			wantType: TypeInvalidSignature,
		},
		{
			name:     "host altered",
			req:      signed(func(r *http.Request) { r.Host = "evil.example" }),
			wantType: TypeInvalidSignature,
		},
		{
			name: "scope date differs from x-amz-date",
			req: signed(func(r *http.Request) {
				r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "/20261121/", "/20261120/", 1))
			}),
			wantType: TypeInvalidSignature, wantMsg: "Date in Credential scope does not match",
		},
		{
			name: "signature truncated",
			req: signed(func(r *http.Request) {
				a := r.Header.Get("Authorization")
				r.Header.Set("Authorization", a[:len(a)-2])
			}),
			wantType: TypeInvalidSignature,
		},
		{
			name: "signature in upper case",
			req: signed(func(r *http.Request) {
				a := r.Header.Get("Authorization")
				i := strings.Index(a, "Signature=") + len("Signature=")
				r.Header.Set("Authorization", a[:i]+strings.ToUpper(a[i:]))
			}),
			wantType: "", // hex is hex
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, body := tt.req()
			now := testSigningTime
			a := newTestAuthenticator(&now)
			a.Region = tt.region
			p, err := a.Verify(r, body)
			if tt.wantType == "" {
				if err != nil {
					t.Fatalf("Verify() error = %v, want nil", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Verify() = %+v, want %s", p, tt.wantType)
			}
			f := faultOf(t, err)
			if f.Type != tt.wantType || f.HTTPStatus() != http.StatusBadRequest {
				t.Errorf("Verify() fault = %s (HTTP %d), want %s (HTTP 400); message %q", f.Type, f.HTTPStatus(), tt.wantType, f.Message)
			}
			if !strings.Contains(f.Message, tt.wantMsg) {
				t.Errorf("Verify() message = %q, want it to contain %q", f.Message, tt.wantMsg)
			}
		})
	}
}

func TestAuthenticator_NilKeysKnowNobody(t *testing.T) {
	r := newSWFRequest(heartbeatBody)
	signGo(t, r, []byte(heartbeatBody), testKeyID, testSecret, "swf", testSigningTime)
	a := &Authenticator{Now: func() time.Time { return testSigningTime }}
	_, err := a.Verify(r, []byte(heartbeatBody))
	if f := faultOf(t, err); f.Type != TypeUnrecognizedClient {
		t.Errorf("Verify() fault = %s, want %s", f.Type, TypeUnrecognizedClient)
	}
}

func TestAuthenticator_Skew(t *testing.T) {
	tests := []struct {
		name    string
		offset  time.Duration // server clock minus signing time
		maxSkew time.Duration
		wantMsg string // "" means accepted
	}{
		{name: "same time", offset: 0},
		{name: "server 15 min ahead", offset: 15 * time.Minute},
		{name: "server 15 min behind", offset: -15 * time.Minute},
		{name: "server 15 min 1 s ahead", offset: 15*time.Minute + time.Second,
			wantMsg: "Signature expired: 20261121T103000Z is now earlier than 20261121T103001Z (20261121T104501Z - 15 min.)"},
		{name: "server 15 min 1 s behind", offset: -15*time.Minute - time.Second,
			wantMsg: "Signature not yet current: 20261121T103000Z is still later than 20261121T102959Z (20261121T101459Z + 15 min.)"},
		{name: "a day late", offset: 24 * time.Hour, wantMsg: "Signature expired:"},
		{name: "custom skew", offset: 6 * time.Minute, maxSkew: 5 * time.Minute,
			wantMsg: "(20261121T103600Z - 5 min.)"},
		{name: "sub-minute skew", offset: 31 * time.Second, maxSkew: 30 * time.Second,
			wantMsg: "(20261121T103031Z - 30s.)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newSWFRequest(heartbeatBody)
			signGo(t, r, []byte(heartbeatBody), testKeyID, testSecret, "swf", testSigningTime)
			now := testSigningTime.Add(tt.offset)
			a := newTestAuthenticator(&now)
			a.MaxSkew = tt.maxSkew
			_, err := a.Verify(r, []byte(heartbeatBody))
			if tt.wantMsg == "" {
				if err != nil {
					t.Fatalf("Verify() error = %v, want nil", err)
				}
				return
			}
			f := faultOf(t, err)
			if f.Type != TypeInvalidSignature || !strings.Contains(f.Message, tt.wantMsg) {
				t.Errorf("Verify() = %s %q, want InvalidSignatureException containing %q", f.Type, f.Message, tt.wantMsg)
			}
		})
	}
}

// TestAuthenticator_HeaderFolding checks the whitespace rules on signatures computed by hand the way
// botocore and the JavaScript SDK do it (every whitespace run collapsed) and the Go SDK does it (only runs
// of spaces), for values the Go SDK's own tests do not reach.
func TestAuthenticator_HeaderFolding(t *testing.T) {
	tests := []struct {
		name      string
		values    []string // the X-Custom values sent
		canonical string   // the value as the client canonicalised it
	}{
		{name: "spaces", values: []string{"  a   b  "}, canonical: "a b"},
		{name: "tab collapsed (botocore)", values: []string{"a \t b"}, canonical: "a b"},
		{name: "tab kept (Go SDK)", values: []string{"a \t b"}, canonical: "a \t b"},
		{name: "several values", values: []string{"x  y", "z"}, canonical: "x y,z"},
		{name: "value that is only spaces", values: []string{"   "}, canonical: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := []byte(`{}`)
			r := httptest.NewRequest(http.MethodPost, "http://localhost/", bytes.NewReader(body))
			for _, v := range tt.values {
				r.Header.Add("X-Custom", v)
			}
			r.Header.Set("X-Amz-Date", testSigningTime.Format(amzDateFormat))
			canonical := "POST\n/\n\nhost:localhost\nx-amz-date:" + testSigningTime.Format(amzDateFormat) + "\nx-custom:" + tt.canonical +
				"\n\nhost;x-amz-date;x-custom\n" + hexSHA256(string(body))
			sts := "AWS4-HMAC-SHA256\n" + testSigningTime.Format(amzDateFormat) + "\n20261121/us-east-1/swf/aws4_request\n" + hexSHA256(canonical)
			sig := hex.EncodeToString(sign(deriveSigningKey(testSecret, "20261121", "us-east-1", "swf"), []byte(sts)))
			r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+testKeyID+"/20261121/us-east-1/swf/aws4_request, SignedHeaders=host;x-amz-date;x-custom, Signature="+sig)
			now := testSigningTime
			if _, err := newTestAuthenticator(&now).Verify(r, body); err != nil {
				t.Fatalf("Verify() error = %v", err)
			}
		})
	}
}

func TestAuthenticator_SigningKeyCache(t *testing.T) {
	now := testSigningTime
	a := newTestAuthenticator(&now)
	a.KeyCacheSize = 3
	verify := func(at time.Time, region string) {
		t.Helper()
		r := newSWFRequest(heartbeatBody)
		sum := sha256.Sum256([]byte(heartbeatBody))
		if err := v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: testKeyID, SecretAccessKey: testSecret},
			r, hex.EncodeToString(sum[:]), "swf", region, at); err != nil {
			t.Fatal(err)
		}
		now = at
		if _, err := a.Verify(r, []byte(heartbeatBody)); err != nil {
			t.Fatalf("Verify(%s, %s) error = %v", at.Format(amzDateFormat), region, err)
		}
	}
	// The same scope twice: one entry, and the cached key verifies as the derived one did.
	verify(testSigningTime, "us-east-1")
	verify(testSigningTime.Add(time.Minute), "us-east-1")
	if got := a.keys.len(); got != 1 {
		t.Errorf("cached keys = %d after one scope, want 1", got)
	}
	// More scopes than the cache holds: it stays bounded, and every request still verifies.
	for day := range 5 {
		for _, region := range []string{"us-east-1", "eu-west-1"} {
			verify(testSigningTime.AddDate(0, 0, day), region)
			if got := a.keys.len(); got > 3 {
				t.Fatalf("cached keys = %d, want at most 3", got)
			}
		}
	}
	verify(testSigningTime, "us-east-1") // evicted long ago: derived again
	if got, want := a.keys.get(testSecret, "20261121", "us-east-1", "swf"), deriveSigningKey(testSecret, "20261121", "us-east-1", "swf"); !bytes.Equal(got, want) {
		t.Errorf("cached key = %x, want %x", got, want)
	}
}

// TestDeriveSigningKey checks the derivation against the example of AWS's SigV4 documentation (secret
// wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY, 20120215, us-east-1, iam).
func TestDeriveSigningKey(t *testing.T) {
	got := hex.EncodeToString(deriveSigningKey("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20120215", "us-east-1", "iam"))
	if want := "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d"; got != want {
		t.Errorf("deriveSigningKey() = %s, want %s", got, want)
	}
}

func TestNormalizePath(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"/", "/"},
		{"/a/b", "/a/b"},
		{"/a//b", "/a/b"},
		{"//", "/"},
		{"/a/./b/", "/a/b/"},
		{"/a/../../b", "/b"},
		{"/a/b/..", "/a"},
		{"/.hidden/x", "/.hidden/x"},
		{"/a%2F..%2Fb", "/a%2F..%2Fb"},
	} {
		if got := normalizePath(tt.in); got != tt.want {
			t.Errorf("normalizePath(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// hexSHA256 returns the hex SHA-256 of s.
func hexSHA256(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

func TestIsPresigned(t *testing.T) {
	for query, want := range map[string]bool{
		"":                                     false,
		"X-Amz-Algorithm=AWS4-HMAC-SHA256":     true,
		"X-Amz-Algorithm=":                     true,
		"X-Amz-Algorithm":                      true,
		"a=1&X-Amz-Signature=ab":               true,
		"X%2DAmz%2DAlgorithm=x":                true,
		"a=X-Amz-Algorithm=x":                  false,
		"x-amz-algorithm=AWS4-HMAC-SHA256":     false,
		"X-Amz-Algorithms=1&b=X-Amz-Signature": false,
	} {
		if got := isPresigned(query); got != want {
			t.Errorf("isPresigned(%q) = %v, want %v", query, got, want)
		}
	}
}
