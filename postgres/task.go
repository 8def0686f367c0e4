package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/openswf/openswf"
)

// loadChunk is how many rows a start-up load reads per query: keyset pages, so that no query holds a
// snapshot for the whole load of a large database.
const loadChunk = 1000

// activityColumns are an activity row's columns in the order scanActivity reads them.
const activityColumns = "run_id, scheduled_id, domain, task_list, started_id, heartbeats, last_heartbeat, details, cancel_requested, data"

// GetActivity returns an open activity task with its heartbeat state.
func (s *Store) GetActivity(ctx context.Context, runID string, scheduledID int64) (*openswf.ActivityTask, error) {
	rows, err := s.pool.Query(ctx, "SELECT "+activityColumns+" FROM activities WHERE run_id = $1 AND scheduled_id = $2",
		runID, scheduledID)
	if err == nil {
		var a *openswf.ActivityTask
		a, err = pgx.CollectExactlyOneRow(rows, scanActivity)
		if err == nil {
			return a, nil
		}
	}
	if errors.Is(err, pgx.ErrNoRows) {
		err = openswf.ErrNotFound
	}
	return nil, fmt.Errorf("get activity %s/%d: %w", runID, scheduledID, unavailable(err))
}

// ListActivities returns the open activity tasks of a run by scheduled event id.
func (s *Store) ListActivities(ctx context.Context, runID string) ([]*openswf.ActivityTask, error) {
	rows, err := s.pool.Query(ctx, "SELECT "+activityColumns+" FROM activities WHERE run_id = $1 ORDER BY scheduled_id", runID)
	if err != nil {
		return nil, fmt.Errorf("list activities of %s: %w", runID, unavailable(err))
	}
	as, err := pgx.CollectRows(rows, scanActivity)
	if err != nil {
		return nil, fmt.Errorf("list activities of %s: %w", runID, unavailable(err))
	}
	return as, nil
}

// scanActivity reads a row of activityColumns: the columns win over the JSON, which was written when the
// task was put and misses the heartbeat state recorded since.
func scanActivity(row pgx.CollectableRow) (*openswf.ActivityTask, error) {
	var (
		a             openswf.ActivityTask
		lastHeartbeat *int64
		details       *string
		data          []byte
	)
	if err := row.Scan(&a.RunID, &a.ScheduledID, &a.Domain, &a.TaskList, &a.StartedID, &a.Heartbeats,
		&lastHeartbeat, &details, &a.CancelRequested, &data); err != nil {
		return nil, err
	}
	keep := a
	if err := json.Unmarshal(data, &a); err != nil {
		return nil, fmt.Errorf("decode activity: %w", err)
	}
	a.RunID, a.ScheduledID, a.Domain, a.TaskList, a.StartedID = keep.RunID, keep.ScheduledID, keep.Domain, keep.TaskList, keep.StartedID
	a.Heartbeats, a.CancelRequested = keep.Heartbeats, keep.CancelRequested
	a.LastHeartbeatAt = fromNanos(lastHeartbeat)
	a.Details = details
	return &a, nil
}

// CountPendingTasks counts tasks waiting for a poller on a task list.
func (s *Store) CountPendingTasks(ctx context.Context, kind openswf.TaskKind, domain, taskList string) (int, error) {
	var q string
	switch kind {
	case openswf.TaskActivity:
		q = "SELECT COUNT(*) FROM activities WHERE domain = $1 AND task_list = $2 AND started_id = 0"
	case openswf.TaskDecision:
		q = "SELECT COUNT(*) FROM executions WHERE domain = $1 AND decision_task_list = $2"
	default:
		return 0, fmt.Errorf("count pending tasks: unknown task kind %q", kind)
	}
	var n int
	if err := s.pool.QueryRow(ctx, q, domain, taskList).Scan(&n); err != nil {
		return 0, fmt.Errorf("count pending %s tasks: %w", kind, unavailable(err))
	}
	return n, nil
}

// LoadPendingTasks calls fn for every task waiting for a poller.
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
	return pages(func(last *openswf.ActivityTask, more bool) (pgx.Rows, error) {
		lastRun, lastID := "", int64(-1<<63)
		if more {
			lastRun, lastID = last.RunID, last.ScheduledID
		}
		return s.pool.Query(ctx, "SELECT "+activityColumns+` FROM activities
			WHERE started_id = 0 AND (run_id, scheduled_id) > ($1, $2)
			ORDER BY run_id, scheduled_id LIMIT $3`, lastRun, lastID, loadChunk)
	}, scanActivity, func(a *openswf.ActivityTask) error { return fn(pendingActivity(a)) })
}

