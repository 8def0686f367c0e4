package engine_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/openswf/openswf"
	"github.com/openswf/openswf/engine"
	"github.com/openswf/openswf/sqlite"
)

// reopen replaces the harness's engine with a new one over the same store, as a restart does.
func (h *harness) reopen() {
	h.t.Helper()
	h.eng.Close()
	h.eng = engine.New(h.store, h.clock, engine.Options{
		DisableTimerLoop: true, DisableRetention: true, PollHold: 10 * time.Second,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	h.must(h.eng.Open(h.ctx))
}

func TestEngine_RecoveryRestoresTasksAndTimers(t *testing.T) {
	h := newHarness(t)
	runID := h.start("w")
	h.respond(h.pollDecision(), schedule("started"), scheduleWith("queued", "NONE", "NONE", "600", "NONE"), startTimer("t", "100"))
	task := h.pollActivity()
	_, err := h.eng.Heartbeat(h.ctx, task.TaskToken, ptr("before restart"))
	h.must(err)

	h.reopen()
	// The token still works after a restart (the key is durable), and the queued task is handed out.
	if _, err := h.eng.Heartbeat(h.ctx, task.TaskToken, nil); err != nil {
		t.Fatalf("heartbeat after restart: %v", err)
	}
	if q := h.pollActivity(); q.ActivityID != "queued" {
		t.Errorf("task after restart = %q, want queued", q.ActivityID)
	}
	// Deadlines come back: the heartbeat timeout fires with the last details, and the user timer fires.
	h.advance(100 * time.Second)
	got := h.historyText(runID)
	for _, want := range []string{
		`ActivityTaskTimedOut {"details":"before restart","scheduledEventId":5,"startedEventId":8,"timeoutType":"HEARTBEAT"}`,
		`TimerFired {"startedEventId":7,"timerId":"t"}`,
	} {
		if !contains(got, want) {
			t.Errorf("history after restart lacks %s:\n%s", want, got)
		}
	}
}

func TestEngine_RecoveryFiresOverdueDeadlines(t *testing.T) {
	h := newHarness(t)
	runID := h.start("w")
	h.pollDecision()
	h.eng.Close()
	// The server is down past the decision task's start-to-close.
	h.clock.Advance(time.Minute)
	h.reopen()
	h.eng.FireDue(h.ctx)
	if got := h.historyText(runID); !contains(got, `4 DecisionTaskTimedOut {"scheduledEventId":2,"startedEventId":3,"timeoutType":"START_TO_CLOSE"}`) {
		t.Errorf("overdue decision timeout did not fire at start-up:\n%s", got)
	}
	// The rescheduled decision task is handed out.
	h.pollDecision()
}

func TestEngine_RecoveryAcrossStoreReopen(t *testing.T) {
	path := t.TempDir() + "/openswf.db"
	ctx := context.Background()
	h := newHarness(t)
	// Build the scenario on a file store rather than the harness's memory store.
	store, err := sqlite.Open(ctx, path, sqlite.Options{})
	h.must(err)
	h.store.Close()
	h.store = store
	h.reopen()
	h.must(h.eng.RegisterDomain(ctx, engine.RegisterDomainInput{Name: domain, RetentionDays: "1"}))
	h.must(h.eng.RegisterType(ctx, openswf.KindWorkflowType, engine.RegisterTypeInput{
		Domain: domain, Name: "wf", Version: "1", TaskList: &openswf.TaskList{Name: wfList},
		StartToClose: "30", ExecutionStartToClose: "3600", ChildPolicy: "TERMINATE",
	}))
	runID := h.start("w")
	h.eng.Close()
	h.must(store.Close())

	store2, err := sqlite.Open(ctx, path, sqlite.Options{})
	h.must(err)
	h.store = store2
	h.reopen()
	t.Cleanup(func() { store2.Close() })
	if task := h.pollDecision(); task.Execution.RunID != runID {
		t.Errorf("decision task for run %s, want %s", task.Execution.RunID, runID)
	}
}

// TestEngine_RecoveredAndTimerLog checks what Open reports it loaded (for the start-up log), and that each
// timer acted on is logged at debug with its kind, run and lateness.
func TestEngine_RecoveredAndTimerLog(t *testing.T) {
	h := newHarness(t)
	runID := h.start("w")
	h.respond(h.pollDecision(), schedule("started"), scheduleWith("queued", "NONE", "NONE", "600", "NONE"), startTimer("t", "100"))
	h.pollActivity() // "started"; "queued" waits for a worker

	h.eng.Close()
	var log bytes.Buffer
	h.eng = engine.New(h.store, h.clock, engine.Options{
		DisableTimerLoop: true, DisableRetention: true, PollHold: 10 * time.Second,
		Logger: slog.New(slog.NewTextHandler(&log, &slog.HandlerOptions{Level: slog.LevelDebug})),
	})
	h.must(h.eng.Open(h.ctx))
	// Waiting: the "queued" activity task. Timers: the run's start-to-close, the started task's heartbeat
	// and start-to-close, and the user timer.
	if got, want := h.eng.Recovered(), (engine.Recovered{PendingTasks: 1, Timers: 4}); got != want {
		t.Errorf("Recovered() = %+v, want %+v", got, want)
	}
	h.advance(100 * time.Second)
	for _, kind := range []openswf.TimerKind{openswf.TimerActivityHeartbeat, openswf.TimerUser} {
		want := `level=DEBUG msg="timer fired" kind=` + string(kind) + " run=" + runID + " "
		if !strings.Contains(log.String(), want) {
			t.Errorf("the log lacks %q:\n%s", want, &log)
		}
	}
}
