package engine_test

import (
	"strings"
	"testing"
	"time"

	"github.com/openswf/openswf"
	"github.com/openswf/openswf/engine"
)

func contains(s, sub string) bool { return strings.Contains(s, sub) }

func engineRespond(token string, ds ...openswf.Decision) engine.RespondDecisionInput {
	return engine.RespondDecisionInput{TaskToken: token, Decisions: ds}
}

func startTimer(id, after string) openswf.Decision {
	return openswf.Decision{Type: openswf.DecisionStartTimer, StartTimer: &openswf.StartTimerAttributes{TimerID: id, StartToFireTimeout: after}}
}

func cancelTimer(id string) openswf.Decision {
	return openswf.Decision{Type: openswf.DecisionCancelTimer, CancelTimer: &openswf.CancelTimerAttributes{TimerID: id}}
}

func cancelActivity(id string) openswf.Decision {
	return openswf.Decision{Type: openswf.DecisionRequestCancelActivityTask, RequestCancelActivityTask: &openswf.RequestCancelActivityTaskAttributes{ActivityID: id}}
}

func TestEngine_CancelStartedActivity(t *testing.T) {
	h := newHarness(t)
	runID := h.start("w")
	h.respond(h.pollDecision(), schedule("a"))
	task := h.pollActivity()
	h.respond(mustTask(t, h, "activity started"), cancelActivity("a"))
	cancel, err := h.eng.Heartbeat(h.ctx, task.TaskToken, ptr("stopping"))
	h.must(err)
	if !cancel {
		t.Fatalf("cancelRequested = false after RequestCancelActivityTask, want true")
	}
	h.must(h.eng.CancelActivity(h.ctx, task.TaskToken, "stopped at 40%"))
	h.assertHistory(runID, `
		1 WorkflowExecutionStarted
		2 DecisionTaskScheduled
		3 DecisionTaskStarted
		4 DecisionTaskCompleted
		5 ActivityTaskScheduled {"activityId":"a","activityType":{"name":"act","version":"1"},"decisionTaskCompletedEventId":4,"heartbeatTimeout":"10","input":"in-a","scheduleToCloseTimeout":"NONE","scheduleToStartTimeout":"NONE","startToCloseTimeout":"600","taskList":{"name":"workers"}}
		6 ActivityTaskStarted
		7 WorkflowExecutionSignaled {"signalName":"poke"}
		8 DecisionTaskScheduled
		9 DecisionTaskStarted
		10 DecisionTaskCompleted
		11 ActivityTaskCancelRequested {"activityId":"a","decisionTaskCompletedEventId":10}
		12 ActivityTaskCanceled {"details":"stopped at 40%","latestCancelRequestedEventId":11,"scheduledEventId":5,"startedEventId":6}
		13 DecisionTaskScheduled
	`)
}

// mustTask makes a decision task available by signalling the run, then polls it.
func mustTask(t *testing.T, h *harness, why string) *engine.DecisionTask {
	t.Helper()
	x, err := h.store.GetOpenExecution(h.ctx, domain, "w")
	h.must(err)
	h.must(h.eng.Signal(h.ctx, engine.SignalInput{Domain: domain, WorkflowID: "w", RunID: x.RunID, SignalName: "poke"}))
	return h.pollDecision()
}

func TestEngine_CancelActivityIgnoredByWorker(t *testing.T) {
	h := newHarness(t)
	runID := h.start("w")
	h.respond(h.pollDecision(), schedule("a"))
	task := h.pollActivity()
	h.respond(mustTask(t, h, ""), cancelActivity("a"))
	h.must(h.eng.CompleteActivity(h.ctx, task.TaskToken, "finished anyway"))
	if got := h.historyText(runID); !contains(got, `12 ActivityTaskCompleted {"result":"finished anyway"`) {
		t.Errorf("history:\n%s\nwant the worker's completion accepted", got)
	}
}

