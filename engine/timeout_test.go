package engine_test

import (
	"testing"
	"time"

	"github.com/openswf/openswf"
)

// scheduleWith returns a ScheduleActivityTask decision with explicit timeouts.
func scheduleWith(id, s2s, s2c, stc, hb string) openswf.Decision {
	d := schedule(id)
	a := d.ScheduleActivityTask
	a.ScheduleToStartTimeout, a.ScheduleToCloseTimeout, a.StartToCloseTimeout, a.HeartbeatTimeout = s2s, s2c, stc, hb
	return d
}

func TestEngine_ActivityHeartbeatTimeout(t *testing.T) {
	h := newHarness(t)
	runID := h.start("w")
	h.respond(h.pollDecision(), scheduleWith("a", "NONE", "NONE", "600", "10"))
	task := h.pollActivity()
	h.advance(6 * time.Second)
	_, err := h.eng.Heartbeat(h.ctx, task.TaskToken, ptr("50%"))
	h.must(err)
	// The first deadline (start + 10 s) passes, but the heartbeat at 6 s moved it to 16 s.
	h.advance(5 * time.Second)
	if _, err := h.eng.Heartbeat(h.ctx, task.TaskToken, nil); err != nil {
		t.Fatalf("heartbeat at 11 s: %v (the task timed out too early)", err)
	}
	// A heartbeat without details keeps the last details. Silence for the full timeout times the task out.
	h.advance(9 * time.Second)
	if got := h.describe(runID).Activities["a"]; got == 0 {
		t.Fatalf("task closed 9 s after the last heartbeat; want it open until 10 s")
	}
	h.advance(1 * time.Second)
	h.assertHistory(runID, `
		1 WorkflowExecutionStarted
		2 DecisionTaskScheduled
		3 DecisionTaskStarted
		4 DecisionTaskCompleted
		5 ActivityTaskScheduled {"activityId":"a","activityType":{"name":"act","version":"1"},"decisionTaskCompletedEventId":4,"heartbeatTimeout":"10","input":"in-a","scheduleToCloseTimeout":"NONE","scheduleToStartTimeout":"NONE","startToCloseTimeout":"600","taskList":{"name":"workers"}}
		6 ActivityTaskStarted
		7 ActivityTaskTimedOut {"details":"50%","scheduledEventId":5,"startedEventId":6,"timeoutType":"HEARTBEAT"}
		8 DecisionTaskScheduled
	`)
	_, err = h.eng.Heartbeat(h.ctx, task.TaskToken, ptr("late"))
	wantKind(t, err, openswf.KindUnknownResource)
	wantKind(t, h.eng.CompleteActivity(h.ctx, task.TaskToken, "late"), openswf.KindUnknownResource)
}

func TestEngine_ActivityHeartbeatTimeoutWithoutDetails(t *testing.T) {
	h := newHarness(t)
	runID := h.start("w")
	h.respond(h.pollDecision(), scheduleWith("a", "NONE", "NONE", "600", "10"))
	h.pollActivity()
	h.advance(10 * time.Second)
	h.assertHistory(runID, `
		1 WorkflowExecutionStarted
		2 DecisionTaskScheduled
		3 DecisionTaskStarted
		4 DecisionTaskCompleted
		5 ActivityTaskScheduled {"activityId":"a","activityType":{"name":"act","version":"1"},"decisionTaskCompletedEventId":4,"heartbeatTimeout":"10","input":"in-a","scheduleToCloseTimeout":"NONE","scheduleToStartTimeout":"NONE","startToCloseTimeout":"600","taskList":{"name":"workers"}}
		6 ActivityTaskStarted
		7 ActivityTaskTimedOut {"scheduledEventId":5,"startedEventId":6,"timeoutType":"HEARTBEAT"}
		8 DecisionTaskScheduled
	`)
}

