package bench

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/swf"
	"github.com/aws/aws-sdk-go-v2/service/swf/types"
)

// fanoutLimit bounds the fanout workload's load: what has not completed by then counts as errors.
const fanoutLimit = 5 * time.Minute

// fanout measures many workers on one execution, the common fan-out shape: one run's first decision
// schedules Activities activity tasks, then Workers workers take and complete them through the SDK client
// with retries off, each polling again as soon as it has completed a task; with several nodes the workers
// are bound to them round-robin. Ops counts completed tasks;
// OpsPerSec is completions per second from the moment the decision was acknowledged to the last
// completion; the latency figures are of the polls that returned a task.
func (b *bencher) fanout(ctx context.Context, srv *server) (Result, error) {
	n := min(b.cfg.Activities, maxActivitiesPerExecution)
	e, err := newEnv(ctx, b.setupClient(srv.url), b.name(WorkloadFanout), b.logf)
	if err != nil {
		return Result{}, err
	}
	run, err := e.c.StartWorkflowExecution(ctx, &swf.StartWorkflowExecutionInput{
		Domain: aws.String(e.domain), WorkflowId: aws.String("fanout"), WorkflowType: e.wfType,
	})
	if err != nil {
		return Result{}, fmt.Errorf("start workflow: %w", err)
	}
	var task *swf.PollForDecisionTaskOutput
	for task == nil || aws.ToString(task.TaskToken) == "" {
		if task, err = e.c.PollForDecisionTask(ctx, &swf.PollForDecisionTaskInput{
			Domain: aws.String(e.domain), TaskList: &types.TaskList{Name: aws.String(decisionList)},
		}); err != nil {
			return Result{}, fmt.Errorf("poll decision task: %w", err)
		}
	}
	decisions := make([]types.Decision, n)
	for i := range decisions {
		decisions[i] = types.Decision{DecisionType: types.DecisionTypeScheduleActivityTask,
			ScheduleActivityTaskDecisionAttributes: &types.ScheduleActivityTaskDecisionAttributes{
				ActivityId: aws.String(fmt.Sprintf("a%d", i)), ActivityType: e.actType,
			}}
	}
	if _, err := e.c.RespondDecisionTaskCompleted(ctx, &swf.RespondDecisionTaskCompletedInput{
		TaskToken: task.TaskToken, Decisions: decisions,
	}); err != nil {
		return Result{}, fmt.Errorf("schedule %d activities: %w", n, err)
	}
	b.logf("fanout: %d activities scheduled in run %s; %d workers take them", n, aws.ToString(run.RunId), b.cfg.Workers)

	cs := b.loadClients(srv)
	var (
		completed atomic.Int64
		errs      atomic.Int64
		mu        sync.Mutex
		polls     []time.Duration
		firstErr  []string
		last      time.Time
		wg        sync.WaitGroup
	)
	noteErr := func(err error) {
		errs.Add(1)
		mu.Lock()
		if len(firstErr) < 5 {
			firstErr = append(firstErr, err.Error())
		}
		mu.Unlock()
	}
	cpu := startCPUMeter(srv.pids()...)
	start := time.Now()
	runCtx, cancel := context.WithTimeout(ctx, fanoutLimit)
	defer cancel()
	for w := range b.cfg.Workers {
		c := cs[w%len(cs)]
		wg.Go(func() {
			identity := aws.String(fmt.Sprintf("worker-%d", w))
			var mine []time.Duration
			defer func() {
				mu.Lock()
				polls = append(polls, mine...)
				mu.Unlock()
			}()
			for completed.Load() < int64(n) && runCtx.Err() == nil {
				t0 := time.Now()
				task, err := c.PollForActivityTask(runCtx, &swf.PollForActivityTaskInput{
					Domain: aws.String(e.domain), TaskList: &types.TaskList{Name: aws.String(activityList)}, Identity: identity,
				})
				if err != nil {
					if runCtx.Err() == nil {
						noteErr(fmt.Errorf("PollForActivityTask: %w", err))
					}
					continue
				}
				if aws.ToString(task.TaskToken) == "" {
					continue
				}
				mine = append(mine, time.Since(t0))
				if _, err := c.RespondActivityTaskCompleted(runCtx, &swf.RespondActivityTaskCompletedInput{
					TaskToken: task.TaskToken, Result: task.ActivityId,
				}); err != nil {
					noteErr(fmt.Errorf("RespondActivityTaskCompleted: %w", err))
					continue
				}
				if completed.Add(1) == int64(n) {
					mu.Lock()
					last = time.Now()
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	serverCPU, nodeCPU := cpu.perOp(completed.Load()), cpu.perNode(completed.Load())
	for _, msg := range firstErr {
		b.logf("fanout: error: %s", msg)
	}
	if last.IsZero() {
		last = time.Now()
	}
	s := Summarize(polls)
	done := completed.Load()
	r := Result{
		Workload: WorkloadFanout, Client: ClientSDK, Workers: b.cfg.Workers, Ops: done, Tasks: n,
		Elapsed: last.Sub(start), P50: s.P50, P99: s.P99, Max: s.Max,
		Errors: errs.Load() + int64(n) - done, ServerCPU: serverCPU, NodeCPU: several(nodeCPU),
	}
	if r.Elapsed > 0 {
		r.OpsPerSec = float64(done) / r.Elapsed.Seconds()
	}
	e.terminate(ctx, []types.WorkflowExecution{{WorkflowId: aws.String("fanout"), RunId: run.RunId}})
	return r, nil
}
