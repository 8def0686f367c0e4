package e2e

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/swf"
	"github.com/aws/aws-sdk-go-v2/service/swf/types"
)

// startActivity starts a run, schedules one activity a1 in its first decision task with the given changes,
// and hands the activity to a worker.
func (e *env) startActivity(workflowID string, set ...func(*types.ScheduleActivityTaskDecisionAttributes)) (*types.WorkflowExecution, *swf.PollForActivityTaskOutput) {
	e.t.Helper()
	exec := e.start(workflowID)
	d := e.pollDecision()
	e.decide(d.TaskToken, e.scheduleActivity("a1", "input of a1", set...))
	return exec, e.pollActivity(activityList)
}

// TestSWF_HeartbeatTimeout lets a worker fall silent after one heartbeat: the task times out on its heartbeat
// timeout with the heartbeat's details, and the worker's token stops working.
func TestSWF_HeartbeatTimeout(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "e2e-heartbeat-timeout", defaultHold)
	ctx := t.Context()
	exec, at := e.startActivity("hb-1", func(a *types.ScheduleActivityTaskDecisionAttributes) {
		a.HeartbeatTimeout = aws.String("1")
		a.StartToCloseTimeout = aws.String("600")
	})
	beat := time.Now() // the server records the heartbeat after this
	if e.heartbeat(at.TaskToken, "50%") {
		t.Errorf("heartbeat: got cancelRequested true, want false")
	}

	ev := e.waitEvent(exec, types.EventTypeActivityTaskTimedOut)
	to := ev.ActivityTaskTimedOutEventAttributes
	equal(t, "timeoutType", to.TimeoutType, types.ActivityTaskTimeoutTypeHeartbeat)
	equal(t, "details", aws.ToString(to.Details), "50%")
	equal(t, "scheduledEventId", to.ScheduledEventId, 5)
	equal(t, "startedEventId", to.StartedEventId, at.StartedEventId)
	// The heartbeat restarted the clock: the timeout comes a full heartbeat timeout after it (less a
	// millisecond: event timestamps are truncated to milliseconds).
	if got := ev.EventTimestamp.Sub(beat); got < 999*time.Millisecond {
		t.Errorf("timed out %v after the heartbeat, want at least the 1 s heartbeat timeout", got)
	}

	_, err := e.c.RecordActivityTaskHeartbeat(ctx, &swf.RecordActivityTaskHeartbeatInput{TaskToken: at.TaskToken, Details: aws.String("late")})
	wantFault[*types.UnknownResourceFault](t, "heartbeat after the timeout", err)
	_, err = e.c.RespondActivityTaskCompleted(ctx, &swf.RespondActivityTaskCompletedInput{TaskToken: at.TaskToken, Result: aws.String("late")})
	wantFault[*types.UnknownResourceFault](t, "RespondActivityTaskCompleted after the timeout", err)

	// The timeout woke the decider, and the late calls added nothing.
	d := e.pollDecision()
	eventByType(t, d.Events, types.EventTypeActivityTaskTimedOut)
	wantHistory(t, e.history(exec), `
1 WorkflowExecutionStarted
2 DecisionTaskScheduled
3 DecisionTaskStarted
4 DecisionTaskCompleted
5 ActivityTaskScheduled
6 ActivityTaskStarted
7 ActivityTaskTimedOut
8 DecisionTaskScheduled
9 DecisionTaskStarted
`)
}

