package e2e

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/swf"
	"github.com/aws/aws-sdk-go-v2/service/swf/types"
	"github.com/aws/smithy-go"

	"github.com/openswf/openswf/openswftest"
)

const (
	// waitFor bounds every wait for something the server does on its own (a timeout, a timer); the server
	// fires deadlines within about a second, so this leaves ample room on a loaded machine.
	waitFor = 10 * time.Second
	// pollEvery is how often a wait re-reads the history.
	pollEvery = 50 * time.Millisecond
	// defaultHold is the long-poll hold of the servers tests start unless they test long polling itself:
	// short, so that a poll loop notices a missing task quickly.
	defaultHold = time.Second
)

// Names every env registers.
const (
	decisionList = "decisions"
	activityList = "activities"
)

// newClient returns a real SDK client pointed at url, with static credentials.
func newClient(url string) *swf.Client {
	return swf.New(swf.Options{
		BaseEndpoint: aws.String(url),
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("x", "y", ""),
	})
}

// env is one test's server, client, and a domain with one workflow type and one activity type registered
// through the SDK. Its methods fail the test on any unexpected error.
type env struct {
	t       *testing.T
	srv     *openswftest.Server
	c       *swf.Client
	domain  string
	wfType  *types.WorkflowType
	actType *types.ActivityType
}

// newEnv starts a server with the given long-poll hold and registers domain, the workflow type wf/1
// (defaults: task list "decisions", execution timeout 300 s, decision task timeout 30 s, TERMINATE) and
// the activity type act/1 (defaults: task list "activities", start-to-close 60 s, the others NONE).
func newEnv(t *testing.T, domain string, hold time.Duration) *env {
	t.Helper()
	srv := openswftest.New(t, openswftest.Options{PollHold: hold})
	e := &env{
		t: t, srv: srv, c: newClient(srv.URL), domain: domain,
		wfType:  &types.WorkflowType{Name: aws.String("wf"), Version: aws.String("1")},
		actType: &types.ActivityType{Name: aws.String("act"), Version: aws.String("1")},
	}
	ctx := t.Context()
	if _, err := e.c.RegisterDomain(ctx, &swf.RegisterDomainInput{
		Name:                                   aws.String(domain),
		Description:                            aws.String("e2e " + domain),
		WorkflowExecutionRetentionPeriodInDays: aws.String("1"),
	}); err != nil {
		t.Fatalf("RegisterDomain(%s): %v", domain, err)
	}
	if _, err := e.c.RegisterWorkflowType(ctx, &swf.RegisterWorkflowTypeInput{
		Domain: aws.String(domain), Name: e.wfType.Name, Version: e.wfType.Version,
		Description:                         aws.String("the e2e workflow"),
		DefaultTaskList:                     &types.TaskList{Name: aws.String(decisionList)},
		DefaultExecutionStartToCloseTimeout: aws.String("300"),
		DefaultTaskStartToCloseTimeout:      aws.String("30"),
		DefaultChildPolicy:                  types.ChildPolicyTerminate,
	}); err != nil {
		t.Fatalf("RegisterWorkflowType: %v", err)
	}
	if _, err := e.c.RegisterActivityType(ctx, &swf.RegisterActivityTypeInput{
		Domain: aws.String(domain), Name: e.actType.Name, Version: e.actType.Version,
		Description:                       aws.String("the e2e activity"),
		DefaultTaskList:                   &types.TaskList{Name: aws.String(activityList)},
		DefaultTaskPriority:               aws.String("5"),
		DefaultTaskStartToCloseTimeout:    aws.String("60"),
		DefaultTaskHeartbeatTimeout:       aws.String("NONE"),
		DefaultTaskScheduleToStartTimeout: aws.String("NONE"),
		DefaultTaskScheduleToCloseTimeout: aws.String("NONE"),
	}); err != nil {
		t.Fatalf("RegisterActivityType: %v", err)
	}
	return e
}

