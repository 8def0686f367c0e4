package node_test

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/openswf/openswf/node"
	"github.com/openswf/openswf/openswftest"
)

// startTLS serves a fresh in-memory node over TLS with cert on a loopback port until the test ends.
func startTLS(t *testing.T, cert *node.TLSCertificate) string {
	t.Helper()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	n, err := node.Open(context.Background(), node.Config{DB: ":memory:", PollHold: time.Second, Logger: quiet})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		n.Close()
		t.Fatalf("listen: %v", err)
	}
	s := n.NewHTTPServer(node.HTTPConfig{TLS: cert, Logger: quiet})
	if s.Scheme() != "https" {
		t.Errorf("Scheme() = %q, want https", s.Scheme())
	}
	done := make(chan error, 1)
	go func() { done <- s.Serve(ln) }()
	t.Cleanup(func() {
		n.Engine.Close()
		s.Close()
		if err := <-done; !errors.Is(err, http.ErrServerClosed) {
			t.Errorf("Serve: got %v, want http.ErrServerClosed", err)
		}
		n.Close()
	})
	return ln.Addr().String()
}

// TestHTTPServer_TLS checks that the server speaks TLS 1.2 or later with its certificate, HTTP/1.1 only;
// refuses TLS 1.1; answers a plain HTTP request with a 400 rather than hang or reset; and serves a reloaded
// certificate to new connections.
func TestHTTPServer_TLS(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile, roots := openswftest.SelfSignedCert(t, dir)
	cert, err := node.LoadTLSCertificate(certFile, keyFile)
	if err != nil {
		t.Fatalf("LoadTLSCertificate: %v", err)
	}
	addr := startTLS(t, cert)

	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: roots}, ForceAttemptHTTP2: true,
	}}
	res, err := client.Get("https://" + addr + "/healthz")
	if err != nil {
		t.Fatalf("GET /healthz over TLS: %v", err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK || res.ProtoMajor != 1 || res.TLS == nil || res.TLS.Version < tls.VersionTLS12 {
		t.Errorf("GET /healthz: status %d, %s, TLS %+v; want 200 over HTTP/1.1 and TLS 1.2+", res.StatusCode, res.Proto, res.TLS)
	}

	old, err := tls.Dial("tcp", addr, &tls.Config{RootCAs: roots, MaxVersion: tls.VersionTLS11})
	if err == nil {
		old.Close()
		t.Error("a TLS 1.1 handshake succeeded")
	}

	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(c, "GET /healthz HTTP/1.1\r\nHost: openswf\r\n\r\n"); err != nil {
		t.Fatalf("write plain request: %v", err)
	}
	plain, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("plain HTTP to the TLS port: %v, want a 400 answer", err)
	}
	body, _ := io.ReadAll(plain.Body)
	plain.Body.Close()
	if plain.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), "HTTPS") {
		t.Errorf("plain HTTP to the TLS port: %d %q, want 400 saying HTTPS", plain.StatusCode, body)
	}

	// A renewed certificate: new connections get it; a bad file keeps the one served.
	newDir := t.TempDir()
	newCert, newKey, newRoots := openswftest.SelfSignedCert(t, newDir)
	for _, f := range [][2]string{{newCert, certFile}, {newKey, keyFile}} {
		b, err := os.ReadFile(f[0])
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(f[1], b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := cert.Reload(); err != nil {
		t.Fatalf("Reload: %v", err)
	}
	conn, err := tls.Dial("tcp", addr, &tls.Config{RootCAs: newRoots})
	if err != nil {
		t.Fatalf("handshake after reload with the new certificate's CA: %v", err)
	}
	conn.Close()
	if err := os.WriteFile(certFile, []byte("not PEM"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := cert.Reload(); err == nil || !strings.Contains(err.Error(), certFile) {
		t.Errorf("Reload of a bad certificate: got %v, want an error naming %s", err, certFile)
	}
	conn, err = tls.Dial("tcp", addr, &tls.Config{RootCAs: newRoots})
	if err != nil {
		t.Fatalf("handshake after a failed reload: %v", err)
	}
	conn.Close()
}

// TestLoadTLSCertificate_BadFiles checks that a missing or unparsable file is an error that names it.
func TestLoadTLSCertificate_BadFiles(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile, _ := openswftest.SelfSignedCert(t, dir)
	junk := filepath.Join(dir, "junk.pem")
	if err := os.WriteFile(junk, []byte("junk"), 0o600); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing.pem")
	for _, tt := range []struct{ cert, key, want string }{
		{missing, keyFile, missing},
		{certFile, missing, missing},
		{junk, keyFile, junk},
		{certFile, junk, junk},
		{keyFile, certFile, keyFile},
	} {
		if _, err := node.LoadTLSCertificate(tt.cert, tt.key); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("LoadTLSCertificate(%s, %s): got %v, want an error naming %s", tt.cert, tt.key, err, tt.want)
		}
	}
}
