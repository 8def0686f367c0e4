//go:build unix

package main

import (
	"bufio"
	"context"
	"crypto/tls"
	"io"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/openswf/openswf/openswftest"
)

// TestServe_SIGHUPReloadsCertificate checks that SIGHUP makes serve read its certificate again: new
// connections get the renewed one; a bad file is logged and the one served stays.
func TestServe_SIGHUPReloadsCertificate(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile, _ := openswftest.SelfSignedCert(t, dir)
	newCert, newKey, newRoots := openswftest.SelfSignedCert(t, t.TempDir())

	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--db", ":memory:", "--tls-cert", certFile, "--tls-key", keyFile}, pw)
		pw.Close()
	}()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	}()
	lines := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	waitLine := func(want string) string {
		t.Helper()
		deadline := time.After(30 * time.Second)
		for {
			select {
			case l, ok := <-lines:
				if !ok {
					t.Fatalf("serve's log ended before a line with %q", want)
				}
				if strings.Contains(l, want) {
					return l
				}
			case <-deadline:
				t.Fatalf("no log line with %q within 30 s", want)
			}
		}
	}
	m := listening.FindStringSubmatch(waitLine("openswf listening"))
	if m == nil {
		t.Fatal("listening line not understood")
	}
	addr := m[1]

	for _, f := range [][2]string{{newCert, certFile}, {newKey, keyFile}} {
		b, err := os.ReadFile(f[0])
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(f[1], b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	waitLine("TLS certificate reloaded")
	c, err := tls.Dial("tcp", addr, &tls.Config{RootCAs: newRoots})
	if err != nil {
		t.Fatalf("handshake with the renewed certificate's CA: %v", err)
	}
	c.Close()

	if err := os.WriteFile(certFile, []byte("junk"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	if l := waitLine("TLS certificate not reloaded"); !strings.Contains(l, certFile) {
		t.Errorf("log line %q does not name %s", l, certFile)
	}
	c, err = tls.Dial("tcp", addr, &tls.Config{RootCAs: newRoots})
	if err != nil {
		t.Fatalf("handshake after a failed reload: %v", err)
	}
	c.Close()
}
