package sqlite_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/openswf/openswf"
	"github.com/openswf/openswf/sqlite"
	"github.com/openswf/openswf/storetest"
)

func TestStore_File(t *testing.T) {
	storetest.Run(t, func(t *testing.T) openswf.Store {
		return mustOpen(t, filepath.Join(t.TempDir(), "openswf.db"), sqlite.Options{})
	})
}

func TestStore_Memory(t *testing.T) {
	storetest.Run(t, func(t *testing.T) openswf.Store {
		return mustOpen(t, ":memory:", sqlite.Options{})
	})
}

// TestStore_SmallBatches runs the suite with batches of at most two ops and a single reader, so that

// batch boundaries and reader contention fall everywhere.

func TestStore_SmallBatches(t *testing.T) {
	storetest.Run(t, func(t *testing.T) openswf.Store {
		return mustOpen(t, filepath.Join(t.TempDir(), "openswf.db"), sqlite.Options{MaxBatch: 2, ReadConns: 1})
	})
}

func mustOpen(t testing.TB, path string, opts sqlite.Options) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), path, opts)
	if err != nil {
		t.Fatalf("Open(%s): %v", path, err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

var t0 = time.Date(2025, 3, 14, 15, 9, 26, 535897932, time.FixedZone("UTC+1", 3600))

func TestStore_Reopen(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "openswf.db")
	s, err := sqlite.Open(ctx, path, sqlite.Options{})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}

	dom := &openswf.Domain{Name: "d1", Status: openswf.StatusRegistered, RetentionDays: "7", CreatedAt: t0}
	typ := &openswf.TypeRecord{Domain: "d1", Kind: openswf.KindActivityType, Name: "work", Version: "1",
		Status: openswf.StatusRegistered, CreatedAt: t0, DefaultTaskList: "tl"}
	x := &openswf.Execution{Domain: "d1", WorkflowID: "wf1", RunID: "run1", Version: 1, Open: true, StartedAt: t0,
		NextEventID: 3, Decision: openswf.DecisionTaskState{ScheduledID: 2, TaskList: "deciders", ScheduledAt: t0}}
	events := []openswf.HistoryEvent{
		{ID: 1, Time: t0, Type: openswf.EventWorkflowExecutionStarted, Attributes: []byte(`{"childPolicy":"TERMINATE"}`)},
		{ID: 2, Time: t0.Add(time.Nanosecond), Type: openswf.EventDecisionTaskScheduled, Attributes: []byte(`{"taskList":{"name":"deciders"}}`)},
	}
	act := &openswf.ActivityTask{Domain: "d1", WorkflowID: "wf1", RunID: "run1", ScheduledID: 5, ActivityID: "a",
		TaskList: "tl", ScheduledAt: t0, StartedID: 6, StartedAt: t0, Heartbeat: time.Minute}
	tm := openswf.Timer{TimerKey: openswf.TimerKey{RunID: "run1", Kind: openswf.TimerActivityHeartbeat, ID: 5}, Domain: "d1", Due: t0.Add(time.Minute)}

	if err := s.CreateDomain(ctx, dom); err != nil {
		t.Fatalf("CreateDomain: %v", err)
	}
	if err := s.CreateType(ctx, typ); err != nil {
		t.Fatalf("CreateType: %v", err)
	}
	if err := s.Apply(ctx, &openswf.Transition{Execution: x, Create: true, Events: events,
		PutActivities: []*openswf.ActivityTask{act}, PutTimers: []openswf.Timer{tm}}); err != nil {
		t.Fatalf("Apply: %v", err)
	}
	details := "half"
	if _, err := s.RecordHeartbeat(ctx, "run1", 5, 6, &details, t0.Add(time.Second)); err != nil {
		t.Fatalf("RecordHeartbeat: %v", err)
	}
	secret, err := s.Secret(ctx, "key", func() ([]byte, error) { return []byte("s3cret"), nil })
	if err != nil {
		t.Fatalf("Secret: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	// A clean Close checkpoints the WAL into the database file and removes it.
	if _, err := os.Stat(path + "-wal"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("WAL file after Close: got %v, want it gone", err)
	}
	if err := s.Apply(ctx, &openswf.Transition{Execution: x}); !errors.Is(err, sqlite.ErrClosed) {
		t.Errorf("Apply after Close: got %v, want ErrClosed", err)
	}

	s = mustOpen(t, path, sqlite.Options{})
	gotDom, err := s.GetDomain(ctx, "d1")
	if err != nil {
		t.Fatalf("GetDomain: %v", err)
	}
	if d := cmp.Diff(dom, gotDom); d != "" {
		t.Errorf("domain (-want +got):\n%s", d)
	}
	gotType, err := s.GetType(ctx, "d1", openswf.KindActivityType, "work", "1")
	if err != nil {
		t.Fatalf("GetType: %v", err)
	}
	if d := cmp.Diff(typ, gotType); d != "" {
		t.Errorf("type (-want +got):\n%s", d)
	}
	gotX, err := s.GetRun(ctx, "run1")
	if err != nil {
		t.Fatalf("GetRun: %v", err)
	}
	x.Activities = map[string]int64{"a": 5} // derived from the open activity rows
	if d := cmp.Diff(x, gotX); d != "" {
		t.Errorf("execution (-want +got):\n%s", d)
	}
	gotEvents, err := s.History(ctx, "run1", 0, 10, false)
	if err != nil {
		t.Fatalf("History: %v", err)
	}
	if d := cmp.Diff(events, gotEvents); d != "" {
		t.Errorf("history (-want +got):\n%s", d)
	}
	gotAct, err := s.GetActivity(ctx, "run1", 5)
	if err != nil {
		t.Fatalf("GetActivity: %v", err)
	}
	wantAct := *act
	wantAct.Heartbeats, wantAct.LastHeartbeatAt, wantAct.Details = 1, t0.Add(time.Second), &details
	if d := cmp.Diff(&wantAct, gotAct); d != "" {
		t.Errorf("activity (-want +got):\n%s", d)
	}
	var timers []openswf.Timer
	if err := s.LoadTimers(ctx, func(t openswf.Timer) error { timers = append(timers, t); return nil }); err != nil {
		t.Fatalf("LoadTimers: %v", err)
	}
	if d := cmp.Diff([]openswf.Timer{tm}, timers); d != "" {
		t.Errorf("timers (-want +got):\n%s", d)
	}
	gotSecret, err := s.Secret(ctx, "key", func() ([]byte, error) { return nil, errors.New("secret created twice") })
	if err != nil {
		t.Fatalf("Secret: %v", err)
	}
	if !bytes.Equal(gotSecret, secret) {
		t.Errorf("secret: got %q, want %q", gotSecret, secret)
	}
}

func TestStore_Pragmas(t *testing.T) {
	// Durability rests on these: a change is acknowledged only once its WAL frames are fsynced.
	s := mustOpen(t, filepath.Join(t.TempDir(), "openswf.db"), sqlite.Options{})
	for _, tc := range []struct{ name, writer, reader string }{
		{"journal_mode", "wal", "wal"},
		{"synchronous", "2", ""}, // FULL; readers do not write
		{"foreign_keys", "0", "0"},
		{"busy_timeout", "10000", "10000"},
		{"query_only", "0", "1"},
		{"wal_autocheckpoint", "0", ""}, // the checkpointer does it, off the writer's path
	} {
		w, r, err := s.Pragmas(t.Context(), tc.name)
		if err != nil {
			t.Fatalf("PRAGMA %s: %v", tc.name, err)
		}
		if w != tc.writer || (tc.reader != "" && r != tc.reader) {
			t.Errorf("PRAGMA %s: got writer %q, reader %q; want %q, %q", tc.name, w, r, tc.writer, tc.reader)
		}
	}
}

func TestStore_NewerSchema(t *testing.T) {
	// A binary must not write to a database whose schema it does not know.
	path := filepath.Join(t.TempDir(), "openswf.db")
	s, err := sqlite.Open(t.Context(), path, sqlite.Options{})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("INSERT INTO schema_version (version, name) VALUES (9999, '9999_future.sql')"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if s, err := sqlite.Open(t.Context(), path, sqlite.Options{}); err == nil {
		s.Close()
		t.Fatal("Open of a database with a newer schema: got no error")
	}
}

func TestStore_MemoryIsPrivate(t *testing.T) {
	a := mustOpen(t, ":memory:", sqlite.Options{})
	b := mustOpen(t, ":memory:", sqlite.Options{})
	if err := a.CreateDomain(t.Context(), &openswf.Domain{Name: "d1", Status: openswf.StatusRegistered}); err != nil {
		t.Fatalf("CreateDomain: %v", err)
	}
	if _, err := b.GetDomain(t.Context(), "d1"); !errors.Is(err, openswf.ErrNotFound) {
		t.Errorf("GetDomain in another in-memory store: got %v, want ErrNotFound", err)
	}
}

// errOther stands for any error but the store's sentinels.

// startActivities creates run1 with n started activity tasks: scheduled ids 10, 12, … started by the next id.

func startActivities(tb testing.TB, s *sqlite.Store, n int) {
	tb.Helper()
	x := &openswf.Execution{Domain: "d1", WorkflowID: "wf1", RunID: "run1", Version: 1, Open: true, StartedAt: t0}
	tr := &openswf.Transition{Execution: x, Create: true}
	for i := range n {
		id := int64(10 + 2*i)
		tr.PutActivities = append(tr.PutActivities, &openswf.ActivityTask{Domain: "d1", WorkflowID: "wf1", RunID: "run1",
			ScheduledID: id, ActivityID: fmt.Sprint(id), TaskList: "tl", ScheduledAt: t0, StartedID: id + 1, StartedAt: t0})
	}
	if err := s.Apply(context.Background(), tr); err != nil {
		tb.Fatalf("Apply: %v", err)
	}
}
