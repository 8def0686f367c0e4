package node

import (
	"context"
	"log/slog"
	"time"

	"github.com/openswf/openswf"
	"github.com/openswf/openswf/engine"
)

// countTimeout bounds the count of open runs in the recovery summary: it reads an index entry per open run
// of each domain, which is quick, but start-up must not wait on a log line.
const countTimeout = 2 * time.Second

// journalReplayer is a store that replays a journal at Open: the SQLite store's heartbeat journal.
type journalReplayer interface {
	JournalRecordsReplayed() int
}

// logRecovery logs, at info, what start-up recovered: the open runs, the waiting tasks and the timers the
// engine loaded, the heartbeat journal records the store replayed, and the time the store and the engine
// took to open. open_runs is -1 when the count did not finish within countTimeout.
func logRecovery(ctx context.Context, log *slog.Logger, store openswf.Store, rec engine.Recovered, storeTook, engineTook time.Duration) {
	if !log.Enabled(ctx, slog.LevelInfo) {
		return
	}
	attrs := []slog.Attr{
		slog.Int("open_runs", countOpenRuns(ctx, store)),
		slog.Int("pending_tasks", rec.PendingTasks),
		slog.Int("timers", rec.Timers),
	}
	if j, ok := store.(journalReplayer); ok {
		attrs = append(attrs, slog.Int("journal_records_replayed", j.JournalRecordsReplayed()))
	}
	attrs = append(attrs, slog.Duration("store_open", storeTook), slog.Duration("engine_open", engineTook))
	log.LogAttrs(ctx, slog.LevelInfo, "recovered", attrs...)
}

// countOpenRuns counts the open runs of every domain, or answers -1 when that
// fails or takes longer than countTimeout.
func countOpenRuns(ctx context.Context, store openswf.Store) int {
	ctx, cancel := context.WithTimeout(ctx, countTimeout)
	defer cancel()
	n, after := 0, ""
	for {
		// Every domain, registered or deprecated (status ""): a deprecated domain's runs go on.
		ds, err := store.ListDomains(ctx, "", after, 1000, false)
		if err != nil {
			return -1
		}
		for _, d := range ds {
			c, err := store.CountExecutions(ctx, openswf.ExecutionQuery{Domain: d.Name, Open: true})
			if err != nil {
				return -1
			}
			n += c
		}
		if len(ds) < 1000 {
			break
		}
		after = ds[len(ds)-1].Name
	}
	return n
}