func TestEngine_CancelActivityNotStarted(t *testing.T) {
	h := newHarness(t)
	runID := h.start("w")
	h.respond(h.pollDecision(), schedule("a"), cancelActivity("a"))
	h.assertHistory(runID, `
		1 WorkflowExecutionStarted
		2 DecisionTaskScheduled
		3 DecisionTaskStarted
		4 DecisionTaskCompleted
		5 ActivityTaskScheduled {"activityId":"a","activityType":{"name":"act","version":"1"},"decisionTaskCompletedEventId":4,"heartbeatTimeout":"10","input":"in-a","scheduleToCloseTimeout":"NONE","scheduleToStartTimeout":"NONE","startToCloseTimeout":"600","taskList":{"name":"workers"}}
		6 ActivityTaskCancelRequested {"activityId":"a","decisionTaskCompletedEventId":4}
		7 ActivityTaskCanceled {"latestCancelRequestedEventId":6,"scheduledEventId":5,"startedEventId":0}
		8 DecisionTaskScheduled
	`)
	// The cancelled task is never handed out.
	ctx, cancel := h.ctxWithin(100 * time.Millisecond)
	defer cancel()
	if task, _ := h.eng.PollActivity(ctx, domain, actList, "w"); task != nil {
		t.Errorf("PollActivity handed out a cancelled task: %+v", task)
	}
}

func TestEngine_ScheduleActivityFailures(t *testing.T) {
	h := newHarness(t)
	h.must(h.eng.RegisterType(h.ctx, openswf.KindActivityType, engine.RegisterTypeInput{Domain: domain, Name: "bare", Version: "1"}))
	h.must(h.eng.RegisterType(h.ctx, openswf.KindActivityType, engine.RegisterTypeInput{Domain: domain, Name: "old", Version: "1", TaskList: &openswf.TaskList{Name: "x"}}))
	h.must(h.eng.DeprecateType(h.ctx, openswf.KindActivityType, domain, "old", "1"))
	bare := func(id string, mod func(a *openswf.ScheduleActivityTaskAttributes)) openswf.Decision {
		d := schedule(id)
		d.ScheduleActivityTask.ActivityType.Name = "bare"
		mod(d.ScheduleActivityTask)
		return d
	}
	runID := h.start("w")
	missing := schedule("m")
	missing.ScheduleActivityTask.ActivityType.Name = "missing"
	old := schedule("o")
	old.ScheduleActivityTask.ActivityType.Name = "old"
	h.respond(h.pollDecision(),
		missing, old, schedule("a"), schedule("a"),
		bare("b1", func(a *openswf.ScheduleActivityTaskAttributes) {}),
		bare("b2", func(a *openswf.ScheduleActivityTaskAttributes) { a.TaskList = &openswf.TaskList{Name: "l"} }),
		bare("b3", func(a *openswf.ScheduleActivityTaskAttributes) {
			a.TaskList = &openswf.TaskList{Name: "l"}
			a.ScheduleToCloseTimeout = "NONE"
		}),
		bare("b4", func(a *openswf.ScheduleActivityTaskAttributes) {
			a.TaskList = &openswf.TaskList{Name: "l"}
			a.ScheduleToCloseTimeout, a.ScheduleToStartTimeout = "NONE", "NONE"
		}),
		bare("b5", func(a *openswf.ScheduleActivityTaskAttributes) {
			a.TaskList = &openswf.TaskList{Name: "l"}
			a.ScheduleToCloseTimeout, a.ScheduleToStartTimeout, a.StartToCloseTimeout = "NONE", "NONE", "NONE"
		}),
		cancelActivity("nope"),
	)
	h.assertHistory(runID, `
		1 WorkflowExecutionStarted
		2 DecisionTaskScheduled
		3 DecisionTaskStarted
		4 DecisionTaskCompleted
		5 ScheduleActivityTaskFailed {"activityId":"m","activityType":{"name":"missing","version":"1"},"cause":"ACTIVITY_TYPE_DOES_NOT_EXIST","decisionTaskCompletedEventId":4}
		6 ScheduleActivityTaskFailed {"activityId":"o","activityType":{"name":"old","version":"1"},"cause":"ACTIVITY_TYPE_DEPRECATED","decisionTaskCompletedEventId":4}
		7 ActivityTaskScheduled {"activityId":"a","activityType":{"name":"act","version":"1"},"decisionTaskCompletedEventId":4,"heartbeatTimeout":"10","input":"in-a","scheduleToCloseTimeout":"NONE","scheduleToStartTimeout":"NONE","startToCloseTimeout":"600","taskList":{"name":"workers"}}
		8 ScheduleActivityTaskFailed {"activityId":"a","activityType":{"name":"act","version":"1"},"cause":"ACTIVITY_ID_ALREADY_IN_USE","decisionTaskCompletedEventId":4}
		9 ScheduleActivityTaskFailed {"activityId":"b1","activityType":{"name":"bare","version":"1"},"cause":"DEFAULT_TASK_LIST_UNDEFINED","decisionTaskCompletedEventId":4}
		10 ScheduleActivityTaskFailed {"activityId":"b2","activityType":{"name":"bare","version":"1"},"cause":"DEFAULT_SCHEDULE_TO_CLOSE_TIMEOUT_UNDEFINED","decisionTaskCompletedEventId":4}
		11 ScheduleActivityTaskFailed {"activityId":"b3","activityType":{"name":"bare","version":"1"},"cause":"DEFAULT_SCHEDULE_TO_START_TIMEOUT_UNDEFINED","decisionTaskCompletedEventId":4}
		12 ScheduleActivityTaskFailed {"activityId":"b4","activityType":{"name":"bare","version":"1"},"cause":"DEFAULT_START_TO_CLOSE_TIMEOUT_UNDEFINED","decisionTaskCompletedEventId":4}
		13 ActivityTaskScheduled {"activityId":"b5","activityType":{"name":"bare","version":"1"},"decisionTaskCompletedEventId":4,"input":"in-b5","scheduleToCloseTimeout":"NONE","scheduleToStartTimeout":"NONE","startToCloseTimeout":"NONE","taskList":{"name":"l"}}
		14 RequestCancelActivityTaskFailed {"activityId":"nope","cause":"ACTIVITY_ID_UNKNOWN","decisionTaskCompletedEventId":4}
		15 DecisionTaskScheduled
	`)
}

