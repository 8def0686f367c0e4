package storetest

import (
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/openswf/openswf"
)

func testExecutions(t *testing.T, newStore func(t *testing.T) openswf.Store) {
	t.Run("CreateGet", func(t *testing.T) {
		s := newStore(t)
		want := newExecution("d1", "wf1", "run1")
		want.Activities = map[string]int64{"a": 5}
		want.CancelRequests = map[int64]int64{5: 6}
		want.Timers = map[string]openswf.UserTimer{"t": {StartedEventID: 7, FireAt: at(time.Minute)}}
		want.Parent = &openswf.WorkflowExecution{WorkflowID: "parent", RunID: "prun"}
		tr := startTransition(want)
		// Activities come back from the open activity rows, not from the record.
		a := newActivity(want, 5, "tl")
		a.ActivityID = "a"
		tr.PutActivities = append(tr.PutActivities, a)
		mustApply(t, s, tr)

		got, err := s.GetExecution(t.Context(), "d1", "wf1", "run1")
		if err != nil {
			t.Fatalf("GetExecution: %v", err)
		}
		if d := diff(want, got); d != "" {
			t.Errorf("GetExecution (-want +got):\n%s", d)
		}
		if d := diff(want, mustGetRun(t, s, "run1")); d != "" {
			t.Errorf("GetRun (-want +got):\n%s", d)
		}
		got, err = s.GetOpenExecution(t.Context(), "d1", "wf1")
		if err != nil {
			t.Fatalf("GetOpenExecution: %v", err)
		}
		if d := diff(want, got); d != "" {
			t.Errorf("GetOpenExecution (-want +got):\n%s", d)
		}
	})

	t.Run("GetMissing", func(t *testing.T) {
		s := newStore(t)
		mustStart(t, s, newExecution("d1", "wf1", "run1"))
		_, err := s.GetExecution(t.Context(), "d2", "wf1", "run1")
		wantErr(t, "GetExecution in another domain", err, openswf.ErrNotFound)
		_, err = s.GetExecution(t.Context(), "d1", "wf2", "run1")
		wantErr(t, "GetExecution of another workflow id", err, openswf.ErrNotFound)
		_, err = s.GetExecution(t.Context(), "d1", "wf1", "run2")
		wantErr(t, "GetExecution of an unknown run", err, openswf.ErrNotFound)
		_, err = s.GetRun(t.Context(), "run2")
		wantErr(t, "GetRun of an unknown run", err, openswf.ErrNotFound)
		_, err = s.GetOpenExecution(t.Context(), "d2", "wf1")
		wantErr(t, "GetOpenExecution in another domain", err, openswf.ErrNotFound)
	})

	t.Run("SecondOpenRun", func(t *testing.T) {
		s := newStore(t)
		first := newExecution("d1", "wf1", "run1")
		mustStart(t, s, first)
		second := newExecution("d1", "wf1", "run2")
		tr := startTransition(second)
		tr.PutActivities = []*openswf.ActivityTask{newActivity(second, 2, "tl")}
		tr.PutTimers = []openswf.Timer{{TimerKey: openswf.TimerKey{RunID: "run2", Kind: openswf.TimerWorkflowStartToClose}, Domain: "d1", Due: at(time.Hour)}}
		wantErr(t, "Apply creating a second open run", s.Apply(t.Context(), tr), openswf.ErrExists)

		_, err := s.GetRun(t.Context(), "run2")
		wantErr(t, "GetRun of the refused run", err, openswf.ErrNotFound)
		if es := mustHistory(t, s, "run2"); len(es) != 0 {
			t.Errorf("history of the refused run: got %d events, want none", len(es))
		}
		if _, err := s.GetActivity(t.Context(), "run2", 2); err == nil {
			t.Errorf("GetActivity of the refused run: got an activity, want none")
		}
		if ts := mustTimers(t, s); len(ts) != 0 {
			t.Errorf("timers after the refused run: got %v, want none", ts)
		}
		got, err := s.GetOpenExecution(t.Context(), "d1", "wf1")
		if err != nil {
			t.Fatalf("GetOpenExecution: %v", err)
		}
		if got.RunID != "run1" {
			t.Errorf("open run: got %s, want run1", got.RunID)
		}
	})

	t.Run("SameRunIDTwice", func(t *testing.T) {
		s := newStore(t)
		mustStart(t, s, newExecution("d1", "wf1", "run1"))
		err := s.Apply(t.Context(), startTransition(newExecution("d1", "wf2", "run1")))
		wantErr(t, "Apply creating a taken run id", err, openswf.ErrExists)
		if _, err := s.GetOpenExecution(t.Context(), "d1", "wf2"); err == nil {
			t.Errorf("GetOpenExecution(wf2): found a run, want none")
		}
	})

	t.Run("NewRunAfterClose", func(t *testing.T) {
		s := newStore(t)
		first := newExecution("d1", "wf1", "run1")
		mustStart(t, s, first)
		closed := next(first)
		closed.Open = false
		closed.CloseStatus = openswf.CloseCompleted
		closed.ClosedAt = at(time.Minute)
		closed.Decision = openswf.DecisionTaskState{}
		tr := &openswf.Transition{Execution: closed}
		appendEvents(tr, 1)
		mustApply(t, s, tr)

		_, err := s.GetOpenExecution(t.Context(), "d1", "wf1")
		wantErr(t, "GetOpenExecution after close", err, openswf.ErrNotFound)

		second := newExecution("d1", "wf1", "run2")
		mustStart(t, s, second)
		got, err := s.GetOpenExecution(t.Context(), "d1", "wf1")
		if err != nil {
			t.Fatalf("GetOpenExecution: %v", err)
		}
		if d := diff(second, got); d != "" {
			t.Errorf("GetOpenExecution (-want +got):\n%s", d)
		}
		got, err = s.GetExecution(t.Context(), "d1", "wf1", "run1")
		if err != nil {
			t.Fatalf("GetExecution(run1): %v", err)
		}
		if d := diff(closed, got); d != "" {
			t.Errorf("GetExecution(run1) (-want +got):\n%s", d)
		}
		wantErr(t, "Apply creating a third open run",
			s.Apply(t.Context(), startTransition(newExecution("d1", "wf1", "run3"))), openswf.ErrExists)
	})

	t.Run("SameWorkflowIDOtherDomain", func(t *testing.T) {
		s := newStore(t)
		mustStart(t, s, newExecution("d1", "wf1", "run1"))
		mustStart(t, s, newExecution("d2", "wf1", "run2"))
		for domain, run := range map[string]string{"d1": "run1", "d2": "run2"} {
			got, err := s.GetOpenExecution(t.Context(), domain, "wf1")
			if err != nil {
				t.Fatalf("GetOpenExecution(%s): %v", domain, err)
			}
			if got.RunID != run {
				t.Errorf("GetOpenExecution(%s): got run %s, want %s", domain, got.RunID, run)
			}
		}
	})

	t.Run("Update", func(t *testing.T) {
		s := newStore(t)
		x := newExecution("d1", "wf1", "run1")
		mustStart(t, s, x)
		for range 3 {
			y := next(x)
			y.Decision.StartedID = y.NextEventID
			y.Decision.StartedAt = at(time.Duration(y.Version) * time.Second)
			y.LatestExecutionContext = "ctx"
			tr := &openswf.Transition{Execution: y}
			appendEvents(tr, 2)
			mustApply(t, s, tr)
			x = y
		}
		if d := diff(x, mustGetRun(t, s, "run1")); d != "" {
			t.Errorf("GetRun after updates (-want +got):\n%s", d)
		}
		if got, want := eventIDs(mustHistory(t, s, "run1")), []int64{1, 2, 3, 4, 5, 6, 7, 8}; !slices.Equal(got, want) {
			t.Errorf("history ids: got %v, want %v", got, want)
		}
	})

	t.Run("ActivitiesFromRows", func(t *testing.T) {
		s := newStore(t)
		x := newExecution("d1", "wf1", "run1")
		mustStart(t, s, x)
		y := next(x)
		y.Activities = map[string]int64{"stale": 99} // ignored: the rows decide
		mustApply(t, s, &openswf.Transition{Execution: y, PutActivities: []*openswf.ActivityTask{newActivity(y, 5, "tl"), newActivity(y, 7, "tl")}})
		if got, want := mustGetRun(t, s, "run1").Activities, map[string]int64{"act-5": 5, "act-7": 7}; !maps.Equal(got, want) {
			t.Errorf("Activities after two puts: got %v, want %v", got, want)
		}
		z := next(y)
		mustApply(t, s, &openswf.Transition{Execution: z, CloseActivities: []openswf.ActivityClose{{ScheduledID: 5, Heartbeats: -1}}})
		if got, want := mustGetRun(t, s, "run1").Activities, map[string]int64{"act-7": 7}; !maps.Equal(got, want) {
			t.Errorf("Activities after a close: got %v, want %v", got, want)
		}
	})

	t.Run("VersionConflict", func(t *testing.T) {
		s := newStore(t)
		x := newExecution("d1", "wf1", "run1")
		mustStart(t, s, x)
		y := next(x)
		mustApply(t, s, &openswf.Transition{Execution: y})

		for _, tc := range []struct {
			what    string
			version int64
		}{
			{"stale version", 2},
			{"skipped version", 4},
			{"version of the creation", 1},
		} {
			z := next(y)
			z.Version = tc.version
			z.CloseStatus = "changed"
			tr := &openswf.Transition{
				Execution:     z,
				PutActivities: []*openswf.ActivityTask{newActivity(z, 3, "tl")},
				PutTimers: []openswf.Timer{{
					TimerKey: openswf.TimerKey{RunID: "run1", Kind: openswf.TimerActivityScheduleToStart, ID: 3},
					Domain:   "d1", Due: at(time.Minute),
				}},
			}
			appendEvents(tr, 2)
			wantErr(t, "Apply with a "+tc.what, s.Apply(t.Context(), tr), openswf.ErrConflict)
		}
		assertUnchanged(t, s, y, []int64{1, 2})
	})

	t.Run("UpdateMissing", func(t *testing.T) {
		s := newStore(t)
		x := newExecution("d1", "wf1", "run1")
		x.Version = 2
		tr := &openswf.Transition{Execution: x}
		appendEvents(tr, 1)
		wantErr(t, "Apply to an unknown run", s.Apply(t.Context(), tr), openswf.ErrConflict)
		if es := mustHistory(t, s, "run1"); len(es) != 0 {
			t.Errorf("history of the unknown run: got %d events, want none", len(es))
		}
	})

	t.Run("StaleTransitionOverStoredEvents", func(t *testing.T) { testStaleTransitionOverStoredEvents(t, newStore) })

	t.Run("ConflictLateInTransition", func(t *testing.T) {
		// The version matches but a later step conflicts: nothing of the transition may remain.
		s := newStore(t)
		x := newExecution("d1", "wf1", "run1")
		mustStart(t, s, x)
		y := next(x)
		y.CloseStatus = "changed"
		tr := &openswf.Transition{
			Execution:       y,
			PutActivities:   []*openswf.ActivityTask{newActivity(y, 3, "tl")},
			PutTimers:       []openswf.Timer{{TimerKey: openswf.TimerKey{RunID: "run1", Kind: openswf.TimerUser, ID: 3}, Domain: "d1", Due: at(time.Minute)}},
			CloseActivities: []openswf.ActivityClose{{ScheduledID: 99, Heartbeats: -1}},
		}
		appendEvents(tr, 2)
		wantErr(t, "Apply closing an unknown activity", s.Apply(t.Context(), tr), openswf.ErrConflict)
		assertUnchanged(t, s, x, []int64{1, 2})

		// The same transition without the bad step applies.
		tr.CloseActivities = nil
		mustApply(t, s, tr)
		y.Activities = map[string]int64{"act-3": 3} // derived from the open activity rows
		if d := diff(y, mustGetRun(t, s, "run1")); d != "" {
			t.Errorf("GetRun (-want +got):\n%s", d)
		}
	})
}

