package e2e

// Crash tests: the built openswf binary on an SQLite file, killed with SIGKILL while the real AWS SDK client
// has requests in flight, then restarted on the same file. What the server acknowledged before the kill must
// be there after the restart, and the deadlines it had armed must still fire (DESIGN.md §2: group commit
// acknowledges a request only after its batch commits; timers are durable rows).
//
// These tests run a real process on the wall clock, so unlike the engine's tests they cannot use a manual
// clock: they poll with deadlines instead (crashEventually), and every loop is bounded by time or count.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/swf"
	"github.com/aws/aws-sdk-go-v2/service/swf/types"
)

const (
	crashDecisionList = "crash-decisions"
	crashActivityList = "crash-activities"
	crashWorkflowType = "crash-workflow"
	crashActivityType = "crash-activity"
	crashTypeVersion  = "1"

	// crashReadyTimeout bounds the wait for the server's "openswf listening" line.
	crashReadyTimeout = 20 * time.Second
	// crashCallTimeout bounds each API call that is not a long poll.
	crashCallTimeout = 10 * time.Second
)

// crashAddrPattern finds the listener address in the server's slog text line
// `... msg="openswf listening" addr=127.0.0.1:40123 db=...`.
var crashAddrPattern = regexp.MustCompile(`addr=(\S+)`)