func TestEngine_OpenActivitiesLimit(t *testing.T) {
	h := newHarness(t)
	runID := h.start("w")
	ds := make([]openswf.Decision, 0, 1001)
	for i := range 1001 {
		ds = append(ds, schedule("a"+itoa(i)))
	}
	h.respond(h.pollDecision(), ds...)
	got := h.historyText(runID)
	if !contains(got, `1005 ScheduleActivityTaskFailed {"activityId":"a1000","activityType":{"name":"act","version":"1"},"cause":"OPEN_ACTIVITIES_LIMIT_EXCEEDED"`) {
		t.Errorf("the 1001st activity was not refused with OPEN_ACTIVITIES_LIMIT_EXCEEDED; history tail:\n%s", tail(got, 3))
	}
	if n := len(h.describe(runID).Activities); n != 1000 {
		t.Errorf("open activities = %d, want 1000", n)
	}
}

func TestEngine_Timers(t *testing.T) {
	h := newHarness(t)
	runID := h.start("w")
	h.respond(h.pollDecision(), startTimer("t1", "60"), startTimer("t2", "30"), startTimer("t1", "5"), cancelTimer("t2"), cancelTimer("t3"),
		openswf.Decision{Type: openswf.DecisionRecordMarker, RecordMarker: &openswf.RecordMarkerAttributes{MarkerName: "m", Details: "v"}})
	h.advance(59 * time.Second)
	if got := h.historyText(runID); contains(got, "TimerFired") {
		t.Fatalf("timer fired early:\n%s", got)
	}
	h.advance(1 * time.Second)
	h.assertHistory(runID, `
		1 WorkflowExecutionStarted
		2 DecisionTaskScheduled
		3 DecisionTaskStarted
		4 DecisionTaskCompleted
		5 TimerStarted {"decisionTaskCompletedEventId":4,"startToFireTimeout":"60","timerId":"t1"}
		6 TimerStarted {"decisionTaskCompletedEventId":4,"startToFireTimeout":"30","timerId":"t2"}
		7 StartTimerFailed {"cause":"TIMER_ID_ALREADY_IN_USE","decisionTaskCompletedEventId":4,"timerId":"t1"}
		8 TimerCanceled {"decisionTaskCompletedEventId":4,"startedEventId":6,"timerId":"t2"}
		9 CancelTimerFailed {"cause":"TIMER_ID_UNKNOWN","decisionTaskCompletedEventId":4,"timerId":"t3"}
		10 MarkerRecorded {"decisionTaskCompletedEventId":4,"details":"v","markerName":"m"}
		11 DecisionTaskScheduled
		12 TimerFired {"startedEventId":5,"timerId":"t1"}
	`)
}

