package sqlite

import (
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/openswf/openswf"
)

// Heartbeats take no SQL statement. An UPDATE of the task's row, with its share of the COMMIT's WAL pages
// and the statement's compilation, cost about 30 µs of the writer's time per heartbeat, more than the
// rest of the request; so heartbeats go to the heartbeat journal (journal.go) instead:
//
//   - The writer keeps, in memory, the heartbeat state of every started task that has heartbeated since it
//     was started or since Open: the started event id, the count, the last time, the details and whether
//     cancellation was requested. A task with an entry has its heartbeat state there, and only there; a
//     task without one has it in its row.
//   - A heartbeat is an op of the writer like any other. After the batch's SQL ops (if any) have
//     committed, the writer checks each heartbeat against the entry (reading the row to make one if there
//     is none), advances the entry's current state, and writes the task's new state to the journal. The
//     heartbeats of a batch are concurrent with its other ops, none of them answered yet, so running them
//     last is a valid order.
//   - The writer then hands the batch's heartbeats to the syncer goroutine and goes on with the next batch.
//     The syncer syncs the journal once for all the batches handed to it since its last sync, publishes
//     their states to readers, and only then answers them. So a sync never holds up the writer, and every
//     answer still follows the sync that made its heartbeat durable.
//   - Reads of a task (GetActivity, ListActivities) take its entry's published state before reading its
//     row and let it win. A transition that closes a task checks its heartbeat count against the entry's
//     current state: a close that read the published state while a heartbeat was being synced conflicts,
//     and the engine reads again.
//   - Once the journal passes Options.FoldBytes, the writer folds every entry changed since the last fold
//     into the rows in one transaction, then starts the journal over. A fold writes the current states,
//     some of which may still be syncing: it makes them durable early, never late. Open replays whatever a
//     crash left in the journal into the rows the same way (each record is a task's whole state, so
//     replaying one twice changes nothing), and Close folds everything and removes the file.
//
// The SQL ops that change a task's row change its entry only after their COMMIT: the entry goes when the
// task is put or closed, and is marked when cancellation is requested.
//
// A heartbeat whose record would be over the journal's limit is refused (a validation error) before it
// changes anything: replay would take such a record for damage.
//
// When the journal cannot be written or synced (a full disk, an I/O error), or cannot start over, it fails:
// the heartbeats not yet answered get the error, and so does every heartbeat after, until the writer has
// recovered it (recoverHeartbeats). Nothing whose write or sync failed was answered, and no reader saw it:
// the published states are exactly what was acknowledged. Recovery therefore waits for the syncer to answer
// what it holds, sets each entry's current state back to its published one, writes every entry that may
// differ from its row into the rows, exactly, in one transaction, and starts the journal over under a new
// salt, which makes every record written before it stale; only then does it clear the failure. A crash at
// any point of it loses nothing acknowledged (see recoverHeartbeats), and a heartbeat is counted once:
// the count goes back with the state, so the client's retry of a refused heartbeat is its first count.
// The writer tries at the first batch after the failure, then again every so often (journalRetry) whether
// batches come or not, so heartbeats work again by themselves once the storage takes writes.

// DefaultFoldBytes is the journal length past which the writer folds the heartbeat state into the rows,
// unless Options say otherwise. It bounds the journal's disk space and the replay at Open; a fold costs one
// UPDATE per task that heartbeated since the last one.
const DefaultFoldBytes = 4 << 20

type hbKey struct {
	runID       string
	scheduledID int64
}

// hbState is a started task's heartbeat state.
type hbState struct {
	startedID  int64
	heartbeats int64
	last       int64 // Unix nanoseconds; 0: never
	details    *string
	cancel     bool
}

type hbEntry struct {
	pub   hbState // what readers see: synced; under heartbeats.mu
	cur   hbState // the writer's latest, which may still be syncing; only the writer goroutine uses it
	dirty bool    // changed since the last fold; only the writer goroutine uses it
}

