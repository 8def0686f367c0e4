package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/openswf/openswf"
)

// op is one write queued for the writer. run executes its statements inside the batch's transaction; done
// receives its outcome once the batch's COMMIT has returned.
type op struct {
	run  func(w *writer) error
	done chan error
	// bare marks an op that can report an openswf sentinel error (ErrConflict, ErrExists, ErrNotFound)
	// only from its first changing statement, when that statement changed nothing: then the op has nothing
	// to take back, and it runs without a savepoint. A heartbeat so costs one statement instead of three,
	// and SQLite copies no page into a savepoint journal for it. Any other error of a bare op is handled
	// by runBatch as if the transaction were lost.
	bare bool
	// hb is set, and run nil, for a heartbeat (heartbeats.go).
	hb *hbOp
	// after is what the op changes in the heartbeat state once its batch has committed.
	after []func(h *heartbeats)
}

// writer owns the single write connection and the statements prepared on it. Only the writer goroutine
// (Store.run) uses it after Open.
type writer struct {
	ctx  context.Context // never canceled: a queued op runs to the end whatever its caller does
	conn *sql.Conn

	begin, commit, rollback            *sql.Stmt
	savepoint, release, rollbackTo     *sql.Stmt
	insertExecution, updateExecution   *sql.Stmt
	updateOpenExecution, insertTag     *sql.Stmt
	selectPurgeable                    *sql.Stmt
	purgeEvents, purgeActivities       *sql.Stmt
	purgeTimers, purgeTags, purgeRun   *sql.Stmt
	insertEvent                        *sql.Stmt
	putActivity, cancelActivity        *sql.Stmt
	closeActivity                      *sql.Stmt
	putTimer, deleteTimer              *sql.Stmt
	insertDomain, updateDomain         *sql.Stmt
	insertType, updateType, deleteType *sql.Stmt
	insertSecret, selectSecret         *sql.Stmt
	upsertSecret                       *sql.Stmt
	selectHeartbeat, foldHeartbeat     *sql.Stmt
	setHeartbeat                       *sql.Stmt

	prepared []*sql.Stmt

	hb *heartbeats
	// replayed counts the heartbeat journal's records folded into the rows at Open.
	replayed int
	// opAfter collects the heartbeat state changes of the op being run (afterCommit).
	opAfter []func(h *heartbeats)
}

