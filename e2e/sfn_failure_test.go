package e2e

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"
)

// events is the execution's whole history, oldest first, read in pages of 100.
func (e *sfnEnv) events(arn string) []sfntypes.HistoryEvent {
	e.t.Helper()
	var evs []sfntypes.HistoryEvent
	p := sfn.NewGetExecutionHistoryPaginator(e.c, &sfn.GetExecutionHistoryInput{ExecutionArn: aws.String(arn)})
	for p.HasMorePages() {
		page, err := p.NextPage(e.t.Context())
		if err != nil {
			e.t.Fatalf("GetExecutionHistory: %v", err)
		}
		evs = append(evs, page.Events...)
	}
	return evs
}

// ofType is the events of a type, in order.
func ofType(evs []sfntypes.HistoryEvent, typ sfntypes.HistoryEventType) []sfntypes.HistoryEvent {
	var out []sfntypes.HistoryEvent
	for _, ev := range evs {
		if ev.Type == typ {
			out = append(out, ev)
		}
	}
	return out
}

// eventTypes is the events' types, one per line.
func eventTypes(evs []sfntypes.HistoryEvent) string {
	var b strings.Builder
	for _, ev := range evs {
		b.WriteString(string(ev.Type))
		b.WriteByte('\n')
	}
	return b.String()
}

// wantJSON fails the test unless got and want are the same JSON value.
func wantJSON(t *testing.T, what, got, want string) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal([]byte(got), &g); err != nil {
		t.Fatalf("%s = %s: not JSON: %v", what, got, err)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("want %s: %v", want, err)
	}
	gb, _ := json.Marshal(g)
	wb, _ := json.Marshal(w)
	if string(gb) != string(wb) {
		t.Errorf("%s = %s, want %s", what, gb, wb)
	}
}

// SendTaskFailure caught by a Catch: the worker's error and cause reach the catcher's ResultPath as
// {"Error", "Cause"}, the history has ActivityFailed then TaskStateExited and the catcher's state.
func TestSFN_TaskFailureCaught(t *testing.T) {
	t.Parallel()
	e := newSFNEnv(t, 5*time.Second)
	ctx := t.Context()
	sm := e.machine("caught", `{
	  "StartAt": "Work",
	  "States": {
	    "Work": {"Type": "Task", "Resource": "ACTIVITY", "End": true,
	             "Catch": [{"ErrorEquals": ["Other"], "Next": "Wrong"},
	                       {"ErrorEquals": ["Programmatic.Error"], "ResultPath": "$.failure", "Next": "Caught"}]},
	    "Wrong": {"Type": "Fail", "Error": "WrongCatcher"},
	    "Caught": {"Type": "Pass", "End": true}
	  }
	}`)
	arn := e.start(sm, "fails", `{"n": 1}`)
	task := e.task("w")
	if _, err := e.c.SendTaskFailure(ctx, &sfn.SendTaskFailureInput{TaskToken: task.TaskToken,
		Error: aws.String("Programmatic.Error"), Cause: aws.String("disk full")}); err != nil {
		t.Fatalf("SendTaskFailure: %v", err)
	}
	d := e.waitStatus(arn, sfntypes.ExecutionStatusSucceeded, 10*time.Second)
	wantJSON(t, "output", aws.ToString(d.Output), `{"n":1,"failure":{"Error":"Programmatic.Error","Cause":"disk full"}}`)

	evs := e.events(arn)
	failed := ofType(evs, sfntypes.HistoryEventTypeActivityFailed)
	if len(failed) != 1 || aws.ToString(failed[0].ActivityFailedEventDetails.Error) != "Programmatic.Error" ||
		aws.ToString(failed[0].ActivityFailedEventDetails.Cause) != "disk full" {
		t.Fatalf("ActivityFailed events = %+v, want one with the worker's error and cause", failed)
	}
	want := "ExecutionStarted\nTaskStateEntered\nActivityScheduled\nActivityStarted\nActivityFailed\nTaskStateExited\n" +
		"PassStateEntered\nPassStateExited\nExecutionSucceeded\n"
	if got := eventTypes(evs); got != want {
		t.Errorf("history:\n%swant:\n%s", got, want)
	}
	// The same token again: the task is closed.
	_, err := e.c.SendTaskFailure(ctx, &sfn.SendTaskFailureInput{TaskToken: task.TaskToken})
	wantSFNFault(t, err, "TaskTimedOut", "Task Timed Out")
}

