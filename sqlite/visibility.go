package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/openswf/openswf"
)

// ListExecutions lists the runs q selects, ordered by start or close time and then run id, descending
// unless q.Reverse. Listing by close time lists closed runs that have a close time only.
func (s *Store) ListExecutions(ctx context.Context, q openswf.ExecutionQuery) ([]*openswf.Execution, error) {
	from, where, args := executionFilter(q)
	col := "e.start_time"
	if q.ByCloseTime {
		col = "e.close_time"
	}
	if q.After != nil {
		op := "<"
		if q.Reverse {
			op = ">"
		}
		where += fmt.Sprintf(" AND (%s, e.run_id) %s (?, ?)", col, op)
		args = append(args, q.After.Time.UnixNano(), q.After.RunID)
	}
	dir := "DESC"
	if q.Reverse {
		dir = "ASC"
	}
	query := fmt.Sprintf("SELECT e.version, e.state FROM %s WHERE %s ORDER BY %s %s, e.run_id %s LIMIT ?",
		from, where, col, dir, dir)
	args = append(args, rowsLimit(q.Limit))

	rows, err := s.reader.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("list executions of %s: %w", q.Domain, err)
	}
	defer rows.Close()
	var xs []*openswf.Execution
	for rows.Next() {
		var (
			version int64
			state   []byte
		)
		if err := rows.Scan(&version, &state); err != nil {
			return nil, fmt.Errorf("list executions of %s: %w", q.Domain, err)
		}
		x := new(openswf.Execution)
		if err := json.Unmarshal(state, x); err != nil {
			return nil, fmt.Errorf("list executions of %s: decode execution: %w", q.Domain, err)
		}
		x.Version = version
		xs = append(xs, x)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list executions of %s: %w", q.Domain, err)
	}
	return xs, nil
}

// CountExecutions counts the runs q selects, at most q.Limit when it is positive.
func (s *Store) CountExecutions(ctx context.Context, q openswf.ExecutionQuery) (int, error) {
	from, where, args := executionFilter(q)
	query := "SELECT COUNT(*) FROM (SELECT 1 FROM " + from + " WHERE " + where + " LIMIT ?)"
	args = append(args, rowsLimit(q.Limit))
	var n int
	if err := s.reader.QueryRowContext(ctx, query, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count executions of %s: %w", q.Domain, err)
	}
	return n, nil
}

// executionFilter is the FROM and WHERE clauses (over executions e) and the arguments for q's filters; it
// leaves out the cursor, the order and the limit.
//
// Without statistics SQLite prefers an index that yields the requested order over one that narrows the
// rows by the filter, and so would scan a whole time range for one workflow id; INDEXED BY picks the
// index of the filter instead. open is a literal, so that the partial indexes of closed runs apply.
func executionFilter(q openswf.ExecutionQuery) (from, where string, args []any) {
	from = "executions e"
	switch {
	case q.WorkflowID != "":
		from += " INDEXED BY executions_by_workflow"
	case q.TypeName != "" && !q.ByCloseTime:
		from += " INDEXED BY executions_by_type"
	case q.CloseStatus != "" && !q.Open:
		from += " INDEXED BY executions_by_status"
	}
	var b strings.Builder
	b.WriteString("e.domain = ?")
	args = []any{q.Domain}
	if q.Open {
		b.WriteString(" AND e.open = 1")
	} else {
		b.WriteString(" AND e.open = 0")
	}
	bound := func(col, op string, t time.Time) {
		if t.IsZero() {
			return
		}
		fmt.Fprintf(&b, " AND %s %s ?", col, op)
		args = append(args, clampNanos(t))
	}
	bound("e.start_time", ">=", q.StartTime.Oldest)
	bound("e.start_time", "<=", q.StartTime.Latest)
	bound("e.close_time", ">=", q.CloseTime.Oldest)
	bound("e.close_time", "<=", q.CloseTime.Latest)
	if q.ByCloseTime {
		b.WriteString(" AND e.close_time IS NOT NULL")
	}
	if q.WorkflowID != "" {
		b.WriteString(" AND e.workflow_id = ?")
		args = append(args, q.WorkflowID)
	}
	if q.TypeName != "" {
		b.WriteString(" AND e.type_name = ?")
		args = append(args, q.TypeName)
		if q.TypeVersion != "" {
			b.WriteString(" AND e.type_version = ?")
			args = append(args, q.TypeVersion)
		}
	}
	if q.CloseStatus != "" {
		b.WriteString(" AND e.close_status = ?")
		args = append(args, q.CloseStatus)
	}
	if q.Tag != nil {
		b.WriteString(" AND EXISTS (SELECT 1 FROM execution_tags t WHERE t.run_id = e.run_id AND t.tag = ?)")
		args = append(args, *q.Tag)
	}
	return from, b.String(), args
}

// clampNanos is t in Unix nanoseconds, clamped to what an int64 holds: a bound past the range of time
// columns then still compares as it should.
func clampNanos(t time.Time) int64 {
	switch {
	case t.Before(minTime):
		return minTime.UnixNano()
	case t.After(maxTime):
		return maxTime.UnixNano()
	}
	return t.UnixNano()
}

// PurgeClosed deletes up to limit closed runs of domain that closed before closedBefore, oldest first, with
// their history, activity tasks, timers and tags, in one op of the writer. A limit of zero or less means
// no limit; callers keep it small, so that the op never holds the writer long.
func (s *Store) PurgeClosed(ctx context.Context, domain string, closedBefore time.Time, limit int) (int, error) {
	var purged int
	err := s.write(ctx, func(w *writer) error {
		purged = 0
		rows, err := w.selectPurgeable.QueryContext(w.ctx, domain, clampNanos(closedBefore), rowsLimit(limit))
		if err != nil {
			return err
		}
		var runs []string
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			runs = append(runs, id)
		}
		if err := rows.Close(); err != nil {
			return err
		}
		if err := rows.Err(); err != nil {
			return err
		}
		for _, id := range runs {
			for _, st := range []*sql.Stmt{w.purgeEvents, w.purgeActivities, w.purgeTimers, w.purgeTags, w.purgeRun} {
				if _, err := w.exec(st, id); err != nil {
					return fmt.Errorf("run %s: %w", id, err)
				}
			}
		}
		for _, id := range runs {
			if w.hb.runs[id] != nil {
				w.afterCommit(func(h *heartbeats) { delete(h.runs, id) })
			}
		}
		purged = len(runs)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("purge closed executions of %s: %w", domain, err)
	}
	return purged, nil
}