func TestEngine_OpenTimersLimit(t *testing.T) {
	h := newHarness(t)
	runID := h.start("w")
	ds := make([]openswf.Decision, 0, 1001)
	for i := range 1001 {
		ds = append(ds, startTimer("t"+itoa(i), "100"))
	}
	h.respond(h.pollDecision(), ds...)
	if got := h.historyText(runID); !contains(got, `StartTimerFailed {"cause":"OPEN_TIMERS_LIMIT_EXCEEDED","decisionTaskCompletedEventId":4,"timerId":"t1000"}`) {
		t.Errorf("the 1001st timer was not refused; history tail:\n%s", tail(got, 3))
	}
}

func TestEngine_UnhandledDecision(t *testing.T) {
	for _, tc := range []struct {
		name     string
		decision openswf.Decision
		failed   string
	}{
		{"Complete", complete("r"), "CompleteWorkflowExecutionFailed"},
		{"Fail", openswf.Decision{Type: openswf.DecisionFailWorkflowExecution, FailWorkflowExecution: &openswf.FailWorkflowExecutionAttributes{Reason: "r"}}, "FailWorkflowExecutionFailed"},
		{"Cancel", openswf.Decision{Type: openswf.DecisionCancelWorkflowExecution, CancelWorkflowExecution: &openswf.CancelWorkflowExecutionAttributes{}}, "CancelWorkflowExecutionFailed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			runID := h.start("w")
			task := h.pollDecision()
			// A signal arrives while the decider works: closing the run now would drop it.
			h.must(h.eng.Signal(h.ctx, engine.SignalInput{Domain: domain, WorkflowID: "w", SignalName: "late"}))
			h.respond(task, tc.decision)
			h.assertHistory(runID, `
				1 WorkflowExecutionStarted
				2 DecisionTaskScheduled
				3 DecisionTaskStarted
				4 WorkflowExecutionSignaled {"signalName":"late"}
				5 DecisionTaskCompleted
				6 `+tc.failed+` {"cause":"UNHANDLED_DECISION","decisionTaskCompletedEventId":5}
				7 DecisionTaskScheduled
			`)
			if !h.describe(runID).Open {
				t.Errorf("run closed despite an unhandled event")
			}
			// With the signal seen, the same decision closes the run.
			h.respond(h.pollDecision(), tc.decision)
			if h.describe(runID).Open {
				t.Errorf("run still open after the decider saw every event")
			}
		})
	}
}

