package sqlite_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/openswf/openswf"
	"github.com/openswf/openswf/sqlite"
)

// killDBEnv names the database a child process of TestStore_Kill9 writes to.
const killDBEnv = "OPENSWF_SQLITE_KILL9_DB"

// killChild runs the test named child in a child process that writes to the database at path, until it
// has acknowledged n writes, and kills it with SIGKILL. The child prints "ack <what> <key> <value>" once
// each write is acknowledged; killChild returns the largest value acknowledged for each "<what> <key>".
func killChild(t *testing.T, child, path string, n int) map[string]int64 {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^"+child+"$", "-test.count=1")
	cmd.Env = append(os.Environ(), killDBEnv+"="+path)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start child: %v", err)
	}
	acked := map[string]int64{}
	got := 0
	sc := bufio.NewScanner(out)
	for sc.Scan() && got < n {
		var what string
		var key, value int64
		if _, err := fmt.Sscanf(sc.Text(), "ack %s %d %d", &what, &key, &value); err != nil {
			continue
		}
		k := fmt.Sprintf("%s %d", what, key)
		acked[k] = max(acked[k], value)
		got++
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatalf("kill child: %v", err)
	}
	cmd.Wait() // reports the kill
	if got < n {
		t.Fatalf("child acknowledged %d writes before it stopped, want %d", got, n)
	}
	return acked
}

// TestStore_Kill9 kills a process that is writing through a Store, with SIGKILL, in the middle of its
// writes, and checks that every write the store acknowledged is in the database after a reopen.
func TestStore_Kill9(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process")
	}
	path := filepath.Join(t.TempDir(), "openswf.db")
	// The child acknowledges "heartbeat <scheduled id> <count>" and "apply 0 <version>".
	acked := killChild(t, "TestStore_Kill9Child", path, 2000)

	s := mustOpen(t, path, sqlite.Options{})
	// The child's heartbeats stay in the journal until a fold, which its few kilobytes never reach: the
	// reopen replays them, and says so.
	if n := s.JournalRecordsReplayed(); n == 0 {
		t.Errorf("JournalRecordsReplayed() = 0 after a kill -9 amid heartbeats, want the journal's records")
	}
	for k, want := range acked {
		var got int64
		switch what, key, _ := strings.Cut(k, " "); what {
		case "heartbeat":
			var id int64
			fmt.Sscan(key, &id)
			a, err := s.GetActivity(t.Context(), "run1", id)
			if err != nil {
				t.Fatalf("GetActivity(%d): %v", id, err)
			}
			got = a.Heartbeats
			// Each heartbeat's details name its count: the details are those of the last heartbeat kept.
			if want := fmt.Sprintf("d%d", got); a.Details == nil || *a.Details != want {
				t.Errorf("%s: details %v after %d heartbeats, want %s", k, a.Details, got, want)
			}
		case "apply":
			x, err := s.GetRun(t.Context(), "run2")
			if err != nil {
				t.Fatalf("GetRun: %v", err)
			}
			got = x.Version
			es, err := s.History(t.Context(), "run2", 0, 0, false)
			if err != nil {
				t.Fatalf("History: %v", err)
			}
			if int64(len(es)) != x.Version {
				t.Errorf("run2 at version %d has %d events, want one per version", x.Version, len(es))
			}
		}
		if got < want {
			t.Errorf("%s: %d in the database, but %d were acknowledged", k, got, want)
		}
	}
}

// TestStore_Kill9Child is the child process of TestStore_Kill9: it writes until it is killed.
func TestStore_Kill9Child(t *testing.T) {
	path := os.Getenv(killDBEnv)
	if path == "" {
		t.Skip("runs only as the child of TestStore_Kill9")
	}
	ctx := context.Background()
	s, err := sqlite.Open(ctx, path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	const workers = 16
	startActivities(t, s, workers)
	var mu sync.Mutex
	ack := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Printf("ack "+format+"\n", args...)
	}
	var wg sync.WaitGroup
	for i := range workers {
		wg.Go(func() {
			id := int64(10 + 2*i)
			for count := int64(1); count < 1e6; count++ {
				d := fmt.Sprintf("d%d", count)
				if _, err := s.RecordHeartbeat(ctx, "run1", id, id+1, &d, t0); err != nil {
					t.Errorf("RecordHeartbeat: %v", err)
					return
				}
				ack("heartbeat %d %d", id, count)
			}
		})
	}
	wg.Go(func() {
		x := &openswf.Execution{Domain: "d1", WorkflowID: "wf2", RunID: "run2", Version: 1, Open: true, StartedAt: t0}
		tr := &openswf.Transition{Execution: x, Create: true}
		for ; x.Version < 1e6; x.Version++ {
			tr.Events = []openswf.HistoryEvent{{ID: x.Version, Time: t0, Type: openswf.EventMarkerRecorded, Attributes: []byte(`{}`)}}
			if err := s.Apply(ctx, tr); err != nil {
				t.Errorf("Apply: %v", err)
				return
			}
			ack("apply 0 %d", x.Version)
			tr.Create = false
		}
	})
	wg.Wait()
}

