package worker_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/swf"
	"github.com/aws/aws-sdk-go-v2/service/swf/types"
	"github.com/aws/smithy-go"

	"github.com/openswf/openswf/worker"
)

// Tasks are run and completed with their handler's result; the task says what the poll said, and its
// heartbeat interval is half the activity type's default heartbeat timeout, read once for both tasks.
func TestSWF_CompletesWithTheTypesHeartbeatTimeout(t *testing.T) {
	t.Parallel()
	e := newSWFEnv(t, "8")
	exec := e.start("ok", e.activity("a1", "one"), e.activity("a2", "two"))

	var mu sync.Mutex
	var seen []worker.Task
	w := e.worker(func(ctx context.Context, task *worker.Task) (string, error) {
		mu.Lock()
		seen = append(seen, *task)
		mu.Unlock()
		return "done " + task.Input, nil
	}, worker.WithPollers(2))
	r := run(t, w)
	evs := e.waitEvents(exec, types.EventTypeActivityTaskCompleted, 2)
	if err := r.stop(); err != nil {
		t.Fatalf("Run = %v", err)
	}

	var results []string
	for _, ev := range ofType(evs, types.EventTypeActivityTaskCompleted) {
		results = append(results, aws.ToString(ev.ActivityTaskCompletedEventAttributes.Result))
	}
	slices.Sort(results)
	if want := []string{"done one", "done two"}; !slices.Equal(results, want) {
		t.Fatalf("results %q, want %q", results, want)
	}
	mu.Lock()
	defer mu.Unlock()
	for _, task := range seen {
		if task.ActivityType != (worker.ActivityType{Name: "act", Version: "1"}) || task.ActivityID == "" ||
			task.WorkflowExecution.WorkflowID != "ok" || task.WorkflowExecution.RunID != aws.ToString(exec.RunId) ||
			task.StartedEventID == 0 || task.Token == "" || task.Started.IsZero() {
			t.Errorf("task %+v does not say what the poll answered", task)
		}
		if task.HeartbeatTimeout != 8*time.Second || task.HeartbeatInterval != 4*time.Second {
			t.Errorf("task %s: heartbeat timeout %v, interval %v; want 8s and 4s", task.ActivityID, task.HeartbeatTimeout, task.HeartbeatInterval)
		}
	}
	if n := e.rt.count("DescribeActivityType"); n != 1 {
		t.Errorf("DescribeActivityType called %d times for two tasks of one type, want once", n)
	}
}

// A decider's RequestCancelActivityTask reaches the handler through its context at the next heartbeat;
// the handler gives up with ctx.Err() and the task is answered RespondActivityTaskCanceled.
func TestSWF_CancelRequested(t *testing.T) {
	t.Parallel()
	e := newSWFEnv(t, "NONE")
	exec := e.start("cancel", e.activity("long", ""))

	started := make(chan struct{})
	cause := make(chan error, 1)
	m := &metrics{}
	w := e.worker(func(ctx context.Context, task *worker.Task) (string, error) {
		close(started)
		<-ctx.Done()
		cause <- context.Cause(ctx)
		return "", fmt.Errorf("stopped: %w", ctx.Err())
	}, worker.WithHeartbeatInterval(200*time.Millisecond), worker.WithMetrics(m))
	run(t, w)

	recv(t, started, "task started")
	if _, err := e.c.SignalWorkflowExecution(t.Context(), &swf.SignalWorkflowExecutionInput{
		Domain: aws.String(e.domain), WorkflowId: exec.WorkflowId, SignalName: aws.String("stop"),
	}); err != nil {
		t.Fatalf("SignalWorkflowExecution: %v", err)
	}
	e.decide(types.Decision{DecisionType: types.DecisionTypeRequestCancelActivityTask,
		RequestCancelActivityTaskDecisionAttributes: &types.RequestCancelActivityTaskDecisionAttributes{ActivityId: aws.String("long")}})

	if got := recv(t, cause, "handler context cancelled"); !errors.Is(got, worker.ErrCancelRequested) {
		t.Fatalf("handler context cause = %v, want ErrCancelRequested", got)
	}
	e.waitEvents(exec, types.EventTypeActivityTaskCanceled, 1)
	if got := m.waitOutcomes(t, 1); got[0] != worker.OutcomeCanceled {
		t.Fatalf("outcome %v, want canceled", got[0])
	}
}

