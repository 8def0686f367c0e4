package storetest

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/openswf/openswf"
)

func testPendingTasks(t *testing.T, newStore func(t *testing.T) openswf.Store) {
	t.Run("CountActivities", func(t *testing.T) {
		s := newStore(t)
		x := newExecution("d1", "wf1", "run1")
		tr := startTransition(x)
		tr.PutActivities = []*openswf.ActivityTask{
			newActivity(x, 5, "tl"),
			newActivity(x, 6, "tl"),
			started(newActivity(x, 7, "tl"), 9), // held by a worker: not pending
			newActivity(x, 8, "other"),
		}
		mustApply(t, s, tr)
		y := newExecution("d2", "wf1", "run2")
		tr = startTransition(y)
		tr.PutActivities = []*openswf.ActivityTask{newActivity(y, 5, "tl")}
		mustApply(t, s, tr)

		wantCount(t, s, openswf.TaskActivity, "d1", "tl", 2)
		wantCount(t, s, openswf.TaskActivity, "d1", "other", 1)
		wantCount(t, s, openswf.TaskActivity, "d2", "tl", 1)
		wantCount(t, s, openswf.TaskActivity, "d2", "other", 0)
		wantCount(t, s, openswf.TaskActivity, "d3", "tl", 0)

		// Starting one and closing another leave none pending on tl in d1.
		mustApply(t, s, &openswf.Transition{
			Execution:       next(x),
			PutActivities:   []*openswf.ActivityTask{started(newActivity(x, 5, "tl"), 10)},
			CloseActivities: []openswf.ActivityClose{{ScheduledID: 6, Heartbeats: -1}},
		})
		wantCount(t, s, openswf.TaskActivity, "d1", "tl", 0)
		wantCount(t, s, openswf.TaskActivity, "d2", "tl", 1)
	})

	t.Run("CountDecisions", func(t *testing.T) {
		s := newStore(t)
		scheduled := newExecution("d1", "wf1", "run1")
		mustStart(t, s, scheduled)
		startedX := newExecution("d1", "wf2", "run2")
		startedX.Decision.StartedID = 3
		startedX.NextEventID = 4
		mustStart(t, s, startedX)
		none := newExecution("d1", "wf3", "run3")
		none.Decision = openswf.DecisionTaskState{}
		mustStart(t, s, none)
		elsewhere := newExecution("d1", "wf4", "run4")
		elsewhere.Decision.TaskList = "other"
		mustStart(t, s, elsewhere)
		otherDomain := newExecution("d2", "wf1", "run5")
		mustStart(t, s, otherDomain)

		wantCount(t, s, openswf.TaskDecision, "d1", "deciders", 1)
		wantCount(t, s, openswf.TaskDecision, "d1", "other", 1)
		wantCount(t, s, openswf.TaskDecision, "d2", "deciders", 1)
		// Activity and decision counts are apart.
		wantCount(t, s, openswf.TaskActivity, "d1", "deciders", 0)

		// Handed out, the decision task is no longer pending; scheduled again, it is.
		y := next(scheduled)
		y.Decision.StartedID = y.NextEventID
		mustApply(t, s, &openswf.Transition{Execution: y})
		wantCount(t, s, openswf.TaskDecision, "d1", "deciders", 0)
		z := next(startedX)
		z.Decision = openswf.DecisionTaskState{ScheduledID: 5, TaskList: "deciders", ScheduledAt: at(0)}
		mustApply(t, s, &openswf.Transition{Execution: z})
		wantCount(t, s, openswf.TaskDecision, "d1", "deciders", 1)
	})

	t.Run("Find", func(t *testing.T) {
		s := newStore(t)
		x := newExecution("d1", "wf1", "run1")
		tr := startTransition(x)
		tr.PutActivities = []*openswf.ActivityTask{
			newActivity(x, 5, "tl"),
			newActivity(x, 6, "tl"),
			started(newActivity(x, 7, "tl"), 9),
			newActivity(x, 8, "other"),
		}
		mustApply(t, s, tr)
		y := newExecution("d1", "wf2", "run2")
		y.Decision.StartedID = 3
		y.NextEventID = 4
		mustStart(t, s, y)

		keys := func(ps []openswf.PendingTask) []string {
			var ks []string
			for _, p := range ps {
				ks = append(ks, fmt.Sprintf("%s %s/%s %s/%d", p.Kind, p.Domain, p.TaskList, p.RunID, p.ScheduledID))
			}
			slices.Sort(ks)
			return ks
		}
		find := func(kind openswf.TaskKind, domain, list string, limit int) []string {
			t.Helper()
			ps, err := s.FindPendingTasks(t.Context(), kind, domain, list, limit)
			if err != nil {
				t.Fatalf("FindPendingTasks(%s, %s, %s, %d): %v", kind, domain, list, limit, err)
			}
			return keys(ps)
		}
		if got, want := find(openswf.TaskActivity, "d1", "tl", 10), []string{"activity d1/tl run1/5", "activity d1/tl run1/6"}; !slices.Equal(got, want) {
			t.Errorf("pending activity tasks on tl: got %q, want %q", got, want)
		}
		if got := find(openswf.TaskActivity, "d1", "tl", 1); len(got) != 1 {
			t.Errorf("pending activity tasks on tl, limit 1: got %q, want one", got)
		}
		// run1's decision task is scheduled; run2's is started.
		if got, want := find(openswf.TaskDecision, "d1", "deciders", 10), []string{"decision d1/deciders run1/2"}; !slices.Equal(got, want) {
			t.Errorf("pending decision tasks: got %q, want %q", got, want)
		}
		if got := find(openswf.TaskActivity, "d2", "tl", 10); len(got) != 0 {
			t.Errorf("pending activity tasks of another domain: got %q, want none", got)
		}
	})

	// Several nodes read a few pending tasks at a time: the highest priority first, then the longest
	// waiting, whatever the runs' ids.
	t.Run("FindInPriorityOrder", func(t *testing.T) {
		s := newStore(t)
		schedule := func(runID string, when time.Duration, prios map[int64]int32) {
			t.Helper()
			x := newExecution("d1", "wf-"+runID, runID)
			// The run's decision task: the priority of the highest of its activity tasks.
			x.Decision.Priority, x.Decision.ScheduledAt = fmt.Sprint(slices.Max(slices.Collect(maps.Values(prios)))), at(when)
			tr := startTransition(x)
			for _, id := range []int64{5, 6, 7} {
				p, ok := prios[id]
				if !ok {
					continue
				}
				a := newActivity(x, id, "tl")
				a.Priority, a.ScheduledAt = p, at(when)
				if p == 100 {
					a = started(a, 9) // held by a worker: not pending, whatever its priority
				}
				tr.PutActivities = append(tr.PutActivities, a)
			}
			mustApply(t, s, tr)
		}
		schedule("run-z", time.Second, map[int64]int32{5: 0, 6: 10})
		schedule("run-b", 2*time.Second, map[int64]int32{5: 10, 6: -5, 7: 100})
		schedule("run-a", 3*time.Second, map[int64]int32{5: 10})
		find := func(limit int) []string {
			t.Helper()
			kind, list := openswf.TaskActivity, "tl"
			if limit < 0 {
				kind, list, limit = openswf.TaskDecision, "deciders", -limit
			}
			ps, err := s.FindPendingTasks(t.Context(), kind, "d1", list, limit)
			if err != nil {
				t.Fatalf("FindPendingTasks(limit %d): %v", limit, err)
			}
			var got []string
			for _, p := range ps {
				got = append(got, fmt.Sprintf("%s/%d:%d", p.RunID, p.ScheduledID, p.Priority))
			}
			return got
		}
		if got, want := find(3), []string{"run-z/6:10", "run-b/5:10", "run-a/5:10"}; !slices.Equal(got, want) {
			t.Errorf("the first 3 pending tasks: %q, want %q", got, want)
		}
		if got, want := find(10), []string{"run-z/6:10", "run-b/5:10", "run-a/5:10", "run-z/5:0", "run-b/6:-5"}; !slices.Equal(got, want) {
			t.Errorf("every pending task: %q, want %q", got, want)
		}
		// Decision tasks (a negative limit): run-b's is of priority 100.
		if got, want := find(-2), []string{"run-b/2:100", "run-z/2:10"}; !slices.Equal(got, want) {
			t.Errorf("the first 2 pending decision tasks: %q, want %q", got, want)
		}
	})

	t.Run("Load", func(t *testing.T) {
		s := newStore(t)
		x := newExecution("d1", "wf1", "run1")
		a5 := newActivity(x, 5, "tl")
		a6 := newActivity(x, 6, "tl2")
		a6.Priority = -3
		tr := startTransition(x)
		tr.PutActivities = []*openswf.ActivityTask{a5, a6, started(newActivity(x, 7, "tl"), 8)}
		mustApply(t, s, tr)
		y := newExecution("d2", "wf2", "run2")
		y.Decision.StartedID = 3 // not pending
		mustStart(t, s, y)

		want := []openswf.PendingTask{
			{Kind: openswf.TaskActivity, Domain: "d1", TaskList: "tl", RunID: "run1", ScheduledID: 5, Priority: 5, ScheduledAt: a5.ScheduledAt},
			{Kind: openswf.TaskActivity, Domain: "d1", TaskList: "tl2", RunID: "run1", ScheduledID: 6, Priority: -3, ScheduledAt: a6.ScheduledAt},
			{Kind: openswf.TaskDecision, Domain: "d1", TaskList: "deciders", RunID: "run1", ScheduledID: 2, Priority: 3, ScheduledAt: x.Decision.ScheduledAt},
		}
		var got []openswf.PendingTask
		if err := s.LoadPendingTasks(t.Context(), func(p openswf.PendingTask) error {
			got = append(got, p)
			return nil
		}); err != nil {
			t.Fatalf("LoadPendingTasks: %v", err)
		}
		slices.SortFunc(got, comparePending)
		if d := diff(want, got); d != "" {
			t.Errorf("LoadPendingTasks (-want +got):\n%s", d)
		}
	})

	t.Run("LoadStops", func(t *testing.T) {
		s := newStore(t)
		x := newExecution("d1", "wf1", "run1")
		tr := startTransition(x)
		tr.PutActivities = []*openswf.ActivityTask{newActivity(x, 5, "tl"), newActivity(x, 6, "tl")}
		mustApply(t, s, tr)
		stop := errors.New("stop")
		calls := 0
		err := s.LoadPendingTasks(t.Context(), func(openswf.PendingTask) error {
			calls++
			return stop
		})
		wantErr(t, "LoadPendingTasks with a failing callback", err, stop)
		if calls != 1 {
			t.Errorf("callbacks after the error: got %d calls, want 1", calls)
		}
	})
}

func wantCount(t *testing.T, s openswf.Store, kind openswf.TaskKind, domain, taskList string, want int) {
	t.Helper()
	got, err := s.CountPendingTasks(t.Context(), kind, domain, taskList)
	if err != nil {
		t.Fatalf("CountPendingTasks(%s, %s, %s): %v", kind, domain, taskList, err)
	}
	if got != want {
		t.Errorf("CountPendingTasks(%s, %s, %s): got %d, want %d", kind, domain, taskList, got, want)
	}
}

func comparePending(a, b openswf.PendingTask) int {
	if c := strings.Compare(string(a.Kind), string(b.Kind)); c != 0 {
		return c
	}
	if c := strings.Compare(a.RunID, b.RunID); c != 0 {
		return c
	}
	return compareInt(a.ScheduledID, b.ScheduledID)
}
