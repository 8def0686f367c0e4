package engine

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/openswf/openswf"
)

const purposeDecisionPage byte = 'p'

// PollDecisionInput asks for a decision task (SWF's PollForDecisionTask), or for the next history page of
// one already started. Like every request of the engine it is no wire shape: each API decodes its own.
type PollDecisionInput struct {
	Domain                      string
	TaskList                    openswf.TaskList
	Identity                    string
	NextPageToken               string
	PageSize                    int
	Reverse                     bool
	StartAtPreviousStartedEvent bool
}

// DecisionTask is a decision task handed to a decider, with one page of its history.
type DecisionTask struct {
	TaskToken              string
	StartedEventID         int64
	Execution              openswf.WorkflowExecution
	Type                   openswf.WorkflowType
	Events                 []openswf.HistoryEvent
	NextPageToken          string
	PreviousStartedEventID int64
}

// PollDecision waits for a decision task on a task list and starts it. It returns nil if none came within
// the poll hold. With a nextPageToken it returns the next history page of the task already started.
func (e *Engine) PollDecision(ctx context.Context, in PollDecisionInput) (*DecisionTask, error) {
	if err := checkName("taskList.name", in.TaskList.Name); err != nil {
		return nil, err
	}
	if in.NextPageToken != "" {
		return e.decisionPage(ctx, in)
	}
	if _, err := e.domain(ctx, in.Domain); err != nil {
		return nil, err
	}
	key := listKey{openswf.TaskDecision, in.Domain, in.TaskList.Name}
	next := e.newPoll(key)
	for {
		p, ok := next(ctx)
		if !ok {
			return nil, nil // the hold ended, the client went away, or the engine is closing
		}
		var task *DecisionTask
		_, err := e.update(ctx, p.RunID, func(t *txn) error {
			d := t.x.Decision
			if !t.x.Open || d.ScheduledID != p.ScheduledID || d.StartedID != 0 {
				return errStale
			}
			id := t.event(openswf.EventDecisionTaskStarted, openswf.DecisionTaskStartedAttributes{
				Identity: in.Identity, ScheduledEventID: d.ScheduledID,
			})
			t.x.Decision.StartedID = id
			t.x.Decision.StartedAt = t.now
			if to, _ := parseTimeout(d.StartToClose); to > 0 {
				t.putTimer(openswf.TimerDecisionStartToClose, d.ScheduledID, t.now.Add(to))
			}
			// The answer is taken here: later transitions of the batch may change the run.
			task = &DecisionTask{
				TaskToken:              e.tokens.taskToken(purposeDecision, taskRef{RunID: t.x.RunID, ScheduledID: d.ScheduledID, StartedID: id, Domain: t.x.Domain}),
				StartedEventID:         id,
				Execution:              t.x.Ref(),
				Type:                   t.x.Type,
				PreviousStartedEventID: t.x.PreviousStartedEventID,
			}
			return nil
		})
		if errors.Is(err, errStale) || openswf.KindOf(err) == openswf.KindUnknownResource {
			continue
		}
		if err != nil {
			e.matcher.add(p) // keep the task for another poller
			return nil, fmt.Errorf("start decision task: %w", err)
		}
		return task, e.fillDecisionPage(ctx, task, in, 0)
	}
}

