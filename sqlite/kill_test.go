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

	"github.com/openswf/openswf"
	"github.com/openswf/openswf/sqlite"
)

// killDBEnv names the database a child process of TestStore_Kill9 writes to.
const killDBEnv = "OPENSWF_SQLITE_KILL9_DB"

// TestStore_Kill9 kills a process that is writing through a Store, with SIGKILL, in the middle of its
// writes, and checks that every write the store acknowledged is in the database after a reopen.
func TestStore_Kill9(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process")
	}
	path := filepath.Join(t.TempDir(), "openswf.db")
	cmd := exec.Command(os.Args[0], "-test.run=^TestStore_Kill9Child$", "-test.count=1")
	cmd.Env = append(os.Environ(), killDBEnv+"="+path)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start child: %v", err)
	}

	// The child prints "ack heartbeat <scheduled id> <count>" and "ack apply <version>" once each write is
	// acknowledged. Kill it after enough of them.
	acked := map[string]int64{}
	n := 0
	sc := bufio.NewScanner(out)
	for sc.Scan() && n < 2000 {
		var what string
		var key, value int64
		if _, err := fmt.Sscanf(sc.Text(), "ack %s %d %d", &what, &key, &value); err != nil {
			continue
		}
		k := fmt.Sprintf("%s %d", what, key)
		acked[k] = max(acked[k], value)
		n++
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatalf("kill child: %v", err)
	}
	cmd.Wait() // reports the kill
	if n < 2000 {
		t.Fatalf("child acknowledged %d writes before it stopped, want 2000", n)
	}

	s := mustOpen(t, path, sqlite.Options{})
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