func (s *Store) loadPendingDecisions(ctx context.Context, fn func(openswf.PendingTask) error) error {
	return pages(func(last openswf.PendingTask, more bool) (pgx.Rows, error) {
		lastRun := ""
		if more {
			lastRun = last.RunID
		}
		return s.pool.Query(ctx, `SELECT run_id, state FROM executions
			WHERE decision_task_list IS NOT NULL AND run_id > $1 ORDER BY run_id LIMIT $2`, lastRun, loadChunk)
	}, scanPendingDecision, fn)
}

// pages reads a query in keyset pages of loadChunk rows: page returns the rows after last (more is false
// for the first page, whose last is the zero value), and each row, scanned, goes to fn.
func pages[T any](page func(last T, more bool) (pgx.Rows, error), scan pgx.RowToFunc[T], fn func(T) error) error {
	var last T
	more := false
	for {
		rows, err := page(last, more)
		if err != nil {
			return unavailable(err)
		}
		chunk, err := pgx.CollectRows(rows, scan)
		if err != nil {
			return unavailable(err)
		}
		for _, v := range chunk {
			if err := fn(v); err != nil {
				return err
			}
		}
		if len(chunk) < loadChunk {
			return nil
		}
		last, more = chunk[len(chunk)-1], true
	}
}

// LoadTimers calls fn for every armed timer.
func (s *Store) LoadTimers(ctx context.Context, fn func(openswf.Timer) error) error {
	if err := s.loadTimers(ctx, -1, fn); err != nil {
		return fmt.Errorf("load timers: %w", err)
	}
	return nil
}

// loadTimers calls fn for every armed timer of partition part, or of all partitions when part is negative,
// reading them in keyset pages.
func (s *Store) loadTimers(ctx context.Context, part int, fn func(openswf.Timer) error) error {
	// Two statements rather than one with "$1 < 0 OR part = $1": a prepared statement's generic plan could
	// not use the partition index for the latter.
	query := `SELECT run_id, kind, id, domain, due FROM timers
		WHERE part = $1 AND (run_id, kind, id) > ($2, $3, $4) ORDER BY run_id, kind, id LIMIT $5`
	if part < 0 {
		query = `SELECT run_id, kind, id, domain, due FROM timers
			WHERE $1 < 0 AND (run_id, kind, id) > ($2, $3, $4) ORDER BY run_id, kind, id LIMIT $5`
	}
	return pages(func(last openswf.Timer, more bool) (pgx.Rows, error) {
		lastRun, lastKind, lastID := "", "", int64(-1<<63)
		if more {
			lastRun, lastKind, lastID = last.RunID, string(last.Kind), last.ID
		}
		return s.pool.Query(ctx, query, part, lastRun, lastKind, lastID, loadChunk)
	}, scanTimer, fn)
}

// CountOpenTasks counts the open tasks of every domain by kind and state.
func (s *Store) CountOpenTasks(ctx context.Context) (openswf.OpenTaskCounts, error) {
	var c openswf.OpenTaskCounts
	var total int
	err := s.pool.QueryRow(ctx, `SELECT
		(SELECT COUNT(*) FROM activities),
		(SELECT COUNT(*) FROM activities WHERE started_id = 0),
		(SELECT COUNT(*) FROM executions WHERE decision_task_list IS NOT NULL)`,
	).Scan(&total, &c.ActivityScheduled, &c.DecisionScheduled)
	if err != nil {
		return openswf.OpenTaskCounts{}, fmt.Errorf("count open tasks: %w", unavailable(err))
	}
	c.ActivityStarted = total - c.ActivityScheduled
	return c, nil
}

// FindPendingTasks returns up to limit tasks waiting for a poller on a task list: the highest priority
// first, then the longest waiting, the pending indexes' order.
func (s *Store) FindPendingTasks(ctx context.Context, kind openswf.TaskKind, domain, taskList string, limit int) ([]openswf.PendingTask, error) {
	switch kind {
	case openswf.TaskActivity:
		rows, err := s.pool.Query(ctx, "SELECT "+activityColumns+` FROM activities
			WHERE domain = $1 AND task_list = $2 AND started_id = 0
			ORDER BY priority DESC, scheduled_at, run_id, scheduled_id LIMIT $3`, domain, taskList, rowsLimit(limit))
		if err != nil {
			return nil, fmt.Errorf("find pending activity tasks: %w", unavailable(err))
		}
		as, err := pgx.CollectRows(rows, scanActivity)
		if err != nil {
			return nil, fmt.Errorf("find pending activity tasks: %w", unavailable(err))
		}
		tasks := make([]openswf.PendingTask, len(as))
		for i, a := range as {
			tasks[i] = pendingActivity(a)
		}
		return tasks, nil
	case openswf.TaskDecision:
		rows, err := s.pool.Query(ctx, `SELECT run_id, state FROM executions
			WHERE domain = $1 AND decision_task_list = $2
			ORDER BY decision_priority DESC, decision_scheduled_at, run_id LIMIT $3`, domain, taskList, rowsLimit(limit))
		if err != nil {
			return nil, fmt.Errorf("find pending decision tasks: %w", unavailable(err))
		}
		tasks, err := pgx.CollectRows(rows, scanPendingDecision)
		if err != nil {
			return nil, fmt.Errorf("find pending decision tasks: %w", unavailable(err))
		}
		return tasks, nil
	}
	return nil, fmt.Errorf("find pending tasks: unknown task kind %q", kind)
}