// A task whose heartbeat timeout passes (the decider gave it 1 s; the worker heartbeats every 3 s) is
// timed out by the server; the next heartbeat's UnknownResourceFault cancels the handler with ErrTaskLost,
// and the worker sends no answer.
func TestSWF_TimedOutTaskCancelsHandler(t *testing.T) {
	t.Parallel()
	e := newSWFEnv(t, "NONE")
	exec := e.start("lost", e.activity("slow", "", func(a *types.ScheduleActivityTaskDecisionAttributes) {
		a.HeartbeatTimeout = aws.String("1")
	}))

	cause := make(chan error, 1)
	m := &metrics{}
	w := e.worker(func(ctx context.Context, task *worker.Task) (string, error) {
		<-ctx.Done()
		cause <- context.Cause(ctx)
		return "too late", nil
	}, worker.WithHeartbeatInterval(3*time.Second), worker.WithMetrics(m))
	r := run(t, w)

	if got := recv(t, cause, "handler context cancelled"); !errors.Is(got, worker.ErrTaskLost) {
		t.Fatalf("handler context cause = %v, want ErrTaskLost", got)
	}
	evs := e.waitEvents(exec, types.EventTypeActivityTaskTimedOut, 1)
	if tt := ofType(evs, types.EventTypeActivityTaskTimedOut)[0].ActivityTaskTimedOutEventAttributes.TimeoutType; tt != types.ActivityTaskTimeoutTypeHeartbeat {
		t.Fatalf("timeout type %s, want HEARTBEAT", tt)
	}
	if got := m.waitOutcomes(t, 1); got[0] != worker.OutcomeLost {
		t.Fatalf("outcome %v, want lost", got[0])
	}
	if err := r.stop(); err != nil {
		t.Fatalf("Run = %v", err)
	}
	if n := e.rt.count("RespondActivityTaskCompleted") + e.rt.count("RespondActivityTaskFailed"); n != 0 {
		t.Fatalf("the worker answered a lost task (%d calls)", n)
	}
	// Usually one heartbeat, the one that found the task lost; more if the server fired the timeout after
	// the first came (a heartbeat before the timer fires is accepted), but the last is always the lost one.
	if _, accepted := m.snapshot(); e.rt.count("RecordActivityTaskHeartbeat") != accepted+1 {
		t.Fatalf("%d heartbeats sent, %d accepted; want all but the last accepted", e.rt.count("RecordActivityTaskHeartbeat"), accepted)
	}
}

// When Run's context ends while a handler runs, polling stops at once, the handler finishes, its result
// is recorded, and Run returns; the second task scheduled is never polled.
func TestSWF_Drain(t *testing.T) {
	t.Parallel()
	e := newSWFEnv(t, "NONE")
	exec := e.start("drain", e.activity("a1", "first"), e.activity("a2", "second"))

	started := make(chan string, 2)
	release := make(chan struct{})
	w := e.worker(func(ctx context.Context, task *worker.Task) (string, error) {
		started <- task.ActivityID
		<-release
		return "finished " + task.Input, ctx.Err()
	})
	r := run(t, w)
	recv(t, started, "task started")
	r.cancel()
	select {
	case err := <-r.done:
		t.Fatalf("Run returned (%v) with a handler running", err)
	default:
	}
	close(release)
	if err := r.wait(); err != nil {
		t.Fatalf("Run = %v", err)
	}

	evs := e.history(exec)
	if n := len(ofType(evs, types.EventTypeActivityTaskCompleted)); n != 1 {
		t.Fatalf("%d ActivityTaskCompleted, want 1; history:\n%s", n, historyText(evs))
	}
	if n := len(ofType(evs, types.EventTypeActivityTaskStarted)); n != 1 {
		t.Fatalf("%d ActivityTaskStarted, want 1: a task was polled after Run's context ended; history:\n%s", n, historyText(evs))
	}
	if n := e.rt.count("PollForActivityTask"); n != 1 {
		t.Fatalf("%d polls, want 1", n)
	}
}

