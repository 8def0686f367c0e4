package node

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/openswf/openswf"
	"github.com/openswf/openswf/engine"
	"github.com/openswf/openswf/metrics"
	"github.com/openswf/openswf/postgres"
)

// loadTimersTimeout bounds the load of the timers of partitions a node has just taken.
const loadTimersTimeout = time.Minute

// timerLoads runs the loads of partitions' timers beside the lease loop, and lets Close end and wait for
// them before the store closes.
type timerLoads struct {
	ctx  context.Context
	stop context.CancelFunc
	wg   *sync.WaitGroup
}

// start loads the timers of parts in a goroutine of its own.
func (l *timerLoads) start(pg *postgres.Store, eng *engine.Engine, parts []int, log *slog.Logger) {
	l.wg.Add(1)
	go func() {
		defer l.wg.Done()
		loadTimers(l.ctx, pg, eng, parts, log)
	}()
}

// wait ends the loads under way and waits for them.
func (l *timerLoads) wait() {
	l.stop()
	l.wg.Wait()
}

// loadTimers puts the timers of the partitions a node has just taken in its engine's queue; overdue ones
// fire at once.
func loadTimers(ctx context.Context, pg *postgres.Store, eng *engine.Engine, parts []int, log *slog.Logger) {
	start := time.Now()
	ctx, cancel := context.WithTimeout(ctx, loadTimersTimeout)
	defer cancel()
	n := 0
	err := pg.LoadTimersIn(ctx, parts, func(t openswf.Timer) error {
		eng.AddTimers(t)
		n++
		return nil
	})
	if err != nil {
		if ctx.Err() != nil && n == 0 {
			return // the node is closing
		}
		log.Error("load the timers of the partitions taken; they fire when the lease is taken again", "partitions", parts, "error", err)
		return
	}
	log.Info("timer partitions taken", "partitions", len(parts), "timers", n, "took", time.Since(start).Round(time.Millisecond))
}

// notices hands the other nodes' notices to the engine.
type notices struct {
	pg     *postgres.Store
	eng    *engine.Engine
	leases *postgres.Leases
	loads  *timerLoads
	log    *slog.Logger
}

func (n notices) TasksAvailable(kind openswf.TaskKind, domain, taskList string, count int) {
	n.eng.TasksAvailable(kind, domain, taskList, count)
}

func (n notices) TimerArmed(t openswf.Timer) { n.eng.AddTimers(t) }

func (n notices) RegistryChanged(domain string, kind openswf.TypeKind, name, version string) {
	n.eng.RegistryChanged(domain, kind, name, version)
}

// Resync wakes the pollers to look in the store, and reloads the timers of the partitions held: timers
// armed while the notices were lost are in the store.
func (n notices) Resync() {
	n.eng.Resync()
	parts, _ := n.leases.Held()
	n.loads.start(n.pg, n.eng, parts, n.log)
}

// registerStoreMetrics exposes a PostgreSQL node's store and lease figures.
func registerStoreMetrics(reg *metrics.Registry, pg *postgres.Store, leases *postgres.Leases) {
	reg.NewCounterFunc("openswf_store_round_trips_total", "Statements and pipelines the store's writers sent to the database.",
		func() uint64 { return uint64(pg.Stats().RoundTrips) })
	reg.NewCounterFunc("openswf_store_retries_total", "Transactions the store ran again after a deadlock or serialization failure.",
		func() uint64 { return uint64(pg.Stats().Retries) })
	reg.NewCounterFunc("openswf_store_heartbeat_batches_total", "Statements that recorded heartbeats.",
		func() uint64 { return uint64(pg.Stats().HeartbeatBatches) })
	reg.NewGaugeFunc("openswf_timer_leases", "Timer partitions whose lease this node holds (of 64).",
		func() float64 { parts, _ := leases.Held(); return float64(len(parts)) })
	reg.NewGaugeFunc("openswf_cluster_nodes", "Live nodes sharing the database, as this node last counted them.",
		func() float64 { _, live := leases.Held(); return float64(live) })
}
