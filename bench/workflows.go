package bench

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/swf"
	"github.com/aws/aws-sdk-go-v2/service/swf/types"
)

// workflowsLimit bounds the workflows workload: what has not completed by then counts as errors.
func workflowsLimit(k int) time.Duration { return 2*time.Minute + time.Duration(k)*20*time.Millisecond }

// workflows runs Workflows executions of one decision, one activity and a completion. A quarter of the
// workers start executions (paced by Rate when set), half of them decide, the rest take and complete the
// activity tasks; all calls go through the SDK client with retries off. With several nodes each starter,
// decider and worker is bound to one of them, round-robin. A workflow's latency runs from the
// moment its StartWorkflowExecution call is made to the acknowledgement of the decision that completes it.
func (b *bencher) workflows(ctx context.Context, srv *server) (Result, error) {
	k := b.cfg.Workflows
	e, err := newEnv(ctx, b.setupClient(srv.url), b.name(WorkloadWorkflows), b.logf)
	if err != nil {
		return Result{}, err
	}
	cs := b.loadClients(srv)
	deciders := max(1, b.cfg.Workers/2)
	workers := max(1, b.cfg.Workers-deciders)
	starters := max(1, b.cfg.Workers/4)

	var (
		startAt  = make([]time.Time, k)
		doneAt   = make([]time.Time, k)
		ended    atomic.Int64 // completed, failed or never started
		lost     atomic.Int64 // failed or never started: counted among errs already
		errs     atomic.Int64
		errMu    sync.Mutex
		firstErr []string
		finished = make(chan struct{})
		once     sync.Once
		wg       sync.WaitGroup
	)
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	// noteErr counts err unless the run is winding down, and reports whether it did.
	noteErr := func(err error) bool {
		if runCtx.Err() != nil {
			return false
		}
		errs.Add(1)
		errMu.Lock()
		if len(firstErr) < 5 {
			firstErr = append(firstErr, err.Error())
		}
		errMu.Unlock()
		return true
	}
	end := func() {
		if ended.Add(1) == int64(k) {
			once.Do(func() { close(finished) })
		}
	}

	cpu := startCPUMeter(srv.pids()...)
	// Starters take indexes from a dispatcher that paces them when a rate is set.
	next := make(chan int)
	wg.Go(func() {
		defer close(next)
		t0 := time.Now()
		for i := range k {
			if b.cfg.Rate > 0 {
				if wait := time.Until(t0.Add(time.Duration(float64(i) / b.cfg.Rate * float64(time.Second)))); wait > 0 {
					time.Sleep(wait)
				}
			}
			select {
			case next <- i:
			case <-runCtx.Done():
				return
			}
		}
	})
	for j := range starters {
		c := cs[j%len(cs)]
		wg.Go(func() {
			for i := range next {
				startAt[i] = time.Now()
				if _, err := c.StartWorkflowExecution(runCtx, &swf.StartWorkflowExecutionInput{
					Domain: aws.String(e.domain), WorkflowId: aws.String(workflowID(i)), WorkflowType: e.wfType,
				}); err != nil {
					if noteErr(fmt.Errorf("start workflow: %w", err)) {
						lost.Add(1)
					}
					end()
				}
			}
		})
	}
	for j := range deciders {
		c := cs[j%len(cs)]
		wg.Go(func() {
			for runCtx.Err() == nil {
				dt, err := c.PollForDecisionTask(runCtx, &swf.PollForDecisionTaskInput{
					Domain: aws.String(e.domain), TaskList: &types.TaskList{Name: aws.String(decisionList)},
					Identity: aws.String("bench-decider"),
				})
				if err != nil {
					noteErr(fmt.Errorf("poll for decision task: %w", err))
					continue
				}
				if dt.TaskToken == nil {
					continue
				}
				d, outcome := e.decide(dt.Events)
				in := &swf.RespondDecisionTaskCompletedInput{TaskToken: dt.TaskToken}
				if d != nil {
					in.Decisions = []types.Decision{*d}
				}
				if _, err := c.RespondDecisionTaskCompleted(runCtx, in); err != nil {
					noteErr(fmt.Errorf("respond decision task completed: %w", err))
					continue
				}
				switch outcome {
				case decidedComplete:
					if i, ok := workflowIndex(aws.ToString(dt.WorkflowExecution.WorkflowId), k); ok {
						doneAt[i] = time.Now()
					}
					end()
				case decidedFail:
					if noteErr(fmt.Errorf("workflow %s: its activity did not complete",
						aws.ToString(dt.WorkflowExecution.WorkflowId))) {
						lost.Add(1)
					}
					end()
				}
			}
		})
	}
	for j := range workers {
		c := cs[j%len(cs)]
		wg.Go(func() {
			for runCtx.Err() == nil {
				at, err := c.PollForActivityTask(runCtx, &swf.PollForActivityTaskInput{
					Domain: aws.String(e.domain), TaskList: &types.TaskList{Name: aws.String(activityList)},
					Identity: aws.String("bench-worker"),
				})
				if err != nil {
					noteErr(fmt.Errorf("poll for activity task: %w", err))
					continue
				}
				if at.TaskToken == nil {
					continue
				}
				if _, err := c.RespondActivityTaskCompleted(runCtx, &swf.RespondActivityTaskCompletedInput{
					TaskToken: at.TaskToken, Result: aws.String("ok"),
				}); err != nil {
					noteErr(fmt.Errorf("respond activity task completed: %w", err))
				}
			}
		})
	}

	limit := time.NewTimer(workflowsLimit(k))
	defer limit.Stop()
	select {
	case <-finished:
	case <-limit.C:
		b.logf("workflows: %d of %d executions ended within %v", ended.Load(), k, workflowsLimit(k))
	case <-ctx.Done():
	}
	cancel()
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return Result{}, err
	}
	completed := int64(0)
	for i := range k {
		if !doneAt[i].IsZero() {
			completed++
		}
	}
	serverCPU, nodeCPU := cpu.perOp(completed), cpu.perNode(completed)
	for _, msg := range firstErr {
		b.logf("workflows: error: %s", msg)
	}

	var lat []time.Duration
	var first, last time.Time
	for i := range k {
		if doneAt[i].IsZero() {
			continue
		}
		lat = append(lat, doneAt[i].Sub(startAt[i]))
		if first.IsZero() || startAt[i].Before(first) {
			first = startAt[i]
		}
		if doneAt[i].After(last) {
			last = doneAt[i]
		}
	}
	s := Summarize(lat)
	r := Result{
		Workload: WorkloadWorkflows, Client: ClientSDK, Workers: b.cfg.Workers, Ops: int64(s.Count),
		P50: s.P50, P99: s.P99, Max: s.Max,
		// Every call that failed, and every execution that did not complete for another reason.
		Errors:    errs.Load() + int64(k-s.Count) - lost.Load(),
		ServerCPU: serverCPU, NodeCPU: several(nodeCPU),
	}
	if s.Count > 0 {
		r.Elapsed = last.Sub(first)
		r.OpsPerSec = float64(s.Count) / r.Elapsed.Seconds()
	}
	return r, nil
}

