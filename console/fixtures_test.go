package console_test

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/swf"
	"github.com/aws/aws-sdk-go-v2/service/swf/types"

	"github.com/openswf/openswf/iam"
	"github.com/openswf/openswf/openswftest"
)

const (
	domain       = "orders"
	decisionList = "decisions"
	activityList = "workers"
)

// world is one test's server, the SDK clients making its data, and the SWF domain orders with the workflow
// type ship/1 and the activity type pack/1 (heartbeat timeout 20 s).
type world struct {
	t      *testing.T
	srv    *openswftest.Server
	swf    *swf.Client
	states *sfn.Client
}

func newWorld(t *testing.T, opts openswftest.Options, keyID, secret string) *world {
	t.Helper()
	opts.Console = true
	if opts.PollHold == 0 {
		opts.PollHold = 2 * time.Second
	}
	srv := openswftest.New(t, opts)
	creds := credentials.NewStaticCredentialsProvider(keyID, secret, "")
	w := &world{t: t, srv: srv,
		swf:    swf.New(swf.Options{BaseEndpoint: aws.String(srv.URL), Region: "us-east-1", Credentials: creds, RetryMaxAttempts: 1}),
		states: sfn.New(sfn.Options{BaseEndpoint: aws.String(srv.URL), Region: "us-east-1", Credentials: creds, RetryMaxAttempts: 1}),
	}
	ctx := t.Context()
	must(t, "RegisterDomain", func() error {
		_, err := w.swf.RegisterDomain(ctx, &swf.RegisterDomainInput{Name: aws.String(domain), Description: aws.String("the shop's orders"),
			WorkflowExecutionRetentionPeriodInDays: aws.String("1")})
		return err
	})
	must(t, "RegisterWorkflowType", func() error {
		_, err := w.swf.RegisterWorkflowType(ctx, &swf.RegisterWorkflowTypeInput{Domain: aws.String(domain), Name: aws.String("ship"), Version: aws.String("1"),
			DefaultTaskList: &types.TaskList{Name: aws.String(decisionList)}, DefaultExecutionStartToCloseTimeout: aws.String("3600"),
			DefaultTaskStartToCloseTimeout: aws.String("60"), DefaultChildPolicy: types.ChildPolicyTerminate})
		return err
	})
	must(t, "RegisterActivityType", func() error {
		_, err := w.swf.RegisterActivityType(ctx, &swf.RegisterActivityTypeInput{Domain: aws.String(domain), Name: aws.String("pack"), Version: aws.String("1"),
			DefaultTaskList: &types.TaskList{Name: aws.String(activityList)}, DefaultTaskStartToCloseTimeout: aws.String("600"),
			DefaultTaskHeartbeatTimeout: aws.String("20"), DefaultTaskScheduleToStartTimeout: aws.String("NONE"),
			DefaultTaskScheduleToCloseTimeout: aws.String("NONE")})
		return err
	})
	return w
}

func must(t *testing.T, what string, f func() error) {
	t.Helper()
	if err := f(); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// start starts the workflow id with tags.
func (w *world) start(id string, tags ...string) *types.WorkflowExecution {
	w.t.Helper()
	out, err := w.swf.StartWorkflowExecution(w.t.Context(), &swf.StartWorkflowExecutionInput{Domain: aws.String(domain), WorkflowId: aws.String(id),
		WorkflowType: &types.WorkflowType{Name: aws.String("ship"), Version: aws.String("1")}, TagList: tags, Input: aws.String(`{"order":"` + id + `"}`)})
	if err != nil {
		w.t.Fatalf("StartWorkflowExecution(%s): %v", id, err)
	}
	return &types.WorkflowExecution{WorkflowId: aws.String(id), RunId: out.RunId}
}

// startWithActivity starts id, answers its first decision task with one activity, and takes that task as
// the worker "packer-7"; it returns the run and the task's token.
func (w *world) startWithActivity(id string) (*types.WorkflowExecution, *string) {
	w.t.Helper()
	ctx := w.t.Context()
	run := w.start(id)
	dt, err := w.swf.PollForDecisionTask(ctx, &swf.PollForDecisionTaskInput{Domain: aws.String(domain), TaskList: &types.TaskList{Name: aws.String(decisionList)}, Identity: aws.String("decider-1")})
	if err != nil || dt.TaskToken == nil {
		w.t.Fatalf("PollForDecisionTask: %v (task %v)", err, dt)
	}
	must(w.t, "RespondDecisionTaskCompleted", func() error {
		_, err := w.swf.RespondDecisionTaskCompleted(ctx, &swf.RespondDecisionTaskCompletedInput{TaskToken: dt.TaskToken, Decisions: []types.Decision{
			{DecisionType: types.DecisionTypeScheduleActivityTask, ScheduleActivityTaskDecisionAttributes: &types.ScheduleActivityTaskDecisionAttributes{
				ActivityId: aws.String("pack-1"), ActivityType: &types.ActivityType{Name: aws.String("pack"), Version: aws.String("1")}, Input: aws.String(`{"items":3}`)}},
			{DecisionType: types.DecisionTypeStartTimer, StartTimerDecisionAttributes: &types.StartTimerDecisionAttributes{
				TimerId: aws.String("reminder"), StartToFireTimeout: aws.String("1800")}},
		}})
		return err
	})
	at, err := w.swf.PollForActivityTask(ctx, &swf.PollForActivityTaskInput{Domain: aws.String(domain), TaskList: &types.TaskList{Name: aws.String(activityList)}, Identity: aws.String("packer-7")})
	if err != nil || at.TaskToken == nil {
		w.t.Fatalf("PollForActivityTask: %v (task %v)", err, at)
	}
	return run, at.TaskToken
}

// status returns the run's status: OPEN or its close status.
func (w *world) status(run *types.WorkflowExecution) string {
	w.t.Helper()
	out, err := w.swf.DescribeWorkflowExecution(w.t.Context(), &swf.DescribeWorkflowExecutionInput{Domain: aws.String(domain), Execution: run})
	if err != nil {
		w.t.Fatalf("DescribeWorkflowExecution: %v", err)
	}
	if out.ExecutionInfo.ExecutionStatus == types.ExecutionStatusOpen {
		return "OPEN"
	}
	return string(out.ExecutionInfo.CloseStatus)
}

// authConfig is the access control of TestConsole_TerminateRefused: an admin, and an operator who may do
// everything but terminate.
const authConfig = `{
  "account": "123456789012",
  "users": [
    {"name": "admin", "accessKeys": [{"accessKeyId": "AKIACONSOLEADMIN", "secretAccessKey": "admin-secret"}],
     "policies": [{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["swf:*", "states:*", "openswf:*"], "Resource": "*"}]}]},
    {"name": "operator", "accessKeys": [{"accessKeyId": "AKIACONSOLEOPERATOR", "secretAccessKey": "operator-secret"}],
     "policies": [{"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["swf:*", "states:*", "openswf:*"], "Resource": "*"},
        {"Sid": "NoTerminate", "Effect": "Deny", "Action": "swf:TerminateWorkflowExecution", "Resource": "*"}]}]}
  ]
}`

func parseAuth(t *testing.T) *iam.Config {
	t.Helper()
	cfg, err := iam.ParseConfig([]byte(authConfig))
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}
