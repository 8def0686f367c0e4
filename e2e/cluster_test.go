package e2e

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/aws/aws-sdk-go-v2/service/swf"
	"github.com/aws/aws-sdk-go-v2/service/swf/types"

	"github.com/openswf/openswf"
	"github.com/openswf/openswf/postgres/pgtest"
)

// The multi-node scenario's shape. Silent tasks heartbeat once and then never again, so that each times
// out clusterHeartbeat after its heartbeat; the node owning the most timer leases is killed (SIGKILL)
// before those deadlines.
const (
	clusterNodes     = 3
	clusterLease     = 2 * time.Second
	clusterHeartbeat = 4 * time.Second
	clusterSilentWFs = 18 // each with two silent activity tasks
	clusterWorkWFs   = 9  // started after the kill, each with one task that is completed
	clusterSFNRuns   = 6
	clusterDomain    = "cluster"
	clusterWFType    = "cluster-wf"
	clusterActType   = "cluster-act"
	clusterDecisions = "cluster-decisions"
	clusterTasks     = "cluster-tasks"
)

// TestCluster_KillNodeOwningMostTimers runs three server processes on one PostgreSQL database under SWF and
// Step Functions workloads spread over all of them, kills the node that owns the most timer partitions
// with SIGKILL, and checks that:
//   - every acknowledged answer is still true: started runs exist and end, completed tasks are in their
//     history, heartbeat details reach the timeout event;
//   - every timeout fires exactly once, those of the dead node within the lease and 2 s of their deadline;
//   - no task is ever handed out twice, whatever node each poller is on;
//   - pollers on the surviving nodes keep getting tasks, including those scheduled through other nodes.
func TestCluster_KillNodeOwningMostTimers(t *testing.T) {
	if testing.Short() {
		t.Skip("multi-node test builds and runs the server binary; skipped in -short mode")
	}
	db := pgtest.Schema(t)
	bin := crashBuild(t)
	var nodes []*crashServer
	for i := range clusterNodes {
		nodes = append(nodes, crashStart(t, bin, db, "--lease", clusterLease.String(), "--node-id", fmt.Sprintf("n%d", i+1)))
	}
	var leases []int
	crashEventually(t, 15*time.Second, func() bool {
		leases = clusterLeases(nodes)
		sum, least := 0, 64
		for _, n := range leases {
			sum += n
			least = min(least, n)
		}
		return sum == 64 && least > 0
	})
	if sum := leases[0] + leases[1] + leases[2]; sum != 64 || min(leases[0], leases[1], leases[2]) == 0 {
		t.Fatalf("timer leases per node %v: want all 64 partitions split over the three", leases)
	}
	clients := make([]*swf.Client, clusterNodes)
	states := make([]*sfn.Client, clusterNodes)
	for i, n := range nodes {
		clients[i] = crashClient(n.url)
		states[i] = sfn.New(sfn.Options{BaseEndpoint: aws.String(n.url), Region: "us-east-1", RetryMaxAttempts: 1,
			Credentials: credentials.NewStaticCredentialsProvider("x", "y", "")})
	}
	clusterRegister(t, clients[0])

	w := &clusterWorld{t: t, handed: map[string]int{}, beats: map[string]time.Time{}, completed: map[string]bool{}}
	ctx, stop := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	defer func() { stop(); wg.Wait() }()
	for i := range clusterNodes {
		for range 2 {
			wg.Add(3)
			go func() { defer wg.Done(); w.decide(ctx, clients[i], i) }()
			go func() { defer wg.Done(); w.work(ctx, clients[i], i) }()
			go func() { defer wg.Done(); w.sfnWork(ctx, states[i], i) }()
		}
	}

	// Step Functions: an activity task that heartbeats once, then times out.
	sctx := t.Context()
	act, err := states[0].CreateActivity(sctx, &sfn.CreateActivityInput{Name: aws.String("cluster-activity")})
	if err != nil {
		t.Fatalf("CreateActivity: %v", err)
	}
	def := fmt.Sprintf(`{"StartAt":"T","States":{"T":{"Type":"Task","Resource":%q,"HeartbeatSeconds":%d,"TimeoutSeconds":600,"End":true}}}`,
		aws.ToString(act.ActivityArn), int(clusterHeartbeat/time.Second))
	sm, err := states[1].CreateStateMachine(sctx, &sfn.CreateStateMachineInput{Name: aws.String("cluster-machine"),
		Definition: aws.String(def), RoleArn: aws.String("arn:aws:iam::000000000000:role/cluster")})
	if err != nil {
		t.Fatalf("CreateStateMachine: %v", err)
	}
	var sfnRuns []string
	for i := range clusterSFNRuns {
		out, err := states[i%clusterNodes].StartExecution(sctx, &sfn.StartExecutionInput{StateMachineArn: sm.StateMachineArn,
			Name: aws.String(fmt.Sprintf("run-%d", i)), Input: aws.String(`{}`)})
		if err != nil {
			t.Fatalf("StartExecution %d through node %d: %v", i, i%clusterNodes+1, err)
		}
		sfnRuns = append(sfnRuns, aws.ToString(out.ExecutionArn))
	}

	// SWF: runs started through every node; their tasks go silent after one heartbeat.
	runs := map[string]string{}
	for i := range clusterSilentWFs {
		id := fmt.Sprintf("silent-%02d", i)
		runs[id] = clusterStart(t, clients[i%clusterNodes], id)
	}
	crashEventually(t, 20*time.Second, func() bool { return w.beaten() == 2*clusterSilentWFs+clusterSFNRuns })
	if n := w.beaten(); n != 2*clusterSilentWFs+clusterSFNRuns {
		t.Fatalf("%d tasks heartbeat before the kill, want %d", n, 2*clusterSilentWFs+clusterSFNRuns)
	}

	leases = clusterLeases(nodes)
	victimParts := clusterPartitions(nodes)
	victim := 0
	for i, n := range leases {
		if n > leases[victim] {
			victim = i
		}
	}
	dead := victimParts[victim]
	nodes[victim].kill(t)
	killedAt := time.Now()
	w.killed.Store(int32(victim + 1))
	t.Logf("leases %v: killed node %d at %v", leases, victim+1, killedAt.Format("15:04:05.000"))
	var survivors []int
	for i := range clusterNodes {
		if i != victim {
			survivors = append(survivors, i)
		}
	}

	// After the kill: new runs through the survivors, whose tasks are completed.
	for i := range clusterWorkWFs {
		id := fmt.Sprintf("work-%02d", i)
		runs[id] = clusterStart(t, clients[survivors[i%len(survivors)]], id)
	}
	c := clients[survivors[0]]
	crashEventually(t, 60*time.Second, func() bool {
		for id, run := range runs {
			out, err := c.DescribeWorkflowExecution(sctx, &swf.DescribeWorkflowExecutionInput{Domain: aws.String(clusterDomain),
				Execution: &types.WorkflowExecution{WorkflowId: aws.String(id), RunId: aws.String(run)}})
			if err != nil || out.ExecutionInfo.ExecutionStatus != types.ExecutionStatusClosed {
				return false
			}
		}
		return true
	})
	stop()
	wg.Wait()

	var maxLate time.Duration
	takenOver := 0 // timeouts of runs in the killed node's partitions: another node fired them
	for id, run := range runs {
		h := crashHistory(t, c, clusterDomain, id, run)
		if last := h[len(h)-1]; last.EventType != types.EventTypeWorkflowExecutionCompleted {
			t.Errorf("%s: ends with %s, want WorkflowExecutionCompleted:\n%s", id, last.EventType, crashHistoryText(h))
			continue
		}
		if strings.HasPrefix(id, "work-") {
			ev := crashCloseEvent(t, h, id+"-a")
			if ev == nil || ev.ActivityTaskCompletedEventAttributes == nil {
				t.Errorf("%s: task not completed:\n%s", id, crashHistoryText(h))
			}
			continue
		}
		for _, a := range []string{id + "-a", id + "-b"} {
			timeouts := 0
			for _, ev := range h {
				if attr := ev.ActivityTaskTimedOutEventAttributes; attr != nil && clusterActivityOf(h, attr.ScheduledEventId) == a {
					timeouts++
					if attr.TimeoutType != types.ActivityTaskTimeoutTypeHeartbeat || aws.ToString(attr.Details) != "beat "+a {
						t.Errorf("%s: timed out %s with details %q, want HEARTBEAT with the acknowledged heartbeat's details", a,
							attr.TimeoutType, aws.ToString(attr.Details))
					}
					late := ev.EventTimestamp.Sub(w.beatAt(a).Add(clusterHeartbeat))
					maxLate = max(maxLate, late)
					if dead[openswf.TimerPartition(run)] {
						takenOver++
					}
					if late > clusterLease+2*time.Second {
						t.Errorf("%s: timed out %v after its deadline, want within the lease (%v) and 2 s", a, late, clusterLease)
					}
				}
			}
			if timeouts != 1 {
				t.Errorf("%s: %d ActivityTaskTimedOut events, want exactly 1:\n%s", a, timeouts, crashHistoryText(h))
			}
		}
	}
	t.Logf("latest heartbeat timeout fired %v after its deadline (lease %v); %d of the killed node's partitions", maxLate, clusterLease, takenOver)
	// The killed node held about a third of the partitions: some of the 18 runs were in them (all missing
	// them has odds under 1 in 1,000).
	if takenOver == 0 {
		t.Errorf("no timeout of the killed node's partitions %v: the scenario did not test a take-over", dead)
	}

	for _, arn := range sfnRuns {
		d, err := states[survivors[0]].DescribeExecution(sctx, &sfn.DescribeExecutionInput{ExecutionArn: aws.String(arn)})
		if err != nil || d.Status != sfntypes.ExecutionStatusFailed || aws.ToString(d.Error) != "States.Timeout" {
			t.Errorf("execution %s: %+v, %v; want FAILED with States.Timeout (the heartbeat timed out)", arn, d, err)
			continue
		}
		hist, err := states[survivors[0]].GetExecutionHistory(sctx, &sfn.GetExecutionHistoryInput{ExecutionArn: aws.String(arn)})
		if err != nil {
			t.Fatalf("GetExecutionHistory %s: %v", arn, err)
		}
		n := 0
		for _, ev := range hist.Events {
			if ev.Type == sfntypes.HistoryEventTypeActivityTimedOut {
				n++
			}
		}
		if n != 1 {
			t.Errorf("execution %s: %d ActivityTimedOut events, want 1", arn, n)
		}
	}

	w.mu.Lock()
	defer w.mu.Unlock()
	for key, n := range w.handed {
		if n > 1 {
			t.Errorf("task %s handed out %d times", key, n)
		}
	}
	for a := range w.completed {
		if !strings.HasPrefix(a, "work-") {
			t.Errorf("unexpected completion of %s", a)
		}
	}
	for _, i := range survivors {
		if w.afterKill[i] == 0 {
			t.Errorf("node %d's pollers got no task after the kill", i+1)
		}
	}
}

