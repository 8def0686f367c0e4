package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/openswf/openswf"
)

// Apply commits a transition, and the transitions of its Also, atomically through the group-commit writer.
// It reports openswf.ErrExists when a Create meets an open run of the workflow id (or an existing run id),
// and openswf.ErrConflict when a stored version is not Execution.Version-1, when an activity to cancel is
// absent, or when an activity to close is absent or has counted other heartbeats than the transition
// expects. On any error nothing of the group is stored; the error names the run that failed.
//
// The transitions apply in order, the main one first, each as if alone. Within one the steps run in this
// order: the execution record (with its tags when created), the events, PutActivities, CancelActivities,
// CloseActivities, DeleteTimers, PutTimers — so a timer both deleted and put ends up armed.
func (s *Store) Apply(ctx context.Context, tr *openswf.Transition) error {
	if tr == nil || tr.Execution == nil {
		return errors.New("apply transition: no execution")
	}
	group := make([]*applyStep, 0, 1+len(tr.Also))
	for i, t := range append([]*openswf.Transition{tr}, tr.Also...) {
		if t == nil || t.Execution == nil {
			return fmt.Errorf("apply transition: grouped transition %d has no execution", i)
		}
		// Encode outside the writer, so that the single writer goroutine spends its time on SQL only.
		st, err := prepareStep(t)
		if err != nil {
			return fmt.Errorf("apply transition to run %s version %d: %w", t.Execution.RunID, t.Execution.Version, err)
		}
		group = append(group, st)
	}

	write := s.write
	if len(group) == 1 && group[0].bare() {
		// Only the first statement, the execution's insert or versioned update, can then report ErrExists
		// or ErrConflict, and it changes nothing when it does: the op needs no savepoint.
		write = s.writeBare
	}
	err := write(ctx, func(w *writer) error {
		for _, st := range group {
			if err := st.run(w); err != nil {
				x := st.tr.Execution
				return fmt.Errorf("apply transition to run %s version %d: %w", x.RunID, x.Version, err)
			}
		}
		return nil
	})
	if err != nil && len(group) == 1 {
		return err
	}
	if err != nil {
		return fmt.Errorf("apply %d grouped transitions: %w", len(group), err)
	}
	return nil
}

// applyStep is one transition of a group, checked and encoded for the writer.
type applyStep struct {
	tr               *openswf.Transition
	state            string
	decisionTaskList any // NULL unless a decision task waits for a decider
	closeStatus      any // NULL while open
	acts             [][]any
}

// bare reports whether the step alone can run without a savepoint (see op.bare).
func (st *applyStep) bare() bool {
	return len(st.tr.CancelActivities) == 0 && len(st.tr.CloseActivities) == 0
}

func prepareStep(tr *openswf.Transition) (*applyStep, error) {
	x := tr.Execution
	if tr.Create && x.Version != 1 {
		return nil, fmt.Errorf("create run %s at version %d, not 1", x.RunID, x.Version)
	}
	state, err := json.Marshal(x)
	if err != nil {
		return nil, fmt.Errorf("encode execution: %w", err)
	}
	st := &applyStep{tr: tr, state: string(state)}
	if x.Decision.Scheduled() {
		st.decisionTaskList = x.Decision.TaskList
	}
	if !x.Open && x.CloseStatus != "" {
		st.closeStatus = x.CloseStatus
	}
	// A time column holds Unix nanoseconds, which span the years 1678 to 2262; refuse what would not
	// read back.
	for _, e := range tr.Events {
		if !storable(e.Time, false) {
			return nil, fmt.Errorf("event %d: time %v cannot be stored", e.ID, e.Time)
		}
	}
	for _, t := range tr.PutTimers {
		if !storable(t.Due, false) {
			return nil, fmt.Errorf("timer %s/%d: due time %v cannot be stored", t.Kind, t.ID, t.Due)
		}
	}
	if !storable(x.StartedAt, true) || !storable(x.ClosedAt, true) {
		return nil, fmt.Errorf("execution times %v, %v cannot be stored", x.StartedAt, x.ClosedAt)
	}
	st.acts = make([][]any, len(tr.PutActivities))
	for i, a := range tr.PutActivities {
		if a.RunID != x.RunID {
			return nil, fmt.Errorf("activity %d of run %q in a transition of run %q", a.ScheduledID, a.RunID, x.RunID)
		}
		if !storable(a.LastHeartbeatAt, true) {
			return nil, fmt.Errorf("activity %d: heartbeat time %v cannot be stored", a.ScheduledID, a.LastHeartbeatAt)
		}
		data, err := json.Marshal(a)
		if err != nil {
			return nil, fmt.Errorf("encode activity %d: %w", a.ScheduledID, err)
		}
		st.acts[i] = []any{a.RunID, a.ScheduledID, a.Domain, a.TaskList, a.StartedID, a.Heartbeats,
			nanos(a.LastHeartbeatAt), a.Details, a.CancelRequested, string(data)}
	}
	return st, nil
}

