package worker

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"sync"
	"time"
)

// callTimeout bounds one attempt of every call but polls, whose long poll the service holds up to a
// minute: a connection that hangs is given up on and the call retried.
const callTimeout = 30 * time.Second

// pollTimeout bounds one poll: the service answers a long poll within a minute (SWF and Step Functions
// hold it up to 60 s), so a poll still unanswered after 70 s sits on a connection that hung (a peer gone
// without a reset, a proxy that swallowed the answer) and is given up and polled again, rather than holding
// its poller for as long as TCP keepalive takes to notice, or for ever.
const pollTimeout = 70 * time.Second

// describeBudget bounds the reading of an activity type's default heartbeat timeout, retries included.
const describeBudget = 10 * time.Second

// backend is one service's side of a worker: its calls, in the worker's words.
type backend interface {
	// poll long-polls for a task; nil without an error when the poll ended empty.
	poll(ctx context.Context, identity string) (*Task, error)
	// heartbeatTimeout reports the heartbeat timeout the service lets the worker know of for t, zero
	// when none (the error says why not, for the log).
	heartbeatTimeout(ctx context.Context, t *Task) (time.Duration, error)
	heartbeat(ctx context.Context, t *Task, details *string) (cancelRequested bool, err error)
	// checkResult refuses a result the service would refuse, as the failure to report instead.
	checkResult(result string) *Failure
	complete(ctx context.Context, t *Task, result string) error
	fail(ctx context.Context, t *Task, f *Failure) error
	// canceled answers a task whose handler gave up after cancellation was requested.
	canceled(ctx context.Context, t *Task, details string) error
	// heartbeatDetails limits the details one heartbeat carries, in characters; 0 when it carries none.
	heartbeatDetails() int
}

// A Worker polls one SWF task list or one Step Functions activity and runs a Handler on each task.
type Worker struct {
	b       backend
	handler Handler
	cfg     config
}

func newWorker(b backend, h Handler, opts []Option) *Worker {
	return &Worker{b: b, handler: h, cfg: newConfig(opts)}
}

// Run polls for tasks and runs them until ctx ends, then drains: it stops polling (long polls in flight
// are given up), waits for running handlers (cancelling their contexts with ErrShutdown once the drain
// timeout passes, if one is set), answers their tasks and returns nil. It returns early, once it has
// drained, with the error of a poll refused for good (an unknown domain or activity, access denied).
// Run is called once per Worker.
func (w *Worker) Run(ctx context.Context) error {
	// Handlers and answers outlive ctx: they run on a context that keeps its values but ends only when
	// the drain timeout passes.
	handlers, stopHandlers := context.WithCancelCause(context.WithoutCancel(ctx))
	defer stopHandlers(nil)
	polling, stopPolling := context.WithCancel(ctx)
	defer stopPolling()

	var wg sync.WaitGroup
	errs := make(chan error, w.cfg.pollers)
	for range w.cfg.pollers {
		wg.Go(func() {
			if err := w.poller(polling, handlers); err != nil {
				errs <- err
				stopPolling()
			}
		})
	}
	done := make(chan struct{})
	go func() {
		wg.Wait()
		close(done)
	}()

	select {
	case <-done:
	case <-polling.Done():
		if w.cfg.drainTimeout > 0 {
			t := time.NewTimer(w.cfg.drainTimeout)
			select {
			case <-done:
			case <-t.C:
				stopHandlers(ErrShutdown)
				<-done
			}
			t.Stop()
		} else {
			<-done
		}
	}
	select {
	case err := <-errs:
		return err
	default:
		return nil
	}
}

// poller polls and runs one task at a time until ctx ends or a poll is refused for good.
func (w *Worker) poller(ctx, handlers context.Context) error {
	attempt := 0
	for ctx.Err() == nil {
		pctx, cancel := context.WithTimeout(ctx, w.cfg.pollTimeout)
		t, err := w.b.poll(pctx, w.cfg.identity)
		cancel()
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			w.cfg.metrics.PollFailed(err)
			if !isRetryable(err) {
				return fmt.Errorf("poll: %w", err)
			}
			attempt++
			w.cfg.logger.Warn("worker: poll failed; retrying", "attempt", attempt, "err", err)
			sleep(ctx, w.cfg.backoff.delay(attempt))
			continue
		}
		attempt = 0
		if t == nil {
			w.cfg.metrics.PollEmpty()
			continue
		}
		// A task handed out as ctx ended is run all the same: it is this worker's now.
		w.execute(handlers, t)
	}
	return nil
}

// execute runs the handler on t with heartbeats, and answers.
func (w *Worker) execute(handlers context.Context, t *Task) {
	t.Started = w.cfg.clock.Now()
	w.schedule(handlers, t)
	ctx, cancel := context.WithCancelCause(handlers)
	defer cancel(nil)

	beats, stopBeats := context.WithCancel(context.WithoutCancel(handlers))
	hb := w.heartbeater(t, cancel)
	t.hb = hb
	beating := make(chan struct{})
	go func() {
		defer close(beating)
		hb.run(beats)
	}()

	w.cfg.metrics.TaskStarted(t)
	began := time.Now()
	result, err := w.call(ctx, t)
	took := time.Since(began)
	stopBeats()
	<-beating // no heartbeat is in flight once the answer goes
	cause := context.Cause(ctx)
	w.cfg.metrics.TaskFinished(t, w.answer(context.WithoutCancel(handlers), t, result, err, cause), took)
}

// call runs the handler, turning a panic into a *panicError.
func (w *Worker) call(ctx context.Context, t *Task) (result string, err error) {
	defer func() {
		if v := recover(); v != nil {
			result, err = "", &panicError{value: v, stack: debug.Stack()}
		}
	}()
	return w.handler(ctx, t)
}