// clusterWorld is what the scenario's deciders and workers saw.
type clusterWorld struct {
	t      *testing.T
	killed atomic.Int32 // the killed node, 1-based; 0 before the kill

	mu        sync.Mutex
	handed    map[string]int       // task key → times handed out
	beats     map[string]time.Time // activity id → when its heartbeat was sent (before the call)
	completed map[string]bool      // activity ids whose completion was acknowledged
	afterKill [clusterNodes]int    // tasks each node handed out after the kill
}

func (w *clusterWorld) handOut(node int, key string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.handed[key]++
	if w.killed.Load() != 0 {
		w.afterKill[node]++
	}
}

func (w *clusterWorld) beaten() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.beats)
}

func (w *clusterWorld) beatAt(id string) time.Time {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.beats[id]
}

// decide is a decider polling through one node: a run's first decision task schedules its tasks, a later
// one completes the run once they have all closed.
func (w *clusterWorld) decide(ctx context.Context, c *swf.Client, node int) {
	for ctx.Err() == nil {
		out, err := c.PollForDecisionTask(ctx, &swf.PollForDecisionTaskInput{Domain: aws.String(clusterDomain),
			TaskList: &types.TaskList{Name: aws.String(clusterDecisions)}, Identity: aws.String(fmt.Sprintf("decider-%d", node+1))})
		if err != nil {
			if !clusterDown(ctx, w, node) {
				time.Sleep(100 * time.Millisecond)
				continue
			}
			return
		}
		if aws.ToString(out.TaskToken) == "" {
			continue
		}
		id := aws.ToString(out.WorkflowExecution.WorkflowId)
		w.handOut(node, fmt.Sprintf("decision %s/%d", aws.ToString(out.WorkflowExecution.RunId), out.StartedEventId))
		var ds []types.Decision
		scheduled, closed := 0, 0
		for _, ev := range out.Events {
			switch {
			case ev.ActivityTaskScheduledEventAttributes != nil:
				scheduled++
			case ev.ActivityTaskCompletedEventAttributes != nil, ev.ActivityTaskTimedOutEventAttributes != nil,
				ev.ActivityTaskFailedEventAttributes != nil:
				closed++
			}
		}
		switch {
		case scheduled == 0 && strings.HasPrefix(id, "silent-"):
			ds = []types.Decision{clusterSchedule(id + "-a"), clusterSchedule(id + "-b")}
		case scheduled == 0:
			ds = []types.Decision{clusterSchedule(id + "-a")}
		case closed == scheduled:
			ds = []types.Decision{{DecisionType: types.DecisionTypeCompleteWorkflowExecution}}
		}
		cctx, cancel := context.WithTimeout(context.Background(), crashCallTimeout)
		_, err = c.RespondDecisionTaskCompleted(cctx, &swf.RespondDecisionTaskCompletedInput{TaskToken: out.TaskToken, Decisions: ds})
		cancel()
		if err != nil && !clusterDown(ctx, w, node) {
			w.t.Errorf("node %d: RespondDecisionTaskCompleted for %s: %v", node+1, id, err)
		}
	}
}

