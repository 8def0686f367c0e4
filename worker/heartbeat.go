package worker

import (
	"context"
	"sync"
	"time"
)

// heartbeater sends one task's heartbeats from one goroutine, so that they are never concurrent: every
// interval after the last one accepted, and soon after each Task.Heartbeat.
type heartbeater struct {
	t        *Task
	clock    clock
	interval time.Duration // ≤ 0: only on Task.Heartbeat
	minGap   time.Duration // the least time between a heartbeat and one that Task.Heartbeat asks for
	backoff  func(attempt int) time.Duration
	send     func(ctx context.Context, details *string) (cancelRequested bool, err error)
	// Each heartbeat's result is told to one of these: accepted, asking for cancellation, the task lost,
	// or a failure.
	cancelRequested func()
	lost            func(err error)
	failed          func(err error, retryable bool)
	sent            func()
	parked          func(due time.Time) // test seam; nil outside tests

	mu      sync.Mutex
	details *string       // details not yet sent; nil when none are pending
	wake    chan struct{} // Task.Heartbeat asks for a heartbeat (capacity 1: asks coalesce)
}

func (h *heartbeater) progress(details string) {
	h.mu.Lock()
	h.details = &details
	h.mu.Unlock()
	select {
	case h.wake <- struct{}{}:
	default: // a wake-up is already pending
	}
}

// take returns the pending details and clears them.
func (h *heartbeater) take() *string {
	h.mu.Lock()
	defer h.mu.Unlock()
	d := h.details
	h.details = nil
	return d
}

// putBack returns details of a failed heartbeat to be sent with the next, unless newer ones came.
func (h *heartbeater) putBack(d *string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.details == nil {
		h.details = d
	}
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
		details := h.take()
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
			h.putBack(details)
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
