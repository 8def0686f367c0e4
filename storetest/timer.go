package storetest

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/openswf/openswf"
)

func testTimers(t *testing.T, newStore func(t *testing.T) openswf.Store) {
	t.Run("LoadManyPages", func(t *testing.T) {
		// More timers than a store reads in one page (1,000 in both stores), in three runs: each loaded
		// once.
		s := newStore(t)
		var want []openswf.Timer
		for _, id := range []string{"run1", "run2", "run3"} {
			x := newExecution("d1", "wf-"+id, id)
			tr := startTransition(x)
			for i := range 850 {
				tr.PutTimers = append(tr.PutTimers, timer(x, openswf.TimerUser, int64(i), at(time.Duration(i)*time.Second)))
			}
			mustApply(t, s, tr)
			want = append(want, tr.PutTimers...)
		}
		got := mustTimers(t, s)
		if len(got) != len(want) {
			t.Fatalf("LoadTimers: %d timers, want %d", len(got), len(want))
		}
		slices.SortFunc(want, func(a, b openswf.Timer) int { return compareTimerKeys(a.TimerKey, b.TimerKey) })
		if d := diff(want, got); d != "" {
			t.Errorf("LoadTimers (-want +got):\n%s", d)
		}
	})

	t.Run("PutReplaceDelete", func(t *testing.T) {
		s := newStore(t)
		x := newExecution("d1", "wf1", "run1")
		y := newExecution("d2", "wf2", "run2")
		heartbeat := timer(x, openswf.TimerActivityHeartbeat, 5, at(10*time.Second))
		startToClose := timer(x, openswf.TimerActivityStartToClose, 5, at(time.Minute))
		workflow := timer(x, openswf.TimerWorkflowStartToClose, 0, at(time.Hour))
		other := timer(y, openswf.TimerUser, 3, time.Date(2030, 1, 1, 0, 0, 0, 1, time.UTC))

		tr := startTransition(x)
		tr.PutTimers = []openswf.Timer{heartbeat, startToClose, workflow}
		mustApply(t, s, tr)
		tr = startTransition(y)
		tr.PutTimers = []openswf.Timer{other}
		mustApply(t, s, tr)
		if d := diff([]openswf.Timer{heartbeat, startToClose, workflow, other}, mustTimers(t, s)); d != "" {
			t.Errorf("LoadTimers (-want +got):\n%s", d)
		}

		// A put of the same key replaces the timer; deleting an absent timer is no error.
		moved := heartbeat
		moved.Due = at(20 * time.Second)
		mustApply(t, s, &openswf.Transition{
			Execution: next(x),
			PutTimers: []openswf.Timer{moved},
			DeleteTimers: []openswf.TimerKey{
				startToClose.TimerKey,
				{RunID: "run1", Kind: openswf.TimerUser, ID: 42},
			},
		})
		if d := diff([]openswf.Timer{moved, workflow, other}, mustTimers(t, s)); d != "" {
			t.Errorf("LoadTimers after replace and delete (-want +got):\n%s", d)
		}
	})

	t.Run("LoadStops", func(t *testing.T) {
		s := newStore(t)
		x := newExecution("d1", "wf1", "run1")
		tr := startTransition(x)
		tr.PutTimers = []openswf.Timer{
			timer(x, openswf.TimerUser, 3, at(time.Second)),
			timer(x, openswf.TimerUser, 4, at(time.Second)),
		}
		mustApply(t, s, tr)
		stop := errors.New("stop")
		calls := 0
		err := s.LoadTimers(t.Context(), func(openswf.Timer) error {
			calls++
			return stop
		})
		wantErr(t, "LoadTimers with a failing callback", err, stop)
		if calls != 1 {
			t.Errorf("callbacks after the error: got %d calls, want 1", calls)
		}
	})
}

// timer is a durable timer of x.
func timer(x *openswf.Execution, kind openswf.TimerKind, id int64, due time.Time) openswf.Timer {
	return openswf.Timer{TimerKey: openswf.TimerKey{RunID: x.RunID, Kind: kind, ID: id}, Domain: x.Domain, Due: due}
}
