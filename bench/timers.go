package bench

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/swf"
	"github.com/aws/aws-sdk-go-v2/service/swf/types"
)

const (
	// timersStartsPerSecond caps how many workflow executions timers starts per second: above 100/s its
	// executions take more tasks each instead (one starter goroutine paces them).
	timersStartsPerSecond = 100
	// timersHeadroom is how much slower than TimeoutRate the server may start tasks before the setup runs
	// into the first deadlines.
	timersHeadroom = 1.5
	// timersReadAfter is how long after the last deadline timers starts reading histories.
	timersReadAfter = 500 * time.Millisecond
	// timersPatience is how long after the last deadline timers keeps re-reading histories that lack
	// timeouts; what is still missing then counts as errors.
	timersPatience = time.Minute
	// historyReaders is how many histories are read at once.
	historyReaders = 16
)

// timers measures how late heartbeat timeouts fire with many open tasks.
//
// How deadlines are spread: SWF timeouts are whole seconds, so instead of giving tasks different timeouts
// the bench starts them over time, which spreads deadlines continuously. Every task gets the same heartbeat
// timeout H, and the tasks are started at TimeoutRate per second: workflow executions of tasksPerExecution
// tasks each (more above 100 executions/s), started one after another, each scheduling its tasks in its
// first decision while pollers take them. Nothing heartbeats, so a task's deadline is its
// ActivityTaskStarted eventTimestamp + H, and the deadlines come due at the rate the server started the
// tasks: TimeoutRate when it keeps up, else its own start rate (reported as DueRate). H is
// ceil(1.5 × Tasks/TimeoutRate) + 1 seconds, so that the setup is over before the first deadline even if
// the server starts tasks a third slower than asked: the server holds all Tasks open started tasks when the
// first timeout fires, with no other load, and the open count falls to zero as the timeouts fire. The
// lateness of a timeout is its ActivityTaskTimedOut eventTimestamp minus its deadline, both on the server's
// clock, read once from each history after the last deadline passed (at the resolution of the server's
// timestamps).
func (b *bencher) timers(ctx context.Context, srv *server) (Result, error) {
	m, rate := b.cfg.Tasks, b.cfg.TimeoutRate
	per := max(tasksPerExecution, min(maxActivitiesPerExecution, int(math.Ceil(rate/timersStartsPerSecond))))
	every := time.Duration(float64(per) / rate * float64(time.Second))
	hb := int(math.Ceil(timersHeadroom*float64(m)/rate)) + 1
	e, err := newEnv(ctx, b.setupClient(srv.url), b.name(WorkloadTimers), b.logf)
	if err != nil {
		return Result{}, err
	}
	b.logf("timers: starting %d tasks, %d per execution every %v, heartbeat timeout %d s", m, per, every, hb)
	t0 := time.Now()
	held, err := e.startTasks(ctx, taskPlan{
		tasks: m, perWorkflow: per, every: every, heartbeatTimeout: strconv.Itoa(hb),
	})
	if err != nil {
		return Result{}, fmt.Errorf("start tasks: %w", err)
	}
	setup := time.Since(t0)
	b.logf("timers: %d tasks started in %v (%.0f/s); waiting for their deadlines", m, setup.Round(time.Millisecond),
		float64(m)/setup.Seconds())
	if over := held.last.Sub(held.first.Add(time.Duration(hb) * time.Second)); over > 0 {
		b.logf("timers: warning: the server started tasks too slowly: the setup ran %v into the first deadlines, "+
			"so the first timeouts fired under setup load", over.Round(time.Millisecond))
	}

	lastDeadline := held.last.Add(time.Duration(hb) * time.Second)
	select {
	case <-time.After(time.Until(lastDeadline.Add(timersReadAfter))):
	case <-ctx.Done():
		return Result{}, ctx.Err()
	}
	rss := srv.peakRSS() // before reading histories, which costs the server memory of its own
	t, err := e.readTimeouts(ctx, held.runs, lastDeadline.Add(timersPatience))
	if err != nil {
		return Result{}, err
	}
	if b.cfg.Endpoint != "" {
		e.terminate(ctx, held.runs)
	}
	lat := Summarize(t.lateness)
	r := Result{
		Workload: WorkloadTimers, Client: ClientSDK, Tasks: m, Ops: int64(lat.Count),
		P50: lat.P50, P99: lat.P99, Max: lat.Max, PeakRSS: rss,
		Errors: int64(m-lat.Count) + t.otherTimeouts,
	}
	if len(t.fired) > 1 {
		r.Elapsed = t.fired[len(t.fired)-1].Sub(t.fired[0])
		r.OpsPerSec = float64(len(t.fired)-1) / r.Elapsed.Seconds()
	}
	if len(t.deadlines) > 1 {
		span := t.deadlines[len(t.deadlines)-1].Sub(t.deadlines[0])
		r.DueRate = float64(len(t.deadlines)-1) / span.Seconds()
	}
	if r.Errors > 0 {
		b.logf("timers: %d of %d tasks have no HEARTBEAT timeout in their history (%d other timeouts)",
			int64(m-lat.Count), m, t.otherTimeouts)
	}
	return r, nil
}

// timeouts are the heartbeat timeouts read from histories.
type timeouts struct {
	lateness      []time.Duration
	deadlines     []time.Time // sorted
	fired         []time.Time // sorted
	otherTimeouts int64       // timeouts of another type: none should happen
}

