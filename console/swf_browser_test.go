package console_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/swf"
	"github.com/chromedp/chromedp"

	"github.com/openswf/openswf/openswftest"
)

// execRoute is the console's route of an SWF run.
func execRoute(workflowID, runID string) string {
	return "#/swf/" + url.PathEscape(domain) + "/" + url.PathEscape(workflowID) + "/" + url.PathEscape(runID)
}

// The live panel of an execution shows a heartbeat's details within 2 s of the heartbeat's answer.
func TestConsole_LiveHeartbeat(t *testing.T) {
	w := newWorld(t, openswftest.Options{}, "x", "y")
	run, token := w.startWithActivity("order-1001")
	b := newBrowser(t, w.srv.URL)
	b.open(execRoute("order-1001", *run.RunId))
	b.waitJS("the live panel's task row", `document.querySelector('#live-panel tr.task-row')`, 10*time.Second)
	if got := b.text("#live-panel .identity"); !strings.Contains(got, "packer-7") {
		t.Errorf("the live panel's worker: got %q, want packer-7", got)
	}
	for i := 1; i <= 3; i++ {
		details := fmt.Sprintf("packed %d of 3 (%d)", i, time.Now().UnixNano())
		if _, err := w.swf.RecordActivityTaskHeartbeat(t.Context(), &swf.RecordActivityTaskHeartbeatInput{TaskToken: token, Details: aws.String(details)}); err != nil {
			t.Fatalf("RecordActivityTaskHeartbeat: %v", err)
		}
		took := b.waitJS("the heartbeat's details", fmt.Sprintf(`document.querySelector('#live-panel .hb-details').innerText.includes(%q)`, details), 5*time.Second)
		t.Logf("heartbeat %d shown %v after its answer", i, took.Round(time.Millisecond))
		if took >= 2*time.Second {
			t.Errorf("heartbeat %d: shown %v after its answer, want under 2 s", i, took)
		}
	}
	// The age counts up between answers, and the heartbeat deadline counts down.
	age1 := eval[string](b, `document.querySelector('#live-panel .age').innerText`)
	time.Sleep(300 * time.Millisecond)
	age2 := eval[string](b, `document.querySelector('#live-panel .age').innerText`)
	if age1 == age2 || !strings.HasSuffix(age2, "ago") {
		t.Errorf("the last heartbeat's age does not move: %q, then %q", age1, age2)
	}
	if got := b.text("#live-panel .deadline[data-type=HEARTBEAT]"); !strings.Contains(got, "left") {
		t.Errorf("the heartbeat deadline: got %q, want the time left", got)
	}
	// The task's input, on demand (OpenSWF.DescribeActivityTask), stays shown across the panel's updates.
	b.click("#live-panel .input-toggle")
	b.waitJS("the task's input", `(document.querySelector('#live-panel .task-input') || {innerText: ''}).innerText.includes('"items": 3')`, 5*time.Second)
	time.Sleep(1200 * time.Millisecond)
	if got := b.text("#live-panel .task-input"); !strings.Contains(got, `"items": 3`) {
		t.Errorf("the task's input after the panel's next update: %q", got)
	}
	// The timer the decider started is listed from the history.
	if got := b.text("#timers"); !strings.Contains(got, "reminder") {
		t.Errorf("open timers: got %q, want reminder", got)
	}
}

