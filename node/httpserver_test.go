package node

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// These tests run on the wall clock: connections time out in real time. Their timeouts are short (a few
// hundred milliseconds) and each wait allows slack seconds beyond them, so that a loaded machine does
// not fail them.

// slack is what every wait for the server allows beyond the timeout that should end it.
const slack = 2 * time.Second

// testHTTP is a node behind an HTTPServer on a loopback port.
type testHTTP struct {
	s    *HTTPServer
	addr string
}

// startHTTP opens a node on a fresh in-memory database with the given long-poll hold and serves it with
// cfg on a loopback port until the test ends.
func startHTTP(t *testing.T, hold time.Duration, cfg HTTPConfig) *testHTTP {
	t.Helper()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	n, err := Open(context.Background(), Config{DB: ":memory:", PollHold: hold, Logger: quiet})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		n.Close()
		t.Fatalf("listen: %v", err)
	}
	s := n.NewHTTPServer(cfg)
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
	return &testHTTP{s: s, addr: ln.Addr().String()}
}

// served is how many connections the server holds under its cap.
func (h *testHTTP) served() int { return len(h.s.served) }

// client is one raw connection to the server.
type client struct {
	t  *testing.T
	c  net.Conn
	br *bufio.Reader
}

// dial opens a raw connection, closed when the test ends.
func (h *testHTTP) dial(t *testing.T) *client {
	t.Helper()
	c, err := net.DialTimeout("tcp", h.addr, 5*time.Second)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return &client{t: t, c: c, br: bufio.NewReader(c)}
}

// healthz is a keep-alive request for GET /healthz.
const healthz = "GET /healthz HTTP/1.1\r\nHost: openswf\r\n\r\n"

// post is a keep-alive SWF request of op with body.
func post(op, body string) string {
	return fmt.Sprintf("POST / HTTP/1.1\r\nHost: openswf\r\nX-Amz-Target: SimpleWorkflowService.%s\r\n"+
		"Content-Type: application/x-amz-json-1.0\r\nContent-Length: %d\r\n\r\n%s", op, len(body), body)
}

// answer is a response as the client read it.
type answer struct {
	status int
	header http.Header
	body   string
	close  bool // Connection: close, which http.ReadResponse takes out of the header
}

// do writes req and reads its answer, within wait.
func (c *client) do(req string, wait time.Duration) (answer, error) {
	c.c.SetDeadline(time.Now().Add(wait))
	defer c.c.SetDeadline(time.Time{})
	if _, err := io.WriteString(c.c, req); err != nil {
		return answer{}, fmt.Errorf("write request: %w", err)
	}
	return c.read()
}

// read reads one answer under the deadline already set.
func (c *client) read() (answer, error) {
	res, err := http.ReadResponse(c.br, nil)
	if err != nil {
		return answer{}, fmt.Errorf("read answer: %w", err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return answer{}, fmt.Errorf("read answer body: %w", err)
	}
	return answer{status: res.StatusCode, header: res.Header, body: string(b), close: res.Close}, nil
}

// mustDo is do that fails the test unless the answer has the given status.
func (c *client) mustDo(req string, status int) answer {
	c.t.Helper()
	a, err := c.do(req, 10*time.Second)
	if err != nil {
		c.t.Fatalf("%s: %v", firstLine(req), err)
	}
	if a.status != status {
		c.t.Fatalf("%s: got %d %s, want %d", firstLine(req), a.status, a.body, status)
	}
	return a
}

// firstLine is the request line of req, to name it in messages.
func firstLine(req string) string { return strings.SplitN(req, "\r", 2)[0] }

// closedBy reports whether the server closes the connection before the deadline: a read then ends with
// EOF or a reset rather than a timeout. Any bytes it reads on the way are returned.
func (c *client) closedBy(deadline time.Time) (bool, string) {
	c.c.SetReadDeadline(deadline)
	b, err := io.ReadAll(c.br)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return false, string(b)
	}
	return true, string(b)
}

