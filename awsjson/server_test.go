package awsjson

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// lockedBuffer is a log sink the server's goroutines may write while the test reads it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// testServer is a Server serving the SWF model with a few scripted handlers, behind httptest.
type testServer struct {
	url string
	log *lockedBuffer

	mu       sync.Mutex
	seenIDs  []string      // RequestID(ctx) as handlers saw it
	seenCred []*Credential // CredentialFrom(ctx) as handlers saw it
}

const (
	swfPrefix    = "SimpleWorkflowService."
	secretDetail = "db password is hunter2"
)

// newTestServer starts a Server with the SWF model and handlers that succeed, fail and panic on demand.
func newTestServer(t *testing.T, maxBody int64) *testServer {
	t.Helper()
	ts := &testServer{log: &lockedBuffer{}}
	s := NewServer(Options{MaxBodyBytes: maxBody, Logger: slog.New(slog.NewTextHandler(ts.log, nil)), ParseCredentials: true})
	record := func(ctx context.Context) {
		ts.mu.Lock()
		defer ts.mu.Unlock()
		ts.seenIDs = append(ts.seenIDs, RequestID(ctx))
		ts.seenCred = append(ts.seenCred, CredentialFrom(ctx))
	}
	err := s.Register(mustSWFModel(t), map[string]Handler{
		"RecordActivityTaskHeartbeat": func(ctx context.Context, body []byte) (any, error) {
			record(ctx)
			var in struct {
				TaskToken string `json:"taskToken"`
			}
			if err := json.Unmarshal(body, &in); err != nil {
				return nil, fmt.Errorf("decode: %w", err)
			}
			return map[string]any{"cancelRequested": in.TaskToken == "cancel-me"}, nil
		},
		"ListDomains": func(ctx context.Context, body []byte) (any, error) {
			record(ctx)
			return nil, nil
		},
		"DescribeDomain": func(ctx context.Context, body []byte) (any, error) {
			var nilOutput *struct{ X int }
			return nilOutput, nil
		},
		"RespondActivityTaskCompleted": func(ctx context.Context, body []byte) (any, error) {
			panic(secretDetail)
		},
		"RespondActivityTaskFailed": func(ctx context.Context, body []byte) (any, error) {
			return nil, fmt.Errorf("respond failed: %w", NewFault("com.amazonaws.swf.base.model#UnknownResourceFault", "Unknown activity task."))
		},
		"RespondActivityTaskCanceled": func(ctx context.Context, body []byte) (any, error) {
			return nil, errors.New(secretDetail)
		},
		"SignalWorkflowExecution": func(ctx context.Context, body []byte) (any, error) {
			return nil, fmt.Errorf("%w: %w", ServiceUnavailable("Storage is unavailable: retry later"), errors.New(secretDetail))
		},
		"DeprecateDomain": func(ctx context.Context, body []byte) (any, error) {
			return make(chan int), nil // cannot be marshalled
		},
	})
	if err != nil {
		t.Fatalf("Register() = %v", err)
	}
	hs := httptest.NewServer(s)
	t.Cleanup(hs.Close)
	ts.url = hs.URL
	return ts
}

// response is what a client saw.
type response struct {
	status int
	header http.Header
	body   string
}

