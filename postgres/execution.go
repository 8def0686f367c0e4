package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/openswf/openswf"
)

// The statements of a transition. Rows of one kind go in one statement of many rows (unnest of arrays),
// so that a transition costs one round trip however many events, tasks and timers it holds.
const (
	// ON CONFLICT DO NOTHING covers both the run id and the one-open-run-per-workflow-id index; no row
	// inserted means the execution exists.
	insertExecution = `INSERT INTO executions
		(run_id, domain, workflow_id, open, version, start_time, close_time, decision_task_list, state,
		 type_name, type_version, close_status, decision_priority, decision_scheduled_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) ON CONFLICT DO NOTHING`
	updateExecution = `UPDATE executions
		SET open = $1, version = $2, start_time = $3, close_time = $4, decision_task_list = $5, state = $6,
		    close_status = $7, decision_priority = $10, decision_scheduled_at = $11
		WHERE run_id = $8 AND version = $9`
	insertTags   = `INSERT INTO execution_tags (run_id, tag) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING`
	insertEvents = `INSERT INTO events (run_id, id, time, type, attrs)
		SELECT $1, * FROM unnest($2::bigint[], $3::bigint[], $4::text[], $5::bytea[])`
	putActivities = `INSERT INTO activities
		(run_id, scheduled_id, domain, task_list, started_id, heartbeats, last_heartbeat, details,
		 cancel_requested, data, priority, scheduled_at)
		SELECT $1, * FROM unnest($2::bigint[], $3::text[], $4::text[], $5::bigint[], $6::bigint[], $7::bigint[],
		                         $8::text[], $9::boolean[], $10::text[], $11::integer[], $12::bigint[])
		ON CONFLICT (run_id, scheduled_id) DO UPDATE SET
			domain = excluded.domain, task_list = excluded.task_list, started_id = excluded.started_id,
			heartbeats = excluded.heartbeats, last_heartbeat = excluded.last_heartbeat,
			details = excluded.details, cancel_requested = excluded.cancel_requested, data = excluded.data,
			priority = excluded.priority, scheduled_at = excluded.scheduled_at`
	cancelActivities = `UPDATE activities SET cancel_requested = TRUE WHERE run_id = $1 AND scheduled_id = ANY($2::bigint[])`
	// A close names the heartbeat count the engine decided on (negative for any): a heartbeat recorded
	// since makes the row not match, and the transition conflicts.
	closeActivities = `DELETE FROM activities a USING unnest($2::bigint[], $3::bigint[]) AS c(scheduled_id, heartbeats)
		WHERE a.run_id = $1 AND a.scheduled_id = c.scheduled_id AND (a.heartbeats = c.heartbeats OR c.heartbeats < 0)`
	deleteTimers = `DELETE FROM timers t USING unnest($1::text[], $2::text[], $3::bigint[]) AS d(run_id, kind, id)
		WHERE t.run_id = d.run_id AND t.kind = d.kind AND t.id = d.id`
	putTimers = `INSERT INTO timers (run_id, kind, id, domain, due, part)
		SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::bigint[], $6::smallint[])
		ON CONFLICT (run_id, kind, id) DO UPDATE SET domain = excluded.domain, due = excluded.due`
	// The fence: the lease row, locked for share until the commit, so that a node taking the lease over
	// waits for this transaction and this transaction sees a lease taken before it.
	checkFence = `SELECT 1 FROM timer_leases WHERE part = $1 AND owner = $2 AND epoch = $3 AND expires > now() FOR SHARE`
	// Notices to the other nodes, delivered when the transaction commits (notify.go).
	notify = `SELECT pg_notify('` + noticeChannelPrefix + `' || current_schema(), n) FROM unnest($1::text[]) AS n`
)

