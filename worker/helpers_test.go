package worker_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/swf"
	"github.com/aws/aws-sdk-go-v2/service/swf/types"

	"github.com/openswf/openswf/openswftest"
	"github.com/openswf/openswf/worker"
)

// waitFor bounds every wait for something the server or the worker does on its own; the server fires
// deadlines within about a second.
const waitFor = 15 * time.Second

// quiet is the logger of the tests' workers.
var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// testOptions are the options of every test's worker, before its own: no log, and a drain timeout, so
// that a test that fails while a handler waits for its context ends instead of hanging.
func testOptions() []worker.Option {
	return []worker.Option{worker.WithLogger(quiet), worker.WithDrainTimeout(waitFor)}
}

// transport counts the requests of each operation (by X-Amz-Target) and fails the first ones of an
// operation as the test queued.
type transport struct {
	mu    sync.Mutex
	calls map[string]int
	fail  map[string][]func(*http.Request) (*http.Response, error)
}

func newTransport() *transport {
	return &transport{calls: map[string]int{}, fail: map[string][]func(*http.Request) (*http.Response, error){}}
}

func (tr *transport) RoundTrip(r *http.Request) (*http.Response, error) {
	target := r.Header.Get("X-Amz-Target")
	op := target[strings.LastIndex(target, ".")+1:]
	tr.mu.Lock()
	tr.calls[op]++
	var f func(*http.Request) (*http.Response, error)
	if q := tr.fail[op]; len(q) > 0 {
		f, tr.fail[op] = q[0], q[1:]
	}
	tr.mu.Unlock()
	if f != nil {
		return f(r)
	}
	return http.DefaultTransport.RoundTrip(r)
}

// failNext makes the next calls of op fail, one per function given.
func (tr *transport) failNext(op string, fs ...func(*http.Request) (*http.Response, error)) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	tr.fail[op] = append(tr.fail[op], fs...)
}

func (tr *transport) count(op string) int {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	return tr.calls[op]
}

// resetByPeer is a transport error, as a dropped connection gives.
func resetByPeer(*http.Request) (*http.Response, error) {
	return nil, errors.New("read tcp 127.0.0.1:1->127.0.0.1:2: read: connection reset by peer")
}

// throttled is AWS's answer to too many requests.
func throttled(r *http.Request) (*http.Response, error) {
	body := `{"__type":"com.amazon.coral.availability#ThrottlingException","message":"Rate exceeded"}`
	return &http.Response{
		StatusCode: http.StatusBadRequest, Status: "400 Bad Request", Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header:        http.Header{"Content-Type": {"application/x-amz-json-1.0"}, "X-Amzn-Requestid": {"throttle"}},
		Body:          io.NopCloser(strings.NewReader(body)),
		ContentLength: int64(len(body)), Request: r,
	}, nil
}

func newSWFClient(url string, rt http.RoundTripper) *swf.Client {
	return swf.New(swf.Options{
		BaseEndpoint: aws.String(url), Region: "us-east-1",
		Credentials: credentials.NewStaticCredentialsProvider("x", "y", ""),
		HTTPClient:  &http.Client{Transport: rt},
	})
}

func newSFNClient(url string, rt http.RoundTripper) *sfn.Client {
	return sfn.New(sfn.Options{
		BaseEndpoint: aws.String(url), Region: "us-east-1",
		Credentials: credentials.NewStaticCredentialsProvider("x", "y", ""),
		HTTPClient:  &http.Client{Transport: rt},
	})
}

// swfEnv is one test's server and domain: a decider's client, and a client for the worker whose
// requests are counted. The domain has the workflow type wf/1 (decisions on "decisions") and the
// activity type act/1 (tasks on "activities", start-to-close 60 s, the heartbeat timeout the test
// gave).
type swfEnv struct {
	t       *testing.T
	srv     *openswftest.Server
	c       *swf.Client // the decider's
	wc      *swf.Client // the worker's, through rt
	rt      *transport
	domain  string
	actType *types.ActivityType
}