// TestSWF_StartToCloseTimeoutDespiteHeartbeats heartbeats well within the heartbeat timeout until the
// server refuses: the start-to-close timeout caps the attempt anyway and reports the last accepted details.
func TestSWF_StartToCloseTimeoutDespiteHeartbeats(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "e2e-start-to-close", defaultHold)
	exec, at := e.startActivity("stc-1", func(a *types.ScheduleActivityTaskDecisionAttributes) {
		a.StartToCloseTimeout = aws.String("2")
		a.HeartbeatTimeout = aws.String("1")
	})
	started := *eventByType(t, e.history(exec), types.EventTypeActivityTaskStarted).EventTimestamp

	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	var last string
	accepted := 0
	for {
		details := fmt.Sprintf("beat %d ✓", accepted+1)
		_, err := e.c.RecordActivityTaskHeartbeat(t.Context(), &swf.RecordActivityTaskHeartbeatInput{
			TaskToken: at.TaskToken, Details: aws.String(details),
		})
		var unknown *types.UnknownResourceFault
		if errors.As(err, &unknown) {
			break
		}
		if err != nil {
			t.Fatalf("heartbeat %q: %v", details, err)
		}
		last, accepted = details, accepted+1
		if time.Since(started) > waitFor {
			t.Fatalf("heartbeats still accepted %v after the start, want refusal after the 2 s start-to-close timeout", waitFor)
		}
		<-tick.C
	}
	// Heartbeats kept the 1 s heartbeat timeout from firing: the refusal came only after start-to-close
	// (less a millisecond: event timestamps are truncated to milliseconds).
	if got := time.Since(started); got < 1999*time.Millisecond {
		t.Errorf("heartbeat refused %v after the start, want at least the 2 s start-to-close timeout", got)
	}
	if accepted < 5 {
		t.Errorf("accepted %d heartbeats, want at least 5 in 2 s at one per 200 ms", accepted)
	}

	to := e.waitEvent(exec, types.EventTypeActivityTaskTimedOut).ActivityTaskTimedOutEventAttributes
	equal(t, "timeoutType", to.TimeoutType, types.ActivityTaskTimeoutTypeStartToClose)
	equal(t, "details (last accepted heartbeat)", aws.ToString(to.Details), last)
	equal(t, "scheduledEventId", to.ScheduledEventId, 5)
	equal(t, "startedEventId", to.StartedEventId, at.StartedEventId)
}

// TestSWF_CancelThroughHeartbeat requests cancellation of a started activity: the worker learns of it from
// its next heartbeat and answers RespondActivityTaskCanceled, which the decider then sees.
func TestSWF_CancelThroughHeartbeat(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "e2e-cancel-heartbeat", defaultHold)
	ctx := t.Context()
	exec, at := e.startActivity("cancel-1")
	if e.heartbeat(at.TaskToken, "working") {
		t.Fatalf("heartbeat before the request: got cancelRequested true, want false")
	}

	// A started activity does not wake the decider; a signal does.
	e.signal(exec, "stop", "")
	d := e.pollDecision()
	e.decide(d.TaskToken, types.Decision{
		DecisionType: types.DecisionTypeRequestCancelActivityTask,
		RequestCancelActivityTaskDecisionAttributes: &types.RequestCancelActivityTaskDecisionAttributes{
			ActivityId: aws.String("a1"),
		},
	})
	if !e.heartbeat(at.TaskToken, "stopping") {
		t.Fatalf("heartbeat after the request: got cancelRequested false, want true")
	}
	if _, err := e.c.RespondActivityTaskCanceled(ctx, &swf.RespondActivityTaskCanceledInput{
		TaskToken: at.TaskToken, Details: aws.String("rolled back"),
	}); err != nil {
		t.Fatalf("RespondActivityTaskCanceled: %v", err)
	}
	_, err := e.c.RecordActivityTaskHeartbeat(ctx, &swf.RecordActivityTaskHeartbeatInput{TaskToken: at.TaskToken})
	wantFault[*types.UnknownResourceFault](t, "heartbeat after RespondActivityTaskCanceled", err)

	d = e.pollDecision()
	var fresh []types.HistoryEvent
	for _, ev := range d.Events {
		if ev.EventId > d.PreviousStartedEventId {
			fresh = append(fresh, ev)
		}
	}
	wantHistory(t, fresh, `
10 DecisionTaskCompleted
11 ActivityTaskCancelRequested
12 ActivityTaskCanceled
13 DecisionTaskScheduled
14 DecisionTaskStarted
`)
	req := eventByType(t, d.Events, types.EventTypeActivityTaskCancelRequested).ActivityTaskCancelRequestedEventAttributes
	equal(t, "ActivityTaskCancelRequested activityId", aws.ToString(req.ActivityId), "a1")
	equal(t, "ActivityTaskCancelRequested decisionTaskCompletedEventId", req.DecisionTaskCompletedEventId, 10)
	canceled := eventByType(t, d.Events, types.EventTypeActivityTaskCanceled).ActivityTaskCanceledEventAttributes
	equal(t, "ActivityTaskCanceled details", aws.ToString(canceled.Details), "rolled back")
	equal(t, "ActivityTaskCanceled scheduledEventId", canceled.ScheduledEventId, 5)
	equal(t, "ActivityTaskCanceled startedEventId", canceled.StartedEventId, at.StartedEventId)
	equal(t, "ActivityTaskCanceled latestCancelRequestedEventId", canceled.LatestCancelRequestedEventId, 11)
	equal(t, "open activities", e.describe(exec).OpenCounts.OpenActivityTasks, 0)
}

