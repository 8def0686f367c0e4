package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/openswf/openswf"
)

// maxRetries bounds how many times a writer runs a batch that keeps meeting deadlocks or serialization
// failures before it fails the batch's writes as unavailable.
const maxRetries = 20

// op is one write queued for a writer. run sends its statements inside the batch's transaction; done
// receives its outcome once the batch has committed or failed.
type op struct {
	run  func(w *wtx) error
	done chan error
	// bare marks an op that can report an openswf sentinel error (ErrConflict, ErrExists, ErrNotFound)
	// only from its first statement, and only when that statement changed nothing: it then needs no
	// savepoint. Any other error of a bare op breaks the batch, whose ops then run one by one.
	bare bool
}

// stmt is one statement of a pipeline.
type stmt struct {
	sql  string
	args []any
}

// wtx is a batch's transaction as its ops see it. The writer opens and ends the transaction with
// statements of its own on the connection, not with pgx.Tx, so that BEGIN goes in the same round trip as the
// first op's statements and COMMIT in the same as the last savepoint's release: a batch of bare ops costs
// two round trips, not four.
type wtx struct {
	ctx context.Context
	tx  *pgxpool.Conn
	s   *Store
	// prefix holds statements (BEGIN, savepoints) to send before the op's next statements, in the same round
	// trip.
	prefix []string
	// begun tells that BEGIN was sent.
	begun bool
}

// exec runs one statement and reports the rows it changed.
func (w *wtx) exec(sql string, args ...any) (int64, error) {
	n, err := w.pipeline(stmt{sql, args})
	if err != nil {
		return 0, err
	}
	return n[0], nil
}

// pipeline sends the savepoint prefix and stmts in one round trip and reports the rows each statement
// changed. On error the transaction is aborted (or the savepoint must be rolled back).
func (w *wtx) pipeline(stmts ...stmt) ([]int64, error) {
	w.s.roundTrips.Add(1)
	w.begun = true
	if len(w.prefix) == 0 && len(stmts) == 1 {
		tag, err := w.tx.Exec(w.ctx, stmts[0].sql, stmts[0].args...)
		if err != nil {
			return nil, err
		}
		return []int64{tag.RowsAffected()}, nil
	}
	b := w.takePrefix()
	for _, st := range stmts {
		b.Queue(st.sql, st.args...)
	}
	br := w.tx.SendBatch(w.ctx, b)
	var first error
	n := make([]int64, 0, len(stmts))
	for i := range b.Len() {
		tag, err := br.Exec()
		if err != nil && first == nil {
			first = err
		}
		if i >= b.Len()-len(stmts) {
			n = append(n, tag.RowsAffected())
		}
	}
	if err := br.Close(); err != nil && first == nil {
		first = err
	}
	if first != nil {
		return nil, first
	}
	return n, nil
}

// takePrefix returns a batch that holds the pending prefix, which it empties.
func (w *wtx) takePrefix() *pgx.Batch {
	b := &pgx.Batch{}
	for _, p := range w.prefix {
		b.Queue(p)
	}
	w.prefix = w.prefix[:0]
	return b
}

// query runs a query in the transaction, after the pending prefix and in the same round trip. The rows
// must be closed before the transaction's next statement.
func (w *wtx) query(sql string, args ...any) (pgx.Rows, error) {
	w.s.roundTrips.Add(1)
	w.begun = true
	if len(w.prefix) == 0 {
		return w.tx.Query(w.ctx, sql, args...)
	}
	b := w.takePrefix()
	b.Queue(sql, args...)
	br := w.tx.SendBatch(w.ctx, b)
	for range b.Len() - 1 {
		if _, err := br.Exec(); err != nil {
			br.Close()
			return nil, err
		}
	}
	rows, err := br.Query()
	if err != nil {
		br.Close()
		return nil, err
	}
	return &batchRows{Rows: rows, br: br}, nil
}

// batchRows are the rows of a batch's last statement: closing them, or reading them to the end, closes the
// batch.
type batchRows struct {
	pgx.Rows
	br     pgx.BatchResults
	closed bool
	err    error
}

