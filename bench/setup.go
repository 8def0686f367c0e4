package bench

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/swf"
	"github.com/aws/aws-sdk-go-v2/service/swf/types"
)

// Task lists of every run; runs are kept apart by their domains.
const (
	decisionList = "bench-decisions"
	activityList = "bench-activities"
)

// env is one run's domain with one workflow type and one activity type, registered through the SDK.
type env struct {
	c *swf.Client
	// spread, when set, are clients of several nodes: startTasks binds its starters, deciders and pollers
	// to them round-robin instead of using c.
	spread  []*swf.Client
	logf    func(format string, args ...any)
	domain  string
	wfType  *types.WorkflowType
	actType *types.ActivityType
}

// newEnv registers a domain named domain and the run's types: wf/1 (decision task list bench-decisions,
// execution timeout one day, decision task timeout 60 s) and act/1 (task list bench-activities,
// start-to-close one day, no other timeouts by default).
func newEnv(ctx context.Context, c *swf.Client, domain string, logf func(string, ...any)) (*env, error) {
	e := &env{
		c: c, logf: logf, domain: domain,
		wfType:  &types.WorkflowType{Name: aws.String("wf"), Version: aws.String("1")},
		actType: &types.ActivityType{Name: aws.String("act"), Version: aws.String("1")},
	}
	if _, err := c.RegisterDomain(ctx, &swf.RegisterDomainInput{
		Name: aws.String(domain), WorkflowExecutionRetentionPeriodInDays: aws.String("1"),
		Description: aws.String("openswf bench"),
	}); err != nil {
		return nil, fmt.Errorf("register domain %s: %w", domain, err)
	}
	if _, err := c.RegisterWorkflowType(ctx, &swf.RegisterWorkflowTypeInput{
		Domain: aws.String(domain), Name: e.wfType.Name, Version: e.wfType.Version,
		DefaultTaskList:                     &types.TaskList{Name: aws.String(decisionList)},
		DefaultExecutionStartToCloseTimeout: aws.String("86400"),
		DefaultTaskStartToCloseTimeout:      aws.String("60"),
		DefaultChildPolicy:                  types.ChildPolicyTerminate,
	}); err != nil {
		return nil, fmt.Errorf("register workflow type: %w", err)
	}
	if _, err := c.RegisterActivityType(ctx, &swf.RegisterActivityTypeInput{
		Domain: aws.String(domain), Name: e.actType.Name, Version: e.actType.Version,
		DefaultTaskList:                   &types.TaskList{Name: aws.String(activityList)},
		DefaultTaskStartToCloseTimeout:    aws.String("86400"),
		DefaultTaskHeartbeatTimeout:       aws.String("NONE"),
		DefaultTaskScheduleToStartTimeout: aws.String("NONE"),
		DefaultTaskScheduleToCloseTimeout: aws.String("NONE"),
	}); err != nil {
		return nil, fmt.Errorf("register activity type: %w", err)
	}
	return e, nil
}

// taskPlan says how startTasks starts activity tasks.
type taskPlan struct {
	// tasks is how many activity tasks to start.
	tasks int
	// perWorkflow is how many activities each workflow execution schedules in its first decision, at most
	// maxActivitiesPerExecution; the last execution takes the rest.
	perWorkflow int
	// every paces the workflow starts (one execution per every); 0 starts them as fast as the server takes.
	every time.Duration
	// heartbeatTimeout is each task's heartbeat timeout ("NONE" or seconds).
	heartbeatTimeout string
	// keepTokens keeps the task tokens, in hand-out order.
	keepTokens bool
}

// heldTasks are the started tasks of a plan.
type heldTasks struct {
	runs        []types.WorkflowExecution // in start order
	tokens      []string
	first, last time.Time // the client's time of the first and last hand-out
}