// TestSWF_CancelBeforeStart requests cancellation of an activity no worker has taken: it is canceled at
// once, and no worker ever gets it.
func TestSWF_CancelBeforeStart(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "e2e-cancel-before-start", defaultHold)
	ctx := t.Context()
	exec := e.start("cancel-2")
	d := e.pollDecision()
	e.decide(d.TaskToken, e.scheduleActivity("a1", "", func(a *types.ScheduleActivityTaskDecisionAttributes) {
		a.TaskList = &types.TaskList{Name: aws.String("nobody-polls")}
	}))
	count, err := e.c.CountPendingActivityTasks(ctx, &swf.CountPendingActivityTasksInput{
		Domain: aws.String(e.domain), TaskList: &types.TaskList{Name: aws.String("nobody-polls")},
	})
	if err != nil {
		t.Fatalf("CountPendingActivityTasks: %v", err)
	}
	equal(t, "pending activity tasks before the cancel", count.Count, 1)

	e.signal(exec, "stop", "")
	d = e.pollDecision()
	e.decide(d.TaskToken, types.Decision{
		DecisionType: types.DecisionTypeRequestCancelActivityTask,
		RequestCancelActivityTaskDecisionAttributes: &types.RequestCancelActivityTaskDecisionAttributes{
			ActivityId: aws.String("a1"),
		},
	})

	// The cancellation is itself news for the decider: a decision task follows at once.
	d = e.pollDecision()
	canceled := eventByType(t, d.Events, types.EventTypeActivityTaskCanceled).ActivityTaskCanceledEventAttributes
	equal(t, "ActivityTaskCanceled scheduledEventId", canceled.ScheduledEventId, 5)
	equal(t, "ActivityTaskCanceled startedEventId", canceled.StartedEventId, 0)
	equal(t, "ActivityTaskCanceled latestCancelRequestedEventId", canceled.LatestCancelRequestedEventId, 10)
	wantHistory(t, e.history(exec), `
1 WorkflowExecutionStarted
2 DecisionTaskScheduled
3 DecisionTaskStarted
4 DecisionTaskCompleted
5 ActivityTaskScheduled
6 WorkflowExecutionSignaled
7 DecisionTaskScheduled
8 DecisionTaskStarted
9 DecisionTaskCompleted
10 ActivityTaskCancelRequested
11 ActivityTaskCanceled
12 DecisionTaskScheduled
13 DecisionTaskStarted
`)

	count, err = e.c.CountPendingActivityTasks(ctx, &swf.CountPendingActivityTasksInput{
		Domain: aws.String(e.domain), TaskList: &types.TaskList{Name: aws.String("nobody-polls")},
	})
	if err != nil {
		t.Fatalf("CountPendingActivityTasks: %v", err)
	}
	equal(t, "pending activity tasks after the cancel", count.Count, 0)
	poll, err := e.c.PollForActivityTask(ctx, &swf.PollForActivityTaskInput{
		Domain: aws.String(e.domain), TaskList: &types.TaskList{Name: aws.String("nobody-polls")},
	})
	if err != nil {
		t.Fatalf("PollForActivityTask: %v", err)
	}
	if poll.TaskToken != nil {
		t.Errorf("PollForActivityTask after the cancel: got activity %s, want no task", aws.ToString(poll.ActivityId))
	}
}