// TestCrash_KillDuringLoad kills the server with SIGKILL while eight workers heartbeat and complete activity
// tasks, restarts it on the same database, and checks that every acknowledged completion is in its history,
// every task that was not completed is still open, acknowledged heartbeat details survived (they come back in
// ActivityTaskTimedOut when a short heartbeat timeout fires after the restart), and the decision tasks the
// completions scheduled can still be polled.
func TestCrash_KillDuringLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test builds and runs the server binary; skipped in -short mode")
	}
	const (
		workflows  = 20
		shortTasks = 5  // workflows 0..4 also run a task with a 4 s heartbeat timeout
		firstDone  = 10 // workflows 10..19 complete their long task during the load
		workers    = 8
		killAfter  = 1500 * time.Millisecond
		killAtMost = 8 * time.Second // kill even if the completions lag behind
		minAcked   = 3               // completions acknowledged before the kill, if killAtMost allows
	)
	domain := "crash-load"
	bin, db, srv, c := crashSetup(t, domain)

	// Start the workflows and let each first decision schedule its activities.
	runs := map[string]string{} // workflow id → run id
	for i := range workflows {
		id := fmt.Sprintf("wf-%02d", i)
		runs[id] = crashStartWorkflow(t, c, domain, id)
	}
	for range workflows {
		dt := crashPollDecision(t, c, domain)
		if dt == nil {
			t.Fatalf("PollForDecisionTask: no task, want one per started workflow (%d)", workflows)
		}
		id := aws.ToString(dt.WorkflowExecution.WorkflowId)
		var i int
		if _, err := fmt.Sscanf(id, "wf-%d", &i); err != nil {
			t.Fatalf("decision task for unexpected workflow %q", id)
		}
		ds := []types.Decision{crashScheduleActivity(crashLongID(i), "30", "600")}
		if i < shortTasks {
			ds = append(ds, crashScheduleActivity(crashShortID(i), "4", "600"))
		}
		crashCompleteDecision(t, c, dt.TaskToken, ds)
	}

	// Hand out every activity task.
	var tasks []*crashTask
	byID := map[string]*crashTask{}
	for i := 0; len(tasks) < workflows+shortTasks && i < 2*(workflows+shortTasks); i++ {
		at := crashPollActivity(t, c, domain)
		if at == nil {
			break
		}
		id := aws.ToString(at.ActivityId)
		if byID[id] != nil {
			t.Fatalf("activity task %s handed out twice", id)
		}
		tk := &crashTask{
			workflowID: aws.ToString(at.WorkflowExecution.WorkflowId),
			runID:      aws.ToString(at.WorkflowExecution.RunId),
			activityID: id,
			token:      aws.ToString(at.TaskToken),
			short:      strings.HasPrefix(id, "short-"),
		}
		var i int
		if _, err := fmt.Sscanf(id, "long-%d", &i); err == nil && i >= firstDone {
			// Spread the completions over the load: the last ones fall around or after the kill.
			tk.completeAt = 300*time.Millisecond + time.Duration(i-firstDone)*150*time.Millisecond
		}
		tasks = append(tasks, tk)
		byID[id] = tk
	}
	if len(tasks) != workflows+shortTasks {
		t.Fatalf("polled %d activity tasks, want %d", len(tasks), workflows+shortTasks)
	}

	// The load: each worker owns some tasks (so a task's heartbeats are sequential and at most one of its
	// calls is in flight at the kill) and cycles through them until its call fails at the kill.
	var (
		killed        atomic.Bool
		ackedComplete atomic.Int64
		ackedBeats    atomic.Int64
		wg            sync.WaitGroup
	)
	start := time.Now()
	for w := range workers {
		var mine []*crashTask
		for i := w; i < len(tasks); i += workers {
			mine = append(mine, tasks[i])
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !killed.Load() && time.Since(start) < killAtMost+5*time.Second {
				open := 0
				for _, tk := range mine {
					if tk.completeAcked {
						continue
					}
					open++
					if !crashWork(t, c, tk, start, &killed) {
						return
					}
					if tk.completeAcked {
						ackedComplete.Add(1)
					} else {
						ackedBeats.Add(1)
					}
				}
				if open == 0 {
					return // every task of this worker is complete
				}
			}
		}()
	}
	var killedAt time.Time
	killDone := make(chan struct{})
	go func(victim *crashServer) {
		defer close(killDone)
		for time.Since(start) < killAtMost && (time.Since(start) < killAfter || ackedComplete.Load() < minAcked) {
			time.Sleep(5 * time.Millisecond)
		}
		// Set the flag before the kill: a call that fails without it failed for some other reason.
		killedAt = time.Now()
		killed.Store(true)
		victim.kill(t)
	}(srv)
	wg.Wait()
	<-killDone
	var inflight int
	for _, tk := range tasks {
		if tk.inflight != nil || (tk.completeTried && !tk.completeAcked) {
			inflight++
		}
	}
	t.Logf("killed after %v: %d heartbeats and %d completions acknowledged, %d calls in flight",
		killedAt.Sub(start).Round(time.Millisecond), ackedBeats.Load(), ackedComplete.Load(), inflight)
	if ackedComplete.Load() == 0 {
		t.Fatal("no completion was acknowledged before the kill: the load is too slow to test anything")
	}

	// Restart on the same file.
	srv = crashStart(t, bin, db)
	c = crashClient(srv.url)
	restarted := time.Now()
	t.Logf("restarted %v after the kill", restarted.Sub(killedAt).Round(time.Millisecond))

	// Open-task checks first: the short tasks' heartbeat clocks are running again.
	for _, tk := range tasks {
		if tk.completeTried {
			continue
		}
		out, err := crashHeartbeat(c, tk.token, nil)
		switch {
		case err == nil:
			if out.CancelRequested {
				t.Errorf("%s: heartbeat after restart answered cancelRequested true, want false", tk.activityID)
			}
		case tk.short && crashIsUnknown(err) && time.Since(tk.ackedSentAt) > 3*time.Second:
			// The task's 4 s heartbeat clock may have run out while the server was down; the timeout
			// check below still reads its details.
			t.Logf("%s: timed out before the open check (last acknowledged heartbeat sent %v ago)",
				tk.activityID, time.Since(tk.ackedSentAt).Round(time.Millisecond))
		default:
			t.Errorf("%s: heartbeat (no details) on its token after restart: %v; want success: the task was "+
				"started, never completed, and its last acknowledged heartbeat was %s",
				tk.activityID, err, crashShow(tk.acked))
		}
	}

	// Acknowledged completions are in the history; unacknowledged ones either committed or left the task open.
	for _, tk := range tasks {
		if !tk.completeTried {
			continue
		}
		h := crashHistory(t, c, domain, tk.workflowID, tk.runID)
		ev := crashCloseEvent(t, h, tk.activityID)
		want := "r-" + tk.activityID
		switch {
		case ev != nil && ev.EventType == types.EventTypeActivityTaskCompleted:
			if got := aws.ToString(ev.ActivityTaskCompletedEventAttributes.Result); got != want {
				t.Errorf("%s: ActivityTaskCompleted result %q, want %q", tk.activityID, got, want)
			}
		case tk.completeAcked:
			t.Errorf("%s: RespondActivityTaskCompleted(result %q) was acknowledged before the kill, but after "+
				"restart the history has no ActivityTaskCompleted for it (close event: %s); history:\n%s",
				tk.activityID, want, crashEventText(ev), crashHistoryText(h))
		case ev != nil:
			t.Errorf("%s: completion in flight at the kill; after restart the task closed with %s, want "+
				"ActivityTaskCompleted or still open", tk.activityID, crashEventText(ev))
		default:
			// The completion in flight at the kill did not commit: the task must still be open.
			if _, err := crashHeartbeat(c, tk.token, nil); err != nil {
				t.Errorf("%s: completion in flight at the kill left no ActivityTaskCompleted, yet a heartbeat on "+
					"its token fails: %v", tk.activityID, err)
			}
		}
	}

	// Decision tasks scheduled by acknowledged completions survived in the task list.
	wantDecision := map[string]bool{}
	for _, tk := range tasks {
		if tk.completeAcked {
			wantDecision[tk.workflowID] = true
		}
	}
	for i := 0; len(wantDecision) > 0 && i < 2*workflows; i++ {
		dt := crashPollDecision(t, c, domain)
		if dt == nil {
			break
		}
		delete(wantDecision, aws.ToString(dt.WorkflowExecution.WorkflowId))
	}
	if len(wantDecision) > 0 {
		t.Errorf("after restart no decision task could be polled for %v, whose activity completion was "+
			"acknowledged before the kill", crashKeys(wantDecision))
	}

	// The short tasks' heartbeat timeouts fire after the restart and report the last acknowledged details
	// (or those of the heartbeat in flight at the kill, had it committed before its answer was lost).
	for _, tk := range tasks {
		if !tk.short {
			continue
		}
		var ev *types.HistoryEvent
		var h []types.HistoryEvent
		crashEventually(t, 15*time.Second-time.Since(restarted), func() bool {
			h = crashHistory(t, c, domain, tk.workflowID, tk.runID)
			ev = crashCloseEvent(t, h, tk.activityID)
			return ev != nil
		})
		if ev == nil {
			t.Errorf("%s: no ActivityTaskTimedOut within 15 s of the restart (heartbeat timeout 4 s); history:\n%s",
				tk.activityID, crashHistoryText(h))
			continue
		}
		a := ev.ActivityTaskTimedOutEventAttributes
		if ev.EventType != types.EventTypeActivityTaskTimedOut || a.TimeoutType != types.ActivityTaskTimeoutTypeHeartbeat {
			t.Errorf("%s: closed with %s, want ActivityTaskTimedOut HEARTBEAT", tk.activityID, crashEventText(ev))
			continue
		}
		got := a.Details
		if crashSameDetails(got, tk.acked) || (tk.inflight != nil && crashSameDetails(got, tk.inflight)) {
			continue
		}
		also := ""
		if tk.inflight != nil {
			also = fmt.Sprintf(" (or %s, whose heartbeat was in flight at the kill)", crashShow(tk.inflight))
		}
		t.Errorf("%s: ActivityTaskTimedOut details %s, want the last acknowledged heartbeat's %s%s",
			tk.activityID, crashShow(got), crashShow(tk.acked), also)
	}
}

