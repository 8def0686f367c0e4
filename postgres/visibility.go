package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/openswf/openswf"
)

// ListExecutions lists the runs q selects in q's order, at most q.Limit.
func (s *Store) ListExecutions(ctx context.Context, eq openswf.ExecutionQuery) ([]*openswf.Execution, error) {
	var q query
	q.text("SELECT e.version, e.state FROM executions e WHERE ")
	executionFilter(&q, eq)
	col := pick(eq.ByCloseTime, "e.close_time", "e.start_time")
	if eq.After != nil {
		q.text(" AND (" + col + ", e.run_id) " + pick(eq.Reverse, ">", "<") + " (").
			arg(eq.After.Time.UnixNano()).text(", ").arg(eq.After.RunID).text(")")
	}
	dir := pick(eq.Reverse, "ASC", "DESC")
	q.text(" ORDER BY " + col + " " + dir + ", e.run_id " + dir + " LIMIT ").arg(rowsLimit(eq.Limit))
	rows, err := s.pool.Query(ctx, q.sql.String(), q.args...)
	if err != nil {
		return nil, fmt.Errorf("list executions of %s: %w", eq.Domain, unavailable(err))
	}
	xs, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*openswf.Execution, error) {
		var (
			version int64
			state   []byte
		)
		if err := row.Scan(&version, &state); err != nil {
			return nil, err
		}
		x := new(openswf.Execution)
		if err := json.Unmarshal(state, x); err != nil {
			return nil, fmt.Errorf("decode execution: %w", err)
		}
		x.Version = version
		return x, nil
	})
	if err != nil {
		return nil, fmt.Errorf("list executions of %s: %w", eq.Domain, unavailable(err))
	}
	return xs, nil
}

// CountExecutions counts the runs q selects, at most q.Limit of them when it is positive.
func (s *Store) CountExecutions(ctx context.Context, eq openswf.ExecutionQuery) (int, error) {
	var q query
	q.text("SELECT COUNT(*) FROM (SELECT 1 FROM executions e WHERE ")
	executionFilter(&q, eq)
	q.text(" LIMIT ").arg(rowsLimit(eq.Limit)).text(") c")
	var n int
	if err := s.pool.QueryRow(ctx, q.sql.String(), q.args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count executions of %s: %w", eq.Domain, unavailable(err))
	}
	return n, nil
}

// executionFilter appends the conditions of eq's filters.
func executionFilter(q *query, eq openswf.ExecutionQuery) {
	q.text("e.domain = ").arg(eq.Domain)
	q.text(pick(eq.Open, " AND e.open", " AND NOT e.open"))
	bound := func(col, op string, t time.Time) {
		if !t.IsZero() {
			q.text(" AND " + col + " " + op + " ").arg(clampNanos(t))
		}
	}
	bound("e.start_time", ">=", eq.StartTime.Oldest)
	bound("e.start_time", "<=", eq.StartTime.Latest)
	bound("e.close_time", ">=", eq.CloseTime.Oldest)
	bound("e.close_time", "<=", eq.CloseTime.Latest)
	if eq.ByCloseTime {
		q.text(" AND e.close_time IS NOT NULL")
	}
	if eq.WorkflowID != "" {
		q.text(" AND e.workflow_id = ").arg(eq.WorkflowID)
	}
	if eq.TypeName != "" {
		q.text(" AND e.type_name = ").arg(eq.TypeName)
		if eq.TypeVersion != "" {
			q.text(" AND e.type_version = ").arg(eq.TypeVersion)
		}
	}
	if eq.CloseStatus != "" {
		q.text(" AND e.close_status = ").arg(eq.CloseStatus)
	}
	if eq.Tag != nil {
		q.text(" AND EXISTS (SELECT 1 FROM execution_tags t WHERE t.run_id = e.run_id AND t.tag = ").arg(*eq.Tag).text(")")
	}
}

// PurgeClosed deletes up to limit closed runs of a domain that closed before closedBefore, oldest first,
// with everything stored for them, in one transaction.
func (s *Store) PurgeClosed(ctx context.Context, domain string, closedBefore time.Time, limit int) (int, error) {
	var purged int
	err := s.write(ctx, "purge/"+domain, func(w *wtx) error {
		purged = 0
		rows, err := w.query(`SELECT run_id FROM executions
			WHERE domain = $1 AND NOT open AND close_time < $2
			ORDER BY close_time, run_id LIMIT $3 FOR UPDATE SKIP LOCKED`, domain, clampNanos(closedBefore), rowsLimit(limit))
		if err != nil {
			return err
		}
		runs, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil || len(runs) == 0 {
			return err
		}
		n, err := w.pipeline(
			stmt{"DELETE FROM events WHERE run_id = ANY($1::text[])", []any{runs}},
			stmt{"DELETE FROM activities WHERE run_id = ANY($1::text[])", []any{runs}},
			stmt{"DELETE FROM timers WHERE run_id = ANY($1::text[])", []any{runs}},
			stmt{"DELETE FROM execution_tags WHERE run_id = ANY($1::text[])", []any{runs}},
			stmt{"DELETE FROM executions WHERE run_id = ANY($1::text[]) AND NOT open", []any{runs}},
		)
		if err != nil {
			return err
		}
		purged = int(n[4])
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("purge closed executions of %s: %w", domain, err)
	}
	return purged, nil
}
