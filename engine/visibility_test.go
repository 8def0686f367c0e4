package engine_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/openswf/openswf"
	"github.com/openswf/openswf/engine"
	"github.com/openswf/openswf/openswftest"
	"github.com/openswf/openswf/sqlite"
)

// visRuns is the fixture of the visibility tests: which runs exist and when they started and closed.
type visRuns struct {
	h     *harness
	t0    time.Time         // the clock when the fixture began
	runs  map[string]string // workflow id → run id
	start map[string]time.Time
}

// newVisRuns starts, a minute apart, o1 (wf/1, tag blue), c1 (wf/1, red), o2 (wf/2, blue and red),
// c2 (other/1), c3 (wf/1, blue), o3 (other/1), c4 (wf/2); then closes, a minute apart, c3 TERMINATED,
// c2 FAILED, c4 CANCELED, c1 COMPLETED. The o… runs stay open.
//
// Open by start time, newest first: o3 o2 o1. Closed by start time: c4 c3 c2 c1; by close time: c1 c4
// c2 c3.
func newVisRuns(t *testing.T) *visRuns {
	h := newHarness(t)
	for _, typ := range []openswf.WorkflowType{{Name: "wf", Version: "2"}, {Name: "other", Version: "1"}} {
		h.must(h.eng.RegisterType(h.ctx, openswf.KindWorkflowType, engine.RegisterTypeInput{
			Domain: domain, Name: typ.Name, Version: typ.Version, TaskList: &openswf.TaskList{Name: wfList},
			StartToClose: "30", ExecutionStartToClose: "3600", ChildPolicy: "TERMINATE",
		}))
	}
	v := &visRuns{h: h, t0: h.clock.Now(), runs: map[string]string{}, start: map[string]time.Time{}}
	for _, r := range []struct {
		id   string
		typ  openswf.WorkflowType
		tags []string
	}{
		{"o1", openswf.WorkflowType{Name: "wf", Version: "1"}, []string{"blue"}},
		{"c1", openswf.WorkflowType{Name: "wf", Version: "1"}, []string{"red"}},
		{"o2", openswf.WorkflowType{Name: "wf", Version: "2"}, []string{"blue", "red"}},
		{"c2", openswf.WorkflowType{Name: "other", Version: "1"}, nil},
		{"c3", openswf.WorkflowType{Name: "wf", Version: "1"}, []string{"blue"}},
		{"o3", openswf.WorkflowType{Name: "other", Version: "1"}, nil},
		{"c4", openswf.WorkflowType{Name: "wf", Version: "2"}, nil},
	} {
		h.advance(time.Minute)
		// Each run decides on a task list of its own, so that a test closes the run it means to.
		runID, err := h.eng.StartWorkflow(h.ctx, engine.StartWorkflowInput{
			Domain: domain, WorkflowID: r.id, WorkflowType: r.typ, TagList: r.tags,
			TaskList: &openswf.TaskList{Name: "tl-" + r.id},
		})
		h.must(err)
		v.runs[r.id] = runID
		v.start[r.id] = h.clock.Now()
	}
	h.advance(time.Minute)
	h.must(h.eng.Terminate(h.ctx, engine.TerminateInput{Domain: domain, WorkflowID: "c3", Reason: "done"}))
	h.advance(time.Minute)
	v.decide("c2", openswf.Decision{Type: openswf.DecisionFailWorkflowExecution,
		FailWorkflowExecution: &openswf.FailWorkflowExecutionAttributes{Reason: "broken"}})
	h.advance(time.Minute)
	v.decide("c4", openswf.Decision{Type: openswf.DecisionCancelWorkflowExecution,
		CancelWorkflowExecution: &openswf.CancelWorkflowExecutionAttributes{}})
	h.advance(time.Minute)
	v.decide("c1", complete("ok"))
	return v
}

