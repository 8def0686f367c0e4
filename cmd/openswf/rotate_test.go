package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// TestRotateTokenKey checks the command's output, its refusals, and that it does not run on a database a
// server holds.
func TestRotateTokenKey(t *testing.T) {
	db := filepath.Join(t.TempDir(), "openswf.db")
	var out bytes.Buffer
	if err := Run(context.Background(), []string{"rotate-token-key", "--db", db}, &out); err != nil {
		t.Fatalf("rotate-token-key: %v", err)
	}
	if got := out.String(); !strings.Contains(got, "key   0") || !strings.Contains(got, "key   1") ||
		!strings.Contains(got, "signing") || !strings.Contains(got, "verifying") {
		t.Errorf("rotate-token-key printed:\n%s\nwant key 0 verifying and key 1 signing", got)
	}
	out.Reset()
	if err := Run(context.Background(), []string{"rotate-token-key", "--db", db, "--retire", "30d"}, &out); err != nil {
		t.Fatalf("rotate-token-key --retire 30d: %v", err)
	}
	if got := out.String(); !strings.Contains(got, "key   0") || !strings.Contains(got, "key   2") {
		t.Errorf("rotate-token-key --retire 30d printed:\n%s\nwant keys 0 to 2 (none replaced 30 days ago)", got)
	}

	for _, args := range [][]string{
		{"--retire-only"},
		{"--retire", "0d"},
		{"--retire", "-1h"},
		{"--retire", "soon"},
		{"extra"},
	} {
		err := Run(context.Background(), append([]string{"rotate-token-key", "--db", db}, args...), &bytes.Buffer{})
		if err == nil {
			t.Errorf("rotate-token-key %s: no error", strings.Join(args, " "))
		}
	}

	startServe(t, "--db", db)
	err := Run(context.Background(), []string{"rotate-token-key", "--db", db}, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "another openswf process") {
		t.Errorf("rotate-token-key on a served database: got %v, want an error saying another process uses it", err)
	}
}