// TestCrash_AcknowledgedHeartbeatSurvives sends 50 heartbeats one after another, kills the server as soon as
// the last is acknowledged, restarts it, and checks that the heartbeat timeout reports the last details.
func TestCrash_AcknowledgedHeartbeatSurvives(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test builds and runs the server binary; skipped in -short mode")
	}
	domain := "crash-heartbeat"
	bin, db, srv, c := crashSetup(t, domain)

	runID := crashStartWorkflow(t, c, domain, "wf-hb")
	dt := crashPollDecision(t, c, domain)
	if dt == nil {
		t.Fatal("PollForDecisionTask: no task")
	}
	crashCompleteDecision(t, c, dt.TaskToken, []types.Decision{crashScheduleActivity("hb", "2", "600")})
	at := crashPollActivity(t, c, domain)
	if at == nil {
		t.Fatal("PollForActivityTask: no task")
	}
	token := aws.ToString(at.TaskToken)

	const beats = 50
	for i := range beats {
		d := fmt.Sprintf("d-%d", i)
		if _, err := crashHeartbeat(c, token, &d); err != nil {
			t.Fatalf("heartbeat %d: %v", i, err)
		}
	}
	srv.kill(t)

	srv = crashStart(t, bin, db)
	c = crashClient(srv.url)
	restarted := time.Now()
	var ev *types.HistoryEvent
	var h []types.HistoryEvent
	crashEventually(t, 15*time.Second, func() bool {
		h = crashHistory(t, c, domain, "wf-hb", runID)
		ev = crashCloseEvent(t, h, "hb")
		return ev != nil
	})
	if ev == nil {
		t.Fatalf("no ActivityTaskTimedOut within 15 s of the restart (heartbeat timeout 2 s); history:\n%s",
			crashHistoryText(h))
	}
	t.Logf("task closed %v after the restart", time.Since(restarted).Round(100*time.Millisecond))
	if ev.EventType != types.EventTypeActivityTaskTimedOut ||
		ev.ActivityTaskTimedOutEventAttributes.TimeoutType != types.ActivityTaskTimeoutTypeHeartbeat {
		t.Fatalf("task closed with %s, want ActivityTaskTimedOut HEARTBEAT", crashEventText(ev))
	}
	want := fmt.Sprintf("d-%d", beats-1)
	if got := ev.ActivityTaskTimedOutEventAttributes.Details; aws.ToString(got) != want {
		t.Errorf("ActivityTaskTimedOut details %s, want %q: the heartbeat carrying it was acknowledged before "+
			"the kill", crashShow(got), want)
	}
}

