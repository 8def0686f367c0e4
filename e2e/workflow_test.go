package e2e

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/swf"
	"github.com/aws/aws-sdk-go-v2/service/swf/types"
)

// completeWorkflow is a CompleteWorkflowExecution decision.
func completeWorkflow(result string) types.Decision {
	return types.Decision{
		DecisionType: types.DecisionTypeCompleteWorkflowExecution,
		CompleteWorkflowExecutionDecisionAttributes: &types.CompleteWorkflowExecutionDecisionAttributes{
			Result: aws.String(result),
		},
	}
}

// wantClosed fails the test unless the run is closed with the given status and nothing is left open in it.
func (e *env) wantClosed(exec *types.WorkflowExecution, status types.CloseStatus) {
	e.t.Helper()
	desc := e.describe(exec)
	equal(e.t, "executionStatus", desc.ExecutionInfo.ExecutionStatus, types.ExecutionStatusClosed)
	equal(e.t, "closeStatus", desc.ExecutionInfo.CloseStatus, status)
	equal(e.t, "openCounts", *desc.OpenCounts, types.WorkflowExecutionOpenCounts{})
	if desc.ExecutionInfo.CloseTimestamp == nil {
		e.t.Errorf("closeTimestamp: got nil, want the close time")
	}
}

// TestSWF_DecisionTaskTimeout leaves a decision task unanswered past its start-to-close timeout: it times
// out, a new one is scheduled, and the old token no longer completes anything.
func TestSWF_DecisionTaskTimeout(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "e2e-decision-timeout", defaultHold)
	exec := e.start("dt-1", func(in *swf.StartWorkflowExecutionInput) { in.TaskStartToCloseTimeout = aws.String("1") })
	stale := e.pollDecision()

	ev := e.waitEvent(exec, types.EventTypeDecisionTaskTimedOut)
	to := ev.DecisionTaskTimedOutEventAttributes
	equal(t, "timeoutType", to.TimeoutType, types.DecisionTaskTimeoutTypeStartToClose)
	equal(t, "scheduledEventId", to.ScheduledEventId, 2)
	equal(t, "startedEventId", to.StartedEventId, stale.StartedEventId)
	startedAt := eventByType(t, stale.Events, types.EventTypeDecisionTaskStarted).EventTimestamp
	if got := ev.EventTimestamp.Sub(*startedAt); got < 999*time.Millisecond {
		t.Errorf("decision task timed out %v after it started, want at least its 1 s timeout", got)
	}

	_, err := e.c.RespondDecisionTaskCompleted(t.Context(), &swf.RespondDecisionTaskCompletedInput{
		TaskToken: stale.TaskToken, Decisions: []types.Decision{completeWorkflow("too late")},
	})
	wantFault[*types.UnknownResourceFault](t, "RespondDecisionTaskCompleted with the timed-out token", err)

	d := e.pollDecision()
	equal(t, "new decision task startedEventId", d.StartedEventId, 6)
	e.decide(d.TaskToken, completeWorkflow("in time"))
	wantHistory(t, e.history(exec), `
1 WorkflowExecutionStarted
2 DecisionTaskScheduled
3 DecisionTaskStarted
4 DecisionTaskTimedOut
5 DecisionTaskScheduled
6 DecisionTaskStarted
7 DecisionTaskCompleted
8 WorkflowExecutionCompleted
`)
	e.wantClosed(exec, types.CloseStatusCompleted)
}

