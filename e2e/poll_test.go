package e2e

import (
	"context"
	"fmt"
	"net/http/httptrace"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/swf"
	"github.com/aws/aws-sdk-go-v2/service/swf/types"
)

// pollResult is what one long poll returned and how long it took.
type pollResult struct {
	token      *string
	activityID string
	err        error
	took       time.Duration
}

// TestSWF_LongPoll checks both ends of a long poll: a poll waiting when a task is scheduled returns with it
// at once, and a poll on an empty task list returns empty, without error, when the hold runs out.
func TestSWF_LongPoll(t *testing.T) {
	t.Parallel()
	const hold = 2 * time.Second
	e := newEnv(t, "e2e-long-poll", hold)
	ctx := t.Context()

	// The empty polls run alongside the rest of the test.
	emptyActivity := goPoll(e.activityPoll(ctx, "empty"))
	emptyDecision := goPoll(e.decisionPoll(ctx, "empty"))

	exec := e.start("poll-1")
	d := e.pollDecision()

	// Park a worker's poll before the activity exists. The trace says when the request is on the wire.
	wrote := make(chan struct{})
	var once sync.Once
	traced := httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		WroteRequest: func(httptrace.WroteRequestInfo) { once.Do(func() { close(wrote) }) },
	})
	waiting := goPoll(e.activityPoll(traced, activityList))
	select {
	case <-wrote:
	case <-time.After(waitFor):
		t.Fatalf("PollForActivityTask: request not written within %v", waitFor)
	}
	// Nothing a client can observe says that the server has parked the poll; give it a moment to get from
	// the socket to the task list, so that the task below is really handed to a waiting poll.
	time.Sleep(200 * time.Millisecond)

	scheduled := time.Now()
	e.decide(d.TaskToken, e.scheduleActivity("a1", ""))
	r := <-waiting
	if r.err != nil {
		t.Fatalf("PollForActivityTask waiting for a1: %v", r.err)
	}
	if r.token == nil {
		t.Fatalf("PollForActivityTask waiting for a1: got no task after %v, want a1", r.took)
	}
	equal(t, "activityId", r.activityID, "a1")
	if got := time.Since(scheduled); got > hold/2 {
		t.Errorf("PollForActivityTask returned %v after a1 was scheduled, want well within the %v hold", got, hold)
	}
	if r.took >= hold {
		t.Errorf("PollForActivityTask took %v, want less than the %v hold", r.took, hold)
	}

	// A poll its client gave up on does not swallow the next task: the next poll gets it.
	abandon, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	_, err := e.c.PollForActivityTask(abandon, &swf.PollForActivityTaskInput{
		Domain: aws.String(e.domain), TaskList: &types.TaskList{Name: aws.String("handoff")},
	})
	cancel()
	if err == nil {
		t.Fatalf("PollForActivityTask with a 300 ms deadline: got no error, want the deadline's")
	}
	e.signal(exec, "more", "")
	e.decide(e.pollDecision().TaskToken, e.scheduleActivity("a2", "", func(a *types.ScheduleActivityTaskDecisionAttributes) {
		a.TaskList = &types.TaskList{Name: aws.String("handoff")}
	}))
	equal(t, "activityId after an abandoned poll", aws.ToString(e.pollActivity("handoff").ActivityId), "a2")

	for name, ch := range map[string]<-chan pollResult{"PollForActivityTask": emptyActivity, "PollForDecisionTask": emptyDecision} {
		r := <-ch
		if r.err != nil {
			t.Errorf("%s on an empty task list: got error %v, want an empty answer", name, r.err)
			continue
		}
		if r.token != nil {
			t.Errorf("%s on an empty task list: got taskToken %q, want none", name, aws.ToString(r.token))
		}
		if r.took < hold-50*time.Millisecond || r.took > hold+1500*time.Millisecond {
			t.Errorf("%s on an empty task list: returned after %v, want about the %v hold", name, r.took, hold)
		}
	}
}

// goPoll runs poll in a goroutine and reports on the returned channel what it returned and how long it took.
func goPoll(poll func() (token *string, activityID string, err error)) <-chan pollResult {
	ch := make(chan pollResult, 1)
	go func() {
		begin := time.Now()
		token, activityID, err := poll()
		ch <- pollResult{token: token, activityID: activityID, err: err, took: time.Since(begin)}
	}()
	return ch
}

// activityPoll returns a single PollForActivityTask on taskList, for goPoll.
func (e *env) activityPoll(ctx context.Context, taskList string) func() (*string, string, error) {
	return func() (*string, string, error) {
		out, err := e.c.PollForActivityTask(ctx, &swf.PollForActivityTaskInput{
			Domain: aws.String(e.domain), TaskList: &types.TaskList{Name: aws.String(taskList)},
		})
		if err != nil {
			return nil, "", err
		}
		return out.TaskToken, aws.ToString(out.ActivityId), nil
	}
}

// decisionPoll returns a single PollForDecisionTask on taskList, for goPoll.
func (e *env) decisionPoll(ctx context.Context, taskList string) func() (*string, string, error) {
	return func() (*string, string, error) {
		out, err := e.c.PollForDecisionTask(ctx, &swf.PollForDecisionTaskInput{
			Domain: aws.String(e.domain), TaskList: &types.TaskList{Name: aws.String(taskList)},
		})
		if err != nil {
			return nil, "", err
		}
		return out.TaskToken, "", nil
	}
}

