package e2e

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"
)

const parallelMachine = `{
  "StartAt": "Both",
  "States": {
    "Both": {"Type": "Parallel", "End": true,
             "Catch": [{"ErrorEquals": ["BranchBroke"], "ResultPath": "$.failure", "Next": "Caught"}],
             "Branches": [
               {"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "ACTIVITY", "Parameters": {"branch": "a"}, "End": true}}},
               {"StartAt": "B", "States": {"B": {"Type": "Task", "Resource": "ACTIVITY", "Parameters": {"branch": "b"}, "End": true}}}
             ]},
    "Caught": {"Type": "Pass", "End": true}
  }
}`

// takeBoth has two workers wait for the activity's tasks at the same time and returns their tasks by
// branch name, as the task's input names it.
func (e *sfnEnv) takeBoth() map[string]*sfn.GetActivityTaskOutput {
	e.t.Helper()
	var wg sync.WaitGroup
	outs := make([]*sfn.GetActivityTaskOutput, 2)
	errs := make([]error, 2)
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			outs[i], errs[i] = e.c.GetActivityTask(e.t.Context(), &sfn.GetActivityTaskInput{
				ActivityArn: aws.String(e.activityArn), WorkerName: aws.String(fmt.Sprintf("w%d", i))})
		}()
	}
	wg.Wait()
	tasks := map[string]*sfn.GetActivityTaskOutput{}
	for i, out := range outs {
		if errs[i] != nil || out.TaskToken == nil {
			e.t.Fatalf("worker %d: GetActivityTask = %+v, %v; want a task", i, out, errs[i])
		}
		var in struct{ Branch string }
		if err := json.Unmarshal([]byte(aws.ToString(out.Input)), &in); err != nil {
			e.t.Fatalf("task input %s: %v", aws.ToString(out.Input), err)
		}
		tasks[in.Branch] = out
	}
	if tasks["a"] == nil || tasks["b"] == nil {
		e.t.Fatalf("tasks = %v, want one per branch", tasks)
	}
	return tasks
}

// A Parallel over two activity branches: both tasks are open at once and taken by two workers; the
// result is the branches' outputs in branch order, whichever finished first.
func TestSFN_ParallelActivities(t *testing.T) {
	t.Parallel()
	e := newSFNEnv(t, 5*time.Second)
	ctx := t.Context()
	sm := e.machine("parallel", parallelMachine)
	arn := e.start(sm, "both", `{}`)
	tasks := e.takeBoth()
	for _, b := range []string{"b", "a"} { // the second branch first
		if _, err := e.c.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: tasks[b].TaskToken,
			Output: aws.String(`{"from":"` + b + `"}`)}); err != nil {
			t.Fatalf("SendTaskSuccess(%s): %v", b, err)
		}
	}
	d := e.waitStatus(arn, sfntypes.ExecutionStatusSucceeded, 10*time.Second)
	wantJSON(t, "output", aws.ToString(d.Output), `[{"from":"a"},{"from":"b"}]`)
	got := eventTypes(e.events(arn))
	for _, want := range []string{"ParallelStateEntered\nParallelStateStarted\n", "ParallelStateSucceeded\nParallelStateExited\nExecutionSucceeded\n"} {
		if !strings.Contains(got, want) {
			t.Errorf("history lacks %q:\n%s", want, got)
		}
	}
	if n := strings.Count(got, "ActivitySucceeded"); n != 2 {
		t.Errorf("history has %d ActivitySucceeded, want 2:\n%s", n, got)
	}
}

