package engine_test

import (
	"context"
	"testing"
	"time"

	"github.com/openswf/openswf"
	"github.com/openswf/openswf/engine"
)

const kidList = "kids"

// pollDecisionOn returns the decision task that must be waiting on a task list.
func (h *harness) pollDecisionOn(list string) *engine.DecisionTask {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(h.ctx, 5*time.Second)
	defer cancel()
	task, err := h.eng.PollDecision(ctx, engine.PollDecisionInput{Domain: domain, TaskList: openswf.TaskList{Name: list}, Identity: "decider"})
	if err != nil || task == nil {
		h.t.Fatalf("PollDecision(%s) = %v, %v; want a task", list, task, err)
	}
	return task
}

func startChild(id, policy string) openswf.Decision {
	return openswf.Decision{Type: openswf.DecisionStartChildWorkflowExecution, StartChildWorkflowExecution: &openswf.StartChildWorkflowExecutionAttributes{
		WorkflowType: openswf.WorkflowType{Name: "wf", Version: "1"}, WorkflowID: id, Input: "child-input",
		TaskList: &openswf.TaskList{Name: kidList}, ChildPolicy: policy, Control: "ctl",
	}}
}

func (h *harness) openRun(workflowID string) *openswf.Execution {
	h.t.Helper()
	x, err := h.store.GetOpenExecution(h.ctx, domain, workflowID)
	if err != nil {
		h.t.Fatalf("open run of %s: %v", workflowID, err)
	}
	return x
}

func TestEngine_ChildWorkflowCompleted(t *testing.T) {
	h := newHarness(t)
	parent := h.start("p")
	h.respond(h.pollDecision(), startChild("c", "TERMINATE"))
	child := h.openRun("c")
	if child.Parent == nil || child.Parent.RunID != parent || child.ParentInitiatedEventID != 5 {
		t.Fatalf("child parent = %+v initiated %d, want run %s and 5", child.Parent, child.ParentInitiatedEventID, parent)
	}
	h.respond(h.pollDecisionOn(kidList), complete("child-result"))
	h.assertHistory(parent, `
		1 WorkflowExecutionStarted
		2 DecisionTaskScheduled
		3 DecisionTaskStarted
		4 DecisionTaskCompleted
		5 StartChildWorkflowExecutionInitiated {"childPolicy":"TERMINATE","control":"ctl","decisionTaskCompletedEventId":4,"executionStartToCloseTimeout":"3600","input":"child-input","taskList":{"name":"kids"},"taskStartToCloseTimeout":"30","workflowId":"c","workflowType":{"name":"wf","version":"1"}}
		6 ChildWorkflowExecutionStarted {"initiatedEventId":5,"workflowExecution":{"runId":"`+child.RunID+`","workflowId":"c"},"workflowType":{"name":"wf","version":"1"}}
		7 DecisionTaskScheduled
		8 ChildWorkflowExecutionCompleted {"initiatedEventId":5,"result":"child-result","startedEventId":6,"workflowExecution":{"runId":"`+child.RunID+`","workflowId":"c"},"workflowType":{"name":"wf","version":"1"}}
	`)
	if n := len(h.describe(parent).Children); n != 0 {
		t.Errorf("parent still counts %d open children", n)
	}
	evs, _ := h.store.History(h.ctx, child.RunID, 0, 1, false)
	if got := string(evs[0].Attributes); !contains(got, `"parentInitiatedEventId":5`) || !contains(got, `"parentWorkflowExecution":{"workflowId":"p","runId":"`+parent+`"}`) {
		t.Errorf("child WorkflowExecutionStarted = %s, want the parent named", got)
	}
}