// TestSWF_ActivityTimeouts lets the other activity timeouts fire: a heartbeat timeout with no heartbeat at
// all (no details), a schedule-to-start timeout on a task list nobody polls (never started), and a
// schedule-to-close timeout on a task a worker holds.
func TestSWF_ActivityTimeouts(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "e2e-activity-timeouts", defaultHold)
	exec := e.start("timeouts-1")
	d := e.pollDecision()
	e.decide(d.TaskToken,
		e.scheduleActivity("silent", "", func(a *types.ScheduleActivityTaskDecisionAttributes) {
			a.TaskList = &types.TaskList{Name: aws.String("silent")}
			a.HeartbeatTimeout = aws.String("1")
		}),
		e.scheduleActivity("unclaimed", "", func(a *types.ScheduleActivityTaskDecisionAttributes) {
			a.TaskList = &types.TaskList{Name: aws.String("nobody-polls")}
			a.ScheduleToStartTimeout = aws.String("1")
		}),
		e.scheduleActivity("slow", "", func(a *types.ScheduleActivityTaskDecisionAttributes) {
			a.TaskList = &types.TaskList{Name: aws.String("slow")}
			a.ScheduleToCloseTimeout = aws.String("2")
		}),
	)
	silent := e.pollActivity("silent")
	slow := e.pollActivity("slow")
	scheduledID := map[string]int64{}
	for _, ev := range e.history(exec) {
		if a := ev.ActivityTaskScheduledEventAttributes; a != nil {
			scheduledID[aws.ToString(a.ActivityId)] = ev.EventId
		}
	}

	evs := e.waitHistory(exec, "three ActivityTaskTimedOut events", func(evs []types.HistoryEvent) bool {
		n := 0
		for _, ev := range evs {
			if ev.EventType == types.EventTypeActivityTaskTimedOut {
				n++
			}
		}
		return n == 3
	})
	timedOut := map[int64]*types.ActivityTaskTimedOutEventAttributes{}
	for _, ev := range evs {
		if a := ev.ActivityTaskTimedOutEventAttributes; a != nil {
			timedOut[a.ScheduledEventId] = a
		}
	}
	for _, c := range []struct {
		activity string
		typ      types.ActivityTaskTimeoutType
		started  int64
	}{
		{"silent", types.ActivityTaskTimeoutTypeHeartbeat, silent.StartedEventId},
		{"unclaimed", types.ActivityTaskTimeoutTypeScheduleToStart, 0},
		{"slow", types.ActivityTaskTimeoutTypeScheduleToClose, slow.StartedEventId},
	} {
		to := timedOut[scheduledID[c.activity]]
		if to == nil {
			t.Errorf("%s: no ActivityTaskTimedOut for scheduledEventId %d", c.activity, scheduledID[c.activity])
			continue
		}
		equal(t, c.activity+" timeoutType", to.TimeoutType, c.typ)
		equal(t, c.activity+" startedEventId", to.StartedEventId, c.started)
		if to.Details != nil {
			t.Errorf("%s details: got %q, want none (no heartbeat was sent)", c.activity, *to.Details)
		}
	}
	_, err := e.c.RespondActivityTaskCompleted(t.Context(), &swf.RespondActivityTaskCompletedInput{TaskToken: slow.TaskToken})
	wantFault[*types.UnknownResourceFault](t, "RespondActivityTaskCompleted after schedule-to-close", err)
	equal(t, "open activities", e.describe(exec).OpenCounts.OpenActivityTasks, 0)
}

// TestSWF_ActivityTaskFailed has the worker report a failure, which the decider sees with its reason.
func TestSWF_ActivityTaskFailed(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "e2e-activity-failed", defaultHold)
	_, at := e.startActivity("failed-1")
	if _, err := e.c.RespondActivityTaskFailed(t.Context(), &swf.RespondActivityTaskFailedInput{
		TaskToken: at.TaskToken, Reason: aws.String("boom"), Details: aws.String("stack trace"),
	}); err != nil {
		t.Fatalf("RespondActivityTaskFailed: %v", err)
	}
	d := e.pollDecision()
	failed := eventByType(t, d.Events, types.EventTypeActivityTaskFailed).ActivityTaskFailedEventAttributes
	equal(t, "reason", aws.ToString(failed.Reason), "boom")
	equal(t, "details", aws.ToString(failed.Details), "stack trace")
	equal(t, "scheduledEventId", failed.ScheduledEventId, 5)
	equal(t, "startedEventId", failed.StartedEventId, at.StartedEventId)
	_, err := e.c.RespondActivityTaskFailed(t.Context(), &swf.RespondActivityTaskFailedInput{TaskToken: at.TaskToken})
	wantFault[*types.UnknownResourceFault](t, "RespondActivityTaskFailed twice", err)
}