// heartbeats is the in-memory heartbeat state. The writer goroutine changes it under mu; readers take mu
// shared.
type heartbeats struct {
	mu   sync.RWMutex
	runs map[string]map[int64]*hbEntry

	// Only the writer goroutine uses the fields below.
	dirty     []hbKey  // entries changed since the last fold (some may have gone since)
	journal   *journal // nil for an in-memory database; the syncer only syncs it
	foldBytes int64

	syncs     chan *hbSync // to the syncer
	syncerEnd chan struct{}
	stopOnce  sync.Once

	// settled is set once, since the journal failed, every entry's current state is back to its published
	// one; nextRecovery is when the writer may try to recover the journal again (zero: at once). Only the
	// writer goroutine uses them.
	settled      bool
	nextRecovery time.Time

	// failed is set when the journal could not be written, synced or started over: heartbeats fail until
	// the writer recovers the journal, since the entries may no longer match what a restart would replay.
	failedMu sync.Mutex
	failed   error
	// failures wakes the writer when the journal fails, so that it tries to recover it even if no batch
	// comes: a failed sync is the syncer's news, not the writer's.
	failures chan struct{}
}

// hbSync is a batch's heartbeats handed to the syncer: their ops with their outcomes, and the states to
// publish once the journal is synced.
type hbSync struct {
	ops     []*op
	errs    []error
	publish []hbPublish
	// done, if set, is closed once the syncer has answered everything handed to it before (drainSyncer).
	done chan struct{}
}

type hbPublish struct {
	e  *hbEntry
	st hbState
}

func newHeartbeats(j *journal) *heartbeats {
	h := &heartbeats{runs: map[string]map[int64]*hbEntry{}, journal: j,
		syncs: make(chan *hbSync, 64), syncerEnd: make(chan struct{}), failures: make(chan struct{}, 1)}
	go h.syncer()
	return h
}

// stopSyncer waits for the syncer to answer what it was handed, and stops it.
func (h *heartbeats) stopSyncer() {
	h.stopOnce.Do(func() { close(h.syncs) })
	<-h.syncerEnd
}

// drainSyncer returns once the syncer has answered every batch handed to it so far. Only the writer
// goroutine, the one that hands batches over, calls it, and only while the syncer runs.
func (h *heartbeats) drainSyncer() {
	done := make(chan struct{})
	h.syncs <- &hbSync{done: done}
	<-done
}

// fail marks the journal failed, unless it is already, and returns the failure that heartbeats answer:
// a storage fault as such (storageFault), for the client to retry.
func (h *heartbeats) fail(err error) error {
	h.failedMu.Lock()
	defer h.failedMu.Unlock()
	if h.failed == nil {
		h.failed = fmt.Errorf("heartbeat journal: %w", storageFault(err))
		select {
		case h.failures <- struct{}{}:
		default: // the writer has news of a failure already
		}
	}
	return h.failed
}

// recovered clears the journal's failure.
func (h *heartbeats) recovered() {
	h.failedMu.Lock()
	defer h.failedMu.Unlock()
	h.failed = nil
}

func (h *heartbeats) err() error {
	h.failedMu.Lock()
	defer h.failedMu.Unlock()
	return h.failed
}

// syncer syncs the journal for the batches handed to it, publishes their states and answers them.
func (h *heartbeats) syncer() {
	defer close(h.syncerEnd)
	var group []*hbSync
	for first := range h.syncs {
		group = append(group[:0], first)
	drain:
		for {
			select {
			case more, ok := <-h.syncs:
				if !ok {
					break drain
				}
				group = append(group, more)
			default:
				break drain
			}
		}
		// Once the journal has failed, nothing is synced nor answered as done until the writer has recovered
		// it, not even a batch whose records were written before the failure: the answer after a failed
		// sync could be a success (a failed writeback is reported once, and the next fdatasync succeeds
		// without the pages it lost), and the states published must stay those acknowledged.
		err := h.err()
		if err == nil && h.journal != nil && slices.ContainsFunc(group, func(g *hbSync) bool { return len(g.ops) > 0 }) {
			if err = h.journal.sync(); err != nil {
				err = h.fail(err)
			}
		}
		if err == nil {
			h.mu.Lock()
			for _, g := range group {
				for _, p := range g.publish {
					p.e.pub = p.st
				}
			}
			h.mu.Unlock()
		}
		for _, g := range group {
			for i, o := range g.ops {
				if err != nil && g.errs[i] == nil {
					o.done <- err
				} else {
					o.done <- g.errs[i]
				}
			}
			if g.done != nil {
				close(g.done)
			}
		}
		clear(group)
	}
}

