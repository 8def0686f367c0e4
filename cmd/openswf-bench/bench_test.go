package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The server the bench starts by default is the openswf binary beside it.
func TestDefaultServerExec_Beside(t *testing.T) {
	dir := t.TempDir()
	self := filepath.Join(dir, "openswf-bench")
	server := filepath.Join(dir, "openswf")
	for _, p := range []string{self, server} {
		if err := os.WriteFile(p, []byte("#!/bin/sh\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if got := defaultServerExec(self); got != server {
		t.Errorf("defaultServerExec(%s) = %q, want %q", self, got, server)
	}
}

// A short echo run in-process prints its table row.
func TestRunBench_EchoInProcess(t *testing.T) {
	var out, log bytes.Buffer
	err := runBench(t.Context(), []string{"--server-exec=", "--workload", "echo", "--duration", "200ms", "--workers", "2"}, &out, &log)
	if err != nil {
		t.Fatalf("runBench: %v\n%s", err, log.String())
	}
	if !strings.Contains(out.String(), "echo") || !strings.Contains(out.String(), "raw") {
		t.Errorf("output = %q, want an echo row", out.String())
	}
}