// TestSWF_WorkflowTimeout lets a run outlive its execution start-to-close timeout with an activity open: the
// run times out and the activity's token stops working.
func TestSWF_WorkflowTimeout(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "e2e-workflow-timeout", defaultHold)
	ctx := t.Context()
	exec := e.start("wt-1", func(in *swf.StartWorkflowExecutionInput) { in.ExecutionStartToCloseTimeout = aws.String("2") })
	d := e.pollDecision()
	startedAt := d.Events[0].EventTimestamp
	e.decide(d.TaskToken, e.scheduleActivity("a1", ""))
	at := e.pollActivity(activityList)

	ev := e.waitEvent(exec, types.EventTypeWorkflowExecutionTimedOut)
	to := ev.WorkflowExecutionTimedOutEventAttributes
	equal(t, "timeoutType", to.TimeoutType, types.WorkflowExecutionTimeoutTypeStartToClose)
	equal(t, "childPolicy", to.ChildPolicy, types.ChildPolicyTerminate)
	if got := ev.EventTimestamp.Sub(*startedAt); got < 1999*time.Millisecond {
		t.Errorf("run timed out %v after it started, want at least its 2 s timeout", got)
	}
	e.wantClosed(exec, types.CloseStatusTimedOut)
	wantHistory(t, e.history(exec), `
1 WorkflowExecutionStarted
2 DecisionTaskScheduled
3 DecisionTaskStarted
4 DecisionTaskCompleted
5 ActivityTaskScheduled
6 ActivityTaskStarted
7 WorkflowExecutionTimedOut
`)

	_, err := e.c.RecordActivityTaskHeartbeat(ctx, &swf.RecordActivityTaskHeartbeatInput{TaskToken: at.TaskToken})
	wantFault[*types.UnknownResourceFault](t, "heartbeat in a timed-out run", err)
	_, err = e.c.RespondActivityTaskCompleted(ctx, &swf.RespondActivityTaskCompletedInput{TaskToken: at.TaskToken})
	wantFault[*types.UnknownResourceFault](t, "RespondActivityTaskCompleted in a timed-out run", err)
	_, err = e.c.SignalWorkflowExecution(ctx, &swf.SignalWorkflowExecutionInput{
		Domain: aws.String(e.domain), WorkflowId: exec.WorkflowId, SignalName: aws.String("hello"),
	})
	wantFault[*types.UnknownResourceFault](t, "SignalWorkflowExecution of a timed-out run", err)
}

// TestSWF_Signal signals a run between decision tasks and during one; a signal that arrives while the
// decider works forbids it to close the run in that decision task.
func TestSWF_Signal(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "e2e-signal", defaultHold)
	ctx := t.Context()
	exec := e.start("sig-1")
	e.decide(e.pollDecision().TaskToken)
	equal(t, "open decision tasks after an empty decision", e.describe(exec).OpenCounts.OpenDecisionTasks, 0)

	e.signal(exec, "hello", "world")
	d := e.pollDecision()
	sig := eventByType(t, d.Events, types.EventTypeWorkflowExecutionSignaled).WorkflowExecutionSignaledEventAttributes
	equal(t, "signalName", aws.ToString(sig.SignalName), "hello")
	equal(t, "signal input", aws.ToString(sig.Input), "world")

	// A signal by run id while the decision task is started.
	if _, err := e.c.SignalWorkflowExecution(ctx, &swf.SignalWorkflowExecutionInput{
		Domain: aws.String(e.domain), WorkflowId: exec.WorkflowId, RunId: exec.RunId,
		SignalName: aws.String("again"), Input: aws.String("2"),
	}); err != nil {
		t.Fatalf("SignalWorkflowExecution by run id: %v", err)
	}
	e.decide(d.TaskToken, completeWorkflow("premature"))
	d = e.pollDecision()
	failed := eventByType(t, d.Events, types.EventTypeCompleteWorkflowExecutionFailed).CompleteWorkflowExecutionFailedEventAttributes
	equal(t, "CompleteWorkflowExecutionFailed cause", failed.Cause, types.CompleteWorkflowExecutionFailedCauseUnhandledDecision)
	sig = eventByType(t, d.Events, types.EventTypeWorkflowExecutionSignaled).WorkflowExecutionSignaledEventAttributes
	equal(t, "second signalName", aws.ToString(sig.SignalName), "again")
	e.decide(d.TaskToken, completeWorkflow("done"))

	wantHistory(t, e.history(exec), `
1 WorkflowExecutionStarted
2 DecisionTaskScheduled
3 DecisionTaskStarted
4 DecisionTaskCompleted
5 WorkflowExecutionSignaled
6 DecisionTaskScheduled
7 DecisionTaskStarted
8 WorkflowExecutionSignaled
9 DecisionTaskCompleted
10 CompleteWorkflowExecutionFailed
11 DecisionTaskScheduled
12 DecisionTaskStarted
13 DecisionTaskCompleted
14 WorkflowExecutionCompleted
`)
	e.wantClosed(exec, types.CloseStatusCompleted)

	_, err := e.c.SignalWorkflowExecution(ctx, &swf.SignalWorkflowExecutionInput{
		Domain: aws.String(e.domain), WorkflowId: exec.WorkflowId, SignalName: aws.String("late"),
	})
	wantFault[*types.UnknownResourceFault](t, "SignalWorkflowExecution of a closed run", err)
	_, err = e.c.SignalWorkflowExecution(ctx, &swf.SignalWorkflowExecutionInput{
		Domain: aws.String(e.domain), WorkflowId: aws.String("no-such-workflow"), SignalName: aws.String("hello"),
	})
	wantFault[*types.UnknownResourceFault](t, "SignalWorkflowExecution of an unknown workflow", err)
}

