package storetest

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/openswf/openswf"
)

// Run runs the conformance suite against the Store that newStore makes. newStore is called once per
// subtest and must return a new, empty store, closed by a t.Cleanup it registers. Subtests run one after
// another, so newStore may hand out the same database emptied each time.
func Run(t *testing.T, newStore func(t *testing.T) openswf.Store) {
	t.Run("Domains", func(t *testing.T) { testDomains(t, newStore) })
	t.Run("Types", func(t *testing.T) { testTypes(t, newStore) })
	t.Run("Executions", func(t *testing.T) { testExecutions(t, newStore) })
	t.Run("History", func(t *testing.T) { testHistory(t, newStore) })
	t.Run("Activities", func(t *testing.T) { testActivities(t, newStore) })
	t.Run("Heartbeats", func(t *testing.T) { testHeartbeats(t, newStore) })
	t.Run("OpenActivities", func(t *testing.T) { testOpenActivities(t, newStore) })
	t.Run("PendingTasks", func(t *testing.T) { testPendingTasks(t, newStore) })
	t.Run("OpenTasks", func(t *testing.T) { testOpenTasks(t, newStore) })
	t.Run("Timers", func(t *testing.T) { testTimers(t, newStore) })
	t.Run("Secrets", func(t *testing.T) { testSecrets(t, newStore) })
	t.Run("Groups", func(t *testing.T) { testGroups(t, newStore) })
	t.Run("Visibility", func(t *testing.T) { testVisibility(t, newStore) })
	t.Run("Purge", func(t *testing.T) { testPurge(t, newStore) })
	t.Run("Concurrency", func(t *testing.T) { testConcurrency(t, newStore) })
}

// t0 is the suite's reference time: nanoseconds and a zone other than UTC, so that a store that rounds or
// drops either fails.
var t0 = time.Date(2025, 3, 14, 15, 9, 26, 535897932, time.FixedZone("UTC+1", 3600))

// at is t0 plus d.
func at(d time.Duration) time.Time { return t0.Add(d) }

// cmpOpts compares records read back with those written: times by Equal (go-cmp uses Equal methods), and
// nil and empty slices and maps alike, since "none" has no single spelling in a database.
var cmpOpts = []cmp.Option{cmpopts.EquateEmpty()}

// diff is cmp.Diff with the suite's options.
func diff(want, got any) string { return cmp.Diff(want, got, cmpOpts...) }

// newExecution is a fresh open run at version 1 whose first decision task is scheduled on the
// "deciders" task list, as the engine writes it when a workflow starts.
func newExecution(domain, workflowID, runID string) *openswf.Execution {
	return &openswf.Execution{
		Domain:           domain,
		WorkflowID:       workflowID,
		RunID:            runID,
		Type:             openswf.WorkflowType{Name: "wf", Version: "1"},
		Version:          1,
		Open:             true,
		StartedAt:        t0,
		TaskList:         "deciders",
		ExecStartToClose: "3600",
		TaskStartToClose: "30",
		ChildPolicy:      "TERMINATE",
		TagList:          []string{"a", "b"},
		NextEventID:      3,
		Decision: openswf.DecisionTaskState{
			ScheduledID:  2,
			TaskList:     "deciders",
			Priority:     "3",
			StartToClose: "30",
			ScheduledAt:  t0,
		},
	}
}

// startTransition creates x with its first two events.
func startTransition(x *openswf.Execution) *openswf.Transition {
	return &openswf.Transition{
		Execution: x,
		Create:    true,
		Events: []openswf.HistoryEvent{
			event(1, openswf.EventWorkflowExecutionStarted, `{"childPolicy":"TERMINATE","taskList":{"name":"deciders"},"workflowType":{"name":"wf","version":"1"}}`),
			event(2, openswf.EventDecisionTaskScheduled, `{"taskList":{"name":"deciders"},"startToCloseTimeout":"30"}`),
		},
	}
}

// event is a history event at t0 plus id milliseconds.
func event(id int64, typ openswf.EventType, attrs string) openswf.HistoryEvent {
	return openswf.HistoryEvent{ID: id, Time: at(time.Duration(id) * time.Millisecond), Type: typ, Attributes: json.RawMessage(attrs)}
}

// next is a copy of x one version on, to be changed and applied.
func next(x *openswf.Execution) *openswf.Execution {
	y := *x
	y.Version++
	y.TagList = slices.Clone(x.TagList)
	y.Activities = maps.Clone(x.Activities)
	y.CancelRequests = maps.Clone(x.CancelRequests)
	y.Timers = maps.Clone(x.Timers)
	return &y
}

