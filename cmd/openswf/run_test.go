package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// listening finds the address, the scheme and the cap in serve's
// `msg="openswf listening" addr=… scheme=… db=… max_conns=…`.
var listening = regexp.MustCompile(`msg="openswf listening" addr=(\S+) scheme=(\S+) .*max_conns=(\d+)`)

// startServe runs `openswf serve` with args on a loopback port and an in-memory database until the test
// ends, and returns its address and connection cap as it logged them.
func startServe(t *testing.T, args ...string) (addr string, maxConns int) {
	t.Helper()
	addr, _, maxConns = startServeLine(t, args...)
	return addr, maxConns
}

// startServeScheme is startServe returning the scheme the server logged instead of its cap.
func startServeScheme(t *testing.T, args ...string) (addr, scheme string) {
	t.Helper()
	addr, scheme, _ = startServeLine(t, args...)
	return addr, scheme
}

// startServeLine is startServe returning all that the listening line says.
func startServeLine(t *testing.T, args ...string) (addr, scheme string, maxConns int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0", "--db", ":memory:"}, args...), pw)
		pw.Close()
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serve: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Errorf("serve did not stop within 10 s of its context's end")
		}
	})
	found := make(chan []string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			if m := listening.FindStringSubmatch(sc.Text()); m != nil {
				found <- m
			}
		}
	}()
	select {
	case m := <-found:
		fmt.Sscan(m[3], &maxConns)
		return m[1], m[2], maxConns
	case err := <-done:
		t.Fatalf("serve stopped before listening: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("serve logged no listening line within 30 s")
	}
	return "", "", 0
}

// get sends GET /healthz on a new kept-alive connection and returns the status, leaving the connection
// open until the test ends.
func get(t *testing.T, addr string) int {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(c, "GET /healthz HTTP/1.1\r\nHost: openswf\r\n\r\n"); err != nil {
		t.Fatalf("write request: %v", err)
	}
	res, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("read answer: %v", err)
	}
	res.Body.Close()
	return res.StatusCode
}

// TestServe_MaxConns checks that serve caps connections at --max-conns, or OPENSWF_MAX_CONNS without the
// flag: the connection over the cap is answered 503.
func TestServe_MaxConns(t *testing.T) {
	for _, tt := range []struct {
		name string
		env  string
		args []string
		want int
	}{
		{name: "flag", args: []string{"--max-conns", "2"}, want: 2},
		{name: "env", env: "1", want: 1},
		{name: "flag over env", env: "1", args: []string{"--max-conns", "3"}, want: 3},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("OPENSWF_MAX_CONNS", tt.env)
			addr, got := startServe(t, tt.args...)
			if got != tt.want {
				t.Fatalf("logged max_conns=%d, want %d", got, tt.want)
			}
			for i := range tt.want {
				if status := get(t, addr); status != http.StatusOK {
					t.Errorf("connection %d of %d: got %d, want 200", i+1, tt.want, status)
				}
			}
			if status := get(t, addr); status != http.StatusServiceUnavailable {
				t.Errorf("connection over the cap: got %d, want 503", status)
			}
		})
	}
}

// TestServe_BadMaxConns checks that serve refuses a connection cap that is not a count.
func TestServe_BadMaxConns(t *testing.T) {
	t.Setenv("OPENSWF_MAX_CONNS", "-5")
	err := Run(context.Background(), []string{"serve", "--addr", "127.0.0.1:0", "--db", ":memory:"}, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "OPENSWF_MAX_CONNS") {
		t.Errorf("serve with OPENSWF_MAX_CONNS=-5: got %v, want an error naming it", err)
	}
	t.Setenv("OPENSWF_MAX_CONNS", "")
	err = Run(context.Background(), []string{"serve", "--addr", "127.0.0.1:0", "--db", ":memory:", "--max-conns", "-1"}, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "--max-conns") {
		t.Errorf("serve --max-conns -1: got %v, want an error naming it", err)
	}
}

// A server that cannot bind its port stops before it creates its database file.
func TestServe_BusyPortCreatesNoDatabase(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	db := filepath.Join(t.TempDir(), "never.db")
	err = Run(context.Background(), []string{"serve", "--addr", busy.Addr().String(), "--db", db}, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "listen") {
		t.Fatalf("serve on a busy port: got %v, want a listen error", err)
	}
	if _, err := os.Stat(db); !os.IsNotExist(err) {
		t.Errorf("serve on a busy port left %s behind (stat: %v)", db, err)
	}
}
