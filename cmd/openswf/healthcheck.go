package main

import (
	"context"
	"crypto/tls"
	"flag"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// healthcheck is the healthcheck command: it GETs a running server's /readyz (or --path) and succeeds on 200
// only. It is for images without a shell or an HTTP client (scratch, distroless), whose health check can
// run only the binary itself.
func healthcheck(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("healthcheck", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: openswf healthcheck [flags]\n\nAsks a running server whether it is ready (GET /readyz) and exits 0 if it answers 200, 1 otherwise.\nEvery flag may instead be set with its environment variable; OPENSWF_ADDR is serve's too.\n\n")
		fs.PrintDefaults()
	}
	addr := fs.String("addr", "127.0.0.1:7740", "the server's address, as given to serve --addr; a wildcard host (0.0.0.0, [::]) asks the local one")
	path := fs.String("path", "/readyz", "the probe: /readyz (storage writable) or /healthz (the store answers)")
	useTLS := fs.Bool("tls", false, "speak HTTPS, for a server with --tls-cert; the certificate is not verified, since the probe sends nothing secret and is meant for the server beside it")
	timeout := fs.Duration("timeout", 5*time.Second, "give up after this long")
	documentEnv(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := applyEnv(fs); err != nil {
		return err
	}
	if !strings.HasPrefix(*path, "/") {
		return fmt.Errorf("--path %q: want a path such as /readyz", *path)
	}
	scheme := "http"
	client := &http.Client{Timeout: *timeout}
	if *useTLS {
		scheme = "https"
		client.Transport = &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}
	}
	url := scheme + "://" + *addr + *path
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	res, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(res.Body, 512))
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck: GET %s: %s: %s", url, res.Status, strings.TrimSpace(string(body)))
	}
	fmt.Fprintf(out, "%s: %s\n", url, strings.TrimSpace(string(body)))
	return nil
}
