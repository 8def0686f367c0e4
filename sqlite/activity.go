package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/openswf/openswf"
)

// activityColumns are the columns scanActivity reads, in order.
const activityColumns = "run_id, scheduled_id, domain, task_list, started_id, heartbeats, last_heartbeat, details, cancel_requested, data"

// GetActivity returns an open activity task with its heartbeat state.
func (s *Store) GetActivity(ctx context.Context, runID string, scheduledID int64) (*openswf.ActivityTask, error) {
	// The heartbeat state first, then the row: a fold between the two leaves the row at least as new.
	hb, hbOK := s.w.hb.get(runID, scheduledID)
	a, err := scanActivity(s.reader.QueryRowContext(ctx,
		"SELECT "+activityColumns+" FROM activities WHERE run_id = ? AND scheduled_id = ?", runID, scheduledID))
	if errors.Is(err, sql.ErrNoRows) {
		err = openswf.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("get activity %s/%d: %w", runID, scheduledID, err)
	}
	if hbOK {
		hb.apply(a)
	}
	return a, nil
}

// ListActivities returns the open activity tasks of a run in scheduled event id order.
func (s *Store) ListActivities(ctx context.Context, runID string) ([]*openswf.ActivityTask, error) {
	hbs := s.w.hb.getRun(runID)
	rows, err := s.reader.QueryContext(ctx,
		"SELECT "+activityColumns+" FROM activities WHERE run_id = ? ORDER BY scheduled_id", runID)
	if err != nil {
		return nil, fmt.Errorf("list activities of %s: %w", runID, err)
	}
	defer rows.Close()
	var as []*openswf.ActivityTask
	for rows.Next() {
		a, err := scanActivity(rows)
		if err != nil {
			return nil, fmt.Errorf("list activities of %s: %w", runID, err)
		}
		if hb, ok := hbs[a.ScheduledID]; ok {
			hb.apply(a)
		}
		as = append(as, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list activities of %s: %w", runID, err)
	}
	return as, nil
}

// scanActivity reads activityColumns. The columns win over the JSON: they are what queries and heartbeats
// change.
func scanActivity(row interface{ Scan(...any) error }) (*openswf.ActivityTask, error) {
	var (
		a             openswf.ActivityTask
		lastHeartbeat sql.NullInt64
		details       sql.NullString
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
	if details.Valid {
		a.Details = &details.String
	}
	return &a, nil
}

// RecordHeartbeat records a heartbeat on a started activity task through the group-commit writer and the
// heartbeat journal (heartbeats.go): it counts it, stores its time and its details (nil keeps the previous
// ones), and reports whether cancellation was requested. openswf.ErrNotFound if no open task of the run
// has that scheduled and started event id.
func (s *Store) RecordHeartbeat(ctx context.Context, runID string, scheduledID, startedID int64, details *string, at time.Time) (bool, error) {
	if !storable(at, false) {
		return false, fmt.Errorf("record heartbeat of %s/%d: time %v cannot be stored", runID, scheduledID, at)
	}
	hb := &hbOp{runID: runID, scheduledID: scheduledID, startedID: startedID, details: details, at: at.UnixNano()}
	if err := s.submit(ctx, &op{hb: hb, done: make(chan error, 1)}); err != nil {
		return false, fmt.Errorf("record heartbeat of %s/%d: %w", runID, scheduledID, err)
	}
	return hb.cancel, nil
}

// ListOpenActivities lists the open activity tasks q selects, in q's order, with the heartbeat state the
// journal holds beyond the rows.
func (s *Store) ListOpenActivities(ctx context.Context, q openswf.ActivityQuery) ([]*openswf.ActivityTask, error) {
	var (
		where []string
		args  []any
	)
	order := "task_list, run_id, scheduled_id"
	if q.RunID != "" {
		where, args, order = append(where, "run_id = ?"), append(args, q.RunID), "scheduled_id"
		if q.After != nil {
			where, args = append(where, "scheduled_id > ?"), append(args, q.After.ScheduledID)
		}
	} else {
		where, args = append(where, "domain = ?"), append(args, q.Domain)
		switch {
		case q.TaskList != "" && q.After != nil:
			// The task list fixed, the cursor's rest: a range of the index, read in order.
			where = append(where, "task_list = ?", "(run_id, scheduled_id) > (?, ?)")
			args = append(args, q.TaskList, q.After.RunID, q.After.ScheduledID)
		case q.TaskList != "":
			where, args = append(where, "task_list = ?"), append(args, q.TaskList)
		case q.After != nil:
			where = append(where, "(task_list, run_id, scheduled_id) > (?, ?, ?)")
			args = append(args, q.After.TaskList, q.After.RunID, q.After.ScheduledID)
		}
	}
	if q.RunID != "" && q.TaskList != "" {
		where, args = append(where, "task_list = ?"), append(args, q.TaskList)
	}
	switch q.State {
	case openswf.ActivityScheduled:
		where = append(where, "started_id = 0")
	case openswf.ActivityStarted:
		where = append(where, "started_id > 0")
	}
	query := "SELECT " + activityColumns + " FROM activities WHERE " + strings.Join(where, " AND ") + " ORDER BY " + order
	if q.Limit > 0 {
		query += " LIMIT ?"
		args = append(args, q.Limit)
	}
	rows, err := s.reader.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("list open activities: %w", err)
	}
	defer rows.Close()
	var as []*openswf.ActivityTask
	for rows.Next() {
		a, err := scanActivity(rows)
		if err != nil {
			return nil, fmt.Errorf("list open activities: %w", err)
		}
		if hb, ok := s.w.hb.get(a.RunID, a.ScheduledID); ok {
			hb.apply(a)
		}
		as = append(as, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list open activities: %w", err)
	}
	return as, nil
}
