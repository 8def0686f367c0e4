package e2e

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/openswf/openswf/openswftest"
)

const roleArn = "arn:aws:iam::000000000000:role/openswf-e2e"

// sfnEnv is a server with a Step Functions client, an activity and helpers that fail the test on errors.
type sfnEnv struct {
	t           *testing.T
	c           *sfn.Client
	activityArn string
}

func newSFNEnv(t *testing.T, hold time.Duration) *sfnEnv {
	t.Helper()
	srv := openswftest.New(t, openswftest.Options{PollHold: hold})
	e := &sfnEnv{t: t, c: newSFNClient(srv.URL)}
	out, err := e.c.CreateActivity(t.Context(), &sfn.CreateActivityInput{Name: aws.String("work")})
	if err != nil {
		t.Fatalf("CreateActivity: %v", err)
	}
	e.activityArn = aws.ToString(out.ActivityArn)
	return e
}

// machine creates a state machine from a definition in which ACTIVITY stands for the activity's ARN.
func (e *sfnEnv) machine(name, def string) string {
	e.t.Helper()
	out, err := e.c.CreateStateMachine(e.t.Context(), &sfn.CreateStateMachineInput{
		Name: aws.String(name), RoleArn: aws.String(roleArn),
		Definition: aws.String(strings.ReplaceAll(def, "ACTIVITY", e.activityArn)),
	})
	if err != nil {
		e.t.Fatalf("CreateStateMachine(%s): %v", name, err)
	}
	return aws.ToString(out.StateMachineArn)
}

func (e *sfnEnv) start(machineArn, name, input string) string {
	e.t.Helper()
	out, err := e.c.StartExecution(e.t.Context(), &sfn.StartExecutionInput{
		StateMachineArn: aws.String(machineArn), Name: aws.String(name), Input: aws.String(input)})
	if err != nil {
		e.t.Fatalf("StartExecution(%s): %v", name, err)
	}
	return aws.ToString(out.ExecutionArn)
}

// task waits for the activity's next task.
func (e *sfnEnv) task(worker string) *sfn.GetActivityTaskOutput {
	e.t.Helper()
	out, err := e.c.GetActivityTask(e.t.Context(), &sfn.GetActivityTaskInput{
		ActivityArn: aws.String(e.activityArn), WorkerName: aws.String(worker)})
	if err != nil || out.TaskToken == nil {
		e.t.Fatalf("GetActivityTask = %+v, %v; want a task", out, err)
	}
	return out
}

func (e *sfnEnv) describe(arn string) *sfn.DescribeExecutionOutput {
	e.t.Helper()
	out, err := e.c.DescribeExecution(e.t.Context(), &sfn.DescribeExecutionInput{ExecutionArn: aws.String(arn)})
	if err != nil {
		e.t.Fatalf("DescribeExecution: %v", err)
	}
	return out
}

// history is the execution's history as compact lines "id prev Type", with the details of the types
// named in withDetails appended as JSON-ish text.
func (e *sfnEnv) history(arn string) []string {
	e.t.Helper()
	var lines []string
	p := sfn.NewGetExecutionHistoryPaginator(e.c, &sfn.GetExecutionHistoryInput{ExecutionArn: aws.String(arn), MaxResults: 3})
	for p.HasMorePages() {
		page, err := p.NextPage(e.t.Context())
		if err != nil {
			e.t.Fatalf("GetExecutionHistory: %v", err)
		}
		for _, ev := range page.Events {
			lines = append(lines, fmt.Sprintf("%d %d %s", ev.Id, ev.PreviousEventId, ev.Type))
		}
	}
	return lines
}