// The executions list narrows to what the filters ask: a workflow id, a tag, a close status.
func TestConsole_ExecutionFilters(t *testing.T) {
	w := newWorld(t, openswftest.Options{}, "x", "y")
	w.start("order-1", "express")
	w.start("order-2", "standard")
	r3 := w.start("order-3", "express")
	must(t, "TerminateWorkflowExecution", func() error {
		_, err := w.swf.TerminateWorkflowExecution(t.Context(), &swf.TerminateWorkflowExecutionInput{Domain: aws.String(domain), WorkflowId: r3.WorkflowId, RunId: r3.RunId, Reason: aws.String("test")})
		return err
	})
	b := newBrowser(t, w.srv.URL)
	b.open("#/swf")
	b.waitJS("the domain", `document.querySelector('#domains a')`, 5*time.Second)
	b.click("#domains a")
	rows := `[...document.querySelectorAll('#executions tr.execution-row')].map(r => r.dataset.workflowId).sort().join(',')`
	b.waitJS("the open executions", rows+` === 'order-1,order-2'`, 5*time.Second)

	b.run("filter by workflow id",
		chromedp.SetValue(chromedp.CSS("#f-kind"), "workflowId"),
		chromedp.Evaluate[chromedp.Void](`document.getElementById('f-kind').dispatchEvent(new Event('change'))`),
		chromedp.SendKeys(chromedp.CSS("#f-workflow-id"), "order-2"))
	b.click("#f-apply")
	b.waitJS("only order-2", rows+` === 'order-2'`, 5*time.Second)

	b.run("filter by tag", chromedp.SetValue(chromedp.CSS("#f-kind"), "tag"),
		chromedp.Evaluate[chromedp.Void](`document.getElementById('f-kind').dispatchEvent(new Event('change'))`),
		chromedp.SendKeys(chromedp.CSS("#f-tag"), "express"))
	b.click("#f-apply")
	b.waitJS("only order-1 (order-3 is closed)", rows+` === 'order-1'`, 5*time.Second)

	// The close status filter is offered only for closed executions, and exclusive of the others.
	disabled := eval[bool](b, `document.querySelector('#f-kind option[value=closeStatus]').disabled`)
	if !disabled {
		t.Error("the close status filter is offered for open executions")
	}
	b.run("closed, TERMINATED", chromedp.SetValue(chromedp.CSS("#f-status"), "closed"),
		chromedp.Evaluate[chromedp.Void](`document.getElementById('f-status').dispatchEvent(new Event('change'))`),
		chromedp.SetValue(chromedp.CSS("#f-kind"), "closeStatus"),
		chromedp.Evaluate[chromedp.Void](`document.getElementById('f-kind').dispatchEvent(new Event('change'))`),
		chromedp.SetValue(chromedp.CSS("#f-close-status"), "TERMINATED"))
	hidden := eval[string](b, `[...document.querySelectorAll('form.filters .f-input')].map(e => e.hidden ? 'h' : 'v').join('')`)
	if strings.Count(hidden, "v") != 1 {
		t.Errorf("filter inputs shown: %s, want exactly one", hidden)
	}
	b.click("#f-apply")
	b.waitJS("only the terminated order-3", rows+` === 'order-3'`, 5*time.Second)
	b.run("closed, COMPLETED", chromedp.SetValue(chromedp.CSS("#f-close-status"), "COMPLETED"))
	b.click("#f-apply")
	b.waitJS("no completed execution", `document.querySelector('#executions tbody').innerText.includes('No execution matches')`, 5*time.Second)
}

// Terminate asks for confirmation in a dialog: cancelled, nothing happens; confirmed, the run is
// terminated, and the page says so. A signal goes through a dialog too.
func TestConsole_Terminate(t *testing.T) {
	w := newWorld(t, openswftest.Options{}, "x", "y")
	run := w.start("order-77")
	b := newBrowser(t, w.srv.URL)
	b.open(execRoute("order-77", *run.RunId))
	b.click("#act-terminate")
	b.waitJS("the dialog", `document.getElementById('dialog').open`, 5*time.Second)
	b.click("#dialog-cancel")
	b.waitJS("the dialog closed", `!document.getElementById('dialog').open`, 5*time.Second)
	time.Sleep(200 * time.Millisecond)
	if got := w.status(run); got != "OPEN" {
		t.Fatalf("after cancelling the dialog: the run is %s, want OPEN", got)
	}
	// A signal, through its own dialog, shows in the Signals panel read from the history.
	b.click("#act-signal")
	b.waitJS("the signal dialog", `document.getElementById('dialog').open`, 5*time.Second)
	b.run("signal name and input", chromedp.SendKeys(chromedp.CSS("#dialog input[name=signalName]"), "address-changed"),
		chromedp.SendKeys(chromedp.CSS("#dialog textarea[name=input]"), `{"city":"Lyon"}`))
	b.click("#dialog-confirm")
	b.waitJS("the signal in the Signals panel", `document.getElementById('signals').innerText.includes('address-changed')`, 5*time.Second)
	if got := w.status(run); got != "OPEN" {
		t.Fatalf("after a signal: the run is %s, want OPEN", got)
	}
	b.click("#act-terminate")
	b.waitJS("the dialog", `document.getElementById('dialog').open`, 5*time.Second)
	b.run("reason", chromedp.SendKeys(chromedp.CSS("#dialog input[name=reason]"), "customer cancelled"))
	b.click("#dialog-confirm")
	b.waitJS("the page showing TERMINATED", `document.querySelector('h1 .status') && document.querySelector('h1 .status').innerText === 'TERMINATED'`, 5*time.Second)
	if got := w.status(run); got != "TERMINATED" {
		t.Errorf("after confirming: the run is %s, want TERMINATED", got)
	}
	if got := b.text(".timeline"); !strings.Contains(got, "WorkflowExecutionTerminated") || !strings.Contains(got, "customer cancelled") {
		t.Errorf("the history does not show the termination and its reason:\n%s", got)
	}
	// The live panel reads once more after the close, and then no more: its "as of" stays put.
	b.waitJS("the live panel stopped", `document.querySelector('#live-panel .live-state').innerText.includes('the execution is closed')`, 5*time.Second)
	final := b.text("#live-panel .live-state")
	time.Sleep(2500 * time.Millisecond)
	if got := b.text("#live-panel .live-state"); got != final {
		t.Errorf("the live panel went on polling after the execution closed: %q, then %q", final, got)
	}
}

