package console_test

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/swf"
	"github.com/aws/aws-sdk-go-v2/service/swf/types"
	"github.com/chromedp/chromedp"

	"github.com/openswf/openswf/openswftest"
)

// Markup that runs script if a page ever reads it as HTML: each sets window.xssRan to say where it came
// from. The ids carry no '/' or ':', which SWF's names refuse.
const (
	xssID      = `<img src=x onerror=window.xssRan='id'>`
	xssActID   = `<svg onload=window.xssRan='activity'>`
	xssTag     = `"><img src=x onerror=window.xssRan='tag'>`
	xssDetails = `"><script>window.xssRan='details'</script><img src=x onerror=window.xssRan='details'>`
	xssSignal  = `<img src=x onerror=window.xssRan='signal'>`
	xssInput   = `<script>window.xssRan='input'</script>`
	xssState   = `<img src=x onerror=window.xssRan='state'>`
)

// noXSS fails the test if any payload ran or made an element, and checks that the page shows each of
// want as text.
func (b *browser) noXSS(where string, want ...string) {
	b.t.Helper()
	if ran := eval[string](b, `String(window.xssRan)`); ran != "undefined" {
		b.t.Errorf("%s: a payload ran (window.xssRan = %q)", where, ran)
	}
	if n := eval[int](b, `document.querySelectorAll('#main img, #main script, #main [onerror], #main [onload], #dialog img, #dialog script').length`); n != 0 {
		b.t.Errorf("%s: %d elements made from server data", where, n)
	}
	text := eval[string](b, `document.getElementById('main').innerText`)
	for _, s := range want {
		if !strings.Contains(text, s) {
			b.t.Errorf("%s: the page does not show %q as text; it shows:\n%s", where, s, text)
		}
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, u := range b.requests {
		if strings.HasSuffix(u, "/x") {
			b.t.Errorf("%s: the page requested %s: an <img src=x> was made", where, u)
		}
	}
}

// Names, ids, details and inputs that hold markup are shown as text on every page, and never run: the
// domains and executions lists, an execution's summary, live panel, signals and history, an error that
// echoes a workflow id, and a Step Functions graph whose state is named with markup.
func TestConsole_MarkupShownAsText(t *testing.T) {
	w := newWorld(t, openswftest.Options{}, "x", "y")
	ctx := t.Context()
	must(t, "RegisterDomain", func() error {
		_, err := w.swf.RegisterDomain(ctx, &swf.RegisterDomainInput{Name: aws.String(xssID), Description: aws.String(xssDetails),
			WorkflowExecutionRetentionPeriodInDays: aws.String("1")})
		return err
	})
	out, err := w.swf.StartWorkflowExecution(ctx, &swf.StartWorkflowExecutionInput{Domain: aws.String(domain), WorkflowId: aws.String(xssID),
		WorkflowType: &types.WorkflowType{Name: aws.String("ship"), Version: aws.String("1")}, TagList: []string{xssTag}, Input: aws.String(xssInput)})
	if err != nil {
		t.Fatalf("StartWorkflowExecution: %v", err)
	}
	run := &types.WorkflowExecution{WorkflowId: aws.String(xssID), RunId: out.RunId}
	dt, err := w.swf.PollForDecisionTask(ctx, &swf.PollForDecisionTaskInput{Domain: aws.String(domain), TaskList: &types.TaskList{Name: aws.String(decisionList)}})
	if err != nil || dt.TaskToken == nil {
		t.Fatalf("PollForDecisionTask: %v", err)
	}
	must(t, "RespondDecisionTaskCompleted", func() error {
		_, err := w.swf.RespondDecisionTaskCompleted(ctx, &swf.RespondDecisionTaskCompletedInput{TaskToken: dt.TaskToken, Decisions: []types.Decision{
			{DecisionType: types.DecisionTypeScheduleActivityTask, ScheduleActivityTaskDecisionAttributes: &types.ScheduleActivityTaskDecisionAttributes{
				ActivityId: aws.String(xssActID), ActivityType: &types.ActivityType{Name: aws.String("pack"), Version: aws.String("1")}, Input: aws.String(xssInput)}},
			{DecisionType: types.DecisionTypeStartTimer, StartTimerDecisionAttributes: &types.StartTimerDecisionAttributes{
				TimerId: aws.String(xssID), StartToFireTimeout: aws.String("1800")}},
		}})
		return err
	})
	at, err := w.swf.PollForActivityTask(ctx, &swf.PollForActivityTaskInput{Domain: aws.String(domain), TaskList: &types.TaskList{Name: aws.String(activityList)},
		Identity: aws.String(xssDetails)})
	if err != nil || at.TaskToken == nil {
		t.Fatalf("PollForActivityTask: %v", err)
	}
	must(t, "RecordActivityTaskHeartbeat", func() error {
		_, err := w.swf.RecordActivityTaskHeartbeat(ctx, &swf.RecordActivityTaskHeartbeatInput{TaskToken: at.TaskToken, Details: aws.String(xssDetails)})
		return err
	})
	must(t, "SignalWorkflowExecution", func() error {
		_, err := w.swf.SignalWorkflowExecution(ctx, &swf.SignalWorkflowExecutionInput{Domain: aws.String(domain), WorkflowId: run.WorkflowId, RunId: run.RunId,
			SignalName: aws.String(xssSignal), Input: aws.String(xssInput)})
		return err
	})

	b := newBrowser(t, w.srv.URL)
	b.open("#/swf")
	b.waitJS("the domains", `document.querySelectorAll('#domains tbody tr').length >= 2`, 10*time.Second)
	b.noXSS("domains", xssID, xssDetails)

	b.open("#/swf/" + url.PathEscape(domain))
	b.waitJS("the execution", `document.querySelector('#executions tr.execution-row')`, 10*time.Second)
	b.noXSS("executions", xssID, xssTag)

	b.open(execRoute(xssID, *run.RunId))
	b.waitJS("the live panel's details", `(document.querySelector('#live-panel .hb-details') || {innerText: ''}).innerText.includes('xssRan')`, 10*time.Second)
	b.waitJS("the signal", `(document.getElementById('signals') || {innerText: ''}).innerText.includes('xssRan')`, 10*time.Second)
	b.click("#live-panel .input-toggle")
	b.waitJS("the task's input", `(document.querySelector('#live-panel .task-input') || {innerText: ''}).innerText.includes('xssRan')`, 10*time.Second)
	b.run("open every event", chromedpEval(`document.querySelectorAll('.timeline details').forEach((d) => { d.open = true; })`))
	b.noXSS("execution", xssID, xssActID, xssDetails, xssSignal, xssInput)

	// The signal dialog's title holds the workflow id.
	b.click("#act-signal")
	b.waitJS("the signal dialog", `document.getElementById('dialog').open`, 5*time.Second)
	if got := b.text("#dialog h2"); !strings.Contains(got, xssID) {
		t.Errorf("the dialog's title: %q, want the workflow id as text", got)
	}
	b.noXSS("signal dialog")
	b.click("#dialog-cancel")

	// An error that echoes the workflow id.
	b.open(execRoute(xssID, "0000000000000000000000000000000000000000000"))
	b.waitJS("the error", `document.querySelector('#main .error')`, 10*time.Second)
	b.noXSS("error", xssID)

	// A Step Functions state named with markup: the graph's text, title and data attributes, the history,
	// an input and a failure's error and cause.
	act, err := w.states.CreateActivity(ctx, &sfn.CreateActivityInput{Name: aws.String("packing")})
	if err != nil {
		t.Fatalf("CreateActivity: %v", err)
	}
	def := `{"StartAt": "S", "States": {"S": {"Type": "Task", "Resource": "` + *act.ActivityArn + `", "End": true}}}`
	def = strings.ReplaceAll(def, `"S"`, jsonString(xssState))
	sm, err := w.states.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String("markup"), Definition: aws.String(def),
		RoleArn: aws.String("arn:aws:iam::123456789012:role/orders")})
	if err != nil {
		t.Fatalf("CreateStateMachine: %v", err)
	}
	x, err := w.states.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: sm.StateMachineArn, Name: aws.String("markup-1"),
		Input: aws.String(`{"note":` + jsonString(xssInput) + `}`)})
	if err != nil {
		t.Fatalf("StartExecution: %v", err)
	}
	task, err := w.states.GetActivityTask(ctx, &sfn.GetActivityTaskInput{ActivityArn: act.ActivityArn, WorkerName: aws.String("w")})
	if err != nil || task.TaskToken == nil {
		t.Fatalf("GetActivityTask: %v", err)
	}
	b.open("#/sfn/x/" + url.PathEscape(*x.ExecutionArn))
	b.waitJS("the graph", `document.querySelectorAll('#graph g.state').length === 1`, 10*time.Second)
	b.waitJS("the live panel's task", `document.querySelector('#live-panel tr.task-row')`, 10*time.Second)
	if got := eval[string](b, `document.querySelector('#graph g.state').getAttribute('data-state')`); got != xssState {
		t.Errorf("the state's data-state: %q, want %q", got, xssState)
	}
	if n := eval[int](b, `document.querySelectorAll('#graph img, #graph script, #graph [onerror], #graph [onload]').length`); n != 0 {
		t.Errorf("the graph holds %d elements made from a state's name", n)
	}
	b.noXSS("Step Functions execution", xssState, "xssRan='input'")
	if _, err := w.states.SendTaskFailure(ctx, &sfn.SendTaskFailureInput{TaskToken: task.TaskToken, Error: aws.String(xssSignal), Cause: aws.String(xssDetails)}); err != nil {
		t.Fatalf("SendTaskFailure: %v", err)
	}
	b.waitJS("the execution FAILED", `(document.querySelector('h1 .status') || {}).innerText === 'FAILED'`, 10*time.Second)
	b.run("open every event", chromedpEval(`document.querySelectorAll('.timeline details').forEach((d) => { d.open = true; })`))
	b.noXSS("failed Step Functions execution", xssSignal, xssDetails)
}