// fillDecisionPage reads one page of a decision task's history, past cursor.
func (e *Engine) fillDecisionPage(ctx context.Context, task *DecisionTask, in PollDecisionInput, cursor int64) error {
	limit := pageSize(in.PageSize)
	runID := task.Execution.RunID
	var evs []openswf.HistoryEvent
	var err error
	switch {
	case in.Reverse:
		if cursor == 0 {
			cursor = task.StartedEventID + 1
		}
		evs, err = e.store.History(ctx, runID, cursor, limit+1, true)
	default:
		if cursor == 0 && in.StartAtPreviousStartedEvent && task.PreviousStartedEventID > 0 {
			cursor = task.PreviousStartedEventID - 1
		}
		evs, err = e.store.History(ctx, runID, cursor, limit+1, false)
		for i, ev := range evs {
			if ev.ID > task.StartedEventID {
				evs = evs[:i]
				break
			}
		}
	}
	if err != nil {
		return fmt.Errorf("read history: %w", err)
	}
	if len(evs) > limit {
		evs = evs[:limit]
		p := binary.BigEndian.AppendUint64(nil, uint64(evs[limit-1].ID))
		p = binary.BigEndian.AppendUint64(p, uint64(task.StartedEventID))
		p = binary.BigEndian.AppendUint64(p, uint64(task.PreviousStartedEventID))
		if in.Reverse {
			p = append(p, 1)
		} else {
			p = append(p, 0)
		}
		task.NextPageToken = e.tokens.seal(purposeDecisionPage, append(p, runID...))
	}
	task.Events = evs
	return nil
}

// decisionPage answers a PollForDecisionTask that carries a nextPageToken.
func (e *Engine) decisionPage(ctx context.Context, in PollDecisionInput) (*DecisionTask, error) {
	p, err := e.tokens.open(purposeDecisionPage, in.NextPageToken)
	if err != nil || len(p) < 25 || (p[24] == 1) != in.Reverse {
		return nil, validation("Invalid nextPageToken")
	}
	cursor := int64(binary.BigEndian.Uint64(p[0:8]))
	started := int64(binary.BigEndian.Uint64(p[8:16]))
	prev := int64(binary.BigEndian.Uint64(p[16:24]))
	runID := string(p[25:])
	x, err := e.store.GetRun(ctx, runID)
	if errors.Is(err, openswf.ErrNotFound) || (err == nil && x.Domain != in.Domain) {
		return nil, unknown("Unknown execution for nextPageToken")
	}
	if err != nil {
		return nil, fmt.Errorf("load execution: %w", err)
	}
	task := &DecisionTask{
		TaskToken:              e.tokens.taskToken(purposeDecision, taskRef{RunID: runID, ScheduledID: x.Decision.ScheduledID, StartedID: started, Domain: x.Domain}),
		StartedEventID:         started,
		Execution:              x.Ref(),
		Type:                   x.Type,
		PreviousStartedEventID: prev,
	}
	if x.Decision.StartedID != started {
		// The task closed or timed out since the first page; its token no longer works, but the history
		// pages are still served so the decider can finish reading.
		task.TaskToken = e.tokens.taskToken(purposeDecision, taskRef{RunID: runID, ScheduledID: 1, StartedID: started, Domain: x.Domain})
	}
	return task, e.fillDecisionPage(ctx, task, in, cursor)
}

// RespondDecisionInput completes a decision task with its decisions (SWF's RespondDecisionTaskCompleted).
type RespondDecisionInput struct {
	TaskToken                      string
	Decisions                      []openswf.Decision
	ExecutionContext               string
	TaskList                       *openswf.TaskList
	TaskListScheduleToStartTimeout string
	// NotPermitted, when set, holds for each decision whether the decider's principal may not make it (an
	// API's access control decides): such a decision records its …Failed event with the cause
	// OPERATION_NOT_PERMITTED instead of taking effect.
	NotPermitted []bool
}