// newWriter prepares the writer's statements on conn. On error the caller still owns conn.
func newWriter(ctx context.Context, conn *sql.Conn) (*writer, error) {
	w := &writer{ctx: context.WithoutCancel(ctx), conn: conn}
	stmts := []struct {
		dst   **sql.Stmt
		query string
	}{
		// BEGIN IMMEDIATE takes the write lock at once: a deferred transaction that reads first and then
		// writes can fail to upgrade its lock (SQLITE_BUSY without waiting) when another process writes.
		{&w.begin, "BEGIN IMMEDIATE"},
		{&w.commit, "COMMIT"},
		{&w.rollback, "ROLLBACK"},
		{&w.savepoint, "SAVEPOINT op"},
		{&w.release, "RELEASE op"},
		{&w.rollbackTo, "ROLLBACK TO op"},

		// ON CONFLICT DO NOTHING covers both the run id and the one-open-run-per-workflow-id index; no
		// row inserted means the execution exists.
		{&w.insertExecution, `INSERT INTO executions
			(run_id, domain, workflow_id, open, version, start_time, close_time, decision_task_list, state,
			 type_name, type_version, close_status)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`},
		{&w.updateExecution, `UPDATE executions
			SET open = ?, version = ?, start_time = ?, close_time = ?, decision_task_list = ?, state = ?,
			    close_status = ?
			WHERE run_id = ? AND version = ?`},
		// The common case, a transition of a run that stays open, sets no column the visibility indexes
		// hold: SQLite then leaves those indexes alone. A run that was closed in the store does not match,
		// and Apply falls back to updateExecution.
		{&w.updateOpenExecution, `UPDATE executions SET version = ?, decision_task_list = ?, state = ?
			WHERE run_id = ? AND version = ? AND open = 1`},
		{&w.insertTag, "INSERT OR IGNORE INTO execution_tags (run_id, tag) VALUES (?, ?)"},
		{&w.selectPurgeable, `SELECT run_id FROM executions
			WHERE domain = ? AND open = 0 AND close_time < ?
			ORDER BY close_time, run_id LIMIT ?`},
		{&w.purgeEvents, "DELETE FROM events WHERE run_id = ?"},
		{&w.purgeActivities, "DELETE FROM activities WHERE run_id = ?"},
		{&w.purgeTimers, "DELETE FROM timers WHERE run_id = ?"},
		{&w.purgeTags, "DELETE FROM execution_tags WHERE run_id = ?"},
		{&w.purgeRun, "DELETE FROM executions WHERE run_id = ? AND open = 0"},
		{&w.insertEvent, "INSERT INTO events (run_id, id, time, type, attrs) VALUES (?, ?, ?, ?, ?)"},
		{&w.putActivity, `INSERT OR REPLACE INTO activities
			(run_id, scheduled_id, domain, task_list, started_id, heartbeats, last_heartbeat, details,
			 cancel_requested, data)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`},
		{&w.cancelActivity, "UPDATE activities SET cancel_requested = 1 WHERE run_id = ? AND scheduled_id = ?"},
		{&w.closeActivity, `DELETE FROM activities
			WHERE run_id = ? AND scheduled_id = ? AND (heartbeats = ? OR ? < 0)`},
		{&w.selectHeartbeat, `SELECT started_id, heartbeats, last_heartbeat, details, cancel_requested
			FROM activities WHERE run_id = ? AND scheduled_id = ?`},
		// A fold or a replay never takes a task's heartbeat count back.
		{&w.foldHeartbeat, `UPDATE activities SET heartbeats = ?, last_heartbeat = ?, details = COALESCE(?, details)
			WHERE run_id = ? AND scheduled_id = ? AND started_id = ? AND heartbeats < ?`},
		// Only the recovery of a failed journal sets a state whatever the row holds (recoverHeartbeats).
		{&w.setHeartbeat, `UPDATE activities SET heartbeats = ?, last_heartbeat = ?, details = ?
			WHERE run_id = ? AND scheduled_id = ? AND started_id = ?`},
		{&w.putTimer, "INSERT OR REPLACE INTO timers (run_id, kind, id, domain, due) VALUES (?, ?, ?, ?, ?)"},
		{&w.deleteTimer, "DELETE FROM timers WHERE run_id = ? AND kind = ? AND id = ?"},

		{&w.insertDomain, "INSERT INTO domains (name, status, data) VALUES (?, ?, ?) ON CONFLICT DO NOTHING"},
		{&w.updateDomain, "UPDATE domains SET status = ?, data = ? WHERE name = ?"},
		{&w.insertType, `INSERT INTO types (domain, kind, name, version, status, data)
			VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`},
		{&w.updateType, `UPDATE types SET status = ?, data = ?
			WHERE domain = ? AND kind = ? AND name = ? AND version = ?`},
		{&w.deleteType, "DELETE FROM types WHERE domain = ? AND kind = ? AND name = ? AND version = ?"},
		{&w.insertSecret, "INSERT INTO secrets (name, value) VALUES (?, ?) ON CONFLICT DO NOTHING"},
		{&w.selectSecret, "SELECT value FROM secrets WHERE name = ?"},
		{&w.upsertSecret, "INSERT INTO secrets (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value"},
	}
	for _, st := range stmts {
		p, err := conn.PrepareContext(ctx, st.query)
		if err != nil {
			for _, p := range w.prepared {
				p.Close()
			}
			return nil, fmt.Errorf("prepare %q: %w", st.query, err)
		}
		*st.dst = p
		w.prepared = append(w.prepared, p)
	}
	return w, nil
}

