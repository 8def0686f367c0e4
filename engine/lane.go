package engine

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/openswf/openswf"
)

// maxBatch bounds how many queued transitions of one run are decided together and committed as one. It
// keeps a batch's decision time (and the cost of deciding it again after a failure inside it) bounded
// while still absorbing a whole pool of workers at once.
const maxBatch = 256

// request is one caller's transition of a run, waiting in the run's lane.
type request struct {
	ctx context.Context
	fn  func(t *txn) error

	// The outcome, set before done is closed: the run as committed (nil on error) and the caller's error.
	x    *openswf.Execution
	err  error
	done chan struct{}

	failed bool // fn failed in the batch being decided: it is left out of the transition
}

// answer sets the request's outcome and releases its caller.
func (r *request) answer(x *openswf.Execution, err error) {
	r.x, r.err = x, err
	close(r.done)
}

// lanes queues the transitions of each run, so that within this node a run's transitions never race one
// another: the transitions waiting when the run's previous commit ends are decided together, in queue
// order, on the record that commit left, and committed as one transition. Each caller still gets its own
// answer (its own task, its own fault). The store's version check remains the guard against other nodes
// and against transitions that reach a run from another's (a signal, a child's close), which do not
// queue in its lane; such a conflict is decided again inside the engine.
//
// Lock order: lanes.mu is a leaf; it is never held while deciding or committing.
type lanes struct {
	mu   sync.Mutex
	runs map[string]*lane // runs with a batch being decided or committed
}

// lane is one run's queue. A run is in lanes.runs while some goroutine drains its lane.
type lane struct {
	waiting []*request
}

func newLanes() *lanes { return &lanes{runs: map[string]*lane{}} }

// update decides a transition of the run with fn and commits it, queued behind the run's other
// transitions and possibly committed together with them. fn may return errStale to make no change. It
// returns the run as committed (after every transition of the batch, so a caller takes what it needs of
// its own transition from inside fn) or fn's error.
func (e *Engine) update(ctx context.Context, runID string, fn func(t *txn) error) (*openswf.Execution, error) {
	r := &request{ctx: ctx, fn: fn, done: make(chan struct{})}
	e.submit(runID, r)
	<-r.done
	return r.x, r.err
}

// submit queues requests on the run's lane, in order, and drains the lane if nobody does. It returns once
// the requests are queued or answered; each is answered through its done channel.
func (e *Engine) submit(runID string, reqs ...*request) {
	e.lanes.mu.Lock()
	l, busy := e.lanes.runs[runID]
	if !busy {
		l = &lane{}
		e.lanes.runs[runID] = l
	}
	l.waiting = append(l.waiting, reqs...)
	e.lanes.mu.Unlock()
	if !busy {
		e.drain(runID, l)
	}
}

// drain decides and commits the lane's waiting requests, a batch at a time. The goroutine that found the
// lane idle runs the first batch, the one its own requests are in; if more wait after it, a new goroutine
// carries on, so that no caller's answer waits for other callers' batches.
func (e *Engine) drain(runID string, l *lane) {
	e.lanes.mu.Lock()
	n := min(len(l.waiting), maxBatch)
	batch := l.waiting[:n:n]
	l.waiting = l.waiting[n:]
	e.lanes.mu.Unlock()

	e.applyBatch(runID, batch)

	e.lanes.mu.Lock()
	if len(l.waiting) == 0 {
		delete(e.lanes.runs, runID)
		e.lanes.mu.Unlock()
		return
	}
	e.lanes.mu.Unlock()
	go e.drain(runID, l)
}