// A branch that fails aborts the other: its task is closed (its worker's token answers TaskTimedOut), the
// history shows TaskStateAborted and ParallelStateFailed, and the Parallel's Catch sees the branch's
// error and cause.
func TestSFN_ParallelBranchFailure(t *testing.T) {
	t.Parallel()
	e := newSFNEnv(t, 5*time.Second)
	ctx := t.Context()
	sm := e.machine("parallel", parallelMachine)
	arn := e.start(sm, "one-fails", `{"n":1}`)
	tasks := e.takeBoth()
	if _, err := e.c.SendTaskFailure(ctx, &sfn.SendTaskFailureInput{TaskToken: tasks["a"].TaskToken,
		Error: aws.String("BranchBroke"), Cause: aws.String("a broke")}); err != nil {
		t.Fatalf("SendTaskFailure: %v", err)
	}
	d := e.waitStatus(arn, sfntypes.ExecutionStatusSucceeded, 10*time.Second)
	wantJSON(t, "output", aws.ToString(d.Output), `{"n":1,"failure":{"Error":"BranchBroke","Cause":"a broke"}}`)

	_, err := e.c.SendTaskHeartbeat(ctx, &sfn.SendTaskHeartbeatInput{TaskToken: tasks["b"].TaskToken})
	wantSFNFault(t, err, "TaskTimedOut", "Task Timed Out")
	_, err = e.c.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: tasks["b"].TaskToken, Output: aws.String("{}")})
	wantSFNFault(t, err, "TaskTimedOut", "Task Timed Out")

	got := eventTypes(e.events(arn))
	for _, want := range []string{"ActivityFailed\n", "TaskStateAborted\n", "ParallelStateFailed\nParallelStateExited\nPassStateEntered\n"} {
		if !strings.Contains(got, want) {
			t.Errorf("history lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "ActivitySucceeded") {
		t.Errorf("the aborted branch's task succeeded:\n%s", got)
	}
}

// A Map over 20 activity items with MaxConcurrency 5, served by eight workers at once: the results are
// in item order, each item has MapIterationStarted and MapIterationSucceeded, and never more than five
// tasks are open, neither as the workers see it nor in the history.
func TestSFN_MapActivities(t *testing.T) {
	t.Parallel()
	e := newSFNEnv(t, 500*time.Millisecond)
	ctx := t.Context()
	const items, maxConc, workers = 20, 5, 8
	sm := e.machine("map", `{
	  "StartAt": "Each",
	  "States": {
	    "Each": {"Type": "Map", "ItemsPath": "$.items", "MaxConcurrency": 5, "End": true,
	             "ItemProcessor": {"StartAt": "Work", "States": {"Work": {"Type": "Task", "Resource": "ACTIVITY", "End": true}}}}
	  }
	}`)
	in := make([]string, items)
	want := make([]string, items)
	for i := range items {
		in[i] = fmt.Sprintf(`{"i":%d}`, i)
		want[i] = fmt.Sprintf(`{"i":%d,"done":true}`, i)
	}
	arn := e.start(sm, "twenty", `{"items":[`+strings.Join(in, ",")+`]}`)

	var open, peak, done atomic.Int64
	var wg sync.WaitGroup
	deadline := time.Now().Add(30 * time.Second)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for done.Load() < items && time.Now().Before(deadline) {
				out, err := e.c.GetActivityTask(ctx, &sfn.GetActivityTaskInput{
					ActivityArn: aws.String(e.activityArn), WorkerName: aws.String(fmt.Sprintf("w%d", w))})
				if err != nil {
					t.Errorf("worker %d: GetActivityTask: %v", w, err)
					return
				}
				if out.TaskToken == nil {
					continue
				}
				n := open.Add(1)
				for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
				}
				time.Sleep(20 * time.Millisecond) // hold the task so that the others pile up
				var item map[string]any
				if err := json.Unmarshal([]byte(aws.ToString(out.Input)), &item); err != nil {
					t.Errorf("worker %d: task input %s: %v", w, aws.ToString(out.Input), err)
					return
				}
				item["done"] = true
				result, _ := json.Marshal(item)
				open.Add(-1) // before the success, which lets the Map schedule the next item
				if _, err := e.c.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: out.TaskToken, Output: aws.String(string(result))}); err != nil {
					t.Errorf("worker %d: SendTaskSuccess: %v", w, err)
					return
				}
				done.Add(1)
			}
		}()
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	d := e.waitStatus(arn, sfntypes.ExecutionStatusSucceeded, 10*time.Second)
	wantJSON(t, "output", aws.ToString(d.Output), "["+strings.Join(want, ",")+"]")
	if p := peak.Load(); p > maxConc {
		t.Errorf("the workers held %d tasks at once, want at most %d", p, maxConc)
	}

	evs := e.events(arn)
	openInHistory, peakInHistory := 0, 0
	started, succeeded := map[int32]bool{}, map[int32]bool{}
	for _, ev := range evs {
		switch ev.Type {
		case sfntypes.HistoryEventTypeActivityScheduled:
			openInHistory++
			peakInHistory = max(peakInHistory, openInHistory)
		case sfntypes.HistoryEventTypeActivitySucceeded:
			openInHistory--
		case sfntypes.HistoryEventTypeMapIterationStarted:
			started[ev.MapIterationStartedEventDetails.Index] = true
			if n := aws.ToString(ev.MapIterationStartedEventDetails.Name); n != "Each" {
				t.Errorf("MapIterationStarted name = %q, want Each", n)
			}
		case sfntypes.HistoryEventTypeMapIterationSucceeded:
			succeeded[ev.MapIterationSucceededEventDetails.Index] = true
		}
	}
	if peakInHistory != maxConc {
		t.Errorf("the history has at most %d activity tasks open at once, want %d", peakInHistory, maxConc)
	}
	if len(started) != items || len(succeeded) != items {
		t.Errorf("MapIterationStarted for %d items, MapIterationSucceeded for %d, want %d each", len(started), len(succeeded), items)
	}
	ms := ofType(evs, sfntypes.HistoryEventTypeMapStateStarted)
	if len(ms) != 1 || ms[0].MapStateStartedEventDetails.Length != items {
		t.Errorf("MapStateStarted = %+v, want one with length %d", ms, items)
	}
	if got := eventTypes(evs); !strings.HasSuffix(got, "MapStateSucceeded\nMapStateExited\nExecutionSucceeded\n") {
		t.Errorf("history does not end with the Map's success:\n%s", got)
	}
}