// run executes the step's statements on the writer.
func (st *applyStep) run(w *writer) error {
	tr, x := st.tr, st.tr.Execution
	switch {
	case tr.Create:
		n, err := w.exec(w.insertExecution, x.RunID, x.Domain, x.WorkflowID, x.Open, x.Version,
			nanos(x.StartedAt), nanos(x.ClosedAt), st.decisionTaskList, st.state,
			x.Type.Name, x.Type.Version, st.closeStatus)
		if err != nil {
			return fmt.Errorf("insert execution: %w", err)
		}
		if n == 0 {
			return openswf.ErrExists
		}
		for _, tag := range x.TagList {
			if _, err := w.exec(w.insertTag, x.RunID, tag); err != nil {
				return fmt.Errorf("insert tag %q: %w", tag, err)
			}
		}
	default:
		var n int64
		var err error
		if x.Open {
			n, err = w.exec(w.updateOpenExecution, x.Version, st.decisionTaskList, st.state, x.RunID, x.Version-1)
			if err != nil {
				return fmt.Errorf("update execution: %w", err)
			}
		}
		if n == 0 {
			n, err = w.exec(w.updateExecution, x.Open, x.Version, nanos(x.StartedAt), nanos(x.ClosedAt),
				st.decisionTaskList, st.state, st.closeStatus, x.RunID, x.Version-1)
			if err != nil {
				return fmt.Errorf("update execution: %w", err)
			}
		}
		if n == 0 {
			return openswf.ErrConflict
		}
	}
	for _, e := range tr.Events {
		if _, err := w.exec(w.insertEvent, x.RunID, e.ID, e.Time.UnixNano(), string(e.Type), []byte(e.Attributes)); err != nil {
			return fmt.Errorf("insert event %d: %w", e.ID, err)
		}
	}
	for i, args := range st.acts {
		id := tr.PutActivities[i].ScheduledID
		if _, err := w.exec(w.putActivity, args...); err != nil {
			return fmt.Errorf("put activity %d: %w", id, err)
		}
		if w.hb.entry(x.RunID, id) != nil {
			w.afterCommit(func(h *heartbeats) { h.drop(x.RunID, id) }) // the row is the whole task again
		}
	}
	for _, id := range tr.CancelActivities {
		n, err := w.exec(w.cancelActivity, x.RunID, id)
		if err != nil {
			return fmt.Errorf("cancel activity %d: %w", id, err)
		}
		if n == 0 {
			return fmt.Errorf("cancel activity %d: %w", id, openswf.ErrConflict)
		}
		if w.hb.entry(x.RunID, id) != nil {
			w.afterCommit(func(h *heartbeats) {
				if e := h.entry(x.RunID, id); e != nil {
					e.cur.cancel, e.pub.cancel = true, true
				}
			})
		}
	}
	for _, c := range tr.CloseActivities {
		guard := c.Heartbeats
		if e := w.hb.entry(x.RunID, c.ScheduledID); e != nil {
			// The task's heartbeat count is the entry's, not the row's.
			if guard >= 0 && e.cur.heartbeats != guard {
				return fmt.Errorf("close activity %d: %w", c.ScheduledID, openswf.ErrConflict)
			}
			guard = -1
			id := c.ScheduledID
			w.afterCommit(func(h *heartbeats) { h.drop(x.RunID, id) })
		}
		n, err := w.exec(w.closeActivity, x.RunID, c.ScheduledID, guard, guard)
		if err != nil {
			return fmt.Errorf("close activity %d: %w", c.ScheduledID, err)
		}
		if n == 0 {
			return fmt.Errorf("close activity %d: %w", c.ScheduledID, openswf.ErrConflict)
		}
	}
	for _, k := range tr.DeleteTimers {
		if _, err := w.exec(w.deleteTimer, k.RunID, string(k.Kind), k.ID); err != nil {
			return fmt.Errorf("delete timer %s/%d: %w", k.Kind, k.ID, err)
		}
	}
	for _, t := range tr.PutTimers {
		if _, err := w.exec(w.putTimer, t.RunID, string(t.Kind), t.ID, t.Domain, t.Due.UnixNano()); err != nil {
			return fmt.Errorf("put timer %s/%d: %w", t.Kind, t.ID, err)
		}
	}
	return nil
}