// TestSWF_RequestCancelWorkflow asks a run to cancel; the decider sees the request and cancels the run.
func TestSWF_RequestCancelWorkflow(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "e2e-cancel-workflow", defaultHold)
	ctx := t.Context()
	exec := e.start("rc-1")
	if _, err := e.c.RespondDecisionTaskCompleted(ctx, &swf.RespondDecisionTaskCompletedInput{
		TaskToken: e.pollDecision().TaskToken, ExecutionContext: aws.String("waiting for orders"),
	}); err != nil {
		t.Fatalf("RespondDecisionTaskCompleted: %v", err)
	}
	equal(t, "latestExecutionContext", aws.ToString(e.describe(exec).LatestExecutionContext), "waiting for orders")

	if _, err := e.c.RequestCancelWorkflowExecution(ctx, &swf.RequestCancelWorkflowExecutionInput{
		Domain: aws.String(e.domain), WorkflowId: exec.WorkflowId,
	}); err != nil {
		t.Fatalf("RequestCancelWorkflowExecution: %v", err)
	}
	desc := e.describe(exec)
	equal(t, "executionStatus after the request", desc.ExecutionInfo.ExecutionStatus, types.ExecutionStatusOpen)
	equal(t, "cancelRequested", desc.ExecutionInfo.CancelRequested, true)

	d := e.pollDecision()
	eventByType(t, d.Events, types.EventTypeWorkflowExecutionCancelRequested)
	e.decide(d.TaskToken, types.Decision{
		DecisionType: types.DecisionTypeCancelWorkflowExecution,
		CancelWorkflowExecutionDecisionAttributes: &types.CancelWorkflowExecutionDecisionAttributes{
			Details: aws.String("as asked"),
		},
	})
	e.wantClosed(exec, types.CloseStatusCanceled)
	evs := e.history(exec)
	wantHistory(t, evs, `
1 WorkflowExecutionStarted
2 DecisionTaskScheduled
3 DecisionTaskStarted
4 DecisionTaskCompleted
5 WorkflowExecutionCancelRequested
6 DecisionTaskScheduled
7 DecisionTaskStarted
8 DecisionTaskCompleted
9 WorkflowExecutionCanceled
`)
	canceled := evs[8].WorkflowExecutionCanceledEventAttributes
	equal(t, "WorkflowExecutionCanceled details", aws.ToString(canceled.Details), "as asked")
	equal(t, "WorkflowExecutionCanceled decisionTaskCompletedEventId", canceled.DecisionTaskCompletedEventId, 8)

	_, err := e.c.RequestCancelWorkflowExecution(ctx, &swf.RequestCancelWorkflowExecutionInput{
		Domain: aws.String(e.domain), WorkflowId: exec.WorkflowId,
	})
	wantFault[*types.UnknownResourceFault](t, "RequestCancelWorkflowExecution of a closed run", err)
}

