package e2e

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"
)

// crashSFNClient is the Step Functions SDK client for a crash test's server, retries off.
func crashSFNClient(url string) *sfn.Client {
	return sfn.New(sfn.Options{
		BaseEndpoint: aws.String(url), Region: "us-east-1",
		Credentials:      credentials.NewStaticCredentialsProvider("x", "y", ""),
		RetryMaxAttempts: 1,
	})
}

// TestCrash_StepFunctionsExecutions kills the server with SIGKILL while eight workers take, heartbeat and
// complete the activity tasks of 40 Step Functions executions, restarts it on the same database, and checks
// what Step Functions users rely on: every acknowledged SendTaskSuccess is in its execution's history; a task
// handed out before the kill still accepts its token after the restart and is not handed out again; the
// Wait state after each task, due while the server was down, fires at once; and every execution then
// succeeds with a dense history of one ActivitySucceeded. A task handed out by a poll the kill cut off
// reached no worker: it times out on its HeartbeatSeconds and its Retry hands it out again.
func TestCrash_StepFunctionsExecutions(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test builds and runs the server binary; skipped in -short mode")
	}
	const (
		executions = 40
		workers    = 8
		minAcked   = 8
	)
	bin := crashBuild(t)
	db := filepath.Join(t.TempDir(), "crash.db")
	srv := crashStart(t, bin, db)
	c := crashSFNClient(srv.url)
	ctx := context.Background()
	act, err := c.CreateActivity(ctx, &sfn.CreateActivityInput{Name: aws.String("crash")})
	if err != nil {
		t.Fatalf("CreateActivity: %v", err)
	}
	sm, err := c.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{
		Name: aws.String("crash"), RoleArn: aws.String(roleArn),
		Definition: aws.String(`{"StartAt": "Work", "States": {
		  "Work": {"Type": "Task", "Resource": "` + aws.ToString(act.ActivityArn) + `", "HeartbeatSeconds": 8,
		           "Retry": [{"ErrorEquals": ["States.Timeout"], "IntervalSeconds": 1, "MaxAttempts": 2}],
		           "ResultPath": "$.result", "Next": "Pause"},
		  "Pause": {"Type": "Wait", "Seconds": 1, "Next": "Done"},
		  "Done": {"Type": "Pass", "End": true}}}`),
	})
	if err != nil {
		t.Fatalf("CreateStateMachine: %v", err)
	}
	arns := make([]string, executions)
	for i := range arns {
		out, err := c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: sm.StateMachineArn,
			Name: aws.String(fmt.Sprintf("x%02d", i)), Input: aws.String(fmt.Sprintf(`{"i":%d}`, i))})
		if err != nil {
			t.Fatalf("StartExecution: %v", err)
		}
		arns[i] = aws.ToString(out.ExecutionArn)
	}

	var (
		mu      sync.Mutex
		handed  = map[string]int{}     // task input → times handed out
		pending = map[string]*string{} // task input → token not acknowledged as completed
		acked   = map[string]bool{}
		nAcked  atomic.Int64
		killed  atomic.Bool
		wg      sync.WaitGroup
	)
	for w := range workers {
		wg.Go(func() {
			for !killed.Load() {
				pctx, cancel := context.WithTimeout(ctx, crashCallTimeout)
				task, err := c.GetActivityTask(pctx, &sfn.GetActivityTaskInput{ActivityArn: act.ActivityArn,
					WorkerName: aws.String(fmt.Sprintf("w%d", w))})
				cancel()
				if err != nil || task.TaskToken == nil {
					if err != nil && !killed.Load() {
						t.Errorf("GetActivityTask before the kill: %v", err)
					}
					return
				}
				in := aws.ToString(task.Input)
				mu.Lock()
				handed[in]++
				pending[in] = task.TaskToken
				mu.Unlock()
				if w%2 == 0 {
					continue // half the workers hold their tasks, to answer them after the restart
				}
				cctx, cancel := context.WithTimeout(ctx, crashCallTimeout)
				_, err = c.SendTaskHeartbeat(cctx, &sfn.SendTaskHeartbeatInput{TaskToken: task.TaskToken})
				if err == nil {
					_, err = c.SendTaskSuccess(cctx, &sfn.SendTaskSuccessInput{TaskToken: task.TaskToken, Output: aws.String(`"ok"`)})
				}
				cancel()
				if err == nil {
					mu.Lock()
					acked[in] = true
					delete(pending, in)
					mu.Unlock()
					nAcked.Add(1)
				}
			}
		})
	}
	deadline := time.Now().Add(20 * time.Second)
	for nAcked.Load() < minAcked && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	killed.Store(true)
	srv.kill(t)
	wg.Wait()
	if nAcked.Load() < minAcked {
		t.Fatalf("only %d completions acknowledged before the kill, want at least %d", nAcked.Load(), minAcked)
	}
	time.Sleep(1500 * time.Millisecond) // the Wait states of the acknowledged tasks come due while down

	srv = crashStart(t, bin, db)
	c = crashSFNClient(srv.url)
	// Tasks handed out before the kill: their tokens still work. A completion the kill left unanswered may
	// have committed; then its token is spent (TaskTimedOut), which the history shows.
	for in, token := range pending {
		cctx, cancel := context.WithTimeout(ctx, crashCallTimeout)
		_, err := c.SendTaskSuccess(cctx, &sfn.SendTaskSuccessInput{TaskToken: token, Output: aws.String(`"after"`)})
		cancel()
		if err != nil && !strings.Contains(err.Error(), "TaskTimedOut") {
			t.Errorf("SendTaskSuccess after the restart for %s: %v", in, err)
		}
	}
	// Tasks never handed out are handed out now; those a cut-off poll took, once they time out.
	before := map[string]bool{}
	for in := range handed {
		before[in] = true
	}
	for end := time.Now().Add(30 * time.Second); len(handed) < executions && time.Now().Before(end); {
		pctx, cancel := context.WithTimeout(ctx, crashCallTimeout)
		task, err := c.GetActivityTask(pctx, &sfn.GetActivityTaskInput{ActivityArn: act.ActivityArn})
		cancel()
		if err != nil {
			t.Fatalf("GetActivityTask after the restart: %v", err)
		}
		if task.TaskToken == nil {
			continue
		}
		in := aws.ToString(task.Input)
		if before[in] {
			t.Errorf("task %s handed out again after the restart, though its worker holds it", in)
		}
		handed[in]++
		if _, err := c.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: task.TaskToken, Output: aws.String(`"late"`)}); err != nil {
			t.Fatalf("SendTaskSuccess: %v", err)
		}
	}
	if len(handed) != executions {
		t.Errorf("%d tasks handed out in all, want %d", len(handed), executions)
	}

	for i, arn := range arns {
		var d *sfn.DescribeExecutionOutput
		for end := time.Now().Add(20 * time.Second); ; {
			d, err = c.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: aws.String(arn)})
			if err != nil {
				t.Fatalf("DescribeExecution: %v", err)
			}
			if d.Status != sfntypes.ExecutionStatusRunning || time.Now().After(end) {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		if d.Status != sfntypes.ExecutionStatusSucceeded {
			t.Errorf("execution %d is %s, want SUCCEEDED", i, d.Status)
			continue
		}
		h, err := c.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{ExecutionArn: aws.String(arn), MaxResults: 1000})
		if err != nil {
			t.Fatalf("GetExecutionHistory: %v", err)
		}
		succeeded := 0
		for j, ev := range h.Events {
			if ev.Id != int64(j+1) {
				t.Errorf("execution %d: event %d has id %d", i, j+1, ev.Id)
			}
			if ev.Type == sfntypes.HistoryEventTypeActivitySucceeded {
				succeeded++
				in := fmt.Sprintf(`{"i":%d}`, i)
				if acked[in] && aws.ToString(ev.ActivitySucceededEventDetails.Output) != `"ok"` {
					t.Errorf("execution %d: acknowledged output lost, got %s", i, aws.ToString(ev.ActivitySucceededEventDetails.Output))
				}
			}
		}
		if succeeded != 1 {
			t.Errorf("execution %d has %d ActivitySucceeded events, want 1", i, succeeded)
		}
	}
}