// start starts a run of wf/1 with the type's defaults, changed by set.
func (e *env) start(workflowID string, set ...func(*swf.StartWorkflowExecutionInput)) *types.WorkflowExecution {
	e.t.Helper()
	in := &swf.StartWorkflowExecutionInput{
		Domain: aws.String(e.domain), WorkflowId: aws.String(workflowID), WorkflowType: e.wfType,
	}
	for _, f := range set {
		f(in)
	}
	out, err := e.c.StartWorkflowExecution(e.t.Context(), in)
	if err != nil {
		e.t.Fatalf("StartWorkflowExecution(%s): %v", workflowID, err)
	}
	if aws.ToString(out.RunId) == "" {
		e.t.Fatalf("StartWorkflowExecution(%s): got empty runId", workflowID)
	}
	return &types.WorkflowExecution{WorkflowId: aws.String(workflowID), RunId: out.RunId}
}

// pollDecision long-polls the decision task list until it hands out a task.
func (e *env) pollDecision() *swf.PollForDecisionTaskOutput {
	e.t.Helper()
	deadline := time.Now().Add(waitFor)
	for time.Now().Before(deadline) {
		out, err := e.c.PollForDecisionTask(e.t.Context(), &swf.PollForDecisionTaskInput{
			Domain: aws.String(e.domain), TaskList: &types.TaskList{Name: aws.String(decisionList)},
			Identity: aws.String("decider"),
		})
		if err != nil {
			e.t.Fatalf("PollForDecisionTask: %v", err)
		}
		if out.TaskToken != nil {
			return out
		}
	}
	e.t.Fatalf("PollForDecisionTask: no decision task within %v", waitFor)
	return nil
}

// pollActivity long-polls an activity task list until it hands out a task.
func (e *env) pollActivity(taskList string) *swf.PollForActivityTaskOutput {
	e.t.Helper()
	deadline := time.Now().Add(waitFor)
	for time.Now().Before(deadline) {
		out, err := e.c.PollForActivityTask(e.t.Context(), &swf.PollForActivityTaskInput{
			Domain: aws.String(e.domain), TaskList: &types.TaskList{Name: aws.String(taskList)},
			Identity: aws.String("worker"),
		})
		if err != nil {
			e.t.Fatalf("PollForActivityTask(%s): %v", taskList, err)
		}
		if out.TaskToken != nil {
			return out
		}
	}
	e.t.Fatalf("PollForActivityTask(%s): no activity task within %v", taskList, waitFor)
	return nil
}

// decide completes a decision task with the given decisions.
func (e *env) decide(token *string, decisions ...types.Decision) {
	e.t.Helper()
	if _, err := e.c.RespondDecisionTaskCompleted(e.t.Context(), &swf.RespondDecisionTaskCompletedInput{
		TaskToken: token, Decisions: decisions,
	}); err != nil {
		e.t.Fatalf("RespondDecisionTaskCompleted: %v", err)
	}
}

// heartbeat records a heartbeat that must be accepted and reports cancelRequested.
func (e *env) heartbeat(token *string, details string) bool {
	e.t.Helper()
	out, err := e.c.RecordActivityTaskHeartbeat(e.t.Context(), &swf.RecordActivityTaskHeartbeatInput{
		TaskToken: token, Details: aws.String(details),
	})
	if err != nil {
		e.t.Fatalf("RecordActivityTaskHeartbeat(%q): %v", details, err)
	}
	return out.CancelRequested
}

// signal signals a run by workflow id.
func (e *env) signal(exec *types.WorkflowExecution, name, input string) {
	e.t.Helper()
	if _, err := e.c.SignalWorkflowExecution(e.t.Context(), &swf.SignalWorkflowExecutionInput{
		Domain: aws.String(e.domain), WorkflowId: exec.WorkflowId, SignalName: aws.String(name), Input: aws.String(input),
	}); err != nil {
		e.t.Fatalf("SignalWorkflowExecution(%s): %v", name, err)
	}
}

// scheduleActivity is a ScheduleActivityTask decision for act/1, changed by set.
func (e *env) scheduleActivity(id, input string, set ...func(*types.ScheduleActivityTaskDecisionAttributes)) types.Decision {
	a := &types.ScheduleActivityTaskDecisionAttributes{
		ActivityId: aws.String(id), ActivityType: e.actType, Input: aws.String(input),
	}
	for _, f := range set {
		f(a)
	}
	return types.Decision{DecisionType: types.DecisionTypeScheduleActivityTask, ScheduleActivityTaskDecisionAttributes: a}
}