// schedule sets t's heartbeat timeout and interval: WithHeartbeatInterval if set, else the fraction of
// the timeout the service lets the worker know of, else DefaultHeartbeatInterval.
func (w *Worker) schedule(ctx context.Context, t *Task) {
	if w.cfg.heartbeatInterval != 0 {
		t.HeartbeatInterval = max(w.cfg.heartbeatInterval, 0)
		return
	}
	// Bounded, so that a slow DescribeActivityType cannot hold the task past a short heartbeat timeout
	// before its first heartbeat; the next task of the type asks again.
	ctx, cancel := context.WithTimeout(ctx, describeBudget)
	defer cancel()
	d, err := w.b.heartbeatTimeout(ctx, t)
	if err != nil {
		w.cfg.logger.Warn("worker: no heartbeat timeout known; heartbeating at the default interval",
			"interval", DefaultHeartbeatInterval, "err", err)
	}
	t.HeartbeatTimeout = d
	t.HeartbeatInterval = DefaultHeartbeatInterval
	if d > 0 {
		t.HeartbeatInterval = time.Duration(float64(d) * w.cfg.heartbeatFraction)
	}
}

// heartbeater makes t's heartbeat loop; cancel cancels its handler's context.
func (w *Worker) heartbeater(t *Task, cancel context.CancelCauseFunc) *heartbeater {
	limit := w.b.heartbeatDetails()
	h := &heartbeater{
		t: t, clock: w.cfg.clock, interval: t.HeartbeatInterval, minGap: time.Second,
		backoff: w.cfg.backoff.delay,
		send: func(ctx context.Context, details *string) (bool, error) {
			if details != nil && limit > 0 {
				d := truncate(*details, limit)
				details = &d
			}
			ctx, done := context.WithTimeout(ctx, callTimeout)
			defer done()
			return w.b.heartbeat(ctx, t, details)
		},
		cancelRequested: func() { cancel(ErrCancelRequested) },
		lost:            func(error) { cancel(ErrTaskLost) },
		failed: func(err error, retryable bool) {
			w.cfg.metrics.HeartbeatFailed(t, err)
			if !isLost(err) {
				w.cfg.logger.Warn("worker: heartbeat failed", "token", t.Token, "retrying", retryable, "err", err)
			}
		},
		sent: func() { w.cfg.metrics.HeartbeatSent(t) },
		wake: make(chan struct{}, 1),
	}
	if 0 < t.HeartbeatInterval && t.HeartbeatInterval < h.minGap {
		h.minGap = t.HeartbeatInterval
	}
	if w.cfg.parked != nil {
		h.parked = func(due time.Time) { w.cfg.parked(t, due) }
	}
	return h
}

// answer reports how the handler ended, unless the task is lost, and says how the task ended.
func (w *Worker) answer(ctx context.Context, t *Task, result string, err error, cause error) Outcome {
	if errors.Is(cause, ErrTaskLost) {
		return OutcomeLost
	}
	outcome := OutcomeCompleted
	var send func(context.Context) error
	switch {
	case err == nil:
		if f := w.b.checkResult(result); f != nil {
			outcome, send = OutcomeFailed, func(ctx context.Context) error { return w.b.fail(ctx, t, f) }
		} else {
			send = func(ctx context.Context) error { return w.b.complete(ctx, t, result) }
		}
	case errors.Is(cause, ErrCancelRequested) && errors.Is(err, context.Canceled):
		outcome, send = OutcomeCanceled, func(ctx context.Context) error { return w.b.canceled(ctx, t, "") }
	case errors.Is(cause, ErrShutdown) && errors.Is(err, context.Canceled):
		f := &Failure{Reason: reasonShutdown, Details: "the worker shut down and its drain timeout passed before the handler returned"}
		outcome, send = OutcomeFailed, func(ctx context.Context) error { return w.b.fail(ctx, t, f) }
	default:
		f := failure(err)
		outcome, send = OutcomeFailed, func(ctx context.Context) error { return w.b.fail(ctx, t, f) }
	}
	unsure := false // an attempt got no answer of the service's: it may have acted on it
	sendErr := w.retry(ctx, func(ctx context.Context) error {
		err := send(ctx)
		unsure = unsure || (err != nil && unanswered(err))
		return err
	})
	switch {
	case sendErr == nil:
		return outcome
	case isLost(sendErr) && unsure:
		w.cfg.logger.Warn("worker: an answer got no reply and its retry found the task closed: the answer most likely arrived",
			"token", t.Token, "outcome", outcome)
		return OutcomeUnconfirmed
	case !isLost(sendErr):
		w.cfg.logger.Error("worker: answer not delivered; the task will time out", "token", t.Token, "outcome", outcome, "err", sendErr)
	}
	return OutcomeLost
}

// retry makes call, retrying throttling and transport errors with backoff, up to the attempts of the
// backoff; once only under WithSDKRetries, where the client's retryer does it.
func (w *Worker) retry(ctx context.Context, call func(context.Context) error) error {
	attempts := w.cfg.backoff.Attempts
	if w.cfg.sdkRetries {
		attempts = 1
	}
	for attempt := 1; ; attempt++ {
		actx, cancel := context.WithTimeout(ctx, callTimeout)
		err := call(actx)
		cancel()
		if err == nil || ctx.Err() != nil || !isRetryable(err) || attempt >= attempts {
			return err
		}
		w.cfg.logger.Warn("worker: call failed; retrying", "attempt", attempt, "err", err)
		if !sleep(ctx, w.cfg.backoff.delay(attempt)) {
			return err
		}
	}
}