// work is an activity worker polling through one node: a silent task heartbeats once and is left to time
// out; any other is completed.
func (w *clusterWorld) work(ctx context.Context, c *swf.Client, node int) {
	for ctx.Err() == nil {
		out, err := c.PollForActivityTask(ctx, &swf.PollForActivityTaskInput{Domain: aws.String(clusterDomain),
			TaskList: &types.TaskList{Name: aws.String(clusterTasks)}, Identity: aws.String(fmt.Sprintf("worker-%d", node+1))})
		if err != nil {
			if !clusterDown(ctx, w, node) {
				time.Sleep(100 * time.Millisecond)
				continue
			}
			return
		}
		if aws.ToString(out.TaskToken) == "" {
			continue
		}
		id := aws.ToString(out.ActivityId)
		w.handOut(node, "activity "+aws.ToString(out.WorkflowExecution.RunId)+"/"+id)
		cctx, cancel := context.WithTimeout(context.Background(), crashCallTimeout)
		if strings.HasPrefix(id, "silent-") {
			sent := time.Now()
			_, err = c.RecordActivityTaskHeartbeat(cctx, &swf.RecordActivityTaskHeartbeatInput{TaskToken: out.TaskToken,
				Details: aws.String("beat " + id)})
			if err == nil {
				w.mu.Lock()
				w.beats[id] = sent
				w.mu.Unlock()
			}
		} else {
			_, err = c.RespondActivityTaskCompleted(cctx, &swf.RespondActivityTaskCompletedInput{TaskToken: out.TaskToken,
				Result: aws.String("done")})
			if err == nil {
				w.mu.Lock()
				w.completed[id] = true
				w.mu.Unlock()
			}
		}
		cancel()
		if err != nil && !clusterDown(ctx, w, node) {
			w.t.Errorf("node %d: answer task %s: %v", node+1, id, err)
		}
	}
}

