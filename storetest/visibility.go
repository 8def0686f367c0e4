package storetest

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/openswf/openswf"
)

// visRun describes a run of the visibility fixture.
type visRun struct {
	run, workflow string
	typ           openswf.WorkflowType
	tags          []string
	start         time.Duration // after t0
	close         time.Duration // after t0; 0 leaves the run open
	status        string
}

// visFixture is the runs the visibility tests list, all in domain d1 but the last. r5 and r6 start at the
// same instant, so that the run id breaks the tie; r3 and r4 close at the same instant.
var visFixture = []visRun{
	{run: "r1", workflow: "wf-a", typ: openswf.WorkflowType{Name: "order", Version: "1"}, tags: []string{"blue", ""}, start: 1 * time.Minute},
	{run: "r2", workflow: "wf-b", typ: openswf.WorkflowType{Name: "order", Version: "2"}, tags: []string{"red"}, start: 2 * time.Minute, close: 20 * time.Minute, status: openswf.CloseCompleted},
	{run: "r3", workflow: "wf-a", typ: openswf.WorkflowType{Name: "order", Version: "1"}, tags: []string{"red", "blue"}, start: 3 * time.Minute, close: 30 * time.Minute, status: openswf.CloseFailed},
	{run: "r4", workflow: "wf-c", typ: openswf.WorkflowType{Name: "refund", Version: "1"}, start: 4 * time.Minute, close: 30 * time.Minute, status: openswf.CloseCompleted},
	{run: "r5", workflow: "wf-d", typ: openswf.WorkflowType{Name: "refund", Version: "1"}, tags: []string{"blue"}, start: 5 * time.Minute},
	{run: "r6", workflow: "wf-e", typ: openswf.WorkflowType{Name: "order", Version: "1"}, start: 5 * time.Minute, close: 10 * time.Minute, status: openswf.CloseTerminated},
	{run: "r7", workflow: "wf-f", typ: openswf.WorkflowType{Name: "order", Version: "1"}, tags: []string{"blue"}, start: 7 * time.Minute},
	{run: "other", workflow: "wf-a", typ: openswf.WorkflowType{Name: "order", Version: "1"}, tags: []string{"blue"}, start: 1 * time.Minute},
}

// mustVisFixture stores the fixture's runs, closing those that close. The closed runs go first, so that
// the open run of a workflow id is created after its closed one closed.
func mustVisFixture(t *testing.T, s openswf.Store) {
	t.Helper()
	runs := slices.Clone(visFixture)
	slices.SortStableFunc(runs, func(a, b visRun) int {
		return compareInt(int64(min(a.close, 1)), int64(min(b.close, 1))) * -1
	})
	for _, r := range runs {
		domain := "d1"
		if r.run == "other" {
			domain = "d2"
		}
		x := newExecution(domain, r.workflow, r.run)
		x.Type = r.typ
		x.TagList = r.tags
		x.StartedAt = at(r.start)
		x.Decision.ScheduledAt = x.StartedAt
		mustStart(t, s, x)
		if r.close != 0 {
			mustClose(t, s, x, r.status, at(r.close))
		}
	}
}

// mustClose applies a transition that closes x with status at closedAt, and returns the closed record.
func mustClose(t testing.TB, s openswf.Store, x *openswf.Execution, status string, closedAt time.Time) *openswf.Execution {
	t.Helper()
	y := next(x)
	y.Open = false
	y.CloseStatus = status
	y.ClosedAt = closedAt
	y.Decision = openswf.DecisionTaskState{}
	tr := &openswf.Transition{Execution: y}
	appendEvents(tr, 1)
	mustApply(t, s, tr)
	return y
}

// mustList lists and returns the run ids.
func mustList(t testing.TB, s openswf.Store, q openswf.ExecutionQuery) []string {
	t.Helper()
	xs, err := s.ListExecutions(t.Context(), q)
	if err != nil {
		t.Fatalf("ListExecutions(%+v): %v", q, err)
	}
	ids := make([]string, len(xs))
	for i, x := range xs {
		ids[i] = x.RunID
	}
	return ids
}

