package e2e

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"
)

// A Wait state of one second: WaitStateEntered and WaitStateExited at least that far apart, then the rest
// of the machine.
func TestSFN_WaitSeconds(t *testing.T) {
	t.Parallel()
	e := newSFNEnv(t, time.Second)
	sm := e.machine("wait", `{
	  "StartAt": "Nap",
	  "States": {
	    "Nap": {"Type": "Wait", "Seconds": 1, "Next": "Done"},
	    "Done": {"Type": "Pass", "Result": "rested", "ResultPath": "$.state", "End": true}
	  }
	}`)
	arn := e.start(sm, "nap", `{"n":1}`)
	if d := e.describe(arn); d.Status != sfntypes.ExecutionStatusRunning {
		t.Fatalf("status right after the start = %s, want RUNNING while it waits", d.Status)
	}
	d := e.waitStatus(arn, sfntypes.ExecutionStatusSucceeded, 10*time.Second)
	wantJSON(t, "output", aws.ToString(d.Output), `{"n":1,"state":"rested"}`)
	evs := e.events(arn)
	want := "ExecutionStarted\nWaitStateEntered\nWaitStateExited\nPassStateEntered\nPassStateExited\nExecutionSucceeded\n"
	if got := eventTypes(evs); got != want {
		t.Fatalf("history:\n%swant:\n%s", got, want)
	}
	if gap := evs[2].Timestamp.Sub(*evs[1].Timestamp); gap < 900*time.Millisecond {
		t.Errorf("WaitStateEntered → WaitStateExited took %v, want about 1 s", gap)
	}
}

// The machine's TimeoutSeconds ends an execution whose task nobody answers: TIMED_OUT with
// States.Timeout in DescribeExecution and in ExecutionTimedOut (previous event 0, as AWS records it), and
// the task's token is dead afterwards.
func TestSFN_ExecutionTimeout(t *testing.T) {
	t.Parallel()
	e := newSFNEnv(t, 5*time.Second)
	sm := e.machine("deadline", `{
	  "TimeoutSeconds": 1,
	  "StartAt": "Work",
	  "States": {
	    "Work": {"Type": "Task", "Resource": "ACTIVITY", "End": true,
	             "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Caught"}]},
	    "Caught": {"Type": "Pass", "End": true}
	  }
	}`)
	arn := e.start(sm, "too-slow", `{}`)
	task := e.task("w")
	d := e.waitStatus(arn, sfntypes.ExecutionStatusTimedOut, 10*time.Second)
	if d.StopDate == nil || d.Output != nil || aws.ToString(d.Error) != "States.Timeout" {
		t.Errorf("DescribeExecution = stop %v output %v error %q; want a stop date, no output, States.Timeout",
			d.StopDate, d.Output, aws.ToString(d.Error))
	}
	if took := d.StopDate.Sub(*d.StartDate); took < 900*time.Millisecond {
		t.Errorf("timed out %v after the start, before TimeoutSeconds 1", took)
	}
	evs := e.events(arn)
	last := evs[len(evs)-1]
	if last.Type != sfntypes.HistoryEventTypeExecutionTimedOut || last.PreviousEventId != 0 ||
		last.ExecutionTimedOutEventDetails == nil || aws.ToString(last.ExecutionTimedOutEventDetails.Error) != "States.Timeout" {
		t.Errorf("last event = %s prev %d details %+v, want ExecutionTimedOut prev 0 with States.Timeout",
			last.Type, last.PreviousEventId, last.ExecutionTimedOutEventDetails)
	}
	if got := eventTypes(evs); got != "ExecutionStarted\nTaskStateEntered\nActivityScheduled\nActivityStarted\nExecutionTimedOut\n" {
		t.Errorf("history:\n%s", got)
	}
	_, err := e.c.SendTaskSuccess(t.Context(), sendSuccess(task.TaskToken, "{}"))
	wantSFNFault(t, err, "TaskTimedOut", "Task Timed Out")
}

func sendSuccess(token *string, output string) *sfn.SendTaskSuccessInput {
	return &sfn.SendTaskSuccessInput{TaskToken: token, Output: aws.String(output)}
}