// applyBatch decides the requests of one batch on the run's latest record, in order, and commits them as
// one transition; a request whose fn fails is left out and gets its error alone. A conflict (with another
// node, or a transition that reached the run from another run's) is decided again from the store.
func (e *Engine) applyBatch(runID string, batch []*request) {
	verified := false // the record comes from the store, not the cache
	for attempt := 0; ; attempt++ {
		live := batch[:0:0]
		for _, r := range batch {
			if err := r.ctx.Err(); err != nil {
				r.answer(nil, err) // the caller went away before its transition was decided
				continue
			}
			r.failed, r.err = false, nil
			live = append(live, r)
		}
		batch = live
		if len(batch) == 0 {
			return
		}
		// The commit must not fail because one caller went away: it carries the others' transitions.
		ctx := context.WithoutCancel(batch[0].ctx)

		var base *openswf.Execution
		if !verified {
			base = e.runs.get(runID)
		}
		fromCache := base != nil
		if base == nil {
			x, err := e.store.GetRun(ctx, runID)
			if err != nil {
				if errors.Is(err, openswf.ErrNotFound) {
					err = openswf.Errorf(openswf.KindUnknownResource, "Unknown execution: runId=%s", runID)
				} else {
					err = fmt.Errorf("load execution: %w", err)
				}
				for _, r := range batch {
					r.answer(nil, err)
				}
				return
			}
			base = x
		}

		t, stale, conflict := e.decideBatch(base, batch, attempt, fromCache)
		if stale {
			// "Nothing to do" was decided from a cached record that may be older than the store's (another
			// node's commit): decide once more from the store.
			e.runs.forget(runID)
			verified = true
			continue
		}
		var accepted int
		for _, r := range batch {
			if !r.failed {
				accepted++
			}
		}
		err := conflict
		if err == nil && accepted > 0 {
			err = e.commit(ctx, t)
		}
		if errors.Is(err, openswf.ErrConflict) || errors.Is(err, openswf.ErrExists) {
			// The record this attempt started from may be stale: read the runs afresh. ErrExists means a
			// run this transition creates (a child, say) was started meanwhile; deciding again sees it.
			e.runs.forget(runID)
			for _, o := range t.others {
				e.runs.forget(o.x.RunID)
			}
			if attempt < maxConflictRetry {
				if attempt >= 2 {
					backoff(ctx, attempt)
				}
				continue
			}
		}
		if err != nil {
			// Whatever failed, the cached record is not to be trusted: the next transition reads the store
			// (a record gone stale in a way the store reported otherwise than as a conflict would otherwise
			// fail every later transition of the run the same way).
			e.runs.forget(runID)
		}
		for _, r := range batch {
			switch {
			case r.failed:
				r.answer(nil, r.err)
			case err != nil:
				r.answer(nil, err)
			default:
				r.answer(t.x, nil)
			}
		}
		return
	}
}

// decideBatch decides the batch's requests in order on a copy of base, as one transaction. A request
// whose fn fails is marked failed, and the transaction is decided again without it from base, since the
// failing fn may have changed it half-way. stale reports that a request found nothing to do (or an unknown
// task) on a cached record, which must then be read from the store. conflict is a request's report that
// the run changed under it (a row the record names was gone when it read it, or a run it creates exists):
// the whole batch is then decided again from the store, as after a conflict at commit.
func (e *Engine) decideBatch(base *openswf.Execution, batch []*request, attempt int, fromCache bool) (t *txn, stale bool, conflict error) {
	now := e.clock.Now()
	for {
		x := cloneExecution(base)
		x.Version++
		t = &txn{e: e, x: x, now: now, attempt: attempt}
		redo := false
		for _, r := range batch {
			if r.failed {
				continue
			}
			t.ctx = r.ctx
			err := r.fn(t)
			if err == nil && t.err != nil {
				err, t.err = t.err, nil
			}
			if err == nil {
				continue
			}
			if fromCache && (errors.Is(err, errStale) || openswf.KindOf(err) == openswf.KindUnknownResource) {
				return t, true, nil
			}
			if errors.Is(err, openswf.ErrConflict) || errors.Is(err, openswf.ErrExists) {
				return t, false, err
			}
			r.failed, r.err = true, err
			redo = true
			break
		}
		if !redo {
			return t, false, nil
		}
	}
}
