package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awscreds "github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/openswf/openswf/openswftest"
)

// sfnFixture is a server with the activity resize, the state machines pass-machine (one Pass state) and
// work-machine (a Task state on resize), the execution p1 of pass-machine, succeeded, and w1 of
// work-machine, running, its task taken by sfn-worker with a heartbeat.
type sfnFixture struct {
	url                    string
	activityArn            string
	passMachine, p1, w1Arn string
}

func newSFNFixture(t *testing.T) *sfnFixture {
	t.Helper()
	srv := openswftest.New(t, openswftest.Options{PollHold: time.Second})
	c := sfn.New(sfn.Options{BaseEndpoint: aws.String(srv.URL), Region: "us-east-1",
		Credentials: awscreds.NewStaticCredentialsProvider("x", "y", "")})
	ctx := t.Context()
	const role = "arn:aws:iam::000000000000:role/openswf-cli-test"
	act, err := c.CreateActivity(ctx, &sfn.CreateActivityInput{Name: aws.String("resize")})
	if err != nil {
		t.Fatalf("CreateActivity: %v", err)
	}
	pass, err := c.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String("pass-machine"), RoleArn: aws.String(role),
		Definition: aws.String(`{"StartAt":"P","States":{"P":{"Type":"Pass","Result":{"ok":true},"End":true}}}`)})
	if err != nil {
		t.Fatalf("CreateStateMachine pass-machine: %v", err)
	}
	work, err := c.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String("work-machine"), RoleArn: aws.String(role),
		Definition: aws.String(`{"StartAt":"Resize","States":{"Resize":{"Type":"Task","Resource":"` + aws.ToString(act.ActivityArn) +
			`","HeartbeatSeconds":120,"TimeoutSeconds":600,"End":true}}}`)})
	if err != nil {
		t.Fatalf("CreateStateMachine work-machine: %v", err)
	}
	p1, err := c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: pass.StateMachineArn, Name: aws.String("p1"), Input: aws.String(`{"n":1}`)})
	if err != nil {
		t.Fatalf("StartExecution p1: %v", err)
	}
	w1, err := c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: work.StateMachineArn, Name: aws.String("w1"), Input: aws.String(`{"n":2}`)})
	if err != nil {
		t.Fatalf("StartExecution w1: %v", err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		d, err := c.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: p1.ExecutionArn})
		if err != nil {
			t.Fatalf("DescribeExecution p1: %v", err)
		}
		if d.Status == sfntypes.ExecutionStatusSucceeded {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("p1 is %s after 10 s, want SUCCEEDED", d.Status)
		}
		time.Sleep(20 * time.Millisecond)
	}
	for {
		task, err := c.GetActivityTask(ctx, &sfn.GetActivityTaskInput{ActivityArn: act.ActivityArn, WorkerName: aws.String("sfn-worker")})
		if err != nil {
			t.Fatalf("GetActivityTask: %v", err)
		}
		if task.TaskToken != nil {
			if _, err := c.SendTaskHeartbeat(ctx, &sfn.SendTaskHeartbeatInput{TaskToken: task.TaskToken}); err != nil {
				t.Fatalf("SendTaskHeartbeat: %v", err)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no activity task for w1 within 10 s")
		}
	}
	return &sfnFixture{url: srv.URL, activityArn: aws.ToString(act.ActivityArn), passMachine: aws.ToString(pass.StateMachineArn),
		p1: aws.ToString(p1.ExecutionArn), w1Arn: aws.ToString(w1.ExecutionArn)}
}

