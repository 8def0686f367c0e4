package bench

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// echoHandler is the trivial JSON endpoint of the echo workload: it reads the request to its end and answers
// what an SWF server answers a heartbeat, with a request id, doing none of the work.
type echoHandler struct {
	prefix string // random per handler, so that request ids are unique across runs
	n      atomic.Uint64
}

func newEchoHandler() *echoHandler {
	b := make([]byte, 8)
	rand.Read(b)
	return &echoHandler{prefix: hex.EncodeToString(b)}
}

// echoAnswer is the echo endpoint's answer to every request.
const echoAnswer = `{"cancelRequested":false}`

func (h *echoHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	io.Copy(io.Discard, r.Body)
	hdr := w.Header()
	hdr["Content-Type"] = []string{"application/x-amz-json-1.0"}
	hdr["X-Amzn-Requestid"] = []string{h.prefix + "-" + strconv.FormatUint(h.n.Add(1), 16)}
	hdr["Content-Length"] = []string{strconv.Itoa(len(echoAnswer))}
	io.WriteString(w, echoAnswer)
}

// echoToken stands in for a task token in echo requests, about as long as an openswf token, so that the
// requests weigh what heartbeats weigh.
func echoToken(i int) string {
	return fmt.Sprintf("bench-echo-%06d-%s", i, strings.Repeat("x", 160))
}

// EchoCommand is the subcommand of the bench's command that serves the echo endpoint in a process of its
// own: `openswf-bench EchoCommand --addr 127.0.0.1:0`.
const EchoCommand = "bench-echo"

// ServeEcho serves the echo endpoint on addr until ctx ends. It writes one line to logw once it listens,
// naming the address the way `openswf serve` does, so that the bench finds it the same way.
func ServeEcho(ctx context.Context, addr string, logw io.Writer) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	hs := &http.Server{Handler: newEchoHandler(), ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	fmt.Fprintf(logw, "msg=\"openswf listening\" workload=echo addr=%s\n", ln.Addr())
	select {
	case err := <-errc:
		return fmt.Errorf("serve echo: %w", err)
	case <-ctx.Done():
		return hs.Close()
	}
}

// startEcho starts the echo endpoint where the bench starts openswf: in a child process when the server is
// one (so that echo, like the server, answers from another process than the client's), else in-process.
// It returns the endpoint's URL and a function that stops it.
func (b *bencher) startEcho(ctx context.Context) (url string, pid int, stop func(), err error) {
	if b.cfg.ServerExec == "" || b.cfg.EchoExec == "" || b.cfg.Endpoint != "" {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return "", 0, nil, fmt.Errorf("listen: %w", err)
		}
		hs := &http.Server{Handler: newEchoHandler(), ReadHeaderTimeout: 10 * time.Second}
		go hs.Serve(ln)
		return "http://" + ln.Addr().String(), 0, func() { hs.Close() }, nil
	}
	c, err := startProcess(ctx, b.cfg.EchoExec, []string{EchoCommand, "--addr", "127.0.0.1:0"}, &logCounter{})
	if err != nil {
		return "", 0, nil, err
	}
	addr, _, err := c.waitListening(ctx, startTimeout)
	if err != nil {
		c.kill()
		return "", 0, nil, err
	}
	return "http://" + addr, c.cmd.Process.Pid, func() {
		if err := c.stop(); err != nil {
			b.logf("echo: %v", err)
		}
	}, nil
}

// echo drives the echo endpoint with the configured client and workers: the ceiling of the machine for
// this client, measured in the same run.
func (b *bencher) echo(ctx context.Context) (Result, error) {
	url, pid, stop, err := b.startEcho(ctx)
	if err != nil {
		return Result{}, err
	}
	defer stop()
	tokens := make([]string, b.cfg.Workers)
	for i := range tokens {
		tokens[i] = echoToken(i)
	}
	cpu := startCPUMeter(pid)
	l := drive(ctx, b.heartbeatCalls([]string{url}, tokens), b.cfg.Duration, b.cfg.Rate)
	serverCPU := cpu.perOp(l.ops)
	b.closeClients()
	for _, msg := range l.firstErrors {
		b.logf("echo: error: %s", msg)
	}
	r := l.result(WorkloadEcho, b.cfg.Client, b.cfg.Workers)
	r.ServerCPU = serverCPU
	return r, ctx.Err()
}
