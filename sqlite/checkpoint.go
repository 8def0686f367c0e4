package sqlite

import (
	"context"
	"database/sql"
	"time"
)

// checkpointInterval is how often the checkpointer copies the WAL back into the database file.
const checkpointInterval = 250 * time.Millisecond

// The writer does not checkpoint (wal_autocheckpoint=0): SQLite's automatic checkpoint runs inside the
// COMMIT that crosses the WAL's size threshold, copying every page back and syncing the database file while
// the whole batch waits — a stall of a hundred milliseconds under load, which every request of that batch,
// and every timer it fires, would feel. A checkpointer on a connection of its own runs PASSIVE checkpoints
// instead: they copy what no reader still needs, never wait, and never hold up the writer.

// checkpointer runs PASSIVE checkpoints on db until stop is closed, then closes db.
func checkpointer(db *sql.DB, stop <-chan struct{}, done chan<- struct{}) {
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
			db.ExecContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)")
			cancel()
		}
	}
}
