package sfn_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awssfn "github.com/aws/aws-sdk-go-v2/service/sfn"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/openswf/openswf/openswftest"
	"github.com/openswf/openswf/sfn"
)

// A service task's end can come before the answer of its request is recorded: a child that ends, or a
// callback answered, while the integration worker that started the child has not yet recorded the
// StartExecution answer. The parent's history still reads TaskSubmitted before TaskSucceeded, as AWS's
// does: the end is held until the answer.
func TestServiceTaskEndBeforeItsSubmission(t *testing.T) {
	release := make(chan bool)
	restore := sfn.HoldWorkAnswers(release)
	defer restore()
	srv := openswftest.New(t, openswftest.Options{PollHold: 5 * time.Second})
	c := awssfn.New(awssfn.Options{BaseEndpoint: aws.String(srv.URL), Region: "us-east-1",
		Credentials: credentials.NewStaticCredentialsProvider("x", "y", "")})
	ctx := t.Context()
	act, err := c.CreateActivity(ctx, &awssfn.CreateActivityInput{Name: aws.String("work")})
	if err != nil {
		t.Fatal(err)
	}
	machine := func(name, def string) *string {
		out, err := c.CreateStateMachine(ctx, &awssfn.CreateStateMachineInput{Name: aws.String(name),
			RoleArn: aws.String("arn:aws:iam::123456789012:role/r"), Definition: aws.String(def)})
		if err != nil {
			t.Fatalf("CreateStateMachine(%s): %v", name, err)
		}
		return out.StateMachineArn
	}
	child := machine("child", `{"StartAt": "Work", "States": {"Work": {"Type": "Task", "Resource": "`+*act.ActivityArn+`", "End": true}}}`)
	history := func(arn *string) string {
		out, err := c.GetExecutionHistory(ctx, &awssfn.GetExecutionHistoryInput{ExecutionArn: arn})
		if err != nil {
			t.Fatalf("GetExecutionHistory: %v", err)
		}
		var types []string
		for _, ev := range out.Events {
			types = append(types, string(ev.Type))
		}
		return strings.Join(types, ",")
	}
	const before = "ExecutionStarted,TaskStateEntered,TaskScheduled,TaskStarted"
	const want = before + ",TaskSubmitted,TaskSucceeded,TaskStateExited,ExecutionSucceeded"

	const failedRetry = before + ",TaskSucceeded,TaskStateExited,ExecutionSucceeded"

	for i, tc := range []struct {
		pattern, params string
		answer          bool   // the work's answer: recorded, or a failure in its place
		want            string // the parent's history
	}{
		{"sync:2", `{"StateMachineArn": "CHILD"}`, true, want},
		{"waitForTaskToken", `{"StateMachineArn": "CHILD", "Input": {"token.$": "$$.Task.Token"}}`, true, want},
		// The answer lost and the retried request failing: the child's end stands.
		{"sync:2", `{"StateMachineArn": "CHILD"}`, false, failedRetry},
	} {
		name := fmt.Sprintf("parent-%d", i)
		parent := machine(name, `{"StartAt": "Child", "States": {"Child": {"Type": "Task",
		  "Resource": "arn:aws:states:::states:startExecution.`+tc.pattern+`",
		  "Parameters": `+strings.Replace(tc.params, "CHILD", *child, 1)+`, "End": true}}}`)
		x, err := c.StartExecution(ctx, &awssfn.StartExecutionInput{StateMachineArn: parent, Name: aws.String("p")})
		if err != nil {
			t.Fatal(err)
		}
		task, err := c.GetActivityTask(ctx, &awssfn.GetActivityTaskInput{ActivityArn: act.ActivityArn})
		if err != nil || task.TaskToken == nil {
			t.Fatalf("%s: the child's task: %v, %v", tc.pattern, task, err)
		}
		// The child is started; the answer of its start is not recorded yet. End the parent's task.
		if tc.pattern == "waitForTaskToken" {
			var in struct{ Token string }
			if err := json.Unmarshal([]byte(aws.ToString(task.Input)), &in); err != nil || in.Token == "" {
				t.Fatalf("the child's input %s: %v", aws.ToString(task.Input), err)
			}
			if _, err := c.SendTaskSuccess(ctx, &awssfn.SendTaskSuccessInput{TaskToken: &in.Token, Output: aws.String(`{"n":1}`)}); err != nil {
				t.Fatalf("SendTaskSuccess(the parent's token): %v", err)
			}
		}
		if _, err := c.SendTaskSuccess(ctx, &awssfn.SendTaskSuccessInput{TaskToken: task.TaskToken, Output: aws.String(`{"n":1}`)}); err != nil {
			t.Fatalf("SendTaskSuccess(the child's task): %v", err)
		}
		// The parent decides on the end at once; give it time, and see it wait for the answer.
		time.Sleep(300 * time.Millisecond)
		if got := history(x.ExecutionArn); got != before {
			t.Errorf("%s: before the answer is recorded, the parent's history is\n%s\nwant\n%s", tc.pattern, got, before)
		}
		release <- tc.answer
		deadline := time.Now().Add(10 * time.Second)
		for {
			d, err := c.DescribeExecution(ctx, &awssfn.DescribeExecutionInput{ExecutionArn: x.ExecutionArn})
			if err != nil {
				t.Fatal(err)
			}
			if d.Status != sfntypes.ExecutionStatusRunning {
				if d.Status != sfntypes.ExecutionStatusSucceeded {
					t.Fatalf("%s: the parent ended %s, want SUCCEEDED", tc.pattern, d.Status)
				}
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: the parent is still running 10 s after the answer", tc.pattern)
			}
			time.Sleep(20 * time.Millisecond)
		}
		if got := history(x.ExecutionArn); got != tc.want {
			t.Errorf("%s: the parent's history is\n%s\nwant\n%s", tc.pattern, got, tc.want)
		}
	}
}
