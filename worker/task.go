package worker

import (
	"context"
	"errors"
	"time"
)

// Causes of a handler's context being cancelled, as context.Cause reports them.
var (
	// ErrCancelRequested: a heartbeat's answer said that cancellation of the task was requested (SWF's
	// RequestCancelActivityTask). A handler that then returns an error wrapping context.Canceled is
	// answered with RespondActivityTaskCanceled.
	ErrCancelRequested = errors.New("worker: cancellation of the task was requested")
	// ErrTaskLost: the service no longer knows the task as this worker's (it timed out, or its run
	// closed); nothing the handler returns is sent.
	ErrTaskLost = errors.New("worker: the task is lost (timed out or closed)")
	// ErrShutdown: Run's context ended and the drain timeout passed before the handler returned.
	ErrShutdown = errors.New("worker: shut down before the handler returned")
)

// A Handler runs one task and returns its result (SWF) or output (Step Functions, a JSON text), or an
// error, which fails the task (see Failure). ctx is cancelled, with a cause from ErrCancelRequested,
// ErrTaskLost or ErrShutdown, when the task should stop. A panic fails the task with its stack.
type Handler func(ctx context.Context, t *Task) (string, error)

// ActivityType names an SWF activity type.
type ActivityType struct{ Name, Version string }

// WorkflowExecution names an SWF workflow run.
type WorkflowExecution struct{ WorkflowID, RunID string }

// A Task is one activity task handed to this worker.
type Task struct {
	// Token is the task token that every call about the task carries.
	Token string
	// Input is the task's input (SWF: as scheduled, possibly empty; Step Functions: a JSON text).
	Input string

	// ActivityID, ActivityType, WorkflowExecution and StartedEventID describe an SWF task; they are
	// empty for Step Functions.
	ActivityID        string
	ActivityType      ActivityType
	WorkflowExecution WorkflowExecution
	StartedEventID    int64

	// ActivityARN is the Step Functions activity the task came from; empty for SWF.
	ActivityARN string

	// Started is when the worker received the task.
	Started time.Time
	// HeartbeatTimeout is the heartbeat timeout the worker knows of: the activity type's default (SWF),
	// zero when none is known (Step Functions, WithHeartbeatInterval set, or a type without one). A
	// decider may have given this task another.
	HeartbeatTimeout time.Duration
	// HeartbeatInterval is how often the worker heartbeats this task; zero when it does not on its own.
	HeartbeatInterval time.Duration

	hb *heartbeater
}

// Heartbeat reports progress: details go to the service with a heartbeat sent now, or, if one was sent
// less than a second ago (or the interval, if shorter) or is in flight, with the next one. Calls between
// two heartbeats are coalesced and only the latest details are sent; heartbeats of one task are never
// concurrent. Step Functions' SendTaskHeartbeat carries no details: there, Heartbeat only hastens the
// next heartbeat. SWF takes at most 2048 characters of details; longer ones are cut. It does not block.
func (t *Task) Heartbeat(details string) {
	if t.hb != nil {
		t.hb.progress(details)
	}
}