func TestEngine_ChildWorkflowOutcomes(t *testing.T) {
	for _, tc := range []struct {
		name  string
		close func(h *harness, child *openswf.Execution)
		want  string
	}{
		{"Failed", func(h *harness, c *openswf.Execution) {
			h.respond(h.pollDecisionOn(kidList), openswf.Decision{Type: openswf.DecisionFailWorkflowExecution,
				FailWorkflowExecution: &openswf.FailWorkflowExecutionAttributes{Reason: "r", Details: "d"}})
		}, `ChildWorkflowExecutionFailed {"details":"d","initiatedEventId":5,"reason":"r","startedEventId":6`},
		{"Canceled", func(h *harness, c *openswf.Execution) {
			h.respond(h.pollDecisionOn(kidList), openswf.Decision{Type: openswf.DecisionCancelWorkflowExecution,
				CancelWorkflowExecution: &openswf.CancelWorkflowExecutionAttributes{Details: "d"}})
		}, `ChildWorkflowExecutionCanceled {"details":"d","initiatedEventId":5,"startedEventId":6`},
		{"Terminated", func(h *harness, c *openswf.Execution) {
			h.must(h.eng.Terminate(h.ctx, engine.TerminateInput{Domain: domain, WorkflowID: "c"}))
		}, `ChildWorkflowExecutionTerminated {"initiatedEventId":5,"startedEventId":6`},
		{"TimedOut", func(h *harness, c *openswf.Execution) {
			h.advance(60 * time.Second)
		}, `ChildWorkflowExecutionTimedOut {"initiatedEventId":5,"startedEventId":6,"timeoutType":"START_TO_CLOSE"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			parent := h.start("p")
			child := startChild("c", "TERMINATE")
			child.StartChildWorkflowExecution.ExecutionStartToCloseTimeout = "60"
			h.respond(h.pollDecision(), child)
			tc.close(h, h.openRun("c"))
			if got := h.historyText(parent); !contains(got, tc.want) {
				t.Errorf("parent history lacks %s:\n%s", tc.want, got)
			}
		})
	}
}

func TestEngine_StartChildFailures(t *testing.T) {
	h := newHarness(t)
	h.must(h.eng.RegisterType(h.ctx, openswf.KindWorkflowType, engine.RegisterTypeInput{Domain: domain, Name: "bare", Version: "1",
		TaskList: &openswf.TaskList{Name: "x"}, StartToClose: "10", ExecutionStartToClose: "10"}))
	parent := h.start("p")
	h.start("busy")
	missing := startChild("m", "TERMINATE")
	missing.StartChildWorkflowExecution.WorkflowType.Name = "missing"
	bare := startChild("b", "")
	bare.StartChildWorkflowExecution.WorkflowType.Name = "bare"
	h.respond(h.pollDecision(), missing, bare, startChild("busy", "TERMINATE"), startChild("p", "TERMINATE"))
	got := h.historyText(parent)
	for _, want := range []string{
		`5 StartChildWorkflowExecutionFailed {"cause":"WORKFLOW_TYPE_DOES_NOT_EXIST","control":"ctl","decisionTaskCompletedEventId":4,"initiatedEventId":0,"workflowId":"m","workflowType":{"name":"missing","version":"1"}}`,
		`6 StartChildWorkflowExecutionFailed {"cause":"DEFAULT_CHILD_POLICY_UNDEFINED","control":"ctl","decisionTaskCompletedEventId":4,"initiatedEventId":0,"workflowId":"b","workflowType":{"name":"bare","version":"1"}}`,
		`7 StartChildWorkflowExecutionInitiated`,
		`8 StartChildWorkflowExecutionFailed {"cause":"WORKFLOW_ALREADY_RUNNING","control":"ctl","decisionTaskCompletedEventId":4,"initiatedEventId":7,"workflowId":"busy"`,
		`10 StartChildWorkflowExecutionFailed {"cause":"WORKFLOW_ALREADY_RUNNING","control":"ctl","decisionTaskCompletedEventId":4,"initiatedEventId":9,"workflowId":"p"`,
		`11 DecisionTaskScheduled`,
	} {
		if !contains(got, want) {
			t.Errorf("history lacks %s:\n%s", want, got)
		}
	}
}

func TestEngine_ChildPolicies(t *testing.T) {
	for _, tc := range []struct {
		policy string
		check  func(t *testing.T, h *harness, child string)
	}{
		{"TERMINATE", func(t *testing.T, h *harness, child string) {
			x := h.describe(child)
			if x.Open || x.CloseStatus != openswf.CloseTerminated {
				t.Errorf("child open=%v status=%q, want TERMINATED", x.Open, x.CloseStatus)
			}
			if got := h.historyText(child); !contains(got, `WorkflowExecutionTerminated {"cause":"CHILD_POLICY_APPLIED","childPolicy":"TERMINATE"}`) {
				t.Errorf("child history:\n%s", got)
			}
		}},
		{"REQUEST_CANCEL", func(t *testing.T, h *harness, child string) {
			x := h.describe(child)
			if !x.Open || !x.CancelRequested {
				t.Errorf("child open=%v cancelRequested=%v, want open with cancel requested", x.Open, x.CancelRequested)
			}
			if got := h.historyText(child); !contains(got, `WorkflowExecutionCancelRequested {"cause":"CHILD_POLICY_APPLIED"}`) {
				t.Errorf("child history:\n%s", got)
			}
		}},
		{"ABANDON", func(t *testing.T, h *harness, child string) {
			if x := h.describe(child); !x.Open || x.CancelRequested {
				t.Errorf("abandoned child open=%v cancelRequested=%v, want untouched", x.Open, x.CancelRequested)
			}
		}},
	} {
		t.Run(tc.policy, func(t *testing.T) {
			h := newHarness(t)
			h.start("p")
			h.respond(h.pollDecision(), startChild("c", "TERMINATE"))
			child := h.openRun("c").RunID
			h.must(h.eng.Terminate(h.ctx, engine.TerminateInput{Domain: domain, WorkflowID: "p", ChildPolicy: tc.policy}))
			tc.check(t, h, child)
		})
	}
}

func TestEngine_ContinueAsNew(t *testing.T) {
	h := newHarness(t)
	first := h.start("w")
	h.respond(h.pollDecision(), schedule("a"), openswf.Decision{Type: openswf.DecisionContinueAsNewWorkflowExecution,
		ContinueAsNewWorkflowExecution: &openswf.ContinueAsNewAttributes{Input: "next", TagList: []string{"t"}}})
	next := h.openRun("w")
	if next.RunID == first || next.ContinuedFrom != first {
		t.Fatalf("new run %s continued from %q, want a new run from %s", next.RunID, next.ContinuedFrom, first)
	}
	old := h.describe(first)
	if old.Open || old.CloseStatus != openswf.CloseContinuedAsNew || len(old.Activities) != 0 {
		t.Errorf("old run open=%v status=%q activities=%d", old.Open, old.CloseStatus, len(old.Activities))
	}
	if got := h.historyText(first); !contains(got, `6 WorkflowExecutionContinuedAsNew {"childPolicy":"TERMINATE","decisionTaskCompletedEventId":4,"executionStartToCloseTimeout":"3600","input":"next","newExecutionRunId":"`+next.RunID+`","tagList":["t"],"taskList":{"name":"deciders"},"taskStartToCloseTimeout":"30","workflowType":{"name":"wf","version":"1"}}`) {
		t.Errorf("old history:\n%s", got)
	}
	task := h.pollDecision()
	if task.Execution.RunID != next.RunID {
		t.Errorf("decision task for %s, want the new run", task.Execution.RunID)
	}
	evs, _ := h.store.History(h.ctx, next.RunID, 0, 1, false)
	if got := string(evs[0].Attributes); !contains(got, `"continuedExecutionRunId":"`+first+`"`) || !contains(got, `"input":"next"`) {
		t.Errorf("new run's WorkflowExecutionStarted = %s", got)
	}
	// The scheduled activity of the old run is gone with it.
	if n, _ := h.eng.CountPending(h.ctx, openswf.TaskActivity, domain, actList); n != 0 {
		t.Errorf("pending activities = %d, want 0", n)
	}
}

func TestEngine_ContinueAsNewFailures(t *testing.T) {
	h := newHarness(t)
	runID := h.start("w")
	task := h.pollDecision()
	h.must(h.eng.Signal(h.ctx, engine.SignalInput{Domain: domain, WorkflowID: "w", SignalName: "s"}))
	can := func(version string) openswf.Decision {
		return openswf.Decision{Type: openswf.DecisionContinueAsNewWorkflowExecution,
			ContinueAsNewWorkflowExecution: &openswf.ContinueAsNewAttributes{WorkflowTypeVersion: version}}
	}
	h.respond(task, can(""))
	h.respond(h.pollDecision(), can("9"))
	got := h.historyText(runID)
	for _, want := range []string{
		`ContinueAsNewWorkflowExecutionFailed {"cause":"UNHANDLED_DECISION","decisionTaskCompletedEventId":5}`,
		`ContinueAsNewWorkflowExecutionFailed {"cause":"WORKFLOW_TYPE_DOES_NOT_EXIST","decisionTaskCompletedEventId":9}`,
	} {
		if !contains(got, want) {
			t.Errorf("history lacks %s:\n%s", want, got)
		}
	}
}

func TestEngine_SignalAndCancelExternal(t *testing.T) {
	h := newHarness(t)
	source := h.start("s")
	target := h.start("t")
	sig := openswf.Decision{Type: openswf.DecisionSignalExternalWorkflowExecution, SignalExternalWorkflowExecution: &openswf.SignalExternalAttributes{
		WorkflowID: "t", SignalName: "hello", Input: "i", Control: "c"}}
	unknown := openswf.Decision{Type: openswf.DecisionSignalExternalWorkflowExecution, SignalExternalWorkflowExecution: &openswf.SignalExternalAttributes{
		WorkflowID: "nobody", SignalName: "hello"}}
	cancel := openswf.Decision{Type: openswf.DecisionRequestCancelExternalWorkflowExecution, RequestCancelExternalWorkflowExecution: &openswf.RequestCancelExternalAttributes{
		WorkflowID: "t", RunID: target}}
	cancelUnknown := openswf.Decision{Type: openswf.DecisionRequestCancelExternalWorkflowExecution, RequestCancelExternalWorkflowExecution: &openswf.RequestCancelExternalAttributes{
		WorkflowID: "t", RunID: "not-a-run"}}
	lambda := openswf.Decision{Type: openswf.DecisionScheduleLambdaFunction, ScheduleLambdaFunction: &openswf.ScheduleLambdaFunctionDecisionAttributes{ID: "l", Name: "fn"}}
	task := h.pollDecision()
	if task.Execution.RunID != source {
		t.Fatalf("first decision task is for %s, want the source run", task.Execution.WorkflowID)
	}
	h.respond(task, sig, unknown, cancel, cancelUnknown, lambda)
	h.assertHistory(source, `
		1 WorkflowExecutionStarted
		2 DecisionTaskScheduled
		3 DecisionTaskStarted
		4 DecisionTaskCompleted
		5 SignalExternalWorkflowExecutionInitiated {"control":"c","decisionTaskCompletedEventId":4,"input":"i","signalName":"hello","workflowId":"t"}
		6 ExternalWorkflowExecutionSignaled {"initiatedEventId":5,"workflowExecution":{"runId":"`+target+`","workflowId":"t"}}
		7 SignalExternalWorkflowExecutionInitiated {"decisionTaskCompletedEventId":4,"signalName":"hello","workflowId":"nobody"}
		8 SignalExternalWorkflowExecutionFailed {"cause":"UNKNOWN_EXTERNAL_WORKFLOW_EXECUTION","decisionTaskCompletedEventId":4,"initiatedEventId":7,"workflowId":"nobody"}
		9 RequestCancelExternalWorkflowExecutionInitiated {"decisionTaskCompletedEventId":4,"runId":"`+target+`","workflowId":"t"}
		10 ExternalWorkflowExecutionCancelRequested {"initiatedEventId":9,"workflowExecution":{"runId":"`+target+`","workflowId":"t"}}
		11 RequestCancelExternalWorkflowExecutionInitiated {"decisionTaskCompletedEventId":4,"runId":"not-a-run","workflowId":"t"}
		12 RequestCancelExternalWorkflowExecutionFailed {"cause":"UNKNOWN_EXTERNAL_WORKFLOW_EXECUTION","decisionTaskCompletedEventId":4,"initiatedEventId":11,"runId":"not-a-run","workflowId":"t"}
		13 ScheduleLambdaFunctionFailed {"cause":"LAMBDA_SERVICE_NOT_AVAILABLE_IN_REGION","decisionTaskCompletedEventId":4,"id":"l","name":"fn"}
		14 DecisionTaskScheduled
	`)
	h.assertHistory(target, `
		1 WorkflowExecutionStarted
		2 DecisionTaskScheduled
		3 WorkflowExecutionSignaled {"externalInitiatedEventId":5,"externalWorkflowExecution":{"runId":"`+source+`","workflowId":"s"},"input":"i","signalName":"hello"}
		4 WorkflowExecutionCancelRequested {"externalInitiatedEventId":9,"externalWorkflowExecution":{"runId":"`+source+`","workflowId":"s"}}
	`)
	if !h.describe(target).CancelRequested {
		t.Errorf("target's cancelRequested = false")
	}
}

func TestEngine_HistoryEventLimit(t *testing.T) {
	h := newHarness(t)
	runID := h.start("w")
	markers := make([]openswf.Decision, 1000)
	for i := range markers {
		markers[i] = openswf.Decision{Type: openswf.DecisionRecordMarker, RecordMarker: &openswf.RecordMarkerAttributes{MarkerName: "m"}}
	}
	for h.describe(runID).Open {
		h.must(h.eng.Signal(h.ctx, engine.SignalInput{Domain: domain, WorkflowID: "w", SignalName: "more"}))
		if !h.describe(runID).Open {
			break
		}
		h.respond(h.pollDecision(), markers...)
	}
	x := h.describe(runID)
	if x.CloseStatus != openswf.CloseTerminated || x.NextEventID-1 > 25000 || x.NextEventID-1 < 24900 {
		t.Fatalf("run closed %q with %d events, want TERMINATED within 25,000", x.CloseStatus, x.NextEventID-1)
	}
	evs, err := h.store.History(h.ctx, runID, 0, 1, true)
	h.must(err)
	if got := string(evs[0].Attributes); evs[0].Type != openswf.EventWorkflowExecutionTerminated || !contains(got, `"cause":"EVENT_LIMIT_EXCEEDED"`) {
		t.Errorf("last event %d %s %s, want WorkflowExecutionTerminated EVENT_LIMIT_EXCEEDED", evs[0].ID, evs[0].Type, got)
	}
}

func TestEngine_OpenChildrenLimit(t *testing.T) {
	h := newHarness(t)
	parent := h.start("p")
	ds := make([]openswf.Decision, 0, 1001)
	for i := range 1001 {
		ds = append(ds, startChild("c"+itoa(i), "ABANDON"))
	}
	h.respond(h.pollDecision(), ds...)
	if got := h.historyText(parent); !contains(got, `StartChildWorkflowExecutionFailed {"cause":"OPEN_CHILDREN_LIMIT_EXCEEDED","control":"ctl","decisionTaskCompletedEventId":4,"initiatedEventId":0,"workflowId":"c1000"`) {
		t.Errorf("the 1001st child was not refused; history tail:\n%s", tail(got, 3))
	}
	if n := len(h.describe(parent).Children); n != 1000 {
		t.Errorf("open children = %d, want 1000", n)
	}
}