// runTimeouts is what one history says.
type runTimeouts struct {
	scheduled     int
	lateness      []time.Duration
	deadlines     []time.Time
	fired         []time.Time
	otherTimeouts int64
}

func (r *runTimeouts) complete() bool {
	return r != nil && r.scheduled > 0 && len(r.lateness)+int(r.otherTimeouts) >= r.scheduled
}

// readTimeouts reads each run's history until every scheduled activity has its timeout, re-reading the
// incomplete ones each second until giveUp.
func (e *env) readTimeouts(ctx context.Context, runs []types.WorkflowExecution, giveUp time.Time) (*timeouts, error) {
	got, err := e.readRunsTimeouts(ctx, runs, giveUp)
	if err != nil {
		return nil, err
	}
	return mergeTimeouts(got), nil
}

// readRunsTimeouts is readTimeouts run by run: got[i] is what the history of runs[i] says, nil if it could
// not be read.
func (e *env) readRunsTimeouts(ctx context.Context, runs []types.WorkflowExecution, giveUp time.Time) ([]*runTimeouts, error) {
	got := make([]*runTimeouts, len(runs))
	for {
		var todo []int
		for i := range runs {
			if !got[i].complete() {
				todo = append(todo, i)
			}
		}
		if len(todo) == 0 {
			break
		}
		if err := e.readHistories(ctx, runs, todo, got); err != nil {
			return nil, err
		}
		missing := 0
		for _, i := range todo {
			if !got[i].complete() {
				missing++
			}
		}
		if missing == 0 || time.Now().After(giveUp) {
			break
		}
		e.logf("%d executions still lack timeouts; reading them again", missing)
		select {
		case <-time.After(time.Second):
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return got, nil
}

// mergeTimeouts gathers the timeouts of runs, sorted.
func mergeTimeouts(got []*runTimeouts) *timeouts {
	t := &timeouts{}
	for _, r := range got {
		if r == nil {
			continue
		}
		t.lateness = append(t.lateness, r.lateness...)
		t.deadlines = append(t.deadlines, r.deadlines...)
		t.fired = append(t.fired, r.fired...)
		t.otherTimeouts += r.otherTimeouts
	}
	sortTimes(t.deadlines)
	sortTimes(t.fired)
	return t
}

// readHistories reads the histories of runs[i] for i in which, historyReaders at a time, into got[i].
func (e *env) readHistories(ctx context.Context, runs []types.WorkflowExecution, which []int, got []*runTimeouts) error {
	g := newGroup(ctx)
	work := make(chan int)
	for range historyReaders {
		g.do(func(ctx context.Context) error {
			for i := range work {
				r, err := e.readRunTimeouts(ctx, runs[i])
				if err != nil {
					return err
				}
				got[i] = r
			}
			return nil
		})
	}
	// Each got[i] is written by the one reader that took i; wait orders the writes before the caller's reads.
feed:
	for _, i := range which {
		select {
		case work <- i:
		case <-g.ctx.Done():
			break feed
		}
	}
	close(work)
	return g.wait()
}

// readRunTimeouts reads one run's history and computes the lateness of each heartbeat timeout in it.
func (e *env) readRunTimeouts(ctx context.Context, run types.WorkflowExecution) (*runTimeouts, error) {
	type startedTask struct {
		at      time.Time
		timeout time.Duration
	}
	timeoutOf := map[int64]time.Duration{} // ActivityTaskScheduled event id → heartbeat timeout
	started := map[int64]startedTask{}     // ActivityTaskStarted event id → start
	r := &runTimeouts{}
	p := swf.NewGetWorkflowExecutionHistoryPaginator(e.c, &swf.GetWorkflowExecutionHistoryInput{
		Domain: aws.String(e.domain), Execution: &run, MaximumPageSize: 1000,
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("history of %s: %w", aws.ToString(run.WorkflowId), err)
		}
		for _, ev := range page.Events {
			switch {
			case ev.ActivityTaskScheduledEventAttributes != nil:
				r.scheduled++
				s, _ := strconv.Atoi(aws.ToString(ev.ActivityTaskScheduledEventAttributes.HeartbeatTimeout))
				timeoutOf[ev.EventId] = time.Duration(s) * time.Second
			case ev.ActivityTaskStartedEventAttributes != nil:
				started[ev.EventId] = startedTask{
					at:      aws.ToTime(ev.EventTimestamp),
					timeout: timeoutOf[ev.ActivityTaskStartedEventAttributes.ScheduledEventId],
				}
			case ev.ActivityTaskTimedOutEventAttributes != nil:
				a := ev.ActivityTaskTimedOutEventAttributes
				st, ok := started[a.StartedEventId]
				if a.TimeoutType != types.ActivityTaskTimeoutTypeHeartbeat || !ok {
					r.otherTimeouts++
					continue
				}
				deadline := st.at.Add(st.timeout)
				fired := aws.ToTime(ev.EventTimestamp)
				r.deadlines = append(r.deadlines, deadline)
				r.fired = append(r.fired, fired)
				r.lateness = append(r.lateness, fired.Sub(deadline))
			}
		}
	}
	return r, nil
}

func sortTimes(ts []time.Time) {
	slices.SortFunc(ts, func(a, b time.Time) int { return a.Compare(b) })
}
