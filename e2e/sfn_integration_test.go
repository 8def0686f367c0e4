package e2e

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"
)

// The callback pattern through states:startExecution.waitForTaskToken: the parent starts a child execution
// with its task token in the child's input; the child's worker heartbeats the parent's token for longer
// than the parent's HeartbeatSeconds, then answers it. The parent records TaskScheduled, TaskStarted,
// TaskSubmitted (the StartExecution answer) and TaskSucceeded with the worker's output.
func TestSFN_CallbackThroughChildExecution(t *testing.T) {
	t.Parallel()
	e := newSFNEnv(t, 5*time.Second)
	ctx := t.Context()
	child := e.machine("child", `{"StartAt": "Work", "States": {
	  "Work": {"Type": "Task", "Resource": "ACTIVITY", "End": true}}}`)
	parent := e.machine("parent", `{"StartAt": "Child", "States": {
	  "Child": {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution.waitForTaskToken",
	            "Parameters": {"StateMachineArn": "`+child+`", "Input": {"token.$": "$$.Task.Token", "n.$": "$.n"}},
	            "HeartbeatSeconds": 2, "TimeoutSeconds": 60, "End": true}}}`)
	arn := e.start(parent, "p1", `{"n": 7}`)

	task := e.task("child-worker") // the child's activity, with the parent's token in its input
	var in struct {
		Token string `json:"token"`
		N     int    `json:"n"`
	}
	if err := json.Unmarshal([]byte(aws.ToString(task.Input)), &in); err != nil || in.Token == "" || in.N != 7 {
		t.Fatalf("child task input = %s (%v); want the parent's token and n 7", aws.ToString(task.Input), err)
	}
	for range 5 { // 4 s of heartbeats, twice the parent's HeartbeatSeconds
		time.Sleep(800 * time.Millisecond)
		if _, err := e.c.SendTaskHeartbeat(ctx, &sfn.SendTaskHeartbeatInput{TaskToken: aws.String(in.Token)}); err != nil {
			t.Fatalf("SendTaskHeartbeat(parent's token): %v", err)
		}
	}
	if d := e.describe(arn); d.Status != sfntypes.ExecutionStatusRunning {
		t.Fatalf("parent is %s while its callback heartbeats, want RUNNING", d.Status)
	}
	if _, err := e.c.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: aws.String(in.Token), Output: aws.String(`{"answer":42}`)}); err != nil {
		t.Fatalf("SendTaskSuccess(parent's token): %v", err)
	}
	d := e.describe(arn)
	if d.Status != sfntypes.ExecutionStatusSucceeded || aws.ToString(d.Output) != `{"answer":42}` {
		t.Fatalf("parent = %s with %s, want SUCCEEDED with the callback's output", d.Status, aws.ToString(d.Output))
	}
	want := "1 0 ExecutionStarted,2 0 TaskStateEntered,3 2 TaskScheduled,4 3 TaskStarted,5 4 TaskSubmitted,6 5 TaskSucceeded,7 6 TaskStateExited,8 7 ExecutionSucceeded"
	if got := strings.Join(e.history(arn), ","); got != want {
		t.Errorf("parent history:\n%s\nwant:\n%s", got, want)
	}
	// The child runs on: its own task is still the worker's to finish.
	if _, err := e.c.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: task.TaskToken, Output: aws.String(`{}`)}); err != nil {
		t.Fatalf("SendTaskSuccess(child's task): %v", err)
	}
	l, err := e.c.ListExecutions(ctx, &sfn.ListExecutionsInput{StateMachineArn: aws.String(child)})
	if err != nil || len(l.Executions) != 1 || l.Executions[0].Status != sfntypes.ExecutionStatusSucceeded {
		t.Fatalf("child executions = %+v, %v; want one SUCCEEDED", l, err)
	}
}

// A callback nobody heartbeats times out with States.Timeout after HeartbeatSeconds, recorded as
// TaskTimedOut; its token is then dead.
func TestSFN_CallbackHeartbeatTimeout(t *testing.T) {
	t.Parallel()
	e := newSFNEnv(t, 5*time.Second)
	ctx := t.Context()
	child := e.machine("child", `{"StartAt": "Work", "States": {"Work": {"Type": "Task", "Resource": "ACTIVITY", "End": true}}}`)
	parent := e.machine("parent", `{"StartAt": "Child", "States": {
	  "Child": {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution.waitForTaskToken",
	            "Parameters": {"StateMachineArn": "`+child+`", "Input": {"token.$": "$$.Task.Token"}},
	            "HeartbeatSeconds": 1, "End": true}}}`)
	arn := e.start(parent, "p1", `{}`)
	task := e.task("silent")
	d := e.waitStatus(arn, sfntypes.ExecutionStatusFailed, 10*time.Second)
	if aws.ToString(d.Error) != "States.Timeout" {
		t.Errorf("parent error = %s, want States.Timeout", aws.ToString(d.Error))
	}
	if got := strings.Join(e.history(arn), ","); !strings.Contains(got, "TaskTimedOut") {
		t.Errorf("parent history lacks TaskTimedOut: %s", got)
	}
	var in struct{ Token string }
	_ = json.Unmarshal([]byte(aws.ToString(task.Input)), &in)
	_, err := e.c.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: aws.String(in.Token), Output: aws.String("{}")})
	wantSFNFault(t, err, "TaskTimedOut", "Task Timed Out")
}

