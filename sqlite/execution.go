package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/openswf/openswf"
)

// Apply commits a transition atomically through the group-commit writer. It reports openswf.ErrExists
// when Create meets an open run of the workflow id (or an existing run id), and openswf.ErrConflict when
// the stored version is not Execution.Version-1, when an activity to cancel is absent, or when an activity
// to close is absent or has counted other heartbeats than the transition expects. On any error nothing of
// the transition is stored.
//
// Within the transition the steps run in this order: the execution record, the events, PutActivities,
// CancelActivities, CloseActivities, DeleteTimers, PutTimers — so a timer both deleted and put ends up
// armed.
func (s *Store) Apply(ctx context.Context, tr *openswf.Transition) error {
	if tr == nil || tr.Execution == nil {
		return errors.New("apply transition: no execution")
	}
	x := tr.Execution
	if tr.Create && x.Version != 1 {
		return fmt.Errorf("apply transition: create run %s at version %d, not 1", x.RunID, x.Version)
	}
	// Encode outside the writer, so that the single writer goroutine spends its time on SQL only.
	state, err := json.Marshal(x)
	if err != nil {
		return fmt.Errorf("apply transition: encode execution: %w", err)
	}
	var decisionTaskList any // NULL unless a decision task waits for a decider
	if x.Decision.Scheduled() {
		decisionTaskList = x.Decision.TaskList
	}
	// A time column holds Unix nanoseconds, which span the years 1678 to 2262; refuse what would not
	// read back.
	for _, e := range tr.Events {
		if !storable(e.Time, false) {
			return fmt.Errorf("apply transition: event %d: time %v cannot be stored", e.ID, e.Time)
		}
	}
	for _, t := range tr.PutTimers {
		if !storable(t.Due, false) {
			return fmt.Errorf("apply transition: timer %s/%d: due time %v cannot be stored", t.Kind, t.ID, t.Due)
		}
	}
	if !storable(x.StartedAt, true) || !storable(x.ClosedAt, true) {
		return fmt.Errorf("apply transition: execution times %v, %v cannot be stored", x.StartedAt, x.ClosedAt)
	}
	acts := make([][]any, len(tr.PutActivities))
	for i, a := range tr.PutActivities {
		if a.RunID != x.RunID {
			return fmt.Errorf("apply transition: activity %d of run %q in a transition of run %q", a.ScheduledID, a.RunID, x.RunID)
		}
		if !storable(a.LastHeartbeatAt, true) {
			return fmt.Errorf("apply transition: activity %d: heartbeat time %v cannot be stored", a.ScheduledID, a.LastHeartbeatAt)
		}
		data, err := json.Marshal(a)
		if err != nil {
			return fmt.Errorf("apply transition: encode activity %d: %w", a.ScheduledID, err)
		}
		acts[i] = []any{a.RunID, a.ScheduledID, a.Domain, a.TaskList, a.StartedID, a.Heartbeats,
			nanos(a.LastHeartbeatAt), a.Details, a.CancelRequested, string(data)}
	}

	write := s.write
	if len(tr.CancelActivities) == 0 && len(tr.CloseActivities) == 0 {
		// Only the first statement, the execution's insert or versioned update, can then report ErrExists
		// or ErrConflict, and it changes nothing when it does: the op needs no savepoint.
		write = s.writeBare
	}
	err = write(ctx, func(w *writer) error {
		if tr.Create {
			n, err := w.exec(w.insertExecution, x.RunID, x.Domain, x.WorkflowID, x.Open, x.Version,
				nanos(x.StartedAt), nanos(x.ClosedAt), decisionTaskList, string(state))
			if err != nil {
				return fmt.Errorf("insert execution: %w", err)
			}
			if n == 0 {
				return openswf.ErrExists
			}
		} else {
			n, err := w.exec(w.updateExecution, x.Open, x.Version, nanos(x.StartedAt), nanos(x.ClosedAt),
				decisionTaskList, string(state), x.RunID, x.Version-1)
			if err != nil {
				return fmt.Errorf("update execution: %w", err)
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
		for i, args := range acts {
			if _, err := w.exec(w.putActivity, args...); err != nil {
				return fmt.Errorf("put activity %d: %w", tr.PutActivities[i].ScheduledID, err)
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
		}
		for _, c := range tr.CloseActivities {
			n, err := w.exec(w.closeActivity, x.RunID, c.ScheduledID, c.Heartbeats, c.Heartbeats)
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
	})
	if err != nil {
		return fmt.Errorf("apply transition to run %s version %d: %w", x.RunID, x.Version, err)
	}
	return nil
}

// GetExecution returns one run; openswf.ErrNotFound unless the run exists in that domain and workflow id.
func (s *Store) GetExecution(ctx context.Context, domain, workflowID, runID string) (*openswf.Execution, error) {
	x, err := s.scanExecution(s.reader.QueryRowContext(ctx,
		"SELECT version, state FROM executions WHERE run_id = ? AND domain = ? AND workflow_id = ?",
		runID, domain, workflowID))
	if err != nil {
		return nil, fmt.Errorf("get execution %s/%s: %w", workflowID, runID, err)
	}
	return x, nil
}

// GetRun returns a run by its run id alone.
func (s *Store) GetRun(ctx context.Context, runID string) (*openswf.Execution, error) {
	x, err := s.scanExecution(s.reader.QueryRowContext(ctx,
		"SELECT version, state FROM executions WHERE run_id = ?", runID))
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
	if err != nil {
		return nil, fmt.Errorf("get open execution %s: %w", workflowID, err)
	}
	return x, nil
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