// decide takes the decision task of run id and answers it with d.
func (v *visRuns) decide(id string, d openswf.Decision) {
	v.h.t.Helper()
	ctx, cancel := context.WithTimeout(v.h.ctx, 5*time.Second)
	defer cancel()
	task, err := v.h.eng.PollDecision(ctx, engine.PollDecisionInput{Domain: domain, TaskList: openswf.TaskList{Name: "tl-" + id}})
	if err != nil || task == nil {
		v.h.t.Fatalf("PollDecision(%s) = %v, %v; want a task", id, task, err)
	}
	v.h.respond(task, d)
}

// ids maps listed runs back to the fixture's workflow ids, failing if a run id is not the fixture's.
func (v *visRuns) ids(xs []*openswf.Execution) []string {
	v.h.t.Helper()
	out := make([]string, len(xs))
	for i, x := range xs {
		if v.runs[x.WorkflowID] != x.RunID {
			v.h.t.Fatalf("listed run %s/%s is not the fixture's", x.WorkflowID, x.RunID)
		}
		out[i] = x.WorkflowID
	}
	return out
}

// all is a time filter that every run of the fixture passes.
func (v *visRuns) all() *engine.TimeFilter { return &engine.TimeFilter{Oldest: v.t0} }

func sp(s string) *string { return &s }