// appendEvents adds n events to a transition on y, numbered from y.NextEventID.
func appendEvents(tr *openswf.Transition, n int) {
	y := tr.Execution
	for range n {
		tr.Events = append(tr.Events, event(y.NextEventID, openswf.EventMarkerRecorded,
			fmt.Sprintf(`{"markerName":"m%d","details":"d","decisionTaskCompletedEventId":4}`, y.NextEventID)))
		y.NextEventID++
	}
}

// newActivity is an activity task of x, scheduled and not started, on taskList.
func newActivity(x *openswf.Execution, scheduledID int64, taskList string) *openswf.ActivityTask {
	return &openswf.ActivityTask{
		Domain:          x.Domain,
		WorkflowID:      x.WorkflowID,
		RunID:           x.RunID,
		ScheduledID:     scheduledID,
		ActivityID:      fmt.Sprintf("act-%d", scheduledID),
		Type:            openswf.ActivityType{Name: "work", Version: "1"},
		Input:           `{"n":1}`,
		TaskList:        taskList,
		Priority:        5,
		ScheduleToStart: time.Minute,
		ScheduleToClose: time.Hour,
		StartToClose:    30 * time.Minute,
		Heartbeat:       10 * time.Second,
		ScheduledAt:     at(time.Duration(scheduledID) * time.Millisecond),
	}
}

// started is a copy of a started by event startedID.
func started(a *openswf.ActivityTask, startedID int64) *openswf.ActivityTask {
	b := *a
	b.StartedID = startedID
	b.StartedAt = at(time.Second)
	b.Identity = "worker-1"
	return &b
}

// strp returns a pointer to s.
func strp(s string) *string { return &s }

// mustApply applies tr and fails the test on error.
func mustApply(t testing.TB, s openswf.Store, tr *openswf.Transition) {
	t.Helper()
	if err := s.Apply(t.Context(), tr); err != nil {
		t.Fatalf("Apply(run %s, version %d): %v", tr.Execution.RunID, tr.Execution.Version, err)
	}
}

// mustStart creates x with startTransition.
func mustStart(t testing.TB, s openswf.Store, x *openswf.Execution) {
	t.Helper()
	mustApply(t, s, startTransition(x))
}

// wantErr fails the test unless err is target.
func wantErr(t testing.TB, what string, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("%s: got error %v, want %v", what, err, target)
	}
}

// mustHistory returns the whole history of a run.
func mustHistory(t testing.TB, s openswf.Store, runID string) []openswf.HistoryEvent {
	t.Helper()
	es, err := s.History(t.Context(), runID, 0, 10000, false)
	if err != nil {
		t.Fatalf("History(%s): %v", runID, err)
	}
	return es
}

// eventIDs lists the ids of es.
func eventIDs(es []openswf.HistoryEvent) []int64 {
	ids := make([]int64, len(es))
	for i, e := range es {
		ids[i] = e.ID
	}
	return ids
}

// mustGetRun reads a run back.
func mustGetRun(t testing.TB, s openswf.Store, runID string) *openswf.Execution {
	t.Helper()
	x, err := s.GetRun(t.Context(), runID)
	if err != nil {
		t.Fatalf("GetRun(%s): %v", runID, err)
	}
	return x
}

// mustActivity reads an activity task back.
func mustActivity(t testing.TB, s openswf.Store, runID string, scheduledID int64) *openswf.ActivityTask {
	t.Helper()
	a, err := s.GetActivity(t.Context(), runID, scheduledID)
	if err != nil {
		t.Fatalf("GetActivity(%s, %d): %v", runID, scheduledID, err)
	}
	return a
}

// mustTimers loads every timer, ordered by key.
func mustTimers(t testing.TB, s openswf.Store) []openswf.Timer {
	t.Helper()
	var ts []openswf.Timer
	if err := s.LoadTimers(t.Context(), func(tm openswf.Timer) error {
		ts = append(ts, tm)
		return nil
	}); err != nil {
		t.Fatalf("LoadTimers: %v", err)
	}
	slices.SortFunc(ts, func(a, b openswf.Timer) int { return compareTimerKeys(a.TimerKey, b.TimerKey) })
	return ts
}

func compareTimerKeys(a, b openswf.TimerKey) int {
	if c := strings.Compare(a.RunID, b.RunID); c != 0 {
		return c
	}
	if c := strings.Compare(string(a.Kind), string(b.Kind)); c != 0 {
		return c
	}
	return compareInt(a.ID, b.ID)
}

func compareInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
