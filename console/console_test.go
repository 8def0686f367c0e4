package console

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func get(h http.Handler, method, path string) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(method, path, nil))
	return w
}

func TestConsole_ServesAssetsUnderCSP(t *testing.T) {
	c := New(Config{Region: "eu-west-1", Auth: true, Version: "v1.2.3"})
	defer c.Close()
	for _, tt := range []struct{ path, typ, contains string }{
		{"/ui/", "text/html; charset=utf-8", `<script type="module" src="app.js">`},
		{"/ui/index.html", "text/html; charset=utf-8", "<dialog"},
		{"/ui/app.js", "text/javascript; charset=utf-8", "import"},
		{"/ui/style.css", "text/css; charset=utf-8", ":root"},
		{"/ui/icon.svg", "image/svg+xml", "<svg"},
		{"/ui/config.json", "application/json", `"region":"eu-west-1"`},
		{"/ui/api/metrics", "application/json", `"points":[]`},
	} {
		w := get(c, http.MethodGet, tt.path)
		if w.Code != http.StatusOK {
			t.Errorf("GET %s: got %d, want 200", tt.path, w.Code)
			continue
		}
		if got := w.Header().Get("Content-Type"); got != tt.typ {
			t.Errorf("GET %s: Content-Type %q, want %q", tt.path, got, tt.typ)
		}
		if got := w.Header().Get("Content-Security-Policy"); got != CSP {
			t.Errorf("GET %s: Content-Security-Policy %q, want %q", tt.path, got, CSP)
		}
		if !strings.Contains(w.Body.String(), tt.contains) {
			t.Errorf("GET %s: body does not contain %q", tt.path, tt.contains)
		}
	}
	if !strings.Contains(CSP, "default-src 'self'") || strings.Contains(CSP, "unsafe") {
		t.Errorf("CSP %q: want default-src 'self' and nothing unsafe", CSP)
	}
	if w := get(c, http.MethodHead, "/ui/app.js"); w.Code != http.StatusOK || w.Body.Len() != 0 {
		t.Errorf("HEAD /ui/app.js: got %d with %d bytes, want 200 and no body", w.Code, w.Body.Len())
	}
}

func TestConsole_Config(t *testing.T) {
	for _, tt := range []struct {
		cfg  Config
		want string
	}{
		{Config{}, `{"region":"us-east-1","auth":false,"version":""}`},
		{Config{Region: "eu-west-1", Auth: true, Version: "v1.2.3"}, `{"region":"eu-west-1","auth":true,"version":"v1.2.3"}`},
	} {
		c := New(tt.cfg)
		w := get(c, http.MethodGet, "/ui/config.json")
		c.Close()
		if got := w.Body.String(); got != tt.want {
			t.Errorf("config.json of %+v: got %s, want %s", tt.cfg, got, tt.want)
		}
		if got := w.Header().Get("Cache-Control"); got != "no-store" {
			t.Errorf("config.json: Cache-Control %q, want no-store", got)
		}
	}
}

func TestConsole_NotFoundAndMethods(t *testing.T) {
	c := New(Config{})
	defer c.Close()
	for _, p := range []string{"/ui/nope.js", "/ui/../node.go", "/ui/assets/app.js", "/ui/api/", "/ui/api/other"} {
		if w := get(c, http.MethodGet, p); w.Code != http.StatusNotFound {
			t.Errorf("GET %s: got %d, want 404", p, w.Code)
		}
	}
	if w := get(c, http.MethodPost, "/ui/"); w.Code != http.StatusMethodNotAllowed || w.Header().Get("Allow") != "GET, HEAD" {
		t.Errorf("POST /ui/: got %d Allow %q, want 405 with Allow: GET, HEAD", w.Code, w.Header().Get("Allow"))
	}
	if w := get(c, http.MethodGet, "/ui"); w.Code != http.StatusFound || w.Header().Get("Location") != "/ui/" {
		t.Errorf("GET /ui: got %d to %q, want 302 to /ui/", w.Code, w.Header().Get("Location"))
	}
}

func TestConsole_MetricsFromScrape(t *testing.T) {
	n := 0
	c := New(Config{Scrape: func(w io.Writer) error {
		n++
		_, err := io.WriteString(w, "openswf_heartbeats_total 0\n")
		return err
	}})
	c.Close()
	if n != 1 {
		t.Fatalf("scrapes at start: got %d, want 1 (the first sample is taken at once)", n)
	}
	var s Series
	if err := json.Unmarshal(get(c, http.MethodGet, "/ui/api/metrics").Body.Bytes(), &s); err != nil {
		t.Fatal(err)
	}
	if s.IntervalSeconds != DefaultInterval.Seconds() || len(s.Points) != 0 {
		t.Errorf("after one sample: got %+v, want the default interval and no point yet", s)
	}
}

func TestWantsHTML(t *testing.T) {
	for accept, want := range map[string]bool{
		"":                 false,
		"*/*":              false,
		"application/json": false,
		"text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8": true,
		"TEXT/HTML": true,
	} {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		if accept != "" {
			r.Header.Set("Accept", accept)
		}
		if got := WantsHTML(r); got != want {
			t.Errorf("WantsHTML(Accept: %q) = %v, want %v", accept, got, want)
		}
	}
}
