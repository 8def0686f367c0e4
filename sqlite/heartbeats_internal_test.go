package sqlite

import (
	"errors"
	"path/filepath"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/openswf/openswf"
)

// A heartbeat is answered, and seen by readers, only once the journal sync that holds it has succeeded.
// After a failed sync the store refuses heartbeats: what a restart will replay is no longer known.
func TestHeartbeats_FailedSyncIsNeitherAnsweredNorSeen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "openswf.db")
	ctx := t.Context()
	s, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	x := &openswf.Execution{Domain: "d1", WorkflowID: "wf1", RunID: "run1", Version: 1, Open: true, StartedAt: at}
	if err := s.Apply(ctx, &openswf.Transition{Execution: x, Create: true, PutActivities: []*openswf.ActivityTask{{
		Domain: "d1", WorkflowID: "wf1", RunID: "run1", ScheduledID: 5, ActivityID: "a", TaskList: "tl",
		ScheduledAt: at, StartedID: 6, StartedAt: at,
	}}}); err != nil {
		t.Fatal(err)
	}
	d1 := "first"
	if _, err := s.RecordHeartbeat(ctx, "run1", 5, 6, &d1, at); err != nil {
		t.Fatal(err)
	}

	var failing atomic.Bool
	failing.Store(true)
	s.w.hb.journal.failSync = func() error {
		if failing.Load() {
			return syscall.EIO
		}
		return nil
	}
	d2 := "second"
	if _, err := s.RecordHeartbeat(ctx, "run1", 5, 6, &d2, at.Add(time.Second)); !errors.Is(err, syscall.EIO) {
		t.Fatalf("heartbeat whose sync failed: %v, want EIO", err)
	}
	a, err := s.GetActivity(ctx, "run1", 5)
	if err != nil {
		t.Fatal(err)
	}
	if a.Heartbeats != 1 || a.Details == nil || *a.Details != d1 {
		t.Errorf("after a failed sync a reader sees %d heartbeats, details %v; want 1, %q", a.Heartbeats, a.Details, d1)
	}
	failing.Store(false)
	if _, err := s.RecordHeartbeat(ctx, "run1", 5, 6, nil, at.Add(2*time.Second)); !errors.Is(err, syscall.EIO) {
		t.Errorf("heartbeat after a failed sync: %v, want the sync's error again", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	// The record whose sync failed may or may not be replayed; the acknowledged one is.
	s, err = Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	a, err = s.GetActivity(ctx, "run1", 5)
	if err != nil {
		t.Fatal(err)
	}
	if a.Heartbeats < 1 || a.Heartbeats > 2 {
		t.Errorf("after reopening: %d heartbeats, want 1 or 2", a.Heartbeats)
	}
	if _, err := s.RecordHeartbeat(ctx, "run1", 5, 6, nil, at.Add(3*time.Second)); err != nil {
		t.Errorf("heartbeat after reopening: %v", err)
	}
}
