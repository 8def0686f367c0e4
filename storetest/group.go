package storetest

import (
	"testing"
	"time"

	"github.com/openswf/openswf"
)

// testGroups checks Transition.Also: transitions of several runs commit together or not at all.
func testGroups(t *testing.T, newStore func(t *testing.T) openswf.Store) {
	t.Run("CreateAndUpdate", func(t *testing.T) {
		// A parent's transition that starts a child: the child is created, the parent updated, both with
		// their own events, activities and timers.
		s := newStore(t)
		parent := newExecution("d1", "parent", "prun")
		mustStart(t, s, parent)

		p := next(parent)
		ptr := &openswf.Transition{Execution: p,
			PutActivities: []*openswf.ActivityTask{newActivity(p, 3, "tl")},
			PutTimers:     []openswf.Timer{{TimerKey: openswf.TimerKey{RunID: "prun", Kind: openswf.TimerUser, ID: 4}, Domain: "d1", Due: at(time.Minute)}},
		}
		appendEvents(ptr, 2)
		child := newExecution("d1", "child", "crun")
		child.Parent = &openswf.WorkflowExecution{WorkflowID: "parent", RunID: "prun"}
		child.TagList = []string{"kid"}
		ctr := startTransition(child)
		ctr.PutTimers = []openswf.Timer{{TimerKey: openswf.TimerKey{RunID: "crun", Kind: openswf.TimerWorkflowStartToClose}, Domain: "d1", Due: at(time.Hour)}}
		ptr.Also = []*openswf.Transition{ctr}
		mustApply(t, s, ptr)

		p.Activities = map[string]int64{"act-3": 3} // derived from the open activity rows
		if d := diff(p, mustGetRun(t, s, "prun")); d != "" {
			t.Errorf("parent (-want +got):\n%s", d)
		}
		if d := diff(child, mustGetRun(t, s, "crun")); d != "" {
			t.Errorf("child (-want +got):\n%s", d)
		}
		if got := eventIDs(mustHistory(t, s, "prun")); len(got) != 4 {
			t.Errorf("parent history ids: got %v, want 1..4", got)
		}
		if got := eventIDs(mustHistory(t, s, "crun")); len(got) != 2 {
			t.Errorf("child history ids: got %v, want 1..2", got)
		}
		mustActivity(t, s, "prun", 3)
		if ts := mustTimers(t, s); len(ts) != 2 {
			t.Errorf("timers: got %v, want the parent's and the child's", ts)
		}
		kid := "kid"
		if n := mustCount(t, s, openswf.ExecutionQuery{Domain: "d1", Open: true, Tag: &kid}); n != 1 {
			t.Errorf("runs tagged by the grouped create: %d, want 1", n)
		}

		// Several at once: close the child and update the parent and a third run.
		third := newExecution("d1", "third", "trun")
		mustStart(t, s, third)
		p2 := next(p)
		tr := &openswf.Transition{Execution: p2}
		appendEvents(tr, 1)
		c2 := next(child)
		c2.Open, c2.CloseStatus, c2.ClosedAt, c2.Decision = false, openswf.CloseCompleted, at(time.Minute), openswf.DecisionTaskState{}
		ctr2 := &openswf.Transition{Execution: c2, DeleteTimers: []openswf.TimerKey{{RunID: "crun", Kind: openswf.TimerWorkflowStartToClose}}}
		appendEvents(ctr2, 1)
		t2 := next(third)
		ttr := &openswf.Transition{Execution: t2}
		appendEvents(ttr, 3)
		tr.Also = []*openswf.Transition{ctr2, ttr}
		mustApply(t, s, tr)
		for _, want := range []*openswf.Execution{p2, c2, t2} {
			if d := diff(want, mustGetRun(t, s, want.RunID)); d != "" {
				t.Errorf("run %s (-want +got):\n%s", want.RunID, d)
			}
		}
		if got := mustList(t, s, openswf.ExecutionQuery{Domain: "d1", CloseStatus: openswf.CloseCompleted}); len(got) != 1 || got[0] != "crun" {
			t.Errorf("completed runs: got %v, want [crun]", got)
		}
	})

	t.Run("StaleVersionStoresNothing", func(t *testing.T) {
		s := newStore(t)
		first := newExecution("d1", "wf1", "run1")
		mustStart(t, s, first)
		second := newExecution("d1", "wf2", "run2")
		mustStart(t, s, second)
		mustApply(t, s, &openswf.Transition{Execution: next(second)}) // second is now at version 2

		// A group that creates a run, updates run1, and updates run2 at a stale version.
		y := next(first)
		tr := &openswf.Transition{Execution: y,
			PutActivities: []*openswf.ActivityTask{newActivity(y, 3, "tl")},
			PutTimers:     []openswf.Timer{{TimerKey: openswf.TimerKey{RunID: "run1", Kind: openswf.TimerUser, ID: 3}, Domain: "d1", Due: at(time.Minute)}},
		}
		appendEvents(tr, 2)
		created := newExecution("d1", "wf3", "run3")
		created.TagList = []string{"new"}
		stale := next(second) // version 2 again
		str := &openswf.Transition{Execution: stale}
		appendEvents(str, 1)
		tr.Also = []*openswf.Transition{startTransition(created), str}
		wantErr(t, "Apply of a group with a stale version", s.Apply(t.Context(), tr), openswf.ErrConflict)

		assertUnchanged(t, s, first, []int64{1, 2})
		_, err := s.GetRun(t.Context(), "run3")
		wantErr(t, "GetRun of the run the failed group created", err, openswf.ErrNotFound)
		if es := mustHistory(t, s, "run3"); len(es) != 0 {
			t.Errorf("history of the run the failed group created: %d events", len(es))
		}
		tag := "new"
		if n := mustCount(t, s, openswf.ExecutionQuery{Domain: "d1", Open: true, Tag: &tag}); n != 0 {
			t.Errorf("runs tagged by the failed group: %d, want 0", n)
		}
		if got := mustGetRun(t, s, "run2"); got.Version != 2 {
			t.Errorf("run2 version: got %d, want 2", got.Version)
		}

		// Without the stale transition the group commits.
		tr.Also = tr.Also[:1]
		mustApply(t, s, tr)
		mustGetRun(t, s, "run3")
		if got := mustGetRun(t, s, "run1"); got.Version != y.Version {
			t.Errorf("run1 version: got %d, want %d", got.Version, y.Version)
		}
	})

	t.Run("ExistsStoresNothing", func(t *testing.T) {
		// The main transition is fine; a grouped create meets an open run of its workflow id.
		s := newStore(t)
		first := newExecution("d1", "wf1", "run1")
		mustStart(t, s, first)
		mustStart(t, s, newExecution("d1", "busy", "run2"))
		y := next(first)
		tr := &openswf.Transition{Execution: y}
		appendEvents(tr, 1)
		tr.Also = []*openswf.Transition{startTransition(newExecution("d1", "busy", "run3"))}
		wantErr(t, "Apply of a group with a taken workflow id", s.Apply(t.Context(), tr), openswf.ErrExists)
		assertUnchanged(t, s, first, []int64{1, 2})
		_, err := s.GetRun(t.Context(), "run3")
		wantErr(t, "GetRun of the refused run", err, openswf.ErrNotFound)
	})

	t.Run("LateConflictStoresNothing", func(t *testing.T) {
		// The second transition's version matches but it closes an activity that is not there.
		s := newStore(t)
		first := newExecution("d1", "wf1", "run1")
		mustStart(t, s, first)
		second := newExecution("d1", "wf2", "run2")
		mustStart(t, s, second)
		y := next(first)
		tr := &openswf.Transition{Execution: y}
		appendEvents(tr, 1)
		z := next(second)
		ztr := &openswf.Transition{Execution: z, CloseActivities: []openswf.ActivityClose{{ScheduledID: 9, Heartbeats: -1}}}
		appendEvents(ztr, 1)
		tr.Also = []*openswf.Transition{ztr}
		wantErr(t, "Apply of a group closing an absent activity", s.Apply(t.Context(), tr), openswf.ErrConflict)
		assertUnchanged(t, s, first, []int64{1, 2})
		if d := diff(second, mustGetRun(t, s, "run2")); d != "" {
			t.Errorf("run2 after the failed group (-want +got):\n%s", d)
		}
	})
}