func TestEngine_ListExecutionsFilters(t *testing.T) {
	v := newVisRuns(t)
	h := v.h
	at := func(min int) time.Time { return v.t0.Add(time.Duration(min) * time.Minute) }
	for _, tc := range []struct {
		name string
		open bool
		in   engine.VisibilityInput
		want []string
	}{
		{"Open", true, engine.VisibilityInput{StartTimeFilter: v.all()}, []string{"o3", "o2", "o1"}},
		{"OpenStartRange", true, engine.VisibilityInput{StartTimeFilter: &engine.TimeFilter{Oldest: at(3), Latest: at(6)}}, []string{"o3", "o2"}},
		{"OpenLatestInclusive", true, engine.VisibilityInput{StartTimeFilter: &engine.TimeFilter{Oldest: at(0), Latest: at(1)}}, []string{"o1"}},
		{"OpenEmptyRange", true, engine.VisibilityInput{StartTimeFilter: &engine.TimeFilter{Oldest: at(20)}}, nil},
		// Bounds past what a store's int64 nanoseconds hold (2262) select as the edge would.
		{"OpenLatestFarFuture", true, engine.VisibilityInput{StartTimeFilter: &engine.TimeFilter{Oldest: at(0), Latest: time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC)}}, []string{"o3", "o2", "o1"}},
		{"OpenOldestFarPast", true, engine.VisibilityInput{StartTimeFilter: &engine.TimeFilter{Oldest: time.Date(1600, 1, 1, 0, 0, 0, 0, time.UTC), Latest: at(1)}}, []string{"o1"}},
		{"OpenOldestFarFuture", true, engine.VisibilityInput{StartTimeFilter: &engine.TimeFilter{Oldest: time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC)}}, nil},
		{"ClosedCloseLatestFarFuture", false, engine.VisibilityInput{CloseTimeFilter: &engine.TimeFilter{Oldest: at(9), Latest: time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)}}, []string{"c1", "c4", "c2"}},
		{"OpenExecution", true, engine.VisibilityInput{StartTimeFilter: v.all(), ExecutionFilter: sp("o2")}, []string{"o2"}},
		{"OpenExecutionClosedOnly", true, engine.VisibilityInput{StartTimeFilter: v.all(), ExecutionFilter: sp("c1")}, nil},
		{"OpenType", true, engine.VisibilityInput{StartTimeFilter: v.all(), TypeFilter: &openswf.WorkflowType{Name: "wf"}}, []string{"o2", "o1"}},
		{"OpenTypeVersion", true, engine.VisibilityInput{StartTimeFilter: v.all(), TypeFilter: &openswf.WorkflowType{Name: "wf", Version: "2"}}, []string{"o2"}},
		{"OpenTag", true, engine.VisibilityInput{StartTimeFilter: v.all(), TagFilter: sp("blue")}, []string{"o2", "o1"}},
		{"OpenReverse", true, engine.VisibilityInput{StartTimeFilter: v.all(), Reverse: true}, []string{"o1", "o2", "o3"}},

		{"ClosedByStart", false, engine.VisibilityInput{StartTimeFilter: v.all()}, []string{"c4", "c3", "c2", "c1"}},
		{"ClosedByClose", false, engine.VisibilityInput{CloseTimeFilter: v.all()}, []string{"c1", "c4", "c2", "c3"}},
		{"ClosedByCloseReverse", false, engine.VisibilityInput{CloseTimeFilter: v.all(), Reverse: true}, []string{"c3", "c2", "c4", "c1"}},
		{"ClosedCloseRange", false, engine.VisibilityInput{CloseTimeFilter: &engine.TimeFilter{Oldest: at(9), Latest: at(10)}}, []string{"c4", "c2"}},
		{"ClosedStartRange", false, engine.VisibilityInput{StartTimeFilter: &engine.TimeFilter{Oldest: at(2), Latest: at(4)}}, []string{"c2", "c1"}},
		{"ClosedExecution", false, engine.VisibilityInput{StartTimeFilter: v.all(), ExecutionFilter: sp("c2")}, []string{"c2"}},
		{"ClosedType", false, engine.VisibilityInput{CloseTimeFilter: v.all(), TypeFilter: &openswf.WorkflowType{Name: "wf", Version: "1"}}, []string{"c1", "c3"}},
		{"ClosedTag", false, engine.VisibilityInput{StartTimeFilter: v.all(), TagFilter: sp("red")}, []string{"c1"}},
		{"ClosedStatusCompleted", false, engine.VisibilityInput{StartTimeFilter: v.all(), CloseStatusFilter: sp(openswf.CloseCompleted)}, []string{"c1"}},
		{"ClosedStatusFailed", false, engine.VisibilityInput{StartTimeFilter: v.all(), CloseStatusFilter: sp(openswf.CloseFailed)}, []string{"c2"}},
		{"ClosedStatusTerminated", false, engine.VisibilityInput{CloseTimeFilter: v.all(), CloseStatusFilter: sp(openswf.CloseTerminated)}, []string{"c3"}},
		{"ClosedStatusCanceled", false, engine.VisibilityInput{CloseTimeFilter: v.all(), CloseStatusFilter: sp(openswf.CloseCanceled)}, []string{"c4"}},
		{"ClosedStatusTimedOut", false, engine.VisibilityInput{CloseTimeFilter: v.all(), CloseStatusFilter: sp(openswf.CloseTimedOut)}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in
			in.Domain = domain
			xs, next, err := h.eng.ListExecutions(h.ctx, tc.open, in)
			h.must(err)
			if got := v.ids(xs); !slices.Equal(got, tc.want) && !(len(got) == 0 && len(tc.want) == 0) {
				t.Errorf("ListExecutions: got %v, want %v", got, tc.want)
			}
			if next != "" {
				t.Errorf("ListExecutions: got a next page token on the only page")
			}
			n, truncated, err := h.eng.CountExecutions(h.ctx, tc.open, in)
			h.must(err)
			if n != len(tc.want) || truncated {
				t.Errorf("CountExecutions: got %d (truncated %v), want %d", n, truncated, len(tc.want))
			}
		})
	}

	// What a listed run carries.
	xs, _, err := h.eng.ListExecutions(h.ctx, false, engine.VisibilityInput{Domain: domain,
		StartTimeFilter: v.all(), ExecutionFilter: sp("c3")})
	h.must(err)
	if len(xs) != 1 {
		t.Fatalf("ListExecutions(c3): got %d runs", len(xs))
	}
	x := xs[0]
	if x.Open || x.CloseStatus != openswf.CloseTerminated || !x.StartedAt.Equal(v.start["c3"]) ||
		!x.ClosedAt.Equal(at(8)) || !slices.Equal(x.TagList, []string{"blue"}) || x.Type.Name != "wf" {
		t.Errorf("listed c3 = %+v", x)
	}
}