// crashTask is one activity task of the load. During the load only its owning worker touches it; the test
// reads it after the workers have returned.
type crashTask struct {
	workflowID, runID, activityID, token string
	short                                bool
	completeAt                           time.Duration // from the load's start; zero: never complete

	beats         int       // heartbeats sent
	acked         *string   // details of the last acknowledged heartbeat; nil if none
	ackedSentAt   time.Time // when that heartbeat was sent: the server's clock restarted after this
	inflight      *string   // details of the heartbeat whose call failed at the kill, if any
	completeTried bool
	completeAcked bool
}

// crashWork makes one call for tk: its completion once due, else a heartbeat. It reports false when the
// call failed, which must be because of the kill.
func crashWork(t *testing.T, c *swf.Client, tk *crashTask, start time.Time, killed *atomic.Bool) bool {
	if tk.completeAt > 0 && time.Since(start) >= tk.completeAt {
		tk.completeTried = true
		ctx, cancel := context.WithTimeout(context.Background(), crashCallTimeout)
		defer cancel()
		_, err := c.RespondActivityTaskCompleted(ctx, &swf.RespondActivityTaskCompletedInput{
			TaskToken: aws.String(tk.token), Result: aws.String("r-" + tk.activityID),
		})
		if err != nil {
			if !killed.Load() {
				t.Errorf("%s: RespondActivityTaskCompleted before the kill: %v", tk.activityID, err)
			}
			return false
		}
		tk.completeAcked = true
		return true
	}
	d := fmt.Sprintf("hb-%d", tk.beats)
	tk.beats++
	sent := time.Now()
	out, err := crashHeartbeat(c, tk.token, &d)
	if err != nil {
		tk.inflight = &d
		if !killed.Load() {
			t.Errorf("%s: heartbeat %q before the kill: %v", tk.activityID, d, err)
		}
		return false
	}
	if out.CancelRequested {
		t.Errorf("%s: heartbeat answered cancelRequested true; nothing requested cancellation", tk.activityID)
	}
	tk.acked, tk.ackedSentAt = &d, sent
	return true
}