// TestSWF_Validation checks the limits and the token checks a worker meets: the details length limit, forged
// and altered tokens, unknown domains, and the name rules.
func TestSWF_Validation(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "e2e-validation", defaultHold)
	ctx := t.Context()
	_, at := e.startActivity("validation-1")
	token := aws.ToString(at.TaskToken)

	_, err := e.c.RecordActivityTaskHeartbeat(ctx, &swf.RecordActivityTaskHeartbeatInput{
		TaskToken: at.TaskToken, Details: aws.String(strings.Repeat("x", 2049)),
	})
	ae := wantAPIError(t, "heartbeat with 2049 characters of details", err, "ValidationException")
	if !strings.Contains(ae.ErrorMessage(), "details") {
		t.Errorf("ValidationException message: got %q, want it to name details", ae.ErrorMessage())
	}
	// The SDK finds the request id of a fault.
	var re *awshttp.ResponseError
	if !errors.As(err, &re) || re.ServiceRequestID() == "" {
		t.Errorf("ValidationException: got no service request id in %v", err)
	}
	e.heartbeat(at.TaskToken, strings.Repeat("x", 2048))
	// The limit counts characters, not bytes.
	e.heartbeat(at.TaskToken, strings.Repeat("é", 2048))

	forged := make([]byte, 48)
	if _, err := rand.Read(forged); err != nil {
		t.Fatalf("read random: %v", err)
	}
	_, err = e.c.RecordActivityTaskHeartbeat(ctx, &swf.RecordActivityTaskHeartbeatInput{
		TaskToken: aws.String(base64.RawURLEncoding.EncodeToString(forged)),
	})
	wantFault[*types.UnknownResourceFault](t, "heartbeat with a random token", err)

	// Change one character in the middle of the real token, keeping it valid base64url.
	mid := len(token) / 2
	swap := byte('A')
	if token[mid] == 'A' {
		swap = 'B'
	}
	altered := token[:mid] + string(swap) + token[mid+1:]
	_, err = e.c.RecordActivityTaskHeartbeat(ctx, &swf.RecordActivityTaskHeartbeatInput{TaskToken: aws.String(altered)})
	wantFault[*types.UnknownResourceFault](t, "heartbeat with an altered token", err)
	_, err = e.c.RespondActivityTaskCompleted(ctx, &swf.RespondActivityTaskCompletedInput{TaskToken: aws.String(altered)})
	wantFault[*types.UnknownResourceFault](t, "RespondActivityTaskCompleted with an altered token", err)
	// An activity token is no decision token.
	_, err = e.c.RespondDecisionTaskCompleted(ctx, &swf.RespondDecisionTaskCompletedInput{TaskToken: at.TaskToken})
	wantFault[*types.UnknownResourceFault](t, "RespondDecisionTaskCompleted with an activity token", err)
	// None of that hurt the real token.
	e.heartbeat(at.TaskToken, "still here")

	unknown := aws.String("e2e-no-such-domain")
	_, err = e.c.PollForActivityTask(ctx, &swf.PollForActivityTaskInput{Domain: unknown, TaskList: &types.TaskList{Name: aws.String(activityList)}})
	wantFault[*types.UnknownResourceFault](t, "PollForActivityTask in an unknown domain", err)
	_, err = e.c.DescribeDomain(ctx, &swf.DescribeDomainInput{Name: unknown})
	wantFault[*types.UnknownResourceFault](t, "DescribeDomain of an unknown domain", err)
	_, err = e.c.StartWorkflowExecution(ctx, &swf.StartWorkflowExecutionInput{
		Domain: unknown, WorkflowId: aws.String("w"), WorkflowType: e.wfType,
	})
	wantFault[*types.UnknownResourceFault](t, "StartWorkflowExecution in an unknown domain", err)
	_, err = e.c.StartWorkflowExecution(ctx, &swf.StartWorkflowExecutionInput{
		Domain: aws.String(e.domain), WorkflowId: aws.String("w"),
		WorkflowType: &types.WorkflowType{Name: aws.String("no-such-type"), Version: aws.String("1")},
	})
	wantFault[*types.UnknownResourceFault](t, "StartWorkflowExecution of an unknown type", err)

	_, err = e.c.StartWorkflowExecution(ctx, &swf.StartWorkflowExecutionInput{
		Domain: aws.String(e.domain), WorkflowId: aws.String("a:b"), WorkflowType: e.wfType,
	})
	ae = wantAPIError(t, "StartWorkflowExecution with ':' in the workflow id", err, "ValidationException")
	if !strings.Contains(ae.ErrorMessage(), "workflowId") {
		t.Errorf("ValidationException message: got %q, want it to name workflowId", ae.ErrorMessage())
	}
	_, err = e.c.StartWorkflowExecution(ctx, &swf.StartWorkflowExecutionInput{
		Domain: aws.String(e.domain), WorkflowId: aws.String("w"), WorkflowType: e.wfType,
		ExecutionStartToCloseTimeout: aws.String("soon"),
	})
	wantAPIError(t, "StartWorkflowExecution with a non-numeric timeout", err, "ValidationException")
}