func TestEngine_ListExecutionsValidation(t *testing.T) {
	v := newVisRuns(t)
	h := v.h
	f := v.all()
	for _, tc := range []struct {
		name string
		open bool
		in   engine.VisibilityInput
		want string // in the message
	}{
		{"OpenWithoutStartFilter", true, engine.VisibilityInput{}, "startTimeFilter"},
		{"OpenWithCloseFilter", true, engine.VisibilityInput{StartTimeFilter: f, CloseTimeFilter: f}, "closeTimeFilter"},
		{"OpenWithCloseStatus", true, engine.VisibilityInput{StartTimeFilter: f, CloseStatusFilter: sp("FAILED")}, "closeStatusFilter"},
		{"ClosedBothTimeFilters", false, engine.VisibilityInput{StartTimeFilter: f, CloseTimeFilter: f}, "mutually exclusive"},
		{"ClosedNoTimeFilter", false, engine.VisibilityInput{}, "startTimeFilter or closeTimeFilter"},
		{"OpenExecutionAndType", true, engine.VisibilityInput{StartTimeFilter: f, ExecutionFilter: sp("o1"), TypeFilter: &openswf.WorkflowType{Name: "wf"}}, "executionFilter and typeFilter"},
		{"OpenTypeAndTag", true, engine.VisibilityInput{StartTimeFilter: f, TagFilter: sp("blue"), TypeFilter: &openswf.WorkflowType{Name: "wf"}}, "typeFilter and tagFilter"},
		{"OpenExecutionAndTag", true, engine.VisibilityInput{StartTimeFilter: f, TagFilter: sp("blue"), ExecutionFilter: sp("o1")}, "executionFilter and tagFilter"},
		{"ClosedStatusAndTag", false, engine.VisibilityInput{StartTimeFilter: f, TagFilter: sp("blue"), CloseStatusFilter: sp("FAILED")}, "tagFilter and closeStatusFilter"},
		{"ClosedStatusAndExecution", false, engine.VisibilityInput{CloseTimeFilter: f, ExecutionFilter: sp("c1"), CloseStatusFilter: sp("FAILED")}, "closeStatusFilter, executionFilter, typeFilter and tagFilter are mutually exclusive"},
		{"ClosedAllFour", false, engine.VisibilityInput{CloseTimeFilter: f, ExecutionFilter: sp("c1"), TypeFilter: &openswf.WorkflowType{Name: "wf"}, TagFilter: sp("x"), CloseStatusFilter: sp("FAILED")}, "at most one"},
		{"BadCloseStatus", false, engine.VisibilityInput{CloseTimeFilter: f, CloseStatusFilter: sp("DONE")}, "closeStatusFilter.status"},
		{"EmptyTypeName", true, engine.VisibilityInput{StartTimeFilter: f, TypeFilter: &openswf.WorkflowType{}}, "typeFilter.name"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in
			in.Domain = domain
			_, _, err := h.eng.ListExecutions(h.ctx, tc.open, in)
			wantKind(t, err, openswf.KindValidation)
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("ListExecutions error %q does not mention %q", err, tc.want)
			}
			_, _, err = h.eng.CountExecutions(h.ctx, tc.open, in)
			wantKind(t, err, openswf.KindValidation)
		})
	}

	t.Run("UnknownDomain", func(t *testing.T) {
		_, _, err := h.eng.ListExecutions(h.ctx, true, engine.VisibilityInput{Domain: "nope", StartTimeFilter: f})
		wantKind(t, err, openswf.KindUnknownResource)
		_, _, err = h.eng.CountExecutions(h.ctx, false, engine.VisibilityInput{Domain: "nope", CloseTimeFilter: f})
		wantKind(t, err, openswf.KindUnknownResource)
	})

	t.Run("DeprecatedDomain", func(t *testing.T) {
		// The executions of a deprecated domain stay visible.
		h.must(h.eng.DeprecateDomain(h.ctx, domain))
		defer func() { h.must(h.eng.UndeprecateDomain(h.ctx, domain)) }()
		n, _, err := h.eng.CountExecutions(h.ctx, true, engine.VisibilityInput{Domain: domain, StartTimeFilter: f})
		h.must(err)
		if n != 3 {
			t.Errorf("CountExecutions in a deprecated domain: got %d, want 3", n)
		}
	})
}