// crashServer is one openswf process.
type crashServer struct {
	cmd    *exec.Cmd
	url    string
	log    *crashLog
	exited chan struct{} // closed once the process has been waited for
}

// crashBuild builds the openswf binary from the module holding the working directory.
func crashBuild(t *testing.T) string {
	t.Helper()
	root, err := crashModuleRoot()
	if err != nil {
		t.Fatalf("find module root: %v", err)
	}
	bin := filepath.Join(t.TempDir(), "openswf")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/openswf")
	cmd.Dir = root
	began := time.Now()
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/openswf: %v\n%s", err, out)
	}
	t.Logf("built %s in %v", bin, time.Since(began).Round(100*time.Millisecond))
	return bin
}

// crashModuleRoot walks up from the working directory to the directory holding go.mod.
func crashModuleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for range 64 {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	return "", errors.New("no go.mod above the working directory")
}

// crashStart runs the binary on db, with extra flags, and waits for it to listen. The listener takes a port of the kernel's
// choosing (port 0) and the address is read back from the log line, so no free-port probe can race another
// process. The process is killed when the test ends, and its log printed if the test failed.
func crashStart(t *testing.T, bin, db string, extra ...string) *crashServer {
	t.Helper()
	l := &crashLog{ready: make(chan string, 1)}
	cmd := exec.Command(bin, append([]string{"serve", "--addr", "127.0.0.1:0", "--db", db, "--poll-hold", "2s"}, extra...)...)
	cmd.Stdout = l
	cmd.Stderr = l
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", bin, err)
	}
	s := &crashServer{cmd: cmd, log: l, exited: make(chan struct{})}
	go func() {
		cmd.Wait() // the exit status of a killed server says nothing
		close(s.exited)
	}()
	t.Cleanup(func() {
		s.kill(t)
		if t.Failed() {
			t.Logf("server log (pid %d):\n%s", cmd.Process.Pid, l.String())
		}
	})
	timer := time.NewTimer(crashReadyTimeout)
	defer timer.Stop()
	select {
	case addr := <-l.ready:
		s.url = "http://" + addr
		return s
	case <-s.exited:
		t.Fatalf("server exited before listening:\n%s", l.String())
	case <-timer.C:
		t.Fatalf("server not listening after %v:\n%s", crashReadyTimeout, l.String())
	}
	return nil
}

// kill sends SIGKILL and waits for the process to be gone. Killing a dead server does nothing.
func (s *crashServer) kill(t *testing.T) {
	select {
	case <-s.exited:
		return
	default:
	}
	if err := s.cmd.Process.Kill(); err != nil && !errors.Is(err, os.ErrProcessDone) {
		t.Errorf("kill server: %v", err)
	}
	<-s.exited
}

// crashLog keeps a server's output and reports the address of its "openswf listening" line.
type crashLog struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	seen  int // bytes of buf already scanned for whole lines
	ready chan string
	found bool
}