// TestInspect_SFN runs the Step Functions inspection commands against a server with real data.
func TestInspect_SFN(t *testing.T) {
	f := newSFNFixture(t)
	url := f.url

	t.Run("state-machines", func(t *testing.T) {
		out := mustRun(t, url, "sfn", "state-machines")
		if row := rowOf(out, "pass-machine"); !strings.Contains(row, "STANDARD") || !strings.Contains(row, f.passMachine) {
			t.Errorf("sfn state-machines: pass-machine row %q, want STANDARD and its ARN; table:\n%s", row, out)
		}
		if rowOf(out, "work-machine") == "" {
			t.Errorf("sfn state-machines: no work-machine row:\n%s", out)
		}
		var got struct {
			StateMachines []struct{ Name string } `json:"stateMachines"`
		}
		mustJSON(t, url, &got, "sfn", "state-machines")
		if len(got.StateMachines) != 2 {
			t.Errorf("sfn state-machines --output json: %+v, want the two", got.StateMachines)
		}
	})

	t.Run("activities", func(t *testing.T) {
		out := mustRun(t, url, "sfn", "activities")
		if row := rowOf(out, "resize"); !strings.Contains(row, f.activityArn) {
			t.Errorf("sfn activities: resize row %q, want its ARN; table:\n%s", row, out)
		}
	})

	t.Run("executions list", func(t *testing.T) {
		names := func(args ...string) string {
			t.Helper()
			var got struct {
				Executions []struct{ Name, Status string } `json:"executions"`
			}
			mustJSON(t, url, &got, append([]string{"sfn", "executions", "list"}, args...)...)
			var n []string
			for _, e := range got.Executions {
				n = append(n, e.Name+":"+e.Status)
			}
			return strings.Join(n, " ")
		}
		for _, tc := range []struct {
			args []string
			want string
		}{
			{nil, "p1:SUCCEEDED w1:RUNNING"},
			{[]string{"--state-machine", "pass-machine"}, "p1:SUCCEEDED"},
			{[]string{"--state-machine", f.passMachine}, "p1:SUCCEEDED"},
			{[]string{"--status", "RUNNING"}, "w1:RUNNING"},
			{[]string{"--state-machine", "pass-machine", "--status", "FAILED"}, ""},
			{[]string{"--max", "1"}, "p1:SUCCEEDED"},
		} {
			if got := names(tc.args...); got != tc.want {
				t.Errorf("sfn executions list %v: got [%s], want [%s]", tc.args, got, tc.want)
			}
		}
		out := mustRun(t, url, "sfn", "executions", "list")
		if row := rowOf(out, "w1"); !strings.Contains(row, "work-machine") || !strings.Contains(row, "RUNNING") || !strings.Contains(row, f.w1Arn) {
			t.Errorf("sfn executions list: w1 row %q, want work-machine RUNNING and its ARN; table:\n%s", row, out)
		}
	})

	t.Run("executions describe", func(t *testing.T) {
		out := mustRun(t, url, "sfn", "executions", "describe", f.p1)
		for _, want := range []string{"p1", "SUCCEEDED", f.passMachine, `{"n":1}`, `{"ok":true}`} {
			if !strings.Contains(out, want) {
				t.Errorf("sfn executions describe p1: no %q in\n%s", want, out)
			}
		}
		var got map[string]any
		mustJSON(t, url, &got, "sfn", "executions", "describe", f.p1)
		if got["status"] != "SUCCEEDED" || got["executionArn"] != f.p1 {
			t.Errorf("sfn executions describe --output json: %v, want the raw answer", got)
		}
	})

	t.Run("executions history", func(t *testing.T) {
		out := mustRun(t, url, "sfn", "executions", "history", f.p1)
		want := []string{"ExecutionStarted", "PassStateEntered", "PassStateExited", "ExecutionSucceeded"}
		lines := strings.Split(strings.TrimSpace(out), "\n")
		if len(lines) != len(want) {
			t.Fatalf("sfn executions history p1: %d lines, want %d:\n%s", len(lines), len(want), out)
		}
		for i, line := range lines {
			if f := strings.Fields(line); len(f) < 3 || f[0] != itoa(i+1) || !strings.HasPrefix(f[1], "+") || f[2] != want[i] {
				t.Errorf("sfn history line %d = %q, want %d +offset %s …", i+1, line, i+1, want[i])
			}
		}
		if !strings.Contains(lines[1], `"name":"P"`) {
			t.Errorf("sfn history: PassStateEntered line %q, want the state's name", lines[1])
		}
		var got struct {
			Events []json.RawMessage `json:"events"`
		}
		mustJSON(t, url, &got, "sfn", "executions", "history", f.p1)
		if len(got.Events) != len(want) {
			t.Errorf("sfn executions history --output json: %d events, want %d", len(got.Events), len(want))
		}
	})
}