// do sends a request and reads the whole response.
func (ts *testServer) do(t *testing.T, method, path string, header map[string]string, body io.Reader) response {
	t.Helper()
	req, err := http.NewRequest(method, ts.url+path, body)
	if err != nil {
		t.Fatalf("NewRequest() = %v", err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("read response: %v", err)
	}
	return response{status: res.StatusCode, header: res.Header, body: string(b)}
}

// post sends an AWS JSON request for op.
func (ts *testServer) post(t *testing.T, op, body string) response {
	t.Helper()
	return ts.do(t, http.MethodPost, "/", map[string]string{
		"X-Amz-Target": swfPrefix + op,
		"Content-Type": "application/x-amz-json-1.0",
	}, strings.NewReader(body))
}

// wantFault checks that r is the fault of the given type and status, written the AWS way.
func wantFault(t *testing.T, r response, status int, typ string) {
	t.Helper()
	if r.status != status {
		t.Errorf("status = %d, want %d (body %s)", r.status, status, r.body)
	}
	var body map[string]any
	if err := json.Unmarshal([]byte(r.body), &body); err != nil {
		t.Fatalf("body %q is not JSON: %v", r.body, err)
	}
	if got := body["__type"]; got != typ {
		t.Errorf("__type = %v, want %q", got, typ)
	}
	if _, ok := body["message"].(string); !ok || len(body) != 2 {
		t.Errorf("body = %s, want exactly __type and a string message", r.body)
	}
	code := typ[strings.LastIndexByte(typ, '#')+1:]
	if got := r.header.Get("X-Amzn-ErrorType"); got != code {
		t.Errorf("X-Amzn-ErrorType = %q, want %q", got, code)
	}
	if got := r.header.Get("Content-Type"); got != ContentType {
		t.Errorf("Content-Type = %q, want %q", got, ContentType)
	}
}

// isUUIDv4 reports whether s is a lower-case random (version 4, RFC 4122 variant) UUID.
func isUUIDv4(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case i == 8 || i == 13 || i == 18 || i == 23:
			if c != '-' {
				return false
			}
		case (c < '0' || c > '9') && (c < 'a' || c > 'f'):
			return false
		}
	}
	return s[14] == '4' && strings.IndexByte("89ab", s[19]) >= 0
}