// TestSWF_DecisionTaskPaging reads decision tasks' histories a few events at a time, forward and backward,
// following nextPageToken through PollForDecisionTask; a page never shows events newer than the task.
func TestSWF_DecisionTaskPaging(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "e2e-decision-paging", defaultHold)
	exec := e.start("paging-1")
	for _, name := range []string{"s1", "s2", "s3"} {
		e.signal(exec, name, "")
	}

	// Forward, two at a time. A signal while the task is started is not part of it.
	first, events := e.pollDecisionPages(2, false, func() { e.signal(exec, "during", "") })
	equal(t, "first task startedEventId", first.StartedEventId, 6)
	wantHistory(t, events, `
1 WorkflowExecutionStarted
2 DecisionTaskScheduled
3 WorkflowExecutionSignaled
4 WorkflowExecutionSignaled
5 WorkflowExecutionSignaled
6 DecisionTaskStarted
`)
	e.decide(first.TaskToken)

	// Backward, three at a time: the signal during the first task called for a second one.
	second, events := e.pollDecisionPages(3, true, nil)
	equal(t, "second task startedEventId", second.StartedEventId, 10)
	equal(t, "second task previousStartedEventId", second.PreviousStartedEventId, 6)
	wantHistory(t, events, `
10 DecisionTaskStarted
9 DecisionTaskScheduled
8 DecisionTaskCompleted
7 WorkflowExecutionSignaled
6 DecisionTaskStarted
5 WorkflowExecutionSignaled
4 WorkflowExecutionSignaled
3 WorkflowExecutionSignaled
2 DecisionTaskScheduled
1 WorkflowExecutionStarted
`)
	e.decide(second.TaskToken, completeWorkflow(""))
	equal(t, "executionStatus", e.describe(exec).ExecutionInfo.ExecutionStatus, types.ExecutionStatusClosed)
}

// pollDecisionPages polls for a decision task with the given page size and order and reads all its pages;
// afterFirst, if not nil, runs once the first page is in. It returns the first page and all the events.
func (e *env) pollDecisionPages(size int32, reverse bool, afterFirst func()) (*swf.PollForDecisionTaskOutput, []types.HistoryEvent) {
	e.t.Helper()
	in := &swf.PollForDecisionTaskInput{
		Domain: aws.String(e.domain), TaskList: &types.TaskList{Name: aws.String(decisionList)},
		MaximumPageSize: size, ReverseOrder: reverse,
	}
	var first *swf.PollForDecisionTaskOutput
	deadline := time.Now().Add(waitFor)
	for first == nil || first.TaskToken == nil {
		if time.Now().After(deadline) {
			e.t.Fatalf("PollForDecisionTask: no decision task within %v", waitFor)
		}
		var err error
		if first, err = e.c.PollForDecisionTask(e.t.Context(), in); err != nil {
			e.t.Fatalf("PollForDecisionTask: %v", err)
		}
	}
	if afterFirst != nil {
		afterFirst()
	}
	events := first.Events
	for page, out := 2, first; out.NextPageToken != nil; page++ {
		if int32(len(out.Events)) != size {
			e.t.Fatalf("decision task page %d: got %d events with a nextPageToken, want %d", page-1, len(out.Events), size)
		}
		in.NextPageToken = out.NextPageToken
		var err error
		if out, err = e.c.PollForDecisionTask(e.t.Context(), in); err != nil {
			e.t.Fatalf("PollForDecisionTask page %d: %v", page, err)
		}
		equal(e.t, "page startedEventId", out.StartedEventId, first.StartedEventId)
		events = append(events, out.Events...)
		if page > 100 {
			e.t.Fatalf("PollForDecisionTask: still paging after %d pages", page)
		}
	}
	return first, events
}

// TestSWF_TaskMatching starts many pollers on a task list that holds fewer tasks than pollers: every task
// goes to exactly one poller, the rest answer empty, and tasks go out highest priority first.
func TestSWF_TaskMatching(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "e2e-task-matching", defaultHold)
	e.start("match-1")
	d := e.pollDecision()
	priorities := []string{"1", "10", "-5", "5"}
	var decisions []types.Decision
	for _, p := range priorities {
		decisions = append(decisions, e.scheduleActivity("p"+p, "", func(a *types.ScheduleActivityTaskDecisionAttributes) {
			a.TaskList = &types.TaskList{Name: aws.String("prioritized")}
			a.TaskPriority = aws.String(p)
		}))
	}
	for i := range 6 {
		decisions = append(decisions, e.scheduleActivity(fmt.Sprintf("m%d", i), "", func(a *types.ScheduleActivityTaskDecisionAttributes) {
			a.TaskList = &types.TaskList{Name: aws.String("shared")}
		}))
	}
	e.decide(d.TaskToken, decisions...)

	// One poller at a time on the prioritized list, so the order is the server's.
	var order []string
	for range priorities {
		order = append(order, aws.ToString(e.pollActivity("prioritized").ActivityId))
	}
	if want := []string{"p10", "p5", "p1", "p-5"}; !slices.Equal(order, want) {
		t.Errorf("activities by priority: got %q, want %q", order, want)
	}

	// Fifteen pollers at once on six tasks.
	const pollers = 15
	var results []<-chan pollResult
	for range pollers {
		results = append(results, goPoll(e.activityPoll(t.Context(), "shared")))
	}
	got := map[string]int{}
	empty := 0
	for _, ch := range results {
		r := <-ch
		switch {
		case r.err != nil:
			t.Errorf("PollForActivityTask: %v", r.err)
		case r.token == nil:
			empty++
		default:
			got[r.activityID]++
		}
	}
	for i := range 6 {
		if id := fmt.Sprintf("m%d", i); got[id] != 1 {
			t.Errorf("%s handed out %d times, want once", id, got[id])
		}
	}
	equal(t, "empty polls", empty, pollers-6)
}
