package node

import (
	"context"
	"crypto/tls"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/openswf/openswf/awsjson"
)

// Defaults of HTTPConfig.
const (
	// DefaultHeaderTimeout bounds reading a request's headers, from its first byte (a new connection's
	// first request: from the connection's start).
	DefaultHeaderTimeout = 10 * time.Second
	// DefaultReadTimeout bounds reading a whole request, headers and body, from its first byte. A body is at
	// most --max-body, 1 MiB by default: 30 s is 35 KB/s, slower than any client that means to finish, and
	// the SDKs' own read timeouts (60–65 s) start only once they have sent the body.
	DefaultReadTimeout = 30 * time.Second
	// DefaultIdleTimeout closes a kept-alive connection that has had no request for this long. It is longer
	// than the idle timeouts of the clients' own connection pools (the AWS SDK for Go v2: 90 s, Java: 60 s),
	// so that a client closes an idle connection before the server does, and never sends a request on one
	// the server is closing at that moment. Clients without one (botocore) re-dial when they find a pooled
	// connection closed.
	DefaultIdleTimeout = 2 * time.Minute
)

// writeMargin is what the write timeout allows beyond reading the request and holding a long poll: time to
// write the largest answer (a history page of 1,000 events, a few MB) to a client reading it slowly.
const writeMargin = 30 * time.Second

// HTTPConfig configures the HTTP server in front of a node. Zero values take the defaults.
type HTTPConfig struct {
	// MaxConns caps the connections served at once; DefaultMaxConns() when zero or less. A connection
	// accepted over the cap is answered 503 ServiceUnavailable and closed.
	MaxConns int
	// HeaderTimeout bounds reading a request's headers; DefaultHeaderTimeout when zero.
	HeaderTimeout time.Duration
	// ReadTimeout bounds reading a whole request, headers and body, from its first byte (a new connection's
	// first request: from the connection's start); DefaultReadTimeout when zero. It does not bound the
	// handler: a long poll holds its request for longer.
	ReadTimeout time.Duration
	// IdleTimeout closes kept-alive connections without a request for this long; DefaultIdleTimeout when
	// zero.
	IdleTimeout time.Duration
	// Logger receives net/http's own errors (accept errors, malformed requests it answers by itself); the
	// node's logger when nil.
	Logger *slog.Logger
	// TLS, when set, makes the server speak HTTPS (TLS 1.2 or later, HTTP/1.1) with this certificate;
	// plain HTTP when nil.
	TLS *TLSCertificate
}

// HTTPServer serves a node's Handler over HTTP/1.1 with the limits of an HTTPConfig: a cap on connections,
// timeouts on reading requests and on idle connections, and a write timeout long enough for the engine's
// long polls.
type HTTPServer struct {
	hs   *http.Server
	next http.Handler
	tls  *tls.Config // nil for plain HTTP

	// served and overCap are semaphores: a token for each connection served, and for each connection being
	// answered 503 because served was full. Their capacities are the caps.
	served  chan struct{}
	overCap chan struct{}
}

