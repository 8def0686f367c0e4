package engine

import (
	"container/heap"
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/openswf/openswf"
)

// timerQueue holds the deadlines this node fires, earliest first. Entries may be stale (the thing closed, or
// a heartbeat moved the deadline): firing re-reads the state, so a stale entry costs one lookup.
type timerQueue struct {
	mu   sync.Mutex
	h    timerHeap
	wake chan struct{} // signalled when an earlier deadline arrives
}

type dueTimer struct {
	key openswf.TimerKey
	due time.Time
}

func newTimerQueue() *timerQueue { return &timerQueue{wake: make(chan struct{}, 1)} }

func (q *timerQueue) push(k openswf.TimerKey, due time.Time) {
	q.mu.Lock()
	heap.Push(&q.h, dueTimer{k, due})
	first := q.h[0].key == k && q.h[0].due.Equal(due)
	q.mu.Unlock()
	if first {
		select {
		case q.wake <- struct{}{}:
		default:
		}
	}
}

// popDue removes and returns the timers due at now.
func (q *timerQueue) popDue(now time.Time) []dueTimer {
	q.mu.Lock()
	defer q.mu.Unlock()
	var out []dueTimer
	for len(q.h) > 0 && !q.h[0].due.After(now) {
		out = append(out, heap.Pop(&q.h).(dueTimer))
	}
	return out
}

// next reports the earliest deadline.
func (q *timerQueue) next() (time.Time, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.h) == 0 {
		return time.Time{}, false
	}
	return q.h[0].due, true
}

type timerHeap []dueTimer

func (h timerHeap) Len() int           { return len(h) }
func (h timerHeap) Less(i, j int) bool { return h[i].due.Before(h[j].due) }
func (h timerHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *timerHeap) Push(x any)        { *h = append(*h, x.(dueTimer)) }
func (h *timerHeap) Pop() any {
	old := *h
	t := old[len(old)-1]
	*h = old[:len(old)-1]
	return t
}

// timerLoop fires timers on the engine's clock until Close.
func (e *Engine) timerLoop() {
	defer e.wg.Done()
	for {
		wait := time.Hour
		if due, ok := e.timers.next(); ok {
			wait = due.Sub(e.clock.Now())
		}
		if wait > 0 {
			ch, stop := e.clock.After(wait)
			select {
			case <-e.closing:
				stop()
				return
			case <-e.timers.wake:
				stop()
				continue
			case <-ch:
			}
		}
		select {
		case <-e.closing:
			return
		default:
		}
		e.FireDue(context.Background())
	}
}

// FireDue fires every timer due on the engine's clock and returns when their transitions have committed.
// The timer loop calls it; tests that disable the loop call it after advancing a manual clock. Timers of one
// run are decided together in deadline order and commit as one transition; different runs fire
// concurrently, so that their transitions share group commits.
func (e *Engine) FireDue(ctx context.Context) {
	// A heartbeat timer that finds its deadline moved re-arms itself; if the new deadline has passed too
	// (the clock jumped, or the server was down), the next round fires it.
	for round := 0; round < 8; round++ {
		due := e.timers.popDue(e.clock.Now())
		if len(due) == 0 {
			return
		}
		e.fireAll(ctx, due)
	}
}

func (e *Engine) fireAll(ctx context.Context, due []dueTimer) {
	byRun := map[string][]dueTimer{}
	var runs []string
	for _, t := range due { // popDue returns deadline order
		if byRun[t.key.RunID] == nil {
			runs = append(runs, t.key.RunID)
		}
		byRun[t.key.RunID] = append(byRun[t.key.RunID], t)
	}
	work := make(chan []dueTimer)
	var wg sync.WaitGroup
	for range min(e.opts.TimerWorkers, len(runs)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ts := range work {
				e.fireRun(ctx, ts)
			}
		}()
	}
	for _, r := range runs {
		work <- byRun[r]
	}
	close(work)
	wg.Wait()
}

