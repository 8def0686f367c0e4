package postgres_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/openswf/openswf"
	"github.com/openswf/openswf/postgres"
	"github.com/openswf/openswf/postgres/pgtest"
)

// TestMigrate_NodesStartingAtOnce opens several stores on one empty schema at once, as nodes starting
// together do: every one opens, and each migration is applied once.
func TestMigrate_NodesStartingAtOnce(t *testing.T) {
	url := pgtest.Schema(t)
	const nodes = 6
	var wg sync.WaitGroup
	errs := make([]error, nodes)
	stores := make([]*postgres.Store, nodes)
	for i := range nodes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			stores[i], errs[i] = postgres.Open(context.Background(), url, postgres.Options{})
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("store %d: %v", i, err)
			continue
		}
		stores[i].Close()
	}
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var rows, distinct, leases int
	if err := conn.QueryRow(context.Background(),
		"SELECT count(*), count(DISTINCT version), (SELECT count(*) FROM timer_leases) FROM schema_migrations").Scan(&rows, &distinct, &leases); err != nil {
		t.Fatal(err)
	}
	if rows == 0 || rows != distinct || leases != 64 {
		t.Errorf("schema_migrations has %d rows for %d versions, timer_leases %d rows; want each migration once and 64 leases", rows, distinct, leases)
	}
}

// TestMigrate_RefusesNewerSchema checks that a server refuses a database migrated by a newer one.
func TestMigrate_RefusesNewerSchema(t *testing.T) {
	url := pgtest.Schema(t)
	s, err := postgres.Open(context.Background(), url, postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(context.Background(), "INSERT INTO schema_migrations (version, name) VALUES (999, '0999_future.sql')"); err != nil {
		t.Fatal(err)
	}
	if s, err := postgres.Open(context.Background(), url, postgres.Options{}); err == nil {
		s.Close()
		t.Fatal("Open on a schema at version 999: no error, want a refusal")
	}
}

// TestMigrate_PendingOrderBackfill opens a store on a schema as it was before migration 3, with pending
// activity and decision tasks stored: the migration fills the new columns from what each row holds (a
// decision priority that is no integer as 0), and the tasks come out highest priority first, then oldest.
func TestMigrate_PendingOrderBackfill(t *testing.T) {
	url := pgtest.Schema(t)
	ctx := context.Background()
	s, err := postgres.Open(ctx, url, postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 12, 3, 1, 2, 3, 456789000, time.UTC)
	for i, run := range []struct {
		id       string
		prios    []int32
		decision string
	}{{"run-z", []int32{0, 10}, "-7"}, {"run-b", []int32{10, -5}, "12"}, {"run-a", []int32{10}, "+3"}} {
		x := &openswf.Execution{Domain: "d", WorkflowID: "wf-" + run.id, RunID: run.id,
			Type: openswf.WorkflowType{Name: "wf", Version: "1"}, Version: 1, Open: true, StartedAt: t0,
			TaskList: "deciders", ExecStartToClose: "3600", TaskStartToClose: "30", ChildPolicy: "TERMINATE", NextEventID: 2,
			Decision: openswf.DecisionTaskState{ScheduledID: 1, TaskList: "deciders", Priority: run.decision,
				ScheduledAt: t0.Add(time.Duration(i) * time.Second)}}
		tr := &openswf.Transition{Execution: x, Create: true, Events: []openswf.HistoryEvent{{ID: 1, Time: t0,
			Type: openswf.EventWorkflowExecutionStarted, Attributes: json.RawMessage(`{}`)}}}
		for j, p := range run.prios {
			tr.PutActivities = append(tr.PutActivities, &openswf.ActivityTask{Domain: "d", WorkflowID: x.WorkflowID,
				RunID: run.id, ScheduledID: int64(5 + j), ActivityID: fmt.Sprint(j), TaskList: "tl",
				Type: openswf.ActivityType{Name: "a", Version: "1"}, Priority: p,
				ScheduledAt: t0.Add(time.Duration(i) * time.Second)})
		}
		if err := s.Apply(ctx, tr); err != nil {
			t.Fatalf("Apply(%s): %v", run.id, err)
		}
	}
	s.Close()

	// Back to the schema before migration 3, the rows kept.
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `ALTER TABLE activities DROP COLUMN priority, DROP COLUMN scheduled_at;
		CREATE INDEX activities_pending ON activities (domain, task_list) WHERE started_id = 0;
		ALTER TABLE executions DROP COLUMN decision_priority, DROP COLUMN decision_scheduled_at;
		CREATE INDEX executions_pending_decisions ON executions (domain, decision_task_list)
			WHERE decision_task_list IS NOT NULL;
		UPDATE executions SET state = jsonb_set(state::jsonb, '{decision,priority}', '"high"')::text WHERE run_id = 'run-z';
		UPDATE activities SET data = jsonb_set(data::jsonb, '{scheduledAt}', '"0001-01-01T00:00:00Z"')::text WHERE run_id = 'run-a';
		UPDATE activities SET data = jsonb_set(data::jsonb, '{scheduledAt}', '"9999-12-31T00:00:00Z"')::text WHERE run_id = 'run-b' AND scheduled_id = 5;
		DELETE FROM schema_migrations WHERE version >= 3`); err != nil {
		t.Fatalf("undo migration 3: %v", err)
	}

	s, err = postgres.Open(ctx, url, postgres.Options{})
	if err != nil {
		t.Fatalf("Open after the undo: %v", err)
	}
	defer s.Close()
	var prio int32
	var schedAt int64
	if err := conn.QueryRow(ctx, "SELECT priority, scheduled_at FROM activities WHERE run_id = 'run-b' AND scheduled_id = 6").Scan(&prio, &schedAt); err != nil {
		t.Fatal(err)
	}
	if want := t0.Add(time.Second).UnixNano(); prio != -5 || schedAt != want {
		t.Errorf("run-b/6 after the migration: priority %d, scheduled_at %d; want -5, %d", prio, schedAt, want)
	}
	ps, err := s.FindPendingTasks(ctx, openswf.TaskActivity, "d", "tl", 10)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range ps {
		got = append(got, fmt.Sprintf("%s/%d", p.RunID, p.ScheduledID))
	}
	// run-a/5's time, made Go's zero time before the migration, counts as the oldest; run-b/5's, past what
	// nanoseconds hold, as the latest.
	if want := []string{"run-a/5", "run-z/6", "run-b/5", "run-z/5", "run-b/6"}; !slices.Equal(got, want) {
		t.Errorf("pending tasks after the migration: %q, want %q", got, want)
	}
	if ps, err = s.FindPendingTasks(ctx, openswf.TaskDecision, "d", "deciders", 10); err != nil {
		t.Fatal(err)
	}
	got = got[:0]
	for _, p := range ps {
		got = append(got, fmt.Sprintf("%s:%d", p.RunID, p.Priority))
	}
	// run-z's priority, made unreadable before the migration, counts as 0.
	if want := []string{"run-b:12", "run-a:3", "run-z:0"}; !slices.Equal(got, want) {
		t.Errorf("pending decision tasks after the migration: %q, want %q", got, want)
	}
}
