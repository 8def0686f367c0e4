package worker

import "time"

// Outcome is how a task ended for the worker.
type Outcome int

// The outcomes of a task.
const (
	// OutcomeCompleted: the handler returned a result and the service accepted it.
	OutcomeCompleted Outcome = iota
	// OutcomeFailed: the handler returned an error or panicked (or its result was refused before sending),
	// and the failure was reported.
	OutcomeFailed
	// OutcomeCanceled: cancellation was requested, the handler gave up, and RespondActivityTaskCanceled
	// was accepted (SWF only).
	OutcomeCanceled
	// OutcomeLost: the task was no longer the worker's (timed out, or closed by someone else) when a
	// heartbeat or the answer reached the service, or the answer could not be delivered at all.
	OutcomeLost
	// OutcomeUnconfirmed: an attempt to answer got no reply (a dropped connection, a timeout, a 5xx), and
	// the retry found the task closed. The first attempt most likely arrived and closed it; the history
	// tells. The services do not make answers idempotent, so the worker cannot know.
	OutcomeUnconfirmed
)

// String names the outcome in lower case.
func (o Outcome) String() string {
	switch o {
	case OutcomeCompleted:
		return "completed"
	case OutcomeFailed:
		return "failed"
	case OutcomeCanceled:
		return "canceled"
	case OutcomeLost:
		return "lost"
	case OutcomeUnconfirmed:
		return "unconfirmed"
	}
	return "unknown"
}

// Metrics receives what a worker does, for counters and histograms of the user's choice. Its methods are
// called from several goroutines at once and must not block. Embed NopMetrics to implement only some.
type Metrics interface {
	// PollEmpty is called when a long poll ended without a task.
	PollEmpty()
	// PollFailed is called when a poll failed (it is retried unless the fault is permanent).
	PollFailed(err error)
	// TaskStarted is called when a task was received, before its handler runs.
	TaskStarted(t *Task)
	// TaskFinished is called once per task, after its answer (or the decision not to answer), with how
	// long the handler ran.
	TaskFinished(t *Task, o Outcome, handlerTime time.Duration)
	// HeartbeatSent is called for each heartbeat the service accepted.
	HeartbeatSent(t *Task)
	// HeartbeatFailed is called for each heartbeat that failed, a lost task's last one among them.
	HeartbeatFailed(t *Task, err error)
}

// NopMetrics is a Metrics that records nothing: the default.
type NopMetrics struct{}

// PollEmpty does nothing.
func (NopMetrics) PollEmpty() {}

// PollFailed does nothing.
func (NopMetrics) PollFailed(error) {}

// TaskStarted does nothing.
func (NopMetrics) TaskStarted(*Task) {}

// TaskFinished does nothing.
func (NopMetrics) TaskFinished(*Task, Outcome, time.Duration) {}

// HeartbeatSent does nothing.
func (NopMetrics) HeartbeatSent(*Task) {}

// HeartbeatFailed does nothing.
func (NopMetrics) HeartbeatFailed(*Task, error) {}