// Write implements io.Writer.
func (l *crashLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf.Write(p)
	for !l.found {
		rest := l.buf.Bytes()[l.seen:]
		i := bytes.IndexByte(rest, '\n')
		if i < 0 {
			break
		}
		line := string(rest[:i])
		l.seen += i + 1
		if m := crashAddrPattern.FindStringSubmatch(line); m != nil && strings.Contains(line, "openswf listening") {
			l.found = true
			l.ready <- m[1]
		}
	}
	return len(p), nil
}

func (l *crashLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// crashSetup builds the binary, starts it on a new database file and registers domain with the crash
// tests' types through a client of it.
func crashSetup(t *testing.T, domain string) (bin, db string, srv *crashServer, c *swf.Client) {
	t.Helper()
	bin = crashBuild(t)
	db = filepath.Join(t.TempDir(), "crash.db")
	srv = crashStart(t, bin, db)
	c = crashClient(srv.url)
	crashRegister(t, c, domain)
	return bin, db, srv, c
}

// crashClient is the AWS SDK client for a server. Retries are off: a call that fails at the kill must fail,
// not be sent again to a restarted or dead server.
func crashClient(url string) *swf.Client {
	return swf.New(swf.Options{
		BaseEndpoint:     aws.String(url),
		Region:           "us-east-1",
		Credentials:      credentials.NewStaticCredentialsProvider("x", "y", ""),
		RetryMaxAttempts: 1,
	})
}

// crashRegister registers the domain, the workflow type and the activity type.
func crashRegister(t *testing.T, c *swf.Client, domain string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), crashCallTimeout)
	defer cancel()
	if _, err := c.RegisterDomain(ctx, &swf.RegisterDomainInput{
		Name: aws.String(domain), WorkflowExecutionRetentionPeriodInDays: aws.String("1"),
	}); err != nil {
		t.Fatalf("RegisterDomain: %v", err)
	}
	if _, err := c.RegisterWorkflowType(ctx, &swf.RegisterWorkflowTypeInput{
		Domain: aws.String(domain), Name: aws.String(crashWorkflowType), Version: aws.String(crashTypeVersion),
		DefaultTaskList:                     &types.TaskList{Name: aws.String(crashDecisionList)},
		DefaultTaskStartToCloseTimeout:      aws.String("30"),
		DefaultExecutionStartToCloseTimeout: aws.String("3600"),
		DefaultChildPolicy:                  types.ChildPolicyTerminate,
	}); err != nil {
		t.Fatalf("RegisterWorkflowType: %v", err)
	}
	if _, err := c.RegisterActivityType(ctx, &swf.RegisterActivityTypeInput{
		Domain: aws.String(domain), Name: aws.String(crashActivityType), Version: aws.String(crashTypeVersion),
		DefaultTaskList:                   &types.TaskList{Name: aws.String(crashActivityList)},
		DefaultTaskScheduleToStartTimeout: aws.String("NONE"),
		DefaultTaskScheduleToCloseTimeout: aws.String("NONE"),
		DefaultTaskStartToCloseTimeout:    aws.String("600"),
		DefaultTaskHeartbeatTimeout:       aws.String("NONE"),
	}); err != nil {
		t.Fatalf("RegisterActivityType: %v", err)
	}
}

// crashStartWorkflow starts a workflow and returns its run id.
func crashStartWorkflow(t *testing.T, c *swf.Client, domain, id string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), crashCallTimeout)
	defer cancel()
	out, err := c.StartWorkflowExecution(ctx, &swf.StartWorkflowExecutionInput{
		Domain: aws.String(domain), WorkflowId: aws.String(id),
		WorkflowType: &types.WorkflowType{Name: aws.String(crashWorkflowType), Version: aws.String(crashTypeVersion)},
	})
	if err != nil {
		t.Fatalf("StartWorkflowExecution %s: %v", id, err)
	}
	return aws.ToString(out.RunId)
}

