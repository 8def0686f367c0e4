package worker_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/openswf/openswf/openswftest"
	"github.com/openswf/openswf/worker"
)

const roleArn = "arn:aws:iam::000000000000:role/worker-test"

// sfnEnv is one test's server, an activity "work", and a client for the worker whose requests are counted.
type sfnEnv struct {
	t   *testing.T
	c   *sfn.Client // the test's
	wc  *sfn.Client // the worker's, through rt
	rt  *transport
	arn string
}

func newSFNEnv(t *testing.T) *sfnEnv {
	t.Helper()
	srv := openswftest.New(t, openswftest.Options{PollHold: 2 * time.Second})
	rt := newTransport()
	e := &sfnEnv{t: t, c: newSFNClient(srv.URL, http.DefaultTransport), wc: newSFNClient(srv.URL, rt), rt: rt}
	out, err := e.c.CreateActivity(t.Context(), &sfn.CreateActivityInput{Name: aws.String("work")})
	if err != nil {
		t.Fatalf("CreateActivity: %v", err)
	}
	e.arn = aws.ToString(out.ActivityArn)
	return e
}

// execute creates a state machine from def (ACTIVITY standing for the activity's ARN) and starts it.
func (e *sfnEnv) execute(def, input string) string {
	e.t.Helper()
	sm, err := e.c.CreateStateMachine(e.t.Context(), &sfn.CreateStateMachineInput{
		Name: aws.String("m"), RoleArn: aws.String(roleArn), Definition: aws.String(strings.ReplaceAll(def, "ACTIVITY", e.arn)),
	})
	if err != nil {
		e.t.Fatalf("CreateStateMachine: %v", err)
	}
	ex, err := e.c.StartExecution(e.t.Context(), &sfn.StartExecutionInput{
		StateMachineArn: sm.StateMachineArn, Name: aws.String("x"), Input: aws.String(input),
	})
	if err != nil {
		e.t.Fatalf("StartExecution: %v", err)
	}
	return aws.ToString(ex.ExecutionArn)
}

