package engine_test

import (
	"testing"
	"time"

	"github.com/openswf/openswf"
	"github.com/openswf/openswf/engine"
)

// waitParked waits (on the wall clock, bounded) until n waits are registered on the manual clock.
func (h *harness) waitParked(n int) {
	h.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for h.clock.Waiters() < n {
		if time.Now().After(deadline) {
			h.t.Fatalf("pollers parked = %d, want %d", h.clock.Waiters(), n)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestEngine_LongPollReturnsWhenTaskArrives(t *testing.T) {
	h := newHarness(t)
	h.start("w")
	h.respond(h.pollDecision())
	got := make(chan *engine.ActivityTaskInfo, 1)
	go func() {
		task, _ := h.eng.PollActivity(h.ctx, domain, actList, "worker")
		got <- task
	}()
	h.waitParked(1)
	x, err := h.store.GetOpenExecution(h.ctx, domain, "w")
	h.must(err)
	h.must(h.eng.Signal(h.ctx, engine.SignalInput{Domain: domain, WorkflowID: "w", RunID: x.RunID, SignalName: "go"}))
	h.respond(h.pollDecision(), schedule("a"))
	select {
	case task := <-got:
		if task == nil || task.ActivityID != "a" {
			t.Fatalf("parked poll got %+v, want task a", task)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("parked poll did not return when the task was scheduled")
	}
}

func TestEngine_LongPollEmptyAtHold(t *testing.T) {
	h := newHarness(t)
	got := make(chan *engine.DecisionTask, 1)
	go func() {
		task, err := h.eng.PollDecision(h.ctx, engine.PollDecisionInput{Domain: domain, TaskList: openswf.TaskList{Name: "empty"}})
		if err != nil {
			t.Errorf("PollDecision: %v", err)
		}
		got <- task
	}()
	h.waitParked(1)
	h.clock.Advance(9 * time.Second)
	select {
	case <-got:
		t.Fatal("poll returned before its hold")
	case <-time.After(20 * time.Millisecond):
	}
	h.clock.Advance(time.Second)
	select {
	case task := <-got:
		if task != nil {
			t.Fatalf("poll at hold returned %+v, want no task", task)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("poll did not return at its hold")
	}
}

func TestEngine_HistoryPaging(t *testing.T) {
	h := newHarness(t)
	runID := h.start("w")
	h.respond(h.pollDecision(), startTimer("a", "1"), startTimer("b", "1"), startTimer("c", "1"))
	x := openswf.WorkflowExecution{WorkflowID: "w", RunID: runID}
	for _, reverse := range []bool{false, true} {
		var ids []int64
		token := ""
		for page := 0; ; page++ {
			evs, next, err := h.eng.History(h.ctx, engine.HistoryInput{Domain: domain, Execution: x, PageSize: 2, Reverse: reverse, NextPageToken: token})
			h.must(err)
			if len(evs) > 2 {
				t.Fatalf("page of %d events, want at most 2", len(evs))
			}
			for _, ev := range evs {
				ids = append(ids, ev.ID)
			}
			if next == "" {
				break
			}
			token = next
		}
		want := []int64{1, 2, 3, 4, 5, 6, 7}
		if reverse {
			want = []int64{7, 6, 5, 4, 3, 2, 1}
		}
		if len(ids) != len(want) {
			t.Fatalf("reverse=%v ids = %v, want %v", reverse, ids, want)
		}
		for i := range want {
			if ids[i] != want[i] {
				t.Fatalf("reverse=%v ids = %v, want %v", reverse, ids, want)
			}
		}
	}
	_, _, err := h.eng.History(h.ctx, engine.HistoryInput{Domain: domain, Execution: x, NextPageToken: "forged"})
	wantKind(t, err, openswf.KindValidation)
}

func TestEngine_DecisionTaskPages(t *testing.T) {
	h := newHarness(t)
	h.start("w")
	h.respond(h.pollDecision(), startTimer("a", "1"), startTimer("b", "1"))
	h.advance(time.Second)
	ctxIn := engine.PollDecisionInput{Domain: domain, TaskList: openswf.TaskList{Name: wfList}, PageSize: 3}
	task, err := h.eng.PollDecision(h.ctx, ctxIn)
	h.must(err)
	var ids []int64
	for {
		for _, ev := range task.Events {
			ids = append(ids, ev.ID)
		}
		if task.NextPageToken == "" {
			break
		}
		in := ctxIn
		in.NextPageToken = task.NextPageToken
		next, err := h.eng.PollDecision(h.ctx, in)
		h.must(err)
		if next.TaskToken != task.TaskToken || next.StartedEventID != task.StartedEventID {
			t.Fatalf("next page names another task: %+v vs %+v", next, task)
		}
		task = next
	}
	if last := ids[len(ids)-1]; len(ids) != int(task.StartedEventID) || last != task.StartedEventID {
		t.Errorf("decision task pages held ids %v, want 1..%d", ids, task.StartedEventID)
	}
	h.respond(task, complete(""))
}