// fireRun acts on due timers of one run, in deadline order, queued together in the run's lane so that
// timeouts that come due together commit together. Each re-reads the state and does nothing if its
// deadline no longer applies. A timer whose transition fails keeps its deadline, retried shortly, rather
// than lose a timeout.
func (e *Engine) fireRun(ctx context.Context, ts []dueTimer) {
	reqs := make([]*request, len(ts))
	for i, dt := range ts {
		k := dt.key
		reqs[i] = &request{ctx: ctx, done: make(chan struct{}), fn: func(t *txn) error {
			if !t.x.Open {
				return errStale
			}
			if c := t.e.opts.Cluster; c != nil {
				// Another node fires this run's timers now; the timer is in its queue (cluster.go).
				f, ok := c.TimerFence(k.RunID)
				if !ok {
					return errStale
				}
				t.tr.Fence = &f
			}
			switch k.Kind {
			case openswf.TimerWorkflowStartToClose:
				return t.timeoutWorkflow()
			case openswf.TimerDecisionStartToClose:
				return t.timeoutDecision(k.ID)
			case openswf.TimerUser:
				return t.fireUserTimer(k.ID)
			default:
				return t.timeoutActivity(t.ctx, k)
			}
		}}
	}
	e.submit(ts[0].key.RunID, reqs...)
	for i, r := range reqs {
		<-r.done
		k, err := ts[i].key, r.err
		switch {
		case errors.Is(err, errStale) || openswf.KindOf(err) == openswf.KindUnknownResource:
		case errors.Is(err, openswf.ErrFenced):
			e.log.Warn("timer not fired: its lease passed to another node", "run", k.RunID, "kind", k.Kind, "id", k.ID)
		case err != nil:
			e.log.Error("fire timer", "run", k.RunID, "kind", k.Kind, "id", k.ID, "err", err)
			e.timers.push(k, e.clock.Now().Add(time.Second))
		default:
			late := e.clock.Now().Sub(ts[i].due)
			e.opts.Observer.TimerFired(k.Kind, late)
			if e.log.Enabled(ctx, slog.LevelDebug) {
				e.log.DebugContext(ctx, "timer fired", "kind", k.Kind, "run", k.RunID, "id", k.ID, "lateness", late)
			}
		}
	}
}

func (t *txn) timeoutWorkflow() error {
	t.event(openswf.EventWorkflowExecutionTimedOut, openswf.WorkflowExecutionTimedOutAttributes{
		TimeoutType: "START_TO_CLOSE", ChildPolicy: t.x.ChildPolicy,
	})
	t.closeExecution(openswf.CloseTimedOut, closeDetail{TimeoutType: "START_TO_CLOSE"})
	return nil
}

func (t *txn) timeoutDecision(scheduledID int64) error {
	d := t.x.Decision
	if d.ScheduledID != scheduledID || !d.Started() {
		return errStale
	}
	t.event(openswf.EventDecisionTaskTimedOut, openswf.DecisionTaskTimedOutAttributes{
		TimeoutType: "START_TO_CLOSE", ScheduledEventID: d.ScheduledID, StartedEventID: d.StartedID,
	})
	t.deleteTimer(openswf.TimerDecisionStartToClose, scheduledID)
	t.x.Decision = openswf.DecisionTaskState{}
	t.scheduleDecision()
	return nil
}

func (t *txn) fireUserTimer(startedID int64) error {
	for id, tm := range t.x.Timers {
		if tm.StartedEventID != startedID {
			continue
		}
		t.event(openswf.EventTimerFired, openswf.TimerFiredAttributes{TimerID: id, StartedEventID: startedID})
		t.deleteTimer(openswf.TimerUser, startedID)
		delete(t.x.Timers, id)
		t.scheduleDecision()
		return nil
	}
	return errStale
}

func (t *txn) timeoutActivity(ctx context.Context, k openswf.TimerKey) error {
	a, err := t.activity(ctx, k.ID)
	if errors.Is(err, openswf.ErrNotFound) {
		return errStale
	}
	if err != nil {
		return err
	}
	var typ string
	switch k.Kind {
	case openswf.TimerActivityScheduleToStart:
		if a.StartedID != 0 {
			return errStale
		}
		typ = "SCHEDULE_TO_START"
	case openswf.TimerActivityScheduleToClose:
		typ = "SCHEDULE_TO_CLOSE"
	case openswf.TimerActivityStartToClose:
		if a.StartedID == 0 {
			return errStale
		}
		typ = "START_TO_CLOSE"
	case openswf.TimerActivityHeartbeat:
		deadline := a.HeartbeatDeadline()
		if deadline.IsZero() {
			return errStale
		}
		if deadline.After(t.now) {
			// A heartbeat moved the deadline: re-arm in memory only; the durable row keeps the older
			// deadline, which after a restart simply fires early and lands here again.
			t.e.timers.push(k, deadline)
			return errStale
		}
		typ = "HEARTBEAT"
	default:
		return errStale
	}
	t.event(openswf.EventActivityTaskTimedOut, openswf.ActivityTaskTimedOutAttributes{
		TimeoutType: typ, ScheduledEventID: a.ScheduledID, StartedEventID: a.StartedID, Details: a.Details,
	})
	// The close is guarded by the heartbeat count read above, so that the event carries the details of
	// the last acknowledged heartbeat and a heartbeat timeout never closes a task a heartbeat just saved.
	// The other timeouts are hard caps: after a few lost races with a worker heartbeating in a tight loop
	// they close unguarded, so heartbeats cannot hold them off.
	guard := a.Heartbeats
	if typ != "HEARTBEAT" && t.attempt >= 4 {
		guard = -1
	}
	t.closeActivity(a, guard)
	t.scheduleDecision()
	return nil
}