func newSWFEnv(t *testing.T, heartbeatTimeout string) *swfEnv {
	t.Helper()
	srv := openswftest.New(t, openswftest.Options{PollHold: 2 * time.Second})
	rt := newTransport()
	e := &swfEnv{t: t, srv: srv, c: newSWFClient(srv.URL, http.DefaultTransport), wc: newSWFClient(srv.URL, rt), rt: rt,
		domain: "d", actType: &types.ActivityType{Name: aws.String("act"), Version: aws.String("1")}}
	ctx := t.Context()
	if _, err := e.c.RegisterDomain(ctx, &swf.RegisterDomainInput{Name: aws.String(e.domain),
		WorkflowExecutionRetentionPeriodInDays: aws.String("1")}); err != nil {
		t.Fatalf("RegisterDomain: %v", err)
	}
	if _, err := e.c.RegisterWorkflowType(ctx, &swf.RegisterWorkflowTypeInput{
		Domain: aws.String(e.domain), Name: aws.String("wf"), Version: aws.String("1"),
		DefaultTaskList:                     &types.TaskList{Name: aws.String("decisions")},
		DefaultExecutionStartToCloseTimeout: aws.String("300"), DefaultTaskStartToCloseTimeout: aws.String("30"),
		DefaultChildPolicy: types.ChildPolicyTerminate,
	}); err != nil {
		t.Fatalf("RegisterWorkflowType: %v", err)
	}
	if _, err := e.c.RegisterActivityType(ctx, &swf.RegisterActivityTypeInput{
		Domain: aws.String(e.domain), Name: e.actType.Name, Version: e.actType.Version,
		DefaultTaskList:                   &types.TaskList{Name: aws.String("activities")},
		DefaultTaskStartToCloseTimeout:    aws.String("60"),
		DefaultTaskHeartbeatTimeout:       aws.String(heartbeatTimeout),
		DefaultTaskScheduleToStartTimeout: aws.String("NONE"),
		DefaultTaskScheduleToCloseTimeout: aws.String("NONE"),
	}); err != nil {
		t.Fatalf("RegisterActivityType: %v", err)
	}
	return e
}

// worker returns a worker of the "activities" task list, through the counted client.
func (e *swfEnv) worker(h worker.Handler, opts ...worker.Option) *worker.Worker {
	return worker.NewSWF(e.wc, e.domain, "activities", h, append(testOptions(), opts...)...)
}

// start starts a run of wf/1 and makes its first decision: the activities given.
func (e *swfEnv) start(id string, activities ...types.Decision) *types.WorkflowExecution {
	e.t.Helper()
	out, err := e.c.StartWorkflowExecution(e.t.Context(), &swf.StartWorkflowExecutionInput{
		Domain: aws.String(e.domain), WorkflowId: aws.String(id),
		WorkflowType: &types.WorkflowType{Name: aws.String("wf"), Version: aws.String("1")},
	})
	if err != nil {
		e.t.Fatalf("StartWorkflowExecution: %v", err)
	}
	e.decide(activities...)
	return &types.WorkflowExecution{WorkflowId: aws.String(id), RunId: out.RunId}
}

// decide polls for a decision task and completes it with the decisions given.
func (e *swfEnv) decide(decisions ...types.Decision) {
	e.t.Helper()
	deadline := time.Now().Add(waitFor)
	for time.Now().Before(deadline) {
		out, err := e.c.PollForDecisionTask(e.t.Context(), &swf.PollForDecisionTaskInput{
			Domain: aws.String(e.domain), TaskList: &types.TaskList{Name: aws.String("decisions")},
		})
		if err != nil {
			e.t.Fatalf("PollForDecisionTask: %v", err)
		}
		if out.TaskToken == nil {
			continue
		}
		if _, err := e.c.RespondDecisionTaskCompleted(e.t.Context(), &swf.RespondDecisionTaskCompletedInput{
			TaskToken: out.TaskToken, Decisions: decisions,
		}); err != nil {
			e.t.Fatalf("RespondDecisionTaskCompleted: %v", err)
		}
		return
	}
	e.t.Fatalf("no decision task within %v", waitFor)
}