// TestSWF_TerminateWorkflow terminates a run with a decision task in a decider's hands.
func TestSWF_TerminateWorkflow(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "e2e-terminate", defaultHold)
	ctx := t.Context()
	exec := e.start("term-1")
	d := e.pollDecision()

	in := &swf.TerminateWorkflowExecutionInput{
		Domain: aws.String(e.domain), WorkflowId: exec.WorkflowId, RunId: exec.RunId,
		Reason: aws.String("enough"), Details: aws.String("operator says so"),
	}
	if _, err := e.c.TerminateWorkflowExecution(ctx, in); err != nil {
		t.Fatalf("TerminateWorkflowExecution: %v", err)
	}
	e.wantClosed(exec, types.CloseStatusTerminated)
	evs := e.history(exec)
	wantHistory(t, evs, `
1 WorkflowExecutionStarted
2 DecisionTaskScheduled
3 DecisionTaskStarted
4 WorkflowExecutionTerminated
`)
	term := evs[3].WorkflowExecutionTerminatedEventAttributes
	equal(t, "reason", aws.ToString(term.Reason), "enough")
	equal(t, "details", aws.ToString(term.Details), "operator says so")
	equal(t, "childPolicy", term.ChildPolicy, types.ChildPolicyTerminate)
	equal(t, "cause", term.Cause, types.WorkflowExecutionTerminatedCauseOperatorInitiated)

	_, err := e.c.RespondDecisionTaskCompleted(ctx, &swf.RespondDecisionTaskCompletedInput{TaskToken: d.TaskToken})
	wantFault[*types.UnknownResourceFault](t, "RespondDecisionTaskCompleted in a terminated run", err)
	_, err = e.c.TerminateWorkflowExecution(ctx, in)
	wantFault[*types.UnknownResourceFault](t, "TerminateWorkflowExecution twice", err)
}

// TestSWF_Timers starts two timers: one fires, the decider cancels the other and records a marker.
func TestSWF_Timers(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "e2e-timers", defaultHold)
	exec := e.start("timer-1")
	startTimer := func(id, seconds string) types.Decision {
		return types.Decision{
			DecisionType: types.DecisionTypeStartTimer,
			StartTimerDecisionAttributes: &types.StartTimerDecisionAttributes{
				TimerId: aws.String(id), StartToFireTimeout: aws.String(seconds), Control: aws.String("ctl-" + id),
			},
		}
	}
	cancelTimer := func(id string) types.Decision {
		return types.Decision{
			DecisionType:                  types.DecisionTypeCancelTimer,
			CancelTimerDecisionAttributes: &types.CancelTimerDecisionAttributes{TimerId: aws.String(id)},
		}
	}
	e.decide(e.pollDecision().TaskToken, startTimer("short", "1"), startTimer("long", "600"))
	equal(t, "open timers", e.describe(exec).OpenCounts.OpenTimers, 2)

	fired := e.waitEvent(exec, types.EventTypeTimerFired)
	equal(t, "TimerFired timerId", aws.ToString(fired.TimerFiredEventAttributes.TimerId), "short")
	equal(t, "TimerFired startedEventId", fired.TimerFiredEventAttributes.StartedEventId, 5)

	d := e.pollDecision()
	started := d.Events[4]
	if started.EventType != types.EventTypeTimerStarted {
		t.Fatalf("event 5: got %s, want TimerStarted", started.EventType)
	}
	equal(t, "TimerStarted timerId", aws.ToString(started.TimerStartedEventAttributes.TimerId), "short")
	equal(t, "TimerStarted control", aws.ToString(started.TimerStartedEventAttributes.Control), "ctl-short")
	equal(t, "TimerStarted startToFireTimeout", aws.ToString(started.TimerStartedEventAttributes.StartToFireTimeout), "1")
	if got := fired.EventTimestamp.Sub(*started.EventTimestamp); got < 999*time.Millisecond {
		t.Errorf("timer fired %v after it started, want at least its 1 s", got)
	}
	e.decide(d.TaskToken,
		cancelTimer("long"),
		types.Decision{
			DecisionType: types.DecisionTypeRecordMarker,
			RecordMarkerDecisionAttributes: &types.RecordMarkerDecisionAttributes{
				MarkerName: aws.String("checkpoint"), Details: aws.String("step 2"),
			},
		},
		cancelTimer("never-started"),
	)
	equal(t, "open timers after the cancel", e.describe(exec).OpenCounts.OpenTimers, 0)

	// The failed CancelTimer calls the decider back.
	e.decide(e.pollDecision().TaskToken, completeWorkflow(""))
	evs := e.history(exec)
	wantHistory(t, evs, `
1 WorkflowExecutionStarted
2 DecisionTaskScheduled
3 DecisionTaskStarted
4 DecisionTaskCompleted
5 TimerStarted
6 TimerStarted
7 TimerFired
8 DecisionTaskScheduled
9 DecisionTaskStarted
10 DecisionTaskCompleted
11 TimerCanceled
12 MarkerRecorded
13 CancelTimerFailed
14 DecisionTaskScheduled
15 DecisionTaskStarted
16 DecisionTaskCompleted
17 WorkflowExecutionCompleted
`)
	tc := evs[10].TimerCanceledEventAttributes
	equal(t, "TimerCanceled timerId", aws.ToString(tc.TimerId), "long")
	equal(t, "TimerCanceled startedEventId", tc.StartedEventId, 6)
	equal(t, "TimerCanceled decisionTaskCompletedEventId", tc.DecisionTaskCompletedEventId, 10)
	mr := evs[11].MarkerRecordedEventAttributes
	equal(t, "MarkerRecorded markerName", aws.ToString(mr.MarkerName), "checkpoint")
	equal(t, "MarkerRecorded details", aws.ToString(mr.Details), "step 2")
	equal(t, "MarkerRecorded decisionTaskCompletedEventId", mr.DecisionTaskCompletedEventId, 10)
	ctf := evs[12].CancelTimerFailedEventAttributes
	equal(t, "CancelTimerFailed timerId", aws.ToString(ctf.TimerId), "never-started")
	equal(t, "CancelTimerFailed cause", ctf.Cause, types.CancelTimerFailedCauseTimerIdUnknown)
}