func TestEngine_ActivityStartToCloseTimeoutDespiteHeartbeats(t *testing.T) {
	h := newHarness(t)
	runID := h.start("w")
	h.respond(h.pollDecision(), scheduleWith("a", "NONE", "NONE", "20", "10"))
	task := h.pollActivity()
	for i := range 4 {
		h.advance(5 * time.Second)
		_, err := h.eng.Heartbeat(h.ctx, task.TaskToken, ptr(string(rune('0'+i))))
		if i < 3 {
			h.must(err)
		} else {
			wantKind(t, err, openswf.KindUnknownResource)
		}
	}
	h.assertHistory(runID, `
		1 WorkflowExecutionStarted
		2 DecisionTaskScheduled
		3 DecisionTaskStarted
		4 DecisionTaskCompleted
		5 ActivityTaskScheduled {"activityId":"a","activityType":{"name":"act","version":"1"},"decisionTaskCompletedEventId":4,"heartbeatTimeout":"10","input":"in-a","scheduleToCloseTimeout":"NONE","scheduleToStartTimeout":"NONE","startToCloseTimeout":"20","taskList":{"name":"workers"}}
		6 ActivityTaskStarted
		7 ActivityTaskTimedOut {"details":"2","scheduledEventId":5,"startedEventId":6,"timeoutType":"START_TO_CLOSE"}
		8 DecisionTaskScheduled
	`)
}

func TestEngine_ActivityScheduleToStartTimeout(t *testing.T) {
	h := newHarness(t)
	runID := h.start("w")
	h.respond(h.pollDecision(), scheduleWith("a", "5", "NONE", "600", "NONE"))
	h.advance(5 * time.Second)
	h.assertHistory(runID, `
		1 WorkflowExecutionStarted
		2 DecisionTaskScheduled
		3 DecisionTaskStarted
		4 DecisionTaskCompleted
		5 ActivityTaskScheduled {"activityId":"a","activityType":{"name":"act","version":"1"},"decisionTaskCompletedEventId":4,"heartbeatTimeout":"NONE","input":"in-a","scheduleToCloseTimeout":"NONE","scheduleToStartTimeout":"5","startToCloseTimeout":"600","taskList":{"name":"workers"}}
		6 ActivityTaskTimedOut {"scheduledEventId":5,"startedEventId":0,"timeoutType":"SCHEDULE_TO_START"}
		7 DecisionTaskScheduled
	`)
	// The timed-out task is no longer handed out; the decision task is.
	if n, err := h.eng.CountPending(h.ctx, openswf.TaskActivity, domain, actList); err != nil || n != 0 {
		t.Errorf("pending activity tasks = %d, %v; want 0", n, err)
	}
}

func TestEngine_ActivityScheduleToStartDisarmedByStart(t *testing.T) {
	h := newHarness(t)
	runID := h.start("w")
	h.respond(h.pollDecision(), scheduleWith("a", "5", "NONE", "600", "NONE"))
	task := h.pollActivity()
	h.advance(6 * time.Second)
	h.must(h.eng.CompleteActivity(h.ctx, task.TaskToken, ""))
	if got := h.historyText(runID); !contains(got, "7 ActivityTaskCompleted") {
		t.Errorf("history:\n%s\nwant the task completed, not timed out", got)
	}
}

func TestEngine_ActivityScheduleToCloseTimeout(t *testing.T) {
	h := newHarness(t)
	runID := h.start("w")
	h.respond(h.pollDecision(), scheduleWith("a", "NONE", "30", "600", "NONE"))
	task := h.pollActivity()
	h.advance(20 * time.Second)
	_, err := h.eng.Heartbeat(h.ctx, task.TaskToken, ptr("x"))
	h.must(err)
	h.advance(10 * time.Second)
	h.assertHistory(runID, `
		1 WorkflowExecutionStarted
		2 DecisionTaskScheduled
		3 DecisionTaskStarted
		4 DecisionTaskCompleted
		5 ActivityTaskScheduled {"activityId":"a","activityType":{"name":"act","version":"1"},"decisionTaskCompletedEventId":4,"heartbeatTimeout":"NONE","input":"in-a","scheduleToCloseTimeout":"30","scheduleToStartTimeout":"NONE","startToCloseTimeout":"600","taskList":{"name":"workers"}}
		6 ActivityTaskStarted
		7 ActivityTaskTimedOut {"details":"x","scheduledEventId":5,"startedEventId":6,"timeoutType":"SCHEDULE_TO_CLOSE"}
		8 DecisionTaskScheduled
	`)
}