// Past the drain timeout, a running handler's context is cancelled with ErrShutdown, and a handler that
// gives up so fails its task with worker.Shutdown.
func TestSWF_DrainTimeout(t *testing.T) {
	t.Parallel()
	e := newSWFEnv(t, "NONE")
	exec := e.start("drain-timeout", e.activity("a1", ""))

	started := make(chan struct{})
	cause := make(chan error, 1)
	w := e.worker(func(ctx context.Context, task *worker.Task) (string, error) {
		close(started)
		<-ctx.Done()
		cause <- context.Cause(ctx)
		return "", ctx.Err()
	}, worker.WithDrainTimeout(100*time.Millisecond))
	r := run(t, w)
	recv(t, started, "task started")
	if err := r.stop(); err != nil {
		t.Fatalf("Run = %v", err)
	}
	if got := recv(t, cause, "handler context cancelled"); !errors.Is(got, worker.ErrShutdown) {
		t.Fatalf("handler context cause = %v, want ErrShutdown", got)
	}
	evs := e.waitEvents(exec, types.EventTypeActivityTaskFailed, 1)
	if reason := aws.ToString(ofType(evs, types.EventTypeActivityTaskFailed)[0].ActivityTaskFailedEventAttributes.Reason); reason != "worker.Shutdown" {
		t.Fatalf("reason %q, want worker.Shutdown", reason)
	}
}

// A panic fails the task with reason worker.Panic and the panic's value and stack in the details; a
// Failure gives its reason and details; a plain error longer than a reason is cut there and given whole
// in the details; a result over SWF's 32768 characters fails the task with worker.ResultTooLarge.
func TestSWF_Failures(t *testing.T) {
	t.Parallel()
	e := newSWFEnv(t, "NONE")
	exec := e.start("failures", e.activity("panic", "panic"), e.activity("failure", "failure"),
		e.activity("error", "error"), e.activity("large", "large"))

	long := strings.Repeat("é", 300)
	w := e.worker(func(ctx context.Context, task *worker.Task) (string, error) {
		switch task.Input {
		case "panic":
			panic("boom")
		case "failure":
			return "", &worker.Failure{Reason: "bad input", Details: "field x is missing"}
		case "error":
			return "", errors.New(long)
		}
		return strings.Repeat("r", 32769), nil
	}, worker.WithPollers(4))
	r := run(t, w)
	evs := e.waitEvents(exec, types.EventTypeActivityTaskFailed, 4)
	if err := r.stop(); err != nil {
		t.Fatalf("Run = %v", err)
	}

	byInput := map[string]*types.ActivityTaskFailedEventAttributes{}
	for _, ev := range ofType(evs, types.EventTypeActivityTaskFailed) {
		a := ev.ActivityTaskFailedEventAttributes
		for _, s := range evs {
			if s.EventId == a.ScheduledEventId {
				byInput[aws.ToString(s.ActivityTaskScheduledEventAttributes.Input)] = a
			}
		}
	}
	if a := byInput["panic"]; aws.ToString(a.Reason) != "worker.Panic" ||
		!strings.HasPrefix(aws.ToString(a.Details), "panic: boom\n") || !strings.Contains(aws.ToString(a.Details), "swf_test.go") {
		t.Errorf("panic: reason %q, details %q; want worker.Panic, the value and a stack through the handler", aws.ToString(a.Reason), aws.ToString(a.Details))
	}
	if a := byInput["failure"]; aws.ToString(a.Reason) != "bad input" || aws.ToString(a.Details) != "field x is missing" {
		t.Errorf("Failure: reason %q, details %q", aws.ToString(a.Reason), aws.ToString(a.Details))
	}
	if a := byInput["error"]; aws.ToString(a.Reason) != strings.Repeat("é", 256) || aws.ToString(a.Details) != long {
		t.Errorf("long error: reason of %d characters, details of %d; want 256 and 300", len([]rune(aws.ToString(a.Reason))), len([]rune(aws.ToString(a.Details))))
	}
	if a := byInput["large"]; aws.ToString(a.Reason) != "worker.ResultTooLarge" || !strings.Contains(aws.ToString(a.Details), "32769") {
		t.Errorf("large result: reason %q, details %q", aws.ToString(a.Reason), aws.ToString(a.Details))
	}
}

