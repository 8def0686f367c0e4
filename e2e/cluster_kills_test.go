package e2e

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/swf"
	"github.com/aws/aws-sdk-go-v2/service/swf/types"

	"github.com/openswf/openswf/postgres/pgtest"
)

// killCycles is how many times TestCluster_RepeatedKills kills a node and starts it again.
const killCycles = 20

// TestCluster_RepeatedKills keeps an SWF workload running over three server processes on one PostgreSQL
// database while it kills a random node with SIGKILL and starts it again, killCycles times. Afterwards
// every acknowledged answer must still hold: each run whose start was acknowledged exists and ends, each
// completion acknowledged is in its run's history exactly once, the details of the last acknowledged
// heartbeat of a task that timed out are in its timeout, and no task was handed out twice.
func TestCluster_RepeatedKills(t *testing.T) {
	if testing.Short() {
		t.Skip("multi-node test builds and runs the server binary; skipped in -short mode")
	}
	db := pgtest.Schema(t)
	bin := crashBuild(t)
	start := func(slot, cycle int) *crashServer {
		return crashStart(t, bin, db, "--lease", clusterLease.String(), "--node-id", fmt.Sprintf("n%d-%d", slot+1, cycle))
	}
	k := &killWorld{handed: map[string]int{}, beats: map[string]string{}, unacked: map[string][]string{},
		completed: map[string]bool{}, runs: map[string]string{}}
	for i := range clusterNodes {
		k.nodes = append(k.nodes, start(i, 0))
	}
	k.register(t)

	ctx, stop := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	defer func() { stop(); wg.Wait() }()
	for slot := range clusterNodes {
		for range 2 {
			wg.Add(2)
			go func() { defer wg.Done(); k.decide(ctx, slot) }()
			go func() { defer wg.Done(); k.work(ctx, slot) }()
		}
	}
	startCtx, stopStarting := context.WithCancel(ctx)
	wg.Add(1)
	go func() { defer wg.Done(); k.startRuns(startCtx) }()

	for cycle := 1; cycle <= killCycles; cycle++ {
		time.Sleep(time.Duration(1000+rand.IntN(1000)) * time.Millisecond)
		slot := rand.IntN(clusterNodes)
		k.node(slot).kill(t)
		n := start(slot, cycle)
		k.mu.Lock()
		k.nodes[slot] = n
		k.mu.Unlock()
	}
	stopStarting()
	t.Logf("%d kills; %d runs started", killCycles, k.started())

	c := crashClient(k.node(0).url)
	var open []string
	crashEventually(t, 90*time.Second, func() bool {
		open = open[:0]
		k.mu.Lock()
		runs := make(map[string]string, len(k.runs))
		for id, run := range k.runs {
			runs[id] = run
		}
		k.mu.Unlock()
		for id, run := range runs {
			out, err := c.DescribeWorkflowExecution(t.Context(), &swf.DescribeWorkflowExecutionInput{Domain: aws.String(clusterDomain),
				Execution: &types.WorkflowExecution{WorkflowId: aws.String(id), RunId: aws.String(run)}})
			if err != nil || out.ExecutionInfo.ExecutionStatus != types.ExecutionStatusClosed {
				open = append(open, id)
			}
		}
		return len(open) == 0
	})
	if len(open) > 0 {
		t.Fatalf("%d runs still open 90 s after the last kill: %v", len(open), open)
	}
	stop()
	wg.Wait()

	k.mu.Lock()
	defer k.mu.Unlock()
	if len(k.runs) < 20 {
		t.Fatalf("only %d runs started: the load did not run", len(k.runs))
	}
	completed, timedOut := 0, 0
	for id, run := range k.runs {
		h := crashHistory(t, c, clusterDomain, id, run)
		if last := h[len(h)-1]; last.EventType != types.EventTypeWorkflowExecutionCompleted {
			t.Errorf("%s: ends with %s, want WorkflowExecutionCompleted:\n%s", id, last.EventType, crashHistoryText(h))
			continue
		}
		act := id + "-a"
		ev := crashCloseEvent(t, h, act)
		switch {
		case ev == nil:
			t.Errorf("%s: task never closed:\n%s", id, crashHistoryText(h))
		case ev.ActivityTaskCompletedEventAttributes != nil:
			completed++
		case ev.ActivityTaskTimedOutEventAttributes != nil:
			timedOut++
			if k.completed[act] {
				t.Errorf("%s: completion acknowledged, but the task timed out:\n%s", act, crashHistoryText(h))
			}
			// The details are the last acknowledged heartbeat's, or those of a later one whose answer was
			// lost with its node (sent, perhaps committed, never acknowledged).
			got := aws.ToString(ev.ActivityTaskTimedOutEventAttributes.Details)
			if acked, ok := k.beats[act]; ok && got != acked && !slices.Contains(k.unacked[act], got) {
				t.Errorf("%s: timed out with details %q, want the last acknowledged heartbeat's %q or a later one's %q", act,
					got, acked, k.unacked[act])
			}
		}
		n := 0
		for _, e := range h {
			if e.ActivityTaskCompletedEventAttributes != nil {
				n++
			}
		}
		if n > 1 {
			t.Errorf("%s: %d ActivityTaskCompleted events", id, n)
		}
	}
	// A completion acknowledged for a run whose start answer was lost (the start committed, its node died
	// before answering) is checked through its history.
	for act := range k.completed {
		id := strings.TrimSuffix(act, "-a")
		if _, ok := k.runs[id]; ok {
			continue
		}
		out, err := c.ListOpenWorkflowExecutions(t.Context(), &swf.ListOpenWorkflowExecutionsInput{Domain: aws.String(clusterDomain),
			StartTimeFilter: &types.ExecutionTimeFilter{OldestDate: aws.Time(time.Unix(0, 0))}, ExecutionFilter: &types.WorkflowExecutionFilter{WorkflowId: aws.String(id)}})
		if err != nil || len(out.ExecutionInfos) != 0 {
			t.Errorf("%s: completed, its run's start unacknowledged; open runs of %s: %v, %v; want none left open", act, id, out, err)
		}
	}
	for key, n := range k.handed {
		if n > 1 {
			t.Errorf("task %s handed out %d times", key, n)
		}
	}
	t.Logf("%d runs: %d tasks completed, %d timed out (held by a worker whose node was killed)", len(k.runs), completed, timedOut)
}

