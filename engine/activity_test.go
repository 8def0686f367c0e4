package engine_test

import (
	"testing"
	"time"

	"github.com/openswf/openswf"
)

func TestEngine_ActivityLifecycle(t *testing.T) {
	h := newHarness(t)
	runID := h.start("w1")
	h.respond(h.pollDecision(), schedule("a1"))
	task := h.pollActivity()
	if task.ActivityID != "a1" || task.Input != "in-a1" || task.StartedEventID != 6 {
		t.Fatalf("activity task = %+v", task)
	}
	h.advance(5 * time.Second)
	cancel, err := h.eng.Heartbeat(h.ctx, task.TaskToken, ptr("50%"))
	h.must(err)
	if cancel {
		t.Errorf("cancelRequested = true, want false")
	}
	h.must(h.eng.CompleteActivity(h.ctx, task.TaskToken, "done"))
	d := h.pollDecision()
	if d.PreviousStartedEventID != 3 || d.StartedEventID != 9 {
		t.Errorf("decision task started=%d previous=%d, want 9 and 3", d.StartedEventID, d.PreviousStartedEventID)
	}
	h.respond(d, complete("ok"))
	h.assertHistory(runID, `
		1 WorkflowExecutionStarted
		2 DecisionTaskScheduled
		3 DecisionTaskStarted
		4 DecisionTaskCompleted
		5 ActivityTaskScheduled {"activityId":"a1","activityType":{"name":"act","version":"1"},"decisionTaskCompletedEventId":4,"heartbeatTimeout":"10","input":"in-a1","scheduleToCloseTimeout":"NONE","scheduleToStartTimeout":"NONE","startToCloseTimeout":"600","taskList":{"name":"workers"}}
		6 ActivityTaskStarted
		7 ActivityTaskCompleted {"result":"done","scheduledEventId":5,"startedEventId":6}
		8 DecisionTaskScheduled
		9 DecisionTaskStarted
		10 DecisionTaskCompleted
		11 WorkflowExecutionCompleted {"decisionTaskCompletedEventId":10,"result":"ok"}
	`)
	x := h.describe(runID)
	if x.Open || x.CloseStatus != openswf.CloseCompleted {
		t.Errorf("execution open=%v closeStatus=%q, want closed COMPLETED", x.Open, x.CloseStatus)
	}
	// The task is closed: its token no longer works.
	_, err = h.eng.Heartbeat(h.ctx, task.TaskToken, nil)
	wantKind(t, err, openswf.KindUnknownResource)
}
