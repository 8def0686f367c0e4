package sqlite_test

import (
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/openswf/openswf"
	"github.com/openswf/openswf/sqlite"
)

// Heartbeats go to the journal, which is folded into the activities table each time it passes FoldBytes,
// and at Close: the journal stays short, the table catches up, and nothing is lost across a reopen.
func TestStore_HeartbeatJournalFolds(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "openswf.db")
	const foldBytes = 2000
	s, err := sqlite.Open(t.Context(), path, sqlite.Options{FoldBytes: foldBytes})
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	const tasks, rounds = 5, 60
	startActivities(t, s, tasks)
	journal := path + "-hb"
	for round := 1; round <= rounds; round++ {
		for i := range tasks {
			id := int64(10 + 2*i)
			var details *string
			if round%3 != 0 { // every third heartbeat gives no details and keeps the last ones
				d := fmt.Sprintf("t%d-r%d", i, round)
				details = &d
			}
			if _, err := s.RecordHeartbeat(ctx, "run1", id, id+1, details, t0.Add(timeOf(round))); err != nil {
				t.Fatalf("heartbeat %d of task %d: %v", round, id, err)
			}
			fi, err := os.Stat(journal)
			if err != nil {
				t.Fatal(err)
			}
			if fi.Size() > foldBytes+200 {
				t.Fatalf("journal is %d bytes after heartbeat %d of task %d; folds every %d", fi.Size(), round, id, foldBytes)
			}
		}
	}
	check := func(s *sqlite.Store, when string) {
		t.Helper()
		for i := range tasks {
			id := int64(10 + 2*i)
			a, err := s.GetActivity(ctx, "run1", id)
			if err != nil {
				t.Fatal(err)
			}
			last := rounds
			if last%3 == 0 {
				last--
			}
			if want := fmt.Sprintf("t%d-r%d", i, last); a.Heartbeats != rounds || a.Details == nil || *a.Details != want ||
				!a.LastHeartbeatAt.Equal(t0.Add(timeOf(rounds))) {
				t.Errorf("%s: task %d: %d heartbeats, details %v, last at %v; want %d, %s, %v", when, id, a.Heartbeats,
					a.Details, a.LastHeartbeatAt, rounds, want, t0.Add(timeOf(rounds)))
			}
		}
	}
	check(s, "open")

	// The table itself has caught up to within a fold.
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var minCount int64
	if err := db.QueryRow("SELECT MIN(heartbeats) FROM activities WHERE run_id = 'run1'").Scan(&minCount); err != nil {
		t.Fatal(err)
	}
	if minCount < rounds-foldBytes/20 {
		t.Errorf("table holds as few as %d heartbeats of %d; the journal was to be folded every %d bytes", minCount, rounds, foldBytes)
	}

	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(journal); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("journal after Close: %v, want it removed", err)
	}
	if err := db.QueryRow("SELECT MIN(heartbeats) FROM activities WHERE run_id = 'run1'").Scan(&minCount); err != nil {
		t.Fatal(err)
	}
	if minCount != rounds {
		t.Errorf("table after Close holds %d heartbeats, want %d", minCount, rounds)
	}
	check(mustOpen(t, path, sqlite.Options{}), "reopened")
}

// A database is used by one process at a time: the journal's lock refuses a second Store.
func TestStore_SecondOpenRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "openswf.db")
	mustOpen(t, path, sqlite.Options{})
	s, err := sqlite.Open(t.Context(), path, sqlite.Options{})
	if err == nil {
		s.Close()
		t.Fatal("a second Open of a database in use succeeded")
	}
}

// The state of a task closed while it has heartbeat state in memory goes with it: the task can no longer
// heartbeat, and cancellation requested on a task in that state is answered to its next heartbeat.
func TestStore_HeartbeatStateFollowsTransitions(t *testing.T) {
	s := mustOpen(t, filepath.Join(t.TempDir(), "openswf.db"), sqlite.Options{})
	ctx := t.Context()
	startActivities(t, s, 2)
	for range 3 {
		if _, err := s.RecordHeartbeat(ctx, "run1", 10, 11, nil, t0); err != nil {
			t.Fatal(err)
		}
	}
	x, err := s.GetRun(ctx, "run1")
	if err != nil {
		t.Fatal(err)
	}
	x.Version++
	if err := s.Apply(ctx, &openswf.Transition{Execution: x, CancelActivities: []int64{10}}); err != nil {
		t.Fatal(err)
	}
	cancel, err := s.RecordHeartbeat(ctx, "run1", 10, 11, nil, t0)
	if err != nil || !cancel {
		t.Fatalf("heartbeat after cancel request: cancel %v, err %v; want true", cancel, err)
	}
	// A close that read 3 heartbeats lost the race with the fourth.
	x.Version++
	stale := &openswf.Transition{Execution: x, CloseActivities: []openswf.ActivityClose{{ScheduledID: 10, Heartbeats: 3}}}
	if err := s.Apply(ctx, stale); !errors.Is(err, openswf.ErrConflict) {
		t.Fatalf("close guarded by a stale heartbeat count: %v, want ErrConflict", err)
	}
	stale.CloseActivities[0].Heartbeats = 4
	if err := s.Apply(ctx, stale); err != nil {
		t.Fatalf("close guarded by the current count: %v", err)
	}
	if _, err := s.RecordHeartbeat(ctx, "run1", 10, 11, nil, t0); !errors.Is(err, openswf.ErrNotFound) {
		t.Errorf("heartbeat of a closed task: %v, want ErrNotFound", err)
	}
	if _, err := s.GetActivity(ctx, "run1", 10); !errors.Is(err, openswf.ErrNotFound) {
		t.Errorf("GetActivity of a closed task: %v, want ErrNotFound", err)
	}
	as, err := s.ListActivities(ctx, "run1")
	if err != nil || len(as) != 1 || as[0].ScheduledID != 12 || as[0].Heartbeats != 0 {
		t.Errorf("ListActivities after the close: %v, %v; want task 12 alone, without heartbeats", as, err)
	}
}

// timeOf is the offset from t0 of round's heartbeats.
func timeOf(round int) time.Duration { return time.Duration(round) * time.Second }
