package node

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/openswf/openswf"
	"github.com/openswf/openswf/awsjson"
	"github.com/openswf/openswf/sqlite"
)

// mountSmallFS mounts a tmpfs of size bytes on a new temporary directory, unmounted when the test ends,
// or skips the test when it cannot (not root, no mount).
func mountSmallFS(t *testing.T, size int) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("mounting a small file system needs root")
	}
	dir := t.TempDir()
	out, err := exec.Command("mount", "-t", "tmpfs", "-o", fmt.Sprintf("size=%d", size), "tmpfs", dir).CombinedOutput()
	if err != nil {
		t.Skipf("cannot mount a tmpfs on %s: %v %s", dir, err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v %s", dir, err, out)
		}
	})
	return dir
}

// fill writes a file at path until the file system is full, and returns how many bytes it took.
func fill(t *testing.T, path string) int64 {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	chunk := make([]byte, 64<<10)
	var n int64
	for {
		k, err := f.Write(chunk)
		n += int64(k)
		if errors.Is(err, syscall.ENOSPC) {
			return n
		}
		if err != nil {
			t.Fatalf("fill %s: %v", path, err)
		}
	}
}

// apiCall sends one SWF request to h and returns its status and decoded body.
func apiCall(t *testing.T, h http.Handler, op, body string) (int, map[string]any) {
	t.Helper()
	w := serve(h, http.MethodPost, "/", "SimpleWorkflowService."+op, body)
	var out map[string]any
	if w.Body.Len() > 0 {
		if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil {
			t.Fatalf("%s: body %q: %v", op, w.Body, err)
		}
	}
	return w.Code, out
}

// mustCall sends one SWF request to h and fails the test unless it succeeds.
func mustCall(t *testing.T, h http.Handler, op, body string) map[string]any {
	t.Helper()
	code, out := apiCall(t, h, op, body)
	if code != http.StatusOK {
		t.Fatalf("%s: %d %v", op, code, out)
	}
	return out
}