// Next closes the batch once the rows are read, as pgx's rows close themselves, so that the transaction's
// next statement may follow before Close.
func (r *batchRows) Next() bool {
	if r.Rows.Next() {
		return true
	}
	r.Close()
	return false
}

func (r *batchRows) Close() {
	r.Rows.Close()
	if !r.closed {
		r.closed = true
		r.err = r.br.Close()
	}
}

func (r *batchRows) Err() error {
	if err := r.Rows.Err(); err != nil {
		return err
	}
	return r.err
}

// flushPrefix sends the pending prefix (BEGIN, savepoint statements) on its own.
func (w *wtx) flushPrefix() error {
	if len(w.prefix) == 0 {
		return nil
	}
	_, err := w.pipeline()
	return err
}

// write queues an op of several statements for the writer of key and waits for its outcome. It runs in a
// savepoint of its own, so that a sentinel error halfway takes back its first steps and nothing else.
func (s *Store) write(ctx context.Context, key string, run func(w *wtx) error) error {
	return s.submit(ctx, key, &op{run: run, done: make(chan error, 1)})
}

// writeBare queues an op that needs no savepoint (see op.bare) and waits for its outcome.
func (s *Store) writeBare(ctx context.Context, key string, run func(w *wtx) error) error {
	return s.submit(ctx, key, &op{run: run, done: make(chan error, 1), bare: true})
}

// submit queues o on the writer of key and waits for its outcome. ctx bounds only the wait for a place in
// the queue: once queued, an op may commit, so its caller waits for the answer rather than guess.
func (s *Store) submit(ctx context.Context, key string, o *op) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.RLock()
	if s.closed {
		s.mu.RUnlock()
		return ErrClosed
	}
	select {
	case s.writers[shard(key, len(s.writers))] <- o:
	case <-ctx.Done():
		s.mu.RUnlock()
		return ctx.Err()
	}
	s.mu.RUnlock()
	return <-o.done
}

// runWriter is a writer goroutine: it takes the first queued op, adds whatever else is already queued up
// to MaxBatch, commits them together and answers them, until Close closes its queue.
func (s *Store) runWriter(ops chan *op) {
	defer s.wg.Done()
	batch := make([]*op, 0, s.opts.MaxBatch)
	for o := range ops {
		batch = fillBatch(append(batch[:0], o), ops, s.opts.MaxBatch)
		s.batches.Add(1)
		s.nops.Add(int64(len(batch)))
		start := time.Now()
		s.commitBatch(batch)
		s.obs.Commit(len(batch), time.Since(start))
		clear(batch)
	}
}

// commitBatch runs batch in one transaction and answers each op. A deadlock or serialization failure runs
// the batch again; an op whose statements fail otherwise is answered alone, the others run again without
// it; a lost connection answers every op unavailable.
func (s *Store) commitBatch(batch []*op) {
	for attempt := 1; ; attempt++ {
		errs, broken, err := s.tryBatch(batch)
		switch {
		case err == nil && broken < 0:
			for i, o := range batch {
				o.done <- errs[i]
			}
			return
		case err != nil && retryable(err) && attempt < maxRetries:
			s.noteRetry("deadlock or serialization failure")
			time.Sleep(retryBackoff(attempt))
			continue
		case err != nil:
			err = unavailable(err)
			if errors.Is(err, openswf.ErrUnavailable) {
				s.noteRetry("unavailable")
			}
			for _, o := range batch {
				o.done <- err
			}
			return
		}
		// Op broken failed with an error that aborted the transaction: answer it, and run the others
		// again without it.
		batch[broken].done <- errs[broken]
		rest := append(batch[:broken:broken], batch[broken+1:]...)
		if len(rest) == 0 {
			return
		}
		batch = rest
		attempt = 0
	}
}

// retryBackoff is the pause before a batch's next attempt: short and jittered by the attempt, so that two
// writers that deadlocked do not meet again at once.
func retryBackoff(attempt int) time.Duration {
	d := time.Duration(attempt*attempt) * time.Millisecond
	return min(d, 100*time.Millisecond) + time.Duration(time.Now().UnixNano()%1000)*time.Microsecond
}

