package metrics

import (
	"bytes"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// text returns what r writes.
func text(tb testing.TB, r *Registry) string {
	tb.Helper()
	var b bytes.Buffer
	if err := r.WriteText(&b); err != nil {
		tb.Fatalf("WriteText: %v", err)
	}
	return b.String()
}

// wantText fails the test unless r writes want (leading newline ignored).
func wantText(tb testing.TB, r *Registry, want string) {
	tb.Helper()
	want = strings.TrimPrefix(want, "\n")
	if got := text(tb, r); got != want {
		tb.Errorf("exposition:\ngot:\n%s\nwant:\n%s", got, want)
	}
}

func TestRegistry_WriteText(t *testing.T) {
	r := NewRegistry()
	// Registered out of order: families come out sorted by name, children by label values.
	reqs := r.NewCounterVec("x_requests_total", "Requests by op and fault.", "op", "fault")
	reqs.With("Poll", "").Add(3)
	reqs.With("Heartbeat", "UnknownResourceFault").Inc()
	reqs.With("Heartbeat", "").Add(2)
	r.NewCounter("a_total", "A plain counter.").Add(7)
	g := r.NewGauge("m_gauge", "Help with a \\ backslash\nand a line feed, \"quotes\" kept.")
	g.Set(-1.5)
	r.NewGaugeFunc("f_gauge", "Evaluated at scrape.", func() float64 { return 42 })
	r.NewGaugeVecFunc("v_gauge", "Labelled, evaluated at scrape.", []string{"state"}, func(emit func(float64, ...string)) {
		emit(2, "started")
		emit(math.Inf(+1), "scheduled")
	})
	r.NewGaugeVecFunc("w_absent", "Emits nothing.", nil, func(func(float64, ...string)) {})
	h := r.NewHistogram("h_seconds", "A histogram.", []float64{0.001, 0.5, 1})
	h.Observe(0.001) // on a bound: counted in that bucket
	h.Observe(0.25)
	h.Observe(3)
	esc := r.NewCounterVec("z_escaped_total", "Label values escaped.", "v")
	esc.With("a\"b\\c\nd").Inc()

	wantText(t, r, `
# HELP a_total A plain counter.
# TYPE a_total counter
a_total 7
# HELP f_gauge Evaluated at scrape.
# TYPE f_gauge gauge
f_gauge 42
# HELP h_seconds A histogram.
# TYPE h_seconds histogram
h_seconds_bucket{le="0.001"} 1
h_seconds_bucket{le="0.5"} 2
h_seconds_bucket{le="1"} 2
h_seconds_bucket{le="+Inf"} 3
h_seconds_sum 3.251
h_seconds_count 3
# HELP m_gauge Help with a \\ backslash\nand a line feed, "quotes" kept.
# TYPE m_gauge gauge
m_gauge -1.5
# HELP v_gauge Labelled, evaluated at scrape.
# TYPE v_gauge gauge
v_gauge{state="scheduled"} +Inf
v_gauge{state="started"} 2
# HELP w_absent Emits nothing.
# TYPE w_absent gauge
# HELP x_requests_total Requests by op and fault.
# TYPE x_requests_total counter
x_requests_total{op="Heartbeat",fault=""} 2
x_requests_total{op="Heartbeat",fault="UnknownResourceFault"} 1
x_requests_total{op="Poll",fault=""} 3
# HELP z_escaped_total Label values escaped.
# TYPE z_escaped_total counter
z_escaped_total{v="a\"b\\c\nd"} 1
`)
}

func TestRegistry_HistogramVec(t *testing.T) {
	r := NewRegistry()
	hv := r.NewHistogramVec("lat_seconds", "Lateness.", []float64{0.01, 0.1, math.Inf(+1)}, "kind")
	hv.With("user").Observe(0.05)
	hv.With("activity.heartbeat").Observe(0.005)
	hv.With("activity.heartbeat").Observe(math.NaN()) // NaN counts in +Inf
	hv.With("user").Observe(-1)                       // below every bound: the first bucket
	r.NewHistogramVec("empty_seconds", "No child yet.", []float64{1}, "kind")

	wantText(t, r, `
# HELP empty_seconds No child yet.
# TYPE empty_seconds histogram
# HELP lat_seconds Lateness.
# TYPE lat_seconds histogram
lat_seconds_bucket{kind="activity.heartbeat",le="0.01"} 1
lat_seconds_bucket{kind="activity.heartbeat",le="0.1"} 1
lat_seconds_bucket{kind="activity.heartbeat",le="+Inf"} 2
lat_seconds_sum{kind="activity.heartbeat"} NaN
lat_seconds_count{kind="activity.heartbeat"} 2
lat_seconds_bucket{kind="user",le="0.01"} 1
lat_seconds_bucket{kind="user",le="0.1"} 2
lat_seconds_bucket{kind="user",le="+Inf"} 2
lat_seconds_sum{kind="user"} -0.95
lat_seconds_count{kind="user"} 2
`)
}

func TestHistogram_Buckets(t *testing.T) {
	r := NewRegistry()
	h := r.NewHistogram("b", "Batch sizes.", ExponentialBuckets(1, 2, 11))
	if got, want := formatFloat(ExponentialBuckets(1, 2, 11)[10]), "1024"; got != want {
		t.Errorf("11th exponential bucket: got %s, want %s", got, want)
	}
	for _, v := range []float64{1, 2, 3, 4, 1024, 1025} {
		h.Observe(v)
	}
	var cum []uint64
	var n uint64
	for i := range h.counts {
		n += h.counts[i].Load()
		cum = append(cum, n)
	}
	// Bounds 1 2 4 8 16 32 64 128 256 512 1024 +Inf.
	want := []uint64{1, 2, 4, 4, 4, 4, 4, 4, 4, 4, 5, 6}
	if !equalUints(cum, want) {
		t.Errorf("cumulative buckets: got %v, want %v", cum, want)
	}
	if h.Count() != 6 || h.Sum() != 2059 {
		t.Errorf("count, sum: got %d, %v, want 6, 2059", h.Count(), h.Sum())
	}
}

func equalUints(a, b []uint64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestRegistry_Panics(t *testing.T) {
	cases := map[string]func(r *Registry){
		"duplicate name":    func(r *Registry) { r.NewCounter("a_total", ""); r.NewGauge("a_total", "") },
		"invalid name":      func(r *Registry) { r.NewCounter("a-b", "") },
		"name with digit":   func(r *Registry) { r.NewCounter("1a", "") },
		"invalid label":     func(r *Registry) { r.NewCounterVec("a", "", "a:b") },
		"reserved label":    func(r *Registry) { r.NewCounterVec("a", "", "__x") },
		"le on a histogram": func(r *Registry) { r.NewHistogramVec("a", "", []float64{1}, "le") },
		"label twice":       func(r *Registry) { r.NewCounterVec("a", "", "x", "x") },
		"unsorted buckets":  func(r *Registry) { r.NewHistogram("a", "", []float64{1, 1}) },
		"NaN bucket":        func(r *Registry) { r.NewHistogram("a", "", []float64{math.NaN()}) },
		"wrong value count": func(r *Registry) { r.NewCounterVec("a", "", "x", "y").With("1") },
		"same sample twice": func(r *Registry) {
			r.NewGaugeVecFunc("a", "", []string{"x"}, func(emit func(float64, ...string)) { emit(1, "v"); emit(2, "v") })
			_ = r.WriteText(io.Discard)
		},
	}
	for name, f := range cases {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("no panic")
				}
			}()
			f(NewRegistry())
		})
	}
	// Valid: a colon in a metric name, a label named le on a counter.
	r := NewRegistry()
	r.NewCounterVec("ns:a_total", "", "le").With("1").Inc()
}

