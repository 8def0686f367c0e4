package storetest

import (
	"errors"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/openswf/openswf"
)

func testConcurrency(t *testing.T, newStore func(t *testing.T) openswf.Store) {
	t.Run("ManyExecutions", func(t *testing.T) {
		// Writers of different executions never conflict, whatever the store does to batch them.
		s := newStore(t)
		const (
			runs  = 50
			steps = 10
		)
		// Per run, one goroutine applies transitions while another sends heartbeats.
		var wg sync.WaitGroup
		for i := range runs {
			created := make(chan struct{})
			x := newExecution("d1", fmt.Sprintf("wf%d", i), fmt.Sprintf("run%d", i))
			a := started(newActivity(x, 5, "tl"), 6)
			wg.Go(func() {
				tr := startTransition(x)
				tr.PutActivities = []*openswf.ActivityTask{a}
				err := s.Apply(t.Context(), tr)
				close(created)
				if err != nil {
					t.Errorf("run%d: create: %v", i, err)
					return
				}
				for range steps {
					y := next(x)
					tr := &openswf.Transition{Execution: y}
					appendEvents(tr, 1)
					if err := s.Apply(t.Context(), tr); err != nil {
						t.Errorf("run%d: apply version %d: %v", i, y.Version, err)
						return
					}
					x = y
				}
			})
			wg.Go(func() {
				<-created
				for step := 1; step <= steps; step++ {
					if _, err := s.RecordHeartbeat(t.Context(), a.RunID, 5, 6, strp(strconv.Itoa(step)), at(time.Duration(step)*time.Second)); err != nil {
						t.Errorf("run%d: heartbeat %d: %v", i, step, err)
						return
					}
				}
			})
		}
		wg.Wait()
		if t.Failed() {
			return
		}
		for i := range runs {
			runID := fmt.Sprintf("run%d", i)
			if got := mustGetRun(t, s, runID).Version; got != steps+1 {
				t.Errorf("%s: version %d, want %d", runID, got, steps+1)
			}
			if got := len(mustHistory(t, s, runID)); got != steps+2 {
				t.Errorf("%s: %d events, want %d", runID, got, steps+2)
			}
			a := mustActivity(t, s, runID, 5)
			if a.Heartbeats != steps || a.Details == nil || *a.Details != strconv.Itoa(steps) || !a.LastHeartbeatAt.Equal(at(steps*time.Second)) {
				t.Errorf("%s: heartbeat state count %d, details %v, last %v; want %d, %q, %v",
					runID, a.Heartbeats, a.Details, a.LastHeartbeatAt, steps, strconv.Itoa(steps), at(steps*time.Second))
			}
		}
	})

	t.Run("OneExecution", func(t *testing.T) {
		// Of the transitions racing on one version, exactly one commits; the others conflict and leave
		// nothing behind.
		s := newStore(t)
		const (
			rounds      = 20
			contenders  = 4
			eventsPerTr = 2
		)
		x := newExecution("d1", "wf1", "run1")
		mustStart(t, s, x)
		for round := range rounds {
			trs := make([]*openswf.Transition, contenders)
			for c := range trs {
				y := next(x)
				y.LatestExecutionContext = fmt.Sprintf("round %d contender %d", round, c)
				trs[c] = &openswf.Transition{Execution: y}
				appendEvents(trs[c], eventsPerTr)
			}
			errs := make([]error, contenders)
			startLine := make(chan struct{})
			var wg sync.WaitGroup
			for c := range trs {
				wg.Go(func() {
					<-startLine
					errs[c] = s.Apply(t.Context(), trs[c])
				})
			}
			close(startLine)
			wg.Wait()

			winner := -1
			for c, err := range errs {
				switch {
				case err == nil && winner < 0:
					winner = c
				case err == nil:
					t.Fatalf("round %d: contenders %d and %d both committed version %d", round, winner, c, x.Version+1)
				case !errors.Is(err, openswf.ErrConflict):
					t.Fatalf("round %d: contender %d: got error %v, want nil or ErrConflict", round, c, err)
				}
			}
			if winner < 0 {
				t.Fatalf("round %d: every contender failed: %v", round, errs)
			}
			x = trs[winner].Execution
			if d := diff(x, mustGetRun(t, s, "run1")); d != "" {
				t.Fatalf("round %d: execution is not the winner's (-want +got):\n%s", round, d)
			}
		}
		es := mustHistory(t, s, "run1")
		if got, want := len(es), 2+rounds*eventsPerTr; got != want {
			t.Errorf("history: got %d events, want %d", got, want)
		}
		for i, e := range es {
			if e.ID != int64(i+1) {
				t.Fatalf("history: event %d has id %d; ids must be dense", i+1, e.ID)
			}
		}
	})

	t.Run("HeartbeatVersusClose", func(t *testing.T) {
		// A close decided on a heartbeat count and a heartbeat race: either the close commits and the
		// heartbeat finds no task, or the heartbeat counts and the close conflicts.
		s := newStore(t)
		x := newExecution("d1", "wf1", "run1")
		mustStart(t, s, x)
		for round := range 20 {
			id := int64(10 + 2*round)
			a := started(newActivity(x, id, "tl"), id+1)
			y := next(x)
			mustApply(t, s, &openswf.Transition{Execution: y, PutActivities: []*openswf.ActivityTask{a}})
			x = y

			closing := &openswf.Transition{Execution: next(x), CloseActivities: []openswf.ActivityClose{{ScheduledID: id, Heartbeats: 0}}}
			var hbErr, closeErr error
			startLine := make(chan struct{})
			var wg sync.WaitGroup
			wg.Go(func() {
				<-startLine
				_, hbErr = s.RecordHeartbeat(t.Context(), "run1", id, id+1, nil, at(time.Minute))
			})
			wg.Go(func() {
				<-startLine
				closeErr = s.Apply(t.Context(), closing)
			})
			close(startLine)
			wg.Wait()

			switch {
			case closeErr == nil && errors.Is(hbErr, openswf.ErrNotFound):
			case errors.Is(closeErr, openswf.ErrConflict) && hbErr == nil:
				if got := mustActivity(t, s, "run1", id).Heartbeats; got != 1 {
					t.Fatalf("round %d: heartbeats after the refused close: got %d, want 1", round, got)
				}
				closing.CloseActivities[0].Heartbeats = 1
				mustApply(t, s, closing)
			default:
				t.Fatalf("round %d: close got %v and heartbeat got %v; want nil and ErrNotFound, or ErrConflict and nil", round, closeErr, hbErr)
			}
			x = closing.Execution
		}
	})
}