// testStaleTransitionOverStoredEvents is a transition decided on an old version, as a node with a stale
// copy of the run decides it, that closes a task and appends events whose ids another transition has
// already stored: a version conflict, never another error.
func testStaleTransitionOverStoredEvents(t *testing.T, newStore func(t *testing.T) openswf.Store) {
	s := newStore(t)
	x := newExecution("d1", "wf1", "run1")
	tr := startTransition(x)
	tr.PutActivities = []*openswf.ActivityTask{started(newActivity(x, 5, "tl"), 6)}
	mustApply(t, s, tr)
	// The other node's transition: version 2, events 3 and 4.
	other := &openswf.Transition{Execution: next(x)}
	appendEvents(other, 2)
	mustApply(t, s, other)
	// This node's, decided on version 1: it closes the task and appends its own events 3 and 4.
	stale := &openswf.Transition{Execution: next(x), CloseActivities: []openswf.ActivityClose{{ScheduledID: 5, Heartbeats: -1}}}
	appendEvents(stale, 2)
	wantErr(t, "Apply of a stale transition over stored events", s.Apply(t.Context(), stale), openswf.ErrConflict)
	if got := eventIDs(mustHistory(t, s, "run1")); len(got) != 4 {
		t.Errorf("history after the stale transition: ids %v, want 1 to 4", got)
	}
	mustActivity(t, s, "run1", 5) // still open
}

// assertUnchanged checks that the run reads back as x, with the history ids wantIDs, no activity tasks and
// no timers: that failed transitions left nothing behind.
func assertUnchanged(t *testing.T, s openswf.Store, x *openswf.Execution, wantIDs []int64) {
	t.Helper()
	if d := diff(x, mustGetRun(t, s, x.RunID)); d != "" {
		t.Errorf("execution after failed transitions (-want +got):\n%s", d)
	}
	if got := eventIDs(mustHistory(t, s, x.RunID)); !slices.Equal(got, wantIDs) {
		t.Errorf("history ids after failed transitions: got %v, want %v", got, wantIDs)
	}
	as, err := s.ListActivities(t.Context(), x.RunID)
	if err != nil {
		t.Fatalf("ListActivities: %v", err)
	}
	if len(as) != 0 {
		t.Errorf("activities after failed transitions: got %d, want none", len(as))
	}
	if ts := mustTimers(t, s); len(ts) != 0 {
		t.Errorf("timers after failed transitions: got %v, want none", ts)
	}
}