// RespondDecision completes a decision task and carries out its decisions in order. A decision that cannot
// be carried out records its …Failed event with the cause, as SWF does; input that breaks a documented
// rule is rejected whole before anything changes.
func (e *Engine) RespondDecision(ctx context.Context, in RespondDecisionInput) error {
	ref, err := e.tokens.parseTaskToken(purposeDecision, in.TaskToken)
	if err != nil {
		return unknown("Unknown or invalid task token")
	}
	if err := firstErr(checkTaskList("taskList.name", in.TaskList),
		checkTimeout("taskListScheduleToStartTimeout", in.TaskListScheduleToStartTimeout)); err != nil {
		return err
	}
	for i := range in.Decisions {
		if err := checkDecision(i, &in.Decisions[i]); err != nil {
			return err
		}
	}
	_, err = e.update(ctx, ref.RunID, func(t *txn) error {
		x := t.x
		if !x.Open || x.Decision.ScheduledID != ref.ScheduledID || x.Decision.StartedID != ref.StartedID {
			return unknown("Unknown decision task: it is closed, timed out or was never handed out")
		}
		completed := t.event(openswf.EventDecisionTaskCompleted, openswf.DecisionTaskCompletedAttributes{
			ExecutionContext: in.ExecutionContext, ScheduledEventID: ref.ScheduledID, StartedEventID: ref.StartedID,
			TaskList: in.TaskList, TaskListScheduleToStartTimeout: in.TaskListScheduleToStartTimeout,
		})
		t.deleteTimer(openswf.TimerDecisionStartToClose, ref.ScheduledID)
		x.Decision = openswf.DecisionTaskState{}
		x.PreviousStartedEventID = ref.StartedID
		if in.ExecutionContext != "" {
			x.LatestExecutionContext = in.ExecutionContext
		}
		if in.TaskList != nil {
			// The decider moves the run's future decision tasks to another task list.
			x.TaskList = in.TaskList.Name
		}
		// Events that arrived while the decider worked are unhandled: they forbid closing the run now.
		unhandled := x.PendingDecision
		x.PendingDecision = false
		dc := &decider{txn: t, ctx: ctx, completedID: completed, unhandled: unhandled}
		for i := range in.Decisions {
			if !x.Open || t.historyFull() {
				// Decisions after the one that closed the run have nothing to act on; past the history
				// limit the run is terminated at commit.
				break
			}
			if i < len(in.NotPermitted) && in.NotPermitted[i] {
				dc.deny(&in.Decisions[i])
				continue
			}
			if err := dc.apply(&in.Decisions[i]); err != nil {
				return err
			}
		}
		if x.Open && (unhandled || dc.needDecision) {
			t.scheduleDecision()
		}
		return nil
	})
	return err
}

// decider carries out the decisions of one completed decision task.
type decider struct {
	*txn
	ctx          context.Context
	completedID  int64
	unhandled    bool
	needDecision bool
}

func (d *decider) apply(dec *openswf.Decision) error {
	switch dec.Type {
	case openswf.DecisionScheduleActivityTask:
		return d.scheduleActivity(dec.ScheduleActivityTask)
	case openswf.DecisionRequestCancelActivityTask:
		return d.requestCancelActivity(dec.RequestCancelActivityTask.ActivityID)
	case openswf.DecisionCompleteWorkflowExecution:
		a := dec.CompleteWorkflowExecution
		if d.closeBlocked(openswf.EventCompleteWorkflowExecutionFailed) {
			return nil
		}
		d.event(openswf.EventWorkflowExecutionCompleted, openswf.WorkflowExecutionCompletedAttributes{
			Result: a.Result, DecisionTaskCompletedEventID: d.completedID,
		})
		d.closeExecution(openswf.CloseCompleted, closeDetail{Result: a.Result})
	case openswf.DecisionFailWorkflowExecution:
		a := dec.FailWorkflowExecution
		if d.closeBlocked(openswf.EventFailWorkflowExecutionFailed) {
			return nil
		}
		d.event(openswf.EventWorkflowExecutionFailed, openswf.WorkflowExecutionFailedAttributes{
			Reason: a.Reason, Details: a.Details, DecisionTaskCompletedEventID: d.completedID,
		})
		d.closeExecution(openswf.CloseFailed, closeDetail{Reason: a.Reason, Details: a.Details})
	case openswf.DecisionCancelWorkflowExecution:
		a := dec.CancelWorkflowExecution
		if d.closeBlocked(openswf.EventCancelWorkflowExecutionFailed) {
			return nil
		}
		d.event(openswf.EventWorkflowExecutionCanceled, openswf.WorkflowExecutionCanceledAttributes{
			Details: a.Details, DecisionTaskCompletedEventID: d.completedID,
		})
		d.closeExecution(openswf.CloseCanceled, closeDetail{Details: a.Details})
	case openswf.DecisionRecordMarker:
		a := dec.RecordMarker
		d.event(openswf.EventMarkerRecorded, openswf.MarkerRecordedAttributes{
			MarkerName: a.MarkerName, Details: a.Details, DecisionTaskCompletedEventID: d.completedID,
		})
	case openswf.DecisionStartTimer:
		return d.startTimer(dec.StartTimer)
	case openswf.DecisionCancelTimer:
		return d.cancelTimer(dec.CancelTimer.TimerID)
	case openswf.DecisionStartChildWorkflowExecution:
		return d.startChild(dec.StartChildWorkflowExecution)
	case openswf.DecisionContinueAsNewWorkflowExecution:
		return d.continueAsNew(dec.ContinueAsNewWorkflowExecution)
	case openswf.DecisionSignalExternalWorkflowExecution:
		return d.signalExternal(dec.SignalExternalWorkflowExecution)
	case openswf.DecisionRequestCancelExternalWorkflowExecution:
		return d.cancelExternal(dec.RequestCancelExternalWorkflowExecution)
	case openswf.DecisionScheduleLambdaFunction:
		return d.scheduleLambda(dec.ScheduleLambdaFunction)
	default:
		return validation("Decision type %s is not supported yet", dec.Type)
	}
	return nil
}