// Apply commits a transition, and the transitions of its Also, atomically. It reports openswf.ErrExists
// when a Create meets an open run of the workflow id (or an existing run id), and openswf.ErrConflict when
// a stored version is not Execution.Version-1, when an activity to cancel is absent, or when an activity to
// close is absent or has counted other heartbeats than the transition expects. On any error nothing of the
// group is stored; the error names the run that failed.
//
// Within one transition the steps run in this order: the execution record (with its tags when created),
// the events, PutActivities, CancelActivities, CloseActivities, DeleteTimers, PutTimers, so a timer both
// deleted and put ends up armed.
func (s *Store) Apply(ctx context.Context, tr *openswf.Transition) error {
	if tr == nil || tr.Execution == nil {
		return errors.New("apply transition: no execution")
	}
	group := make([]*applyStep, 0, 1+len(tr.Also))
	for i, t := range append([]*openswf.Transition{tr}, tr.Also...) {
		if t == nil || t.Execution == nil {
			return fmt.Errorf("apply transition: grouped transition %d has no execution", i)
		}
		st, err := prepareStep(t)
		if err != nil {
			return fmt.Errorf("apply transition to run %s version %d: %w", t.Execution.RunID, t.Execution.Version, err)
		}
		group = append(group, st)
	}
	write := s.write
	bare := len(group) == 1 && group[0].bare()
	if bare {
		write = s.writeBare
	}
	notices := s.notices(group)
	err := write(ctx, tr.Execution.RunID, func(w *wtx) error {
		for i, st := range group {
			// The notices go in the last step's round trip, after its statements: a step that fails takes
			// them back with it.
			var tail []stmt
			if i == len(group)-1 && len(notices) > 0 {
				tail = []stmt{{notify, []any{notices}}}
			}
			if err := st.run(w, bare, tail...); err != nil {
				x := st.tr.Execution
				return fmt.Errorf("apply transition to run %s version %d: %w", x.RunID, x.Version, err)
			}
		}
		return nil
	})
	if err != nil && len(group) > 1 {
		return fmt.Errorf("apply %d grouped transitions: %w", len(group), err)
	}
	return err
}

// applyStep is one transition of a group, checked and encoded before it reaches a writer.
type applyStep struct {
	tr               *openswf.Transition
	state            string
	decisionTaskList *string // NULL unless a decision task waits for a decider
	closeStatus      *string // NULL while open
	first            stmt    // the execution's insert or versioned update
	rest             []stmt  // the statements that cannot conflict
	cancelIDs        []int64
	closeIDs         []int64
	closeHeartbeats  []int64
	timerDeletes     stmt // empty unless timers are deleted
	timerPuts        stmt // empty unless timers are put
}

