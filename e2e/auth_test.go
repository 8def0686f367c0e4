package e2e

import (
	"fmt"
	"strings"
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

// authFixture is the access control file of the access tests: four users.
const authFixture = `{
  "account": "123456789012",
  "users": [
    {"name": "admin", "accessKeys": [{"accessKeyId": "AKIAADMIN", "secretAccessKey": "admin-secret"}],
     "policies": [{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["swf:*", "states:*"], "Resource": "*"}]}]},
    {"name": "payments-worker", "accessKeys": [{"accessKeyId": "AKIAPAYMENTSWORKER01", "secretAccessKey": "worker-secret"}],
     "policies": [{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Action": ["swf:PollForActivityTask", "swf:RecordActivityTaskHeartbeat", "swf:RespondActivityTask*"],
        "Resource": "arn:aws:swf:*:*:/domain/payments"}]}]},
    {"name": "payments-decider", "accessKeys": [{"accessKeyId": "AKIAPAYMENTSDECIDER1", "secretAccessKey": "decider-secret"}],
     "policies": [{"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["swf:PollForDecisionTask", "swf:RespondDecisionTaskCompleted", "swf:CompleteWorkflowExecution"],
         "Resource": "arn:aws:swf:*:*:/domain/payments"},
        {"Sid": "OnlyCharges", "Effect": "Allow", "Action": "swf:ScheduleActivityTask", "Resource": "arn:aws:swf:*:*:/domain/payments",
         "Condition": {"StringEquals": {"swf:activityType.name": "act"}, "StringLike": {"swf:taskList.name": "pay-*"}}}]}]},
    {"name": "reader", "accessKeys": [{"accessKeyId": "AKIAREADER", "secretAccessKey": "reader-secret"}],
     "policies": [{"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["swf:Describe*", "swf:List*", "swf:Count*", "swf:Get*", "states:Describe*", "states:List*"], "Resource": "*"},
        {"Effect": "Deny", "Action": "swf:*", "Resource": "arn:aws:swf:*:*:/domain/billing"}]}]}
  ]
}`

// authClient is an SWF client signing with one access key.
func authClient(url, id, secret string) *swf.Client {
	return swf.New(swf.Options{BaseEndpoint: aws.String(url), Region: "us-east-1", RetryMaxAttempts: 1,
		Credentials: credentials.NewStaticCredentialsProvider(id, secret, "")})
}

// newAuthServer starts a server with the fixture's access control, and registers the payments and billing
// domains with the e2e types through the admin.
func newAuthServer(t *testing.T) (*openswftest.Server, *swf.Client) {
	t.Helper()
	cfg, err := iam.ParseConfig([]byte(authFixture))
	if err != nil {
		t.Fatal(err)
	}
	srv := openswftest.New(t, openswftest.Options{PollHold: 300 * time.Millisecond, Auth: cfg})
	admin := authClient(srv.URL, "AKIAADMIN", "admin-secret")
	ctx := t.Context()
	for _, d := range []string{"payments", "billing"} {
		if _, err := admin.RegisterDomain(ctx, &swf.RegisterDomainInput{Name: aws.String(d), WorkflowExecutionRetentionPeriodInDays: aws.String("1")}); err != nil {
			t.Fatalf("RegisterDomain(%s): %v", d, err)
		}
		if _, err := admin.RegisterWorkflowType(ctx, &swf.RegisterWorkflowTypeInput{Domain: aws.String(d), Name: aws.String("wf"), Version: aws.String("1"),
			DefaultTaskList: &types.TaskList{Name: aws.String(decisionList)}, DefaultExecutionStartToCloseTimeout: aws.String("300"),
			DefaultTaskStartToCloseTimeout: aws.String("30"), DefaultChildPolicy: types.ChildPolicyTerminate}); err != nil {
			t.Fatal(err)
		}
		if _, err := admin.RegisterActivityType(ctx, &swf.RegisterActivityTypeInput{Domain: aws.String(d), Name: aws.String("act"), Version: aws.String("1"),
			DefaultTaskList: &types.TaskList{Name: aws.String("pay-1")}, DefaultTaskStartToCloseTimeout: aws.String("60"),
			DefaultTaskHeartbeatTimeout: aws.String("NONE"), DefaultTaskScheduleToStartTimeout: aws.String("NONE"),
			DefaultTaskScheduleToCloseTimeout: aws.String("NONE")}); err != nil {
			t.Fatal(err)
		}
	}
	return srv, admin
}

// The matrix principal × action × domain, each call's outcome checked against what the fixture's policies
// say: allowed calls succeed, refused ones answer OperationNotPermittedFault.
func TestAuth_Matrix(t *testing.T) {
	t.Parallel()
	srv, _ := newAuthServer(t)
	ctx := t.Context()
	users := []struct{ name, id, secret string }{
		{"admin", "AKIAADMIN", "admin-secret"},
		{"payments-worker", "AKIAPAYMENTSWORKER01", "worker-secret"},
		{"payments-decider", "AKIAPAYMENTSDECIDER1", "decider-secret"},
		{"reader", "AKIAREADER", "reader-secret"},
	}
	actions := []struct {
		name string
		call func(c *swf.Client, domain string) error
	}{
		{"DescribeDomain", func(c *swf.Client, d string) error {
			_, err := c.DescribeDomain(ctx, &swf.DescribeDomainInput{Name: aws.String(d)})
			return err
		}},
		{"PollForActivityTask", func(c *swf.Client, d string) error {
			_, err := c.PollForActivityTask(ctx, &swf.PollForActivityTaskInput{Domain: aws.String(d), TaskList: &types.TaskList{Name: aws.String("idle")}})
			return err
		}},
		{"PollForDecisionTask", func(c *swf.Client, d string) error {
			_, err := c.PollForDecisionTask(ctx, &swf.PollForDecisionTaskInput{Domain: aws.String(d), TaskList: &types.TaskList{Name: aws.String("idle")}})
			return err
		}},
		{"CountPendingActivityTasks", func(c *swf.Client, d string) error {
			_, err := c.CountPendingActivityTasks(ctx, &swf.CountPendingActivityTasksInput{Domain: aws.String(d), TaskList: &types.TaskList{Name: aws.String("idle")}})
			return err
		}},
		{"ListActivityTypes", func(c *swf.Client, d string) error {
			_, err := c.ListActivityTypes(ctx, &swf.ListActivityTypesInput{Domain: aws.String(d), RegistrationStatus: types.RegistrationStatusRegistered})
			return err
		}},
	}
	// allowed says what the fixture's policies allow.
	allowed := func(user, action, domain string) bool {
		switch user {
		case "admin":
			return true
		case "payments-worker":
			return domain == "payments" && action == "PollForActivityTask"
		case "payments-decider":
			return domain == "payments" && action == "PollForDecisionTask"
		case "reader":
			return domain != "billing" && (strings.HasPrefix(action, "Describe") || strings.HasPrefix(action, "List") || strings.HasPrefix(action, "Count"))
		}
		return false
	}
	for _, u := range users {
		c := authClient(srv.URL, u.id, u.secret)
		for _, a := range actions {
			for _, d := range []string{"payments", "billing"} {
				err := a.call(c, d)
				what := fmt.Sprintf("%s %s on %s", u.name, a.name, d)
				if allowed(u.name, a.name, d) {
					if err != nil {
						t.Errorf("%s: %v, want allowed", what, err)
					}
					continue
				}
				wantAPIError(t, what, err, "OperationNotPermittedFault")
			}
		}
	}
}

// A decider's decisions are checked one by one: the one its policy allows takes effect, the others record
// OPERATION_NOT_PERMITTED, and a worker of payments cannot use the token of a billing task.
func TestAuth_DecisionsAndTokens(t *testing.T) {
	t.Parallel()
	srv, admin := newAuthServer(t)
	ctx := t.Context()
	decider := authClient(srv.URL, "AKIAPAYMENTSDECIDER1", "decider-secret")
	worker := authClient(srv.URL, "AKIAPAYMENTSWORKER01", "worker-secret")

	run, err := admin.StartWorkflowExecution(ctx, &swf.StartWorkflowExecutionInput{Domain: aws.String("payments"),
		WorkflowId: aws.String("p1"), WorkflowType: &types.WorkflowType{Name: aws.String("wf"), Version: aws.String("1")}})
	if err != nil {
		t.Fatal(err)
	}
	dt, err := decider.PollForDecisionTask(ctx, &swf.PollForDecisionTaskInput{Domain: aws.String("payments"), TaskList: &types.TaskList{Name: aws.String(decisionList)}})
	if err != nil || dt.TaskToken == nil {
		t.Fatalf("PollForDecisionTask = %+v, %v", dt, err)
	}
	schedule := func(id, list string) types.Decision {
		return types.Decision{DecisionType: types.DecisionTypeScheduleActivityTask,
			ScheduleActivityTaskDecisionAttributes: &types.ScheduleActivityTaskDecisionAttributes{
				ActivityId: aws.String(id), ActivityType: &types.ActivityType{Name: aws.String("act"), Version: aws.String("1")},
				TaskList: &types.TaskList{Name: aws.String(list)}}}
	}
	if _, err := decider.RespondDecisionTaskCompleted(ctx, &swf.RespondDecisionTaskCompletedInput{TaskToken: dt.TaskToken,
		Decisions: []types.Decision{
			schedule("ok", "pay-1"),
			schedule("wrong-list", "refunds"),
			{DecisionType: types.DecisionTypeStartTimer, StartTimerDecisionAttributes: &types.StartTimerDecisionAttributes{
				TimerId: aws.String("t"), StartToFireTimeout: aws.String("60")}},
		}}); err != nil {
		t.Fatalf("RespondDecisionTaskCompleted: %v", err)
	}
	h, err := admin.GetWorkflowExecutionHistory(ctx, &swf.GetWorkflowExecutionHistoryInput{Domain: aws.String("payments"),
		Execution: &types.WorkflowExecution{WorkflowId: aws.String("p1"), RunId: run.RunId}})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, ev := range h.Events {
		switch ev.EventType {
		case types.EventTypeActivityTaskScheduled:
			got = append(got, "scheduled "+aws.ToString(ev.ActivityTaskScheduledEventAttributes.ActivityId))
		case types.EventTypeScheduleActivityTaskFailed:
			a := ev.ScheduleActivityTaskFailedEventAttributes
			got = append(got, fmt.Sprintf("failed %s %s", aws.ToString(a.ActivityId), a.Cause))
		case types.EventTypeStartTimerFailed:
			got = append(got, "timer failed "+string(ev.StartTimerFailedEventAttributes.Cause))
		case types.EventTypeTimerStarted:
			got = append(got, "timer started")
		}
	}
	want := "scheduled ok,failed wrong-list OPERATION_NOT_PERMITTED,timer failed OPERATION_NOT_PERMITTED"
	if strings.Join(got, ",") != want {
		t.Errorf("decisions = %s, want %s", strings.Join(got, ","), want)
	}

	// The admin's billing task: its token names billing, where the payments worker may do nothing.
	if _, err := admin.StartWorkflowExecution(ctx, &swf.StartWorkflowExecutionInput{Domain: aws.String("billing"),
		WorkflowId: aws.String("b1"), WorkflowType: &types.WorkflowType{Name: aws.String("wf"), Version: aws.String("1")}}); err != nil {
		t.Fatal(err)
	}
	bdt, err := admin.PollForDecisionTask(ctx, &swf.PollForDecisionTaskInput{Domain: aws.String("billing"), TaskList: &types.TaskList{Name: aws.String(decisionList)}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := admin.RespondDecisionTaskCompleted(ctx, &swf.RespondDecisionTaskCompletedInput{TaskToken: bdt.TaskToken,
		Decisions: []types.Decision{schedule("bill", "pay-1")}}); err != nil {
		t.Fatal(err)
	}
	at, err := admin.PollForActivityTask(ctx, &swf.PollForActivityTaskInput{Domain: aws.String("billing"), TaskList: &types.TaskList{Name: aws.String("pay-1")}})
	if err != nil || at.TaskToken == nil {
		t.Fatalf("PollForActivityTask(billing) = %+v, %v", at, err)
	}
	_, err = worker.RecordActivityTaskHeartbeat(ctx, &swf.RecordActivityTaskHeartbeatInput{TaskToken: at.TaskToken})
	wantAPIError(t, "payments worker heartbeats a billing task", err, "OperationNotPermittedFault")
	_, err = worker.RespondActivityTaskCompleted(ctx, &swf.RespondActivityTaskCompletedInput{TaskToken: at.TaskToken})
	wantAPIError(t, "payments worker completes a billing task", err, "OperationNotPermittedFault")
	if _, err := admin.RecordActivityTaskHeartbeat(ctx, &swf.RecordActivityTaskHeartbeatInput{TaskToken: at.TaskToken}); err != nil {
		t.Errorf("the billing task is not the worker's to touch, but it is still open: %v", err)
	}
}

// Every authentication fault, as the SDK sees it; and Step Functions' refusal, AccessDeniedException.
func TestAuth_Faults(t *testing.T) {
	t.Parallel()
	srv, _ := newAuthServer(t)
	ctx := t.Context()
	list := func(c *swf.Client) error {
		_, err := c.ListDomains(ctx, &swf.ListDomainsInput{RegistrationStatus: types.RegistrationStatusRegistered})
		return err
	}
	wantAPIError(t, "unknown key", list(authClient(srv.URL, "AKIANOBODY", "x")), "UnrecognizedClientException")
	wantAPIError(t, "wrong secret", list(authClient(srv.URL, "AKIAADMIN", "not-the-secret")), "InvalidSignatureException")
	anon := swf.New(swf.Options{BaseEndpoint: aws.String(srv.URL), Region: "us-east-1", RetryMaxAttempts: 1,
		Credentials: aws.AnonymousCredentials{}})
	wantAPIError(t, "no signature", list(anon), "MissingAuthenticationTokenException")
	if err := list(authClient(srv.URL, "AKIAREADER", "reader-secret")); err != nil {
		t.Errorf("the reader lists domains: %v", err)
	}

	states := sfn.New(sfn.Options{BaseEndpoint: aws.String(srv.URL), Region: "us-east-1", RetryMaxAttempts: 1,
		Credentials: credentials.NewStaticCredentialsProvider("AKIAREADER", "reader-secret", "")})
	_, err := states.CreateActivity(ctx, &sfn.CreateActivityInput{Name: aws.String("work")})
	ae := wantAPIError(t, "reader creates an activity", err, "AccessDeniedException")
	if !strings.Contains(ae.ErrorMessage(), "arn:aws:iam::123456789012:user/reader is not authorized to perform: states:CreateActivity") {
		t.Errorf("AccessDeniedException message = %q", ae.ErrorMessage())
	}
	if _, err := states.ListActivities(ctx, &sfn.ListActivitiesInput{}); err != nil {
		t.Errorf("the reader lists activities: %v", err)
	}
}

// --rate-limit bounds each access key: past its rate a key gets ThrottlingException (which the SDKs
// retry), while another key is not held back.
func TestAuth_RateLimit(t *testing.T) {
	t.Parallel()
	cfg, err := iam.ParseConfig([]byte(authFixture))
	if err != nil {
		t.Fatal(err)
	}
	srv := openswftest.New(t, openswftest.Options{Auth: cfg, RateLimit: 5})
	ctx := t.Context()
	list := func(c *swf.Client) error {
		_, err := c.ListDomains(ctx, &swf.ListDomainsInput{RegistrationStatus: types.RegistrationStatusRegistered})
		return err
	}
	admin := authClient(srv.URL, "AKIAADMIN", "admin-secret")
	throttled := 0
	for range 20 {
		if err := list(admin); err != nil {
			wantAPIError(t, "over the rate", err, "ThrottlingException")
			throttled++
		}
	}
	if throttled < 10 {
		t.Errorf("%d of 20 back-to-back calls at 5/s were throttled, want most", throttled)
	}
	if err := list(authClient(srv.URL, "AKIAREADER", "reader-secret")); err != nil {
		t.Errorf("another key was held back by the admin's rate: %v", err)
	}
	// The SDK's own retries get through once the bucket refills.
	patient := swf.New(swf.Options{BaseEndpoint: aws.String(srv.URL), Region: "us-east-1", RetryMaxAttempts: 10,
		Credentials: credentials.NewStaticCredentialsProvider("AKIAADMIN", "admin-secret", "")})
	if err := list(patient); err != nil {
		t.Errorf("a retrying client never got through: %v", err)
	}
}