// closeBlocked records failType with UNHANDLED_DECISION if events arrived during the decision task, which
// SWF forbids a decider to close the run over.
func (d *decider) closeBlocked(failType openswf.EventType) bool {
	if !d.unhandled {
		return false
	}
	d.event(failType, openswf.DecisionFailedAttributes{Cause: "UNHANDLED_DECISION", DecisionTaskCompletedEventID: d.completedID})
	d.needDecision = true
	return true
}

func (d *decider) scheduleActivity(a *openswf.ScheduleActivityTaskAttributes) error {
	x := d.x
	fail := func(cause string) error {
		d.event(openswf.EventScheduleActivityTaskFailed, openswf.ScheduleActivityTaskFailedAttributes{
			ActivityType: a.ActivityType, ActivityID: a.ActivityID, Cause: cause, DecisionTaskCompletedEventID: d.completedID,
		})
		d.needDecision = true
		return nil
	}
	at, err := d.e.typeRecord(d.ctx, x.Domain, openswf.KindActivityType, a.ActivityType.Name, a.ActivityType.Version)
	switch {
	case errors.Is(err, openswf.ErrNotFound):
		return fail("ACTIVITY_TYPE_DOES_NOT_EXIST")
	case err != nil:
		return fmt.Errorf("load activity type: %w", err)
	case at.Status != openswf.StatusRegistered:
		return fail("ACTIVITY_TYPE_DEPRECATED")
	}
	if _, used := x.Activities[a.ActivityID]; used {
		return fail("ACTIVITY_ID_ALREADY_IN_USE")
	}
	if len(x.Activities) >= maxOpenActivities {
		return fail("OPEN_ACTIVITIES_LIMIT_EXCEEDED")
	}
	taskList := pick(taskListName(a.TaskList), at.DefaultTaskList)
	s2c := pick(a.ScheduleToCloseTimeout, at.DefaultScheduleToClose)
	s2s := pick(a.ScheduleToStartTimeout, at.DefaultScheduleToStart)
	stc := pick(a.StartToCloseTimeout, at.DefaultStartToClose)
	hb := pick(a.HeartbeatTimeout, at.DefaultHeartbeat)
	switch {
	case taskList == "":
		return fail("DEFAULT_TASK_LIST_UNDEFINED")
	case s2c == "":
		return fail("DEFAULT_SCHEDULE_TO_CLOSE_TIMEOUT_UNDEFINED")
	case s2s == "":
		return fail("DEFAULT_SCHEDULE_TO_START_TIMEOUT_UNDEFINED")
	case stc == "":
		return fail("DEFAULT_START_TO_CLOSE_TIMEOUT_UNDEFINED")
	}
	priority := pick(a.TaskPriority, at.DefaultPriority)
	id := d.event(openswf.EventActivityTaskScheduled, openswf.ActivityTaskScheduledAttributes{
		ActivityType: a.ActivityType, ActivityID: a.ActivityID, Input: a.Input, Control: a.Control,
		ScheduleToStartTimeout: s2s, ScheduleToCloseTimeout: s2c, StartToCloseTimeout: stc,
		TaskList: openswf.TaskList{Name: taskList}, TaskPriority: priority,
		DecisionTaskCompletedEventID: d.completedID, HeartbeatTimeout: hb,
	})
	act := &openswf.ActivityTask{
		Domain: x.Domain, WorkflowID: x.WorkflowID, RunID: x.RunID, ScheduledID: id, ActivityID: a.ActivityID,
		Type: a.ActivityType, Input: a.Input, TaskList: taskList, Priority: parsePriority(priority),
		ScheduledAt: d.now,
	}
	act.ScheduleToStart, _ = parseTimeout(s2s)
	act.ScheduleToClose, _ = parseTimeout(s2c)
	act.StartToClose, _ = parseTimeout(stc)
	act.Heartbeat, _ = parseTimeout(hb)
	d.putActivity(act, true)
	if x.Activities == nil {
		x.Activities = map[string]int64{}
	}
	x.Activities[a.ActivityID] = id
	x.LatestActivityTaskAt = d.now
	if act.ScheduleToClose > 0 {
		d.putTimer(openswf.TimerActivityScheduleToClose, id, d.now.Add(act.ScheduleToClose))
	}
	if a.StartedBy != "" {
		// Started at once, by the work it stands for: no poller ever sees it.
		act.StartedID = d.event(openswf.EventActivityTaskStarted, openswf.ActivityTaskStartedAttributes{
			Identity: a.StartedBy, ScheduledEventID: id,
		})
		act.StartedAt, act.Identity = d.now, a.StartedBy
		if act.StartToClose > 0 {
			d.putTimer(openswf.TimerActivityStartToClose, id, d.now.Add(act.StartToClose))
		}
		if act.Heartbeat > 0 {
			d.putTimer(openswf.TimerActivityHeartbeat, id, d.now.Add(act.Heartbeat))
		}
		return nil
	}
	if act.ScheduleToStart > 0 {
		d.putTimer(openswf.TimerActivityScheduleToStart, id, d.now.Add(act.ScheduleToStart))
	}
	d.tasks = append(d.tasks, openswf.PendingTask{
		Kind: openswf.TaskActivity, Domain: x.Domain, TaskList: taskList, RunID: x.RunID,
		ScheduledID: id, Priority: act.Priority, ScheduledAt: d.now,
	})
	return nil
}