// TestSWF_ScheduleActivityTaskFailed makes ScheduleActivityTask decisions the server cannot carry out: each
// records ScheduleActivityTaskFailed with its cause, and the decider is called back.
func TestSWF_ScheduleActivityTaskFailed(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "e2e-schedule-failed", defaultHold)
	bare := &types.ActivityType{Name: aws.String("bare"), Version: aws.String("1")}
	if _, err := e.c.RegisterActivityType(t.Context(), &swf.RegisterActivityTypeInput{
		Domain: aws.String(e.domain), Name: bare.Name, Version: bare.Version,
	}); err != nil {
		t.Fatalf("RegisterActivityType(bare): %v", err)
	}
	exec := e.start("sched-fail-1")
	d := e.pollDecision()
	e.decide(d.TaskToken,
		e.scheduleActivity("a1", ""),
		e.scheduleActivity("a1", ""),
		e.scheduleActivity("unknown-type", "", func(a *types.ScheduleActivityTaskDecisionAttributes) {
			a.ActivityType = &types.ActivityType{Name: aws.String("no-such-activity"), Version: aws.String("1")}
		}),
		e.scheduleActivity("no-task-list", "", func(a *types.ScheduleActivityTaskDecisionAttributes) {
			a.ActivityType = bare
		}),
		e.scheduleActivity("no-timeouts", "", func(a *types.ScheduleActivityTaskDecisionAttributes) {
			a.ActivityType = bare
			a.TaskList = &types.TaskList{Name: aws.String(activityList)}
		}),
	)
	d = e.pollDecision()
	causes := map[string]types.ScheduleActivityTaskFailedCause{}
	for _, ev := range d.Events {
		if a := ev.ScheduleActivityTaskFailedEventAttributes; a != nil {
			causes[aws.ToString(a.ActivityId)] = a.Cause
			equal(t, "decisionTaskCompletedEventId", a.DecisionTaskCompletedEventId, 4)
		}
	}
	want := map[string]types.ScheduleActivityTaskFailedCause{
		"a1":           types.ScheduleActivityTaskFailedCauseActivityIdAlreadyInUse,
		"unknown-type": types.ScheduleActivityTaskFailedCauseActivityTypeDoesNotExist,
		"no-task-list": types.ScheduleActivityTaskFailedCauseDefaultTaskListUndefined,
		"no-timeouts":  types.ScheduleActivityTaskFailedCauseDefaultScheduleToCloseTimeoutUndefined,
	}
	if !maps.Equal(causes, want) {
		t.Errorf("ScheduleActivityTaskFailed causes:\ngot  %v\nwant %v", causes, want)
	}
	equal(t, "open activities", e.describe(exec).OpenCounts.OpenActivityTasks, 1)
}
