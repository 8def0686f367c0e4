package sqlite

import "time"

// Observer receives the writer's measurements, for metrics. Its methods run on the writer goroutine
// between two batches, after the batch's SQL ops have been answered: they must be cheap, since the next
// batch waits for them, but they add nothing to a caller's latency.
type Observer interface {
	// Commit reports one batch: how many ops it carried, and how long the writer spent on it, from BEGIN
	// through COMMIT (every op's statements and the fsync) and the writing of its heartbeats' journal
	// records; their sync and answers follow on the journal's syncer. A batch whose transaction failed is
	// reported too.
	Commit(ops int, d time.Duration)
}

// noObserver is the Observer of a Store opened without one.
type noObserver struct{}

func (noObserver) Commit(int, time.Duration) {}

// commit is the writer's w.commitBatch, measured for the observer. The observer hears of the batch after
// its SQL ops have been answered (its heartbeats are answered by the journal's syncer).
func (s *Store) commit(batch []*op) {
	start := time.Now()
	s.w.commitBatch(batch)
	s.obs.Commit(len(batch), time.Since(start))
}
