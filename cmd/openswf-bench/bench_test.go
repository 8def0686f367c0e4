package main

import (
	"bytes"
	"encoding/json"
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

// --write-auth writes the access control file of heartbeat-auth's servers and runs nothing.
func TestRunBench_WriteAuth(t *testing.T) {
	file := filepath.Join(t.TempDir(), "auth.json")
	var out, log bytes.Buffer
	if err := runBench(t.Context(), []string{"--write-auth", file}, &out, &log); err != nil {
		t.Fatalf("runBench: %v\n%s", err, log.String())
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Users []struct {
			AccessKeys []struct{ AccessKeyID string } `json:"accessKeys"`
		} `json:"users"`
	}
	if err := json.Unmarshal(data, &doc); err != nil || len(doc.Users) != 1 || len(doc.Users[0].AccessKeys) != 1 {
		t.Errorf("file %s (%v), want one user with one access key", data, err)
	}
	if out.Len() != 0 {
		t.Errorf("output %q, want none", out.String())
	}
}

// --nodes above 1 is refused without a PostgreSQL --db, before anything starts.
func TestRunBench_NodesNeedPostgres(t *testing.T) {
	var out, log bytes.Buffer
	err := runBench(t.Context(), []string{"--workload", "heartbeat", "--nodes", "2", "--server-exec", "/bin/false"}, &out, &log)
	if err == nil || !strings.Contains(err.Error(), "postgres:// --db") {
		t.Errorf("runBench(--nodes 2 on SQLite) = %v, want an error asking for a postgres:// --db", err)
	}
}
