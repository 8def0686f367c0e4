package engine

import (
	"context"
	"math/rand/v2"
	"slices"

	"github.com/openswf/openswf"
)

// Several nodes may share one store (Options.Cluster). Two things then change:
//
//   - Timers. Each node fires only the timers of the runs whose timer partition it holds the lease of
//     (openswf.Cluster.TimerFence), and each such transition carries the lease as its fence. A node loads
//     a partition's timers when it takes the lease (AddTimers), and hears of timers other nodes arm in its
//     partitions from the store's notices (AddTimers again). A timer this node arms for a run in another
//     node's partition is that node's to fire.
//   - Matching. A node's task lists hold the tasks it scheduled itself. A poller that finds its list empty
//     looks in the store (Store.FindPendingTasks) before it waits, and again when another node announces
//     tasks on its list (TasksAvailable). The …Started transition remains the only guard: a task two
//     nodes offer is started by one, and the other's poller finds it stale and moves on.

// findLimit is how many pending tasks a poller reads from the store at a time.
const findLimit = 8

// firesTimersOf reports whether this node fires the timers of runID.
func (e *Engine) firesTimersOf(runID string) bool {
	if e.opts.Cluster == nil {
		return true
	}
	_, ok := e.opts.Cluster.TimerFence(runID)
	return ok
}

// AddTimers puts timers in this node's timer queue: those of a partition whose lease this node took, or
// one another node armed in a partition this node holds. A timer of a run this node does not fire is
// ignored; a timer already queued keeps the earlier of its deadlines, and firing is idempotent.
func (e *Engine) AddTimers(ts ...openswf.Timer) {
	for _, t := range ts {
		if e.firesTimersOf(t.RunID) {
			e.timers.push(t.TimerKey, t.Due)
		}
	}
}

// TasksAvailable tells the engine that another node put n tasks in a task list: up to n pollers waiting on
// it here look in the store.
func (e *Engine) TasksAvailable(kind openswf.TaskKind, domain, taskList string, n int) {
	e.matcher.signal(listKey{kind, domain, taskList}, n)
}

// RegistryChanged tells the engine that another node changed a domain (kind empty) or a type: its cached
// copy is dropped, so that the next request reads the change rather than wait for the cache's TTL.
func (e *Engine) RegistryChanged(domain string, kind openswf.TypeKind, name, version string) {
	if kind == "" {
		e.forgetDomain(domain)
		return
	}
	e.forgetType(domain, kind, name, version)
}

// Resync tells the engine it may have missed other nodes' announcements: every waiting poller looks in the
// store, and the registry cache is dropped.
func (e *Engine) Resync() {
	e.matcher.signalAll()
	e.registry.mu.Lock()
	clear(e.registry.domains)
	clear(e.registry.types)
	e.registry.gen++
	e.registry.mu.Unlock()
}

// fromStore reads up to findLimit tasks waiting on a list from the store, highest priority first, then
// oldest, the first few shuffled so that pollers of several nodes reading at once do not all try the same
// task first.
func (e *Engine) fromStore(ctx context.Context, key listKey) []openswf.PendingTask {
	ps, err := e.store.FindPendingTasks(ctx, key.kind, key.domain, key.taskList, findLimit)
	if err != nil {
		if ctx.Err() == nil {
			e.log.Warn("find pending tasks", "kind", key.kind, "domain", key.domain, "task_list", key.taskList, "err", err)
		}
		return nil
	}
	slices.SortStableFunc(ps, func(a, b openswf.PendingTask) int {
		if a.Priority != b.Priority {
			return int(b.Priority) - int(a.Priority)
		}
		return a.ScheduledAt.Compare(b.ScheduledAt)
	})
	if n := min(len(ps), 3); n > 1 {
		rand.Shuffle(n, func(i, j int) { ps[i], ps[j] = ps[j], ps[i] })
	}
	return ps
}

// maxStoreRounds bounds how many times in a row a poller reads candidates from the store without being
// woken: a round whose tasks all proved stale (another node started them first) earns another read, as
// more may wait; past this many, it waits to be woken.
const maxStoreRounds = 4

// newPoll returns the task source of one long poll on key, which holds until the engine's poll hold has
// passed: each call returns the next task to try to start, or false when the hold ended, the client went
// away, or the engine is closing. On one node, that is the task list's next task. On a shared store, a
// poller whose list is empty looks in the store, before it waits and when woken to.
func (e *Engine) newPoll(key listKey) func(ctx context.Context) (openswf.PendingTask, bool) {
	deadline := e.clock.Now().Add(e.opts.PollHold)
	look := e.opts.Cluster != nil
	rounds := 0
	var queue []openswf.PendingTask
	return func(ctx context.Context) (openswf.PendingTask, bool) {
		for {
			if len(queue) > 0 {
				p := queue[0]
				queue = queue[1:]
				return p, true
			}
			if look {
				look = false
				if p, ok := e.matcher.take(key); ok {
					rounds = 0
					return p, true
				}
				if rounds < maxStoreRounds {
					rounds++
					if queue = e.fromStore(ctx, key); len(queue) > 0 {
						look = true // if these all prove stale, look again
						continue
					}
				}
			}
			hold := deadline.Sub(e.clock.Now())
			if hold <= 0 {
				return openswf.PendingTask{}, false
			}
			p, ok := e.matcher.poll(ctx, key, hold, e.clock.After)
			if !ok {
				return openswf.PendingTask{}, false
			}
			if p.RunID == "" { // another node announced tasks on this list
				look, rounds = true, 0
				continue
			}
			return p, true
		}
	}
}