func TestEngine_ListExecutionsPaging(t *testing.T) {
	v := newVisRuns(t)
	h := v.h
	for _, tc := range []struct {
		name string
		open bool
		in   engine.VisibilityInput
		want []string
	}{
		{"OpenByStart", true, engine.VisibilityInput{StartTimeFilter: v.all()}, []string{"o3", "o2", "o1"}},
		{"ClosedByStart", false, engine.VisibilityInput{StartTimeFilter: v.all()}, []string{"c4", "c3", "c2", "c1"}},
		{"ClosedByClose", false, engine.VisibilityInput{CloseTimeFilter: v.all()}, []string{"c1", "c4", "c2", "c3"}},
		{"ClosedByCloseReverse", false, engine.VisibilityInput{CloseTimeFilter: v.all(), Reverse: true}, []string{"c3", "c2", "c4", "c1"}},
		{"ClosedTypeReverse", false, engine.VisibilityInput{StartTimeFilter: v.all(), TypeFilter: &openswf.WorkflowType{Name: "wf"}, Reverse: true}, []string{"c1", "c3", "c4"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for size := 1; size <= len(tc.want); size++ {
				in := tc.in
				in.Domain = domain
				in.PageSize = size
				var got []string
				for page := 0; ; page++ {
					if page > len(tc.want) {
						t.Fatalf("page size %d: still paging after %d pages", size, page)
					}
					xs, next, err := h.eng.ListExecutions(h.ctx, tc.open, in)
					h.must(err)
					if len(xs) > size {
						t.Fatalf("page size %d: page of %d", size, len(xs))
					}
					got = append(got, v.ids(xs)...)
					if next == "" {
						break
					}
					in.NextPageToken = next
				}
				if !slices.Equal(got, tc.want) {
					t.Errorf("page size %d: got %v, want %v", size, got, tc.want)
				}
			}
		})
	}

	// A token continues only the list it came from.
	first := engine.VisibilityInput{Domain: domain, CloseTimeFilter: v.all(), PageSize: 2}
	_, token, err := h.eng.ListExecutions(h.ctx, false, first)
	h.must(err)
	if token == "" {
		t.Fatal("ListExecutions: no next page token on the first of two pages")
	}
	altered := []byte(token)
	altered[len(altered)/2] ^= 1
	if altered[len(altered)/2] == '-' || altered[len(altered)/2] == '_' { // keep it base64url
		altered[len(altered)/2] = 'A'
	}
	for _, tc := range []struct {
		name string
		open bool
		in   engine.VisibilityInput
	}{
		{"Altered", false, engine.VisibilityInput{CloseTimeFilter: v.all(), NextPageToken: string(altered)}},
		{"Garbage", false, engine.VisibilityInput{CloseTimeFilter: v.all(), NextPageToken: "not a token"}},
		{"OtherTimeFilter", false, engine.VisibilityInput{StartTimeFilter: v.all(), NextPageToken: token}},
		{"OtherRange", false, engine.VisibilityInput{CloseTimeFilter: &engine.TimeFilter{Oldest: v.t0.Add(time.Second)}, NextPageToken: token}},
		{"OtherOrder", false, engine.VisibilityInput{CloseTimeFilter: v.all(), Reverse: true, NextPageToken: token}},
		{"OtherFilter", false, engine.VisibilityInput{CloseTimeFilter: v.all(), TagFilter: sp("red"), NextPageToken: token}},
		{"OpenList", true, engine.VisibilityInput{StartTimeFilter: v.all(), NextPageToken: token}},
	} {
		t.Run("Token"+tc.name, func(t *testing.T) {
			in := tc.in
			in.Domain = domain
			_, _, err := h.eng.ListExecutions(h.ctx, tc.open, in)
			wantKind(t, err, openswf.KindValidation)
		})
	}
	// Another page size is fine: the token names a position, not a page.
	next := first
	next.PageSize = 5
	next.NextPageToken = token
	xs, _, err := h.eng.ListExecutions(h.ctx, false, next)
	h.must(err)
	if got, want := v.ids(xs), []string{"c2", "c3"}; !slices.Equal(got, want) {
		t.Errorf("second page: got %v, want %v", got, want)
	}
	// Tokens expire after 24 hours.
	h.clock.Advance(24*time.Hour + time.Second)
	_, _, err = h.eng.ListExecutions(h.ctx, false, next)
	wantKind(t, err, openswf.KindValidation)
	if !strings.Contains(err.Error(), "maximum lifetime") {
		t.Errorf("expired token: error %q", err)
	}
}