func (d *decider) requestCancelActivity(activityID string) error {
	sched, ok := d.x.Activities[activityID]
	if !ok {
		d.event(openswf.EventRequestCancelActivityTaskFailed, openswf.RequestCancelActivityTaskFailedAttributes{
			ActivityID: activityID, Cause: "ACTIVITY_ID_UNKNOWN", DecisionTaskCompletedEventID: d.completedID,
		})
		d.needDecision = true
		return nil
	}
	a, err := d.activity(d.ctx, sched)
	if errors.Is(err, openswf.ErrNotFound) {
		// The run still lists it, so it closed after the run was read: decide again on the fresh run.
		return openswf.ErrConflict
	}
	if err != nil {
		return fmt.Errorf("load activity: %w", err)
	}
	reqID := d.event(openswf.EventActivityTaskCancelRequested, openswf.ActivityTaskCancelRequestedAttributes{
		DecisionTaskCompletedEventID: d.completedID, ActivityID: activityID,
	})
	if a.StartedID == 0 {
		// Not yet handed to a worker: SWF cancels it at once.
		d.event(openswf.EventActivityTaskCanceled, openswf.ActivityTaskCanceledAttributes{
			ScheduledEventID: sched, LatestCancelRequestedEventID: reqID,
		})
		d.closeActivity(a, -1)
		d.needDecision = true
		return nil
	}
	if d.x.CancelRequests == nil {
		d.x.CancelRequests = map[int64]int64{}
	}
	d.x.CancelRequests[sched] = reqID
	d.tr.CancelActivities = append(d.tr.CancelActivities, sched)
	return nil
}

