package storetest

import (
	"testing"
	"time"

	"github.com/openswf/openswf"
)

func testOpenTasks(t *testing.T, newStore func(t *testing.T) openswf.Store) {
	s := newStore(t)
	wantOpenTasks(t, s, "an empty store", openswf.OpenTaskCounts{})

	// Two domains: counts are across all of them.
	x := newExecution("d1", "wf1", "run1") // its decision task scheduled
	tr := startTransition(x)
	tr.PutActivities = []*openswf.ActivityTask{
		newActivity(x, 5, "tl"),
		newActivity(x, 6, "other"),
		started(newActivity(x, 7, "tl"), 9),
	}
	mustApply(t, s, tr)
	y := newExecution("d2", "wf1", "run2")
	y.Decision.StartedID = 3 // held by a decider: not counted
	y.NextEventID = 4
	tr = startTransition(y)
	tr.PutActivities = []*openswf.ActivityTask{started(newActivity(y, 5, "tl"), 6)}
	mustApply(t, s, tr)
	z := newExecution("d2", "wf2", "run3")
	z.Decision = openswf.DecisionTaskState{} // no decision task
	mustStart(t, s, z)
	wantOpenTasks(t, s, "two domains", openswf.OpenTaskCounts{ActivityScheduled: 2, ActivityStarted: 2, DecisionScheduled: 1})

	// Starting one activity task, closing another and handing out the decision task move the counts; a
	// heartbeat does not.
	x2 := next(x)
	x2.Decision.StartedID = x2.NextEventID
	mustApply(t, s, &openswf.Transition{
		Execution:       x2,
		PutActivities:   []*openswf.ActivityTask{started(newActivity(x, 5, "tl"), 10)},
		CloseActivities: []openswf.ActivityClose{{ScheduledID: 6, Heartbeats: -1}},
	})
	if _, err := s.RecordHeartbeat(t.Context(), "run2", 5, 6, strp("50%"), at(time.Second)); err != nil {
		t.Fatalf("RecordHeartbeat: %v", err)
	}
	wantOpenTasks(t, s, "after starting, closing and a heartbeat", openswf.OpenTaskCounts{ActivityStarted: 3})

	// A closed run's activity tasks are gone with it.
	y2 := next(y)
	y2.Open = false
	y2.ClosedAt = at(time.Minute)
	y2.CloseStatus = "COMPLETED"
	y2.Decision = openswf.DecisionTaskState{}
	mustApply(t, s, &openswf.Transition{Execution: y2, CloseActivities: []openswf.ActivityClose{{ScheduledID: 5, Heartbeats: -1}}})
	wantOpenTasks(t, s, "after closing a run", openswf.OpenTaskCounts{ActivityStarted: 2})
}

func wantOpenTasks(t *testing.T, s openswf.Store, when string, want openswf.OpenTaskCounts) {
	t.Helper()
	got, err := s.CountOpenTasks(t.Context())
	if err != nil {
		t.Fatalf("CountOpenTasks (%s): %v", when, err)
	}
	if got != want {
		t.Errorf("CountOpenTasks (%s): got %+v, want %+v", when, got, want)
	}
}
