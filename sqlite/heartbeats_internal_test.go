package sqlite

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
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
	if _, err := s.RecordHeartbeat(ctx, "run1", 5, 6, &d2, at.Add(time.Second)); !errors.Is(err, syscall.EIO) || openswf.KindOf(err) != openswf.KindUnavailable {
		t.Fatalf("heartbeat whose sync failed: %v, want EIO as KindUnavailable", err)
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

var hbAt = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// openWithTasks opens a store at path and starts the activity tasks of run1 scheduled at ids, each with
// started id id+1.
func openWithTasks(t *testing.T, path string, opts Options, ids ...int64) *Store {
	t.Helper()
	s, err := Open(t.Context(), path, opts)
	if err != nil {
		t.Fatal(err)
	}
	x := &openswf.Execution{Domain: "d1", WorkflowID: "wf1", RunID: "run1", Version: 1, Open: true, StartedAt: hbAt}
	tr := &openswf.Transition{Execution: x, Create: true}
	for _, id := range ids {
		tr.PutActivities = append(tr.PutActivities, &openswf.ActivityTask{Domain: "d1", WorkflowID: "wf1",
			RunID: "run1", ScheduledID: id, ActivityID: fmt.Sprint(id), TaskList: "tl", ScheduledAt: hbAt,
			StartedID: id + 1, StartedAt: hbAt})
	}
	if err := s.Apply(t.Context(), tr); err != nil {
		t.Fatal(err)
	}
	return s
}

// wantHeartbeatState fails the test unless task id of run1 has counted n heartbeats and holds details d.
func wantHeartbeatState(t *testing.T, s *Store, when string, id, n int64, d string) {
	t.Helper()
	a, err := s.GetActivity(t.Context(), "run1", id)
	if err != nil {
		t.Fatalf("%s: %v", when, err)
	}
	if a.Heartbeats != n || a.Details == nil || *a.Details != d {
		got := "none"
		if a.Details != nil {
			got = fmt.Sprintf("%.40q", *a.Details)
		}
		t.Errorf("%s: task %d has %d heartbeats, details %s; want %d, %.40q", when, id, a.Heartbeats, got, n, d)
	}
}

// A heartbeat whose record would be over the journal's limit is refused as invalid, alone: the other
// heartbeats of its batch are answered and kept, the journal does not fail, and the task's state is as if
// the refused heartbeat had not come.
func TestHeartbeats_RecordOverTheLimitIsRefusedAlone(t *testing.T) {
	path := filepath.Join(t.TempDir(), "openswf.db")
	ctx := t.Context()
	s := openWithTasks(t, path, Options{}, 5, 7)
	d := "small"
	if _, err := s.RecordHeartbeat(ctx, "run1", 5, 6, &d, hbAt); err != nil {
		t.Fatal(err)
	}
	release, err := s.HoldWriter(ctx)
	if err != nil {
		t.Fatal(err)
	}
	huge := strings.Repeat("\uFFFD", 400_000) // 1.2 MB, as invalid UTF-8 once became
	errs := make(chan error, 3)
	var wg sync.WaitGroup
	for _, call := range []struct {
		id      int64
		details *string
	}{{5, &huge}, {7, &d}, {7, &d}} {
		wg.Go(func() {
			_, err := s.RecordHeartbeat(ctx, "run1", call.id, call.id+1, call.details, hbAt.Add(time.Second))
			if call.details == &huge {
				if openswf.KindOf(err) != openswf.KindValidation {
					errs <- fmt.Errorf("heartbeat over the limit: %v, want KindValidation", err)
				}
				return
			}
			if err != nil {
				errs <- fmt.Errorf("heartbeat in the same batch: %v", err)
			}
		})
	}
	for s.Queued() < 3 {
		time.Sleep(time.Millisecond)
	}
	release()
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if err := s.w.hb.err(); err != nil {
		t.Errorf("journal after a refused heartbeat: %v", err)
	}
	wantHeartbeatState(t, s, "after the refused heartbeat", 5, 1, d)
	wantHeartbeatState(t, s, "beside the refused heartbeat", 7, 2, d)
	if _, err := s.RecordHeartbeat(ctx, "run1", 5, 6, nil, hbAt.Add(2*time.Second)); err != nil {
		t.Fatalf("heartbeat after the refused one: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	wantHeartbeatState(t, s, "after reopening", 5, 2, d)
	wantHeartbeatState(t, s, "after reopening", 7, 2, d)
}

// Open refuses a journal damaged before records of its round, naming the file, the offset and what to do;
// truncating the file there, as the message says, starts the store with the records before it.
func TestStore_OpenRefusesDamagedJournal(t *testing.T) {
	path := filepath.Join(t.TempDir(), "openswf.db")
	if err := openWithTasks(t, path, Options{}, 5).Close(); err != nil {
		t.Fatal(err)
	}
	var recs []journalRecord
	for n := range int64(3) {
		d := fmt.Sprintf("d%d", n+1)
		recs = append(recs, journalRecord{runID: "run1", scheduledID: 5, startedID: 6, heartbeats: n + 1,
			last: hbAt.Add(time.Duration(n) * time.Second).UnixNano(), details: &d})
	}
	data, offsets := encodeJournal(t, [8]byte{9, 9, 9}, recs)
	data[offsets[1]+journalFrameSize+1] ^= 0x20
	if err := os.WriteFile(path+"-hb", data, 0o644); err != nil {
		t.Fatal(err)
	}

	_, err := Open(t.Context(), path, Options{})
	if err == nil {
		t.Fatal("Open of a store whose journal is damaged succeeded")
	}
	for _, want := range []string{path + "-hb", fmt.Sprintf("byte %d", offsets[1]), fmt.Sprintf("truncate -s %d", offsets[1]), "move the file aside"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Open: %v\nwant it to say %q", err, want)
		}
	}

	if err := os.Truncate(path+"-hb", int64(offsets[1])); err != nil {
		t.Fatal(err)
	}
	s, err := Open(t.Context(), path, Options{})
	if err != nil {
		t.Fatalf("Open after truncating the journal: %v", err)
	}
	defer s.Close()
	wantHeartbeatState(t, s, "after truncating the journal", 5, 1, "d1")
}

// The storage's faults, and only they, are classified as KindUnavailable, with the cause kept.
func TestStorageFault_Classifies(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{fmt.Errorf("write x: %w", syscall.ENOSPC), true},
		{fmt.Errorf("sync x: %w", syscall.EIO), true},
		{syscall.EDQUOT, true},
		{syscall.EROFS, true},
		{codedError(13), true},   // SQLITE_FULL
		{codedError(10), true},   // SQLITE_IOERR
		{codedError(3338), true}, // SQLITE_IOERR_WRITE
		{codedError(5), false},   // SQLITE_BUSY
		{codedError(19), false},  // SQLITE_CONSTRAINT
		{syscall.EBADF, false},
		{openswf.ErrConflict, false},
		{context.Canceled, false},
	} {
		got := storageFault(tc.err)
		if isUnavailable := openswf.KindOf(got) == openswf.KindUnavailable; isUnavailable != tc.want {
			t.Errorf("storageFault(%v): kind %d, want unavailable %v", tc.err, openswf.KindOf(got), tc.want)
		}
		if !errors.Is(got, tc.err) {
			t.Errorf("storageFault(%v) = %v, which lost its cause", tc.err, got)
		}
	}
	if storageFault(nil) != nil {
		t.Error("storageFault(nil) is not nil")
	}
}

// codedError is an error with an SQLite result code, as modernc.org/sqlite's.
type codedError int

func (c codedError) Error() string { return fmt.Sprintf("sqlite error (%d)", int(c)) }
func (c codedError) Code() int     { return int(c) }