// Throttling and transport errors are retried, for polls, heartbeats and answers, one attempt per
// request (the SDK's own retryer is off for the worker's calls).
func TestSWF_RetriesThrottlingAndTransportErrors(t *testing.T) {
	t.Parallel()
	e := newSWFEnv(t, "NONE")
	exec := e.start("retry", e.activity("a1", "x"))
	for _, op := range []string{"PollForActivityTask", "RecordActivityTaskHeartbeat", "RespondActivityTaskCompleted"} {
		e.rt.failNext(op, resetByPeer, throttled)
	}

	m := &metrics{}
	w := e.worker(func(ctx context.Context, task *worker.Task) (string, error) {
		task.Heartbeat("half")
		for {
			if _, beats := m.snapshot(); beats > 0 {
				return "ok", nil
			}
			select {
			case <-ctx.Done():
				return "", ctx.Err()
			case <-time.After(10 * time.Millisecond):
			}
		}
	}, worker.WithMetrics(m), worker.WithBackoff(worker.Backoff{Initial: 20 * time.Millisecond, Max: 50 * time.Millisecond}))
	r := run(t, w)
	e.waitEvents(exec, types.EventTypeActivityTaskCompleted, 1)
	if err := r.stop(); err != nil {
		t.Fatalf("Run = %v", err)
	}
	if n := e.rt.count("PollForActivityTask"); n < 3 {
		t.Errorf("%d polls, want at least the 2 that failed and the one that got the task", n)
	}
	if n := e.rt.count("RecordActivityTaskHeartbeat"); n != 3 {
		t.Errorf("%d heartbeat requests, want 2 failed and 1 accepted", n)
	}
	if n := e.rt.count("RespondActivityTaskCompleted"); n != 3 {
		t.Errorf("%d RespondActivityTaskCompleted requests, want 2 failed and 1 accepted", n)
	}
	if got, _ := m.snapshot(); !slices.Equal(got, []worker.Outcome{worker.OutcomeCompleted}) {
		t.Errorf("outcomes %v, want [completed]", got)
	}
}

// A fault that no retry can cure is not retried: a poll of an unknown domain ends Run with it.
func TestSWF_PermanentPollFault(t *testing.T) {
	t.Parallel()
	e := newSWFEnv(t, "NONE")
	w := worker.NewSWF(e.wc, "no-such-domain", "activities", func(context.Context, *worker.Task) (string, error) {
		return "", nil
	}, worker.WithLogger(quiet), worker.WithPollers(1))
	err := run(t, w).wait()
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "UnknownResourceFault" {
		t.Fatalf("Run = %v, want UnknownResourceFault", err)
	}
	if n := e.rt.count("PollForActivityTask"); n != 1 {
		t.Fatalf("%d polls, want 1", n)
	}
}

