package bench

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/openswf/openswf/node"
)

const (
	// startTimeout bounds the wait for a started server's "openswf listening" line.
	startTimeout = 2 * time.Minute
	// stopTimeout bounds a graceful stop before the bench kills the server.
	stopTimeout = 15 * time.Second
)

// listenPattern finds the listener address in the server's slog line
// `... msg="openswf listening" addr=127.0.0.1:40123 db=...`.
var listenPattern = regexp.MustCompile(`addr=(\S+)`)

// server is the SWF endpoint of one run: external (only a URL), in-process (a node and its listener), or a
// child process.
type server struct {
	url  string   // the first node's
	urls []string // every node's, url first
	db   string
	errs *logCounter

	// in-process
	node *node.Node
	hs   *http.Server

	// dropSchema drops the run's PostgreSQL schema; nil on SQLite.
	dropSchema func() error

	// child process
	exe   string
	hold  time.Duration
	child *child
	// more are the nodes after the first, and nodeIDs the node ids of all, when the bench started several
	// on one PostgreSQL database.
	more    []*child
	nodeIDs []string
}

// children are the server's processes, first node first.
func (s *server) children() []*child {
	if s.child == nil {
		return nil
	}
	return append([]*child{s.child}, s.more...)
}

// pids are the server's process ids, one per node: see pid.
func (s *server) pids() []int {
	if len(s.more) == 0 {
		return []int{s.pid()}
	}
	var pids []int
	for _, c := range s.children() {
		pids = append(pids, c.cmd.Process.Pid)
	}
	return pids
}

// startServer returns the run's endpoint: the configured one, or a fresh openswf on its own database.
func (b *bencher) startServer(ctx context.Context, workload string) (*server, error) {
	s := &server{errs: &logCounter{}}
	if b.cfg.Endpoint != "" {
		s.url, s.urls = b.cfg.Endpoint, []string{b.cfg.Endpoint}
		return s, nil
	}
	s.db = b.cfg.DB
	switch {
	case s.db == "":
		s.db = filepath.Join(b.tmp, fmt.Sprintf("%s-%d.db", workload, b.seq.Add(1)))
	case isPostgres(s.db):
		// A schema of its own per run, as a file of its own per run on SQLite.
		name := fmt.Sprintf("bench_%d_%s_%d", os.Getpid(), strings.ReplaceAll(workload, "-", "_"), b.seq.Add(1))
		var err error
		if s.db, s.dropSchema, err = freshSchema(ctx, s.db, name); err != nil {
			return nil, err
		}
	}
	auth := workload == WorkloadHeartbeatAuth
	if b.cfg.ServerExec == "" {
		err := s.startInProcess(ctx, b.cfg.PollHold, auth)
		s.urls = []string{s.url}
		return s, err
	}
	s.exe, s.hold = b.cfg.ServerExec, b.cfg.PollHold
	var extra []string
	if auth {
		file, err := writeAuthFile(b.tmp)
		if err != nil {
			return nil, err
		}
		extra = []string{"--auth", file}
	}
	if workload == WorkloadFailover {
		extra = append(extra, "--lease", failoverLease.String())
	}
	// The nodes start one after another, so that each finds the others registered and the timer leases
	// settle into equal shares from the start.
	for i := range b.cfg.Nodes {
		args := extra
		if isPostgres(s.db) {
			id := fmt.Sprintf("bench%d", i+1)
			s.nodeIDs = append(s.nodeIDs, id)
			args = append(slices.Clone(extra), "--node-id", id)
		}
		c, err := startChild(ctx, s.exe, s.db, "127.0.0.1:0", s.hold, s.errs, args...)
		if err != nil {
			s.stop()
			return nil, err
		}
		addr, _, err := c.waitListening(ctx, startTimeout)
		if err != nil {
			c.kill()
			s.stop()
			return nil, err
		}
		if i == 0 {
			s.child, s.url = c, "http://"+addr
		} else {
			s.more = append(s.more, c)
		}
		s.urls = append(s.urls, "http://"+addr)
	}
	return s, nil
}

