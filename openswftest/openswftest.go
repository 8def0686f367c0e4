// Package openswftest runs an openswf server in-process for tests, ours and our users': a real HTTP
// listener on loopback that the AWS SDKs can point their endpoint at.
package openswftest

import (
	"context"
	"crypto/x509"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/openswf/openswf/iam"
	"github.com/openswf/openswf/node"
	"github.com/openswf/openswf/postgres/pgtest"
)

// EnvStore is the environment variable that chooses the store of servers given no Options.DB: "postgres"
// for PostgreSQL, SQLite otherwise.
const EnvStore = "OPENSWF_TEST_STORE"

// Options configure a test server.
type Options struct {
	// PollHold is how long long polls wait; 55 s when zero.
	PollHold time.Duration
	// DB is the database; when empty, a fresh file in the test's temporary directory, or, when the
	// environment variable OPENSWF_TEST_STORE is "postgres", a fresh schema of the PostgreSQL database that
	// OPENSWF_TEST_POSTGRES names (package pgtest), so that a whole suite runs once on each store.
	DB string
	// TLS serves HTTPS with a fresh self-signed certificate (SelfSignedCert); Server.RootCAs trusts it.
	TLS bool
	// Auth turns access control on with this configuration (iam.ParseConfig of an --auth file).
	Auth *iam.Config
	// RateLimit bounds each access key's requests per second (--rate-limit); 0 for none.
	RateLimit float64
	// Console serves the web console at /ui/ (--console); off by default in tests. ConsoleInterval is how
	// often its overview samples the metrics (5 s when zero).
	Console         bool
	ConsoleInterval time.Duration
}

// Server is a running in-process openswf.
type Server struct {
	URL  string
	Node *node.Node
	// RootCAs holds the server's certificate when Options.TLS is set, for a client's tls.Config; nil
	// otherwise.
	RootCAs *x509.CertPool

	http   *node.HTTPServer
	served chan struct{} // closed when Serve returns
	close  sync.Once
}

// stopTimeout bounds Close's wait for requests in flight once long polls are released; past it, their
// connections are closed under them.
const stopTimeout = 5 * time.Second

// New starts a server that stops when the test ends.
func New(tb testing.TB, opts Options) *Server {
	tb.Helper()
	switch {
	case opts.DB != "":
	case os.Getenv(EnvStore) == "postgres":
		opts.DB = pgtest.Schema(tb)
	default:
		opts.DB = filepath.Join(tb.TempDir(), "openswf.db")
	}
	var cert *node.TLSCertificate
	var roots *x509.CertPool
	if opts.TLS {
		certFile, keyFile, pool := SelfSignedCert(tb, tb.TempDir())
		c, err := node.LoadTLSCertificate(certFile, keyFile)
		if err != nil {
			tb.Fatalf("load TLS certificate: %v", err)
		}
		cert, roots = c, pool
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	n, err := node.Open(context.Background(), node.Config{DB: opts.DB, PollHold: opts.PollHold, Auth: opts.Auth, RateLimit: opts.RateLimit, Console: opts.Console, ConsoleInterval: opts.ConsoleInterval, Logger: quiet})
	if err != nil {
		tb.Fatalf("open node: %v", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		n.Close()
		tb.Fatalf("listen: %v", err)
	}
	// The server openswf serve runs, with its defaults: tests meet the same connection limits and timeouts
	// as clients of the real thing.
	hs := n.NewHTTPServer(node.HTTPConfig{TLS: cert})
	s := &Server{URL: hs.Scheme() + "://" + ln.Addr().String(), Node: n, RootCAs: roots, http: hs, served: make(chan struct{})}
	go func() {
		defer close(s.served)
		hs.Serve(ln) // http.ErrServerClosed once Close stops it; a failed accept shows as failed requests
	}()
	tb.Cleanup(s.Close)
	return s
}

// Close stops the server: it releases long polls, waits for requests in flight to finish, closes the
// connections and then the store. Calling it again does nothing.
func (s *Server) Close() {
	s.close.Do(func() {
		s.Node.Engine.Close()
		ctx, cancel := context.WithTimeout(context.Background(), stopTimeout)
		defer cancel()
		if err := s.http.Shutdown(ctx); err != nil {
			s.http.Close()
		}
		<-s.served
		s.Node.Close()
	})
}
