package sqlite

import (
	"context"
	"database/sql"
	"sync/atomic"
	"time"
)

// checkpointInterval is how often the checkpointer copies the WAL back into the database file.
const checkpointInterval = 250 * time.Millisecond

// walResetFrames is the WAL length (in pages, about 4 MiB) past which the writer finishes a checkpoint
// itself, between two batches. SQLite starts the WAL over only when a write transaction begins and finds
// every frame copied back; a checkpoint on another connection never gets there while the writer keeps
// appending, so without this the WAL would grow for as long as writes go on.
const walResetFrames = 1000

// The writer does not checkpoint (wal_autocheckpoint=0): SQLite's automatic checkpoint runs inside the
// COMMIT that crosses the WAL's size threshold, copying every page back and syncing the database file while
// the whole batch waits — a stall of a hundred milliseconds under load, which every request of that batch,
// and every timer it fires, would feel. A checkpointer on a connection of its own runs PASSIVE checkpoints
// instead: they copy what no reader still needs, never wait, and never hold up the writer.

// checkpointer runs PASSIVE checkpoints on db until stop is closed, then closes db. When the WAL has
// grown past walResetFrames it sets walFull, for the writer to finish the job between batches.
func checkpointer(db *sql.DB, walFull *atomic.Bool, stop <-chan struct{}, done chan<- struct{}) {
	defer close(done)
	defer db.Close()
	t := time.NewTicker(checkpointInterval)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			// An error (the database busy in a way PASSIVE does not wait for) only postpones the copy to
			// the next tick.
			var busy, frames, copied int
			err := db.QueryRowContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &frames, &copied)
			cancel()
			if err == nil && frames >= walResetFrames {
				walFull.Store(true)
			}
		}
	}
}

// finishCheckpoint copies what is left of the WAL (the background pass has done the bulk) on the writer's
// own connection, between batches, so that the next write transaction can start the WAL over.
func (w *writer) finishCheckpoint() {
	w.conn.ExecContext(w.ctx, "PRAGMA wal_checkpoint(PASSIVE)") // an error only leaves the WAL long until next time
}