// get returns the state of a task's entry.
func (h *heartbeats) get(runID string, scheduledID int64) (hbState, bool) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	if e := h.runs[runID][scheduledID]; e != nil {
		return e.pub, true
	}
	return hbState{}, false
}

// getRun returns the states of a run's entries.
func (h *heartbeats) getRun(runID string) map[int64]hbState {
	h.mu.RLock()
	defer h.mu.RUnlock()
	r := h.runs[runID]
	if len(r) == 0 {
		return nil
	}
	m := make(map[int64]hbState, len(r))
	for id, e := range r {
		m[id] = e.pub
	}
	return m
}

// apply lets st win over the heartbeat state read from a's row, if it is the state of the same start.
func (st hbState) apply(a *openswf.ActivityTask) {
	if st.startedID != a.StartedID {
		return
	}
	a.Heartbeats = st.heartbeats
	a.LastHeartbeatAt = time.Time{}
	if st.last != 0 {
		a.LastHeartbeatAt = fromUnixNano(st.last)
	}
	a.Details = nil
	if st.details != nil {
		d := *st.details
		a.Details = &d
	}
	a.CancelRequested = a.CancelRequested || st.cancel
}

// entry returns a task's entry for the writer goroutine, which may read entries without the lock.
func (h *heartbeats) entry(runID string, scheduledID int64) *hbEntry {
	return h.runs[runID][scheduledID]
}

// drop removes a task's entry; the caller holds mu.
func (h *heartbeats) drop(runID string, scheduledID int64) {
	r := h.runs[runID]
	delete(r, scheduledID)
	if len(r) == 0 {
		delete(h.runs, runID)
	}
}

// hbOp is a heartbeat queued for the writer, and its outcome.
type hbOp struct {
	runID                  string
	scheduledID, startedID int64
	details                *string
	at                     int64
	cancel                 bool // the outcome: cancellation was requested
}