// bare reports whether the step alone can run without a savepoint: only its first statement can then
// conflict, and it changes nothing when it does.
func (st *applyStep) bare() bool {
	return len(st.tr.CancelActivities) == 0 && len(st.tr.CloseActivities) == 0 && st.tr.Fence == nil
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
	// A scheduled decision task's list, priority and time: the pending index's columns.
	var decisionPriority int32
	var decisionAt int64
	if x.Decision.Scheduled() {
		st.decisionTaskList = &x.Decision.TaskList
		if p, err := strconv.ParseInt(x.Decision.Priority, 10, 32); err == nil {
			decisionPriority = int32(p)
		}
		if !x.Decision.ScheduledAt.IsZero() {
			decisionAt = clampNanos(x.Decision.ScheduledAt)
		}
	}
	if !x.Open && x.CloseStatus != "" {
		st.closeStatus = &x.CloseStatus
	}
	if !storable(x.StartedAt, true) || !storable(x.ClosedAt, true) {
		return nil, fmt.Errorf("execution times %v, %v cannot be stored", x.StartedAt, x.ClosedAt)
	}
	if tr.Create {
		st.first = stmt{insertExecution, []any{x.RunID, x.Domain, x.WorkflowID, x.Open, x.Version,
			nanos(x.StartedAt), nanos(x.ClosedAt), st.decisionTaskList, st.state,
			x.Type.Name, x.Type.Version, st.closeStatus, decisionPriority, decisionAt}}
		if len(x.TagList) > 0 {
			st.rest = append(st.rest, stmt{insertTags, []any{x.RunID, x.TagList}})
		}
	} else {
		st.first = stmt{updateExecution, []any{x.Open, x.Version, nanos(x.StartedAt), nanos(x.ClosedAt),
			st.decisionTaskList, st.state, st.closeStatus, x.RunID, x.Version - 1, decisionPriority, decisionAt}}
	}

	if n := len(tr.Events); n > 0 {
		ids, times, types, attrs := make([]int64, n), make([]int64, n), make([]string, n), make([][]byte, n)
		for i, e := range tr.Events {
			if !storable(e.Time, false) {
				return nil, fmt.Errorf("event %d: time %v cannot be stored", e.ID, e.Time)
			}
			ids[i], times[i], types[i], attrs[i] = e.ID, e.Time.UnixNano(), string(e.Type), []byte(e.Attributes)
		}
		st.rest = append(st.rest, stmt{insertEvents, []any{x.RunID, ids, times, types, attrs}})
	}

	if len(tr.PutActivities) > 0 {
		// One row per task, the last put winning: a statement may not change a row twice.
		var (
			last = map[int64]int{}
			acts []*openswf.ActivityTask
		)
		for _, a := range tr.PutActivities {
			if a.RunID != x.RunID {
				return nil, fmt.Errorf("activity %d of run %q in a transition of run %q", a.ScheduledID, a.RunID, x.RunID)
			}
			if !storable(a.LastHeartbeatAt, true) {
				return nil, fmt.Errorf("activity %d: heartbeat time %v cannot be stored", a.ScheduledID, a.LastHeartbeatAt)
			}
			if i, ok := last[a.ScheduledID]; ok {
				acts[i] = a
				continue
			}
			last[a.ScheduledID] = len(acts)
			acts = append(acts, a)
		}
		n := len(acts)
		sched, domains, lists := make([]int64, n), make([]string, n), make([]string, n)
		started, beats, lastBeat := make([]int64, n), make([]int64, n), make([]*int64, n)
		details, cancel, data := make([]*string, n), make([]bool, n), make([]string, n)
		prio, schedAt := make([]int32, n), make([]int64, n)
		for i, a := range acts {
			b, err := json.Marshal(a)
			if err != nil {
				return nil, fmt.Errorf("encode activity %d: %w", a.ScheduledID, err)
			}
			sched[i], domains[i], lists[i] = a.ScheduledID, a.Domain, a.TaskList
			started[i], beats[i], lastBeat[i] = a.StartedID, a.Heartbeats, nanos(a.LastHeartbeatAt)
			details[i], cancel[i], data[i] = a.Details, a.CancelRequested, string(b)
			prio[i] = a.Priority
			if !a.ScheduledAt.IsZero() {
				schedAt[i] = clampNanos(a.ScheduledAt)
			}
		}
		st.rest = append(st.rest, stmt{putActivities, []any{x.RunID, sched, domains, lists, started, beats, lastBeat,
			details, cancel, data, prio, schedAt}})
	}

	if len(tr.CancelActivities) > 0 {
		seen := map[int64]bool{}
		for _, id := range tr.CancelActivities {
			if !seen[id] {
				seen[id] = true
				st.cancelIDs = append(st.cancelIDs, id)
			}
		}
	}
	for _, c := range tr.CloseActivities {
		st.closeIDs = append(st.closeIDs, c.ScheduledID)
		st.closeHeartbeats = append(st.closeHeartbeats, c.Heartbeats)
	}

	if n := len(tr.DeleteTimers); n > 0 {
		runs, kinds, ids := make([]string, n), make([]string, n), make([]int64, n)
		for i, k := range tr.DeleteTimers {
			runs[i], kinds[i], ids[i] = k.RunID, string(k.Kind), k.ID
		}
		st.timerDeletes = stmt{deleteTimers, []any{runs, kinds, ids}}
	}
	if len(tr.PutTimers) > 0 {
		last := map[openswf.TimerKey]int{}
		var timers []openswf.Timer
		for _, t := range tr.PutTimers {
			if !storable(t.Due, false) {
				return nil, fmt.Errorf("timer %s/%d: due time %v cannot be stored", t.Kind, t.ID, t.Due)
			}
			if i, ok := last[t.TimerKey]; ok {
				timers[i] = t
				continue
			}
			last[t.TimerKey] = len(timers)
			timers = append(timers, t)
		}
		n := len(timers)
		runs, kinds, ids, domains, dues := make([]string, n), make([]string, n), make([]int64, n), make([]string, n), make([]int64, n)
		parts := make([]int16, n)
		for i, t := range timers {
			runs[i], kinds[i], ids[i], domains[i], dues[i] = t.RunID, string(t.Kind), t.ID, t.Domain, t.Due.UnixNano()
			parts[i] = int16(openswf.TimerPartition(t.RunID))
		}
		st.timerPuts = stmt{putTimers, []any{runs, kinds, ids, domains, dues, parts}}
	}
	return st, nil
}