// crashPollDecision long-polls for a decision task; nil if none came within the server's hold.
func crashPollDecision(t *testing.T, c *swf.Client, domain string) *swf.PollForDecisionTaskOutput {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), crashCallTimeout)
	defer cancel()
	out, err := c.PollForDecisionTask(ctx, &swf.PollForDecisionTaskInput{
		Domain: aws.String(domain), TaskList: &types.TaskList{Name: aws.String(crashDecisionList)},
		Identity: aws.String("crash-decider"),
	})
	if err != nil {
		t.Fatalf("PollForDecisionTask: %v", err)
	}
	if aws.ToString(out.TaskToken) == "" {
		return nil
	}
	return out
}

// crashPollActivity long-polls for an activity task; nil if none came within the server's hold.
func crashPollActivity(t *testing.T, c *swf.Client, domain string) *swf.PollForActivityTaskOutput {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), crashCallTimeout)
	defer cancel()
	out, err := c.PollForActivityTask(ctx, &swf.PollForActivityTaskInput{
		Domain: aws.String(domain), TaskList: &types.TaskList{Name: aws.String(crashActivityList)},
		Identity: aws.String("crash-worker"),
	})
	if err != nil {
		t.Fatalf("PollForActivityTask: %v", err)
	}
	if aws.ToString(out.TaskToken) == "" {
		return nil
	}
	return out
}

// crashCompleteDecision answers a decision task.
func crashCompleteDecision(t *testing.T, c *swf.Client, token *string, ds []types.Decision) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), crashCallTimeout)
	defer cancel()
	if _, err := c.RespondDecisionTaskCompleted(ctx, &swf.RespondDecisionTaskCompletedInput{
		TaskToken: token, Decisions: ds,
	}); err != nil {
		t.Fatalf("RespondDecisionTaskCompleted: %v", err)
	}
}

// crashScheduleActivity is a ScheduleActivityTask decision; the other timeouts come from the type.
func crashScheduleActivity(id, heartbeat, startToClose string) types.Decision {
	return types.Decision{
		DecisionType: types.DecisionTypeScheduleActivityTask,
		ScheduleActivityTaskDecisionAttributes: &types.ScheduleActivityTaskDecisionAttributes{
			ActivityId:          aws.String(id),
			ActivityType:        &types.ActivityType{Name: aws.String(crashActivityType), Version: aws.String(crashTypeVersion)},
			HeartbeatTimeout:    aws.String(heartbeat),
			StartToCloseTimeout: aws.String(startToClose),
		},
	}
}

func crashLongID(i int) string  { return fmt.Sprintf("long-%02d", i) }
func crashShortID(i int) string { return fmt.Sprintf("short-%02d", i) }

// crashHeartbeat records a heartbeat; nil details keep the previous ones.
func crashHeartbeat(c *swf.Client, token string, details *string) (*swf.RecordActivityTaskHeartbeatOutput, error) {
	ctx, cancel := context.WithTimeout(context.Background(), crashCallTimeout)
	defer cancel()
	return c.RecordActivityTaskHeartbeat(ctx, &swf.RecordActivityTaskHeartbeatInput{
		TaskToken: aws.String(token), Details: details,
	})
}

func crashIsUnknown(err error) bool {
	var f *types.UnknownResourceFault
	return errors.As(err, &f)
}

// crashHistory returns a run's whole history and checks that its event ids are dense from 1.
func crashHistory(t *testing.T, c *swf.Client, domain, workflowID, runID string) []types.HistoryEvent {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), crashCallTimeout)
	defer cancel()
	var h []types.HistoryEvent
	var next *string
	for range 100 {
		out, err := c.GetWorkflowExecutionHistory(ctx, &swf.GetWorkflowExecutionHistoryInput{
			Domain:        aws.String(domain),
			Execution:     &types.WorkflowExecution{WorkflowId: aws.String(workflowID), RunId: aws.String(runID)},
			NextPageToken: next,
		})
		if err != nil {
			t.Fatalf("GetWorkflowExecutionHistory %s: %v", workflowID, err)
		}
		h = append(h, out.Events...)
		if next = out.NextPageToken; aws.ToString(next) == "" {
			break
		}
	}
	for i, ev := range h {
		if ev.EventId != int64(i+1) {
			t.Fatalf("%s: event %d has id %d, want dense ids from 1; history:\n%s", workflowID, i, ev.EventId,
				crashHistoryText(h))
		}
	}
	return h
}