// waitStatus polls DescribeExecution until the execution has the status, for timeouts on the wall clock.
func (e *sfnEnv) waitStatus(arn string, want sfntypes.ExecutionStatus, within time.Duration) *sfn.DescribeExecutionOutput {
	e.t.Helper()
	deadline := time.Now().Add(within)
	for {
		d := e.describe(arn)
		if d.Status == want {
			return d
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("execution status %s after %v, want %s", d.Status, within, want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

const activityMachine = `{
  "StartAt": "Work",
  "States": {
    "Work": {"Type": "Task", "Resource": "ACTIVITY", "HeartbeatSeconds": 30, "TimeoutSeconds": 60,
             "ResultPath": "$.result", "End": true}
  }
}`

// An activity task end to end through the SDK: the execution schedules it, a worker takes it, heartbeats
// and succeeds, and the execution succeeds with the result where ResultPath puts it. The history is AWS's
// recorded sequence, read in pages.
func TestSFN_ActivityExecution(t *testing.T) {
	t.Parallel()
	e := newSFNEnv(t, 5*time.Second)
	ctx := t.Context()
	sm := e.machine("activity", activityMachine)
	arn := e.start(sm, "run-1", `{"n": 1}`)
	if d := e.describe(arn); d.Status != sfntypes.ExecutionStatusRunning || aws.ToString(d.Input) != `{"n": 1}` {
		t.Fatalf("new execution: status %s input %s", d.Status, aws.ToString(d.Input))
	}

	task := e.task("worker-1")
	if aws.ToString(task.Input) != `{"n":1}` {
		t.Errorf("task input = %s, want {\"n\":1}", aws.ToString(task.Input))
	}
	if _, err := e.c.SendTaskHeartbeat(ctx, &sfn.SendTaskHeartbeatInput{TaskToken: task.TaskToken}); err != nil {
		t.Fatalf("SendTaskHeartbeat: %v", err)
	}
	if _, err := e.c.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: task.TaskToken, Output: aws.String(`{"ok":true}`)}); err != nil {
		t.Fatalf("SendTaskSuccess: %v", err)
	}
	d := e.describe(arn)
	if d.Status != sfntypes.ExecutionStatusSucceeded || aws.ToString(d.Output) != `{"n":1,"result":{"ok":true}}` || d.StopDate == nil {
		t.Fatalf("execution = %s, output %s, stopped %v; want SUCCEEDED with the result", d.Status, aws.ToString(d.Output), d.StopDate)
	}
	want := []string{
		"1 0 ExecutionStarted", "2 0 TaskStateEntered", "3 2 ActivityScheduled", "4 3 ActivityStarted",
		"5 4 ActivitySucceeded", "6 5 TaskStateExited", "7 6 ExecutionSucceeded",
	}
	if got := e.history(arn); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("history:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// The token of a closed task is TaskTimedOut, as AWS answers a late worker.
	_, err := e.c.SendTaskHeartbeat(ctx, &sfn.SendTaskHeartbeatInput{TaskToken: task.TaskToken})
	wantSFNFault(t, err, "TaskTimedOut", "Task Timed Out")

	// The same name and input again answers the same execution? Not once it has ended: AWS refuses.
	_, err = e.c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(sm), Name: aws.String("run-1"), Input: aws.String(`{"n": 1}`)})
	wantSFNFault(t, err, "ExecutionAlreadyExists", arn)
}

// A worker that falls silent: the heartbeat timeout is caught by States.HeartbeatTimeout, and the
// execution goes on to the catcher's state.
func TestSFN_HeartbeatTimeoutCaught(t *testing.T) {
	t.Parallel()
	e := newSFNEnv(t, 5*time.Second)
	sm := e.machine("hb", `{
	  "StartAt": "Work",
	  "States": {
	    "Work": {"Type": "Task", "Resource": "ACTIVITY", "HeartbeatSeconds": 1, "TimeoutSeconds": 60,
	             "Catch": [{"ErrorEquals": ["States.HeartbeatTimeout"], "ResultPath": "$.error", "Next": "Caught"}],
	             "End": true},
	    "Caught": {"Type": "Pass", "End": true}
	  }
	}`)
	arn := e.start(sm, "silent", `{}`)
	e.task("quiet-worker")
	d := e.waitStatus(arn, sfntypes.ExecutionStatusSucceeded, 10*time.Second)
	if out := aws.ToString(d.Output); !strings.Contains(out, `"Error":"States.Timeout"`) {
		t.Errorf("output = %s, want the caught States.Timeout", out)
	}
	got := strings.Join(e.history(arn), "\n")
	if !strings.Contains(got, "ActivityTimedOut") || !strings.Contains(got, "PassStateEntered") {
		t.Errorf("history lacks the timeout or the catcher:\n%s", got)
	}
}

// StopExecution aborts a running execution: ABORTED with the given error and cause, the worker's token
// is dead, and the history ends with ExecutionAborted.
func TestSFN_StopExecution(t *testing.T) {
	t.Parallel()
	e := newSFNEnv(t, 5*time.Second)
	ctx := t.Context()
	sm := e.machine("stop", activityMachine)
	arn := e.start(sm, "to-stop", `{}`)
	task := e.task("w")
	if _, err := e.c.StopExecution(ctx, &sfn.StopExecutionInput{ExecutionArn: aws.String(arn),
		Error: aws.String("Stopped"), Cause: aws.String("by the test")}); err != nil {
		t.Fatalf("StopExecution: %v", err)
	}
	d := e.describe(arn)
	if d.Status != sfntypes.ExecutionStatusAborted || aws.ToString(d.Error) != "Stopped" || aws.ToString(d.Cause) != "by the test" {
		t.Fatalf("stopped execution = %s %s %s", d.Status, aws.ToString(d.Error), aws.ToString(d.Cause))
	}
	h := e.history(arn)
	if last := h[len(h)-1]; !strings.HasSuffix(last, "ExecutionAborted") {
		t.Errorf("history ends with %s, want ExecutionAborted", last)
	}
	_, err := e.c.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: task.TaskToken, Output: aws.String("{}")})
	wantSFNFault(t, err, "TaskTimedOut", "Task Timed Out")

	// Listing: the machine's one execution, aborted.
	l, err := e.c.ListExecutions(ctx, &sfn.ListExecutionsInput{StateMachineArn: aws.String(sm)})
	if err != nil || len(l.Executions) != 1 || l.Executions[0].Status != sfntypes.ExecutionStatusAborted {
		t.Fatalf("ListExecutions = %+v, %v", l, err)
	}
}