// run sends the step's statements, then tail. A bare step sends its first statement alone, and the rest
// only when it changed a row; otherwise (inside the op's savepoint) everything goes in one round trip and
// the counts are checked after.
func (st *applyStep) run(w *wtx, bare bool, tail ...stmt) error {
	x := st.tr.Execution
	stmts := make([]stmt, 0, 4+len(st.rest))
	if bare {
		n, err := w.exec(st.first.sql, st.first.args...)
		if err != nil {
			return fmt.Errorf("write execution: %w", err)
		}
		if n == 0 {
			return st.missing()
		}
	} else {
		if f := st.tr.Fence; f != nil {
			stmts = append(stmts, stmt{checkFence, []any{int16(f.Partition), f.Owner, f.Epoch}})
		}
		stmts = append(stmts, st.first)
	}
	stmts = append(stmts, st.rest...)
	cancelAt, closeAt := -1, -1
	if len(st.cancelIDs) > 0 {
		cancelAt = len(stmts)
		stmts = append(stmts, stmt{cancelActivities, []any{x.RunID, st.cancelIDs}})
	}
	if len(st.closeIDs) > 0 {
		closeAt = len(stmts)
		stmts = append(stmts, stmt{closeActivities, []any{x.RunID, st.closeIDs, st.closeHeartbeats}})
	}
	if st.timerDeletes.sql != "" {
		stmts = append(stmts, st.timerDeletes)
	}
	if st.timerPuts.sql != "" {
		stmts = append(stmts, st.timerPuts)
	}
	stmts = append(stmts, tail...)
	if len(stmts) == 0 {
		return nil
	}
	n, err := w.pipeline(stmts...)
	if err != nil {
		if !bare && isEventsConflict(err) {
			// The record's version had moved (another node committed first) and its events hold the ids
			// this transition appends: the insert fails before the version check can be read. The
			// savepoint takes it all back, and the engine decides again.
			return fmt.Errorf("write transition: events exist: %w", openswf.ErrConflict)
		}
		return fmt.Errorf("write transition: %w", err)
	}
	if !bare {
		if st.tr.Fence != nil {
			if n[0] == 0 {
				return openswf.ErrFenced
			}
			n = n[1:]
			cancelAt, closeAt = cancelAt-1, closeAt-1
		}
		if n[0] == 0 {
			return st.missing()
		}
	}
	if cancelAt >= 0 && n[cancelAt] != int64(len(st.cancelIDs)) {
		return fmt.Errorf("cancel activities %v: %w", st.cancelIDs, openswf.ErrConflict)
	}
	if closeAt >= 0 && n[closeAt] != int64(len(st.closeIDs)) {
		return fmt.Errorf("close activities %v: %w", st.closeIDs, openswf.ErrConflict)
	}
	return nil
}

// missing is the error of a first statement that changed no row.
func (st *applyStep) missing() error {
	if st.tr.Create {
		return openswf.ErrExists
	}
	return openswf.ErrConflict
}

