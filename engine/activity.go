package engine

import (
	"context"
	"errors"
	"fmt"

	"github.com/openswf/openswf"
)

// ActivityTaskInfo is an activity task handed to a worker.
type ActivityTaskInfo struct {
	TaskToken      string
	ActivityID     string
	StartedEventID int64
	Execution      openswf.WorkflowExecution
	Type           openswf.ActivityType
	Input          string
}

// PollActivity waits for an activity task on a task list and starts it: it records ActivityTaskStarted and
// arms the start-to-close and heartbeat timeouts. It returns nil if no task came within the poll hold.
func (e *Engine) PollActivity(ctx context.Context, domain, taskList, identity string) (*ActivityTaskInfo, error) {
	if err := checkName("taskList.name", taskList); err != nil {
		return nil, err
	}
	if _, err := e.domain(ctx, domain); err != nil {
		return nil, err
	}
	key := listKey{openswf.TaskActivity, domain, taskList}
	next := e.newPoll(key)
	for {
		p, ok := next(ctx)
		if !ok {
			return nil, nil // the hold ended, the client went away, or the engine is closing
		}
		var act *openswf.ActivityTask
		x, err := e.update(ctx, p.RunID, func(t *txn) error {
			if !t.x.Open {
				return errStale
			}
			a, err := t.activity(ctx, p.ScheduledID)
			if errors.Is(err, openswf.ErrNotFound) {
				return errStale
			}
			if err != nil {
				return err
			}
			if a.StartedID != 0 {
				return errStale
			}
			a.StartedID = t.event(openswf.EventActivityTaskStarted, openswf.ActivityTaskStartedAttributes{
				Identity: identity, ScheduledEventID: a.ScheduledID,
			})
			a.StartedAt = t.now
			a.Identity = identity
			t.putActivity(a, false)
			t.deleteTimer(openswf.TimerActivityScheduleToStart, a.ScheduledID)
			if a.StartToClose > 0 {
				t.putTimer(openswf.TimerActivityStartToClose, a.ScheduledID, t.now.Add(a.StartToClose))
			}
			if a.Heartbeat > 0 {
				t.putTimer(openswf.TimerActivityHeartbeat, a.ScheduledID, t.now.Add(a.Heartbeat))
			}
			act = a
			return nil
		})
		if errors.Is(err, errStale) || openswf.KindOf(err) == openswf.KindUnknownResource {
			continue
		}
		if err != nil {
			e.matcher.add(p)
			return nil, fmt.Errorf("start activity task: %w", err)
		}
		return &ActivityTaskInfo{
			TaskToken:      e.tokens.taskToken(purposeActivity, taskRef{RunID: x.RunID, ScheduledID: act.ScheduledID, StartedID: act.StartedID, Domain: x.Domain}),
			ActivityID:     act.ActivityID,
			StartedEventID: act.StartedID,
			Execution:      x.Ref(),
			Type:           act.Type,
			Input:          act.Input,
		}, nil
	}
}

func (e *Engine) activityRef(token string) (taskRef, error) {
	ref, err := e.tokens.parseTaskToken(purposeActivity, token)
	if err != nil {
		return taskRef{}, unknown("Unknown or invalid task token")
	}
	return ref, nil
}

// Heartbeat records a heartbeat: it restarts the task's heartbeat clock and keeps details for a timeout
// to report. It adds no history event. It reports whether cancellation of the task was requested.
func (e *Engine) Heartbeat(ctx context.Context, token string, details *string) (bool, error) {
	ref, err := e.taskRef(ctx, token)
	if err != nil {
		return false, err
	}
	cancel, err := e.store.RecordHeartbeat(ctx, ref.RunID, ref.ScheduledID, ref.StartedID, details, e.clock.Now())
	if errors.Is(err, openswf.ErrNotFound) {
		return false, unknown("Unknown activity task: it is closed, timed out or was never handed out")
	}
	if err != nil {
		return false, fmt.Errorf("record heartbeat: %w", err)
	}
	e.opts.Observer.Heartbeat()
	return cancel, nil
}

// closeActivityTask closes a started activity task named by a token with the event build returns.
func (e *Engine) closeActivityTask(ctx context.Context, token string, build func(t *txn, a *openswf.ActivityTask)) error {
	ref, err := e.taskRef(ctx, token)
	if err != nil {
		return err
	}
	_, err = e.update(ctx, ref.RunID, func(t *txn) error {
		if !t.x.Open {
			return unknown("Unknown activity task: its execution is closed")
		}
		a, err := t.activity(ctx, ref.ScheduledID)
		if errors.Is(err, openswf.ErrNotFound) || (err == nil && a.StartedID != ref.StartedID) {
			return unknown("Unknown activity task: it is closed, timed out or was never handed out")
		}
		if err != nil {
			return err
		}
		build(t, a)
		t.closeActivity(a, -1)
		t.scheduleDecision()
		return nil
	})
	return err
}

// CompleteActivity records ActivityTaskCompleted.
func (e *Engine) CompleteActivity(ctx context.Context, token, result string) error {
	return e.closeActivityTask(ctx, token, func(t *txn, a *openswf.ActivityTask) {
		t.event(openswf.EventActivityTaskCompleted, openswf.ActivityTaskCompletedAttributes{
			Result: result, ScheduledEventID: a.ScheduledID, StartedEventID: a.StartedID,
		})
	})
}

// FailActivity records ActivityTaskFailed.
func (e *Engine) FailActivity(ctx context.Context, token, reason, details string) error {
	return e.closeActivityTask(ctx, token, func(t *txn, a *openswf.ActivityTask) {
		t.event(openswf.EventActivityTaskFailed, openswf.ActivityTaskFailedAttributes{
			Reason: reason, Details: details, ScheduledEventID: a.ScheduledID, StartedEventID: a.StartedID,
		})
	})
}

// CancelActivity records ActivityTaskCanceled, the worker's answer to a cancellation request.
func (e *Engine) CancelActivity(ctx context.Context, token, details string) error {
	return e.closeActivityTask(ctx, token, func(t *txn, a *openswf.ActivityTask) {
		t.event(openswf.EventActivityTaskCanceled, openswf.ActivityTaskCanceledAttributes{
			Details: details, ScheduledEventID: a.ScheduledID, StartedEventID: a.StartedID,
			LatestCancelRequestedEventID: t.x.CancelRequests[a.ScheduledID],
		})
	})
}

// CountPending counts the tasks waiting on a task list.
func (e *Engine) CountPending(ctx context.Context, kind openswf.TaskKind, domain, taskList string) (int, error) {
	if _, err := e.domain(ctx, domain); err != nil {
		return 0, err
	}
	n, err := e.store.CountPendingTasks(ctx, kind, domain, taskList)
	if err != nil {
		return 0, fmt.Errorf("count pending tasks: %w", err)
	}
	return n, nil
}
