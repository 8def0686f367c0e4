package e2e

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/swf"
	"github.com/aws/aws-sdk-go-v2/service/swf/types"
)

// wantDenseHistory fails the test unless the events' ids run 1, 2, 3, … without a gap.
func wantDenseHistory(t *testing.T, evs []types.HistoryEvent) {
	t.Helper()
	for i, ev := range evs {
		if ev.EventId != int64(i+1) {
			t.Fatalf("event %d has id %d, want %d: ids must be dense", i, ev.EventId, i+1)
		}
	}
}

// One decision schedules 1,000 activities and 32 workers take and complete them at once, as a fan-out
// workflow's worker pool does: no call fails, and every task is handed out and completed exactly once.
func TestSWF_FanOutManyWorkersOneRun(t *testing.T) {
	const activities, workers = 1000, 32
	e := newEnv(t, "e2e-fanout", 500*time.Millisecond)
	ctx := t.Context()
	exec := e.start("fanout-1")
	decisions := make([]types.Decision, activities)
	for i := range decisions {
		decisions[i] = e.scheduleActivity(fmt.Sprintf("a%04d", i), "")
	}
	e.decide(e.pollDecision().TaskToken, decisions...)

	var (
		completed atomic.Int64
		mu        sync.Mutex
		failures  []error
		handed    = map[string]int{}
		wg        sync.WaitGroup
	)
	begin := time.Now()
	deadline := begin.Add(2 * time.Minute)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			identity := fmt.Sprintf("worker-%d", w)
			for completed.Load() < activities && time.Now().Before(deadline) {
				task, err := e.c.PollForActivityTask(ctx, &swf.PollForActivityTaskInput{
					Domain: aws.String(e.domain), TaskList: &types.TaskList{Name: aws.String(activityList)},
					Identity: aws.String(identity),
				})
				if err == nil && aws.ToString(task.TaskToken) != "" {
					mu.Lock()
					handed[aws.ToString(task.ActivityId)]++
					mu.Unlock()
					_, err = e.c.RespondActivityTaskCompleted(ctx, &swf.RespondActivityTaskCompletedInput{
						TaskToken: task.TaskToken, Result: task.ActivityId,
					})
					if err == nil {
						completed.Add(1)
					}
				}
				if err != nil {
					mu.Lock()
					failures = append(failures, err)
					mu.Unlock()
					return
				}
			}
		}()
	}
	wg.Wait()
	t.Logf("%d workers took and completed %d tasks in %v", workers, completed.Load(), time.Since(begin))
	if len(failures) > 0 {
		t.Fatalf("%d calls failed, the first: %v", len(failures), failures[0])
	}
	equal(t, "tasks completed", completed.Load(), int64(activities))
	for id, n := range handed {
		if n != 1 {
			t.Errorf("activity %s handed out %d times, want once", id, n)
		}
	}
	equal(t, "activities handed out", len(handed), activities)

	evs := e.history(exec)
	wantDenseHistory(t, evs)
	count := map[types.EventType]int{}
	closedOnce := map[int64]int{}
	for _, ev := range evs {
		count[ev.EventType]++
		if a := ev.ActivityTaskCompletedEventAttributes; a != nil {
			closedOnce[a.ScheduledEventId]++
		}
	}
	for _, typ := range []types.EventType{types.EventTypeActivityTaskScheduled, types.EventTypeActivityTaskStarted, types.EventTypeActivityTaskCompleted} {
		equal(t, string(typ)+" events", count[typ], activities)
	}
	for sched, n := range closedOnce {
		if n != 1 {
			t.Errorf("activity scheduled at %d completed %d times", sched, n)
		}
	}
}

// Sixteen clients signal one run a hundred times each, at once: every signal is recorded, none refused,
// and the history's ids stay dense.
func TestSWF_ConcurrentSignalsOneRun(t *testing.T) {
	const clients, each = 16, 100
	e := newEnv(t, "e2e-signals", defaultHold)
	exec := e.start("signals-1")
	var wg sync.WaitGroup
	errs := make(chan error, clients*each)
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				_, err := e.c.SignalWorkflowExecution(t.Context(), &swf.SignalWorkflowExecutionInput{
					Domain: aws.String(e.domain), WorkflowId: exec.WorkflowId, RunId: exec.RunId,
					SignalName: aws.String("s"), Input: aws.String(fmt.Sprintf("%d-%d", c, i)),
				})
				if err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("SignalWorkflowExecution failed: %v", err)
	}
	evs := e.history(exec)
	wantDenseHistory(t, evs)
	inputs := map[string]bool{}
	for _, ev := range evs {
		if a := ev.WorkflowExecutionSignaledEventAttributes; a != nil {
			inputs[aws.ToString(a.Input)] = true
		}
	}
	equal(t, "signals recorded", len(inputs), clients*each)
}
