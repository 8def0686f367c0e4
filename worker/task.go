package worker

import (
	"context"
	"errors"
	"sync"
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

// heartbeater sends one task's heartbeats from one goroutine, so that they are never concurrent: every
// interval after the last one accepted, and soon after each Task.Heartbeat.
type heartbeater struct {
	t        *Task
	clock    clock
	interval time.Duration // ≤ 0: only on Task.Heartbeat
	minGap   time.Duration // the least time between a heartbeat and one that Task.Heartbeat asks for
	backoff  func(attempt int) time.Duration
	send     func(ctx context.Context, details *string) (cancelRequested bool, err error)
	// outcome is told of each heartbeat's result: cancellation requested, the task lost, or a failure.
	cancelRequested func()
	lost            func(err error)
	failed          func(err error, retryable bool)
	sent            func()
	parked          func(due time.Time) // test seam; nil outside tests

	mu      sync.Mutex
	details *string // details not yet sent; nil when none are pending
	asked   bool    // Task.Heartbeat was called since the last heartbeat was sent
	wake    chan struct{}
}

func (h *heartbeater) progress(details string) {
	h.mu.Lock()
	h.details, h.asked = &details, true
	h.mu.Unlock()
	select {
	case h.wake <- struct{}{}:
	default: // a wake-up is already pending
	}
}

// take returns the pending details and whether a heartbeat was asked for, and clears both.
func (h *heartbeater) take() (*string, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	d, a := h.details, h.asked
	h.details, h.asked = nil, false
	return d, a
}

// putBack returns details of a failed heartbeat to be sent with the next, unless newer ones came.
func (h *heartbeater) putBack(d *string, asked bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.details == nil {
		h.details = d
	}
	h.asked = h.asked || asked
}

// run sends heartbeats until ctx ends or the task is lost. The schedule counts from when the task was
// received, just after the service's heartbeat clock started.
func (h *heartbeater) run(ctx context.Context) {
	last := h.t.Started
	if last.IsZero() {
		last = h.clock.Now()
	}
	var due time.Time // zero: nothing scheduled
	if h.interval > 0 {
		due = last.Add(h.interval)
	}
	attempt := 0
	for {
		var fire <-chan time.Time
		stop := func() {}
		if !due.IsZero() {
			fire, stop = h.clock.After(due.Sub(h.clock.Now()))
			if h.parked != nil {
				h.parked(due)
			}
		}
		select {
		case <-ctx.Done():
			stop()
			return
		case <-h.wake:
			stop()
			soon := last.Add(h.minGap)
			if now := h.clock.Now(); soon.Before(now) {
				soon = now
			}
			if due.IsZero() || soon.Before(due) {
				due = soon
			}
			continue
		case <-fire:
		}
		details, asked := h.take()
		cancelRequested, err := h.send(ctx, details)
		now := h.clock.Now()
		switch {
		case err == nil:
			attempt, last = 0, now
			h.sent()
			if cancelRequested {
				h.cancelRequested()
			}
			due = time.Time{}
			if h.interval > 0 {
				due = now.Add(h.interval)
			}
		case ctx.Err() != nil:
			return
		case isLost(err):
			h.failed(err, false)
			h.lost(err)
			return
		case isRetryable(err):
			h.failed(err, true)
			h.putBack(details, asked)
			attempt++
			wait := h.backoff(attempt)
			if h.interval > 0 && wait > h.interval {
				wait = h.interval
			}
			due = now.Add(wait)
		default: // refused for good (too long, not permitted): log it, drop the details, keep the schedule
			h.failed(err, false)
			due = time.Time{}
			if h.interval > 0 {
				due = now.Add(h.interval)
			}
		}
	}
}