func (d *decider) startTimer(a *openswf.StartTimerAttributes) error {
	x := d.x
	fail := func(cause string) error {
		d.event(openswf.EventStartTimerFailed, openswf.TimerFailedAttributes{
			TimerID: a.TimerID, Cause: cause, DecisionTaskCompletedEventID: d.completedID,
		})
		d.needDecision = true
		return nil
	}
	if _, used := x.Timers[a.TimerID]; used {
		return fail("TIMER_ID_ALREADY_IN_USE")
	}
	if len(x.Timers) >= maxOpenTimers {
		return fail("OPEN_TIMERS_LIMIT_EXCEEDED")
	}
	dur, _ := parseTimeout(a.StartToFireTimeout)
	id := d.event(openswf.EventTimerStarted, openswf.TimerStartedAttributes{
		TimerID: a.TimerID, Control: a.Control, StartToFireTimeout: a.StartToFireTimeout,
		DecisionTaskCompletedEventID: d.completedID,
	})
	if x.Timers == nil {
		x.Timers = map[string]openswf.UserTimer{}
	}
	fireAt := d.now.Add(dur)
	x.Timers[a.TimerID] = openswf.UserTimer{StartedEventID: id, FireAt: fireAt}
	d.putTimer(openswf.TimerUser, id, fireAt)
	return nil
}

func (d *decider) cancelTimer(timerID string) error {
	tm, ok := d.x.Timers[timerID]
	if !ok {
		d.event(openswf.EventCancelTimerFailed, openswf.TimerFailedAttributes{
			TimerID: timerID, Cause: "TIMER_ID_UNKNOWN", DecisionTaskCompletedEventID: d.completedID,
		})
		d.needDecision = true
		return nil
	}
	d.event(openswf.EventTimerCanceled, openswf.TimerCanceledAttributes{
		TimerID: timerID, StartedEventID: tm.StartedEventID, DecisionTaskCompletedEventID: d.completedID,
	})
	delete(d.x.Timers, timerID)
	d.deleteTimer(openswf.TimerUser, tm.StartedEventID)
	return nil
}