// startInProcess opens a node on the server's database, with the bench's access control file when auth is
// set.
func (s *server) startInProcess(ctx context.Context, hold time.Duration, auth bool) error {
	log := slog.New(slog.NewTextHandler(s.errs, &slog.HandlerOptions{Level: slog.LevelWarn}))
	cfg := node.Config{DB: s.db, PollHold: hold, Logger: log}
	if auth {
		var err error
		if cfg.Auth, err = authConfig(); err != nil {
			return err
		}
	}
	n, err := node.Open(ctx, cfg)
	if err != nil {
		return fmt.Errorf("open in-process server: %w", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		n.Close()
		return fmt.Errorf("listen: %w", err)
	}
	s.node = n
	s.hs = &http.Server{Handler: n.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go s.hs.Serve(ln)
	s.url = "http://" + ln.Addr().String()
	return nil
}

// pid is the server's process id: the child's, the bench's own for an in-process server, 0 for an external
// one.
func (s *server) pid() int {
	switch {
	case s.child != nil:
		return s.child.cmd.Process.Pid
	case s.node != nil:
		return os.Getpid()
	}
	return 0
}

// peakRSS reads the server's peak resident set size (VmHWM) in bytes; 0 when it cannot be known.
func (s *server) peakRSS() int64 {
	pid := s.pid()
	if pid == 0 {
		return 0
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			f := strings.Fields(v) // "123456 kB"
			if len(f) == 2 && f[1] == "kB" {
				kb, err := strconv.ParseInt(f[0], 10, 64)
				if err == nil {
					return kb * 1024
				}
			}
		}
	}
	return 0
}

// stop stops a server the bench started: gracefully, then by force.
func (s *server) stop() error {
	switch {
	case s.child != nil:
		// Several nodes stop at once: one after another, each would wait for the others' leases.
		errs := make([]error, len(s.more)+1)
		var wg sync.WaitGroup
		for i, c := range s.children() {
			wg.Go(func() { errs[i] = c.stop() })
		}
		wg.Wait()
		return errors.Join(errs...)
	case s.node != nil:
		// Release long polls first so that Shutdown does not wait out their hold.
		s.node.Engine.Close()
		ctx, cancel := context.WithTimeout(context.Background(), stopTimeout)
		defer cancel()
		err := s.hs.Shutdown(ctx)
		return errors.Join(err, s.node.Close())
	}
	return nil
}

// child is an openswf server process.
type child struct {
	cmd       *exec.Cmd
	started   time.Time // just before the process was started
	listening chan listenEvent
	exited    chan struct{}
	waitErr   error // set before exited is closed
	tail      *tailLines
}

type listenEvent struct {
	addr string
	at   time.Time
}

// startChild starts `exe serve` on db, listening on addr, with extra flags after the others.
func startChild(ctx context.Context, exe, db, addr string, hold time.Duration, errs *logCounter, extra ...string) (*child, error) {
	args := append([]string{"serve", "--addr", addr, "--db", db, "--poll-hold", hold.String()}, extra...)
	return startProcess(ctx, exe, args, errs)
}

// startProcess starts exe with args. Its stderr is scanned for the listening line and for errors; the last
// lines are kept for error messages.
func startProcess(ctx context.Context, exe string, args []string, errs *logCounter) (*child, error) {
	pr, pw, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("pipe: %w", err)
	}
	cmd := exec.CommandContext(ctx, exe, args...)
	// The child writes to the pipe's write end directly: Wait neither copies nor closes the read end, so the
	// scanner below reads until the child's last line even after it exited.
	cmd.Stderr = pw
	c := &child{cmd: cmd, listening: make(chan listenEvent, 1), exited: make(chan struct{}), tail: &tailLines{max: 20}}
	c.started = time.Now()
	err = cmd.Start()
	pw.Close()
	if err != nil {
		pr.Close()
		return nil, fmt.Errorf("start %s: %w", exe, err)
	}
	go func() {
		defer pr.Close()
		sc := bufio.NewScanner(pr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		announced := false
		for sc.Scan() {
			line := sc.Text()
			c.tail.add(line)
			if !announced && strings.Contains(line, "openswf listening") {
				if m := listenPattern.FindStringSubmatch(line); m != nil {
					announced = true
					c.listening <- listenEvent{addr: m[1], at: time.Now()}
					continue
				}
			}
			errs.Write([]byte(line + "\n"))
		}
	}()
	go func() {
		c.waitErr = cmd.Wait()
		close(c.exited)
	}()
	return c, nil
}

// waitListening waits for the child's listening line.
func (c *child) waitListening(ctx context.Context, timeout time.Duration) (string, time.Time, error) {
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case ev := <-c.listening:
		return ev.addr, ev.at, nil
	case <-c.exited:
		// The scanner may still hold the last lines: give it a moment.
		time.Sleep(50 * time.Millisecond)
		return "", time.Time{}, fmt.Errorf("server exited before listening (%v):\n%s", c.waitErr, c.tail.String())
	case <-t.C:
		return "", time.Time{}, fmt.Errorf("server not listening after %v:\n%s", timeout, c.tail.String())
	case <-ctx.Done():
		return "", time.Time{}, ctx.Err()
	}
}

// kill sends SIGKILL and waits for the process to end.
func (c *child) kill() {
	c.cmd.Process.Signal(syscall.SIGKILL)
	<-c.exited
}

// stop asks the child to stop with SIGTERM and kills it if it has not stopped within stopTimeout.
func (c *child) stop() error {
	select {
	case <-c.exited:
		return nil // killed, or died: a death is reported by the workload that notices it
	default:
	}
	if err := c.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		c.kill()
		return nil
	}
	select {
	case <-c.exited:
		return nil
	case <-time.After(stopTimeout):
		c.kill()
		return fmt.Errorf("server did not stop within %v of SIGTERM; killed", stopTimeout)
	}
}

// logCounter is an io.Writer of server log lines that counts the errors among them and keeps the first few.
type logCounter struct {
	mu     sync.Mutex
	n      int64
	lines  []string
	buffer []byte
}

func (l *logCounter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buffer = append(l.buffer, p...)
	for {
		i := bytes.IndexByte(l.buffer, '\n')
		if i < 0 {
			break
		}
		line := string(l.buffer[:i])
		l.buffer = l.buffer[i+1:]
		// A long poll the bench gives up on (it cancels parked pollers at the end of a setup) is logged by
		// openswf as an internal failure whose error ends in "context canceled": the bench's doing, not the
		// server's trouble, so it is not counted.
		clientGone := strings.Contains(line, "context canceled")
		if !clientGone && (strings.Contains(line, "level=ERROR") || strings.HasPrefix(line, "panic:") ||
			strings.HasPrefix(line, "fatal error:")) {
			l.n++
			if len(l.lines) < 5 {
				l.lines = append(l.lines, line)
			}
		}
	}
	return len(p), nil
}

func (l *logCounter) count() int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.n
}

func (l *logCounter) first() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.lines...)
}

// tailLines keeps the last max lines written.
type tailLines struct {
	mu    sync.Mutex
	max   int
	lines []string
}

func (t *tailLines) add(line string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.lines = append(t.lines, line)
	if len(t.lines) > t.max {
		t.lines = t.lines[len(t.lines)-t.max:]
	}
}

func (t *tailLines) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return strings.Join(t.lines, "\n")
}

var _ io.Writer = (*logCounter)(nil)
