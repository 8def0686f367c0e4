package console_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/chromedp/chromedp"

	"github.com/openswf/openswf/openswftest"
)

// packDefinition is the state machine of the Step Functions tests: a Pass, an activity Task whose failure
// is caught, a Choice, and the states they lead to.
const packDefinition = `{
  "Comment": "pack and ship an order",
  "StartAt": "Prepare",
  "States": {
    "Prepare": {"Type": "Pass", "Result": {"ok": true}, "Next": "Pack"},
    "Pack": {"Type": "Task", "Resource": "ACTIVITY", "HeartbeatSeconds": 60, "TimeoutSeconds": 600,
             "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Recover"}], "Next": "Check"},
    "Check": {"Type": "Choice", "Choices": [{"Variable": "$.ok", "BooleanEquals": true, "Next": "Ship"}], "Default": "Recover"},
    "Ship": {"Type": "Pass", "Next": "Done"},
    "Recover": {"Type": "Pass", "Next": "Done"},
    "Done": {"Type": "Succeed"}
  }
}`

// sfnWorld creates the activity "packing" and the state machine "pack-order", and starts one execution
// whose Pack task the worker "sfn-packer-3" takes; it returns the execution's ARN and the task token.
func (w *world) sfnExecution(name string) (string, *string) {
	w.t.Helper()
	ctx := w.t.Context()
	act, err := w.states.CreateActivity(ctx, &sfn.CreateActivityInput{Name: aws.String("packing")})
	if err != nil {
		w.t.Fatalf("CreateActivity: %v", err)
	}
	sm, err := w.states.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String("pack-order"),
		Definition: aws.String(strings.Replace(packDefinition, "ACTIVITY", *act.ActivityArn, 1)),
		RoleArn:    aws.String("arn:aws:iam::123456789012:role/orders")})
	if err != nil {
		w.t.Fatalf("CreateStateMachine: %v", err)
	}
	x, err := w.states.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: sm.StateMachineArn, Name: aws.String(name), Input: aws.String(`{"order":"A-17"}`)})
	if err != nil {
		w.t.Fatalf("StartExecution: %v", err)
	}
	task, err := w.states.GetActivityTask(ctx, &sfn.GetActivityTaskInput{ActivityArn: act.ActivityArn, WorkerName: aws.String("sfn-packer-3")})
	if err != nil || task.TaskToken == nil {
		w.t.Fatalf("GetActivityTask: %v (task %v)", err, task)
	}
	return *x.ExecutionArn, task.TaskToken
}

// The execution page draws the state machine with each state's status from the history, and lists the
// open activity task live.
func TestConsole_StepFunctionsExecution(t *testing.T) {
	w := newWorld(t, openswftest.Options{}, "x", "y")
	arn, token := w.sfnExecution("order-A-17")
	if _, err := w.states.SendTaskHeartbeat(t.Context(), &sfn.SendTaskHeartbeatInput{TaskToken: token}); err != nil {
		t.Fatalf("SendTaskHeartbeat: %v", err)
	}
	b := newBrowser(t, w.srv.URL)
	b.open("#/sfn/x/" + url.PathEscape(arn))
	status := func(state string) string {
		return `(document.querySelector('#graph g.state[data-state="` + state + `"]') || {getAttribute: () => ''}).getAttribute('class')`
	}
	b.waitJS("the graph", `document.querySelectorAll('#graph g.state').length === 6`, 10*time.Second)
	b.waitJS("Prepare succeeded, Pack running", status("Prepare")+`.includes('status-succeeded') && `+status("Pack")+`.includes('status-running')`, 5*time.Second)
	for _, s := range []string{"Check", "Ship", "Recover", "Done"} {
		if got := eval[string](b, status(s)); !strings.Contains(got, "status-notrun") {
			t.Errorf("state %s: class %q, want status-notrun", s, got)
		}
	}
	if n := eval[int](b, `document.querySelectorAll('#graph path.edge').length`); n != 9 {
		t.Errorf("edges drawn: %d, want 9 (start, 2 from Pack, 2 from Check, 4 Next)", n)
	}
	b.waitJS("the live panel's task", `document.querySelector('#live-panel tr.task-row')`, 5*time.Second)
	if got := b.text("#live-panel tr.task-row"); !strings.Contains(got, "Pack") || !strings.Contains(got, "sfn-packer-3") || !strings.Contains(got, "packing") {
		t.Errorf("the live panel's row: %q, want the state Pack, the activity packing and the worker sfn-packer-3", got)
	}

	b.click("#live-panel .input-toggle")
	b.waitJS("the task's input", `(document.querySelector('#live-panel .task-input') || {innerText: ''}).innerText.includes('"ok": true')`, 5*time.Second)

	// The task fails; Catch goes to Recover, and the execution succeeds.
	if _, err := w.states.SendTaskFailure(t.Context(), &sfn.SendTaskFailureInput{TaskToken: token, Error: aws.String("Torn"), Cause: aws.String("the box tore")}); err != nil {
		t.Fatalf("SendTaskFailure: %v", err)
	}
	b.waitJS("Pack failed, Recover and Done succeeded", status("Pack")+`.includes('status-failed') && `+status("Recover")+`.includes('status-succeeded') && `+status("Done")+`.includes('status-succeeded')`, 10*time.Second)
	b.waitJS("the execution SUCCEEDED", `document.querySelector('h1 .status').innerText === 'SUCCEEDED'`, 5*time.Second)
	b.waitJS("no open task", `!document.querySelector('#live-panel tr.task-row')`, 5*time.Second)
	if got := eval[string](b, status("Check")); !strings.Contains(got, "status-notrun") {
		t.Errorf("Check after the catch: class %q, want status-notrun", got)
	}
}