// The server's own API as an integration: aws-sdk:sfn:startExecution starts a child and answers at once
// with its ARN, and aws-sdk:sfn:describeExecution reads it, members named as the SDKs name them.
func TestSFN_SDKIntegration(t *testing.T) {
	t.Parallel()
	e := newSFNEnv(t, 5*time.Second)
	child := e.machine("child", `{"StartAt": "Done", "States": {"Done": {"Type": "Pass", "Result": {"x": 1}, "End": true}}}`)
	parent := e.machine("parent", `{"StartAt": "Start", "States": {
	  "Start": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:sfn:startExecution",
	            "Parameters": {"StateMachineArn": "`+child+`", "Name": "kid", "Input": "{\"a\":1}"}, "Next": "Look"},
	  "Look": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:sfn:describeExecution",
	           "Parameters": {"ExecutionArn.$": "$.ExecutionArn"}, "ResultSelector": {"Status.$": "$.Status", "Name.$": "$.Name"},
	           "End": true}}}`)
	arn := e.start(parent, "p", `{}`)
	d := e.waitStatus(arn, sfntypes.ExecutionStatusSucceeded, 10*time.Second)
	if got := aws.ToString(d.Output); got != `{"Status":"SUCCEEDED","Name":"kid"}` {
		t.Errorf("parent output = %s, want the child's status and name", got)
	}
	// A fault of the called action is the task's error, named SFN.<code>.
	bad := e.machine("bad", `{"StartAt": "Look", "States": {
	  "Look": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:sfn:describeExecution",
	           "Parameters": {"ExecutionArn": "arn:aws:states:us-east-1:000000000000:execution:nope:nope"}, "End": true}}}`)
	arn = e.start(bad, "b", `{}`)
	d = e.waitStatus(arn, sfntypes.ExecutionStatusFailed, 10*time.Second)
	if aws.ToString(d.Error) != "SFN.ExecutionDoesNotExist" {
		t.Errorf("error = %s (%s), want SFN.ExecutionDoesNotExist", aws.ToString(d.Error), aws.ToString(d.Cause))
	}
}

// The job-run pattern: states:startExecution.sync waits for the child execution to end and answers it as
// DescribeExecution does, its output as JSON text; .sync:2 answers the output as JSON. A child that fails
// fails the parent's Task with States.TaskFailed.
func TestSFN_SyncChildExecution(t *testing.T) {
	t.Parallel()
	e := newSFNEnv(t, 5*time.Second)
	ctx := t.Context()
	child := e.machine("child", `{"StartAt": "Work", "States": {"Work": {"Type": "Task", "Resource": "ACTIVITY", "End": true}}}`)
	for _, tc := range []struct{ pattern, wantOutput string }{
		{"sync", `"Output":"{\"done\":true}"`},
		{"sync:2", `"Output":{"done":true}`},
	} {
		name := "parent-" + strings.ReplaceAll(tc.pattern, ":", "-")
		parent := e.machine(name, `{"StartAt": "Child", "States": {
		  "Child": {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution.`+tc.pattern+`",
		            "Parameters": {"StateMachineArn": "`+child+`", "Input": {"from": "`+name+`"}}, "End": true}}}`)
		arn := e.start(parent, "p", `{}`)
		task := e.task("w")
		if !strings.Contains(aws.ToString(task.Input), name) {
			t.Fatalf("%s: child task input %s", tc.pattern, aws.ToString(task.Input))
		}
		if d := e.describe(arn); d.Status != sfntypes.ExecutionStatusRunning {
			t.Fatalf("%s: parent %s before the child ended, want RUNNING", tc.pattern, d.Status)
		}
		if _, err := e.c.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: task.TaskToken, Output: aws.String(`{"done":true}`)}); err != nil {
			t.Fatalf("SendTaskSuccess: %v", err)
		}
		d := e.waitStatus(arn, sfntypes.ExecutionStatusSucceeded, 10*time.Second)
		out := aws.ToString(d.Output)
		if !strings.Contains(out, tc.wantOutput) || !strings.Contains(out, `"Status":"SUCCEEDED"`) {
			t.Errorf("%s: parent output = %s, want %s", tc.pattern, out, tc.wantOutput)
		}
		want := "1 0 ExecutionStarted,2 0 TaskStateEntered,3 2 TaskScheduled,4 3 TaskStarted,5 4 TaskSubmitted,6 5 TaskSucceeded,7 6 TaskStateExited,8 7 ExecutionSucceeded"
		if got := strings.Join(e.history(arn), ","); got != want {
			t.Errorf("%s: parent history:\n%s\nwant:\n%s", tc.pattern, got, want)
		}
	}

	parent := e.machine("parent-fails", `{"StartAt": "Child", "States": {
	  "Child": {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync:2",
	            "Parameters": {"StateMachineArn": "`+child+`"}, "End": true}}}`)
	arn := e.start(parent, "p", `{}`)
	task := e.task("w")
	if _, err := e.c.SendTaskFailure(ctx, &sfn.SendTaskFailureInput{TaskToken: task.TaskToken, Error: aws.String("Boom"), Cause: aws.String("child broke")}); err != nil {
		t.Fatalf("SendTaskFailure: %v", err)
	}
	d := e.waitStatus(arn, sfntypes.ExecutionStatusFailed, 10*time.Second)
	if aws.ToString(d.Error) != "States.TaskFailed" || !strings.Contains(aws.ToString(d.Cause), `"Error":"Boom"`) {
		t.Errorf("parent error %s cause %s; want States.TaskFailed with the child's execution", aws.ToString(d.Error), aws.ToString(d.Cause))
	}
}
