package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/openswf/openswf"
)

// hbOp is one heartbeat queued for a heartbeat writer.
type hbOp struct {
	runID                  string
	scheduledID, startedID int64
	details                *string
	at                     int64
	// cancel is the answer, set before done receives nil.
	cancel bool
	done   chan error
}

// hbKey identifies the task a heartbeat is for.
type hbKey struct {
	runID                  string
	scheduledID, startedID int64
}

// recordHeartbeats records many heartbeats in one statement. The unnest rows are distinct tasks (the
// writer folds heartbeats of one task into one row first): PostgreSQL updates a row once per statement
// whatever number of source rows match it. Heartbeat writers are sharded by run, so two heartbeat
// statements never hold rows of one task; one may still deadlock with a transition that closes tasks of
// two runs, and is then run again (a locking subquery in key order cost more than such rare retries).
const recordHeartbeats = `
UPDATE activities a
SET heartbeats = a.heartbeats + v.n, last_heartbeat = v.at, details = COALESCE(v.details, a.details)
FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[], $6::text[])
	AS v(run_id, scheduled_id, started_id, n, at, details)
WHERE a.run_id = v.run_id AND a.scheduled_id = v.scheduled_id AND a.started_id = v.started_id AND a.started_id > 0
RETURNING a.run_id, a.scheduled_id, a.started_id, a.cancel_requested`

// RecordHeartbeat records a heartbeat on a started activity task. It returns once the heartbeat is
// committed, with the task's cancel-requested flag, or openswf.ErrNotFound if the run has no open task of
// that scheduled and started event id.
func (s *Store) RecordHeartbeat(ctx context.Context, runID string, scheduledID, startedID int64, details *string, at time.Time) (bool, error) {
	if !storable(at, false) {
		return false, fmt.Errorf("record heartbeat of %s/%d: time %v cannot be stored", runID, scheduledID, at)
	}
	if err := ctx.Err(); err != nil {
		return false, err
	}
	o := &hbOp{runID: runID, scheduledID: scheduledID, startedID: startedID, details: details, at: at.UnixNano(),
		done: make(chan error, 1)}
	s.mu.RLock()
	if s.closed {
		s.mu.RUnlock()
		return false, ErrClosed
	}
	select {
	case s.hbs[shard(runID, len(s.hbs))] <- o:
	case <-ctx.Done():
		s.mu.RUnlock()
		return false, ctx.Err()
	}
	s.mu.RUnlock()
	if err := <-o.done; err != nil {
		return false, fmt.Errorf("record heartbeat of %s/%d: %w", runID, scheduledID, err)
	}
	return o.cancel, nil
}

// runHeartbeats is a heartbeat writer: it takes the heartbeats queued, up to MaxHeartbeatBatch, records
// them in one statement, and answers them, until Close closes its queue.
func (s *Store) runHeartbeats(hbs chan *hbOp) {
	defer s.wg.Done()
	batch := make([]*hbOp, 0, s.opts.MaxHeartbeatBatch)
	for o := range hbs {
		batch = fillBatch(append(batch[:0], o), hbs, s.opts.MaxHeartbeatBatch)
		start := time.Now()
		s.commitHeartbeats(batch)
		s.obs.Commit(len(batch), time.Since(start))
		clear(batch)
	}
}

// commitHeartbeats records batch and answers each heartbeat.
func (s *Store) commitHeartbeats(batch []*hbOp) {
	// Fold the heartbeats of one task, in the order they came: their count, the last time, the last
	// details given.
	type fold struct {
		n       int64
		at      int64
		details *string
	}
	folds := make(map[hbKey]*fold, len(batch))
	var keys []hbKey
	for _, o := range batch {
		k := hbKey{o.runID, o.scheduledID, o.startedID}
		f := folds[k]
		if f == nil {
			f = &fold{}
			folds[k] = f
			keys = append(keys, k)
		}
		f.n++
		f.at = o.at
		if o.details != nil {
			f.details = o.details
		}
	}
	runs := make([]string, len(keys))
	sched := make([]int64, len(keys))
	started := make([]int64, len(keys))
	counts := make([]int64, len(keys))
	ats := make([]int64, len(keys))
	details := make([]*string, len(keys))
	for i, k := range keys {
		f := folds[k]
		runs[i], sched[i], started[i], counts[i], ats[i], details[i] = k.runID, k.scheduledID, k.startedID, f.n, f.at, f.details
	}

	var cancel map[hbKey]bool
	var err error
	for attempt := 1; ; attempt++ {
		cancel, err = s.tryHeartbeats(runs, sched, started, counts, ats, details)
		if err == nil || !retryable(err) || attempt >= maxRetries {
			break
		}
		s.noteRetry("deadlock or serialization failure")
		time.Sleep(retryBackoff(attempt))
	}
	s.hbBatches.Add(1)
	if err != nil {
		err = unavailable(err)
		for _, o := range batch {
			o.done <- err
		}
		return
	}
	s.nhbs.Add(int64(len(batch)))
	for _, o := range batch {
		c, ok := cancel[hbKey{o.runID, o.scheduledID, o.startedID}]
		if !ok {
			o.done <- openswf.ErrNotFound
			continue
		}
		o.cancel = c
		o.done <- nil
	}
}

// tryHeartbeats runs recordHeartbeats once and reports the cancel-requested flag of every task it found.
func (s *Store) tryHeartbeats(runs []string, sched, started, counts, ats []int64, details []*string) (map[hbKey]bool, error) {
	s.roundTrips.Add(1)
	rows, err := s.pool.Query(context.Background(), recordHeartbeats, runs, sched, started, counts, ats, details)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	found := make(map[hbKey]bool, len(runs))
	for rows.Next() {
		var t hbKey
		var c bool
		if err := rows.Scan(&t.runID, &t.scheduledID, &t.startedID, &c); err != nil {
			return nil, err
		}
		found[t] = c
	}
	return found, rows.Err()
}
