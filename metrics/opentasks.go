package metrics

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/openswf/openswf"
)

// OpenTaskCounter counts open tasks; openswf.Store is one.
type OpenTaskCounter interface {
	CountOpenTasks(ctx context.Context) (openswf.OpenTaskCounts, error)
}

// OpenTasksOptions tunes RegisterOpenTasks.
type OpenTasksOptions struct {
	// Timeout bounds one count; DefaultOpenTasksTimeout if zero or less. A count that does not finish in
	// time leaves the gauges out of that scrape.
	Timeout time.Duration
	// Logger receives failed counts (level Warn); nil means slog.Default().
	Logger *slog.Logger
}

// DefaultOpenTasksTimeout bounds a count of open tasks unless OpenTasksOptions say otherwise.
const DefaultOpenTasksTimeout = 2 * time.Second

// RegisterOpenTasks registers openswf_open_activity_tasks{state} and openswf_open_decision_tasks{state},
// counted by c at scrape time. state is "scheduled" (waiting for a worker or decider) or "started" (held by
// one); decision tasks have only "scheduled" (see openswf.OpenTaskCounts).
//
// A count reads an index entry per open activity task, some tens of milliseconds at a million, so the two
// gauges share one count, and a count is reused for twenty times as long as it took (at least a second):
// however often Prometheus scrapes, counting costs at most a twentieth of a core.
func RegisterOpenTasks(r *Registry, c OpenTaskCounter, opts OpenTasksOptions) {
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultOpenTasksTimeout
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	o := &openTasks{c: c, timeout: opts.Timeout, log: opts.Logger}
	state := []string{"state"}
	r.NewGaugeVecFunc("openswf_open_activity_tasks",
		"Open activity tasks of every domain, by state: scheduled (waiting for a worker) or started.",
		state, func(emit func(float64, ...string)) {
			if n, ok := o.get(); ok {
				emit(float64(n.ActivityScheduled), "scheduled")
				emit(float64(n.ActivityStarted), "started")
			}
		})
	r.NewGaugeVecFunc("openswf_open_decision_tasks",
		"Decision tasks of every domain waiting for a decider (state scheduled).",
		state, func(emit func(float64, ...string)) {
			if n, ok := o.get(); ok {
				emit(float64(n.DecisionScheduled), "scheduled")
			}
		})
}

// openTasks is the count the open task gauges share.
type openTasks struct {
	c       OpenTaskCounter
	timeout time.Duration
	log     *slog.Logger

	mu    sync.Mutex // held while counting, so that overlapping scrapes count once
	until time.Time  // last is reused until then; zero before the first count
	last  openswf.OpenTaskCounts
	ok    bool
}

// minReuse is the least time a count is reused, so that one scrape's two gauges share it.
const minReuse = time.Second

// get returns the last count if it is still fresh, or counts again.
func (o *openTasks) get() (openswf.OpenTaskCounts, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	now := time.Now()
	if now.Before(o.until) {
		return o.last, o.ok
	}
	ctx, cancel := context.WithTimeout(context.Background(), o.timeout)
	defer cancel()
	n, err := o.c.CountOpenTasks(ctx)
	took := time.Since(now)
	o.until = now.Add(max(minReuse, 20*took))
	o.last, o.ok = n, err == nil
	if err != nil {
		o.log.Warn("metrics: count open tasks", "error", err, "took", took)
	}
	return o.last, o.ok
}