// sfnWork is a Step Functions activity worker polling through one node: it heartbeats once and goes
// silent.
func (w *clusterWorld) sfnWork(ctx context.Context, c *sfn.Client, node int) {
	arn := "arn:aws:states:us-east-1:000000000000:activity:cluster-activity"
	for ctx.Err() == nil {
		out, err := c.GetActivityTask(ctx, &sfn.GetActivityTaskInput{ActivityArn: aws.String(arn),
			WorkerName: aws.String(fmt.Sprintf("sfn-worker-%d", node+1))})
		if err != nil {
			if !clusterDown(ctx, w, node) {
				time.Sleep(100 * time.Millisecond) // the activity may not exist yet
				continue
			}
			return
		}
		if aws.ToString(out.TaskToken) == "" {
			continue
		}
		token := aws.ToString(out.TaskToken)
		w.handOut(node, "sfn "+token)
		cctx, cancel := context.WithTimeout(context.Background(), crashCallTimeout)
		_, err = c.SendTaskHeartbeat(cctx, &sfn.SendTaskHeartbeatInput{TaskToken: aws.String(token)})
		cancel()
		if err == nil {
			w.mu.Lock()
			w.beats["sfn "+token] = time.Now()
			w.mu.Unlock()
		} else if !clusterDown(ctx, w, node) {
			w.t.Errorf("node %d: SendTaskHeartbeat: %v", node+1, err)
		}
	}
}

// clusterDown reports whether a call through node failed because the scenario is over or node was killed.
func clusterDown(ctx context.Context, w *clusterWorld, node int) bool {
	return ctx.Err() != nil || int(w.killed.Load()) == node+1
}

