package storetest

import (
	"testing"
	"time"

	"github.com/openswf/openswf"
)

func testActivities(t *testing.T, newStore func(t *testing.T) openswf.Store) {
	t.Run("PutGetList", func(t *testing.T) {
		s := newStore(t)
		x := newExecution("d1", "wf1", "run1")
		a7, a5 := newActivity(x, 7, "tl"), newActivity(x, 5, "tl")
		tr := startTransition(x)
		tr.PutActivities = []*openswf.ActivityTask{a7, a5}
		mustApply(t, s, tr)

		if d := diff(a5, mustActivity(t, s, "run1", 5)); d != "" {
			t.Errorf("GetActivity(5) (-want +got):\n%s", d)
		}
		as, err := s.ListActivities(t.Context(), "run1")
		if err != nil {
			t.Fatalf("ListActivities: %v", err)
		}
		if d := diff([]*openswf.ActivityTask{a5, a7}, as); d != "" {
			t.Errorf("ListActivities (-want +got):\n%s", d)
		}
		as, err = s.ListActivities(t.Context(), "run2")
		if err != nil {
			t.Fatalf("ListActivities of an unknown run: %v", err)
		}
		if len(as) != 0 {
			t.Errorf("ListActivities of an unknown run: got %d, want none", len(as))
		}
	})

	t.Run("GetMissing", func(t *testing.T) {
		s := newStore(t)
		x := newExecution("d1", "wf1", "run1")
		tr := startTransition(x)
		tr.PutActivities = []*openswf.ActivityTask{newActivity(x, 5, "tl")}
		mustApply(t, s, tr)
		_, err := s.GetActivity(t.Context(), "run1", 6)
		wantErr(t, "GetActivity of an unknown scheduled id", err, openswf.ErrNotFound)
		_, err = s.GetActivity(t.Context(), "run2", 5)
		wantErr(t, "GetActivity of an unknown run", err, openswf.ErrNotFound)
	})

	t.Run("Replace", func(t *testing.T) {
		s := newStore(t)
		x := newExecution("d1", "wf1", "run1")
		a := newActivity(x, 5, "tl")
		tr := startTransition(x)
		tr.PutActivities = []*openswf.ActivityTask{a}
		mustApply(t, s, tr)

		y := next(x)
		b := started(a, 6)
		mustApply(t, s, &openswf.Transition{Execution: y, PutActivities: []*openswf.ActivityTask{b}})
		if d := diff(b, mustActivity(t, s, "run1", 5)); d != "" {
			t.Errorf("GetActivity after start (-want +got):\n%s", d)
		}
	})

	t.Run("PutWritesHeartbeatState", func(t *testing.T) {
		// A put stores the heartbeat state it is given, like every other field.
		s := newStore(t)
		x := newExecution("d1", "wf1", "run1")
		a := started(newActivity(x, 5, "tl"), 6)
		a.Heartbeats = 3
		a.LastHeartbeatAt = at(2 * time.Second)
		a.Details = strp("40%")
		a.CancelRequested = true
		tr := startTransition(x)
		tr.PutActivities = []*openswf.ActivityTask{a}
		mustApply(t, s, tr)
		if d := diff(a, mustActivity(t, s, "run1", 5)); d != "" {
			t.Errorf("GetActivity (-want +got):\n%s", d)
		}
	})

	t.Run("Close", func(t *testing.T) {
		s := newStore(t)
		x := newExecution("d1", "wf1", "run1")
		a5, a7 := started(newActivity(x, 5, "tl"), 6), newActivity(x, 7, "tl")
		tr := startTransition(x)
		tr.PutActivities = []*openswf.ActivityTask{a5, a7}
		mustApply(t, s, tr)
		mustHeartbeat(t, s, a5, nil)

		y := next(x)
		mustApply(t, s, &openswf.Transition{Execution: y, CloseActivities: []openswf.ActivityClose{
			{ScheduledID: 5, Heartbeats: 1},
			{ScheduledID: 7, Heartbeats: -1},
		}})
		for _, id := range []int64{5, 7} {
			_, err := s.GetActivity(t.Context(), "run1", id)
			wantErr(t, "GetActivity of a closed activity", err, openswf.ErrNotFound)
		}
		as, err := s.ListActivities(t.Context(), "run1")
		if err != nil {
			t.Fatalf("ListActivities: %v", err)
		}
		if len(as) != 0 {
			t.Errorf("ListActivities after close: got %d, want none", len(as))
		}
	})

	t.Run("CloseStaleHeartbeats", func(t *testing.T) {
		s := newStore(t)
		x := newExecution("d1", "wf1", "run1")
		a := started(newActivity(x, 5, "tl"), 6)
		tr := startTransition(x)
		tr.PutActivities = []*openswf.ActivityTask{a}
		mustApply(t, s, tr)
		// The engine decided on 0 heartbeats; one arrived meanwhile.
		mustHeartbeat(t, s, a, strp("late"))

		y := next(x)
		y.CloseStatus = "changed"
		bad := &openswf.Transition{
			Execution:       y,
			CloseActivities: []openswf.ActivityClose{{ScheduledID: 5, Heartbeats: 0}},
			PutTimers:       []openswf.Timer{{TimerKey: openswf.TimerKey{RunID: "run1", Kind: openswf.TimerUser, ID: 9}, Domain: "d1", Due: at(time.Minute)}},
		}
		appendEvents(bad, 1)
		wantErr(t, "Apply closing with a stale heartbeat count", s.Apply(t.Context(), bad), openswf.ErrConflict)

		if got := mustGetRun(t, s, "run1"); got.Version != 1 || got.CloseStatus != "" {
			t.Errorf("execution after the conflict: got version %d, close status %q; want version 1, none", got.Version, got.CloseStatus)
		}
		if got := eventIDs(mustHistory(t, s, "run1")); len(got) != 2 {
			t.Errorf("history ids after the conflict: got %v, want [1 2]", got)
		}
		if ts := mustTimers(t, s); len(ts) != 0 {
			t.Errorf("timers after the conflict: got %v, want none", ts)
		}
		want := *a
		want.Heartbeats, want.LastHeartbeatAt, want.Details = 1, at(3*time.Second), strp("late")
		if d := diff(&want, mustActivity(t, s, "run1", 5)); d != "" {
			t.Errorf("activity after the conflict (-want +got):\n%s", d)
		}

		// Decided again on the current count, the close applies.
		bad.CloseActivities[0].Heartbeats = 1
		mustApply(t, s, bad)
		_, err := s.GetActivity(t.Context(), "run1", 5)
		wantErr(t, "GetActivity after close", err, openswf.ErrNotFound)
	})

	t.Run("CloseMissing", func(t *testing.T) {
		s := newStore(t)
		x := newExecution("d1", "wf1", "run1")
		mustStart(t, s, x)
		err := s.Apply(t.Context(), &openswf.Transition{Execution: next(x), CloseActivities: []openswf.ActivityClose{{ScheduledID: 5, Heartbeats: -1}}})
		wantErr(t, "Apply closing an absent activity", err, openswf.ErrConflict)
		if got := mustGetRun(t, s, "run1").Version; got != 1 {
			t.Errorf("version after the conflict: got %d, want 1", got)
		}
	})

	t.Run("Cancel", func(t *testing.T) {
		s := newStore(t)
		x := newExecution("d1", "wf1", "run1")
		a := started(newActivity(x, 5, "tl"), 6)
		tr := startTransition(x)
		tr.PutActivities = []*openswf.ActivityTask{a}
		mustApply(t, s, tr)
		if cancel := mustHeartbeat(t, s, a, nil); cancel {
			t.Errorf("RecordHeartbeat before cancel: got cancelRequested true, want false")
		}

		y := next(x)
		mustApply(t, s, &openswf.Transition{Execution: y, CancelActivities: []int64{5}})
		if got := mustActivity(t, s, "run1", 5); !got.CancelRequested || got.Heartbeats != 1 {
			t.Errorf("activity after cancel: got cancelRequested %v, heartbeats %d; want true, 1", got.CancelRequested, got.Heartbeats)
		}
		for range 2 {
			if cancel := mustHeartbeat(t, s, a, nil); !cancel {
				t.Errorf("RecordHeartbeat after cancel: got cancelRequested false, want true")
			}
		}
	})

	t.Run("CancelMissing", func(t *testing.T) {
		s := newStore(t)
		x := newExecution("d1", "wf1", "run1")
		mustStart(t, s, x)
		y := next(x)
		tr := &openswf.Transition{Execution: y, CancelActivities: []int64{5}}
		appendEvents(tr, 1)
		wantErr(t, "Apply cancelling an absent activity", s.Apply(t.Context(), tr), openswf.ErrConflict)
		assertUnchanged(t, s, x, []int64{1, 2})
	})
}