// runHeartbeats runs the heartbeat ops of a batch after its SQL ops, writes their records to the journal,
// and hands them to the syncer, which answers them. While the journal has failed, it answers them with the
// failure.
func (w *writer) runHeartbeats(ops []*op) {
	h := w.hb
	if err := h.err(); err != nil {
		for _, o := range ops {
			o.done <- err
		}
		return
	}
	g := &hbSync{ops: ops, errs: make([]error, len(ops)), publish: make([]hbPublish, 0, len(ops))}
	for i, o := range ops {
		hb := o.hb
		e := h.entry(hb.runID, hb.scheduledID)
		if e == nil {
			st, err := w.readHeartbeatState(hb.runID, hb.scheduledID)
			if err != nil {
				g.errs[i] = err
				continue
			}
			if st.startedID == 0 || st.startedID != hb.startedID {
				g.errs[i] = openswf.ErrNotFound
				continue
			}
			// Readers see the row's state until the syncer publishes the entry's.
			e = &hbEntry{pub: *st, cur: *st}
			h.mu.Lock()
			r := h.runs[hb.runID]
			if r == nil {
				r = map[int64]*hbEntry{}
				h.runs[hb.runID] = r
			}
			r[hb.scheduledID] = e
			h.mu.Unlock()
		}
		if e.cur.startedID == 0 || e.cur.startedID != hb.startedID {
			g.errs[i] = openswf.ErrNotFound
			continue
		}
		next := e.cur
		next.heartbeats++
		next.last = hb.at
		if hb.details != nil {
			next.details = hb.details
		}
		if h.journal != nil {
			// The record first: a heartbeat it refuses changes nothing, and the batch goes on.
			err := h.journal.add(journalRecord{runID: hb.runID, scheduledID: hb.scheduledID, startedID: next.startedID,
				heartbeats: next.heartbeats, last: next.last, details: hb.details})
			if err != nil { // errRecordTooLarge, the only error of add
				n := 0
				if hb.details != nil {
					n = len(*hb.details)
				}
				g.errs[i] = openswf.Errorf(openswf.KindValidation,
					"Heartbeat details too long to record: %d bytes in UTF-8, over the limit of %d", n, journalMaxRecord)
				continue
			}
		}
		e.cur = next
		hb.cancel = next.cancel
		if !e.dirty {
			e.dirty = true
			h.dirty = append(h.dirty, hbKey{hb.runID, hb.scheduledID})
		}
		g.publish = append(g.publish, hbPublish{e, next})
	}
	if h.journal != nil {
		if err := h.journal.write(); err != nil {
			// What reached the file is unknown: it may be replayed at the next Open, or not. No heartbeat
			// can be answered until the journal has started over (recoverHeartbeats), which also sets
			// these entries back to what was acknowledged.
			err = h.fail(err)
			for i, o := range ops {
				if g.errs[i] != nil {
					o.done <- g.errs[i]
				} else {
					o.done <- err
				}
			}
			return
		}
	}
	h.syncs <- g
}

// readHeartbeatState reads a task's heartbeat state from its row; openswf.ErrNotFound if there is none.
func (w *writer) readHeartbeatState(runID string, scheduledID int64) (*hbState, error) {
	var (
		st      hbState
		last    sql.NullInt64
		details sql.NullString
	)
	err := w.selectHeartbeat.QueryRowContext(w.ctx, runID, scheduledID).Scan(&st.startedID, &st.heartbeats, &last, &details, &st.cancel)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, openswf.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	st.last = last.Int64
	if details.Valid {
		st.details = &details.String
	}
	return &st, nil
}

// foldDue reports whether the journal has grown enough to be folded.
func (h *heartbeats) foldDue() bool {
	return h.journal != nil && h.journal.size >= h.foldBytes
}

// fold writes the state of every entry changed since the last fold into its row, in one transaction, and
// then starts the journal over. If the transaction fails, the entries stay changed and the journal keeps
// its records; if the journal cannot start over, it fails (see foldEntries). A failed journal is not
// folded: recoverHeartbeats does that.
func (w *writer) fold() error {
	if err := w.hb.err(); err != nil {
		return err
	}
	return w.foldEntries(false)
}