// Stop asks for confirmation, then aborts the execution with the error and cause given.
func TestConsole_StopExecution(t *testing.T) {
	w := newWorld(t, openswftest.Options{}, "x", "y")
	arn, _ := w.sfnExecution("order-B-2")
	b := newBrowser(t, w.srv.URL)
	b.open("#/sfn/x/" + url.PathEscape(arn))
	b.click("#act-stop")
	b.waitJS("the dialog", `document.getElementById('dialog').open`, 5*time.Second)
	b.run("error and cause", chromedp.SendKeys(chromedp.CSS("#dialog input[name=error]"), "Customer.Cancelled"),
		chromedp.SendKeys(chromedp.CSS("#dialog textarea[name=cause]"), "called the shop"))
	b.click("#dialog-confirm")
	b.waitJS("the page showing ABORTED", `(document.querySelector('h1 .status') || {}).innerText === 'ABORTED'`, 5*time.Second)
	x, err := w.states.DescribeExecution(t.Context(), &sfn.DescribeExecutionInput{ExecutionArn: aws.String(arn)})
	if err != nil {
		t.Fatal(err)
	}
	if x.Status != "ABORTED" || aws.ToString(x.Error) != "Customer.Cancelled" || aws.ToString(x.Cause) != "called the shop" {
		t.Errorf("after Stop: %s %q %q, want ABORTED Customer.Cancelled \"called the shop\"", x.Status, aws.ToString(x.Error), aws.ToString(x.Cause))
	}
	if got := eval[bool](b, `!!document.getElementById('act-stop')`); got {
		t.Error("the Stop button is still offered on an aborted execution")
	}
}

// splitDefinition runs two branches side by side, each with an activity task, then a Map over the items.
const splitDefinition = `{
  "StartAt": "Split",
  "States": {
    "Split": {"Type": "Parallel", "Next": "StampAll", "Branches": [
      {"StartAt": "Weigh", "States": {
        "Weigh": {"Type": "Task", "Resource": "WEIGHING", "HeartbeatSeconds": 60,
                  "Retry": [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 600, "MaxAttempts": 1}], "Next": "Label"},
        "Label": {"Type": "Pass", "End": true}}},
      {"StartAt": "Reserve", "States": {
        "Reserve": {"Type": "Pass", "Next": "Notify"},
        "Notify": {"Type": "Task", "Resource": "NOTIFYING", "HeartbeatSeconds": 60, "End": true}}}]},
    "StampAll": {"Type": "Map", "ItemsPath": "$[0].items", "Next": "Done",
      "ItemProcessor": {"StartAt": "Stamp", "States": {"Stamp": {"Type": "Pass", "End": true}}}},
    "Done": {"Type": "Succeed"}
  }
}`

