package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/openswf/openswf"
)

// testOpenActivities checks ListOpenActivities: scopes, filters, order, keyset paging, and the heartbeat
// state as recorded.
func testOpenActivities(t *testing.T, newStore func(t *testing.T) openswf.Store) {
	// setup stores three runs of d1 and one of d2. run-b has tasks on two task lists.
	setup := func(t *testing.T) openswf.Store {
		s := newStore(t)
		for _, r := range []struct {
			domain, runID string
			tasks         map[int64]string // scheduled id → task list
			started       []int64
		}{
			{"d1", "run-b", map[int64]string{5: "tl-x", 7: "tl-y", 9: "tl-x"}, []int64{5}},
			{"d1", "run-a", map[int64]string{5: "tl-x"}, []int64{5}},
			{"d1", "run-c", map[int64]string{11: "tl-y"}, nil},
			{"d2", "run-d", map[int64]string{5: "tl-x"}, []int64{5}},
		} {
			x := newExecution(r.domain, "wf-"+r.runID, r.runID)
			tr := startTransition(x)
			for id, tl := range r.tasks {
				a := newActivity(x, id, tl)
				for _, sid := range r.started {
					if sid == id {
						a = started(a, id+1)
					}
				}
				tr.PutActivities = append(tr.PutActivities, a)
			}
			mustApply(t, s, tr)
		}
		return s
	}
	keys := func(as []*openswf.ActivityTask) []string {
		var ks []string
		for _, a := range as {
			ks = append(ks, fmt.Sprintf("%s/%s/%d", a.TaskList, a.RunID, a.ScheduledID))
		}
		return ks
	}
	list := func(t *testing.T, s openswf.Store, q openswf.ActivityQuery) []*openswf.ActivityTask {
		t.Helper()
		as, err := s.ListOpenActivities(t.Context(), q)
		if err != nil {
			t.Fatalf("ListOpenActivities(%+v): %v", q, err)
		}
		return as
	}

	t.Run("Scopes", func(t *testing.T) {
		s := setup(t)
		for _, tc := range []struct {
			q    openswf.ActivityQuery
			want []string
		}{
			{openswf.ActivityQuery{Domain: "d1"}, []string{"tl-x/run-a/5", "tl-x/run-b/5", "tl-x/run-b/9", "tl-y/run-b/7", "tl-y/run-c/11"}},
			{openswf.ActivityQuery{Domain: "d1", TaskList: "tl-y"}, []string{"tl-y/run-b/7", "tl-y/run-c/11"}},
			{openswf.ActivityQuery{Domain: "d1", State: openswf.ActivityStarted}, []string{"tl-x/run-a/5", "tl-x/run-b/5"}},
			{openswf.ActivityQuery{Domain: "d1", State: openswf.ActivityScheduled}, []string{"tl-x/run-b/9", "tl-y/run-b/7", "tl-y/run-c/11"}},
			{openswf.ActivityQuery{Domain: "d2"}, []string{"tl-x/run-d/5"}},
			{openswf.ActivityQuery{Domain: "d3"}, nil},
			// A run's tasks by scheduled id, whatever their task list.
			{openswf.ActivityQuery{RunID: "run-b"}, []string{"tl-x/run-b/5", "tl-y/run-b/7", "tl-x/run-b/9"}},
			{openswf.ActivityQuery{RunID: "run-b", TaskList: "tl-x"}, []string{"tl-x/run-b/5", "tl-x/run-b/9"}},
			{openswf.ActivityQuery{RunID: "run-b", State: openswf.ActivityScheduled}, []string{"tl-y/run-b/7", "tl-x/run-b/9"}},
			{openswf.ActivityQuery{RunID: "run-z"}, nil},
		} {
			if got := keys(list(t, s, tc.q)); fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("ListOpenActivities(%+v): got %v, want %v", tc.q, got, tc.want)
			}
		}
	})

	t.Run("Paging", func(t *testing.T) {
		s := setup(t)
		for _, q := range []openswf.ActivityQuery{{Domain: "d1"}, {RunID: "run-b"}, {Domain: "d1", TaskList: "tl-x"}} {
			all := keys(list(t, s, q))
			var got []string
			page := q
			page.Limit = 2
			for i := 0; ; i++ {
				as := list(t, s, page)
				if len(as) > 2 {
					t.Fatalf("%+v: page %d has %d tasks, want at most 2", q, i, len(as))
				}
				got = append(got, keys(as)...)
				if len(as) < 2 {
					break
				}
				last := as[len(as)-1]
				page.After = &openswf.ActivityCursor{TaskList: last.TaskList, RunID: last.RunID, ScheduledID: last.ScheduledID}
				if i > 5 {
					t.Fatalf("%+v: paging does not end", q)
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(all) {
				t.Errorf("%+v: pages of 2 give %v, want %v", q, got, all)
			}
		}
	})

	t.Run("HeartbeatState", func(t *testing.T) {
		s := setup(t)
		when := at(42 * time.Second)
		if _, err := s.RecordHeartbeat(t.Context(), "run-b", 5, 6, strp("half way"), when); err != nil {
			t.Fatalf("RecordHeartbeat: %v", err)
		}
		as := list(t, s, openswf.ActivityQuery{Domain: "d1", TaskList: "tl-x", State: openswf.ActivityStarted})
		if len(as) != 2 || as[1].RunID != "run-b" {
			t.Fatalf("got %v, want run-a/5 and run-b/5", keys(as))
		}
		got := as[1]
		if got.Heartbeats != 1 || !got.LastHeartbeatAt.Equal(when) || got.Details == nil || *got.Details != "half way" {
			t.Errorf("heartbeat state: got count %d, last %v, details %v; want 1, %v, \"half way\"",
				got.Heartbeats, got.LastHeartbeatAt, got.Details, when)
		}
		want := started(newActivity(newExecution("d1", "wf-run-b", "run-b"), 5, "tl-x"), 6)
		want.Heartbeats, want.LastHeartbeatAt, want.Details = 1, when, strp("half way")
		if d := diff(want, got); d != "" {
			t.Errorf("listed task (-want +got):\n%s", d)
		}
		// Closed tasks are not listed.
		x := mustGetRun(t, s, "run-b")
		mustApply(t, s, &openswf.Transition{Execution: next(x), CloseActivities: []openswf.ActivityClose{{ScheduledID: 5, Heartbeats: -1}}})
		if got := keys(list(t, s, openswf.ActivityQuery{RunID: "run-b"})); fmt.Sprint(got) != "[tl-y/run-b/7 tl-x/run-b/9]" {
			t.Errorf("after closing 5: got %v, want [tl-y/run-b/7 tl-x/run-b/9]", got)
		}
	})
}