// killWorld is what TestCluster_RepeatedKills's clients saw. Node slots keep their place; a killed node's
// slot gets the node started in its stead.
type killWorld struct {
	mu        sync.Mutex
	nodes     []*crashServer
	runs      map[string]string // workflow id → run id, for acknowledged starts
	handed    map[string]int
	beats     map[string]string   // activity id → details of its last acknowledged heartbeat
	unacked   map[string][]string // activity id → details of heartbeats sent whose answer was lost
	completed map[string]bool
}

func (k *killWorld) node(slot int) *crashServer {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.nodes[slot]
}

func (k *killWorld) client(slot int) *swf.Client { return crashClient(k.node(slot).url) }

func (k *killWorld) started() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return len(k.runs)
}

func (k *killWorld) register(t *testing.T) {
	clusterRegister(t, k.client(0))
}

// startRuns starts a run about every 50 ms through a random node until ctx ends; a start that fails (its
// node was being killed) is not acknowledged and not counted.
func (k *killWorld) startRuns(ctx context.Context) {
	for i := 0; ctx.Err() == nil; i++ {
		id := fmt.Sprintf("kill-%04d", i)
		cctx, cancel := context.WithTimeout(ctx, crashCallTimeout)
		out, err := k.client(rand.IntN(clusterNodes)).StartWorkflowExecution(cctx, &swf.StartWorkflowExecutionInput{
			Domain: aws.String(clusterDomain), WorkflowId: aws.String(id),
			WorkflowType: &types.WorkflowType{Name: aws.String(clusterWFType), Version: aws.String("1")}})
		cancel()
		if err == nil {
			k.mu.Lock()
			k.runs[id] = aws.ToString(out.RunId)
			k.mu.Unlock()
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// decide schedules a run's task, then completes the run once the task has closed.
func (k *killWorld) decide(ctx context.Context, slot int) {
	for ctx.Err() == nil {
		c := k.client(slot)
		out, err := c.PollForDecisionTask(ctx, &swf.PollForDecisionTaskInput{Domain: aws.String(clusterDomain),
			TaskList: &types.TaskList{Name: aws.String(clusterDecisions)}, Identity: aws.String("decider")})
		if err != nil || aws.ToString(out.TaskToken) == "" {
			if err != nil {
				time.Sleep(50 * time.Millisecond) // the node is being killed or started
			}
			continue
		}
		id := aws.ToString(out.WorkflowExecution.WorkflowId)
		k.handOut(fmt.Sprintf("decision %s/%d", aws.ToString(out.WorkflowExecution.RunId), out.StartedEventId))
		scheduled, closed := 0, 0
		for _, ev := range out.Events {
			switch {
			case ev.ActivityTaskScheduledEventAttributes != nil:
				scheduled++
			case ev.ActivityTaskCompletedEventAttributes != nil, ev.ActivityTaskTimedOutEventAttributes != nil:
				closed++
			}
		}
		var ds []types.Decision
		switch {
		case scheduled == 0:
			d := clusterSchedule(id + "-a")
			// A task whose worker's node was killed mid-task times out soon.
			d.ScheduleActivityTaskDecisionAttributes.StartToCloseTimeout = aws.String("4")
			ds = []types.Decision{d}
		case closed == scheduled:
			ds = []types.Decision{{DecisionType: types.DecisionTypeCompleteWorkflowExecution}}
		}
		cctx, cancel := context.WithTimeout(context.Background(), crashCallTimeout)
		c.RespondDecisionTaskCompleted(cctx, &swf.RespondDecisionTaskCompletedInput{TaskToken: out.TaskToken, Decisions: ds})
		cancel()
	}
}

// work heartbeats a task twice and completes it.
func (k *killWorld) work(ctx context.Context, slot int) {
	for ctx.Err() == nil {
		c := k.client(slot)
		out, err := c.PollForActivityTask(ctx, &swf.PollForActivityTaskInput{Domain: aws.String(clusterDomain),
			TaskList: &types.TaskList{Name: aws.String(clusterTasks)}, Identity: aws.String("worker")})
		if err != nil || aws.ToString(out.TaskToken) == "" {
			if err != nil {
				time.Sleep(50 * time.Millisecond)
			}
			continue
		}
		id := aws.ToString(out.ActivityId)
		k.handOut("activity " + aws.ToString(out.WorkflowExecution.RunId) + "/" + id)
		ok := true
		for i := range 2 {
			d := fmt.Sprintf("%s beat %d", id, i)
			cctx, cancel := context.WithTimeout(context.Background(), crashCallTimeout)
			_, err := c.RecordActivityTaskHeartbeat(cctx, &swf.RecordActivityTaskHeartbeatInput{TaskToken: out.TaskToken, Details: aws.String(d)})
			cancel()
			if err != nil {
				k.mu.Lock()
				k.unacked[id] = append(k.unacked[id], d)
				k.mu.Unlock()
				ok = false
				break
			}
			k.mu.Lock()
			k.beats[id] = d
			k.mu.Unlock()
			time.Sleep(20 * time.Millisecond)
		}
		if !ok {
			continue
		}
		cctx, cancel := context.WithTimeout(context.Background(), crashCallTimeout)
		_, err = c.RespondActivityTaskCompleted(cctx, &swf.RespondActivityTaskCompletedInput{TaskToken: out.TaskToken, Result: aws.String("ok")})
		cancel()
		if err == nil {
			k.mu.Lock()
			k.completed[id] = true
			k.mu.Unlock()
		}
	}
}

func (k *killWorld) handOut(key string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.handed[key]++
}