// GetExecution returns one run; openswf.ErrNotFound unless the run exists in that domain and workflow id.
func (s *Store) GetExecution(ctx context.Context, domain, workflowID, runID string) (*openswf.Execution, error) {
	x, err := s.scanExecution(s.reader.QueryRowContext(ctx,
		"SELECT version, state FROM executions WHERE run_id = ? AND domain = ? AND workflow_id = ?",
		runID, domain, workflowID))
	if err == nil {
		err = s.fillActivities(ctx, x)
	}
	if err != nil {
		return nil, fmt.Errorf("get execution %s/%s: %w", workflowID, runID, err)
	}
	return x, nil
}

// GetRun returns a run by its run id alone.
func (s *Store) GetRun(ctx context.Context, runID string) (*openswf.Execution, error) {
	x, err := s.scanExecution(s.reader.QueryRowContext(ctx,
		"SELECT version, state FROM executions WHERE run_id = ?", runID))
	if err == nil {
		err = s.fillActivities(ctx, x)
	}
	if err != nil {
		return nil, fmt.Errorf("get run %s: %w", runID, err)
	}
	return x, nil
}

// GetOpenExecution returns the open run of a workflow id.
func (s *Store) GetOpenExecution(ctx context.Context, domain, workflowID string) (*openswf.Execution, error) {
	x, err := s.scanExecution(s.reader.QueryRowContext(ctx,
		"SELECT version, state FROM executions WHERE domain = ? AND workflow_id = ? AND open = 1",
		domain, workflowID))
	if err == nil {
		err = s.fillActivities(ctx, x)
	}
	if err != nil {
		return nil, fmt.Errorf("get open execution %s: %w", workflowID, err)
	}
	return x, nil
}

// fillActivities sets x.Activities from the run's open activity rows, which the record does not carry.
func (s *Store) fillActivities(ctx context.Context, x *openswf.Execution) error {
	rows, err := s.reader.QueryContext(ctx,
		"SELECT scheduled_id, json_extract(data, '$.activityId') FROM activities WHERE run_id = ?", x.RunID)
	if err != nil {
		return fmt.Errorf("read open activities: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var sched int64
		var id string
		if err := rows.Scan(&sched, &id); err != nil {
			return fmt.Errorf("read open activities: %w", err)
		}
		if x.Activities == nil {
			x.Activities = map[string]int64{}
		}
		x.Activities[id] = sched
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read open activities: %w", err)
	}
	return nil
}

func (s *Store) scanExecution(row *sql.Row) (*openswf.Execution, error) {
	var (
		version int64
		state   []byte
	)
	if err := row.Scan(&version, &state); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, openswf.ErrNotFound
		}
		return nil, err
	}
	x := new(openswf.Execution)
	if err := json.Unmarshal(state, x); err != nil {
		return nil, fmt.Errorf("decode execution: %w", err)
	}
	x.Version = version
	return x, nil
}

// History returns up to limit events of a run (all if limit is zero or less): ids greater than after in
// ascending order, or, when reverse, ids less than after (0 meaning from the end) in descending order. An
// unknown run has an empty history.
func (s *Store) History(ctx context.Context, runID string, after int64, limit int, reverse bool) ([]openswf.HistoryEvent, error) {
	var q string
	args := []any{runID}
	switch {
	case !reverse:
		q = "SELECT id, time, type, attrs FROM events WHERE run_id = ? AND id > ? ORDER BY id LIMIT ?"
		args = append(args, after)
	case after > 0:
		q = "SELECT id, time, type, attrs FROM events WHERE run_id = ? AND id < ? ORDER BY id DESC LIMIT ?"
		args = append(args, after)
	default:
		q = "SELECT id, time, type, attrs FROM events WHERE run_id = ? ORDER BY id DESC LIMIT ?"
	}
	args = append(args, rowsLimit(limit))
	rows, err := s.reader.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("read history of %s: %w", runID, err)
	}
	defer rows.Close()
	var es []openswf.HistoryEvent
	for rows.Next() {
		var (
			e     openswf.HistoryEvent
			t     int64
			typ   string
			attrs []byte
		)
		if err := rows.Scan(&e.ID, &t, &typ, &attrs); err != nil {
			return nil, fmt.Errorf("read history of %s: %w", runID, err)
		}
		e.Time = fromUnixNano(t)
		e.Type = openswf.EventType(typ)
		e.Attributes = attrs
		es = append(es, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read history of %s: %w", runID, err)
	}
	return es, nil
}