// A Parallel state is drawn holding its branches side by side, a Map state holding its item processor, and
// each nested state is coloured by the events of its own branch: a task failing in one branch marks that
// branch's state failed, not the state entered last in the other.
func TestConsole_StepFunctionsNestedGraph(t *testing.T) {
	w := newWorld(t, openswftest.Options{}, "x", "y")
	ctx := t.Context()
	arns := map[string]*string{}
	for _, name := range []string{"weighing", "notifying"} {
		act, err := w.states.CreateActivity(ctx, &sfn.CreateActivityInput{Name: aws.String(name)})
		if err != nil {
			t.Fatalf("CreateActivity: %v", err)
		}
		arns[name] = act.ActivityArn
	}
	def := strings.NewReplacer("WEIGHING", *arns["weighing"], "NOTIFYING", *arns["notifying"]).Replace(splitDefinition)
	sm, err := w.states.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String("split-order"),
		Definition: aws.String(def), RoleArn: aws.String("arn:aws:iam::123456789012:role/orders")})
	if err != nil {
		t.Fatalf("CreateStateMachine: %v", err)
	}
	x, err := w.states.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: sm.StateMachineArn, Name: aws.String("split-1"),
		Input: aws.String(`{"items": [1, 2, 3]}`)})
	if err != nil {
		t.Fatalf("StartExecution: %v", err)
	}
	tokens := map[string]*string{}
	for _, name := range []string{"weighing", "notifying"} {
		task, err := w.states.GetActivityTask(ctx, &sfn.GetActivityTaskInput{ActivityArn: arns[name], WorkerName: aws.String("w-" + name)})
		if err != nil || task.TaskToken == nil {
			t.Fatalf("GetActivityTask(%s): %v (task %v)", name, err, task)
		}
		tokens[name] = task.TaskToken
	}

	b := newBrowser(t, w.srv.URL)
	b.open("#/sfn/x/" + url.PathEscape(*x.ExecutionArn))
	status := func(state string) string {
		return `(document.querySelector('#graph g.state[data-state="` + state + `"]') || {dataset: {}}).dataset.status`
	}
	b.waitJS("the graph with the nested states", `document.querySelectorAll('#graph g.state').length === 8`, 10*time.Second)
	b.waitJS("both branches running", status("Split")+` === 'running' && `+status("Weigh")+` === 'running' && `+status("Notify")+` === 'running'`, 5*time.Second)
	for state, want := range map[string]string{"Reserve": "succeeded", "Label": "notrun", "StampAll": "notrun", "Stamp": "notrun", "Done": "notrun"} {
		if got := eval[string](b, status(state)); got != want {
			t.Errorf("state %s: status %q, want %q", state, got, want)
		}
	}
	// The geometry: each branch's states inside the Parallel's box, the two branches side by side, the Map's
	// processor inside the Map's box.
	box := func(state string) string {
		return `document.querySelector('#graph g.state[data-state="` + state + `"] rect').getBBox()`
	}
	inside := func(inner, outer string) string {
		return `(() => { const i = ` + box(inner) + `, o = ` + box(outer) + `; return i.x > o.x && i.y > o.y && i.x + i.width < o.x + o.width && i.y + i.height < o.y + o.height; })()`
	}
	for _, pair := range [][2]string{{"Weigh", "Split"}, {"Label", "Split"}, {"Reserve", "Split"}, {"Notify", "Split"}, {"Stamp", "StampAll"}} {
		if !eval[bool](b, inside(pair[0], pair[1])) {
			t.Errorf("state %s is not drawn inside %s", pair[0], pair[1])
		}
	}
	if !eval[bool](b, `(() => { const a = `+box("Weigh")+`, c = `+box("Notify")+`; return a.x + a.width <= c.x || c.x + c.width <= a.x; })()`) {
		t.Errorf("the branches' states Weigh and Notify overlap; want them side by side")
	}
	if eval[bool](b, inside("StampAll", "Split")) || eval[bool](b, inside("Split", "StampAll")) {
		t.Errorf("the Parallel and the Map are drawn one inside the other")
	}

	// Weigh fails (its retry waits 10 minutes): Weigh is failed, and Notify, entered after it in the other
	// branch, is still running.
	if _, err := w.states.SendTaskFailure(ctx, &sfn.SendTaskFailureInput{TaskToken: tokens["weighing"], Error: aws.String("Scale.Broken")}); err != nil {
		t.Fatalf("SendTaskFailure: %v", err)
	}
	b.waitJS("Weigh failed", status("Weigh")+` === 'failed'`, 10*time.Second)
	if got := eval[string](b, status("Notify")); got != "running" {
		t.Errorf("Notify after Weigh's failure: %q, want running", got)
	}
	if _, err := w.states.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: tokens["notifying"], Output: aws.String(`{}`)}); err != nil {
		t.Fatalf("SendTaskSuccess: %v", err)
	}
	b.waitJS("Notify succeeded", status("Notify")+` === 'succeeded'`, 10*time.Second)
	if got := eval[string](b, status("Weigh")); got != "failed" {
		t.Errorf("Weigh after Notify's success: %q, want failed (its retry is 10 minutes away)", got)
	}
	if got := eval[string](b, status("Split")); got != "running" {
		t.Errorf("Split while a branch waits for a retry: %q, want running", got)
	}
	b.run("scroll to the graph", chromedp.ScrollIntoView("#graph"))
	t.Logf("screenshot: %s", b.screenshot(artifacts(t), "sfn-nested-graph"))
}