func TestRegistry_Handler(t *testing.T) {
	r := NewRegistry()
	r.NewCounter("a_total", "A.").Inc()
	srv := httptest.NewServer(r.Handler())
	defer srv.Close()

	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != ContentType {
		t.Errorf("GET: got %d %q, want 200 %q", resp.StatusCode, resp.Header.Get("Content-Type"), ContentType)
	}
	if want := "# HELP a_total A.\n# TYPE a_total counter\na_total 1\n"; string(body) != want {
		t.Errorf("GET body: got %q, want %q", body, want)
	}

	resp, err = http.Post(srv.URL, "text/plain", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST: got %d, want 405", resp.StatusCode)
	}
}

func TestParseVmRSS(t *testing.T) {
	status := []byte("Name:\topenswf\nVmPeak:\t  200000 kB\nVmRSS:\t   12345 kB\nRssAnon:\t 100 kB\n")
	if n, ok := parseVmRSS(status); !ok || n != 12345*1024 {
		t.Errorf("parseVmRSS: got %d, %v, want %d, true", n, ok, 12345*1024)
	}
	if _, ok := parseVmRSS([]byte("Name:\tx\n")); ok {
		t.Errorf("parseVmRSS without VmRSS: got ok")
	}
}

func TestRegisterRuntime(t *testing.T) {
	r := NewRegistry()
	RegisterRuntime(r)
	got := text(t, r)
	for _, name := range []string{"go_goroutines ", "go_memstats_heap_inuse_bytes ", "process_resident_memory_bytes "} {
		if !strings.Contains(got, "\n"+name) {
			t.Errorf("no %q sample in:\n%s", name, got)
		}
	}
}
