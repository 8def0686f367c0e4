package engine_test

import (
	"fmt"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/openswf/openswf"
	"github.com/openswf/openswf/engine"
)

// startFanOut starts a run whose first decision schedules n activities, a00, a01, ….
func (h *harness) startFanOut(workflowID string, n int) string {
	h.t.Helper()
	runID := h.start(workflowID)
	var ds []openswf.Decision
	for i := range n {
		ds = append(ds, schedule(fmt.Sprintf("a%02d", i)))
	}
	h.respond(h.pollDecision(), ds...)
	return runID
}

// waitQueued waits until n transitions of the run wait in its lane.
func waitQueued(t *testing.T, eng *engine.Engine, runID string, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for eng.QueuedTransitions(runID) < n {
		if time.Now().After(deadline) {
			t.Fatalf("%d transitions queued, want %d", eng.QueuedTransitions(runID), n)
		}
		time.Sleep(time.Millisecond)
	}
}

// wantDense fails unless the history's event ids run 1, 2, 3, ….
func wantDense(t *testing.T, history string) {
	t.Helper()
	for i, line := range strings.Split(strings.TrimSpace(history), "\n") {
		if !strings.HasPrefix(line, fmt.Sprintf("%d ", i+1)) {
			t.Fatalf("line %d is %q: event ids are not dense\n%s", i+1, line, history)
		}
	}
}

// Completions of one run that arrive while its previous commit is under way are decided together, in the
// order they queued, and committed as one transition; each caller gets its own answer, and the one whose
// transition fails (a task completed twice) fails alone.
func TestEngine_CoalescesTransitionsOfOneRun(t *testing.T) {
	const n = 12
	h := newHarness(t)
	runID := h.startFanOut("w", n)
	tasks := make([]*engine.ActivityTaskInfo, n)
	for i := range tasks {
		tasks[i] = h.pollActivity()
	}
	rs := h.withRacingStore()
	entered, release := make(chan struct{}), make(chan struct{})
	var applies atomic.Int32
	rs.beforeApply = func(tr *openswf.Transition) {
		if applies.Add(1) == 1 {
			close(entered)
			<-release
		}
	}

	errs := make([]error, n+1)
	var wg sync.WaitGroup
	completeAsync := func(slot int, task *engine.ActivityTaskInfo) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[slot] = h.eng.CompleteActivity(h.ctx, task.TaskToken, "r-"+task.ActivityID)
		}()
	}
	// The first completion holds the run's commit; the others queue behind it, one at a time, in an
	// order the test knows; among them, a second completion of the first task.
	completeAsync(0, tasks[0])
	<-entered
	order := []int{5, 1, n, 9, 2, 11, 3, 4, 6, 7, 8, 10}
	for i, slot := range order {
		task := tasks[0] // slot n: the first task, completed again
		if slot < n {
			task = tasks[slot]
		}
		completeAsync(slot, task)
		waitQueued(t, h.eng, runID, i+1)
	}
	close(release)
	wg.Wait()

	for i, err := range errs {
		if i == n {
			wantKind(t, err, openswf.KindUnknownResource)
		} else if err != nil {
			t.Errorf("completion of a%02d: %v", i, err)
		}
	}
	if got := applies.Load(); got != 2 {
		t.Errorf("%d commits, want 2: the first completion, then the %d queued behind it together", got, n-1)
	}
	history := h.historyText(runID)
	wantDense(t, history)
	var got []string
	for _, m := range regexp.MustCompile(`ActivityTaskCompleted \{"result":"r-(a\d+)"`).FindAllStringSubmatch(history, -1) {
		got = append(got, m[1])
	}
	var want []string
	for _, slot := range append([]int{0}, order...) {
		if slot < n {
			want = append(want, fmt.Sprintf("a%02d", slot))
		}
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("completions recorded in the order %v, want the queue's %v", got, want)
	}
	if c := strings.Count(history, "DecisionTaskScheduled"); c != 2 {
		t.Errorf("%d decision tasks scheduled, want 2 (the first, and one for all the completions)\n%s", c, history)
	}
}

// A transition that fails inside a batch (a decision whose token is stale by the time it is decided) fails
// its own caller only: the signals queued around it are recorded, and the batch is committed without it.
func TestEngine_FailureInBatchIsItsCallersAlone(t *testing.T) {
	h := newHarness(t)
	runID := h.start("w")
	task := h.pollDecision()
	h.respond(task) // the task closes; its token is stale from now on
	rs := h.withRacingStore()
	entered, release := make(chan struct{}), make(chan struct{})
	var applies atomic.Int32
	rs.beforeApply = func(*openswf.Transition) {
		if applies.Add(1) == 1 {
			close(entered)
			<-release
		}
	}
	var wg sync.WaitGroup
	errs := make([]error, 4)
	run := func(i int, f func() error) {
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = f() }()
	}
	signal := func(name string) func() error {
		return func() error {
			return h.eng.Signal(h.ctx, engine.SignalInput{Domain: domain, WorkflowID: "w", SignalName: name})
		}
	}
	run(0, signal("first"))
	<-entered
	run(1, signal("before"))
	waitQueued(t, h.eng, runID, 1)
	run(2, func() error {
		return h.eng.RespondDecision(h.ctx, engine.RespondDecisionInput{TaskToken: task.TaskToken, Decisions: []openswf.Decision{complete("x")}})
	})
	waitQueued(t, h.eng, runID, 2)
	run(3, signal("after"))
	waitQueued(t, h.eng, runID, 3)
	close(release)
	wg.Wait()
	for _, i := range []int{0, 1, 3} {
		if errs[i] != nil {
			t.Errorf("signal %d: %v", i, errs[i])
		}
	}
	wantKind(t, errs[2], openswf.KindUnknownResource)
	history := h.historyText(runID)
	wantDense(t, history)
	for _, name := range []string{"first", "before", "after"} {
		if !contains(history, `"signalName":"`+name+`"`) {
			t.Errorf("signal %s not recorded:\n%s", name, history)
		}
	}
	if contains(history, "WorkflowExecutionCompleted") {
		t.Errorf("the stale decision completed the run:\n%s", history)
	}
}

// Heartbeat timeouts of many tasks of one run that come due together are recorded together, in one
// commit, each with its own details.
func TestEngine_TimeoutsOfOneRunFireTogether(t *testing.T) {
	const n = 50
	h := newHarness(t)
	runID := h.startFanOut("w", n)
	for range n {
		task := h.pollActivity()
		if _, err := h.eng.Heartbeat(h.ctx, task.TaskToken, ptr("d-"+task.ActivityID)); err != nil {
			t.Fatal(err)
		}
	}
	rs := h.withRacingStore()
	var closing atomic.Int32
	rs.beforeApply = func(tr *openswf.Transition) {
		if len(tr.CloseActivities) > 0 {
			closing.Add(1)
		}
	}
	h.advance(10 * time.Second) // the type's heartbeat timeout
	history := h.historyText(runID)
	wantDense(t, history)
	if c := strings.Count(history, `"timeoutType":"HEARTBEAT"`); c != n {
		t.Fatalf("%d heartbeat timeouts recorded, want %d:\n%s", c, n, history)
	}
	for i := range n {
		if !contains(history, fmt.Sprintf(`"details":"d-a%02d"`, i)) {
			t.Errorf("timeout of a%02d lacks its details", i)
		}
	}
	if got := closing.Load(); got != 1 {
		t.Errorf("%d commits closed tasks, want 1 for the %d timeouts", got, n)
	}
}
