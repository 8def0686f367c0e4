package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/aws/aws-sdk-go-v2/service/swf"
	"github.com/aws/aws-sdk-go-v2/service/swf/types"

	"github.com/openswf/openswf/openswftest"
)

// newSFNClient returns a real Step Functions SDK client pointed at url, with static credentials.
func newSFNClient(url string) *sfn.Client {
	return sfn.New(sfn.Options{
		BaseEndpoint: aws.String(url),
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("x", "y", ""),
	})
}

// wantSFNFault fails the test unless err is the API error code with a message containing msg.
func wantSFNFault(t *testing.T, err error, code, msg string) {
	t.Helper()
	ae := wantAPIError(t, code, err, code)
	if !strings.Contains(ae.ErrorMessage(), msg) {
		t.Fatalf("%s message = %q, want it to contain %q", code, ae.ErrorMessage(), msg)
	}
}

// The activity registry through the SDK: create (idempotent on the name), describe, list with pages,
// delete (twice), and AWS's faults for bad names and ARNs.
func TestSFN_Activities(t *testing.T) {
	t.Parallel()
	srv := openswftest.New(t, openswftest.Options{PollHold: 200 * time.Millisecond})
	c := newSFNClient(srv.URL)
	ctx := t.Context()

	first, err := c.CreateActivity(ctx, &sfn.CreateActivityInput{Name: aws.String("resize"),
		Tags: []sfntypes.Tag{{Key: aws.String("team"), Value: aws.String("img")}}})
	if err != nil {
		t.Fatalf("CreateActivity: %v", err)
	}
	const arn = "arn:aws:states:us-east-1:000000000000:activity:resize"
	if aws.ToString(first.ActivityArn) != arn || first.CreationDate == nil {
		t.Fatalf("CreateActivity = %s at %v, want %s with a date", aws.ToString(first.ActivityArn), first.CreationDate, arn)
	}
	again, err := c.CreateActivity(ctx, &sfn.CreateActivityInput{Name: aws.String("resize")})
	if err != nil || aws.ToString(again.ActivityArn) != arn || !again.CreationDate.Equal(*first.CreationDate) {
		t.Fatalf("second CreateActivity = %+v, %v; want the first one's ARN and date", again, err)
	}
	d, err := c.DescribeActivity(ctx, &sfn.DescribeActivityInput{ActivityArn: aws.String(arn)})
	if err != nil || aws.ToString(d.Name) != "resize" || aws.ToString(d.ActivityArn) != arn {
		t.Fatalf("DescribeActivity = %+v, %v", d, err)
	}

	for _, name := range []string{"b", "c", "d"} {
		if _, err := c.CreateActivity(ctx, &sfn.CreateActivityInput{Name: aws.String(name)}); err != nil {
			t.Fatalf("CreateActivity(%s): %v", name, err)
		}
	}
	var names []string
	p := sfn.NewListActivitiesPaginator(c, &sfn.ListActivitiesInput{MaxResults: 3})
	pages := 0
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatalf("ListActivities: %v", err)
		}
		pages++
		for _, a := range page.Activities {
			names = append(names, aws.ToString(a.Name))
		}
	}
	if strings.Join(names, ",") != "b,c,d,resize" || pages != 2 {
		t.Fatalf("ListActivities = %v in %d pages, want [b c d resize] in 2", names, pages)
	}

	for range 2 { // deleting a deleted activity succeeds
		if _, err := c.DeleteActivity(ctx, &sfn.DeleteActivityInput{ActivityArn: aws.String(arn)}); err != nil {
			t.Fatalf("DeleteActivity: %v", err)
		}
	}
	_, err = c.DescribeActivity(ctx, &sfn.DescribeActivityInput{ActivityArn: aws.String(arn)})
	wantSFNFault(t, err, "ActivityDoesNotExist", "Activity Does Not Exist: '"+arn+"'")
	_, err = c.GetActivityTask(ctx, &sfn.GetActivityTaskInput{ActivityArn: aws.String(arn)})
	wantSFNFault(t, err, "ActivityDoesNotExist", arn)

	_, err = c.CreateActivity(ctx, &sfn.CreateActivityInput{Name: aws.String("bad name")})
	wantSFNFault(t, err, "InvalidName", "Invalid Name: 'bad name'")
	_, err = c.DescribeActivity(ctx, &sfn.DescribeActivityInput{ActivityArn: aws.String("resize")})
	wantSFNFault(t, err, "InvalidArn", "Invalid Arn: 'Invalid ARN prefix: resize'")
	_, err = c.DescribeActivity(ctx, &sfn.DescribeActivityInput{
		ActivityArn: aws.String("arn:aws:states:us-east-1:000000000000:stateMachine:resize")})
	wantSFNFault(t, err, "InvalidArn", "Resource type not valid in this context: stateMachine")
	_, err = c.DescribeActivity(ctx, &sfn.DescribeActivityInput{
		ActivityArn: aws.String("arn:aws:states:eu-west-1:000000000000:activity:b")})
	wantSFNFault(t, err, "ActivityDoesNotExist", "eu-west-1")

	// No task within the poll hold: no token, as AWS answers.
	out, err := c.GetActivityTask(ctx, &sfn.GetActivityTaskInput{
		ActivityArn: aws.String("arn:aws:states:us-east-1:000000000000:activity:b"), WorkerName: aws.String("w1")})
	if err != nil || out.TaskToken != nil {
		t.Fatalf("GetActivityTask on an idle activity = %+v, %v; want no token", out, err)
	}
}

