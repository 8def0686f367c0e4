package node

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"testing"
	"time"
)

// TestHTTPServer_ConnectionCap fills a cap of 4 connections: connections over it are answered 503
// ServiceUnavailable and closed, those beyond the 4 answered at once are closed unanswered, the 4 served
// connections go on being served, and once they close new connections are served again.
func TestHTTPServer_ConnectionCap(t *testing.T) {
	const maxConns = 4
	h := startHTTP(t, 0, HTTPConfig{MaxConns: maxConns})
	if got := h.s.MaxConns(); got != maxConns {
		t.Fatalf("MaxConns() = %d, want %d", got, maxConns)
	}

	var under []*client
	for range maxConns {
		c := h.dial(t)
		c.mustDo(healthz, http.StatusOK)
		under = append(under, c)
	}

	for i := range 3 {
		c := h.dial(t)
		start := time.Now()
		a := c.mustDo(post("ListDomains", `{"registrationStatus":"REGISTERED"}`), http.StatusServiceUnavailable)
		var fault struct {
			Type    string `json:"__type"`
			Message string `json:"message"`
		}
		if err := json.Unmarshal([]byte(a.body), &fault); err != nil || fault.Type != "ServiceUnavailable" || fault.Message == "" {
			t.Errorf("over the cap %d: got body %s, want a ServiceUnavailable fault", i, a.body)
		}
		if !a.close {
			t.Errorf("over the cap %d: no Connection: close", i)
		}
		for k, want := range map[string]string{
			"Content-Type":     "application/x-amz-json-1.0",
			"X-Amzn-ErrorType": "ServiceUnavailable",
		} {
			if got := a.header.Get(k); got != want {
				t.Errorf("over the cap %d: %s: got %q, want %q", i, k, got, want)
			}
		}
		if a.header.Get("X-Amzn-RequestId") == "" {
			t.Errorf("over the cap %d: no x-amzn-RequestId", i)
		}
		if closed, got := c.closedBy(start.Add(slack)); !closed || got != "" {
			t.Errorf("over the cap %d: closed %v, read %q after the answer; want closed, nothing", i, closed, got)
		}
	}
	for i, c := range under {
		c.mustDo(healthz, http.StatusOK)
		if got := c.br.Buffered(); got != 0 {
			t.Errorf("served connection %d: %d bytes more than the answer", i, got)
		}
	}

	// Connections that send nothing fill the slots of those answered over the cap (as many as the cap);
	// the next one is closed unanswered, and they themselves are closed once overCapTimeout passes. The
	// connections answered above may hold their slots a moment longer (net/http waits before closing a
	// connection whose body it left unread): wait them out first.
	waitFor(t, "the answered connections to close", slack, func() bool { return len(h.s.overCap) == 0 })
	silentSince := time.Now()
	var silent []*client
	for range overCapSlots(maxConns) {
		silent = append(silent, h.dial(t))
	}
	waitFor(t, "the silent connections to be accepted", slack, func() bool { return len(h.s.overCap) == overCapSlots(maxConns) })
	extra := h.dial(t)
	a, err := extra.do(healthz, slack)
	switch {
	case err == nil && time.Since(silentSince) > overCapTimeout:
		t.Logf("beyond the answered: got %d only after the silent connections' %v; machine too slow to tell", a.status, overCapTimeout)
	case err == nil:
		t.Errorf("beyond the answered: got %d %s, want the connection closed unanswered", a.status, a.body)
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || isReset(err):
	default:
		t.Errorf("beyond the answered: got %v, want the connection closed unanswered", err)
	}
	for i, c := range silent {
		if closed, _ := c.closedBy(silentSince.Add(overCapTimeout + slack)); !closed {
			t.Errorf("silent connection %d over the cap: still open after %v", i, time.Since(silentSince))
		}
	}

	for _, c := range under {
		c.c.Close()
	}
	waitFor(t, "the server to let go of the closed connections", slack, func() bool { return h.served() == 0 })
	for range maxConns {
		h.dial(t).mustDo(healthz, http.StatusOK)
	}
}

// TestDefaultMaxConns checks the default cap's arithmetic over open-file limits.
func TestDefaultMaxConns(t *testing.T) {
	const reserve = 68 // a 2-core machine's
	tests := []struct {
		limit uint64
		want  int
	}{
		{limit: 1 << 20, want: maxDefaultConns},
		{limit: ^uint64(0), want: maxDefaultConns}, // RLIM_INFINITY
		{limit: 512, want: 512 - reserve - maxOverCap},
		{limit: 1024, want: 1024 - reserve - maxOverCap},
		{limit: reserve + maxOverCap + minDefaultConns, want: minDefaultConns},
		{limit: 100, want: minDefaultConns},
	}
	for _, tt := range tests {
		if got := defaultMaxConns(tt.limit, reserve); got != tt.want {
			t.Errorf("defaultMaxConns(%d, %d) = %d, want %d", tt.limit, reserve, got, tt.want)
		}
	}
}
