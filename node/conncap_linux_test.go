package node

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// fileLimitEnv carries the open-file limit a child process of TestHTTPServer_UnderFileLimit serves under.
const fileLimitEnv = "OPENSWF_NODE_TEST_FILE_LIMIT"

// TestHTTPServer_UnderFileLimit runs a server in a child process with an open-file limit of 256 and the
// default cap, and connects to it past both: the cap comes from the limit, the connections under it are
// served, the process never runs out of descriptors (no failed accept), and once the connections go away
// new ones are served. The server runs in a child because the limit is the process's, and the client's
// connections would count against it.
func TestHTTPServer_UnderFileLimit(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process")
	}
	const limit = 256
	cmd := exec.Command(os.Args[0], "-test.run=^TestHTTPServer_FileLimitChild$", "-test.count=1")
	// The same GOMAXPROCS, for the same fdReserve.
	cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%d", fileLimitEnv, limit), fmt.Sprintf("GOMAXPROCS=%d", runtime.GOMAXPROCS(0)))
	var logs bytes.Buffer // read only after Wait
	cmd.Stderr = &logs
	stdin, err := cmd.StdinPipe() // closing it stops the child
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start child: %v", err)
	}
	stopped := false
	stop := func() {
		if stopped {
			return
		}
		stopped = true
		stdin.Close()
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("child: %v\n%s", err, logs.String())
			}
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-done
			t.Errorf("child did not stop within 10 s of its stdin closing")
		}
	}
	t.Cleanup(stop)

	// The child prints "listening <addr> <cap>".
	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if strings.HasPrefix(sc.Text(), "listening ") {
				lines <- sc.Text()
				break
			}
		}
		io.Copy(io.Discard, stdout)
	}()
	var line string
	select {
	case line = <-lines:
	case <-time.After(30 * time.Second):
		t.Fatal("child printed no listening line within 30 s")
	}
	var addr string
	var maxConns int
	if _, err := fmt.Sscanf(line, "listening %s %d", &addr, &maxConns); err != nil {
		t.Fatalf("child's line %q: %v", line, err)
	}
	if want := defaultMaxConns(limit, fdReserve()); maxConns != want {
		t.Errorf("cap under a limit of %d: got %d, want %d", limit, maxConns, want)
	}
	h := &testHTTP{addr: addr}

	var conns []*client
	for i := range maxConns {
		c := h.dial(t)
		if a, err := c.do(healthz, 10*time.Second); err != nil || a.status != http.StatusOK {
			t.Fatalf("connection %d of %d under the cap: got %d, %v; want 200", i+1, maxConns, a.status, err)
		}
		conns = append(conns, c)
	}
	// Past the cap and past the connections answered over it: every descriptor the child may take.
	for range 2 * maxOverCap {
		conns = append(conns, h.dial(t))
	}
	c := h.dial(t)
	if a, err := c.do(healthz, 10*time.Second); err == nil && a.status != http.StatusServiceUnavailable {
		t.Errorf("over the cap: got %d, want 503 or the connection closed", a.status)
	}
	fds, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", cmd.Process.Pid))
	if err != nil {
		t.Fatalf("count the child's descriptors: %v", err)
	}
	if len(fds) >= limit {
		t.Errorf("child holds %d descriptors, want fewer than its limit %d", len(fds), limit)
	}
	t.Logf("cap %d under a limit of %d: child holds %d descriptors at the peak", maxConns, limit, len(fds))

	// Let every connection go; the server serves new ones again once it has let go of them.
	for _, c := range conns {
		c.c.Close()
	}
	deadline := time.Now().Add(overCapTimeout + slack)
	for {
		c := h.dial(t)
		a, err := c.do(healthz, slack)
		c.c.Close()
		if err == nil && a.status == http.StatusOK {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after the connections closed: got %d, %v; want 200", a.status, err)
		}
		time.Sleep(50 * time.Millisecond)
	}

	stop()
	for _, bad := range []string{"too many open files", "Accept error"} {
		if strings.Contains(logs.String(), bad) {
			t.Errorf("child's log has %q:\n%s", bad, logs.String())
		}
	}
}

// TestHTTPServer_FileLimitChild is the server of TestHTTPServer_UnderFileLimit; it does nothing unless that
// test started it. It lowers its open-file limit, serves a node with the default cap, prints "listening
// <addr> <cap>" and serves until its stdin closes.
func TestHTTPServer_FileLimitChild(t *testing.T) {
	v := os.Getenv(fileLimitEnv)
	if v == "" {
		t.Skip("the child of TestHTTPServer_UnderFileLimit")
	}
	limit, err := strconv.ParseUint(v, 10, 64)
	if err != nil {
		t.Fatalf("%s=%q: %v", fileLimitEnv, v, err)
	}
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &syscall.Rlimit{Cur: limit, Max: limit}); err != nil {
		t.Fatalf("lower the open-file limit: %v", err)
	}
	n, err := Open(context.Background(), Config{DB: ":memory:", Logger: slog.New(slog.NewTextHandler(os.Stderr, nil))})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer n.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	s := n.NewHTTPServer(HTTPConfig{})
	go s.Serve(ln)
	fmt.Printf("listening %s %d\n", ln.Addr(), s.MaxConns())
	io.Copy(io.Discard, os.Stdin)
	n.Engine.Close()
	s.Close()
}