// GetExecution returns one run; openswf.ErrNotFound unless the run exists in that domain and workflow id.
func (s *Store) GetExecution(ctx context.Context, domain, workflowID, runID string) (*openswf.Execution, error) {
	x, err := s.readExecution(ctx, "SELECT run_id, version, state FROM executions WHERE run_id = $1 AND domain = $2 AND workflow_id = $3",
		runID, domain, workflowID)
	if err != nil {
		return nil, fmt.Errorf("get execution %s/%s: %w", workflowID, runID, err)
	}
	return x, nil
}

// GetRun returns a run by its run id alone.
func (s *Store) GetRun(ctx context.Context, runID string) (*openswf.Execution, error) {
	x, err := s.readExecution(ctx, "SELECT run_id, version, state FROM executions WHERE run_id = $1", runID)
	if err != nil {
		return nil, fmt.Errorf("get run %s: %w", runID, err)
	}
	return x, nil
}

// GetOpenExecution returns the open run of a workflow id.
func (s *Store) GetOpenExecution(ctx context.Context, domain, workflowID string) (*openswf.Execution, error) {
	x, err := s.readExecution(ctx, "SELECT run_id, version, state FROM executions WHERE domain = $1 AND workflow_id = $2 AND open",
		domain, workflowID)
	if err != nil {
		return nil, fmt.Errorf("get open execution %s: %w", workflowID, err)
	}
	return x, nil
}

// readExecution reads one run (query selects run_id, version, state) with its open activities, in one
// statement: one round trip and one snapshot, so that the record and its activities agree.
func (s *Store) readExecution(ctx context.Context, query string, args ...any) (*openswf.Execution, error) {
	rows, err := s.pool.Query(ctx, `WITH x AS (`+query+`)
		SELECT x.version, x.state, a.scheduled_id, a.data::json->>'activityId'
		FROM x LEFT JOIN activities a ON a.run_id = x.run_id`, args...)
	if err != nil {
		return nil, unavailable(err)
	}
	defer rows.Close()
	var x *openswf.Execution
	for rows.Next() {
		var (
			version int64
			state   []byte
			sched   *int64
			id      *string
		)
		if err := rows.Scan(&version, &state, &sched, &id); err != nil {
			return nil, err
		}
		if x == nil {
			x = new(openswf.Execution)
			if err := json.Unmarshal(state, x); err != nil {
				return nil, fmt.Errorf("decode execution: %w", err)
			}
			x.Version = version
		}
		if sched != nil && id != nil {
			if x.Activities == nil {
				x.Activities = map[string]int64{}
			}
			x.Activities[*id] = *sched
		}
	}
	if err := rows.Err(); err != nil {
		return nil, unavailable(err)
	}
	if x == nil {
		return nil, openswf.ErrNotFound
	}
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
		q = "SELECT id, time, type, attrs FROM events WHERE run_id = $1 AND id > $2 ORDER BY id LIMIT $3"
		args = append(args, after)
	case after > 0:
		q = "SELECT id, time, type, attrs FROM events WHERE run_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3"
		args = append(args, after)
	default:
		q = "SELECT id, time, type, attrs FROM events WHERE run_id = $1 ORDER BY id DESC LIMIT $2"
	}
	args = append(args, rowsLimit(limit))
	rows, err := s.pool.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("read history of %s: %w", runID, unavailable(err))
	}
	es, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (openswf.HistoryEvent, error) {
		var (
			e     openswf.HistoryEvent
			t     int64
			typ   string
			attrs []byte
		)
		err := row.Scan(&e.ID, &t, &typ, &attrs)
		e.Time = fromNanos(&t)
		e.Type = openswf.EventType(typ)
		e.Attributes = attrs
		return e, err
	})
	if err != nil {
		return nil, fmt.Errorf("read history of %s: %w", runID, unavailable(err))
	}
	return es, nil
}

// isEventsConflict reports whether err is a unique violation of the events' key: events of those ids are
// already stored, so the run has moved past the version the transition was decided on.
func isEventsConflict(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505" && pe.ConstraintName == "events_pkey"
}