func TestEngine_DecisionTaskTimeout(t *testing.T) {
	h := newHarness(t)
	runID := h.start("w")
	old := h.pollDecision()
	h.advance(30 * time.Second)
	err := h.eng.RespondDecision(h.ctx, engineRespond(old.TaskToken, complete("")))
	wantKind(t, err, openswf.KindUnknownResource)
	next := h.pollDecision()
	if next.PreviousStartedEventID != 0 || next.StartedEventID != 6 {
		t.Errorf("new decision task started=%d previous=%d, want 6 and 0", next.StartedEventID, next.PreviousStartedEventID)
	}
	h.respond(next, complete("ok"))
	h.assertHistory(runID, `
		1 WorkflowExecutionStarted
		2 DecisionTaskScheduled
		3 DecisionTaskStarted
		4 DecisionTaskTimedOut {"scheduledEventId":2,"startedEventId":3,"timeoutType":"START_TO_CLOSE"}
		5 DecisionTaskScheduled
		6 DecisionTaskStarted
		7 DecisionTaskCompleted
		8 WorkflowExecutionCompleted {"decisionTaskCompletedEventId":7,"result":"ok"}
	`)
}

func TestEngine_WorkflowTimeout(t *testing.T) {
	h := newHarness(t)
	runID := h.start("w")
	h.respond(h.pollDecision(), schedule("a"), startTimer("t", "7200"))
	task := h.pollActivity()
	h.advance(3600 * time.Second)
	h.assertHistory(runID, `
		1 WorkflowExecutionStarted
		2 DecisionTaskScheduled
		3 DecisionTaskStarted
		4 DecisionTaskCompleted
		5 ActivityTaskScheduled {"activityId":"a","activityType":{"name":"act","version":"1"},"decisionTaskCompletedEventId":4,"heartbeatTimeout":"10","input":"in-a","scheduleToCloseTimeout":"NONE","scheduleToStartTimeout":"NONE","startToCloseTimeout":"600","taskList":{"name":"workers"}}
		6 TimerStarted {"decisionTaskCompletedEventId":4,"startToFireTimeout":"7200","timerId":"t"}
		7 ActivityTaskStarted
		8 ActivityTaskTimedOut {"scheduledEventId":5,"startedEventId":7,"timeoutType":"HEARTBEAT"}
		9 DecisionTaskScheduled
		10 WorkflowExecutionTimedOut {"childPolicy":"TERMINATE","timeoutType":"START_TO_CLOSE"}
	`)
	x := h.describe(runID)
	if x.Open || x.CloseStatus != openswf.CloseTimedOut || len(x.Timers) != 0 || x.Decision.ScheduledID != 0 {
		t.Errorf("execution after timeout: open=%v status=%q timers=%d decision=%+v", x.Open, x.CloseStatus, len(x.Timers), x.Decision)
	}
	_, err := h.eng.Heartbeat(h.ctx, task.TaskToken, nil)
	wantKind(t, err, openswf.KindUnknownResource)
	// Nothing is left to fire: the user timer was disarmed with the run.
	h.advance(7200 * time.Second)
	if got := h.historyText(runID); contains(got, "TimerFired") {
		t.Errorf("timer fired after the run closed:\n%s", got)
	}
}

func TestEngine_WorkflowTimeoutClosesStartedActivity(t *testing.T) {
	h := newHarness(t)
	runID := h.start("w")
	h.respond(h.pollDecision(), scheduleWith("a", "NONE", "NONE", "NONE", "NONE"))
	task := h.pollActivity()
	h.advance(3600 * time.Second)
	x := h.describe(runID)
	if x.Open || len(x.Activities) != 0 {
		t.Fatalf("execution open=%v activities=%v, want closed with none", x.Open, x.Activities)
	}
	wantKind(t, h.eng.CompleteActivity(h.ctx, task.TaskToken, ""), openswf.KindUnknownResource)
	if acts, err := h.store.ListActivities(h.ctx, runID); err != nil || len(acts) != 0 {
		t.Errorf("open activity rows = %d, %v; want 0", len(acts), err)
	}
}
