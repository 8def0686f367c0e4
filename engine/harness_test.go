package engine_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/openswf/openswf"
	"github.com/openswf/openswf/engine"
	"github.com/openswf/openswf/openswftest"
	"github.com/openswf/openswf/sqlite"
)

// harness drives an engine on an in-memory SQLite store and a manual clock. Timers fire only when the
// test advances the clock.
type harness struct {
	t     testing.TB
	ctx   context.Context
	clock *openswftest.Clock
	store *sqlite.Store
	eng   *engine.Engine
}

const (
	domain   = "d"
	wfList   = "deciders"
	actList  = "workers"
	testTime = "2026-01-02T03:04:05Z"
)

func newHarness(t testing.TB) *harness {
	t.Helper()
	ctx := context.Background()
	store, err := sqlite.Open(ctx, ":memory:", sqlite.Options{})
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	start, _ := time.Parse(time.RFC3339, testTime)
	h := &harness{t: t, ctx: ctx, clock: openswftest.NewClock(start), store: store}
	h.eng = engine.New(store, h.clock, engine.Options{
		DisableTimerLoop: true, DisableRetention: true, PollHold: 10 * time.Second,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err := h.eng.Open(ctx); err != nil {
		t.Fatalf("open engine: %v", err)
	}
	t.Cleanup(func() {
		h.eng.Close()
		store.Close()
	})
	h.must(h.eng.RegisterDomain(ctx, engine.RegisterDomainInput{Name: domain, RetentionDays: "1"}))
	h.must(h.eng.RegisterType(ctx, openswf.KindWorkflowType, engine.RegisterTypeInput{
		Domain: domain, Name: "wf", Version: "1", TaskList: &openswf.TaskList{Name: wfList},
		StartToClose: "30", ExecutionStartToClose: "3600", ChildPolicy: "TERMINATE",
	}))
	h.must(h.eng.RegisterType(ctx, openswf.KindActivityType, engine.RegisterTypeInput{
		Domain: domain, Name: "act", Version: "1", TaskList: &openswf.TaskList{Name: actList},
		ScheduleToStart: "NONE", ScheduleToClose: "NONE", StartToClose: "600", Heartbeat: "10",
	}))
	return h
}

func (h *harness) must(err error) {
	h.t.Helper()
	if err != nil {
		h.t.Fatalf("unexpected error: %v", err)
	}
}

// advance moves the clock and fires what came due.
func (h *harness) advance(d time.Duration) {
	h.clock.Advance(d)
	h.eng.FireDue(h.ctx)
}

func (h *harness) start(id string) string {
	h.t.Helper()
	runID, err := h.eng.StartWorkflow(h.ctx, engine.StartWorkflowInput{
		Domain: domain, WorkflowID: id, WorkflowType: openswf.WorkflowType{Name: "wf", Version: "1"},
	})
	h.must(err)
	return runID
}

// pollDecision returns the decision task that must be waiting.
func (h *harness) pollDecision() *engine.DecisionTask {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(h.ctx, 5*time.Second)
	defer cancel()
	task, err := h.eng.PollDecision(ctx, engine.PollDecisionInput{Domain: domain, TaskList: openswf.TaskList{Name: wfList}, Identity: "decider"})
	if err != nil || task == nil {
		h.t.Fatalf("PollDecision = %v, %v; want a task", task, err)
	}
	return task
}

// pollActivity returns the activity task that must be waiting.
func (h *harness) pollActivity() *engine.ActivityTaskInfo {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(h.ctx, 5*time.Second)
	defer cancel()
	task, err := h.eng.PollActivity(ctx, domain, actList, "worker")
	if err != nil || task == nil {
		h.t.Fatalf("PollActivity = %v, %v; want a task", task, err)
	}
	return task
}

func (h *harness) respond(task *engine.DecisionTask, decisions ...openswf.Decision) {
	h.t.Helper()
	h.must(h.eng.RespondDecision(h.ctx, engine.RespondDecisionInput{TaskToken: task.TaskToken, Decisions: decisions}))
}

// boring events are shown without attributes in history text.
var boring = map[openswf.EventType]bool{
	openswf.EventWorkflowExecutionStarted: true,
	openswf.EventDecisionTaskScheduled:    true,
	openswf.EventDecisionTaskStarted:      true,
	openswf.EventDecisionTaskCompleted:    true,
	openswf.EventActivityTaskStarted:      true,
}

// historyText renders a run's history as compact text, one event a line.
func (h *harness) historyText(runID string) string {
	h.t.Helper()
	evs, err := h.store.History(h.ctx, runID, 0, 100000, false)
	h.must(err)
	var b strings.Builder
	for _, ev := range evs {
		fmt.Fprintf(&b, "%d %s", ev.ID, ev.Type)
		if !boring[ev.Type] {
			var m map[string]any
			h.must(json.Unmarshal(ev.Attributes, &m))
			if len(m) > 0 {
				out, _ := json.Marshal(m) // map keys sort, so the text is stable
				fmt.Fprintf(&b, " %s", out)
			}
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func (h *harness) assertHistory(runID, want string) {
	h.t.Helper()
	want = strings.TrimLeft(dedent(want), "\n")
	if diff := cmp.Diff(want, h.historyText(runID)); diff != "" {
		h.t.Errorf("history mismatch (-want +got):\n%s", diff)
	}
}

func dedent(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimLeft(l, "\t ")
	}
	return strings.Join(lines, "\n")
}

func (h *harness) describe(runID string) *openswf.Execution {
	h.t.Helper()
	x, err := h.store.GetRun(h.ctx, runID)
	h.must(err)
	return x
}

func schedule(id string) openswf.Decision {
	return openswf.Decision{Type: openswf.DecisionScheduleActivityTask, ScheduleActivityTask: &openswf.ScheduleActivityTaskAttributes{
		ActivityType: openswf.ActivityType{Name: "act", Version: "1"}, ActivityID: id, Input: "in-" + id,
	}}
}

func complete(result string) openswf.Decision {
	return openswf.Decision{Type: openswf.DecisionCompleteWorkflowExecution,
		CompleteWorkflowExecution: &openswf.CompleteWorkflowExecutionAttributes{Result: result}}
}

func wantKind(t testing.TB, err error, kind openswf.ErrorKind) {
	t.Helper()
	if err == nil || openswf.KindOf(err) != kind {
		t.Fatalf("error = %v (kind %d), want kind %d", err, openswf.KindOf(err), kind)
	}
}

func ptr(s string) *string { return &s }

func (h *harness) ctxWithin(d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(h.ctx, d)
}