// activity is a ScheduleActivityTask decision of act/1, changed by set.
func (e *swfEnv) activity(id, input string, set ...func(*types.ScheduleActivityTaskDecisionAttributes)) types.Decision {
	a := &types.ScheduleActivityTaskDecisionAttributes{ActivityId: aws.String(id), ActivityType: e.actType, Input: aws.String(input)}
	for _, f := range set {
		f(a)
	}
	return types.Decision{DecisionType: types.DecisionTypeScheduleActivityTask, ScheduleActivityTaskDecisionAttributes: a}
}

// history reads a run's whole history.
func (e *swfEnv) history(exec *types.WorkflowExecution) []types.HistoryEvent {
	e.t.Helper()
	var all []types.HistoryEvent
	var next *string
	for {
		out, err := e.c.GetWorkflowExecutionHistory(e.t.Context(), &swf.GetWorkflowExecutionHistoryInput{
			Domain: aws.String(e.domain), Execution: exec, NextPageToken: next,
		})
		if err != nil {
			e.t.Fatalf("GetWorkflowExecutionHistory: %v", err)
		}
		all = append(all, out.Events...)
		if next = out.NextPageToken; next == nil {
			return all
		}
	}
}

// waitEvents re-reads the history until it holds n events of type typ, and returns it.
func (e *swfEnv) waitEvents(exec *types.WorkflowExecution, typ types.EventType, n int) []types.HistoryEvent {
	e.t.Helper()
	deadline := time.Now().Add(waitFor)
	for {
		evs := e.history(exec)
		if len(ofType(evs, typ)) >= n {
			return evs
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("fewer than %d %s within %v; history:\n%s", n, typ, waitFor, historyText(evs))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func ofType(evs []types.HistoryEvent, typ types.EventType) []types.HistoryEvent {
	var out []types.HistoryEvent
	for _, ev := range evs {
		if ev.EventType == typ {
			out = append(out, ev)
		}
	}
	return out
}

func historyText(evs []types.HistoryEvent) string {
	var b strings.Builder
	for _, ev := range evs {
		fmt.Fprintf(&b, "%d %s\n", ev.EventId, ev.EventType)
	}
	return b.String()
}

// running is a worker's Run in a goroutine.
type running struct {
	t      *testing.T
	cancel context.CancelFunc
	done   chan error
}

// run runs w until stop or the test's end.
func run(t *testing.T, w *worker.Worker) *running {
	ctx, cancel := context.WithCancel(context.Background())
	r := &running{t: t, cancel: cancel, done: make(chan error, 1)}
	go func() { r.done <- w.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		<-r.done
	})
	return r
}

// stop cancels Run's context and returns what Run returned.
func (r *running) stop() error {
	r.t.Helper()
	r.cancel()
	return r.wait()
}

// wait returns what Run returned.
func (r *running) wait() error {
	r.t.Helper()
	select {
	case err := <-r.done:
		r.done <- err // for the cleanup
		return err
	case <-time.After(waitFor):
		r.t.Fatalf("Run did not return within %v", waitFor)
		return nil
	}
}

// recv waits for a value on ch.
func recv[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(waitFor):
		t.Fatalf("no %s within %v", what, waitFor)
		var zero T
		return zero
	}
}

// metrics records the outcomes a worker reports.
type metrics struct {
	worker.NopMetrics
	mu       sync.Mutex
	outcomes []worker.Outcome
	beats    int
}

func (m *metrics) TaskFinished(_ *worker.Task, o worker.Outcome, _ time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.outcomes = append(m.outcomes, o)
}

func (m *metrics) HeartbeatSent(*worker.Task) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.beats++
}

func (m *metrics) snapshot() ([]worker.Outcome, int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]worker.Outcome(nil), m.outcomes...), m.beats
}

// waitOutcomes waits until the worker reported n outcomes, and returns them.
func (m *metrics) waitOutcomes(t *testing.T, n int) []worker.Outcome {
	t.Helper()
	deadline := time.Now().Add(waitFor)
	for {
		if o, _ := m.snapshot(); len(o) >= n {
			return o
		}
		if time.Now().After(deadline) {
			t.Fatalf("fewer than %d outcomes within %v", n, waitFor)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