func testHeartbeats(t *testing.T, newStore func(t *testing.T) openswf.Store) {
	// setup starts run1 with activity 5 started by event 6 and activity 7 not started.
	setup := func(t *testing.T) (openswf.Store, *openswf.Execution, *openswf.ActivityTask) {
		s := newStore(t)
		x := newExecution("d1", "wf1", "run1")
		a := started(newActivity(x, 5, "tl"), 6)
		tr := startTransition(x)
		tr.PutActivities = []*openswf.ActivityTask{a, newActivity(x, 7, "tl")}
		mustApply(t, s, tr)
		return s, x, a
	}

	t.Run("Counted", func(t *testing.T) {
		s, x, a := setup(t)
		steps := []struct {
			details     *string
			wantDetails *string
		}{
			{strp("10%"), strp("10%")},
			{nil, strp("10%")}, // nil keeps the last details
			{strp("20%"), strp("20%")},
			{strp(""), strp("")}, // empty details are details
			{nil, strp("")},
		}
		for i, st := range steps {
			when := at(time.Duration(10+i) * time.Second)
			cancel, err := s.RecordHeartbeat(t.Context(), "run1", 5, 6, st.details, when)
			if err != nil {
				t.Fatalf("RecordHeartbeat %d: %v", i+1, err)
			}
			if cancel {
				t.Errorf("RecordHeartbeat %d: got cancelRequested true, want false", i+1)
			}
			want := *a
			want.Heartbeats, want.LastHeartbeatAt, want.Details = int64(i+1), when, st.wantDetails
			if d := diff(&want, mustActivity(t, s, "run1", 5)); d != "" {
				t.Errorf("activity after heartbeat %d (-want +got):\n%s", i+1, d)
			}
		}
		// A heartbeat is not history and does not move the execution.
		x.Activities = map[string]int64{a.ActivityID: a.ScheduledID, "act-7": 7}
		if d := diff(x, mustGetRun(t, s, "run1")); d != "" {
			t.Errorf("execution after heartbeats (-want +got):\n%s", d)
		}
		if got := eventIDs(mustHistory(t, s, "run1")); len(got) != 2 {
			t.Errorf("history after heartbeats: got ids %v, want [1 2]", got)
		}
	})

	t.Run("NoHeartbeatYet", func(t *testing.T) {
		s, _, a := setup(t)
		got := mustActivity(t, s, "run1", 5)
		if d := diff(a, got); d != "" {
			t.Errorf("GetActivity (-want +got):\n%s", d)
		}
		if got.Details != nil || got.Heartbeats != 0 || !got.LastHeartbeatAt.IsZero() {
			t.Errorf("heartbeat state before any heartbeat: got details %v, count %d, last %v; want none",
				got.Details, got.Heartbeats, got.LastHeartbeatAt)
		}
	})

	t.Run("NotFound", func(t *testing.T) {
		s, x, _ := setup(t)
		for _, tc := range []struct {
			what                   string
			runID                  string
			scheduledID, startedID int64
		}{
			{"wrong started id", "run1", 5, 7},
			{"started id 0", "run1", 5, 0},
			{"activity not started", "run1", 7, 0},
			{"activity not started, some started id", "run1", 7, 8},
			{"unknown scheduled id", "run1", 9, 6},
			{"unknown run", "run2", 5, 6},
		} {
			_, err := s.RecordHeartbeat(t.Context(), tc.runID, tc.scheduledID, tc.startedID, strp("x"), at(time.Minute))
			wantErr(t, "RecordHeartbeat with "+tc.what, err, openswf.ErrNotFound)
		}
		for _, id := range []int64{5, 7} {
			if got := mustActivity(t, s, "run1", id); got.Heartbeats != 0 || got.Details != nil {
				t.Errorf("activity %d after refused heartbeats: got count %d, details %v; want 0, nil", id, got.Heartbeats, got.Details)
			}
		}

		// Closed, the task takes no more heartbeats.
		mustApply(t, s, &openswf.Transition{Execution: next(x), CloseActivities: []openswf.ActivityClose{{ScheduledID: 5, Heartbeats: 0}}})
		_, err := s.RecordHeartbeat(t.Context(), "run1", 5, 6, nil, at(time.Minute))
		wantErr(t, "RecordHeartbeat on a closed activity", err, openswf.ErrNotFound)
	})
}

// mustHeartbeat records a heartbeat on a at t0+3s and returns cancelRequested.
func mustHeartbeat(t testing.TB, s openswf.Store, a *openswf.ActivityTask, details *string) bool {
	t.Helper()
	cancel, err := s.RecordHeartbeat(t.Context(), a.RunID, a.ScheduledID, a.StartedID, details, at(3*time.Second))
	if err != nil {
		t.Fatalf("RecordHeartbeat(%s, %d, %d): %v", a.RunID, a.ScheduledID, a.StartedID, err)
	}
	return cancel
}