// TestNode_StorageFullAndFreed runs a node on a small file system that fills up and is then freed, with no
// restart, as an operator would free space on a full disk. While it is full, heartbeats answer the
// retryable 503 ServiceUnavailable (never 500 InternalFailure, never a success that would not survive) and
// GET /healthz answers 503; once space is freed, heartbeats succeed again within a bounded time with no
// other request to prompt the store, /healthz answers 200, and after a restart each task holds exactly its
// acknowledged heartbeats, with the last acknowledged details.
func TestNode_StorageFullAndFreed(t *testing.T) {
	if testing.Short() {
		t.Skip("mounts a file system and fills it")
	}
	dir := mountSmallFS(t, 8<<20)
	db := filepath.Join(dir, "openswf.db")
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	n, err := Open(t.Context(), Config{DB: db, PollHold: time.Second, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	closed := false
	t.Cleanup(func() {
		if !closed {
			n.Close()
		}
	})
	h := n.Handler()

	mustCall(t, h, "RegisterDomain", `{"name":"full","workflowExecutionRetentionPeriodInDays":"1"}`)
	mustCall(t, h, "RegisterWorkflowType", `{"domain":"full","name":"wf","version":"1",
		"defaultTaskList":{"name":"deciders"},"defaultTaskStartToCloseTimeout":"600",
		"defaultExecutionStartToCloseTimeout":"3600","defaultChildPolicy":"TERMINATE"}`)
	mustCall(t, h, "RegisterActivityType", `{"domain":"full","name":"act","version":"1",
		"defaultTaskList":{"name":"workers"},"defaultTaskHeartbeatTimeout":"3600",
		"defaultTaskScheduleToStartTimeout":"3600","defaultTaskScheduleToCloseTimeout":"3600",
		"defaultTaskStartToCloseTimeout":"3600"}`)
	run := mustCall(t, h, "StartWorkflowExecution", `{"domain":"full","workflowId":"wf-1","workflowType":{"name":"wf","version":"1"}}`)
	runID, _ := run["runId"].(string)
	dt := mustCall(t, h, "PollForDecisionTask", `{"domain":"full","taskList":{"name":"deciders"}}`)
	const tasks = 3
	var decisions []string
	for i := range tasks {
		decisions = append(decisions, fmt.Sprintf(`{"decisionType":"ScheduleActivityTask",
			"scheduleActivityTaskDecisionAttributes":{"activityType":{"name":"act","version":"1"},"activityId":"a%d"}}`, i))
	}
	mustCall(t, h, "RespondDecisionTaskCompleted", fmt.Sprintf(`{"taskToken":%q,"decisions":[%s]}`, dt["taskToken"], strings.Join(decisions, ",")))
	tokens := map[string]string{} // activity id → task token
	for range tasks {
		at := mustCall(t, h, "PollForActivityTask", `{"domain":"full","taskList":{"name":"workers"}}`)
		tokens[at["activityId"].(string)] = at["taskToken"].(string)
	}
	if len(tokens) != tasks {
		t.Fatalf("polled %d activity tasks, want %d", len(tokens), tasks)
	}

	// Each task's acknowledged heartbeats, and the details of the last.
	acked := map[string]int64{}
	last := map[string]string{}
	seq := 0
	heartbeat := func(id string) int {
		t.Helper()
		seq++
		// Long details (the model allows 2048 characters), so that each heartbeat grows the journal by
		// more than a page.
		d := fmt.Sprintf("%s-%d:", id, seq) + strings.Repeat("✓", 2000)
		code, out := apiCall(t, h, "RecordActivityTaskHeartbeat", fmt.Sprintf(`{"taskToken":%q,"details":%q}`, tokens[id], d))
		switch code {
		case http.StatusOK:
			acked[id]++
			last[id] = d
		case http.StatusServiceUnavailable:
			if out["__type"] != awsjson.TypeServiceUnavailable {
				t.Fatalf("heartbeat answered 503 %v, want %s", out, awsjson.TypeServiceUnavailable)
			}
		default:
			t.Fatalf("heartbeat answered %d %v, want 200 or 503 %s", code, out, awsjson.TypeServiceUnavailable)
		}
		return code
	}
	healthz := func() (int, string) {
		w := serve(h, http.MethodGet, "/healthz", "", "")
		return w.Code, w.Body.String()
	}
	for id := range tokens {
		heartbeat(id)
	}

	// A reader keeps a snapshot open, as a long read would, so that the WAL cannot start over: every
	// commit then needs new space, and the store cannot recover behind the test's back while the file
	// system is full by reusing the blocks its files already have.
	rdb, err := sql.Open("sqlite", "file:"+db+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer rdb.Close()
	conn, err := rdb.Conn(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(t.Context(), "BEGIN"); err != nil {
		t.Fatal(err)
	}
	var count int
	if err := conn.QueryRowContext(t.Context(), "SELECT count(*) FROM activities").Scan(&count); err != nil {
		t.Fatal(err)
	}

	filler := filepath.Join(dir, "filler")
	fill(t, filler)
	failed := 0
	for i := 0; i < 50 && failed == 0; i++ {
		for id := range tokens {
			if heartbeat(id) == http.StatusServiceUnavailable {
				failed++
			}
		}
	}
	if failed == 0 {
		t.Fatal("heartbeats on a full file system all succeeded")
	}
	if code, body := healthz(); code != http.StatusServiceUnavailable || body != "unavailable: storage fault" {
		t.Errorf("GET /healthz on a full file system: %d %q, want 503 \"unavailable: storage fault\"", code, body)
	}
	for id := range tokens {
		if code := heartbeat(id); code != http.StatusServiceUnavailable {
			t.Errorf("heartbeat of %s while the file system is still full: %d, want 503", id, code)
		}
	}
	// SQL writes answer the same retryable fault while they fail, never InternalFailure.
	code, out := apiCall(t, h, "SignalWorkflowExecution", `{"domain":"full","workflowId":"wf-1","signalName":"s"}`)
	if code != http.StatusOK && (code != http.StatusServiceUnavailable || out["__type"] != awsjson.TypeServiceUnavailable) {
		t.Errorf("signal on a full file system: %d %v, want 200 or 503 %s", code, out, awsjson.TypeServiceUnavailable)
	}

	// Free the space, and let the store find out by itself: no request until /healthz says ok.
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(15 * time.Second)
	for {
		code, body := healthz()
		if code == http.StatusOK {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("GET /healthz 15 s after space was freed: %d %q, want 200", code, body)
		}
		time.Sleep(50 * time.Millisecond)
	}
	for id := range tokens {
		if code := heartbeat(id); code != http.StatusOK {
			t.Errorf("heartbeat of %s after space was freed: %d, want 200", id, code)
		}
	}
	mustCall(t, h, "SignalWorkflowExecution", `{"domain":"full","workflowId":"wf-1","signalName":"s"}`)
	conn.ExecContext(t.Context(), "ROLLBACK")

	closed = true
	if err := n.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	s, err := sqlite.Open(context.Background(), db, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	as, err := s.ListActivities(t.Context(), runID)
	if err != nil {
		t.Fatal(err)
	}
	if len(as) != tasks {
		t.Fatalf("%d open activities after the restart, want %d", len(as), tasks)
	}
	for _, a := range as {
		if a.Heartbeats != acked[a.ActivityID] || a.Details == nil || *a.Details != last[a.ActivityID] {
			got := "none"
			if a.Details != nil {
				got = strings.SplitN(*a.Details, ":", 2)[0]
			}
			t.Errorf("%s after the restart: %d heartbeats, details of %s; want %d, of %s", a.ActivityID,
				a.Heartbeats, got, acked[a.ActivityID], strings.SplitN(last[a.ActivityID], ":", 2)[0])
		}
	}
}

// faultyStore is a store whose Health reports err.
type faultyStore struct {
	openswf.Store
	err error
}

func (s *faultyStore) Health() error { return s.err }

// GET /healthz answers 503 with a short reason while the store reports a fault, and 200 once it does not.
func TestNode_HealthzReportsStoreFaults(t *testing.T) {
	n := open(t)
	fs := &faultyStore{Store: n.Store}
	n.Store = fs
	for _, tc := range []struct {
		err      error
		wantCode int
		wantBody string
	}{
		{fmt.Errorf("heartbeat journal: %w: %w", openswf.ErrUnavailable, syscall.ENOSPC), http.StatusServiceUnavailable, "unavailable: storage fault"},
		{errors.New("something else"), http.StatusServiceUnavailable, "unavailable"},
		{nil, http.StatusOK, "ok"},
	} {
		fs.err = tc.err
		if w := serve(n.Handler(), http.MethodGet, "/healthz", "", ""); w.Code != tc.wantCode || w.Body.String() != tc.wantBody {
			t.Errorf("GET /healthz with the store's fault %v: %d %q, want %d %q", tc.err, w.Code, w.Body, tc.wantCode, tc.wantBody)
		}
	}
}

// GET /readyz answers 200 "ready" on a node just opened (recovery is done by then), and 503 with a short
// reason while the store reports a fault or the database file cannot be opened for writing, while
// /healthz, liveness, still answers 200 for the latter.
func TestNode_ReadyzReportsUnwritableStorage(t *testing.T) {
	db := filepath.Join(t.TempDir(), "ready.db")
	n, err := Open(context.Background(), Config{DB: db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n.Close() })
	probe := func(path string) (int, string) {
		w := serve(n.Handler(), http.MethodGet, path, "", "")
		if w.Header().Get("Cache-Control") != "no-store" {
			t.Errorf("GET %s: Cache-Control %q, want no-store", path, w.Header().Get("Cache-Control"))
		}
		return w.Code, w.Body.String()
	}
	wantReady := func(step string) {
		t.Helper()
		if code, body := probe("/readyz"); code != http.StatusOK || body != "ready" {
			t.Errorf("GET /readyz %s: %d %q, want 200 \"ready\"", step, code, body)
		}
	}
	wantNotReady := func(step, reason string) {
		t.Helper()
		if code, body := probe("/readyz"); code != http.StatusServiceUnavailable || body != reason {
			t.Errorf("GET /readyz %s: %d %q, want 503 %q", step, code, body, reason)
		}
	}
	wantReady("once open")

	// The store's own fault.
	store := n.Store
	n.Store = &faultyStore{Store: store, err: fmt.Errorf("heartbeat journal: %w: %w", openswf.ErrUnavailable, syscall.EIO)}
	wantNotReady("with a storage fault", "unavailable: storage fault")
	n.Store = store
	wantReady("once the fault is gone")

	// The database file removed from under the server: its writes would go to a file no restart finds.
	moved := db + ".moved"
	if err := os.Rename(db, moved); err != nil {
		t.Fatal(err)
	}
	wantNotReady("with the database file gone", "unavailable: database file not writable")
	if code, body := probe("/healthz"); code != http.StatusOK {
		t.Errorf("GET /healthz with the database file gone: %d %q, want 200: liveness does not check the file", code, body)
	}
	if err := os.Rename(moved, db); err != nil {
		t.Fatal(err)
	}
	wantReady("with the database file back")

	// The database file made read-only; root writes it anyway, but not on a read-only mount: as root, bind
	// the directory read-only onto itself (the files the store has open stay writable, as on a file system
	// remounted read-only under a server).
	if os.Geteuid() == 0 {
		dir := filepath.Dir(db)
		if out, err := exec.Command("mount", "--bind", dir, dir).CombinedOutput(); err != nil {
			t.Skipf("cannot bind-mount %s: %v %s", dir, err, out)
		}
		t.Cleanup(func() {
			if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
				t.Errorf("umount %s: %v %s", dir, err, out)
			}
		})
		if out, err := exec.Command("mount", "-o", "remount,bind,ro", dir).CombinedOutput(); err != nil {
			t.Skipf("cannot make the bind mount of %s read-only: %v %s", dir, err, out)
		}
		wantNotReady("on a read-only mount", "unavailable: database file not writable")
		if out, err := exec.Command("mount", "-o", "remount,bind,rw", dir).CombinedOutput(); err != nil {
			t.Fatalf("remount %s read-write: %v %s", dir, err, out)
		}
		wantReady("on the mount read-write again")
		return
	}
	if err := os.Chmod(db, 0o444); err != nil {
		t.Fatal(err)
	}
	wantNotReady("with the database file read-only", "unavailable: database file not writable")
	if err := os.Chmod(db, 0o644); err != nil {
		t.Fatal(err)
	}
	wantReady("with the database file writable again")
}