// pendingActivity is the pending task of an activity task not yet started.
func pendingActivity(a *openswf.ActivityTask) openswf.PendingTask {
	return openswf.PendingTask{Kind: openswf.TaskActivity, Domain: a.Domain, TaskList: a.TaskList, RunID: a.RunID,
		ScheduledID: a.ScheduledID, Priority: a.Priority, ScheduledAt: a.ScheduledAt}
}

// scanPendingDecision reads (run_id, state) of a run with a decision task scheduled.
func scanPendingDecision(row pgx.CollectableRow) (openswf.PendingTask, error) {
	var (
		runID string
		state []byte
		x     openswf.Execution
	)
	if err := row.Scan(&runID, &state); err != nil {
		return openswf.PendingTask{}, err
	}
	if err := json.Unmarshal(state, &x); err != nil {
		return openswf.PendingTask{}, fmt.Errorf("decode execution %s: %w", runID, err)
	}
	priority, _ := strconv.ParseInt(x.Decision.Priority, 10, 32)
	return openswf.PendingTask{Kind: openswf.TaskDecision, Domain: x.Domain, TaskList: x.Decision.TaskList,
		RunID: runID, ScheduledID: x.Decision.ScheduledID, Priority: int32(priority), ScheduledAt: x.Decision.ScheduledAt}, nil
}

// LoadTimersIn calls fn for every armed timer of the given partitions (when a node takes their leases).
func (s *Store) LoadTimersIn(ctx context.Context, parts []int, fn func(openswf.Timer) error) error {
	for _, p := range parts {
		if err := s.loadTimers(ctx, p, fn); err != nil {
			return fmt.Errorf("load timers of partition %d: %w", p, err)
		}
	}
	return nil
}

// scanTimer reads (run_id, kind, id, domain, due).
func scanTimer(row pgx.CollectableRow) (openswf.Timer, error) {
	var (
		t    openswf.Timer
		kind string
		due  int64
	)
	err := row.Scan(&t.RunID, &kind, &t.ID, &t.Domain, &due)
	t.Kind, t.Due = openswf.TimerKind(kind), fromNanos(&due)
	return t, err
}

// ListOpenActivities lists the open activity tasks q selects, in q's order.
func (s *Store) ListOpenActivities(ctx context.Context, q openswf.ActivityQuery) ([]*openswf.ActivityTask, error) {
	var (
		where []string
		args  []any
	)
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	order := "task_list, run_id, scheduled_id"
	if q.RunID != "" {
		where, order = append(where, "run_id = "+arg(q.RunID)), "scheduled_id"
		if q.After != nil {
			where = append(where, "scheduled_id > "+arg(q.After.ScheduledID))
		}
	} else {
		where = append(where, "domain = "+arg(q.Domain))
		switch {
		case q.TaskList != "" && q.After != nil:
			// The task list fixed, the cursor's rest: a range of the index, read in order.
			where = append(where, "task_list = "+arg(q.TaskList),
				"(run_id, scheduled_id) > ("+arg(q.After.RunID)+", "+arg(q.After.ScheduledID)+")")
		case q.TaskList != "":
			where = append(where, "task_list = "+arg(q.TaskList))
		case q.After != nil:
			where = append(where, "(task_list, run_id, scheduled_id) > ("+arg(q.After.TaskList)+", "+
				arg(q.After.RunID)+", "+arg(q.After.ScheduledID)+")")
		}
	}
	if q.RunID != "" && q.TaskList != "" {
		where = append(where, "task_list = "+arg(q.TaskList))
	}
	switch q.State {
	case openswf.ActivityScheduled:
		where = append(where, "started_id = 0")
	case openswf.ActivityStarted:
		where = append(where, "started_id > 0")
	}
	query := "SELECT " + activityColumns + " FROM activities WHERE " + strings.Join(where, " AND ") + " ORDER BY " + order
	if q.Limit > 0 {
		query += " LIMIT " + arg(q.Limit)
	}
	rows, err := s.pool.Query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("list open activities: %w", unavailable(err))
	}
	as, err := pgx.CollectRows(rows, scanActivity)
	if err != nil {
		return nil, fmt.Errorf("list open activities: %w", unavailable(err))
	}
	return as, nil
}