// Task tokens: a forged token and an SWF task's token are both InvalidToken for Step Functions, and SWF
// refuses to touch Step Functions' internal domain.
func TestSFN_TokensAndTheInternalDomain(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "tokens", 200*time.Millisecond)
	c := newSFNClient(e.srv.URL)
	ctx := t.Context()

	_, err := c.SendTaskHeartbeat(ctx, &sfn.SendTaskHeartbeatInput{TaskToken: aws.String("forged")})
	wantSFNFault(t, err, "InvalidToken", "Invalid Token")

	_, at := e.startActivity("w1")
	for _, call := range []func() error{
		func() error {
			_, err := c.SendTaskHeartbeat(ctx, &sfn.SendTaskHeartbeatInput{TaskToken: at.TaskToken})
			return err
		},
		func() error {
			_, err := c.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: at.TaskToken, Output: aws.String("{}")})
			return err
		},
		func() error {
			_, err := c.SendTaskFailure(ctx, &sfn.SendTaskFailureInput{TaskToken: at.TaskToken})
			return err
		},
	} {
		wantSFNFault(t, call(), "InvalidToken", "Invalid Token")
	}
	// The SWF task is untouched by those calls.
	if _, err := e.c.RespondActivityTaskCompleted(ctx, &swf.RespondActivityTaskCompletedInput{TaskToken: at.TaskToken}); err != nil {
		t.Fatalf("RespondActivityTaskCompleted after the Step Functions calls: %v", err)
	}

	_, err = e.c.DescribeDomain(ctx, &swf.DescribeDomainInput{Name: aws.String("openswf:states")})
	wantSFNFault(t, err, "UnknownResourceFault", "openswf:states")
	_, err = e.c.PollForActivityTask(ctx, &swf.PollForActivityTaskInput{
		Domain: aws.String("openswf:states"), TaskList: &types.TaskList{Name: aws.String("b")}})
	wantSFNFault(t, err, "UnknownResourceFault", "openswf:states")
	doms, err := e.c.ListDomains(ctx, &swf.ListDomainsInput{RegistrationStatus: types.RegistrationStatusRegistered})
	if err != nil {
		t.Fatalf("ListDomains: %v", err)
	}
	for _, d := range doms.DomainInfos {
		if strings.Contains(aws.ToString(d.Name), ":") {
			t.Errorf("ListDomains shows the internal domain %s", aws.ToString(d.Name))
		}
	}
}

// An operation of the model that the server does not serve yet answers a modeled ValidationException that
// says so, not an unknown operation.
func TestSFN_OperationsNotYetServed(t *testing.T) {
	t.Parallel()
	srv := openswftest.New(t, openswftest.Options{})
	c := newSFNClient(srv.URL)
	_, err := c.ListStateMachineVersions(t.Context(), &sfn.ListStateMachineVersionsInput{
		StateMachineArn: aws.String("arn:aws:states:us-east-1:000000000000:stateMachine:m")})
	wantSFNFault(t, err, "ValidationException", "ListStateMachineVersions is not supported by this server yet")
	_, err = c.DescribeMapRun(t.Context(), &sfn.DescribeMapRunInput{
		MapRunArn: aws.String("arn:aws:states:us-east-1:000000000000:mapRun:m/x:y")})
	wantSFNFault(t, err, "ValidationException", "DescribeMapRun is not supported by this server yet")
}