func TestEngine_CountExecutionsMany(t *testing.T) {
	h := newHarness(t)
	for i := range 30 {
		h.start(fmt.Sprintf("w%d", i))
	}
	n, truncated, err := h.eng.CountExecutions(h.ctx, true, engine.VisibilityInput{Domain: domain,
		StartTimeFilter: &engine.TimeFilter{Oldest: h.clock.Now().Add(-time.Hour)}})
	h.must(err)
	if n != 30 || truncated {
		t.Errorf("CountExecutions: got %d (truncated %v), want 30", n, truncated)
	}
	// The default page is 1000; a page of 30 has no next token.
	xs, next, err := h.eng.ListExecutions(h.ctx, true, engine.VisibilityInput{Domain: domain,
		StartTimeFilter: &engine.TimeFilter{Oldest: h.clock.Now().Add(-time.Hour)}})
	h.must(err)
	if len(xs) != 30 || next != "" {
		t.Errorf("ListExecutions: got %d runs and token %q, want 30 and none", len(xs), next)
	}
}

func TestEngine_DomainTags(t *testing.T) {
	h := newHarness(t)
	tags := func() []openswf.ResourceTag {
		t.Helper()
		ts, err := h.eng.DomainTags(h.ctx, domain)
		h.must(err)
		return ts
	}
	if ts := tags(); len(ts) != 0 {
		t.Fatalf("tags of a new domain: %v", ts)
	}
	h.must(h.eng.TagDomain(h.ctx, domain, []openswf.ResourceTag{{Key: "team", Value: "a"}, {Key: "env", Value: "test"}}))
	h.must(h.eng.TagDomain(h.ctx, domain, []openswf.ResourceTag{{Key: "team", Value: "b"}, {Key: "empty"}, {Key: "team", Value: "c"}}))
	want := []openswf.ResourceTag{{Key: "team", Value: "c"}, {Key: "env", Value: "test"}, {Key: "empty"}}
	if got := tags(); !slices.Equal(got, want) {
		t.Errorf("tags: got %v, want %v", got, want)
	}
	h.must(h.eng.UntagDomain(h.ctx, domain, []string{"team", "absent"}))
	want = want[1:]
	if got := tags(); !slices.Equal(got, want) {
		t.Errorf("tags after untag: got %v, want %v", got, want)
	}

	// Fifty in all, counting those already there.
	var many []openswf.ResourceTag
	for i := range 48 {
		many = append(many, openswf.ResourceTag{Key: fmt.Sprintf("k%d", i)})
	}
	h.must(h.eng.TagDomain(h.ctx, domain, many))
	err := h.eng.TagDomain(h.ctx, domain, []openswf.ResourceTag{{Key: "one-too-many"}})
	wantKind(t, err, openswf.KindTooManyTags)
	h.must(h.eng.TagDomain(h.ctx, domain, []openswf.ResourceTag{{Key: "k1", Value: "overwrite is fine"}}))
	if got := len(tags()); got != 50 {
		t.Errorf("tags: got %d, want 50", got)
	}

	wantKind(t, h.eng.TagDomain(h.ctx, domain, []openswf.ResourceTag{{Key: "bad#key"}}), openswf.KindValidation)
	wantKind(t, h.eng.TagDomain(h.ctx, domain, []openswf.ResourceTag{{Key: "k", Value: "bad value!"}}), openswf.KindValidation)
	h.must(h.eng.UntagDomain(h.ctx, domain, []string{"k1"}))
	h.must(h.eng.TagDomain(h.ctx, domain, []openswf.ResourceTag{{Key: "Ünï cödé 1_.:/=+-@", Value: "ok"}}))

	wantKind(t, h.eng.TagDomain(h.ctx, "nope", []openswf.ResourceTag{{Key: "k"}}), openswf.KindUnknownResource)
	wantKind(t, h.eng.UntagDomain(h.ctx, "nope", []string{"k"}), openswf.KindUnknownResource)
	_, err = h.eng.DomainTags(h.ctx, "nope")
	wantKind(t, err, openswf.KindUnknownResource)
}

