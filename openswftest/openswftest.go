// Package openswftest runs an openswf server in-process for tests, ours and our users': a real HTTP
// listener on loopback that the AWS SDKs can point their endpoint at.
package openswftest

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/openswf/openswf/node"
)

// Options configure a test server.
type Options struct {
	// PollHold is how long long polls wait; 55 s when zero.
	PollHold time.Duration
	// DB is the database; a fresh file in the test's temporary directory when empty.
	DB string
}

// Server is a running in-process openswf.
type Server struct {
	URL  string
	Node *node.Node
	http *httptest.Server
}

// New starts a server that stops when the test ends.
func New(tb testing.TB, opts Options) *Server {
	tb.Helper()
	if opts.DB == "" {
		opts.DB = filepath.Join(tb.TempDir(), "openswf.db")
	}
	n, err := node.Open(context.Background(), node.Config{
		DB: opts.DB, PollHold: opts.PollHold,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		tb.Fatalf("open node: %v", err)
	}
	hs := httptest.NewServer(n.Handler())
	s := &Server{URL: hs.URL, Node: n, http: hs}
	tb.Cleanup(s.Close)
	return s
}

// Close stops the server.
func (s *Server) Close() {
	s.http.CloseClientConnections()
	s.Node.Engine.Close()
	s.http.Close()
	s.Node.Store.Close()
}