// foldEntries writes the current state of every entry changed since the last fold into its row, in one
// transaction, and then starts the journal over. exact writes each state as it is; otherwise a row that
// holds a later count keeps it (writeHeartbeatState).
//
// If the journal cannot start over, it fails: the header on disk may then be the old one, the new one or
// neither, and a record written after it could be under another salt than the header's, lost to replay.
// The records already written stay valid either way: their states are in the rows now, and replaying
// them changes nothing.
func (w *writer) foldEntries(exact bool) error {
	h := w.hb
	if len(h.dirty) > 0 {
		err := w.inTransaction(func() error {
			for _, k := range h.dirty {
				if e := h.entry(k.runID, k.scheduledID); e != nil && e.dirty {
					write := w.writeHeartbeatState
					if exact {
						write = w.setHeartbeatState
					}
					if err := write(k, e.cur, e.cur.details); err != nil {
						return err
					}
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("fold heartbeats: %w", storageFault(err))
		}
		for _, k := range h.dirty {
			if e := h.entry(k.runID, k.scheduledID); e != nil {
				e.dirty = false
			}
		}
		h.dirty = h.dirty[:0]
	}
	if h.journal != nil && (exact || h.journal.size > journalHeaderSize) {
		if err := h.journal.reset(); err != nil {
			h.fail(err)
			return fmt.Errorf("fold heartbeats: %w", storageFault(err))
		}
	}
	return nil
}

// closeFold is the fold at Close, once the syncer has stopped: it recovers a failed journal first, so that
// a store whose storage came back still puts every heartbeat into the rows and removes the journal.
func (w *writer) closeFold() error {
	if w.hb.err() != nil {
		if err := w.recoverHeartbeats(false); err != nil {
			return err
		}
	}
	return w.fold()
}

// journalRetry bounds how often the writer tries to recover a failed journal: at least journalRetryMin
// apart, and journalRetryFactor times as long apart as the last try took, up to journalRetryMax. A try
// on a full disk costs a fold's worth of UPDATEs before the COMMIT fails, as much as a couple of seconds
// with tens of thousands of tasks heartbeating; the factor keeps the writer's time on tries that fail
// under a tenth, so that the SQL ops that still succeed keep going.
const (
	journalRetryMin    = 250 * time.Millisecond
	journalRetryMax    = 10 * time.Second
	journalRetryFactor = 10
)

// maybeRecoverHeartbeats tries to recover a failed journal if a try is due. The writer calls it between
// batches and when its retry timer fires; it reports how long to wait for the next try, and whether the
// journal is still failed.
func (w *writer) maybeRecoverHeartbeats() (wait time.Duration, failed bool) {
	h := w.hb
	if h.err() == nil {
		return 0, false
	}
	if now := time.Now(); now.Before(h.nextRecovery) {
		return h.nextRecovery.Sub(now), true
	}
	start := time.Now()
	if w.recoverHeartbeats(true) == nil {
		return 0, false
	}
	took := time.Since(start)
	wait = min(max(journalRetryMin, journalRetryFactor*took), journalRetryMax)
	h.nextRecovery = time.Now().Add(wait)
	return wait, true
}

// recoverHeartbeats brings a failed journal back:
//
//  1. Once per failure, it waits for the syncer to answer every batch handed to it (unless the syncer has
//     stopped, at Close), which, the journal having failed, publishes nothing more: from then on each
//     entry's published state is exactly the last acknowledged. It sets each entry's current state back
//     to the published one, and marks changed every entry whose current state was ahead. Rows may hold a
//     state that was never acknowledged (a fold writes states still syncing) and, for a heartbeat that
//     comes later, the same count; so these rows are written exactly, not only when their count is
//     lower.
//  2. It writes every changed entry into its row, exactly, in one transaction (foldEntries(true)).
//  3. It starts the journal over under a new salt and syncs it, which makes every record before stale.
//  4. It clears the failure; heartbeats are taken again.
//
// A crash before 2 commits replays the journal as it is: every acknowledged record (they were synced),
// and perhaps some never acknowledged, as after any crash. A crash between 2 and 3 replays the same
// records over rows that hold at least every acknowledged state: what was acknowledged is there, and
// a later record that was not may win, as it may after any crash. After 3, replay reads nothing, and
// the rows hold exactly the acknowledged states. A step that fails leaves the journal failed, and the
// next try starts again from the first step not done (step 1 is done once, since nothing advances an
// entry while the journal has failed; a fold that committed has nothing left to write).
func (w *writer) recoverHeartbeats(syncerRunning bool) error {
	h := w.hb
	if !h.settled {
		if syncerRunning {
			h.drainSyncer()
		}
		h.mu.RLock() // the syncer publishes nothing more, but pub is its field
		for runID, r := range h.runs {
			for id, e := range r {
				if e.cur == e.pub {
					continue
				}
				e.cur = e.pub
				if !e.dirty {
					e.dirty = true
					h.dirty = append(h.dirty, hbKey{runID, id})
				}
			}
		}
		h.mu.RUnlock()
		h.settled = true
	}
	if err := w.foldEntries(true); err != nil {
		return fmt.Errorf("recover heartbeat journal: %w", err)
	}
	h.settled = false
	h.nextRecovery = time.Time{}
	h.recovered()
	return nil
}

// inTransaction runs fn in a transaction of its own on the writer's connection, outside any batch, and
// commits it; on error it rolls back.
func (w *writer) inTransaction(fn func() error) error {
	if _, err := w.exec(w.begin); err != nil {
		w.rollback.ExecContext(w.ctx) // in case BEGIN failed half-way
		return err
	}
	if err := fn(); err != nil {
		w.rollback.ExecContext(w.ctx)
		return err
	}
	if _, err := w.exec(w.commit); err != nil {
		w.rollback.ExecContext(w.ctx)
		return err
	}
	return nil
}

// writeHeartbeatState writes a task's heartbeat state into its row, unless the row holds a later one (a
// replay of a record already folded). details nil keeps the row's details.
func (w *writer) writeHeartbeatState(k hbKey, st hbState, details *string) error {
	_, err := w.exec(w.foldHeartbeat, st.heartbeats, nullNanos(st.last), details, k.runID, k.scheduledID, st.startedID, st.heartbeats)
	return err
}

// setHeartbeatState writes a task's heartbeat state into its row as it is, whatever the row holds, details
// included (nil clears them): an entry's whole state, which recovery writes over a state never acknowledged.
func (w *writer) setHeartbeatState(k hbKey, st hbState, details *string) error {
	_, err := w.exec(w.setHeartbeat, st.heartbeats, nullNanos(st.last), details, k.runID, k.scheduledID, st.startedID)
	return err
}

// nullNanos is the time column value of Unix nanoseconds n, 0 meaning none.
func nullNanos(n int64) any {
	if n == 0 {
		return nil
	}
	return n
}

// replayJournal folds the records a journal file held at Open into the rows, in one transaction, before
// the writer starts. Each record is a task's whole state but for details, so the last of a task's records
// wins, with the last details given.
func (w *writer) replayJournal(recs []journalRecord) error {
	if len(recs) == 0 {
		return nil
	}
	type replayed struct {
		st      hbState
		details *string
	}
	last := map[hbKey]*replayed{}
	for _, r := range recs {
		k := hbKey{r.runID, r.scheduledID}
		p := last[k]
		if p == nil || p.st.startedID != r.startedID {
			p = &replayed{}
			last[k] = p
		}
		p.st = hbState{startedID: r.startedID, heartbeats: r.heartbeats, last: r.last}
		if r.details != nil {
			p.details = r.details
		}
	}
	err := w.inTransaction(func() error {
		for k, p := range last {
			if err := w.writeHeartbeatState(k, p.st, p.details); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("replay heartbeat journal: %w", err)
	}
	return nil
}

// afterCommit queues f to run on the heartbeat state, under its lock, once the current op's batch has
// committed, unless the op fails.
func (w *writer) afterCommit(f func(h *heartbeats)) {
	w.opAfter = append(w.opAfter, f)
}

// openHeartbeats opens the heartbeat journal of the database at path (none for ":memory:"), folds what it
// holds into the rows and starts it over.
func (w *writer) openHeartbeats(path string, foldBytes int64) error {
	if path == ":memory:" {
		w.hb = newHeartbeats(nil)
		return nil
	}
	j, recs, err := openJournal(path + "-hb")
	if err != nil {
		return err
	}
	if err := w.replayJournal(recs); err != nil {
		j.close(false)
		return err
	}
	w.replayed = len(recs)
	if err := j.reset(); err != nil {
		j.close(false)
		return err
	}
	w.hb = newHeartbeats(j)
	w.hb.foldBytes = foldBytes
	return nil
}

// closeHeartbeats closes the journal, removing it if the last fold put every heartbeat into the rows.
func (w *writer) closeHeartbeats(lastFold error) error {
	if w.hb == nil {
		return nil
	}
	w.hb.stopSyncer()
	if w.hb.journal == nil {
		return nil
	}
	return w.hb.journal.close(lastFold == nil)
}