func clusterSchedule(id string) types.Decision {
	return types.Decision{
		DecisionType: types.DecisionTypeScheduleActivityTask,
		ScheduleActivityTaskDecisionAttributes: &types.ScheduleActivityTaskDecisionAttributes{
			ActivityId:   aws.String(id),
			ActivityType: &types.ActivityType{Name: aws.String(clusterActType), Version: aws.String("1")},
		},
	}
}

// clusterActivityOf is the activity id of the task scheduled by event scheduledID.
func clusterActivityOf(h []types.HistoryEvent, scheduledID int64) string {
	for _, ev := range h {
		if ev.EventId == scheduledID && ev.ActivityTaskScheduledEventAttributes != nil {
			return aws.ToString(ev.ActivityTaskScheduledEventAttributes.ActivityId)
		}
	}
	return ""
}

func clusterRegister(t *testing.T, c *swf.Client) {
	t.Helper()
	ctx := t.Context()
	if _, err := c.RegisterDomain(ctx, &swf.RegisterDomainInput{Name: aws.String(clusterDomain),
		WorkflowExecutionRetentionPeriodInDays: aws.String("1")}); err != nil {
		t.Fatalf("RegisterDomain: %v", err)
	}
	// Short decision task timeouts: a decision task a killed node's decider held is handed out again soon.
	if _, err := c.RegisterWorkflowType(ctx, &swf.RegisterWorkflowTypeInput{Domain: aws.String(clusterDomain),
		Name: aws.String(clusterWFType), Version: aws.String("1"), DefaultTaskList: &types.TaskList{Name: aws.String(clusterDecisions)},
		DefaultTaskStartToCloseTimeout: aws.String("5"), DefaultExecutionStartToCloseTimeout: aws.String("600"),
		DefaultChildPolicy: types.ChildPolicyTerminate}); err != nil {
		t.Fatalf("RegisterWorkflowType: %v", err)
	}
	if _, err := c.RegisterActivityType(ctx, &swf.RegisterActivityTypeInput{Domain: aws.String(clusterDomain),
		Name: aws.String(clusterActType), Version: aws.String("1"), DefaultTaskList: &types.TaskList{Name: aws.String(clusterTasks)},
		DefaultTaskScheduleToStartTimeout: aws.String("NONE"), DefaultTaskScheduleToCloseTimeout: aws.String("NONE"),
		DefaultTaskStartToCloseTimeout: aws.String("600"),
		DefaultTaskHeartbeatTimeout:    aws.String(strconv.Itoa(int(clusterHeartbeat / time.Second)))}); err != nil {
		t.Fatalf("RegisterActivityType: %v", err)
	}
}

func clusterStart(t *testing.T, c *swf.Client, id string) string {
	t.Helper()
	out, err := c.StartWorkflowExecution(t.Context(), &swf.StartWorkflowExecutionInput{Domain: aws.String(clusterDomain),
		WorkflowId: aws.String(id), WorkflowType: &types.WorkflowType{Name: aws.String(clusterWFType), Version: aws.String("1")}})
	if err != nil {
		t.Fatalf("StartWorkflowExecution %s: %v", id, err)
	}
	return aws.ToString(out.RunId)
}

var (
	leasesLine     = regexp.MustCompile(`timer leases: (\d+) of 64`)
	partitionsLine = regexp.MustCompile(`timer partitions: ([0-9,]*)`)
)

// clusterPartitions reads each node's timer partitions from its /healthz.
func clusterPartitions(nodes []*crashServer) []map[int]bool {
	out := make([]map[int]bool, len(nodes))
	for i, n := range nodes {
		out[i] = map[int]bool{}
		resp, err := http.Get(n.url + "/healthz")
		if err != nil {
			continue
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if m := partitionsLine.FindSubmatch(b); m != nil && len(m[1]) > 0 {
			for _, p := range strings.Split(string(m[1]), ",") {
				n, _ := strconv.Atoi(p)
				out[i][n] = true
			}
		}
	}
	return out
}

// clusterLeases reads each node's timer lease count from its /healthz; -1 for a node that does not answer.
func clusterLeases(nodes []*crashServer) []int {
	out := make([]int, len(nodes))
	for i, n := range nodes {
		out[i] = -1
		resp, err := http.Get(n.url + "/healthz")
		if err != nil {
			continue
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if m := leasesLine.FindSubmatch(b); m != nil {
			out[i], _ = strconv.Atoi(string(m[1]))
		}
	}
	return out
}