// mustServeFresh checks that the server serves GET /healthz on a new connection.
func (h *testHTTP) mustServeFresh(t *testing.T, when string) {
	t.Helper()
	c := h.dial(t)
	a, err := c.do(healthz, 10*time.Second)
	if err != nil || a.status != http.StatusOK || a.body != "ok" {
		t.Fatalf("GET /healthz %s: got %d %q, %v; want 200 \"ok\"", when, a.status, a.body, err)
	}
	c.c.Close()
}

// waitFor polls cond until it holds, failing the test after within.
func waitFor(t *testing.T, what string, within time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited %v for %s", within, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestHTTPServer_IdleConnectionsClosed keeps 200 connections idle after a request and 20 that never send
// one; the server closes all of them after its idle and header timeouts, and serves new connections
// meanwhile and afterwards.
func TestHTTPServer_IdleConnectionsClosed(t *testing.T) {
	// The header timeout runs from a connection's start: longer than the idle timeout, so that a request
	// sent right after the dial is not late even on a loaded machine.
	const (
		idleTimeout   = 300 * time.Millisecond
		headerTimeout = 3 * idleTimeout
	)
	h := startHTTP(t, 0, HTTPConfig{IdleTimeout: idleTimeout, HeaderTimeout: headerTimeout})

	type idle struct {
		c        *client
		deadline time.Time // by which the server must have closed it
	}
	var conns []idle
	for range 200 {
		c := h.dial(t)
		c.mustDo(healthz, http.StatusOK)
		conns = append(conns, idle{c, time.Now().Add(idleTimeout + slack)})
	}
	for range 20 {
		conns = append(conns, idle{h.dial(t), time.Now().Add(headerTimeout + slack)})
	}
	h.mustServeFresh(t, "beside 220 idle connections")

	for i, ic := range conns {
		if closed, got := ic.c.closedBy(ic.deadline); !closed {
			t.Fatalf("connection %d: still open %v past its timeout (idle %v, header %v)", i, slack, idleTimeout, headerTimeout)
		} else if got != "" {
			t.Errorf("connection %d: read %q before the close, want nothing", i, got)
		}
	}
	waitFor(t, "the server to let go of the idle connections", slack, func() bool { return h.served() == 0 })
	h.mustServeFresh(t, "after the idle connections were closed")
}

// TestHTTPServer_SlowBodiesCutOff sends bodies too slowly — 50 connections at a byte every 100 ms, and one
// that declares 900,000 bytes and sends 36 — and checks that the server answers or closes each within the
// read timeout, and serves new connections meanwhile and afterwards.
func TestHTTPServer_SlowBodiesCutOff(t *testing.T) {
	const readTimeout = 500 * time.Millisecond
	h := startHTTP(t, 0, HTTPConfig{ReadTimeout: readTimeout})
	head := "POST / HTTP/1.1\r\nHost: openswf\r\nX-Amz-Target: SimpleWorkflowService.ListDomains\r\n" +
		"Content-Type: application/x-amz-json-1.0\r\nContent-Length: %d\r\n\r\n"

	stop := make(chan struct{})
	var writers sync.WaitGroup
	defer writers.Wait()
	defer close(stop)

	type slow struct {
		c     *client
		since time.Time
	}
	var conns []slow
	for range 50 {
		c := h.dial(t)
		if _, err := fmt.Fprintf(c.c, head, 100); err != nil {
			t.Fatalf("write headers: %v", err)
		}
		conns = append(conns, slow{c, time.Now()})
		writers.Add(1)
		go func() { // a byte every 100 ms, as long as the server takes them
			defer writers.Done()
			tick := time.NewTicker(100 * time.Millisecond)
			defer tick.Stop()
			for range 100 {
				select {
				case <-stop:
					return
				case <-tick.C:
				}
				if _, err := c.c.Write([]byte(" ")); err != nil {
					return
				}
			}
		}()
	}
	big := h.dial(t)
	bigSince := time.Now()
	if _, err := fmt.Fprintf(big.c, head+`{"registrationStatus":"REGISTERED"}`, 900000); err != nil {
		t.Fatalf("write headers: %v", err)
	}
	h.mustServeFresh(t, "beside 51 slow bodies")

	for i, sc := range conns {
		if closed, _ := sc.c.closedBy(sc.since.Add(readTimeout + slack)); !closed {
			t.Fatalf("slow body %d: still open %v after its headers (read timeout %v)", i, time.Since(sc.since), readTimeout)
		}
	}
	// The short body is answered, with the fault of a body that could not be read, before the close.
	big.c.SetReadDeadline(bigSince.Add(readTimeout + slack))
	a, err := big.read()
	if err != nil {
		t.Fatalf("declared 900000 bytes, sent 36: %v after %v, want an answer", err, time.Since(bigSince))
	}
	if a.status != http.StatusBadRequest || a.header.Get("X-Amzn-ErrorType") != "SerializationException" {
		t.Errorf("declared 900000 bytes, sent 36: got %d %s %s, want 400 SerializationException", a.status, a.header.Get("X-Amzn-ErrorType"), a.body)
	}
	if closed, _ := big.closedBy(bigSince.Add(readTimeout + slack)); !closed {
		t.Errorf("declared 900000 bytes, sent 36: connection still open %v after its headers", time.Since(bigSince))
	}
	waitFor(t, "the server to let go of the slow connections", slack, func() bool { return h.served() == 0 })
	h.mustServeFresh(t, "after the slow bodies were cut off")
}

// TestHTTPServer_LongPollOutlivesReadTimeout holds long polls four times as long as the read timeout: each
// answers intact after the whole hold, and its connection serves the next request.
func TestHTTPServer_LongPollOutlivesReadTimeout(t *testing.T) {
	const (
		hold        = 1200 * time.Millisecond
		readTimeout = 300 * time.Millisecond
	)
	h := startHTTP(t, hold, HTTPConfig{ReadTimeout: readTimeout})
	h.dial(t).mustDo(post("RegisterDomain", `{"name":"d","workflowExecutionRetentionPeriodInDays":"1"}`), http.StatusOK)

	var wg sync.WaitGroup
	for _, op := range []string{"PollForActivityTask", "PollForDecisionTask", "PollForActivityTask"} {
		// Sent here, at once after the dial: a connection's first request has the read timeout from the
		// connection's start.
		c := h.dial(t)
		start := time.Now()
		if _, err := io.WriteString(c.c, post(op, `{"domain":"d","taskList":{"name":"empty"}}`)); err != nil {
			t.Fatalf("%s: write request: %v", op, err)
		}
		wg.Go(func() {
			c.c.SetReadDeadline(start.Add(hold + 10*time.Second))
			a, err := c.read()
			took := time.Since(start)
			if err != nil {
				t.Errorf("%s: %v after %v, want an answer after the %v hold", op, err, took, hold)
				return
			}
			var body map[string]any
			if a.status != http.StatusOK || json.Unmarshal([]byte(a.body), &body) != nil || body["__type"] != nil {
				t.Errorf("%s: got %d %s after %v, want 200 and an empty task", op, a.status, a.body, took)
			}
			if took < hold {
				t.Errorf("%s: answered after %v, want the whole %v hold", op, took, hold)
			}
			if _, err := c.do(healthz, 10*time.Second); err != nil {
				t.Errorf("%s: the connection serves no request after the poll: %v", op, err)
			}
		})
	}
	wg.Wait()
}

// isReset reports whether err is a connection reset by the peer.
func isReset(err error) bool {
	var ne *net.OpError
	return errors.As(err, &ne) && strings.Contains(ne.Err.Error(), "connection reset")
}
