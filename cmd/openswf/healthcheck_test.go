package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestHealthcheck checks that healthcheck succeeds against a ready server, from --addr or OPENSWF_ADDR, and
// fails, saying why, against a server that is not ready and where nothing listens.
func TestHealthcheck(t *testing.T) {
	addr, _ := serveLog(t)
	var out bytes.Buffer
	if err := Run(context.Background(), []string{"healthcheck", "--addr", addr}, &out); err != nil {
		t.Errorf("healthcheck --addr %s: %v", addr, err)
	}
	if !strings.Contains(out.String(), "/readyz: ready") {
		t.Errorf("healthcheck printed %q, want the probe's answer", &out)
	}
	t.Setenv("OPENSWF_ADDR", addr)
	if err := Run(context.Background(), []string{"healthcheck", "--path", "/healthz"}, io.Discard); err != nil {
		t.Errorf("healthcheck with OPENSWF_ADDR=%s: %v", addr, err)
	}

	notReady := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "unavailable: database file not writable", http.StatusServiceUnavailable)
	}))
	defer notReady.Close()
	err := Run(context.Background(), []string{"healthcheck", "--addr", notReady.Listener.Addr().String()}, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "503") || !strings.Contains(err.Error(), "not writable") {
		t.Errorf("healthcheck of a server answering 503: got %v, want an error with the status and the reason", err)
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().String()
	ln.Close()
	if err := Run(context.Background(), []string{"healthcheck", "--addr", closed}, io.Discard); err == nil {
		t.Errorf("healthcheck of %s, where nothing listens: succeeded", closed)
	}
	if err := Run(context.Background(), []string{"healthcheck", "--path", "readyz"}, io.Discard); err == nil {
		t.Errorf("healthcheck --path readyz: succeeded, want an error")
	}
}