// closedRun starts a run on a task list of its own in domain dom and terminates it.
func (h *harness) closedRun(dom, id string) string {
	h.t.Helper()
	runID, err := h.eng.StartWorkflow(h.ctx, engine.StartWorkflowInput{
		Domain: dom, WorkflowID: id, WorkflowType: openswf.WorkflowType{Name: "wf", Version: "1"},
	})
	h.must(err)
	h.must(h.eng.Terminate(h.ctx, engine.TerminateInput{Domain: dom, WorkflowID: id}))
	return runID
}

func (h *harness) registerDomain(name, retention string) {
	h.t.Helper()
	h.must(h.eng.RegisterDomain(h.ctx, engine.RegisterDomainInput{Name: name, RetentionDays: retention}))
	h.must(h.eng.RegisterType(h.ctx, openswf.KindWorkflowType, engine.RegisterTypeInput{
		Domain: name, Name: "wf", Version: "1", TaskList: &openswf.TaskList{Name: wfList},
		StartToClose: "30", ExecutionStartToClose: "3600", ChildPolicy: "TERMINATE",
	}))
}

// wantPurged checks that a run is gone for every reader; wantKept that it is still there.
func (h *harness) wantPurged(dom, id, runID string) {
	h.t.Helper()
	ref := openswf.WorkflowExecution{WorkflowID: id, RunID: runID}
	_, err := h.eng.DescribeExecution(h.ctx, dom, ref)
	wantKind(h.t, err, openswf.KindUnknownResource)
	_, _, err = h.eng.History(h.ctx, engine.HistoryInput{Domain: dom, Execution: ref})
	wantKind(h.t, err, openswf.KindUnknownResource)
}

func (h *harness) wantKept(dom, id, runID string) {
	h.t.Helper()
	ref := openswf.WorkflowExecution{WorkflowID: id, RunID: runID}
	_, err := h.eng.DescribeExecution(h.ctx, dom, ref)
	h.must(err)
	evs, _, err := h.eng.History(h.ctx, engine.HistoryInput{Domain: dom, Execution: ref})
	h.must(err)
	if len(evs) == 0 {
		h.t.Errorf("history of %s: empty", id)
	}
}

func (h *harness) purge() int {
	h.t.Helper()
	n, err := h.eng.PurgeExpired(h.ctx)
	h.must(err)
	return n
}