// mustCount counts.
func mustCount(t testing.TB, s openswf.Store, q openswf.ExecutionQuery) int {
	t.Helper()
	n, err := s.CountExecutions(t.Context(), q)
	if err != nil {
		t.Fatalf("CountExecutions(%+v): %v", q, err)
	}
	return n
}

func testVisibility(t *testing.T, newStore func(t *testing.T) openswf.Store) {
	t.Run("Filters", func(t *testing.T) {
		s := newStore(t)
		mustVisFixture(t, s)
		tag := func(s string) *string { return &s }
		for _, tc := range []struct {
			name string
			q    openswf.ExecutionQuery
			want []string // in the default, descending, order
		}{
			{"Open", openswf.ExecutionQuery{Open: true}, []string{"r7", "r5", "r1"}},
			{"ClosedByStart", openswf.ExecutionQuery{}, []string{"r6", "r4", "r3", "r2"}},
			{"ClosedByClose", openswf.ExecutionQuery{ByCloseTime: true}, []string{"r4", "r3", "r2", "r6"}},
			{"OpenStartRange", openswf.ExecutionQuery{Open: true,
				StartTime: openswf.TimeRange{Oldest: at(time.Minute), Latest: at(5 * time.Minute)}}, []string{"r5", "r1"}},
			{"OpenStartOldestOnly", openswf.ExecutionQuery{Open: true,
				StartTime: openswf.TimeRange{Oldest: at(5 * time.Minute)}}, []string{"r7", "r5"}},
			{"OpenStartLatestOnly", openswf.ExecutionQuery{Open: true,
				StartTime: openswf.TimeRange{Latest: at(5*time.Minute - time.Nanosecond)}}, []string{"r1"}},
			{"OpenStartEmptyRange", openswf.ExecutionQuery{Open: true,
				StartTime: openswf.TimeRange{Oldest: at(8 * time.Minute), Latest: at(9 * time.Minute)}}, nil},
			{"ClosedCloseRange", openswf.ExecutionQuery{ByCloseTime: true,
				CloseTime: openswf.TimeRange{Oldest: at(10 * time.Minute), Latest: at(20 * time.Minute)}}, []string{"r2", "r6"}},
			{"ClosedStartRange", openswf.ExecutionQuery{
				StartTime: openswf.TimeRange{Oldest: at(3 * time.Minute), Latest: at(4 * time.Minute)}}, []string{"r4", "r3"}},
			{"FarBounds", openswf.ExecutionQuery{Open: true, StartTime: openswf.TimeRange{
				Oldest: time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC), Latest: time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)}},
				[]string{"r7", "r5", "r1"}},
			{"OpenWorkflowID", openswf.ExecutionQuery{Open: true, WorkflowID: "wf-a"}, []string{"r1"}},
			{"ClosedWorkflowID", openswf.ExecutionQuery{WorkflowID: "wf-a"}, []string{"r3"}},
			{"TypeName", openswf.ExecutionQuery{TypeName: "order"}, []string{"r6", "r3", "r2"}},
			{"TypeNameVersion", openswf.ExecutionQuery{TypeName: "order", TypeVersion: "1"}, []string{"r6", "r3"}},
			{"OpenTypeName", openswf.ExecutionQuery{Open: true, TypeName: "refund"}, []string{"r5"}},
			{"UnknownType", openswf.ExecutionQuery{Open: true, TypeName: "nope"}, nil},
			{"OpenTag", openswf.ExecutionQuery{Open: true, Tag: tag("blue")}, []string{"r7", "r5", "r1"}},
			{"ClosedTag", openswf.ExecutionQuery{Tag: tag("red")}, []string{"r3", "r2"}},
			{"EmptyTag", openswf.ExecutionQuery{Open: true, Tag: tag("")}, []string{"r1"}},
			{"UnknownTag", openswf.ExecutionQuery{Tag: tag("green")}, nil},
			{"CloseStatus", openswf.ExecutionQuery{CloseStatus: openswf.CloseCompleted}, []string{"r4", "r2"}},
			{"CloseStatusByClose", openswf.ExecutionQuery{ByCloseTime: true, CloseStatus: openswf.CloseCompleted}, []string{"r4", "r2"}},
			{"CloseStatusNone", openswf.ExecutionQuery{CloseStatus: openswf.CloseTimedOut}, nil},
			{"TagAndRange", openswf.ExecutionQuery{Open: true, Tag: tag("blue"),
				StartTime: openswf.TimeRange{Latest: at(5 * time.Minute)}}, []string{"r5", "r1"}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				q := tc.q
				q.Domain = "d1"
				if got := mustList(t, s, q); !slices.Equal(got, tc.want) {
					t.Errorf("ListExecutions: got %v, want %v", got, tc.want)
				}
				q.Reverse = true
				want := slices.Clone(tc.want)
				slices.Reverse(want)
				if got := mustList(t, s, q); !slices.Equal(got, want) {
					t.Errorf("ListExecutions reversed: got %v, want %v", got, want)
				}
				if got := mustCount(t, s, q); got != len(tc.want) {
					t.Errorf("CountExecutions: got %d, want %d", got, len(tc.want))
				}
			})
		}
	})

	t.Run("RecordsReadBack", func(t *testing.T) {
		s := newStore(t)
		x := newExecution("d1", "wf1", "run1")
		x.Parent = &openswf.WorkflowExecution{WorkflowID: "p", RunID: "prun"}
		x.CancelRequested = true
		mustStart(t, s, x)
		xs, err := s.ListExecutions(t.Context(), openswf.ExecutionQuery{Domain: "d1", Open: true})
		if err != nil {
			t.Fatalf("ListExecutions: %v", err)
		}
		if len(xs) != 1 {
			t.Fatalf("ListExecutions: got %d runs, want 1", len(xs))
		}
		if d := diff(x, xs[0]); d != "" {
			t.Errorf("listed run (-want +got):\n%s", d)
		}
		y := mustClose(t, s, x, openswf.CloseCanceled, at(time.Hour))
		if n := mustCount(t, s, openswf.ExecutionQuery{Domain: "d1", Open: true}); n != 0 {
			t.Errorf("open runs after close: got %d, want 0", n)
		}
		xs, err = s.ListExecutions(t.Context(), openswf.ExecutionQuery{Domain: "d1", ByCloseTime: true, CloseStatus: openswf.CloseCanceled})
		if err != nil {
			t.Fatalf("ListExecutions: %v", err)
		}
		if len(xs) != 1 {
			t.Fatalf("ListExecutions of closed runs: got %d runs, want 1", len(xs))
		}
		if d := diff(y, xs[0]); d != "" {
			t.Errorf("listed closed run (-want +got):\n%s", d)
		}
	})

	t.Run("Paging", func(t *testing.T) {
		s := newStore(t)
		mustVisFixture(t, s)
		for _, tc := range []struct {
			name string
			q    openswf.ExecutionQuery
		}{
			{"OpenByStart", openswf.ExecutionQuery{Open: true}},
			{"ClosedByStart", openswf.ExecutionQuery{}},
			{"ClosedByClose", openswf.ExecutionQuery{ByCloseTime: true}},
			{"ClosedByStartReverse", openswf.ExecutionQuery{Reverse: true}},
			{"ClosedByCloseReverse", openswf.ExecutionQuery{ByCloseTime: true, Reverse: true}},
			{"OpenByStartReverse", openswf.ExecutionQuery{Open: true, Reverse: true}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				q := tc.q
				q.Domain = "d1"
				want := mustList(t, s, q)
				for size := 1; size <= len(want)+1; size++ {
					var got []string
					q := q
					q.Limit = size
					for page := 0; ; page++ {
						if page > len(want)+1 {
							t.Fatalf("page size %d: still paging after %d pages", size, page)
						}
						xs, err := s.ListExecutions(t.Context(), q)
						if err != nil {
							t.Fatalf("ListExecutions: %v", err)
						}
						if len(xs) > size {
							t.Fatalf("page size %d: got %d runs", size, len(xs))
						}
						for _, x := range xs {
							got = append(got, x.RunID)
						}
						if len(xs) < size {
							break
						}
						last := xs[len(xs)-1]
						tm := last.StartedAt
						if q.ByCloseTime {
							tm = last.ClosedAt
						}
						q.After = &openswf.ExecutionCursor{Time: tm, RunID: last.RunID}
					}
					if !slices.Equal(got, want) {
						t.Errorf("page size %d: got %v, want %v", size, got, want)
					}
				}
			})
		}
	})

	t.Run("CountLimit", func(t *testing.T) {
		s := newStore(t)
		mustVisFixture(t, s)
		for _, tc := range []struct {
			limit, want int
		}{{0, 4}, {-1, 4}, {2, 2}, {4, 4}, {5, 4}} {
			if got := mustCount(t, s, openswf.ExecutionQuery{Domain: "d1", Limit: tc.limit}); got != tc.want {
				t.Errorf("CountExecutions with limit %d: got %d, want %d", tc.limit, got, tc.want)
			}
		}
		if got := mustCount(t, s, openswf.ExecutionQuery{Domain: "nope", Open: true}); got != 0 {
			t.Errorf("CountExecutions of an unknown domain: got %d, want 0", got)
		}
	})

	t.Run("TagsOfRefusedCreate", func(t *testing.T) {
		// A create refused because the workflow id has an open run stores none of its tags.
		s := newStore(t)
		mustStart(t, s, newExecution("d1", "wf1", "run1"))
		second := newExecution("d1", "wf1", "run2")
		second.TagList = []string{"only-here"}
		wantErr(t, "Apply creating a second open run", s.Apply(t.Context(), startTransition(second)), openswf.ErrExists)
		tag := "only-here"
		if n := mustCount(t, s, openswf.ExecutionQuery{Domain: "d1", Open: true, Tag: &tag}); n != 0 {
			t.Errorf("runs with the refused run's tag: got %d, want 0", n)
		}
	})
}