// waitDone waits for the execution to end and describes it.
func (e *sfnEnv) waitDone(arn string) *sfn.DescribeExecutionOutput {
	e.t.Helper()
	deadline := time.Now().Add(waitFor)
	for {
		d, err := e.c.DescribeExecution(e.t.Context(), &sfn.DescribeExecutionInput{ExecutionArn: aws.String(arn)})
		if err != nil {
			e.t.Fatalf("DescribeExecution: %v", err)
		}
		if d.Status != sfntypes.ExecutionStatusRunning {
			return d
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("execution still running after %v", waitFor)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// A state machine's activity Task state, run by the worker: the handler's output is the state's result.
func TestSFN_Succeeds(t *testing.T) {
	t.Parallel()
	e := newSFNEnv(t)
	ex := e.execute(`{"StartAt": "Work", "States": {
	  "Work": {"Type": "Task", "Resource": "ACTIVITY", "HeartbeatSeconds": 30, "ResultPath": "$.result", "End": true}}}`,
		`{"photo":"cat.jpg"}`)

	got := make(chan worker.Task, 1)
	w := worker.NewSFN(e.wc, e.arn, func(ctx context.Context, task *worker.Task) (string, error) {
		got <- *task
		return `{"width":128}`, nil
	}, append(testOptions(), worker.WithHeartbeatInterval(10*time.Second))...)
	r := run(t, w)
	d := e.waitDone(ex)
	if err := r.stop(); err != nil {
		t.Fatalf("Run = %v", err)
	}
	if d.Status != sfntypes.ExecutionStatusSucceeded || aws.ToString(d.Output) != `{"photo":"cat.jpg","result":{"width":128}}` {
		t.Fatalf("execution %s with output %s", d.Status, aws.ToString(d.Output))
	}
	task := recv(t, got, "task")
	if task.Input != `{"photo":"cat.jpg"}` || task.ActivityARN != e.arn || task.Token == "" || task.HeartbeatInterval != 10*time.Second {
		t.Fatalf("task %+v", task)
	}
}

// A Failure's reason is the error name a Catch matches, its details the cause.
func TestSFN_Failure(t *testing.T) {
	t.Parallel()
	e := newSFNEnv(t)
	ex := e.execute(`{"StartAt": "Work", "States": {
	  "Work": {"Type": "Task", "Resource": "ACTIVITY", "End": true}}}`, `{}`)
	w := worker.NewSFN(e.wc, e.arn, func(ctx context.Context, task *worker.Task) (string, error) {
		return "", &worker.Failure{Reason: "Photo.Missing", Details: "no photo in the input"}
	}, testOptions()...)
	run(t, w)
	d := e.waitDone(ex)
	if d.Status != sfntypes.ExecutionStatusFailed || aws.ToString(d.Error) != "Photo.Missing" || aws.ToString(d.Cause) != "no photo in the input" {
		t.Fatalf("execution %s, error %q, cause %q", d.Status, aws.ToString(d.Error), aws.ToString(d.Cause))
	}
}

// An output that is no JSON text is refused before it is sent, as worker.InvalidOutput.
func TestSFN_InvalidOutput(t *testing.T) {
	t.Parallel()
	e := newSFNEnv(t)
	ex := e.execute(`{"StartAt": "Work", "States": {
	  "Work": {"Type": "Task", "Resource": "ACTIVITY", "End": true}}}`, `{}`)
	w := worker.NewSFN(e.wc, e.arn, func(ctx context.Context, task *worker.Task) (string, error) {
		return "not json", nil
	}, testOptions()...)
	run(t, w)
	if d := e.waitDone(ex); aws.ToString(d.Error) != "worker.InvalidOutput" {
		t.Fatalf("execution %s, error %q, want worker.InvalidOutput", d.Status, aws.ToString(d.Error))
	}
	if n := e.rt.count("SendTaskSuccess"); n != 0 {
		t.Fatalf("%d SendTaskSuccess calls with an invalid output", n)
	}
}

// A task whose HeartbeatSeconds pass between two heartbeats times out; the next SendTaskHeartbeat
// answers TaskTimedOut, which cancels the handler with ErrTaskLost, and nothing more is sent.
func TestSFN_TimedOutTaskCancelsHandler(t *testing.T) {
	t.Parallel()
	e := newSFNEnv(t)
	ex := e.execute(`{"StartAt": "Work", "States": {
	  "Work": {"Type": "Task", "Resource": "ACTIVITY", "HeartbeatSeconds": 1, "End": true}}}`, `{}`)
	cause := make(chan error, 1)
	m := &metrics{}
	w := worker.NewSFN(e.wc, e.arn, func(ctx context.Context, task *worker.Task) (string, error) {
		<-ctx.Done()
		cause <- context.Cause(ctx)
		return `{}`, nil
	}, append(testOptions(), worker.WithMetrics(m), worker.WithHeartbeatInterval(3*time.Second))...)
	r := run(t, w)
	if got := recv(t, cause, "handler context cancelled"); !errors.Is(got, worker.ErrTaskLost) {
		t.Fatalf("handler context cause = %v, want ErrTaskLost", got)
	}
	if got := m.waitOutcomes(t, 1); got[0] != worker.OutcomeLost {
		t.Fatalf("outcome %v, want lost", got[0])
	}
	if err := r.stop(); err != nil {
		t.Fatalf("Run = %v", err)
	}
	if d := e.waitDone(ex); d.Status != sfntypes.ExecutionStatusFailed || aws.ToString(d.Error) != "States.Timeout" {
		t.Fatalf("execution %s, error %q; want FAILED with States.Timeout", d.Status, aws.ToString(d.Error))
	}
	if n := e.rt.count("SendTaskSuccess") + e.rt.count("SendTaskFailure"); n != 0 {
		t.Fatalf("the worker answered a lost task (%d calls)", n)
	}
}

// Stopping the execution while its task runs: the next heartbeat finds the task gone, which cancels the
// handler with ErrTaskLost (Step Functions never asks for cancellation).
func TestSFN_StoppedExecutionCancelsHandler(t *testing.T) {
	t.Parallel()
	e := newSFNEnv(t)
	ex := e.execute(`{"StartAt": "Work", "States": {
	  "Work": {"Type": "Task", "Resource": "ACTIVITY", "HeartbeatSeconds": 60, "End": true}}}`, `{}`)
	started := make(chan struct{})
	cause := make(chan error, 1)
	w := worker.NewSFN(e.wc, e.arn, func(ctx context.Context, task *worker.Task) (string, error) {
		close(started)
		<-ctx.Done()
		cause <- context.Cause(ctx)
		return "", ctx.Err()
	}, append(testOptions(), worker.WithHeartbeatInterval(200*time.Millisecond))...)
	run(t, w)
	recv(t, started, "task started")
	if _, err := e.c.StopExecution(t.Context(), &sfn.StopExecutionInput{ExecutionArn: aws.String(ex)}); err != nil {
		t.Fatalf("StopExecution: %v", err)
	}
	if got := recv(t, cause, "handler context cancelled"); !errors.Is(got, worker.ErrTaskLost) {
		t.Fatalf("handler context cause = %v, want ErrTaskLost", got)
	}
	if d := e.waitDone(ex); d.Status != sfntypes.ExecutionStatusAborted {
		t.Fatalf("execution %s, want ABORTED", d.Status)
	}
}