// close releases the statements and the connection.
func (w *writer) close() error {
	var errs []error
	for _, p := range w.prepared {
		errs = append(errs, p.Close())
	}
	w.prepared = nil
	errs = append(errs, w.conn.Close())
	return errors.Join(errs...)
}

// exec runs a prepared statement and reports how many rows it changed.
func (w *writer) exec(st *sql.Stmt, args ...any) (int64, error) {
	res, err := st.ExecContext(w.ctx, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// write queues an op of several statements for the writer and waits for its outcome. It runs in a
// savepoint of its own, so that an error halfway takes back its first steps and nothing else.
func (s *Store) write(ctx context.Context, run func(w *writer) error) error {
	return s.submit(ctx, &op{run: run, done: make(chan error, 1)})
}

// writeBare queues an op that needs no savepoint (see op.bare) and waits for its outcome.
func (s *Store) writeBare(ctx context.Context, run func(w *writer) error) error {
	return s.submit(ctx, &op{run: run, done: make(chan error, 1), bare: true})
}

// submit queues o and waits for its outcome. ctx bounds only the wait for a place in the queue: once
// queued, an op may commit, so its caller waits for the answer rather than guess.
func (s *Store) submit(ctx context.Context, o *op) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.RLock()
	if s.closed {
		s.mu.RUnlock()
		return ErrClosed
	}
	select {
	case s.ops <- o:
	case <-ctx.Done():
		s.mu.RUnlock()
		return ctx.Err()
	}
	s.mu.RUnlock()
	return <-o.done
}

// run is the writer goroutine: it takes the first queued op, adds whatever else is already queued up to
// maxBatch, commits them together, and answers them. While the heartbeat journal has failed, it tries to
// recover it before a batch and, with no batch coming, on a timer. It returns once Close has closed the
// queue and the queue is empty.
func (s *Store) run(maxBatch int) {
	defer close(s.writerDone)
	batch := make([]*op, 0, maxBatch)
	retry := time.NewTimer(time.Hour)
	retry.Stop()
	defer retry.Stop()
	var retryC <-chan time.Time // nil unless the journal has failed
	for {
		var o *op
		var ok bool
		select {
		case o, ok = <-s.ops:
		case <-retryC:
			retryC = s.recoverHeartbeats(retry)
			continue
		case <-s.w.hb.failures:
			retryC = s.recoverHeartbeats(retry)
			continue
		}
		if !ok {
			// Close: every heartbeat into the rows, so that Close can remove the journal.
			s.w.hb.stopSyncer()
			s.finalFold = s.w.closeFold()
			return
		}
		batch = append(batch[:0], o)
	fill:
		for len(batch) < maxBatch {
			select {
			case o, ok := <-s.ops:
				if !ok {
					break fill // the next receive in the outer loop sees the close
				}
				batch = append(batch, o)
			default:
				break fill
			}
		}
		retryC = s.recoverHeartbeats(retry)
		s.batches.Add(1)
		s.nops.Add(int64(len(batch)))
		s.commit(batch)
		clear(batch) // drop the references so that finished ops can be collected
		if s.w.hb.foldDue() {
			s.w.fold() // on error the journal keeps its records, or has failed; the next batch tries again
		}
		if s.walFull.Swap(false) {
			s.w.finishCheckpoint()
		}
	}
}

// recoverHeartbeats tries to recover a failed heartbeat journal if a try is due, and arms retry for the
// next one. It returns retry's channel while the journal stays failed, nil once it is not.
func (s *Store) recoverHeartbeats(retry *time.Timer) <-chan time.Time {
	wait, failed := s.w.maybeRecoverHeartbeats()
	if !failed {
		retry.Stop()
		return nil
	}
	retry.Reset(wait)
	return retry.C
}

// commitBatch commits the batch's SQL ops in one transaction, then runs its heartbeats (heartbeats.go), and
// answers every op.
func (w *writer) commitBatch(batch []*op) {
	sqlOps, hbOps := batch, []*op(nil)
	if slices.ContainsFunc(batch, func(o *op) bool { return o.hb != nil }) {
		sqlOps = make([]*op, 0, len(batch))
		for _, o := range batch {
			if o.hb != nil {
				hbOps = append(hbOps, o)
			} else {
				sqlOps = append(sqlOps, o)
			}
		}
	}
	if len(sqlOps) > 0 {
		w.commitSQL(sqlOps)
	}
	if len(hbOps) > 0 {
		w.runHeartbeats(hbOps)
	}
}

// commitSQL commits the ops in one transaction and answers every op once the COMMIT has returned.
//
// An op that fails has changed nothing that remains, and the batch goes on: an op in a savepoint rolls back
// to it; a bare op fails with a sentinel error only when it changed nothing. Any other failure of a bare
// op may have left half its changes behind, or taken the whole transaction down with it (SQLITE_FULL,
// SQLITE_IOERR and SQLITE_NOMEM roll it back), so the transaction is rolled back, that op is answered, and
// the others run again in a new transaction, each in a savepoint. If the transaction cannot begin or
// commit, every op of the batch gets that error: none of them committed. A storage fault among these
// errors is answered as such (storageFault), for the client to retry.
func (w *writer) commitSQL(batch []*op) {
	errs, broken, err := w.runBatch(batch, false)
	if broken >= 0 {
		batch[broken].done <- storageFault(errs[broken])
		batch = slices.Delete(slices.Clone(batch), broken, broken+1)
		errs, _, err = w.runBatch(batch, true)
	}
	if err == nil {
		w.hb.mu.Lock()
		for i, o := range batch {
			if errs[i] == nil {
				for _, f := range o.after {
					f(w.hb)
				}
			}
			o.after = nil
		}
		w.hb.mu.Unlock()
	}
	for i, o := range batch {
		if err != nil {
			o.done <- storageFault(err)
		} else {
			o.done <- storageFault(errs[i])
		}
	}
}

// runBatch runs the ops in one transaction and commits it. It returns each op's outcome, or the error that
// made the whole batch fail. With savepoints false, bare ops run without one; if one fails with another
// than a sentinel error, runBatch rolls back and returns that op's index as broken. broken is -1
// otherwise.
func (w *writer) runBatch(batch []*op, savepoints bool) (errs []error, broken int, err error) {
	errs = make([]error, len(batch))
	if _, err := w.exec(w.begin); err != nil {
		w.rollback.ExecContext(w.ctx) // in case BEGIN failed half-way; an error here changes nothing
		return nil, -1, fmt.Errorf("begin batch: %w", err)
	}
	fail := func(err error) ([]error, int, error) {
		w.rollback.ExecContext(w.ctx) // the transaction may already be gone; nothing more to do
		return nil, -1, err
	}
	for i, o := range batch {
		o.after, w.opAfter = nil, nil
		if o.bare && !savepoints {
			errs[i] = o.run(w)
			if errs[i] == nil {
				o.after = w.opAfter
			}
			if errs[i] != nil && !isSentinel(errs[i]) {
				w.rollback.ExecContext(w.ctx)
				return errs, i, nil
			}
			continue
		}
		if _, err := w.exec(w.savepoint); err != nil {
			return fail(fmt.Errorf("begin op: %w", err))
		}
		if errs[i] = o.run(w); errs[i] == nil {
			o.after = w.opAfter
		} else {
			if _, err := w.exec(w.rollbackTo); err != nil {
				// The failure took the transaction, and the savepoint, down with it.
				return fail(fmt.Errorf("roll back op after %w: %w", errs[i], err))
			}
		}
		if _, err := w.exec(w.release); err != nil {
			return fail(fmt.Errorf("end op: %w", err))
		}
	}
	if _, err := w.exec(w.commit); err != nil {
		return fail(fmt.Errorf("commit batch: %w", err))
	}
	return errs, -1, nil
}

// isSentinel reports whether err is one of the outcomes that leave the transaction going: a conflict, an
// existing or a missing record.
func isSentinel(err error) bool {
	return errors.Is(err, openswf.ErrConflict) || errors.Is(err, openswf.ErrExists) || errors.Is(err, openswf.ErrNotFound)
}