// SendTaskFailure that no Catch matches fails the execution with the worker's error and cause, in
// DescribeExecution and in ExecutionFailed, straight after ActivityFailed.
func TestSFN_TaskFailureUncaught(t *testing.T) {
	t.Parallel()
	e := newSFNEnv(t, 5*time.Second)
	sm := e.machine("uncaught", `{
	  "StartAt": "Work",
	  "States": {
	    "Work": {"Type": "Task", "Resource": "ACTIVITY", "End": true,
	             "Catch": [{"ErrorEquals": ["States.Timeout"], "Next": "Caught"}]},
	    "Caught": {"Type": "Pass", "End": true}
	  }
	}`)
	arn := e.start(sm, "fails", `{}`)
	task := e.task("w")
	if _, err := e.c.SendTaskFailure(t.Context(), &sfn.SendTaskFailureInput{TaskToken: task.TaskToken,
		Error: aws.String("Programmatic Error"), Cause: aws.String("bad input")}); err != nil {
		t.Fatalf("SendTaskFailure: %v", err)
	}
	d := e.waitStatus(arn, sfntypes.ExecutionStatusFailed, 10*time.Second)
	if aws.ToString(d.Error) != "Programmatic Error" || aws.ToString(d.Cause) != "bad input" || d.StopDate == nil || d.Output != nil {
		t.Errorf("DescribeExecution = error %q cause %q stop %v output %v; want the worker's error and cause, no output",
			aws.ToString(d.Error), aws.ToString(d.Cause), d.StopDate, d.Output)
	}
	evs := e.events(arn)
	want := "ExecutionStarted\nTaskStateEntered\nActivityScheduled\nActivityStarted\nActivityFailed\nExecutionFailed\n"
	if got := eventTypes(evs); got != want {
		t.Fatalf("history:\n%swant:\n%s", got, want)
	}
	last := evs[len(evs)-1].ExecutionFailedEventDetails
	if last == nil || aws.ToString(last.Error) != "Programmatic Error" || aws.ToString(last.Cause) != "bad input" {
		t.Errorf("ExecutionFailed details = %+v, want the worker's error and cause", last)
	}
}

// TimeoutSeconds bounds the task however often the worker heartbeats: ActivityTimedOut with States.Timeout
// and no cause, a Catch on States.TaskFailed lets it pass and the one on States.Timeout takes it, and the
// worker's token then answers TaskTimedOut.
func TestSFN_TaskTimeoutDespiteHeartbeats(t *testing.T) {
	t.Parallel()
	e := newSFNEnv(t, 5*time.Second)
	ctx := t.Context()
	sm := e.machine("timeout", `{
	  "StartAt": "Work",
	  "States": {
	    "Work": {"Type": "Task", "Resource": "ACTIVITY", "HeartbeatSeconds": 1, "TimeoutSeconds": 2, "End": true,
	             "Catch": [{"ErrorEquals": ["States.TaskFailed"], "Next": "Wrong"},
	                       {"ErrorEquals": ["States.Timeout"], "ResultPath": "$.error", "Next": "Caught"}]},
	    "Wrong": {"Type": "Fail", "Error": "TaskFailedCaughtATimeout"},
	    "Caught": {"Type": "Pass", "End": true}
	  }
	}`)
	arn := e.start(sm, "slow", `{}`)
	task := e.task("w")
	began := time.Now()
	var beatErr error
	for time.Since(began) < 10*time.Second {
		if _, beatErr = e.c.SendTaskHeartbeat(ctx, &sfn.SendTaskHeartbeatInput{TaskToken: task.TaskToken}); beatErr != nil {
			break
		}
		time.Sleep(300 * time.Millisecond)
	}
	wantSFNFault(t, beatErr, "TaskTimedOut", "Task Timed Out")
	if took := time.Since(began); took < 1500*time.Millisecond {
		t.Errorf("the task timed out %v after it started, before its TimeoutSeconds of 2", took)
	}
	d := e.waitStatus(arn, sfntypes.ExecutionStatusSucceeded, 10*time.Second)
	// A timeout has no cause; AWS shows an absent cause as "Cause": null in a catcher's error output
	// (recorded for SendTaskFailure without one, reference §0.10): null or absent are both accepted.
	var caught struct {
		Error map[string]*string `json:"error"`
	}
	if err := json.Unmarshal([]byte(aws.ToString(d.Output)), &caught); err != nil || len(caught.Error) > 2 ||
		aws.ToString(caught.Error["Error"]) != "States.Timeout" || caught.Error["Cause"] != nil {
		t.Errorf("output = %s, want the error output {\"Error\":\"States.Timeout\"} with no cause", aws.ToString(d.Output))
	}

	evs := e.events(arn)
	sched := ofType(evs, sfntypes.HistoryEventTypeActivityScheduled)
	if len(sched) != 1 || aws.ToInt64(sched[0].ActivityScheduledEventDetails.TimeoutInSeconds) != 2 ||
		aws.ToInt64(sched[0].ActivityScheduledEventDetails.HeartbeatInSeconds) != 1 {
		t.Errorf("ActivityScheduled = %+v, want timeoutInSeconds 2 and heartbeatInSeconds 1", sched)
	}
	timedOut := ofType(evs, sfntypes.HistoryEventTypeActivityTimedOut)
	if len(timedOut) != 1 || aws.ToString(timedOut[0].ActivityTimedOutEventDetails.Error) != "States.Timeout" ||
		timedOut[0].ActivityTimedOutEventDetails.Cause != nil {
		t.Errorf("ActivityTimedOut = %+v, want one with error States.Timeout and no cause", timedOut)
	}
	if got := eventTypes(evs); !strings.Contains(got, "ActivityTimedOut\nTaskStateExited\nPassStateEntered\n") {
		t.Errorf("history lacks the catch by States.Timeout:\n%s", got)
	}
}