// checkDecision enforces what the model cannot: the attributes member that matches the decision type, the
// documented name rules and duration formats. i is the decision's index in the request.
func checkDecision(i int, dec *openswf.Decision) error {
	path := func(member string) string {
		return fmt.Sprintf("decisions[%d].%s", i, member)
	}
	missing := func(attrs string) error {
		return absent(path(attrs), "Member must not be null for decision type "+string(dec.Type))
	}
	switch dec.Type {
	case openswf.DecisionScheduleActivityTask:
		a := dec.ScheduleActivityTask
		if a == nil {
			return missing("scheduleActivityTaskDecisionAttributes")
		}
		p := "scheduleActivityTaskDecisionAttributes."
		return firstErr(checkName(path(p+"activityId"), a.ActivityID),
			checkTaskList(path(p+"taskList.name"), a.TaskList),
			checkPriority(path(p+"taskPriority"), a.TaskPriority),
			checkTimeout(path(p+"scheduleToCloseTimeout"), a.ScheduleToCloseTimeout),
			checkTimeout(path(p+"scheduleToStartTimeout"), a.ScheduleToStartTimeout),
			checkTimeout(path(p+"startToCloseTimeout"), a.StartToCloseTimeout),
			checkTimeout(path(p+"heartbeatTimeout"), a.HeartbeatTimeout))
	case openswf.DecisionRequestCancelActivityTask:
		if dec.RequestCancelActivityTask == nil {
			return missing("requestCancelActivityTaskDecisionAttributes")
		}
	case openswf.DecisionCompleteWorkflowExecution:
		if dec.CompleteWorkflowExecution == nil {
			dec.CompleteWorkflowExecution = &openswf.CompleteWorkflowExecutionAttributes{}
		}
	case openswf.DecisionFailWorkflowExecution:
		if dec.FailWorkflowExecution == nil {
			dec.FailWorkflowExecution = &openswf.FailWorkflowExecutionAttributes{}
		}
	case openswf.DecisionCancelWorkflowExecution:
		if dec.CancelWorkflowExecution == nil {
			dec.CancelWorkflowExecution = &openswf.CancelWorkflowExecutionAttributes{}
		}
	case openswf.DecisionRecordMarker:
		if dec.RecordMarker == nil {
			return missing("recordMarkerDecisionAttributes")
		}
	case openswf.DecisionStartTimer:
		a := dec.StartTimer
		if a == nil {
			return missing("startTimerDecisionAttributes")
		}
		p := path("startTimerDecisionAttributes.")
		if err := checkName(p+"timerId", a.TimerID); err != nil {
			return err
		}
		if d, ok := parseTimeout(a.StartToFireTimeout); !ok || a.StartToFireTimeout == "NONE" || d < 0 {
			return invalid(p+"startToFireTimeout", a.StartToFireTimeout, "Member must be a number of seconds")
		}
	case openswf.DecisionCancelTimer:
		if dec.CancelTimer == nil {
			return missing("cancelTimerDecisionAttributes")
		}
	case openswf.DecisionStartChildWorkflowExecution:
		a := dec.StartChildWorkflowExecution
		if a == nil {
			return missing("startChildWorkflowExecutionDecisionAttributes")
		}
		p := "startChildWorkflowExecutionDecisionAttributes."
		return firstErr(checkName(path(p+"workflowId"), a.WorkflowID),
			checkTaskList(path(p+"taskList.name"), a.TaskList),
			checkPriority(path(p+"taskPriority"), a.TaskPriority),
			checkExecutionTimeout(path(p+"executionStartToCloseTimeout"), a.ExecutionStartToCloseTimeout),
			checkTimeout(path(p+"taskStartToCloseTimeout"), a.TaskStartToCloseTimeout))
	case openswf.DecisionContinueAsNewWorkflowExecution:
		a := dec.ContinueAsNewWorkflowExecution
		if a == nil {
			a = &openswf.ContinueAsNewAttributes{}
			dec.ContinueAsNewWorkflowExecution = a
		}
		p := "continueAsNewWorkflowExecutionDecisionAttributes."
		return firstErr(checkTaskList(path(p+"taskList.name"), a.TaskList),
			checkPriority(path(p+"taskPriority"), a.TaskPriority),
			checkExecutionTimeout(path(p+"executionStartToCloseTimeout"), a.ExecutionStartToCloseTimeout),
			checkTimeout(path(p+"taskStartToCloseTimeout"), a.TaskStartToCloseTimeout))
	case openswf.DecisionSignalExternalWorkflowExecution:
		if dec.SignalExternalWorkflowExecution == nil {
			return missing("signalExternalWorkflowExecutionDecisionAttributes")
		}
	case openswf.DecisionRequestCancelExternalWorkflowExecution:
		if dec.RequestCancelExternalWorkflowExecution == nil {
			return missing("requestCancelExternalWorkflowExecutionDecisionAttributes")
		}
	case openswf.DecisionScheduleLambdaFunction:
		if dec.ScheduleLambdaFunction == nil {
			return missing("scheduleLambdaFunctionDecisionAttributes")
		}
	default:
		return validation("Decision type %s is not supported yet", dec.Type)
	}
	return nil
}