// chromedpEval evaluates expr for its effect.
func chromedpEval(expr string) chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](expr)
}

// jsonString is s as a JSON string literal.
func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// The page enforces Trusted Types with no policy: a string given to innerHTML or an event handler
// attribute throws instead of being parsed, whatever code does it.
func TestConsole_TrustedTypesEnforced(t *testing.T) {
	w := newWorld(t, openswftest.Options{}, "x", "y")
	b := newBrowser(t, w.srv.URL)
	b.open("#/swf")
	b.waitJS("the domains", `document.querySelector('#domains a')`, 10*time.Second)
	for _, sink := range []string{
		`document.createElement('div').innerHTML = '<b>x</b>'`,
		`document.body.insertAdjacentHTML('beforeend', '<b>x</b>')`,
		`document.createElement('img').setAttribute('onerror', 'window.xssRan = 1')`,
	} {
		got := eval[string](b, `(() => { try { `+sink+`; return 'allowed'; } catch (e) { return e.name; } })()`)
		if got != "TypeError" {
			t.Errorf("%s: %s, want TypeError (refused by Trusted Types)", sink, got)
		}
	}
	b.mu.Lock()
	b.errors = nil // the refusals are reported on the console as errors: they are what this test asks for
	b.mu.Unlock()
}

// A route with a malformed escape is no page, not an exception that leaves the page loading.
func TestConsole_MalformedRoute(t *testing.T) {
	w := newWorld(t, openswftest.Options{}, "x", "y")
	b := newBrowser(t, w.srv.URL)
	b.open("#/swf/%E0%A4%A")
	b.waitJS("no such page", `document.getElementById('main').innerText.includes('No such page')`, 10*time.Second)
}