func testPurge(t *testing.T, newStore func(t *testing.T) openswf.Store) {
	t.Run("ClosedBefore", func(t *testing.T) {
		s := newStore(t)
		mustVisFixture(t, s)
		// The fixture's closed runs in d1 closed at 10 min (r6), 20 min (r2), 30 min (r3, r4).
		n, err := s.PurgeClosed(t.Context(), "d1", at(20*time.Minute), 100)
		if err != nil {
			t.Fatalf("PurgeClosed: %v", err)
		}
		if n != 1 {
			t.Errorf("PurgeClosed before 20 min: purged %d, want 1 (closedBefore is exclusive)", n)
		}
		assertPurged(t, s, "r6")
		if got, want := mustList(t, s, openswf.ExecutionQuery{Domain: "d1"}), []string{"r4", "r3", "r2"}; !slices.Equal(got, want) {
			t.Errorf("closed runs left: got %v, want %v", got, want)
		}

		// Oldest first, at most limit at a time.
		n, err = s.PurgeClosed(t.Context(), "d1", at(time.Hour), 2)
		if err != nil {
			t.Fatalf("PurgeClosed: %v", err)
		}
		if n != 2 {
			t.Errorf("PurgeClosed with limit 2: purged %d, want 2", n)
		}
		assertPurged(t, s, "r2")
		if got := mustList(t, s, openswf.ExecutionQuery{Domain: "d1"}); len(got) != 1 {
			t.Errorf("closed runs left: got %v, want one of r3, r4", got)
		}
		n, err = s.PurgeClosed(t.Context(), "d1", at(time.Hour), 2)
		if err != nil {
			t.Fatalf("PurgeClosed: %v", err)
		}
		if n != 1 {
			t.Errorf("last PurgeClosed: purged %d, want 1", n)
		}
		assertPurged(t, s, "r3")
		assertPurged(t, s, "r4")
		n, err = s.PurgeClosed(t.Context(), "d1", at(time.Hour), 2)
		if err != nil || n != 0 {
			t.Errorf("PurgeClosed with nothing to purge: got %d, %v; want 0, nil", n, err)
		}

		// Open runs and other domains are untouched.
		if got, want := mustList(t, s, openswf.ExecutionQuery{Domain: "d1", Open: true}), []string{"r7", "r5", "r1"}; !slices.Equal(got, want) {
			t.Errorf("open runs after purge: got %v, want %v", got, want)
		}
		for _, id := range []string{"r1", "r5", "r7", "other"} {
			mustGetRun(t, s, id)
			if len(mustHistory(t, s, id)) == 0 {
				t.Errorf("history of %s: empty after a purge of others", id)
			}
		}
	})

	t.Run("Everything", func(t *testing.T) {
		// A closed run's leftovers (activity tasks, timers, tags) go with it; another run's stay.
		s := newStore(t)
		x := newExecution("d1", "wf1", "run1")
		x.TagList = []string{"gone"}
		tr := startTransition(x)
		tr.PutActivities = []*openswf.ActivityTask{newActivity(x, 2, "tl")}
		tr.PutTimers = []openswf.Timer{{TimerKey: openswf.TimerKey{RunID: "run1", Kind: openswf.TimerUser, ID: 2}, Domain: "d1", Due: at(time.Hour)}}
		mustApply(t, s, tr)
		mustClose(t, s, x, openswf.CloseCompleted, at(time.Minute))

		keep := newExecution("d1", "wf2", "run2")
		keep.TagList = []string{"kept"}
		tr = startTransition(keep)
		tr.PutActivities = []*openswf.ActivityTask{newActivity(keep, 2, "tl")}
		tr.PutTimers = []openswf.Timer{{TimerKey: openswf.TimerKey{RunID: "run2", Kind: openswf.TimerUser, ID: 2}, Domain: "d1", Due: at(time.Hour)}}
		mustApply(t, s, tr)

		n, err := s.PurgeClosed(t.Context(), "d1", at(time.Hour), 0)
		if err != nil || n != 1 {
			t.Fatalf("PurgeClosed: got %d, %v; want 1, nil", n, err)
		}
		assertPurged(t, s, "run1")
		if _, err := s.GetActivity(t.Context(), "run1", 2); err == nil {
			t.Errorf("GetActivity of the purged run: found one")
		}
		gone, kept := "gone", "kept"
		if n := mustCount(t, s, openswf.ExecutionQuery{Domain: "d1", Tag: &gone}); n != 0 {
			t.Errorf("runs tagged %q after purge: %d, want 0", gone, n)
		}
		if n := mustCount(t, s, openswf.ExecutionQuery{Domain: "d1", Open: true, Tag: &kept}); n != 1 {
			t.Errorf("runs tagged %q after purge: %d, want 1", kept, n)
		}
		ts := mustTimers(t, s)
		if len(ts) != 1 || ts[0].RunID != "run2" {
			t.Errorf("timers after purge: got %v, want only run2's", ts)
		}
		mustActivity(t, s, "run2", 2)

		// The workflow id is free for a new run whose tags are its own.
		again := newExecution("d1", "wf1", "run1")
		again.TagList = []string{"new"}
		mustStart(t, s, again)
		if n := mustCount(t, s, openswf.ExecutionQuery{Domain: "d1", Open: true, Tag: &gone}); n != 0 {
			t.Errorf("a new run with the purged run id inherited its tags")
		}
	})

	t.Run("OpenNeverPurged", func(t *testing.T) {
		s := newStore(t)
		x := newExecution("d1", "wf1", "run1")
		mustStart(t, s, x)
		n, err := s.PurgeClosed(t.Context(), "d1", at(1000*time.Hour), 10)
		if err != nil || n != 0 {
			t.Fatalf("PurgeClosed: got %d, %v; want 0, nil", n, err)
		}
		mustGetRun(t, s, "run1")
	})
}

// assertPurged checks that nothing of a run remains: no record, no history.
func assertPurged(t *testing.T, s openswf.Store, runID string) {
	t.Helper()
	_, err := s.GetRun(t.Context(), runID)
	wantErr(t, "GetRun of purged run "+runID, err, openswf.ErrNotFound)
	// The history of an unknown run may be empty or ErrNotFound.
	es, err := s.History(t.Context(), runID, 0, 100, false)
	if err != nil && !errors.Is(err, openswf.ErrNotFound) {
		t.Fatalf("History of purged run %s: %v", runID, err)
	}
	if len(es) != 0 {
		t.Errorf("history of purged run %s: got %d events, want none", runID, len(es))
	}
}