// Retry of an activity task: each failure is retried within the same TaskStateEntered after
// IntervalSeconds × BackoffRate^(n-1) (1 s, then 2 s), with a new ActivityScheduled and token whose input
// shows $$.State.RetryCount, and the third attempt's success ends the execution.
func TestSFN_TaskRetry(t *testing.T) {
	t.Parallel()
	e := newSFNEnv(t, 5*time.Second)
	ctx := t.Context()
	sm := e.machine("retry", `{
	  "StartAt": "Work",
	  "States": {
	    "Work": {"Type": "Task", "Resource": "ACTIVITY", "End": true,
	             "Parameters": {"attempt.$": "$$.State.RetryCount", "n.$": "$.n"},
	             "Retry": [{"ErrorEquals": ["Other"], "MaxAttempts": 5},
	                       {"ErrorEquals": ["Flaky"], "IntervalSeconds": 1, "MaxAttempts": 2, "BackoffRate": 2.0}]}
	  }
	}`)
	arn := e.start(sm, "flaky", `{"n": 7}`)

	tokens := map[string]bool{}
	var task *sfn.GetActivityTaskOutput
	for attempt := range 3 {
		failedAt := time.Now()
		task = e.task("w")
		if attempt > 0 {
			interval := time.Duration(1<<(attempt-1)) * time.Second
			if waited := time.Since(failedAt); waited < interval-100*time.Millisecond {
				t.Errorf("attempt %d handed out %v after the failure, want after %v", attempt, waited, interval)
			}
		}
		wantJSON(t, fmt.Sprintf("attempt %d's input", attempt), aws.ToString(task.Input), fmt.Sprintf(`{"attempt":%d,"n":7}`, attempt))
		if tokens[aws.ToString(task.TaskToken)] {
			t.Errorf("attempt %d reused an earlier attempt's token", attempt)
		}
		tokens[aws.ToString(task.TaskToken)] = true
		if attempt == 2 {
			break
		}
		if _, err := e.c.SendTaskFailure(ctx, &sfn.SendTaskFailureInput{TaskToken: task.TaskToken,
			Error: aws.String("Flaky"), Cause: aws.String("try again")}); err != nil {
			t.Fatalf("SendTaskFailure: %v", err)
		}
	}
	if _, err := e.c.SendTaskSuccess(ctx, sendSuccess(task.TaskToken, `"done"`)); err != nil {
		t.Fatalf("SendTaskSuccess: %v", err)
	}
	d := e.waitStatus(arn, sfntypes.ExecutionStatusSucceeded, 10*time.Second)
	wantJSON(t, "output", aws.ToString(d.Output), `"done"`)

	evs := e.events(arn)
	want := "ExecutionStarted\nTaskStateEntered\n" +
		"ActivityScheduled\nActivityStarted\nActivityFailed\n" +
		"ActivityScheduled\nActivityStarted\nActivityFailed\n" +
		"ActivityScheduled\nActivityStarted\nActivitySucceeded\nTaskStateExited\nExecutionSucceeded\n"
	if got := eventTypes(evs); got != want {
		t.Fatalf("history:\n%swant:\n%s", got, want)
	}
	sched := ofType(evs, sfntypes.HistoryEventTypeActivityScheduled)
	failed := ofType(evs, sfntypes.HistoryEventTypeActivityFailed)
	for i, f := range failed {
		wantJSON(t, fmt.Sprintf("ActivityScheduled %d input", i+1), aws.ToString(sched[i+1].ActivityScheduledEventDetails.Input),
			fmt.Sprintf(`{"attempt":%d,"n":7}`, i+1))
		interval := time.Duration(1<<i) * time.Second
		if gap := sched[i+1].Timestamp.Sub(*f.Timestamp); gap < interval-100*time.Millisecond {
			t.Errorf("ActivityFailed → ActivityScheduled %d took %v in the history, want about %v", i+1, gap, interval)
		}
	}
}

