package engine_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/openswf/openswf"
	"github.com/openswf/openswf/engine"
)

// callbackDecider schedules one activity task started at once (a callback), with a 10 s heartbeat
// timeout, and completes the run with the task's result.
type callbackDecider struct{}

func (callbackDecider) Decide(_ context.Context, in engine.DecideInput) (engine.DecideOutput, error) {
	var out []openswf.Decision
	for _, ev := range in.Events {
		switch ev.Type {
		case openswf.EventWorkflowExecutionStarted:
			d := scheduleWith("cb", "NONE", "NONE", "NONE", "10")
			d.ScheduleActivityTask.StartedBy = "callback"
			out = append(out, d)
		case openswf.EventActivityTaskCompleted:
			out = append(out, complete("done"))
		}
	}
	return engine.DecideOutput{Decisions: out}, nil
}

// A task started as it is scheduled, driven by its callback token: the token is known before the task
// exists, heartbeats restart its heartbeat clock, completing it closes it, and then the token is dead.
// Forged tokens are refused; the token tells its domain.
func TestEngine_CallbackToken(t *testing.T) {
	h := newHarness(t)
	h.withDeciders(map[string]engine.Decider{"cb": callbackDecider{}})
	runID, err := h.eng.StartWorkflow(h.ctx, engine.StartWorkflowInput{
		Domain: domain, WorkflowID: "callback", WorkflowType: openswf.WorkflowType{Name: "wf", Version: "1"}, Decider: "cb",
	})
	h.must(err)
	token := h.eng.CallbackToken(domain, runID, "cb")
	if token != h.eng.CallbackToken(domain, runID, "cb") {
		t.Fatal("the callback token of one task differs between calls")
	}
	if d, err := h.eng.TokenDomain(h.ctx, token); err != nil || d != domain {
		t.Fatalf("TokenDomain = %q, %v; want %q", d, err, domain)
	}
	// No poller sees it: it started with the transition that scheduled it.
	if n, err := h.eng.CountPending(h.ctx, openswf.TaskActivity, domain, "workers"); err != nil || n != 0 {
		t.Fatalf("pending activity tasks = %d, %v; want 0", n, err)
	}
	for range 3 { // heartbeats keep it alive past its 10 s heartbeat timeout
		h.advance(6 * time.Second)
		if _, err := h.eng.Heartbeat(h.ctx, token, ptr("beat")); err != nil {
			t.Fatalf("Heartbeat: %v", err)
		}
	}
	_, err = h.eng.Heartbeat(h.ctx, h.eng.CallbackToken(domain, runID, "other"), nil)
	wantKind(t, err, openswf.KindUnknownResource)
	_, err = h.eng.Heartbeat(h.ctx, token[:len(token)-2]+"AA", nil)
	wantKind(t, err, openswf.KindUnknownResource)

	h.must(h.eng.CompleteActivity(h.ctx, token, "ok"))
	_, err = h.eng.Heartbeat(h.ctx, token, nil)
	wantKind(t, err, openswf.KindUnknownResource)
	got := h.historyText(runID)
	for _, want := range []string{
		`2 ActivityTaskScheduled {"activityId":"cb"`,
		"3 ActivityTaskStarted",
		`4 ActivityTaskCompleted {"result":"ok","scheduledEventId":2,"startedEventId":3}`,
		`5 WorkflowExecutionCompleted`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("history lacks %s:\n%s", want, got)
		}
	}
}

// A callback task whose outside work falls silent times out on its heartbeat like any started task.
func TestEngine_CallbackHeartbeatTimeout(t *testing.T) {
	h := newHarness(t)
	h.withDeciders(map[string]engine.Decider{"cb": callbackDecider{}})
	runID, err := h.eng.StartWorkflow(h.ctx, engine.StartWorkflowInput{
		Domain: domain, WorkflowID: "silent", WorkflowType: openswf.WorkflowType{Name: "wf", Version: "1"}, Decider: "cb",
	})
	h.must(err)
	h.advance(11 * time.Second)
	if got := h.historyText(runID); !strings.Contains(got, `4 ActivityTaskTimedOut {"scheduledEventId":2,"startedEventId":3,"timeoutType":"HEARTBEAT"}`) {
		t.Errorf("history:\n%s\nwant a heartbeat timeout of the callback task", got)
	}
	_, err = h.eng.Heartbeat(h.ctx, h.eng.CallbackToken(domain, runID, "cb"), nil)
	wantKind(t, err, openswf.KindUnknownResource)
}

// withDeciders replaces the harness's engine with one that has the given in-process deciders.
func (h *harness) withDeciders(ds map[string]engine.Decider) {
	h.t.Helper()
	h.eng.Close()
	h.eng = engine.New(h.store, h.clock, engine.Options{
		DisableTimerLoop: true, DisableRetention: true, PollHold: 10 * time.Second,
		Logger:   slog.New(slog.NewTextHandler(io.Discard, nil)),
		Deciders: ds,
	})
	h.must(h.eng.Open(h.ctx))
}
