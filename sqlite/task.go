package sqlite

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/openswf/openswf"
)

// loadChunk is how many rows a start-up load reads per query. The loads read in chunks and call back
// between them, holding no read transaction while the callback runs: a long read would stop WAL
// checkpoints, and, on a shared-cache :memory: database, would hold table locks the writer needs.
const loadChunk = 1000

// CountPendingTasks counts tasks waiting for a poller on a task list: activity tasks not yet started, or
// executions whose decision task is scheduled and not started.
func (s *Store) CountPendingTasks(ctx context.Context, kind openswf.TaskKind, domain, taskList string) (int, error) {
	var q string
	switch kind {
	case openswf.TaskActivity:
		q = "SELECT COUNT(*) FROM activities WHERE domain = ? AND task_list = ? AND started_id = 0"
	case openswf.TaskDecision:
		q = "SELECT COUNT(*) FROM executions WHERE domain = ? AND decision_task_list = ?"
	default:
		return 0, fmt.Errorf("count pending tasks: unknown task kind %q", kind)
	}
	var n int
	if err := s.reader.QueryRowContext(ctx, q, domain, taskList).Scan(&n); err != nil {
		return 0, fmt.Errorf("count pending %s tasks: %w", kind, err)
	}
	return n, nil
}

// LoadPendingTasks calls fn for every task waiting for a poller: first the activity tasks, ordered by run
// and scheduled id, then the decision tasks, ordered by run. It stops at the first error fn returns.
func (s *Store) LoadPendingTasks(ctx context.Context, fn func(openswf.PendingTask) error) error {
	if err := s.loadPendingActivities(ctx, fn); err != nil {
		return fmt.Errorf("load pending activity tasks: %w", err)
	}
	if err := s.loadPendingDecisions(ctx, fn); err != nil {
		return fmt.Errorf("load pending decision tasks: %w", err)
	}
	return nil
}

func (s *Store) loadPendingActivities(ctx context.Context, fn func(openswf.PendingTask) error) error {
	var (
		lastRun string
		lastID  int64 = -1 << 63
	)
	for {
		rows, err := s.reader.QueryContext(ctx, "SELECT "+activityColumns+` FROM activities
			WHERE started_id = 0 AND (run_id, scheduled_id) > (?, ?)
			ORDER BY run_id, scheduled_id LIMIT ?`, lastRun, lastID, loadChunk)
		if err != nil {
			return err
		}
		var chunk []openswf.PendingTask
		for rows.Next() {
			a, err := scanActivity(rows)
			if err != nil {
				rows.Close()
				return err
			}
			chunk = append(chunk, pendingActivity(a))
		}
		if err := rows.Close(); err != nil {
			return err
		}
		if err := rows.Err(); err != nil {
			return err
		}
		for _, t := range chunk {
			if err := fn(t); err != nil {
				return err
			}
		}
		if len(chunk) < loadChunk {
			return nil
		}
		last := chunk[len(chunk)-1]
		lastRun, lastID = last.RunID, last.ScheduledID
	}
}

func (s *Store) loadPendingDecisions(ctx context.Context, fn func(openswf.PendingTask) error) error {
	lastRun := ""
	for {
		rows, err := s.reader.QueryContext(ctx, `SELECT run_id, state FROM executions
			WHERE decision_task_list IS NOT NULL AND run_id > ?
			ORDER BY run_id LIMIT ?`, lastRun, loadChunk)
		if err != nil {
			return err
		}
		var chunk []openswf.PendingTask
		for rows.Next() {
			var (
				runID string
				state []byte
			)
			if err := rows.Scan(&runID, &state); err != nil {
				rows.Close()
				return err
			}
			p, err := pendingDecision(runID, state)
			if err != nil {
				rows.Close()
				return err
			}
			chunk = append(chunk, p)
		}
		if err := rows.Close(); err != nil {
			return err
		}
		if err := rows.Err(); err != nil {
			return err
		}
		for _, t := range chunk {
			if err := fn(t); err != nil {
				return err
			}
		}
		if len(chunk) < loadChunk {
			return nil
		}
		lastRun = chunk[len(chunk)-1].RunID
	}
}

// FindPendingTasks returns up to limit tasks waiting for a poller on a task list: the highest priority
// first, then activity tasks in the order they were stored and decision tasks in the order of their runs.
// It sorts every pending task of the list: only several nodes sharing one store read pending tasks this
// way, and an SQLite store has one node.
func (s *Store) FindPendingTasks(ctx context.Context, kind openswf.TaskKind, domain, taskList string, limit int) ([]openswf.PendingTask, error) {
	var tasks []openswf.PendingTask
	switch kind {
	case openswf.TaskActivity:
		rows, err := s.reader.QueryContext(ctx, "SELECT "+activityColumns+` FROM activities
			WHERE domain = ? AND task_list = ? AND started_id = 0
			ORDER BY COALESCE(json_extract(data, '$.priority'), 0) DESC, rowid LIMIT ?`, domain, taskList, rowsLimit(limit))
		if err != nil {
			return nil, fmt.Errorf("find pending activity tasks: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			a, err := scanActivity(rows)
			if err != nil {
				return nil, fmt.Errorf("find pending activity tasks: %w", err)
			}
			tasks = append(tasks, pendingActivity(a))
		}
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("find pending activity tasks: %w", err)
		}
	case openswf.TaskDecision:
		rows, err := s.reader.QueryContext(ctx, `SELECT run_id, state FROM executions
			WHERE domain = ? AND decision_task_list = ?
			ORDER BY CAST(COALESCE(json_extract(state, '$.decision.priority'), '0') AS INTEGER) DESC, rowid LIMIT ?`,
			domain, taskList, rowsLimit(limit))
		if err != nil {
			return nil, fmt.Errorf("find pending decision tasks: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var (
				runID string
				state []byte
			)
			if err := rows.Scan(&runID, &state); err != nil {
				return nil, fmt.Errorf("find pending decision tasks: %w", err)
			}
			p, err := pendingDecision(runID, state)
			if err != nil {
				return nil, fmt.Errorf("find pending decision tasks: %w", err)
			}
			tasks = append(tasks, p)
		}
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("find pending decision tasks: %w", err)
		}
	default:
		return nil, fmt.Errorf("find pending tasks: unknown task kind %q", kind)
	}
	return tasks, nil
}

// pendingActivity is the pending task of an activity task not yet started.
func pendingActivity(a *openswf.ActivityTask) openswf.PendingTask {
	return openswf.PendingTask{Kind: openswf.TaskActivity, Domain: a.Domain, TaskList: a.TaskList, RunID: a.RunID,
		ScheduledID: a.ScheduledID, Priority: a.Priority, ScheduledAt: a.ScheduledAt}
}

// pendingDecision is the pending decision task of a run whose record (state) has one scheduled.
func pendingDecision(runID string, state []byte) (openswf.PendingTask, error) {
	var x openswf.Execution
	if err := json.Unmarshal(state, &x); err != nil {
		return openswf.PendingTask{}, fmt.Errorf("decode execution %s: %w", runID, err)
	}
	priority, _ := strconv.ParseInt(x.Decision.Priority, 10, 32)
	return openswf.PendingTask{Kind: openswf.TaskDecision, Domain: x.Domain, TaskList: x.Decision.TaskList,
		RunID: runID, ScheduledID: x.Decision.ScheduledID, Priority: int32(priority), ScheduledAt: x.Decision.ScheduledAt}, nil
}