// noteRetry counts a retry for the observer, if it counts them.
func (s *Store) noteRetry(reason string) {
	if reason != "unavailable" {
		s.retries.Add(1)
	}
	if ro, ok := s.obs.(RetryObserver); ok {
		ro.StoreRetry(reason)
	}
}

// tryBatch runs batch in one transaction. It reports each op's outcome (nil or a sentinel error) when the
// transaction committed; the index of an op whose error aborted the transaction (-1 if none), with its
// error in errs; or an error of the transaction itself.
func (s *Store) tryBatch(batch []*op) (errs []error, broken int, err error) {
	ctx := context.Background() // a queued op runs to the end whatever its caller does
	c, err := s.pool.Acquire(ctx)
	if err != nil {
		return nil, -1, fmt.Errorf("begin batch: %w", err)
	}
	w := &wtx{ctx: ctx, tx: c, s: s, prefix: []string{"BEGIN"}}
	committed := false
	defer func() {
		if !committed && w.begun {
			// Roll back what was begun; a connection that cannot is closed, and the pool drops it.
			if _, err := c.Exec(ctx, "ROLLBACK"); err != nil {
				c.Conn().Close(ctx)
			}
		}
		c.Release()
	}()
	errs = make([]error, len(batch))
	for i, o := range batch {
		savepoint := !o.bare
		// mark is where this op's SAVEPOINT sits in the prefix; once sent, the prefix is empty.
		mark := len(w.prefix)
		if savepoint {
			w.prefix = append(w.prefix, "SAVEPOINT op")
		}
		errs[i] = o.run(w)
		switch {
		case errs[i] == nil:
			if savepoint {
				w.prefix = append(w.prefix, "RELEASE SAVEPOINT op")
			}
		case isSentinel(errs[i]) && !savepoint:
			// Nothing was changed: a bare op fails only from a first statement that changed nothing.
		case isSentinel(errs[i]) && len(w.prefix) > mark:
			// The op failed before it sent anything: its SAVEPOINT never went, and what was before it in
			// the prefix (BEGIN, the previous op's RELEASE) must still go. Nothing to roll back.
			w.prefix = w.prefix[:mark]
		case isSentinel(errs[i]):
			// In the simple protocol, in one message: when a statement failed, the transaction is aborted
			// and PostgreSQL prepares nothing until the rollback, and pgx has dropped the failed batch's
			// statements from its cache.
			w.prefix = w.prefix[:0]
			s.roundTrips.Add(1)
			if _, err := c.Exec(ctx, "ROLLBACK TO SAVEPOINT op; RELEASE SAVEPOINT op"); err != nil {
				return nil, -1, fmt.Errorf("roll back op after %v: %w", errs[i], err)
			}
		case retryable(errs[i]) || c.Conn().IsClosed():
			return nil, -1, errs[i]
		default:
			return errs, i, nil
		}
	}
	if !w.begun {
		// Every op failed before it sent anything: there is nothing to commit.
		committed = true
		return errs, -1, nil
	}
	// The savepoint's release and the commit, in one round trip. A COMMIT in a transaction that an error
	// aborted answers ROLLBACK, not an error: its tag is checked.
	w.s.roundTrips.Add(1)
	b := w.takePrefix()
	b.Queue("COMMIT")
	br := c.SendBatch(ctx, b)
	var tag pgconn.CommandTag
	for range b.Len() {
		if tag, err = br.Exec(); err != nil {
			break
		}
	}
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	if err == nil && tag.String() != "COMMIT" {
		err = fmt.Errorf("the transaction was rolled back (%s)", tag)
	}
	if err != nil {
		return nil, -1, fmt.Errorf("commit batch: %w", err)
	}
	committed = true
	return errs, -1, nil
}

// fillBatch adds to batch what ch already holds, up to max in all, without waiting.
func fillBatch[T any](batch []T, ch <-chan T, max int) []T {
	for len(batch) < max {
		select {
		case v, ok := <-ch:
			if !ok {
				return batch
			}
			batch = append(batch, v)
		default:
			return batch
		}
	}
	return batch
}