// TestSWF_CountPendingTasks counts tasks waiting on task lists as runs start and workers take them.
func TestSWF_CountPendingTasks(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "e2e-count-pending", defaultHold)
	ctx := t.Context()
	countDecisions := func(domain, list string) (int32, error) {
		out, err := e.c.CountPendingDecisionTasks(ctx, &swf.CountPendingDecisionTasksInput{
			Domain: aws.String(domain), TaskList: &types.TaskList{Name: aws.String(list)},
		})
		if err != nil {
			return 0, err
		}
		if out.Truncated {
			t.Errorf("CountPendingDecisionTasks(%s): got truncated, want an exact count", list)
		}
		return out.Count, nil
	}
	countActivities := func(domain, list string) (int32, error) {
		out, err := e.c.CountPendingActivityTasks(ctx, &swf.CountPendingActivityTasksInput{
			Domain: aws.String(domain), TaskList: &types.TaskList{Name: aws.String(list)},
		})
		if err != nil {
			return 0, err
		}
		if out.Truncated {
			t.Errorf("CountPendingActivityTasks(%s): got truncated, want an exact count", list)
		}
		return out.Count, nil
	}
	wantCount := func(what string, count func(domain, list string) (int32, error), list string, want int32) {
		t.Helper()
		got, err := count(e.domain, list)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		equal(t, what, got, want)
	}

	wantCount("pending decision tasks before any run", countDecisions, decisionList, 0)
	for _, id := range []string{"count-1", "count-2", "count-3"} {
		e.start(id)
	}
	wantCount("pending decision tasks after three starts", countDecisions, decisionList, 3)
	d := e.pollDecision()
	wantCount("pending decision tasks after one poll", countDecisions, decisionList, 2)
	e.decide(d.TaskToken, e.scheduleActivity("a1", ""), e.scheduleActivity("a2", ""))
	wantCount("pending activity tasks after two schedules", countActivities, activityList, 2)
	e.pollActivity(activityList)
	wantCount("pending activity tasks after one poll", countActivities, activityList, 1)
	wantCount("pending activity tasks on an unused list", countActivities, "unused", 0)

	_, err := countDecisions("e2e-no-such-domain", decisionList)
	wantFault[*types.UnknownResourceFault](t, "CountPendingDecisionTasks in an unknown domain", err)
	_, err = countActivities("e2e-no-such-domain", activityList)
	wantFault[*types.UnknownResourceFault](t, "CountPendingActivityTasks in an unknown domain", err)
}
