package storetest

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/openswf/openswf"
)

func testHistory(t *testing.T, newStore func(t *testing.T) openswf.Store) {
	t.Run("RoundTrip", func(t *testing.T) {
		s := newStore(t)
		x := newExecution("d1", "wf1", "run1")
		start := startTransition(x)
		mustApply(t, s, start)
		y := next(x)
		y.NextEventID = 5
		// Attributes come back byte for byte, spacing, key order and escapes included; times to the
		// nanosecond, whatever their zone.
		odd := []openswf.HistoryEvent{
			{ID: 3, Time: time.Date(2025, 3, 14, 15, 9, 26, 1, time.UTC), Type: openswf.EventDecisionTaskStarted,
				Attributes: json.RawMessage(`{ "scheduledEventId" : 2,"identity":"w\u00e9 \"q\"" }`)},
			{ID: 4, Time: time.Date(1999, 12, 31, 23, 59, 59, 999999999, time.FixedZone("x", -5*3600-30*60)), Type: openswf.EventDecisionTaskCompleted,
				Attributes: json.RawMessage(`{"executionContext":"é∑\n","startedEventId":3,"scheduledEventId":2}`)},
		}
		mustApply(t, s, &openswf.Transition{Execution: y, Events: odd})

		want := append(append([]openswf.HistoryEvent{}, start.Events...), odd...)
		got, err := s.History(t.Context(), "run1", 0, 100, false)
		if err != nil {
			t.Fatalf("History: %v", err)
		}
		if d := diff(want, got); d != "" {
			t.Errorf("History (-want +got):\n%s", d)
		}
		for i := range min(len(got), len(want)) {
			if string(got[i].Attributes) != string(want[i].Attributes) {
				t.Errorf("event %d attributes: got %s, want %s", want[i].ID, got[i].Attributes, want[i].Attributes)
			}
			if !got[i].Time.Equal(want[i].Time) {
				t.Errorf("event %d time: got %v, want %v", want[i].ID, got[i].Time, want[i].Time)
			}
		}
	})

	t.Run("Paging", func(t *testing.T) {
		s := newStore(t)
		x := newExecution("d1", "wf1", "run1")
		mustStart(t, s, x)
		for _, n := range []int{3, 2} { // events 3-5, then 6-7
			y := next(x)
			tr := &openswf.Transition{Execution: y}
			appendEvents(tr, n)
			mustApply(t, s, tr)
			x = y
		}
		other := newExecution("d1", "wf2", "run2")
		mustStart(t, s, other)

		all := mustHistory(t, s, "run1")
		if got, want := eventIDs(all), []int64{1, 2, 3, 4, 5, 6, 7}; !slices.Equal(got, want) {
			t.Fatalf("history ids: got %v, want %v", got, want)
		}
		for _, tc := range []struct {
			after   int64
			limit   int
			reverse bool
			want    []int64
		}{
			{0, 3, false, []int64{1, 2, 3}},
			{2, 3, false, []int64{3, 4, 5}},
			{5, 3, false, []int64{6, 7}},
			{7, 3, false, nil},
			{0, 100, false, []int64{1, 2, 3, 4, 5, 6, 7}},
			{0, 3, true, []int64{7, 6, 5}},
			{5, 3, true, []int64{4, 3, 2}},
			{2, 3, true, []int64{1}},
			{1, 3, true, nil},
			{0, 100, true, []int64{7, 6, 5, 4, 3, 2, 1}},
			{8, 2, true, []int64{7, 6}},
		} {
			what := fmt.Sprintf("History(after %d, limit %d, reverse %v)", tc.after, tc.limit, tc.reverse)
			got, err := s.History(t.Context(), "run1", tc.after, tc.limit, tc.reverse)
			if err != nil {
				t.Fatalf("%s: %v", what, err)
			}
			if ids := eventIDs(got); !slices.Equal(ids, tc.want) {
				t.Errorf("%s: got ids %v, want %v", what, ids, tc.want)
			}
			// The page's events are the same as in the full history.
			for _, e := range got {
				if d := diff(all[e.ID-1], e); d != "" {
					t.Errorf("%s: event %d (-want +got):\n%s", what, e.ID, d)
				}
			}
		}
	})

	t.Run("UnknownRun", func(t *testing.T) {
		s := newStore(t)
		mustStart(t, s, newExecution("d1", "wf1", "run1"))
		// Either answer is fine: no events, or ErrNotFound.
		es, err := s.History(t.Context(), "run2", 0, 10, false)
		if err != nil && !errors.Is(err, openswf.ErrNotFound) {
			t.Fatalf("History of an unknown run: got error %v, want none or ErrNotFound", err)
		}
		if len(es) != 0 {
			t.Errorf("History of an unknown run: got %d events, want none", len(es))
		}
	})
}