// Decision outcomes.
const (
	decidedNothing = iota
	decidedSchedule
	decidedComplete
	decidedFail
)

// decide is the workflows decider: schedule the activity, then complete the workflow once it completed, or
// fail it if the activity ended otherwise.
func (e *env) decide(events []types.HistoryEvent) (*types.Decision, int) {
	scheduled := false
	for _, ev := range events {
		switch ev.EventType {
		case types.EventTypeActivityTaskScheduled:
			scheduled = true
		case types.EventTypeActivityTaskCompleted:
			return &types.Decision{
				DecisionType: types.DecisionTypeCompleteWorkflowExecution,
				CompleteWorkflowExecutionDecisionAttributes: &types.CompleteWorkflowExecutionDecisionAttributes{
					Result: aws.String("done"),
				},
			}, decidedComplete
		case types.EventTypeActivityTaskFailed, types.EventTypeActivityTaskTimedOut,
			types.EventTypeActivityTaskCanceled, types.EventTypeScheduleActivityTaskFailed:
			return &types.Decision{
				DecisionType: types.DecisionTypeFailWorkflowExecution,
				FailWorkflowExecutionDecisionAttributes: &types.FailWorkflowExecutionDecisionAttributes{
					Reason: aws.String(string(ev.EventType)),
				},
			}, decidedFail
		}
	}
	if scheduled {
		return nil, decidedNothing
	}
	return &types.Decision{
		DecisionType: types.DecisionTypeScheduleActivityTask,
		ScheduleActivityTaskDecisionAttributes: &types.ScheduleActivityTaskDecisionAttributes{
			ActivityId: aws.String("a"), ActivityType: e.actType, Input: aws.String("in"),
		},
	}, decidedSchedule
}

func workflowID(i int) string { return fmt.Sprintf("w-%07d", i) }

// workflowIndex parses a workflowID below k.
func workflowIndex(id string, k int) (int, bool) {
	s, ok := strings.CutPrefix(id, "w-")
	if !ok {
		return 0, false
	}
	i, err := strconv.Atoi(s)
	return i, err == nil && i >= 0 && i < k
}