// An activity deleted before the execution reaches it: the execution fails with States.Runtime and AWS's
// cause, which no Catch takes, and no ActivityScheduled (nor ActivityScheduleFailed) is written.
func TestSFN_DeletedActivity(t *testing.T) {
	t.Parallel()
	e := newSFNEnv(t, 5*time.Second)
	ctx := t.Context()
	out, err := e.c.CreateActivity(ctx, &sfn.CreateActivityInput{Name: aws.String("gone")})
	if err != nil {
		t.Fatalf("CreateActivity: %v", err)
	}
	gone := aws.ToString(out.ActivityArn)
	sm := e.machine("deleted", `{
	  "StartAt": "ActivityTask",
	  "States": {
	    "ActivityTask": {"Type": "Task", "Resource": "`+gone+`", "End": true,
	                     "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Caught"}]},
	    "Caught": {"Type": "Pass", "End": true}
	  }
	}`)
	if _, err := e.c.DeleteActivity(ctx, &sfn.DeleteActivityInput{ActivityArn: aws.String(gone)}); err != nil {
		t.Fatalf("DeleteActivity: %v", err)
	}
	arn := e.start(sm, "late", `{}`)
	d := e.waitStatus(arn, sfntypes.ExecutionStatusFailed, 10*time.Second)
	cause := "An error occurred while executing the state 'ActivityTask' (entered at the event id #2). The activity " +
		gone + " does not exist."
	if aws.ToString(d.Error) != "States.Runtime" || aws.ToString(d.Cause) != cause {
		t.Errorf("DescribeExecution = error %q cause %q, want States.Runtime %q", aws.ToString(d.Error), aws.ToString(d.Cause), cause)
	}
	evs := e.events(arn)
	want := "ExecutionStarted\nTaskStateEntered\nExecutionFailed\n"
	if got := eventTypes(evs); got != want {
		t.Errorf("history:\n%swant:\n%s", got, want)
	}
}

// SendTaskFailure with neither error nor cause: ActivityFailed carries neither, States.TaskFailed catches
// it, and the catcher's error output is {"Error": null, "Cause": null}, as AWS records it (reference
// §0.10).
func TestSFN_TaskFailureWithoutError(t *testing.T) {
	t.Parallel()
	e := newSFNEnv(t, 5*time.Second)
	sm := e.machine("bare", `{
	  "StartAt": "Work",
	  "States": {
	    "Work": {"Type": "Task", "Resource": "ACTIVITY", "End": true,
	             "Catch": [{"ErrorEquals": ["States.TaskFailed"], "ResultPath": "$.failure", "Next": "Caught"}]},
	    "Caught": {"Type": "Pass", "End": true}
	  }
	}`)
	arn := e.start(sm, "bare", `{}`)
	task := e.task("w")
	if _, err := e.c.SendTaskFailure(t.Context(), &sfn.SendTaskFailureInput{TaskToken: task.TaskToken}); err != nil {
		t.Fatalf("SendTaskFailure: %v", err)
	}
	d := e.waitStatus(arn, sfntypes.ExecutionStatusSucceeded, 10*time.Second)
	wantJSON(t, "output", aws.ToString(d.Output), `{"failure":{"Error":null,"Cause":null}}`)
	failed := ofType(e.events(arn), sfntypes.HistoryEventTypeActivityFailed)
	if len(failed) != 1 || failed[0].ActivityFailedEventDetails == nil ||
		failed[0].ActivityFailedEventDetails.Error != nil || failed[0].ActivityFailedEventDetails.Cause != nil {
		t.Errorf("ActivityFailed = %+v, want one without error or cause", failed)
	}
}