// ListExecutions with a statusFilter of a closed status: only the machine's executions that ended so, in
// pages that the filter may leave short but never wrong. (The engine refused typeFilter with
// closeStatusFilter, SWF's rule, so every closed statusFilter was a ValidationException.)
func TestSFN_ListExecutionsStatusFilter(t *testing.T) {
	t.Parallel()
	e := newSFNEnv(t, 200*time.Millisecond)
	ctx := t.Context()
	sm := e.machine("filter", `{"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}}`)
	waiting := e.machine("waiting", `{"StartAt": "Wait", "States": {"Wait": {"Type": "Wait", "Seconds": 600, "End": true}}}`)
	var succeeded []string
	for i := range 3 {
		arn := e.start(sm, fmt.Sprintf("ok-%d", i), `{}`)
		e.waitStatus(arn, sfntypes.ExecutionStatusSucceeded, 10*time.Second)
		succeeded = append(succeeded, arn)
	}
	var aborted []string
	for i := range 2 {
		arn := e.start(waiting, fmt.Sprintf("stop-%d", i), `{}`)
		if _, err := e.c.StopExecution(ctx, &sfn.StopExecutionInput{ExecutionArn: aws.String(arn)}); err != nil {
			t.Fatalf("StopExecution: %v", err)
		}
		aborted = append(aborted, arn)
	}
	running := e.start(waiting, "running", `{}`)

	list := func(machine string, status sfntypes.ExecutionStatus) []string {
		t.Helper()
		var arns []string
		p := sfn.NewListExecutionsPaginator(e.c, &sfn.ListExecutionsInput{
			StateMachineArn: aws.String(machine), StatusFilter: status, MaxResults: 1})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				t.Fatalf("ListExecutions(%s, %s): %v", machine, status, err)
			}
			for _, x := range page.Executions {
				if x.Status != status {
					t.Errorf("ListExecutions(%s) lists %s, which is %s", status, aws.ToString(x.ExecutionArn), x.Status)
				}
				arns = append(arns, aws.ToString(x.ExecutionArn))
			}
		}
		slices.Sort(arns)
		return arns
	}
	slices.Sort(succeeded)
	slices.Sort(aborted)
	for _, c := range []struct {
		machine string
		status  sfntypes.ExecutionStatus
		want    []string
	}{
		{sm, sfntypes.ExecutionStatusSucceeded, succeeded},
		{sm, sfntypes.ExecutionStatusAborted, nil},
		{waiting, sfntypes.ExecutionStatusAborted, aborted},
		{waiting, sfntypes.ExecutionStatusSucceeded, nil},
		{waiting, sfntypes.ExecutionStatusRunning, []string{running}},
	} {
		if got := list(c.machine, c.status); !slices.Equal(got, c.want) {
			t.Errorf("ListExecutions(%s) = %v, want %v", c.status, got, c.want)
		}
	}
}
