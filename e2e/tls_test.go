package e2e

import (
	"crypto/tls"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/swf"
	"github.com/aws/aws-sdk-go-v2/service/swf/types"

	"github.com/openswf/openswf/openswftest"
)

// Over HTTPS, the SDK trusting the server's certificate makes the same calls as over HTTP: register a
// domain and types, start a run, poll its decision task and answer it, and read the history.
func TestTLS_SDKRoundTrip(t *testing.T) {
	srv := openswftest.New(t, openswftest.Options{PollHold: defaultHold, TLS: true})
	if !strings.HasPrefix(srv.URL, "https://") {
		t.Fatalf("URL %s, want https://", srv.URL)
	}
	httpc := awshttp.NewBuildableClient().WithTransportOptions(func(tr *http.Transport) {
		if tr.TLSClientConfig == nil {
			tr.TLSClientConfig = &tls.Config{}
		}
		tr.TLSClientConfig.RootCAs = srv.RootCAs
	})
	c := swf.New(swf.Options{
		BaseEndpoint: aws.String(srv.URL), Region: "us-east-1", HTTPClient: httpc,
		Credentials: credentials.NewStaticCredentialsProvider("x", "y", ""),
	})
	ctx := t.Context()
	if _, err := c.RegisterDomain(ctx, &swf.RegisterDomainInput{
		Name: aws.String("tls"), WorkflowExecutionRetentionPeriodInDays: aws.String("1"),
	}); err != nil {
		t.Fatalf("RegisterDomain: %v", err)
	}
	wf := &types.WorkflowType{Name: aws.String("wf"), Version: aws.String("1")}
	if _, err := c.RegisterWorkflowType(ctx, &swf.RegisterWorkflowTypeInput{
		Domain: aws.String("tls"), Name: wf.Name, Version: wf.Version,
		DefaultTaskList:                     &types.TaskList{Name: aws.String(decisionList)},
		DefaultExecutionStartToCloseTimeout: aws.String("300"),
		DefaultTaskStartToCloseTimeout:      aws.String("30"),
		DefaultChildPolicy:                  types.ChildPolicyTerminate,
	}); err != nil {
		t.Fatalf("RegisterWorkflowType: %v", err)
	}
	run, err := c.StartWorkflowExecution(ctx, &swf.StartWorkflowExecutionInput{
		Domain: aws.String("tls"), WorkflowId: aws.String("w1"), WorkflowType: wf,
	})
	if err != nil {
		t.Fatalf("StartWorkflowExecution: %v", err)
	}
	task, err := c.PollForDecisionTask(ctx, &swf.PollForDecisionTaskInput{
		Domain: aws.String("tls"), TaskList: &types.TaskList{Name: aws.String(decisionList)},
	})
	if err != nil || aws.ToString(task.TaskToken) == "" {
		t.Fatalf("PollForDecisionTask: %v (token %q)", err, aws.ToString(task.TaskToken))
	}
	if _, err := c.RespondDecisionTaskCompleted(ctx, &swf.RespondDecisionTaskCompletedInput{
		TaskToken: task.TaskToken,
		Decisions: []types.Decision{{
			DecisionType: types.DecisionTypeCompleteWorkflowExecution,
			CompleteWorkflowExecutionDecisionAttributes: &types.CompleteWorkflowExecutionDecisionAttributes{
				Result: aws.String("done over TLS"),
			},
		}},
	}); err != nil {
		t.Fatalf("RespondDecisionTaskCompleted: %v", err)
	}
	h, err := c.GetWorkflowExecutionHistory(ctx, &swf.GetWorkflowExecutionHistoryInput{
		Domain:    aws.String("tls"),
		Execution: &types.WorkflowExecution{WorkflowId: aws.String("w1"), RunId: run.RunId},
	})
	if err != nil {
		t.Fatalf("GetWorkflowExecutionHistory: %v", err)
	}
	last := h.Events[len(h.Events)-1]
	if last.EventType != types.EventTypeWorkflowExecutionCompleted {
		t.Errorf("last event %s, want WorkflowExecutionCompleted", last.EventType)
	}
}

// A client that does not trust the server's certificate does not get through.
func TestTLS_UntrustedCertificateRefused(t *testing.T) {
	srv := openswftest.New(t, openswftest.Options{PollHold: defaultHold, TLS: true})
	c := swf.New(swf.Options{
		BaseEndpoint: aws.String(srv.URL), Region: "us-east-1", RetryMaxAttempts: 1,
		Credentials: credentials.NewStaticCredentialsProvider("x", "y", ""),
	})
	_, err := c.ListDomains(t.Context(), &swf.ListDomainsInput{RegistrationStatus: types.RegistrationStatusRegistered})
	if err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("ListDomains with an untrusted certificate: got %v, want a certificate error", err)
	}
}
