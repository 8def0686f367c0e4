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

// withWriterHeld runs f while the writer holds an op: after the fold that follows the batch before, and
// with no sync under way, so that f may change the journal's test hooks.
func withWriterHeld(t *testing.T, s *Store, f func()) {
	t.Helper()
	release, err := s.HoldWriter(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	f()
}

// waitHealthy waits, a bounded time, for the store to report itself healthy.
func waitHealthy(t *testing.T, s *Store) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for s.Health() != nil {
		if time.Now().After(deadline) {
			t.Fatalf("store still unhealthy 5 s after the fault cleared: %v", s.Health())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// A heartbeat is answered, and seen by readers, only once the journal write and sync that hold it have
// succeeded. A failed write or sync fails the journal: heartbeats answer a storage fault (KindUnavailable),
// Health reports it, and nothing of the failed heartbeat is seen. Once the fault clears, the writer
// recovers the journal by itself, with no request to prompt it; the heartbeat that failed is not counted,
// and every acknowledged one survives a reopen.
func TestHeartbeats_StorageFaultRecovers(t *testing.T) {
	for _, tc := range []struct {
		name  string
		errno syscall.Errno
		hook  func(j *journal, f func() error)
	}{
		{"sync", syscall.EIO, func(j *journal, f func() error) { j.failSync = f }},
		{"write", syscall.ENOSPC, func(j *journal, f func() error) { j.failWrite = f }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "openswf.db")
			ctx := t.Context()
			s := openWithTasks(t, path, Options{}, 5)
			d1, d2, d3 := "first", "second", "third"
			if _, err := s.RecordHeartbeat(ctx, "run1", 5, 6, &d1, hbAt); err != nil {
				t.Fatal(err)
			}

			var failing atomic.Bool
			failing.Store(true)
			withWriterHeld(t, s, func() {
				tc.hook(s.w.hb.journal, func() error {
					if failing.Load() {
						return tc.errno
					}
					return nil
				})
			})
			_, err := s.RecordHeartbeat(ctx, "run1", 5, 6, &d2, hbAt.Add(time.Second))
			if !errors.Is(err, tc.errno) || openswf.KindOf(err) != openswf.KindUnavailable {
				t.Fatalf("heartbeat whose %s failed: %v (kind %d), want %v as KindUnavailable", tc.name, err, openswf.KindOf(err), tc.errno)
			}
			wantHeartbeatState(t, s, "after the failed heartbeat", 5, 1, d1)
			if err := s.Health(); openswf.KindOf(err) != openswf.KindUnavailable {
				t.Errorf("Health while the journal has failed: %v, want KindUnavailable", err)
			}
			// While the fault lasts, heartbeats keep failing (the writer's tries to recover fail too).
			if _, err := s.RecordHeartbeat(ctx, "run1", 5, 6, nil, hbAt.Add(2*time.Second)); openswf.KindOf(err) != openswf.KindUnavailable {
				t.Errorf("heartbeat while the fault lasts: %v, want KindUnavailable", err)
			}

			failing.Store(false)
			waitHealthy(t, s)
			// The rows hold exactly what was acknowledged, and the journal starts over empty.
			var n int64
			var details string
			if err := s.reader.QueryRowContext(ctx, "SELECT heartbeats, details FROM activities WHERE run_id = 'run1' AND scheduled_id = 5").Scan(&n, &details); err != nil {
				t.Fatal(err)
			}
			if n != 1 || details != d1 {
				t.Errorf("row after recovery: %d heartbeats, details %q; want 1, %q", n, details, d1)
			}
			if _, err := s.RecordHeartbeat(ctx, "run1", 5, 6, &d3, hbAt.Add(3*time.Second)); err != nil {
				t.Fatalf("heartbeat after recovery: %v", err)
			}
			wantHeartbeatState(t, s, "after recovery", 5, 2, d3)
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(path + "-hb"); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("journal after Close: %v, want it folded and removed", err)
			}

			s, err = Open(ctx, path, Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			wantHeartbeatState(t, s, "after reopening", 5, 2, d3)
		})
	}
}

// A fold writes states that may still be syncing. If their sync then fails, the rows are ahead of what was
// acknowledged, with counts that later heartbeats will reach again: recovery writes the acknowledged
// state over them, so that the later heartbeats' folds are not refused as older.
func TestHeartbeats_RecoveryRewritesRowsAheadOfAcknowledged(t *testing.T) {
	path := filepath.Join(t.TempDir(), "openswf.db")
	ctx := t.Context()
	s := openWithTasks(t, path, Options{FoldBytes: 1}, 5) // a fold after each batch
	d1, d2, d3 := "first", "second", "third"
	if _, err := s.RecordHeartbeat(ctx, "run1", 5, 6, &d1, hbAt); err != nil {
		t.Fatal(err)
	}

	// Both syncs of the second heartbeat's batch fail: the syncer's, and the fold's reset that follows
	// the fold's transaction. The first waits for the second, so that the fold, which skips a failed
	// journal, has written the unsynced state into the row.
	var (
		mu      sync.Mutex
		calls   int
		second  = make(chan struct{})
		failing atomic.Bool
	)
	failing.Store(true)
	withWriterHeld(t, s, func() {
		s.w.hb.journal.failSync = func() error {
			if !failing.Load() {
				return nil
			}
			mu.Lock()
			calls++
			n := calls
			mu.Unlock()
			switch n {
			case 1:
				<-second
			case 2:
				close(second)
			}
			return syscall.EIO
		}
	})
	if _, err := s.RecordHeartbeat(ctx, "run1", 5, 6, &d2, hbAt.Add(time.Second)); openswf.KindOf(err) != openswf.KindUnavailable {
		t.Fatalf("heartbeat whose sync failed: %v, want KindUnavailable", err)
	}
	failing.Store(false)
	waitHealthy(t, s)
	if _, err := s.RecordHeartbeat(ctx, "run1", 5, 6, &d3, hbAt.Add(2*time.Second)); err != nil {
		t.Fatalf("heartbeat after recovery: %v", err)
	}
	wantHeartbeatState(t, s, "after recovery", 5, 2, d3)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	wantHeartbeatState(t, s, "after reopening", 5, 2, d3)
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
	if err := s.Health(); err != nil {
		t.Errorf("Health after a refused heartbeat: %v", err)
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