// Under access control the console signs with the user's key and can do no more than the user: an
// operator denied swf:TerminateWorkflowExecution sees the refusal, and the run stays open.
func TestConsole_TerminateRefused(t *testing.T) {
	w := newWorld(t, openswftest.Options{Auth: parseAuth(t)}, "AKIACONSOLEADMIN", "admin-secret")
	run := w.start("order-88")
	b := newBrowser(t, w.srv.URL)
	b.open(execRoute("order-88", *run.RunId))
	b.waitJS("the sign-in form", `document.getElementById('signin')`, 5*time.Second)
	if n := eval[int](b, `document.querySelectorAll('#signin [name]').length`); n != 0 {
		t.Errorf("the sign-in form has %d named fields: submitted natively, it would put the secret in a URL", n)
	}
	b.run("sign in", chromedp.SendKeys(chromedp.CSS("#signin-id"), "AKIACONSOLEOPERATOR"),
		chromedp.SendKeys(chromedp.CSS("#signin-secret"), "operator-secret"))
	b.click("#signin-submit")
	stored := eval[string](b, `sessionStorage.getItem('openswf.console.accessKeyId') + ' ' + (localStorage.length)`)
	if stored != "AKIACONSOLEOPERATOR 0" {
		t.Errorf("stored credentials: got %q, want the key id in sessionStorage and nothing in localStorage", stored)
	}
	// The reads are signed with the operator's key and allowed: the summary and the live panel (service
	// openswf in the signature's scope) answer.
	b.waitJS("the live panel's answer", `document.querySelector('#live-panel .live-state') && document.querySelector('#live-panel .live-state').innerText.startsWith('as of')`, 5*time.Second)
	b.click("#act-terminate")
	b.waitJS("the dialog", `document.getElementById('dialog').open`, 5*time.Second)
	b.click("#dialog-confirm")
	b.waitJS("the refusal", `document.querySelector('#action-error .error')`, 5*time.Second)
	if got := b.text("#action-error"); !strings.Contains(got, "OperationNotPermittedFault") {
		t.Errorf("the refusal shown: %q, want OperationNotPermittedFault", got)
	}
	if got := w.status(run); got != "OPEN" {
		t.Errorf("after a refused terminate: the run is %s, want OPEN", got)
	}
	// Signed out, the console asks again and sends nothing signed.
	b.click("#signout")
	b.waitJS("the sign-in form", `document.getElementById('signin')`, 5*time.Second)
	stored = eval[string](b, `String(sessionStorage.getItem('openswf.console.secretAccessKey'))`)
	if stored != "null" {
		t.Errorf("after signing out the secret is still stored: %q", stored)
	}
}

// Refreshes that overlap (the Refresh button, an action's own refresh, the periodic one) read the same
// new events; the history shows each once.
func TestConsole_OverlappingRefreshes(t *testing.T) {
	w := newWorld(t, openswftest.Options{}, "x", "y")
	run := w.start("order-5")
	b := newBrowser(t, w.srv.URL)
	b.open(execRoute("order-5", *run.RunId))
	b.waitJS("the history", `document.querySelectorAll('.timeline li.event').length >= 2`, 10*time.Second)
	for i := range 3 {
		must(t, "SignalWorkflowExecution", func() error {
			_, err := w.swf.SignalWorkflowExecution(t.Context(), &swf.SignalWorkflowExecutionInput{Domain: aws.String(domain), WorkflowId: run.WorkflowId,
				RunId: run.RunId, SignalName: aws.String(fmt.Sprintf("s%d", i))})
			return err
		})
		b.run("refresh twice at once", chromedp.Evaluate[chromedp.Void](`(() => { const r = document.getElementById('act-refresh'); r.click(); r.click(); r.click(); })()`))
		b.waitJS("the signal", fmt.Sprintf(`document.getElementById('signals').innerText.includes('s%d')`, i), 10*time.Second)
	}
	time.Sleep(500 * time.Millisecond) // the last refreshes land
	ids := eval[string](b, `[...document.querySelectorAll('.timeline .ev-id')].map((e) => e.textContent).join(',')`)
	seen := map[string]bool{}
	for _, id := range strings.Split(ids, ",") {
		if seen[id] {
			t.Fatalf("event %s shown twice: %s", id, ids)
		}
		seen[id] = true
	}
	if n := eval[int](b, `document.querySelectorAll('#signals tbody tr').length`); n != 3 {
		t.Errorf("%d signals listed, want 3", n)
	}
}
