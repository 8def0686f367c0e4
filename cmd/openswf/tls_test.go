package main

import (
	"context"
	"crypto/tls"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/openswf/openswf/openswftest"
)

// TestServe_TLS checks that serve with --tls-cert and --tls-key, or their environment variables, answers
// over HTTPS with that certificate and says so in its start-up line.
func TestServe_TLS(t *testing.T) {
	certFile, keyFile, roots := openswftest.SelfSignedCert(t, t.TempDir())
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}}}
	for _, tt := range []struct {
		name string
		env  [2]string
		args []string
	}{
		{name: "flags", args: []string{"--tls-cert", certFile, "--tls-key", keyFile}},
		{name: "env", env: [2]string{certFile, keyFile}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("OPENSWF_TLS_CERT", tt.env[0])
			t.Setenv("OPENSWF_TLS_KEY", tt.env[1])
			addr, scheme := startServeScheme(t, tt.args...)
			if scheme != "https" {
				t.Errorf("start-up line says scheme=%s, want https", scheme)
			}
			res, err := client.Get("https://" + addr + "/healthz")
			if err != nil {
				t.Fatalf("GET /healthz over HTTPS: %v", err)
			}
			res.Body.Close()
			if res.StatusCode != http.StatusOK {
				t.Errorf("GET /healthz over HTTPS: %d, want 200", res.StatusCode)
			}
		})
	}
}

// TestServe_TLSStartupErrors checks that serve refuses half a TLS configuration and names a bad file.
func TestServe_TLSStartupErrors(t *testing.T) {
	certFile, keyFile, _ := openswftest.SelfSignedCert(t, t.TempDir())
	missing := filepath.Join(t.TempDir(), "missing.pem")
	for _, tt := range []struct {
		name string
		args []string
		want string
	}{
		{"cert only", []string{"--tls-cert", certFile}, "--tls-key"},
		{"key only", []string{"--tls-key", keyFile}, "--tls-cert"},
		{"missing cert", []string{"--tls-cert", missing, "--tls-key", keyFile}, missing},
		{"swapped", []string{"--tls-cert", keyFile, "--tls-key", certFile}, keyFile},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("OPENSWF_TLS_CERT", "")
			t.Setenv("OPENSWF_TLS_KEY", "")
			args := append([]string{"serve", "--addr", "127.0.0.1:0", "--db", ":memory:"}, tt.args...)
			err := Run(context.Background(), args, io.Discard)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("serve %s: got %v, want an error naming %s", strings.Join(tt.args, " "), err, tt.want)
			}
		})
	}
}