// tasksPerExecution is how many activity tasks an execution of timers and recovery holds. SWF allows up to
// 1000 open activities per execution; few per execution is both what users usually run and what lets a
// server hand tasks out in parallel (a hand-out is a transition of its execution).
const tasksPerExecution = 10

// setup concurrency: starters start executions, deciders answer their first decision tasks, pollers start
// activity tasks.
const (
	setupStarters = 4
	setupDeciders = 4
	setupPollers  = 16
)

// startTasks starts plan.tasks activity tasks and holds them open: it starts workflow executions (paced by
// plan.every), answers each one's first decision task by scheduling its activities with the plan's heartbeat
// timeout, and polls the activity task list until every task has been handed out, so that each has its
// ActivityTaskStarted event and its heartbeat clock running.
func (e *env) startTasks(ctx context.Context, plan taskPlan) (*heldTasks, error) {
	per := max(1, min(plan.perWorkflow, maxActivitiesPerExecution))
	nwf := (plan.tasks + per - 1) / per
	held := &heldTasks{runs: make([]types.WorkflowExecution, nwf)}
	if plan.keepTokens {
		held.tokens = make([]string, plan.tasks)
	}
	g := newGroup(ctx)
	var decided, started atomic.Int64
	var lastMu sync.Mutex

	// Starters: a dispatcher paces the executions, a few starters start them, so that one slow answer does
	// not hold the pace up. An execution's input says how many activities it schedules.
	next := make(chan int)
	g.do(func(ctx context.Context) error {
		defer close(next)
		t0 := time.Now()
		for i := range nwf {
			if plan.every > 0 {
				if wait := time.Until(t0.Add(time.Duration(i) * plan.every)); wait > 0 {
					select {
					case <-time.After(wait):
					case <-ctx.Done():
						return nil
					}
				}
			}
			select {
			case next <- i:
			case <-ctx.Done():
				return nil
			}
		}
		return nil
	})
	for j := range setupStarters {
		c := e.client(j)
		g.do(func(ctx context.Context) error {
			for i := range next {
				size := min(per, plan.tasks-i*per)
				id := fmt.Sprintf("w-%07d", i)
				out, err := c.StartWorkflowExecution(ctx, &swf.StartWorkflowExecutionInput{
					Domain: aws.String(e.domain), WorkflowId: aws.String(id), WorkflowType: e.wfType,
					Input: aws.String(strconv.Itoa(size)),
				})
				if err != nil {
					return stopped(ctx, fmt.Errorf("start workflow %s: %w", id, err))
				}
				held.runs[i] = types.WorkflowExecution{WorkflowId: aws.String(id), RunId: out.RunId}
			}
			return nil
		})
	}
	// Deciders: the first decision task of each execution schedules its activities.
	for j := range setupDeciders {
		c := e.client(j)
		g.do(func(ctx context.Context) error {
			for decided.Load() < int64(nwf) {
				dt, err := c.PollForDecisionTask(ctx, &swf.PollForDecisionTaskInput{
					Domain: aws.String(e.domain), TaskList: &types.TaskList{Name: aws.String(decisionList)},
					Identity: aws.String("bench-setup"),
				})
				if err != nil {
					return stopped(ctx, fmt.Errorf("poll for decision task: %w", err))
				}
				if dt.TaskToken == nil {
					continue
				}
				var ds []types.Decision
				if dt.PreviousStartedEventId == 0 {
					n := startInput(dt.Events)
					for j := range n {
						ds = append(ds, types.Decision{
							DecisionType: types.DecisionTypeScheduleActivityTask,
							ScheduleActivityTaskDecisionAttributes: &types.ScheduleActivityTaskDecisionAttributes{
								ActivityId: aws.String("a-" + strconv.Itoa(j)), ActivityType: e.actType,
								HeartbeatTimeout: aws.String(plan.heartbeatTimeout),
							},
						})
					}
				}
				if _, err := c.RespondDecisionTaskCompleted(ctx, &swf.RespondDecisionTaskCompletedInput{
					TaskToken: dt.TaskToken, Decisions: ds,
				}); err != nil {
					return stopped(ctx, fmt.Errorf("respond decision task completed: %w", err))
				}
				if dt.PreviousStartedEventId == 0 {
					decided.Add(1)
				}
			}
			return nil
		})
	}
	// Pollers: take every task; the last one ends the setup.
	for j := range setupPollers {
		c := e.client(j)
		g.do(func(ctx context.Context) error {
			for started.Load() < int64(plan.tasks) {
				at, err := c.PollForActivityTask(ctx, &swf.PollForActivityTaskInput{
					Domain: aws.String(e.domain), TaskList: &types.TaskList{Name: aws.String(activityList)},
					Identity: aws.String("bench-setup"),
				})
				if err != nil {
					return stopped(ctx, fmt.Errorf("poll for activity task: %w", err))
				}
				if at.TaskToken == nil {
					continue
				}
				n := started.Add(1)
				if plan.keepTokens {
					held.tokens[n-1] = *at.TaskToken
				}
				lastMu.Lock()
				held.last = time.Now()
				if held.first.IsZero() {
					held.first = held.last
				}
				lastMu.Unlock()
				if n == int64(plan.tasks) {
					g.cancel() // the others are parked in long polls
				}
			}
			return nil
		})
	}
	// Progress, for setups long enough to wonder about.
	g.do(func(ctx context.Context) error {
		t := time.NewTicker(5 * time.Second)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return nil
			case <-t.C:
				e.logf("setup: %d of %d activity tasks started", started.Load(), plan.tasks)
			}
		}
	})
	if err := g.wait(); err != nil {
		return nil, err
	}
	if got := started.Load(); got != int64(plan.tasks) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		return nil, fmt.Errorf("started %d activity tasks, want %d", got, plan.tasks)
	}
	return held, nil
}

