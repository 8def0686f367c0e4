package engine_test

import (
	"context"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/openswf/openswf"
	"github.com/openswf/openswf/engine"
)

// racingStore lets a test run an action at an exact point of another request, as a concurrent request
// would.
type racingStore struct {
	openswf.Store
	beforeApply       func(tr *openswf.Transition)
	afterApply        func(tr *openswf.Transition)
	beforeGetActivity func()
}

func (s *racingStore) Apply(ctx context.Context, tr *openswf.Transition) error {
	if s.beforeApply != nil {
		s.beforeApply(tr)
	}
	err := s.Store.Apply(ctx, tr)
	if s.afterApply != nil {
		s.afterApply(tr)
	}
	return err
}

func (s *racingStore) GetActivity(ctx context.Context, runID string, sched int64) (*openswf.ActivityTask, error) {
	if f := s.beforeGetActivity; f != nil {
		s.beforeGetActivity = nil
		f()
	}
	return s.Store.GetActivity(ctx, runID, sched)
}

// withRacingStore puts a racingStore under a new engine of the harness.
func (h *harness) withRacingStore() *racingStore {
	h.t.Helper()
	rs := &racingStore{Store: h.store}
	h.eng.Close()
	h.eng = engine.New(rs, h.clock, engine.Options{
		DisableTimerLoop: true, DisableRetention: true, PollHold: 10 * time.Second,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	h.must(h.eng.Open(h.ctx))
	return rs
}

func TestEngine_StartToCloseNotHeldOffByHeartbeats(t *testing.T) {
	h := newHarness(t)
	runID := h.start("w")
	h.respond(h.pollDecision(), scheduleWith("a", "NONE", "NONE", "20", "NONE"))
	task := h.pollActivity()
	rs := h.withRacingStore()
	var raced atomic.Int32
	// A heartbeat lands between every read of the task and the close that times it out.
	rs.beforeApply = func(tr *openswf.Transition) {
		if len(tr.CloseActivities) > 0 {
			raced.Add(1)
			h.store.RecordHeartbeat(h.ctx, runID, 5, 6, ptr("busy"), h.clock.Now())
		}
	}
	h.advance(20 * time.Second)
	if x := h.describe(runID); len(x.Activities) != 0 {
		t.Fatalf("task still open after its start-to-close timeout (%d racing heartbeats)", raced.Load())
	}
	if got := h.historyText(runID); !contains(got, `"timeoutType":"START_TO_CLOSE"`) {
		t.Errorf("history:\n%s", got)
	}
	_, err := h.eng.Heartbeat(h.ctx, task.TaskToken, nil)
	wantKind(t, err, openswf.KindUnknownResource)
}

func TestEngine_HeartbeatTimeoutYieldsToRacingHeartbeat(t *testing.T) {
	h := newHarness(t)
	runID := h.start("w")
	h.respond(h.pollDecision(), scheduleWith("a", "NONE", "NONE", "600", "10"))
	h.pollActivity()
	rs := h.withRacingStore()
	once := true
	rs.beforeApply = func(tr *openswf.Transition) {
		if len(tr.CloseActivities) > 0 && once {
			once = false
			h.store.RecordHeartbeat(h.ctx, runID, 5, 6, ptr("saved in time"), h.clock.Now())
		}
	}
	h.advance(10 * time.Second)
	if x := h.describe(runID); len(x.Activities) != 1 {
		t.Fatalf("heartbeat timeout closed a task whose heartbeat arrived at the deadline")
	}
	h.advance(10 * time.Second)
	if got := h.historyText(runID); !contains(got, `{"details":"saved in time","scheduledEventId":5,"startedEventId":6,"timeoutType":"HEARTBEAT"}`) {
		t.Errorf("history:\n%s", got)
	}
}

// otherNode returns a second engine on the harness's store, as another node sharing the database would
// be: its transitions do not queue in this engine's lanes, so they can land inside this engine's.
func (h *harness) otherNode() *engine.Engine {
	h.t.Helper()
	other := engine.New(h.store, h.clock, engine.Options{
		DisableTimerLoop: true, DisableRetention: true, PollHold: 10 * time.Second,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	h.must(other.Open(h.ctx))
	h.t.Cleanup(func() { other.Close() })
	return other
}

func TestEngine_RequestCancelRacingCompletion(t *testing.T) {
	h := newHarness(t)
	runID := h.start("w")
	h.respond(h.pollDecision(), schedule("a"))
	task := h.pollActivity()
	decision := mustTask(t, h, "")
	rs := h.withRacingStore()
	other := h.otherNode()
	// The worker completes the task, through another node, after the decider's request read the run and
	// before it read the task. (Within one node the completion would queue behind the decision.)
	rs.beforeGetActivity = func() { h.must(other.CompleteActivity(h.ctx, task.TaskToken, "done")) }
	h.respond(decision, cancelActivity("a"))
	got := h.historyText(runID)
	for _, want := range []string{
		`ActivityTaskCompleted {"result":"done"`,
		`RequestCancelActivityTaskFailed {"activityId":"a","cause":"ACTIVITY_ID_UNKNOWN"`,
	} {
		if !contains(got, want) {
			t.Errorf("history lacks %s:\n%s", want, got)
		}
	}
	if x := h.describe(runID); !x.Decision.Scheduled() {
		t.Errorf("no decision task scheduled for the completion that arrived during the decision")
	}
}

func TestEngine_TasksHandedOutOldestFirstAfterRestart(t *testing.T) {
	h := newHarness(t)
	var want []string
	for _, id := range []string{"w1", "w2", "w3", "w4", "w5"} {
		h.start(id)
		h.clock.Advance(time.Second)
	}
	for range 5 {
		task := h.pollDecision()
		want = append(want, task.Execution.WorkflowID)
		h.respond(task, schedule("a-"+task.Execution.WorkflowID))
		h.clock.Advance(time.Second)
	}
	h.reopen()
	for i := range 5 {
		if got := h.pollActivity(); got.ActivityID != "a-"+want[i] {
			t.Fatalf("task %d after restart = %s, want a-%s (oldest first)", i, got.ActivityID, want[i])
		}
	}
}

func TestEngine_ExecutionTimeoutBounds(t *testing.T) {
	h := newHarness(t)
	for _, v := range []string{"0", "NONE", "31536001", "abc"} {
		_, err := h.eng.StartWorkflow(h.ctx, engine.StartWorkflowInput{Domain: domain, WorkflowID: "w",
			WorkflowType: openswf.WorkflowType{Name: "wf", Version: "1"}, ExecStartToClose: v})
		wantKind(t, err, openswf.KindValidation)
	}
	if _, err := h.eng.StartWorkflow(h.ctx, engine.StartWorkflowInput{Domain: domain, WorkflowID: "w",
		WorkflowType: openswf.WorkflowType{Name: "wf", Version: "1"}, ExecStartToClose: "31536000"}); err != nil {
		t.Errorf("one year refused: %v", err)
	}
}

// A transition that commits while another of the same run is between the store and the engine's cache
// (a signal held after its commit) queues behind it in the run's lane instead of racing it, and then sees
// the signal: a new decision task follows the decision, and the decision's timer fires.
func TestEngine_SlowCommitterDoesNotHideNewerState(t *testing.T) {
	h := newHarness(t)
	runID := h.start("w")
	task := h.pollDecision()
	rs := h.withRacingStore()
	held, release := make(chan struct{}), make(chan struct{})
	rs.afterApply = func(tr *openswf.Transition) {
		for _, ev := range tr.Events {
			if ev.Type == openswf.EventWorkflowExecutionSignaled {
				close(held)
				<-release
			}
		}
	}
	signalled := make(chan error, 1)
	go func() {
		signalled <- h.eng.Signal(h.ctx, engine.SignalInput{Domain: domain, WorkflowID: "w", SignalName: "s"})
	}()
	<-held
	rs.afterApply = nil
	responded := make(chan struct{})
	go func() {
		defer close(responded)
		h.respond(task, startTimer("t1", "5"))
	}()
	close(release)
	h.must(<-signalled)
	<-responded
	// The signal arrived during the decision: a new decision task waits, and the timer fires.
	h.pollDecision()
	h.advance(5 * time.Second)
	if got := h.historyText(runID); !contains(got, `TimerFired {"startedEventId":`) {
		t.Errorf("timer did not fire:\n%s", got)
	}
}
