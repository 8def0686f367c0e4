package node

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestNode_AccessLogCostsNothingOff checks that without an access log the node's handler allocates exactly
// what its routing does, and that with one it logs the request.
func TestNode_AccessLogCostsNothingOff(t *testing.T) {
	n := open(t)
	var buf bytes.Buffer
	on, err := Open(context.Background(), Config{DB: ":memory:", Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		AccessLog: slog.New(slog.NewTextHandler(&buf, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer on.Close()
	allocs := func(h http.Handler) float64 {
		r := httptest.NewRequest(http.MethodGet, "/nowhere", nil)
		w := httptest.NewRecorder()
		return testing.AllocsPerRun(100, func() {
			clear(w.Header())
			h.ServeHTTP(w, r)
		})
	}
	route, off, withLog := allocs(http.HandlerFunc(n.route)), allocs(n.Handler()), allocs(on.Handler())
	if off != route {
		t.Errorf("without an access log: %v allocations a request, want the routing's own %v", off, route)
	}
	if withLog <= route {
		t.Errorf("with an access log: %v allocations a request, the routing's own %v: is it logging?", withLog, route)
	}
	if got := strings.Count(buf.String(), "msg=request op=/nowhere status=404 "); got < 100 {
		t.Errorf("the access log has %d lines of GET /nowhere, want at least 100:\n%.300s", got, &buf)
	}
}