// largestDetails are details as long as the model lets any string be: 32768 characters (Data; a
// heartbeat's details, LimitedData, are at most 2048), each four bytes in UTF-8, 128 KiB in all, the first
// ones naming the heartbeat's count. No heartbeat record of the API's is larger.
func largestDetails(count int64) string {
	prefix := fmt.Sprintf("d%d:", count)
	return prefix + strings.Repeat("\U0001D11E", 32768-len(prefix))
}

// killDetails are the details of a task's count-th heartbeat in TestStore_Kill9LargestRecords: the
// largest details for every eighth, starting with the first, short ones otherwise.
func killDetails(count int64) string {
	if count%8 == 1 {
		return largestDetails(count)
	}
	return fmt.Sprintf("d%d", count)
}

// TestStore_Kill9LargestRecords kills a process whose heartbeats send, among short details, details of the
// largest size the model allows any string (largestDetails), and checks that replay reads past those records: every acknowledged
// heartbeat is there after a reopen, with its details. The journal is not folded meanwhile, so that all
// of it is replayed.
func TestStore_Kill9LargestRecords(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process")
	}
	if got := utf8.RuneCountInString(largestDetails(1)); got != 32768 {
		t.Fatalf("largest details have %d characters, want 32768", got)
	}
	path := filepath.Join(t.TempDir(), "openswf.db")
	acked := killChild(t, "TestStore_Kill9LargestRecordsChild", path, 300)
	if len(acked) != 3 {
		t.Fatalf("acknowledged heartbeats of %d tasks, want 3", len(acked))
	}
	s := mustOpen(t, path, sqlite.Options{})
	for k, want := range acked {
		var id int64
		fmt.Sscanf(k, "heartbeat %d", &id)
		a, err := s.GetActivity(t.Context(), "run1", id)
		if err != nil {
			t.Fatalf("GetActivity(%d): %v", id, err)
		}
		if a.Heartbeats < want {
			t.Errorf("task %d: %d heartbeats in the database, but %d were acknowledged", id, a.Heartbeats, want)
		}
		if d := killDetails(a.Heartbeats); a.Details == nil || *a.Details != d {
			t.Errorf("task %d: after %d heartbeats, details are not those of the last (%d bytes, want %d)", id, a.Heartbeats, len(deref(a.Details)), len(d))
		}
	}
}

// TestStore_Kill9LargestRecordsChild is the child process of TestStore_Kill9LargestRecords: three tasks
// heartbeat until it is killed.
func TestStore_Kill9LargestRecordsChild(t *testing.T) {
	path := os.Getenv(killDBEnv)
	if path == "" {
		t.Skip("runs only as the child of TestStore_Kill9LargestRecords")
	}
	ctx := context.Background()
	s, err := sqlite.Open(ctx, path, sqlite.Options{FoldBytes: 1 << 40})
	if err != nil {
		t.Fatal(err)
	}
	const tasks = 3
	startActivities(t, s, tasks)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i := range tasks {
		wg.Go(func() {
			id := int64(10 + 2*i)
			for count := int64(1); count < 1e6; count++ {
				d := killDetails(count)
				if _, err := s.RecordHeartbeat(ctx, "run1", id, id+1, &d, t0); err != nil {
					t.Errorf("RecordHeartbeat: %v", err)
					return
				}
				mu.Lock()
				fmt.Printf("ack heartbeat %d %d\n", id, count)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
}

// deref is *s, or "" for nil.
func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