func TestEngine_Retention(t *testing.T) {
	h := newHarness(t) // domain d keeps closed runs one day
	// The clock moves without firing timers, so that the open run never times out.
	h.registerDomain("none", "NONE")
	h.registerDomain("zero", "0")
	h.registerDomain("week", "7")

	old := h.closedRun(domain, "old")
	h.clock.Advance(time.Hour)
	young := h.closedRun(domain, "young")
	open := h.start("open")
	none := h.closedRun("none", "n")
	zero := h.closedRun("zero", "z")
	week := h.closedRun("week", "w")

	// Nothing has expired yet, not even where nothing is retained: those go at the next purge.
	if n := h.purge(); n != 0 {
		t.Errorf("purge at once: purged %d, want 0", n)
	}
	h.wantKept("none", "n", none)
	h.clock.Advance(time.Millisecond)
	if n := h.purge(); n != 2 {
		t.Errorf("purge after close with NONE and 0: purged %d, want 2", n)
	}
	h.wantPurged("none", "n", none)
	h.wantPurged("zero", "z", zero)
	h.wantKept(domain, "old", old)

	// One day after the first close, only it has expired.
	h.clock.Advance(23*time.Hour - time.Millisecond)
	if n := h.purge(); n != 0 {
		t.Errorf("purge at exactly one day: purged %d, want 0", n)
	}
	h.clock.Advance(time.Millisecond)
	if n := h.purge(); n != 1 {
		t.Errorf("purge after one day: purged %d, want 1", n)
	}
	h.wantPurged(domain, "old", old)
	h.wantKept(domain, "young", young)
	h.wantKept(domain, "open", open)
	h.wantKept("week", "w", week)
	n, _, err := h.eng.CountExecutions(h.ctx, false, engine.VisibilityInput{Domain: domain,
		StartTimeFilter: &engine.TimeFilter{Oldest: time.Unix(0, 0)}})
	h.must(err)
	if n != 1 {
		t.Errorf("closed runs listed after purge: %d, want 1", n)
	}

	// Open runs stay however old; a deprecated domain's closed runs expire too.
	h.must(h.eng.DeprecateDomain(h.ctx, "week"))
	h.clock.Advance(30 * 24 * time.Hour)
	if n := h.purge(); n != 2 {
		t.Errorf("purge after a month: purged %d, want 2", n)
	}
	h.wantPurged("week", "w", week)
	h.wantKept(domain, "open", open)
}

func TestEngine_RetentionManyRuns(t *testing.T) {
	// More closed runs than one purge step deletes all go in one PurgeExpired.
	h := newHarness(t)
	h.registerDomain("none", "NONE")
	const runs = 450
	for i := range runs {
		h.closedRun("none", fmt.Sprintf("w%d", i))
	}
	h.advance(time.Second)
	if n := h.purge(); n != runs {
		t.Errorf("purged %d, want %d", n, runs)
	}
	n, _, err := h.eng.CountExecutions(h.ctx, false, engine.VisibilityInput{Domain: "none",
		CloseTimeFilter: &engine.TimeFilter{Oldest: time.Unix(0, 0)}})
	h.must(err)
	if n != 0 {
		t.Errorf("closed runs left: %d", n)
	}
}

func TestEngine_RetentionLoop(t *testing.T) {
	// The engine purges by itself, once at start and then every RetentionInterval on its clock.
	ctx := context.Background()
	store, err := sqlite.Open(ctx, ":memory:", sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	start, _ := time.Parse(time.RFC3339, testTime)
	clock := openswftest.NewClock(start)
	eng := engine.New(store, clock, engine.Options{
		DisableTimerLoop: true, RetentionInterval: time.Hour, PollHold: time.Second,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err := eng.Open(ctx); err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	h := &harness{t: t, ctx: ctx, clock: clock, store: store, eng: eng}
	h.registerDomain("none", "NONE")
	runID := h.closedRun("none", "w")
	waitFor(t, "the retention loop to wait", func() bool { return clock.Waiters() > 0 })
	clock.Advance(time.Hour)
	waitFor(t, "the purge", func() bool {
		_, err := store.GetRun(ctx, runID)
		return err != nil
	})
	h.wantPurged("none", "w", runID)
}

// waitFor polls cond until it holds, failing the test after a few seconds: for what runs on its own
// goroutine.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