// NewHTTPServer returns a server of n's Handler configured by cfg; start it with Serve.
//
// The read timeout does not cut long polls short: net/http lifts the connection's read deadline when it
// starts the background read that watches for the client going away — before the handler if the request
// has no body, at the body's end otherwise — so the deadline passing during a poll fails no read and
// cancels nothing. TestHTTPServer_LongPollOutlivesReadTimeout holds net/http to that.
func (n *Node) NewHTTPServer(cfg HTTPConfig) *HTTPServer {
	if cfg.MaxConns <= 0 {
		cfg.MaxConns = DefaultMaxConns()
	}
	if cfg.HeaderTimeout <= 0 {
		cfg.HeaderTimeout = DefaultHeaderTimeout
	}
	if cfg.ReadTimeout <= 0 {
		cfg.ReadTimeout = DefaultReadTimeout
	}
	if cfg.IdleTimeout <= 0 {
		cfg.IdleTimeout = DefaultIdleTimeout
	}
	if cfg.Logger == nil {
		cfg.Logger = n.log
	}
	s := &HTTPServer{
		next:    n.Handler(),
		served:  make(chan struct{}, cfg.MaxConns),
		overCap: make(chan struct{}, overCapSlots(cfg.MaxConns)),
	}
	if cfg.TLS != nil {
		s.tls = cfg.TLS.config()
	}
	s.hs = &http.Server{
		Handler:           http.HandlerFunc(s.serveHTTP),
		ReadHeaderTimeout: cfg.HeaderTimeout,
		ReadTimeout:       cfg.ReadTimeout,
		IdleTimeout:       cfg.IdleTimeout,
		// net/http sets it once the headers are read, so it covers the rest of the read, the handler and the
		// answer; a long poll answers within PollHold.
		WriteTimeout: cfg.ReadTimeout + n.Engine.PollHold() + writeMargin,
		ConnContext:  connContext,
		ErrorLog:     slog.NewLogLogger(cfg.Logger.Handler(), slog.LevelWarn),
	}
	if need, limit, ok := fdNeed(cfg.MaxConns); ok && need > limit {
		cfg.Logger.Warn("the connection cap exceeds what the open-file limit allows: accepting may fail with "+
			"\"too many open files\" until connections close",
			"max_conns", cfg.MaxConns, "fds_needed", need, "open_file_limit", limit)
	}
	return s
}

// Scheme is "https" when the server speaks TLS, "http" otherwise.
func (s *HTTPServer) Scheme() string {
	if s.tls != nil {
		return "https"
	}
	return "http"
}

// MaxConns is the cap on connections served at once.
func (s *HTTPServer) MaxConns() int { return cap(s.served) }

// Serve accepts connections on ln, up to the cap, and serves them until Shutdown or Close; it then
// returns http.ErrServerClosed. Accept errors that pass (EMFILE among them) make it wait and retry, up to a
// second at a time, as http.Server does.
//
// With TLS, the cap counts connections before their handshake, so that a flood of clients that never
// finish one is capped too. net/http does the handshake itself, under the read timeouts, and answers a
// plain HTTP request on the TLS port with a 400 that says so.
func (s *HTTPServer) Serve(ln net.Listener) error {
	var l net.Listener = &capListener{Listener: ln, s: s}
	if s.tls != nil {
		l = tls.NewListener(l, s.tls)
	}
	return s.hs.Serve(l)
}

// Shutdown stops accepting, closes idle connections and waits for the others to finish their requests,
// until ctx ends. Release long polls first (Engine.Close), or it waits out their hold.
func (s *HTTPServer) Shutdown(ctx context.Context) error { return s.hs.Shutdown(ctx) }

// Close stops accepting and closes every connection at once.
func (s *HTTPServer) Close() error { return s.hs.Close() }

// overCapKey marks the context of a connection accepted over the cap.
type overCapKey struct{}

// connContext marks the requests of a connection accepted over the cap, for serveHTTP to answer 503.
func connContext(ctx context.Context, c net.Conn) context.Context {
	if tc, ok := c.(*tls.Conn); ok {
		c = tc.NetConn()
	}
	if _, ok := c.(*overCapConn); ok {
		return context.WithValue(ctx, overCapKey{}, true)
	}
	return ctx
}

// serveHTTP answers the requests of connections over the cap with a 503, and hands the others to the node.
func (s *HTTPServer) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Context().Value(overCapKey{}) != nil {
		// Connection: close makes net/http hang up after this answer. The body is left unread; net/http
		// then half-closes first and waits a moment, so that the client reads the answer, not a reset.
		w.Header().Set("Connection", "close")
		awsjson.WriteFault(w, awsjson.ServiceUnavailable("The server is at its connection limit; retry later."))
		return
	}
	s.next.ServeHTTP(w, r)
}