func TestEngine_CloseDecisions(t *testing.T) {
	for _, tc := range []struct {
		decision openswf.Decision
		status   string
		event    string
	}{
		{openswf.Decision{Type: openswf.DecisionFailWorkflowExecution, FailWorkflowExecution: &openswf.FailWorkflowExecutionAttributes{Reason: "r", Details: "d"}},
			openswf.CloseFailed, `WorkflowExecutionFailed {"decisionTaskCompletedEventId":4,"details":"d","reason":"r"}`},
		{openswf.Decision{Type: openswf.DecisionCancelWorkflowExecution, CancelWorkflowExecution: &openswf.CancelWorkflowExecutionAttributes{Details: "d"}},
			openswf.CloseCanceled, `WorkflowExecutionCanceled {"decisionTaskCompletedEventId":4,"details":"d"}`},
	} {
		t.Run(tc.status, func(t *testing.T) {
			h := newHarness(t)
			runID := h.start("w")
			h.respond(h.pollDecision(), tc.decision, schedule("after-close"))
			h.assertHistory(runID, `
				1 WorkflowExecutionStarted
				2 DecisionTaskScheduled
				3 DecisionTaskStarted
				4 DecisionTaskCompleted
				5 `+tc.event+`
			`)
			if x := h.describe(runID); x.Open || x.CloseStatus != tc.status {
				t.Errorf("open=%v status=%q, want closed %s", x.Open, x.CloseStatus, tc.status)
			}
		})
	}
}

func TestEngine_SignalCancelTerminate(t *testing.T) {
	h := newHarness(t)
	runID := h.start("w")
	h.must(h.eng.Signal(h.ctx, engine.SignalInput{Domain: domain, WorkflowID: "w", SignalName: "s", Input: "i"}))
	h.must(h.eng.RequestCancel(h.ctx, domain, "w", ""))
	h.must(h.eng.Terminate(h.ctx, engine.TerminateInput{Domain: domain, WorkflowID: "w", RunID: runID, Reason: "r", Details: "d"}))
	h.assertHistory(runID, `
		1 WorkflowExecutionStarted
		2 DecisionTaskScheduled
		3 WorkflowExecutionSignaled {"input":"i","signalName":"s"}
		4 WorkflowExecutionCancelRequested
		5 WorkflowExecutionTerminated {"cause":"OPERATOR_INITIATED","childPolicy":"TERMINATE","details":"d","reason":"r"}
	`)
	x := h.describe(runID)
	if x.Open || x.CloseStatus != openswf.CloseTerminated || !x.CancelRequested {
		t.Errorf("open=%v status=%q cancelRequested=%v", x.Open, x.CloseStatus, x.CancelRequested)
	}
	wantKind(t, h.eng.Signal(h.ctx, engine.SignalInput{Domain: domain, WorkflowID: "w", SignalName: "s"}), openswf.KindUnknownResource)
	// The decision task scheduled before the run closed is gone with it.
	if n, _ := h.eng.CountPending(h.ctx, openswf.TaskDecision, domain, wfList); n != 0 {
		t.Errorf("pending decision tasks = %d, want 0", n)
	}
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b []byte
	for ; i > 0; i /= 10 {
		b = append([]byte{byte('0' + i%10)}, b...)
	}
	return string(b)
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

func TestEngine_DecisionTaskListOverride(t *testing.T) {
	h := newHarness(t)
	runID := h.start("w")
	h.must(h.eng.RespondDecision(h.ctx, engine.RespondDecisionInput{
		TaskToken: h.pollDecision().TaskToken, TaskList: &openswf.TaskList{Name: "moved"},
		Decisions: []openswf.Decision{startTimer("t", "1")},
	}))
	h.advance(time.Second)
	// The decision task the timer schedules waits on the new list, not the run's original one.
	if n, _ := h.eng.CountPending(h.ctx, openswf.TaskDecision, domain, wfList); n != 0 {
		t.Errorf("pending decision tasks on %s = %d, want 0", wfList, n)
	}
	task := h.pollDecisionOn("moved")
	if task.Execution.RunID != runID {
		t.Errorf("decision task for %s, want %s", task.Execution.RunID, runID)
	}
	if got := h.historyText(runID); !contains(got, "5 TimerStarted") {
		t.Errorf("history:\n%s", got)
	}
	if x := h.describe(runID); x.TaskList != "moved" {
		t.Errorf("run's task list = %q, want moved", x.TaskList)
	}
}