// crashCloseEvent returns the event that closed the activity task with the given id, or nil if it is open.
// It fails the test if the history has no ActivityTaskScheduled for it.
func crashCloseEvent(t *testing.T, h []types.HistoryEvent, activityID string) *types.HistoryEvent {
	t.Helper()
	var scheduled int64
	for _, ev := range h {
		if a := ev.ActivityTaskScheduledEventAttributes; a != nil && aws.ToString(a.ActivityId) == activityID {
			scheduled = ev.EventId
		}
	}
	if scheduled == 0 {
		t.Fatalf("history has no ActivityTaskScheduled for %s:\n%s", activityID, crashHistoryText(h))
	}
	for i := range h {
		ev := &h[i]
		var s int64
		switch {
		case ev.ActivityTaskCompletedEventAttributes != nil:
			s = ev.ActivityTaskCompletedEventAttributes.ScheduledEventId
		case ev.ActivityTaskFailedEventAttributes != nil:
			s = ev.ActivityTaskFailedEventAttributes.ScheduledEventId
		case ev.ActivityTaskTimedOutEventAttributes != nil:
			s = ev.ActivityTaskTimedOutEventAttributes.ScheduledEventId
		case ev.ActivityTaskCanceledEventAttributes != nil:
			s = ev.ActivityTaskCanceledEventAttributes.ScheduledEventId
		}
		if s == scheduled {
			return ev
		}
	}
	return nil
}

// crashEventually calls done until it reports true or the time runs out; at least once.
func crashEventually(t *testing.T, timeout time.Duration, done func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !done() && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
}

// crashEventText is an event as one line of the compact history text of STYLE.md.
func crashEventText(ev *types.HistoryEvent) string {
	if ev == nil {
		return "none (task open)"
	}
	s := fmt.Sprintf("%d %s", ev.EventId, ev.EventType)
	switch {
	case ev.ActivityTaskScheduledEventAttributes != nil:
		a := ev.ActivityTaskScheduledEventAttributes
		s += fmt.Sprintf(` {"activityId":%q,"heartbeatTimeout":%q}`, aws.ToString(a.ActivityId), aws.ToString(a.HeartbeatTimeout))
	case ev.ActivityTaskCompletedEventAttributes != nil:
		a := ev.ActivityTaskCompletedEventAttributes
		s += fmt.Sprintf(` {"scheduledEventId":%d,"result":%q}`, a.ScheduledEventId, aws.ToString(a.Result))
	case ev.ActivityTaskTimedOutEventAttributes != nil:
		a := ev.ActivityTaskTimedOutEventAttributes
		s += fmt.Sprintf(` {"scheduledEventId":%d,"timeoutType":%q,"details":%s}`, a.ScheduledEventId, a.TimeoutType, crashShow(a.Details))
	}
	return s
}

func crashHistoryText(h []types.HistoryEvent) string {
	var b strings.Builder
	for i := range h {
		b.WriteString(crashEventText(&h[i]))
		b.WriteByte('\n')
	}
	return b.String()
}

func crashShow(s *string) string {
	if s == nil {
		return "absent"
	}
	return fmt.Sprintf("%q", *s)
}

func crashSameDetails(a, b *string) bool {
	return (a == nil) == (b == nil) && aws.ToString(a) == aws.ToString(b)
}

func crashKeys(m map[string]bool) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	return ks
}
