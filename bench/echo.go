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

// echo drives the bench's own echo endpoint with the configured client and workers: the ceiling of the
// machine for this client, measured in the same run.
func (b *bencher) echo(ctx context.Context) (Result, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return Result{}, fmt.Errorf("listen: %w", err)
	}
	hs := &http.Server{Handler: newEchoHandler(), ReadHeaderTimeout: 10 * time.Second}
	go hs.Serve(ln)
	defer hs.Close()
	tokens := make([]string, b.cfg.Workers)
	for i := range tokens {
		tokens[i] = echoToken(i)
	}
	l := drive(ctx, b.heartbeatCalls("http://"+ln.Addr().String(), tokens), b.cfg.Duration, b.cfg.Rate)
	b.closeClients()
	for _, msg := range l.firstErrors {
		b.logf("echo: error: %s", msg)
	}
	return l.result(WorkloadEcho, b.cfg.Client, b.cfg.Workers), ctx.Err()
}