// client is the i-th setup worker's client.
func (e *env) client(i int) *swf.Client {
	if len(e.spread) == 0 {
		return e.c
	}
	return e.spread[i%len(e.spread)]
}

// startInput is the input of the WorkflowExecutionStarted event among events: the number of activities the
// execution schedules.
func startInput(events []types.HistoryEvent) int {
	for _, ev := range events {
		if a := ev.WorkflowExecutionStartedEventAttributes; a != nil {
			n, _ := strconv.Atoi(aws.ToString(a.Input))
			return n
		}
	}
	return 0
}

// terminate ends runs on a best-effort basis, so that an external endpoint is not left with the bench's
// open executions and tasks.
func (e *env) terminate(ctx context.Context, runs []types.WorkflowExecution) {
	work := make(chan types.WorkflowExecution)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for r := range work {
				e.c.TerminateWorkflowExecution(ctx, &swf.TerminateWorkflowExecutionInput{
					Domain: aws.String(e.domain), WorkflowId: r.WorkflowId, RunId: r.RunId,
					Reason: aws.String("openswf bench done"),
				})
			}
		})
	}
	for _, r := range runs {
		if r.RunId != nil {
			work <- r
		}
	}
	close(work)
	wg.Wait()
}

// group runs functions until the first error, which cancels the others (errgroup without the dependency).
type group struct {
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	once   sync.Once
	err    error
}

func newGroup(ctx context.Context) *group {
	ctx, cancel := context.WithCancel(ctx)
	return &group{ctx: ctx, cancel: cancel}
}

func (g *group) do(f func(ctx context.Context) error) {
	g.wg.Go(func() {
		if err := f(g.ctx); err != nil {
			g.once.Do(func() { g.err = err })
			g.cancel()
		}
	})
}

// wait waits for every function and returns the first error.
func (g *group) wait() error {
	g.wg.Wait()
	g.cancel()
	return g.err
}

// stopped returns nil for an error caused by ctx ending (the group is winding down), else err.
func stopped(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return nil
	}
	return err
}