// Under WithSDKRetries the client's retryer alone retries an answer: three transport errors spend its
// three attempts, and the worker does not start another round, so the task is reported lost after exactly
// three requests.
func TestSWF_SDKRetriesAlone(t *testing.T) {
	t.Parallel()
	e := newSWFEnv(t, "NONE")
	e.start("sdk-retries", e.activity("a1", "x"))
	e.rt.failNext("RespondActivityTaskCompleted", resetByPeer, resetByPeer, resetByPeer)
	c := swf.New(swf.Options{
		BaseEndpoint: aws.String(e.srv.URL), Region: "us-east-1", Credentials: e.wc.Options().Credentials,
		HTTPClient: &http.Client{Transport: e.rt},
		Retryer: retry.NewStandard(func(o *retry.StandardOptions) {
			o.MaxAttempts = 3
			o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 10 * time.Millisecond, nil })
		}),
	})
	m := &metrics{}
	w := worker.NewSWF(c, e.domain, "activities", func(context.Context, *worker.Task) (string, error) {
		return "ok", nil
	}, append(testOptions(), worker.WithSDKRetries(), worker.WithMetrics(m))...)
	run(t, w)
	if got := m.waitOutcomes(t, 1); got[0] != worker.OutcomeLost {
		t.Fatalf("outcome %v, want lost", got[0])
	}
	if n := e.rt.count("RespondActivityTaskCompleted"); n != 3 {
		t.Fatalf("%d RespondActivityTaskCompleted requests, want the SDK's 3 attempts", n)
	}
}

// By default the client's retryer is off for the worker's calls: with the worker's attempts set to one,
// an answer that meets a transport error is sent once, though the client's own retryer would have tried
// it three times.
func TestSWF_SDKRetryerOffByDefault(t *testing.T) {
	t.Parallel()
	e := newSWFEnv(t, "NONE")
	e.start("no-sdk-retries", e.activity("a1", "x"))
	e.rt.failNext("RespondActivityTaskCompleted", resetByPeer)
	m := &metrics{}
	w := e.worker(func(context.Context, *worker.Task) (string, error) {
		return "ok", nil
	}, worker.WithMetrics(m), worker.WithBackoff(worker.Backoff{Attempts: 1}))
	run(t, w)
	if got := m.waitOutcomes(t, 1); got[0] != worker.OutcomeLost {
		t.Fatalf("outcome %v, want lost", got[0])
	}
	if n := e.rt.count("RespondActivityTaskCompleted"); n != 1 {
		t.Fatalf("%d RespondActivityTaskCompleted requests, want 1", n)
	}
}

// An answer that reached the service but whose reply was lost: the retry finds the task closed by the
// first attempt, and the worker reports the outcome unconfirmed rather than lost. The history shows the
// completion.
func TestSWF_AnswerReplyLost(t *testing.T) {
	t.Parallel()
	e := newSWFEnv(t, "NONE")
	exec := e.start("reply-lost", e.activity("a1", "x"))
	e.rt.failNext("RespondActivityTaskCompleted", func(r *http.Request) (*http.Response, error) {
		resp, err := http.DefaultTransport.RoundTrip(r) // the service takes the answer…
		if err == nil {
			resp.Body.Close()
		}
		return resetByPeer(r) // …and its reply is lost
	})
	m := &metrics{}
	w := e.worker(func(context.Context, *worker.Task) (string, error) {
		return "done", nil
	}, worker.WithMetrics(m), worker.WithBackoff(worker.Backoff{Initial: 10 * time.Millisecond, Max: 20 * time.Millisecond}))
	run(t, w)
	if got := m.waitOutcomes(t, 1); got[0] != worker.OutcomeUnconfirmed {
		t.Fatalf("outcome %v, want unconfirmed", got[0])
	}
	if n := e.rt.count("RespondActivityTaskCompleted"); n != 2 {
		t.Errorf("%d RespondActivityTaskCompleted requests, want the one whose reply was lost and the retry", n)
	}
	e.waitEvents(exec, types.EventTypeActivityTaskCompleted, 1)
}
