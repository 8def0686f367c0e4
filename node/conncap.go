package node

import (
	"net"
	"runtime"
	"sync"
	"time"
)

const (
	// maxDefaultConns is the most connections the default cap allows, whatever the open-file limit: an idle
	// connection holds about 33 KB (its goroutine and buffers), so 10,000 of them hold about 330 MB.
	maxDefaultConns = 10000
	// minDefaultConns is the least: under an open-file limit too low to leave room for more, a server still
	// serves a few clients (and --max-conns can say otherwise).
	minDefaultConns = 16
	// maxOverCap is the most connections over the cap answered at once (fewer under a lower cap). Each holds
	// its descriptor for at most overCapTimeout and net/http's half-second wait before closing; connections
	// beyond these are closed at once, unanswered, so that they do not make accept fail for everyone.
	maxOverCap = 64
	// overCapTimeout bounds the life of a connection over the cap: time for a client to send its request's
	// headers and read the 503.
	overCapTimeout = 2 * time.Second
)

// DefaultMaxConns is the connection cap when HTTPConfig.MaxConns is not set: what the open-file limit
// (RLIMIT_NOFILE) leaves once the process's own files and the connections being answered over the cap have
// their descriptors, between 16 and 10,000. Without a known limit it is 10,000.
func DefaultMaxConns() int {
	limit, ok := openFileLimit()
	if !ok {
		return maxDefaultConns
	}
	return defaultMaxConns(limit, fdReserve())
}

// defaultMaxConns is DefaultMaxConns for an open-file limit and the descriptors reserved for the process.
func defaultMaxConns(limit uint64, reserve int) int {
	taken := uint64(reserve + maxOverCap)
	if limit < taken+minDefaultConns {
		return minDefaultConns
	}
	return int(min(limit-taken, maxDefaultConns))
}

// fdReserve is how many descriptors the process keeps for itself beside connections: SQLite's (a database
// and a WAL descriptor for each pooled connection — max(4, GOMAXPROCS) readers, the writer, the
// checkpointer — and one -shm), the heartbeat journal, the listener, the poller, stdio, profiles. A server
// on 2 cores holds about 20.
func fdReserve() int { return 64 + 2*runtime.GOMAXPROCS(0) }

// overCapSlots is how many connections over a cap of maxConns are answered at once.
func overCapSlots(maxConns int) int { return max(1, min(maxOverCap, maxConns)) }

// fdNeed reports how many descriptors a server capped at maxConns may hold at most, with the process's own,
// and the open-file limit; ok is false when the limit is unknown.
func fdNeed(maxConns int) (need, limit uint64, ok bool) {
	limit, ok = openFileLimit()
	return uint64(maxConns + overCapSlots(maxConns) + fdReserve()), limit, ok
}

// capListener hands the server at most cap(s.served) connections to serve, and up to cap(s.overCap) more
// to answer 503, and closes any others as it accepts them. A connection it never accepted would wait in the
// kernel's backlog until the client gave up, and a server that accepted without a cap would run out of
// descriptors and fail every accept, for everyone.
type capListener struct {
	net.Listener
	s *HTTPServer
}

// Accept returns the next connection: one to serve while the cap allows, else one to answer over the cap.
// Its errors are the listener's, so that http.Server still retries those that pass (EMFILE).
func (l *capListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		select {
		case l.s.served <- struct{}{}:
			return &capConn{Conn: c, slots: l.s.served}, nil
		default:
		}
		select {
		case l.s.overCap <- struct{}{}:
			oc := &overCapConn{capConn: capConn{Conn: c, slots: l.s.overCap}, until: time.Now().Add(overCapTimeout)}
			_ = oc.SetDeadline(time.Time{}) // i.e. until
			return oc, nil
		default:
		}
		// Too many to answer: the client sees the connection closed, which the SDKs retry as a
		// connection error.
		_ = c.Close()
	}
}

// capConn is a connection holding a token of slots, which it gives back when it is closed.
type capConn struct {
	net.Conn
	slots chan struct{}
	once  sync.Once
}

// Close closes the connection and gives its token back.
func (c *capConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(func() { <-c.slots })
	return err
}

// CloseWrite half-closes a TCP connection. net/http looks for it to send its FIN before closing a
// connection whose request body it left unread, so that the client reads the answer rather than a reset;
// the wrapper would hide the TCP connection's own.
func (c *capConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}

// overCapConn is a connection accepted over the cap: its deadlines never reach past until, whatever
// http.Server sets, so that it gives its descriptor back soon.
type overCapConn struct {
	capConn
	until time.Time
}

// SetDeadline sets the read and write deadlines, no later than until.
func (c *overCapConn) SetDeadline(t time.Time) error { return c.Conn.SetDeadline(c.clamp(t)) }

// SetReadDeadline sets the read deadline, no later than until.
func (c *overCapConn) SetReadDeadline(t time.Time) error { return c.Conn.SetReadDeadline(c.clamp(t)) }

// SetWriteDeadline sets the write deadline, no later than until.
func (c *overCapConn) SetWriteDeadline(t time.Time) error { return c.Conn.SetWriteDeadline(c.clamp(t)) }

// clamp is t, or until if t is later or none (zero).
func (c *overCapConn) clamp(t time.Time) time.Time {
	if t.IsZero() || t.After(c.until) {
		return c.until
	}
	return t
}