func TestServer_Success(t *testing.T) {
	ts := newTestServer(t, 0)
	tests := []struct {
		name     string
		op       string
		body     string
		header   map[string]string
		wantBody string
	}{
		{name: "heartbeat", op: "RecordActivityTaskHeartbeat", body: `{"taskToken":"t1"}`, wantBody: `{"cancelRequested":false}`},
		{name: "heartbeat cancel", op: "RecordActivityTaskHeartbeat", body: `{"taskToken":"cancel-me"}`, wantBody: `{"cancelRequested":true}`},
		{name: "nil result", op: "ListDomains", body: `{"registrationStatus":"REGISTERED"}`, wantBody: `{}`},
		{name: "nil pointer result", op: "DescribeDomain", body: `{"name":"d"}`, wantBody: `{}`},
		{name: "JSON 1.1 content type", op: "RecordActivityTaskHeartbeat", body: `{"taskToken":"t1"}`,
			header: map[string]string{"Content-Type": "application/x-amz-json-1.1"}, wantBody: `{"cancelRequested":false}`},
		{name: "no content type", op: "RecordActivityTaskHeartbeat", body: `{"taskToken":"t1"}`,
			header: map[string]string{"Content-Type": ""}, wantBody: `{"cancelRequested":false}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := map[string]string{"X-Amz-Target": swfPrefix + tt.op, "Content-Type": ContentType}
			for k, v := range tt.header {
				h[k] = v
			}
			r := ts.do(t, http.MethodPost, "/", h, strings.NewReader(tt.body))
			if r.status != http.StatusOK {
				t.Fatalf("status = %d, want 200 (body %s)", r.status, r.body)
			}
			if r.body != tt.wantBody {
				t.Errorf("body = %s, want %s", r.body, tt.wantBody)
			}
			if got := r.header.Get("Content-Type"); got != ContentType {
				t.Errorf("Content-Type = %q, want %q", got, ContentType)
			}
			if got := r.header.Get("X-Amzn-RequestId"); !isUUIDv4(got) {
				t.Errorf("x-amzn-RequestId = %q, want a UUID v4", got)
			}
		})
	}
}

func TestServer_Faults(t *testing.T) {
	ts := newTestServer(t, 0)
	tests := []struct {
		name       string
		target     string
		body       string
		wantStatus int
		wantType   string
	}{
		{"validation", swfPrefix + "RecordActivityTaskHeartbeat", `{}`, 400, TypeValidation},
		{"serialization", swfPrefix + "RecordActivityTaskHeartbeat", `{"taskToken":`, 400, TypeSerialization},
		{"top-level array", swfPrefix + "RecordActivityTaskHeartbeat", `[]`, 400, TypeSerialization},
		{"unknown operation", swfPrefix + "Nope", `{}`, 400, TypeUnknownOperation},
		{"modeled operation without handler", swfPrefix + "PollForActivityTask", `{}`, 400, TypeUnknownOperation},
		{"unknown prefix", "AWSStepFunctions.SendTaskHeartbeat", `{}`, 400, TypeUnknownOperation},
		{"no dot", "RecordActivityTaskHeartbeat", `{}`, 400, TypeUnknownOperation},
		{"missing target", "", `{}`, 400, TypeUnknownOperation},
		{"modeled fault from handler", swfPrefix + "RespondActivityTaskFailed", `{"taskToken":"t"}`, 400, "com.amazonaws.swf.base.model#UnknownResourceFault"},
		{"plain error from handler", swfPrefix + "RespondActivityTaskCanceled", `{"taskToken":"t"}`, 500, TypeInternalFailure},
		{"unavailable from handler", swfPrefix + "SignalWorkflowExecution", `{"domain":"d","workflowId":"w","signalName":"s"}`, 503, TypeServiceUnavailable},
		{"handler panic", swfPrefix + "RespondActivityTaskCompleted", `{"taskToken":"t"}`, 500, TypeInternalFailure},
		{"unmarshalable output", swfPrefix + "DeprecateDomain", `{"name":"d"}`, 500, TypeInternalFailure},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := ts.do(t, http.MethodPost, "/", map[string]string{"X-Amz-Target": tt.target}, strings.NewReader(tt.body))
			wantFault(t, r, tt.wantStatus, tt.wantType)
			if got := r.header.Get("X-Amzn-RequestId"); !isUUIDv4(got) {
				t.Errorf("x-amzn-RequestId = %q, want a UUID v4", got)
			}
			if strings.Contains(r.body, secretDetail) || strings.Contains(r.body, "goroutine") {
				t.Errorf("body = %s, leaks internal details", r.body)
			}
		})
	}
}

func TestServer_ModeledFaultWrittenExactly(t *testing.T) {
	ts := newTestServer(t, 0)
	r := ts.post(t, "RespondActivityTaskFailed", `{"taskToken":"t"}`)
	if got, want := r.body, `{"__type":"com.amazonaws.swf.base.model#UnknownResourceFault","message":"Unknown activity task."}`; got != want {
		t.Errorf("body = %s, want %s", got, want)
	}
	if got, want := r.status, 400; got != want {
		t.Errorf("status = %d, want %d", got, want)
	}
}

func TestServer_InternalFailureIsLoggedWithRequestID(t *testing.T) {
	tests := []struct {
		name    string
		op      string
		wantLog []string
	}{
		{"plain error", "RespondActivityTaskCanceled", []string{secretDetail}},
		{"panic", "RespondActivityTaskCompleted", []string{"handler panic: " + secretDetail, "stack="}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := newTestServer(t, 0)
			r := ts.post(t, tt.op, `{"taskToken":"t"}`)
			if got, want := r.body, `{"__type":"InternalFailure","message":"An internal error occurred while processing the request."}`; got != want {
				t.Errorf("body = %s, want %s", got, want)
			}
			log := ts.log.String()
			for _, want := range append(tt.wantLog, "request_id="+r.header.Get("X-Amzn-RequestId")) {
				if !strings.Contains(log, want) {
					t.Errorf("log = %q, want it to contain %q", log, want)
				}
			}
		})
	}
}

// A 503 answers only its own message; the cause the handler kept goes to the log, with the request id.
func TestServer_ServiceUnavailableLogsItsCause(t *testing.T) {
	ts := newTestServer(t, 0)
	r := ts.post(t, "SignalWorkflowExecution", `{"domain":"d","workflowId":"w","signalName":"s"}`)
	if got, want := r.body, `{"__type":"ServiceUnavailable","message":"Storage is unavailable: retry later"}`; got != want {
		t.Errorf("body = %s, want %s", got, want)
	}
	log := ts.log.String()
	for _, want := range []string{secretDetail, "request_id=" + r.header.Get("X-Amzn-RequestId")} {
		if !strings.Contains(log, want) {
			t.Errorf("log = %q, want it to contain %q", log, want)
		}
	}
}

func TestServer_Methods(t *testing.T) {
	ts := newTestServer(t, 0)

	for _, tc := range []struct{ method, path string }{
		{http.MethodGet, "/"},
		{http.MethodGet, "/healthz"}, // the node's, not this server's
		{http.MethodPut, "/"},
		{http.MethodDelete, "/"},
		{http.MethodPost + "X", "/"},
		{http.MethodHead, "/healthz"},
	} {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			r := ts.do(t, tc.method, tc.path, map[string]string{"X-Amz-Target": swfPrefix + "ListDomains"}, nil)
			if tc.method == http.MethodHead {
				if r.status != http.StatusMethodNotAllowed {
					t.Errorf("status = %d, want 405", r.status)
				}
				return
			}
			wantFault(t, r, http.StatusMethodNotAllowed, TypeMethodNotAllowed)
			if got := r.header.Get("Allow"); got != http.MethodPost {
				t.Errorf("Allow = %q, want POST", got)
			}
			if got := r.header.Get("X-Amzn-RequestId"); !isUUIDv4(got) {
				t.Errorf("x-amzn-RequestId = %q, want a UUID v4", got)
			}
		})
	}
}

// TestServer_BodyLimit checks the limit over a socket with a declared Content-Length; a body without one
// is TestServer_BodyLimit_EndlessBody's.
func TestServer_BodyLimit(t *testing.T) {
	const limit = 64
	ts := newTestServer(t, limit)
	fits := `{"taskToken":"` + strings.Repeat("a", limit-len(`{"taskToken":""}`)) + `"}`
	tooBig := `{"taskToken":"` + strings.Repeat("a", limit) + `"}`

	tests := []struct {
		name       string
		body       io.Reader
		wantStatus int
	}{
		{"at the limit", strings.NewReader(fits), 200},
		{"over, with Content-Length", strings.NewReader(tooBig), 413},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := ts.do(t, http.MethodPost, "/", map[string]string{"X-Amz-Target": swfPrefix + "RecordActivityTaskHeartbeat"}, tt.body)
			if tt.wantStatus == 200 {
				if r.status != 200 {
					t.Errorf("status = %d, want 200 (body %s)", r.status, r.body)
				}
				return
			}
			wantFault(t, r, tt.wantStatus, TypeRequestTooLarge)
			if got := r.header.Get("X-Amzn-RequestId"); !isUUIDv4(got) {
				t.Errorf("x-amzn-RequestId = %q, want a UUID v4", got)
			}
		})
	}
}

// endless is a request body that never ends.
type endless struct{}

func (endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = ' '
	}
	return len(p), nil
}

func TestServer_BodyLimit_EndlessBody(t *testing.T) {
	// Through a recorder rather than a socket: net/http waits half a second before closing a connection with
	// unread request data, and the point here is only that the server stops reading at the limit of a body
	// with no Content-Length (chunked), which a client could otherwise send forever.
	s := NewServer(Options{MaxBodyBytes: 1 << 10})
	called := false
	err := s.Register(mustSWFModel(t), map[string]Handler{
		"ListDomains": func(context.Context, []byte) (any, error) { called = true; return nil, nil },
	})
	if err != nil {
		t.Fatalf("Register() = %v", err)
	}
	req := httptest.NewRequest(http.MethodPost, "/", endless{})
	req.ContentLength = -1
	req.Header.Set("X-Amz-Target", swfPrefix+"ListDomains")
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	if got, want := rec.Code, http.StatusRequestEntityTooLarge; got != want {
		t.Errorf("status = %d, want %d", got, want)
	}
	if got, want := rec.Body.String(), `{"__type":"RequestEntityTooLargeException","message":"Request body exceeds the limit of 1024 bytes."}`; got != want {
		t.Errorf("body = %s, want %s", got, want)
	}
	if called {
		t.Errorf("handler called for a body over the limit")
	}
}

func TestServer_EmptyBodyArrivesAsObject(t *testing.T) {
	s := NewServer(Options{})
	var got string
	err := s.Register(mustParseModel(t, testModel), map[string]Handler{
		"NoInput": func(_ context.Context, body []byte) (any, error) {
			got = string(body)
			var in struct{}
			return nil, json.Unmarshal(body, &in)
		},
	})
	if err != nil {
		t.Fatalf("Register() = %v", err)
	}
	req := httptest.NewRequest(http.MethodPost, "/", nil)
	req.Header.Set("X-Amz-Target", "Test_2026.NoInput")
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK || rec.Body.String() != "{}" {
		t.Errorf("response = %d %s, want 200 {}", rec.Code, rec.Body)
	}
	if got != "{}" {
		t.Errorf("handler body = %q, want {}", got)
	}
}

// A handler sees only what validation checked: a body with members the model does not define arrives
// without them, at every depth; a body without any arrives byte for byte.
func TestServer_HandlerSeesOnlyModelMembers(t *testing.T) {
	s := NewServer(Options{})
	var got string
	err := s.Register(mustSWFModel(t), map[string]Handler{
		"StartWorkflowExecution": func(_ context.Context, body []byte) (any, error) {
			got = string(body)
			return nil, nil
		},
	})
	if err != nil {
		t.Fatalf("Register() = %v", err)
	}
	for _, tt := range []struct{ body, want string }{
		{`{"domain":"d","workflowId":"w","workflowType":{"name":"n","version":"1"}}`,
			`{"domain":"d","workflowId":"w","workflowType":{"name":"n","version":"1"}}`},
		{`{"domain":"d","workflowId":"w","ChildPolicy":"BOGUS","workflowType":{"name":"n","Version":"x","version":"1"},` +
			`"tagList":["a"],"extra":{"x":[1]},"input":"<\u00e9>"}`,
			`{"domain":"d","input":"\u003cé\u003e","tagList":["a"],"workflowId":"w","workflowType":{"name":"n","version":"1"}}`},
	} {
		req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(tt.body))
		req.Header.Set("X-Amz-Target", "SimpleWorkflowService.StartWorkflowExecution")
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			t.Fatalf("%s: response = %d %s, want 200", tt.body, rec.Code, rec.Body)
		}
		if got != tt.want {
			t.Errorf("handler body = %s, want %s", got, tt.want)
		}
	}
}

func TestServer_RequestIDs(t *testing.T) {
	ts := newTestServer(t, 16)
	requests := []struct {
		method, target, body string
	}{
		{http.MethodPost, "RecordActivityTaskHeartbeat", `{"taskToken":"t"}`},   // success
		{http.MethodPost, "ListDomains", `{"registrationStatus":"REGISTERED"}`}, // too large
		{http.MethodPost, "RecordActivityTaskHeartbeat", `{}`},                  // validation
		{http.MethodPost, "RecordActivityTaskHeartbeat", `{`},                   // serialization
		{http.MethodPost, "Nope", `{}`},                                         // unknown operation
		{http.MethodGet, "RecordActivityTaskHeartbeat", ``},                     // method
		{http.MethodPost, "RespondActivityTaskCompleted", `{"taskToken":"t"}`},  // panic
		{http.MethodPost, "RespondActivityTaskCanceled", `{"taskToken":"t"}`},   // internal error
		{http.MethodPost, "RespondActivityTaskFailed", `{"taskToken":"t"}`},     // modeled fault
		{http.MethodPost, "RecordActivityTaskHeartbeat", `{"taskToken":"t"}`},   // success again
	}
	seen := make(map[string]bool)
	var successIDs []string
	for i, req := range requests {
		r := ts.do(t, req.method, "/", map[string]string{"X-Amz-Target": swfPrefix + req.target}, strings.NewReader(req.body))
		id := r.header.Get("X-Amzn-RequestId")
		if !isUUIDv4(id) {
			t.Errorf("request %d (%s %s): x-amzn-RequestId = %q, want a UUID v4", i, req.method, req.target, id)
		}
		if seen[id] {
			t.Errorf("request %d: x-amzn-RequestId %q repeats an earlier one", i, id)
		}
		seen[id] = true
		if r.status == 200 {
			successIDs = append(successIDs, id)
		}
	}
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if got, want := strings.Join(ts.seenIDs, ","), strings.Join(successIDs, ","); got != want {
		t.Errorf("RequestID(ctx) in handlers = %s, want the response ids %s", got, want)
	}
}

func TestServer_RequestIDHeaderSpelling(t *testing.T) {
	s := NewServer(Options{})
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/", strings.NewReader(`{}`)))
	//lint:ignore SA1008 the key as AWS spells it, not canonicalised, is what is checked
	if got := rec.Header()["x-amzn-RequestId"]; len(got) != 1 || !isUUIDv4(got[0]) {
		t.Errorf("header x-amzn-RequestId = %q, want one UUID v4 under AWS's spelling", got)
	}
}

func TestServer_Credential(t *testing.T) {
	tests := []struct {
		name          string
		authorization string
		wantKey       string // "" for no credential
	}{
		{"signed", "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/swf/aws4_request, SignedHeaders=host;x-amz-date, Signature=abcd", "AKID"},
		{"missing", "", ""},
		{"malformed", "AWS4-HMAC-SHA256 garbage", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := newTestServer(t, 0)
			r := ts.do(t, http.MethodPost, "/", map[string]string{
				"X-Amz-Target":  swfPrefix + "RecordActivityTaskHeartbeat",
				"Authorization": tt.authorization,
			}, strings.NewReader(`{"taskToken":"t"}`))
			if r.status != 200 {
				t.Fatalf("status = %d, want 200 (any credentials are accepted); body %s", r.status, r.body)
			}
			ts.mu.Lock()
			defer ts.mu.Unlock()
			if len(ts.seenCred) != 1 {
				t.Fatalf("handler calls = %d, want 1", len(ts.seenCred))
			}
			got := ts.seenCred[0]
			switch {
			case tt.wantKey == "" && got != nil:
				t.Errorf("CredentialFrom(ctx) = %+v, want nil", got)
			case tt.wantKey != "" && (got == nil || got.AccessKeyID != tt.wantKey || got.Service != "swf"):
				t.Errorf("CredentialFrom(ctx) = %+v, want access key %q for swf", got, tt.wantKey)
			}
		})
	}
}

// Without ParseCredentials the Authorization header is not read: no handler sees a credential.
func TestServer_CredentialsOffByDefault(t *testing.T) {
	s := NewServer(Options{})
	var seen *Credential
	called := false
	if err := s.Register(mustSWFModel(t), map[string]Handler{
		"RecordActivityTaskHeartbeat": func(ctx context.Context, _ []byte) (any, error) {
			seen, called = CredentialFrom(ctx), true
			return nil, nil
		},
	}); err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(`{"taskToken":"t"}`))
	req.Header.Set("X-Amz-Target", swfPrefix+"RecordActivityTaskHeartbeat")
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/swf/aws4_request, SignedHeaders=host, Signature=abcd")
	s.ServeHTTP(httptest.NewRecorder(), req)
	if !called || seen != nil {
		t.Errorf("handler called %v, credential %+v; want called, no credential", called, seen)
	}
}

func TestServer_Register(t *testing.T) {
	ok := func(context.Context, []byte) (any, error) { return nil, nil }
	tests := []struct {
		name     string
		handlers map[string]Handler
		wantErr  string
	}{
		{"unknown operation", map[string]Handler{"Nope": ok}, `no operation "Nope"`},
		{"nil handler", map[string]Handler{"ListDomains": nil}, "nil handler for ListDomains"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := NewServer(Options{}).Register(mustSWFModel(t), tt.handlers)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("Register() = %v, want an error containing %q", err, tt.wantErr)
			}
		})
	}

	t.Run("twice", func(t *testing.T) {
		s := NewServer(Options{})
		m := mustSWFModel(t)
		if err := s.Register(m, map[string]Handler{"ListDomains": ok}); err != nil {
			t.Fatalf("first Register() = %v, want nil", err)
		}
		if err := s.Register(m, nil); err == nil || !strings.Contains(err.Error(), "already registered") {
			t.Errorf("second Register() = %v, want an already-registered error", err)
		}
	})
	t.Run("nil model", func(t *testing.T) {
		if err := NewServer(Options{}).Register(nil, nil); err == nil {
			t.Errorf("Register(nil) = nil, want an error")
		}
	})
}

func TestRequestID_OutsideServer(t *testing.T) {
	if got := RequestID(context.Background()); got != "" {
		t.Errorf("RequestID(background) = %q, want \"\"", got)
	}
	if got := CredentialFrom(context.Background()); got != nil {
		t.Errorf("CredentialFrom(background) = %+v, want nil", got)
	}
}

func TestNewRequestID(t *testing.T) {
	seen := make(map[string]bool)
	for range 1000 {
		id := newRequestID()
		if !isUUIDv4(id) {
			t.Fatalf("newRequestID() = %q, want a UUID v4", id)
		}
		if seen[id] {
			t.Fatalf("newRequestID() = %q twice", id)
		}
		seen[id] = true
	}
}