// describe describes a run.
func (e *env) describe(exec *types.WorkflowExecution) *swf.DescribeWorkflowExecutionOutput {
	e.t.Helper()
	out, err := e.c.DescribeWorkflowExecution(e.t.Context(), &swf.DescribeWorkflowExecutionInput{
		Domain: aws.String(e.domain), Execution: exec,
	})
	if err != nil {
		e.t.Fatalf("DescribeWorkflowExecution: %v", err)
	}
	return out
}

// history reads a run's whole history, oldest first, following nextPageToken.
func (e *env) history(exec *types.WorkflowExecution) []types.HistoryEvent {
	e.t.Helper()
	var all []types.HistoryEvent
	var next *string
	for range 100 {
		out, err := e.c.GetWorkflowExecutionHistory(e.t.Context(), &swf.GetWorkflowExecutionHistoryInput{
			Domain: aws.String(e.domain), Execution: exec, NextPageToken: next,
		})
		if err != nil {
			e.t.Fatalf("GetWorkflowExecutionHistory: %v", err)
		}
		all = append(all, out.Events...)
		if next = out.NextPageToken; next == nil {
			return all
		}
	}
	e.t.Fatalf("GetWorkflowExecutionHistory: still paging after 100 pages")
	return nil
}

// waitHistory re-reads the run's history until done accepts it, and returns it.
func (e *env) waitHistory(exec *types.WorkflowExecution, what string, done func([]types.HistoryEvent) bool) []types.HistoryEvent {
	e.t.Helper()
	deadline := time.Now().Add(waitFor)
	for {
		evs := e.history(exec)
		if done(evs) {
			return evs
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("no %s within %v; history:\n%s", what, waitFor, historyText(evs))
		}
		time.Sleep(pollEvery)
	}
}

// waitEvent re-reads the run's history until an event of type typ appears, and returns the first such event.
func (e *env) waitEvent(exec *types.WorkflowExecution, typ types.EventType) types.HistoryEvent {
	e.t.Helper()
	var found types.HistoryEvent
	e.waitHistory(exec, string(typ)+" event", func(evs []types.HistoryEvent) bool {
		for _, ev := range evs {
			if ev.EventType == typ {
				found = ev
				return true
			}
		}
		return false
	})
	return found
}

// historyText renders events as "<id> <type>" lines, the compact form histories are compared in.
func historyText(evs []types.HistoryEvent) string {
	var b strings.Builder
	for _, ev := range evs {
		fmt.Fprintf(&b, "%d %s\n", ev.EventId, ev.EventType)
	}
	return b.String()
}

// wantHistory fails the test unless the events render as want (leading and trailing blank lines ignored).
func wantHistory(tb testing.TB, evs []types.HistoryEvent, want string) {
	tb.Helper()
	want = strings.TrimLeft(want, "\n")
	if got := historyText(evs); got != want {
		tb.Fatalf("history:\ngot:\n%swant:\n%s", got, want)
	}
}

// eventByType returns the last event of type typ, failing the test if there is none.
func eventByType(tb testing.TB, evs []types.HistoryEvent, typ types.EventType) types.HistoryEvent {
	tb.Helper()
	for i := len(evs) - 1; i >= 0; i-- {
		if evs[i].EventType == typ {
			return evs[i]
		}
	}
	tb.Fatalf("no %s event in:\n%s", typ, historyText(evs))
	return types.HistoryEvent{}
}

// wantFault fails the test unless err is, or wraps, a fault of type F, which it returns.
func wantFault[F error](tb testing.TB, what string, err error) F {
	tb.Helper()
	var f F
	if !errors.As(err, &f) {
		tb.Fatalf("%s: got error %v, want %T", what, err, f)
	}
	return f
}

// wantAPIError fails the test unless err carries a smithy API error with the given code, which it returns.
func wantAPIError(tb testing.TB, what string, err error, code string) smithy.APIError {
	tb.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		tb.Fatalf("%s: got error %v, want API error %s", what, err, code)
	}
	if got := ae.ErrorCode(); got != code {
		tb.Fatalf("%s: got error code %q (%v), want %q", what, got, err, code)
	}
	return ae
}

// equal reports a got/want error unless got == want; the test goes on, so one run shows every mismatch.
func equal[T comparable](tb testing.TB, what string, got, want T) {
	tb.Helper()
	if got != want {
		tb.Errorf("%s: got %v, want %v", what, got, want)
	}
}
