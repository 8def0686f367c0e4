package node

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/openswf/openswf/awsjson"
	"github.com/openswf/openswf/metrics"
	"github.com/openswf/openswf/swf"
)

// open opens a node on a fresh in-memory database, closed when the test ends.
func open(tb testing.TB) *Node {
	tb.Helper()
	n, err := Open(context.Background(), Config{DB: ":memory:", Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		tb.Fatalf("Open: %v", err)
	}
	tb.Cleanup(func() { n.Close() })
	return n
}

// serve sends one request to h and returns the recorded answer.
func serve(h http.Handler, method, path, target, body string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, path, strings.NewReader(body))
	if target != "" {
		r.Header.Set("X-Amz-Target", target)
		r.Header.Set("Content-Type", "application/x-amz-json-1.0")
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func TestNode_Endpoints(t *testing.T) {
	n := open(t)
	h := n.Handler()

	if w := serve(h, http.MethodGet, "/healthz", "", ""); w.Code != http.StatusOK || w.Body.String() != "ok" {
		t.Errorf("GET /healthz: got %d %q, want 200 \"ok\"", w.Code, w.Body)
	}
	// The API still answers POST /, and everything else it does not serve.
	if w := serve(h, http.MethodPost, "/", "SimpleWorkflowService.ListDomains", `{"registrationStatus":"REGISTERED"}`); w.Code != http.StatusOK {
		t.Errorf("POST / ListDomains: got %d %s, want 200", w.Code, w.Body)
	}
	if w := serve(h, http.MethodPost, "/", "SimpleWorkflowService.DescribeDomain", `{"name":"nope"}`); w.Code != http.StatusBadRequest {
		t.Errorf("POST / DescribeDomain of no domain: got %d %s, want 400", w.Code, w.Body)
	}
	if w := serve(h, http.MethodPost, "/", "SimpleWorkflowService.Frobnicate", `{}`); w.Code != http.StatusBadRequest {
		t.Errorf("POST / of an unknown operation: got %d, want 400", w.Code)
	}
	if w := serve(h, http.MethodPut, "/", "", ""); w.Code != http.StatusMethodNotAllowed || !strings.Contains(w.Body.String(), awsjson.TypeMethodNotAllowed) {
		t.Errorf("PUT /: got %d %s, want the API's 405 %s", w.Code, w.Body, awsjson.TypeMethodNotAllowed)
	}

	w := serve(h, http.MethodGet, "/metrics", "", "")
	if w.Code != http.StatusOK || w.Header().Get("Content-Type") != metrics.ContentType {
		t.Fatalf("GET /metrics: got %d %q, want 200 %q", w.Code, w.Header().Get("Content-Type"), metrics.ContentType)
	}
	got := w.Body.String()
	for _, line := range []string{
		`openswf_requests_total{op="ListDomains",fault=""} 1`,
		`openswf_requests_total{op="DescribeDomain",fault="UnknownResourceFault"} 1`,
		// Not the client's own target text: that would let clients grow the metric without bound.
		`openswf_requests_total{op="",fault="UnknownOperationException"} 1`,
		`openswf_requests_total{op="",fault="MethodNotAllowedException"} 1`,
		`openswf_request_duration_seconds_count{op="ListDomains"} 1`,
		`openswf_open_activity_tasks{state="scheduled"} 0`,
		`openswf_open_activity_tasks{state="started"} 0`,
		`openswf_open_decision_tasks{state="scheduled"} 0`,
		`openswf_heartbeats_total 0`,
	} {
		if !strings.Contains(got, "\n"+line+"\n") {
			t.Errorf("GET /metrics: no line %s in:\n%s", line, got)
		}
	}
	for _, prefix := range []string{"openswf_commit_batch_size_count ", "go_goroutines ", "go_memstats_heap_inuse_bytes "} {
		if !strings.Contains(got, "\n"+prefix) {
			t.Errorf("GET /metrics: no %s sample", prefix)
		}
	}

	// A store that does not answer fails the health and readiness checks.
	n.Store.Close()
	for _, path := range []string{"/healthz", "/readyz"} {
		if w := serve(h, http.MethodGet, path, "", ""); w.Code != http.StatusServiceUnavailable {
			t.Errorf("GET %s with the store closed: got %d, want 503", path, w.Code)
		}
	}
}

// GET / answers a self-contained page for browsers that says what the server is and links to the
// endpoints and the README; HEAD the same without the body.
func TestNode_IndexPage(t *testing.T) {
	h := open(t).Handler()
	w := serve(h, http.MethodGet, "/", "", "")
	if w.Code != http.StatusOK || w.Header().Get("Content-Type") != "text/html; charset=utf-8" {
		t.Fatalf("GET /: got %d %q, want 200 text/html", w.Code, w.Header().Get("Content-Type"))
	}
	page := w.Body.String()
	for _, want := range []string{"<title>openswf</title>", "POST /", "Step Functions", "Simple Workflow",
		`href="/metrics"`, `href="/healthz"`, `href="/readyz"`, `href="https://github.com/openswf/openswf#readme"`} {
		if !strings.Contains(page, want) {
			t.Errorf("GET /: the page lacks %s", want)
		}
	}
	// No external assets: the only absolute URL is the README's link.
	for _, attr := range []string{"src=", "<link", "@import", "url("} {
		if strings.Contains(page, attr) {
			t.Errorf("GET /: the page loads something (%s); it must be self-contained", attr)
		}
	}
	if w := serve(h, http.MethodHead, "/", "", ""); w.Code != http.StatusOK || w.Body.Len() != 0 {
		t.Errorf("HEAD /: got %d with %d bytes, want 200 with none", w.Code, w.Body.Len())
	}
}

// With Config.Console the node serves the console at /ui/ and sends browsers there from GET /; without it,
// /ui/ is a 404 and GET / the index page, whatever the Accept header.
func TestNode_Console(t *testing.T) {
	browser := func(h http.Handler, path string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(http.MethodGet, path, nil)
		r.Header.Set("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}
	t.Run("on", func(t *testing.T) {
		n, err := Open(context.Background(), Config{DB: ":memory:", Console: true, Region: "eu-west-1", Version: "v9",
			Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if err != nil {
			t.Fatal(err)
		}
		defer n.Close()
		h := n.Handler()
		if w := browser(h, "/"); w.Code != http.StatusFound || w.Header().Get("Location") != "/ui/" {
			t.Errorf("browser GET /: got %d to %q, want 302 to /ui/", w.Code, w.Header().Get("Location"))
		}
		// A client that does not ask for HTML (curl, a probe) still gets the index page.
		if w := serve(h, http.MethodGet, "/", "", ""); w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "<title>openswf</title>") {
			t.Errorf("GET / without Accept: got %d, want 200 and the index page", w.Code)
		}
		w := browser(h, "/ui/")
		if w.Code != http.StatusOK || !strings.Contains(w.Header().Get("Content-Security-Policy"), "default-src 'self'") {
			t.Errorf("GET /ui/: got %d CSP %q, want 200 under default-src 'self'", w.Code, w.Header().Get("Content-Security-Policy"))
		}
		if w := serve(h, http.MethodGet, "/ui/config.json", "", ""); w.Body.String() != `{"region":"eu-west-1","auth":false,"version":"v9"}` {
			t.Errorf("GET /ui/config.json: got %d %s", w.Code, w.Body)
		}
		if w := serve(h, http.MethodGet, "/ui/api/metrics", "", ""); w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `"points"`) {
			t.Errorf("GET /ui/api/metrics: got %d %s", w.Code, w.Body)
		}
		// The APIs are untouched.
		if w := serve(h, http.MethodPost, "/", "SimpleWorkflowService.ListDomains", `{"registrationStatus":"REGISTERED"}`); w.Code != http.StatusOK {
			t.Errorf("POST / ListDomains: got %d %s, want 200", w.Code, w.Body)
		}
	})
	t.Run("off", func(t *testing.T) {
		h := open(t).Handler()
		if w := browser(h, "/"); w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "<title>openswf</title>") {
			t.Errorf("browser GET /: got %d, want 200 and the index page", w.Code)
		}
		for _, p := range []string{"/ui/", "/ui", "/ui/app.js", "/ui/config.json", "/ui/api/metrics"} {
			if w := browser(h, p); w.Code != http.StatusNotFound {
				t.Errorf("GET %s with the console off: got %d, want 404", p, w.Code)
			}
		}
	})
}

// Paths the node does not serve answer 404 in plain text, whatever the method; the GET endpoints answer
// other methods 405.
func TestNode_UnknownPathsAndMethods(t *testing.T) {
	h := open(t).Handler()
	for _, tc := range []struct {
		method, path, target string
		want                 int
	}{
		{http.MethodGet, "/favicon.ico", "", http.StatusNotFound},
		{http.MethodGet, "/index.html", "", http.StatusNotFound},
		{http.MethodHead, "/nope", "", http.StatusNotFound},
		{http.MethodPost, "/nope", "SimpleWorkflowService.ListDomains", http.StatusNotFound},
		{http.MethodGet, "/metrics/", "", http.StatusNotFound},
		{http.MethodPost, "/metrics", "", http.StatusMethodNotAllowed},
		{http.MethodDelete, "/healthz", "", http.StatusMethodNotAllowed},
		{http.MethodPost, "/readyz", "", http.StatusMethodNotAllowed},
	} {
		w := serve(h, tc.method, tc.path, tc.target, "")
		if w.Code != tc.want || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/plain") {
			t.Errorf("%s %s: got %d %q, want %d in plain text", tc.method, tc.path, w.Code, w.Header().Get("Content-Type"), tc.want)
		}
		if tc.want == http.StatusMethodNotAllowed && w.Header().Get("Allow") != "GET, HEAD" {
			t.Errorf("%s %s: Allow %q, want \"GET, HEAD\"", tc.method, tc.path, w.Header().Get("Allow"))
		}
	}
}

// BenchmarkNode_RequestMetrics measures what recording a request costs on the API's path: the same
// request to two servers of the same SWF service, one without awsjson.Options.Observe and one with a
// metrics.Set's, alternating in blocks so that both see the same machine (other load, GC) alike. It
// reports each server's time per request and the difference, overhead-ns/req. The request is a heartbeat
// whose token fails its check before any store access, so that the difference is not lost in a commit.
func BenchmarkNode_RequestMetrics(b *testing.B) {
	n := open(b)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	var srvs [2]*awsjson.Server
	for i, observe := range []func(op, fault string, d time.Duration){nil, metrics.NewSet(metrics.NewRegistry()).ObserveRequest} {
		srvs[i] = awsjson.NewServer(awsjson.Options{Logger: quiet, Observe: observe})
		if err := swf.New(n.Engine, swf.Options{}).Register(srvs[i]); err != nil {
			b.Fatal(err)
		}
	}
	const body = `{"taskToken":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA","details":"50%"}`
	var (
		took  [2]time.Duration
		count [2]int
	)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		k := i / 128 % 2
		r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
		r.Header.Set("X-Amz-Target", "SimpleWorkflowService.RecordActivityTaskHeartbeat")
		w := httptest.NewRecorder()
		start := time.Now()
		srvs[k].ServeHTTP(w, r)
		took[k] += time.Since(start)
		count[k]++
	}
	if count[0] == 0 || count[1] == 0 {
		return
	}
	without := float64(took[0].Nanoseconds()) / float64(count[0])
	with := float64(took[1].Nanoseconds()) / float64(count[1])
	b.ReportMetric(without, "without-ns/req")
	b.ReportMetric(with, "with-ns/req")
	b.ReportMetric(with-without, "overhead-ns/req")
}

// TestNode_BuildInfo checks that GET /metrics says what the node was built from.
func TestNode_BuildInfo(t *testing.T) {
	n, err := Open(context.Background(), Config{DB: ":memory:", Version: "v9.8.7", Commit: "abc123",
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { n.Close() })
	w := serve(n.Handler(), http.MethodGet, "/metrics", "", "")
	want := `openswf_build_info{version="v9.8.7",commit="abc123",go_version="` + runtime.Version() + `"} 1`
	if !strings.Contains(w.Body.String(), "\n"+want+"\n") {
		t.Errorf("GET /metrics: no line %s in:\n%s", want, w.Body)
	}
}

// TestNode_PostgresUnreachable checks that a PostgreSQL that cannot be reached fails Open with an error
// that names the host and database, without the URL's password.
func TestNode_PostgresUnreachable(t *testing.T) {
	for _, db := range []string{"postgres://u:secret@127.0.0.1:1/openswf", "postgresql://u:secret@127.0.0.1:1/openswf?sslmode=disable"} {
		_, err := Open(context.Background(), Config{DB: db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if err == nil || !strings.Contains(err.Error(), "127.0.0.1:1/openswf") || strings.Contains(err.Error(), "secret") {
			t.Errorf("Open with DB %s: got %v, want an error naming 127.0.0.1:1/openswf, without the password", db, err)
		}
	}
}

// TestNode_RedactDB checks what the start-up log shows of --db.
func TestNode_RedactDB(t *testing.T) {
	for db, want := range map[string]string{
		"openswf.db": "openswf.db",
		":memory:":   ":memory:",
		"postgres://u:secret@db:5432/openswf?sslmode=require": "postgres://u:xxxxx@db:5432/openswf?sslmode=require",
		"postgresql://db/openswf":                             "postgresql://db/openswf",
	} {
		if got := RedactDB(db); got != want {
			t.Errorf("RedactDB(%q) = %q, want %q", db, got, want)
		}
	}
}
