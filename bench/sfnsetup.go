package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"
)

// sfnRoleArn is the role of the bench's state machines: openswf checks its shape only.
const sfnRoleArn = "arn:aws:iam::000000000000:role/openswf-bench"

// newSFNSDKClient returns the AWS SDK for Go v2 Step Functions client for url, with attempts as in
// newSDKClient.
func newSFNSDKClient(url string, hc *http.Client, attempts int) *sfn.Client {
	return sfn.New(sfn.Options{
		BaseEndpoint:     aws.String(url),
		Region:           benchRegion,
		Credentials:      credentials.NewStaticCredentialsProvider(benchAccessKeyID, benchSecretAccessKey, ""),
		HTTPClient:       hc,
		RetryMaxAttempts: attempts,
	})
}

// sfnSetupClient is the Step Functions SDK client of a run's setup and bookkeeping.
func (b *bencher) sfnSetupClient(url string) *sfn.Client {
	return newSFNSDKClient(url, b.httpClient(b.cfg.Workers+64), 0)
}

// sfnLoadClient is the Step Functions SDK client of a run's load: no retries.
func (b *bencher) sfnLoadClient(url string) *sfn.Client {
	return newSFNSDKClient(url, b.httpClient(b.cfg.Workers+64), 1)
}

// sfnEnv is one run's Step Functions activity, created through the SDK. Names carry the run's unique name,
// so that runs against one endpoint stay apart.
type sfnEnv struct {
	c           *sfn.Client
	logf        func(format string, args ...any)
	name        string
	activityArn string
}

func newSFNEnv(ctx context.Context, c *sfn.Client, name string, logf func(string, ...any)) (*sfnEnv, error) {
	out, err := c.CreateActivity(ctx, &sfn.CreateActivityInput{Name: aws.String(name)})
	if err != nil {
		return nil, fmt.Errorf("create activity %s: %w", name, err)
	}
	return &sfnEnv{c: c, logf: logf, name: name, activityArn: aws.ToString(out.ActivityArn)}, nil
}

// machine creates the state machine name-suffix from a definition in which ACTIVITY stands for the run's
// activity ARN, and returns its ARN.
func (e *sfnEnv) machine(ctx context.Context, suffix, definition string) (string, error) {
	out, err := e.c.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{
		Name: aws.String(e.name + "-" + suffix), RoleArn: aws.String(sfnRoleArn),
		Definition: aws.String(strings.ReplaceAll(definition, "ACTIVITY", e.activityArn)),
	})
	if err != nil {
		return "", fmt.Errorf("create state machine %s: %w", suffix, err)
	}
	return aws.ToString(out.StateMachineArn), nil
}

// oneTaskMachine is a state machine of one activity Task. Its heartbeat and task timeouts are far beyond any
// run, so that no task times out while its worker waits for its turn on a saturated machine.
const oneTaskMachine = `{
  "StartAt": "Work",
  "States": {
    "Work": {"Type": "Task", "Resource": "ACTIVITY", "HeartbeatSeconds": 3600, "TimeoutSeconds": 86400, "End": true}
  }
}`

// sfnHeldTasks are started activity tasks of executions of one machine.
type sfnHeldTasks struct {
	executions []string // ARNs, in start order
	tokens     []string // in hand-out order
}

// startTasks starts n executions of machine and takes each one's activity task, so that n tasks are held
// open with their tokens.
func (e *sfnEnv) startTasks(ctx context.Context, machine string, n int) (*sfnHeldTasks, error) {
	held := &sfnHeldTasks{executions: make([]string, n), tokens: make([]string, n)}
	g := newGroup(ctx)
	var next, taken atomic.Int64
	for range setupStarters {
		g.do(func(ctx context.Context) error {
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				out, err := e.c.StartExecution(ctx, &sfn.StartExecutionInput{
					StateMachineArn: aws.String(machine), Name: aws.String(fmt.Sprintf("x-%07d", i)),
					Input: aws.String(fmt.Sprintf(`{"i":%d}`, i)),
				})
				if err != nil {
					return stopped(ctx, fmt.Errorf("start execution %d: %w", i, err))
				}
				held.executions[i] = aws.ToString(out.ExecutionArn)
			}
			return nil
		})
	}
	for range setupPollers {
		g.do(func(ctx context.Context) error {
			for taken.Load() < int64(n) {
				t, err := e.c.GetActivityTask(ctx, &sfn.GetActivityTaskInput{
					ActivityArn: aws.String(e.activityArn), WorkerName: aws.String("bench-setup"),
				})
				if err != nil {
					return stopped(ctx, fmt.Errorf("get activity task: %w", err))
				}
				if aws.ToString(t.TaskToken) == "" {
					continue
				}
				k := taken.Add(1)
				held.tokens[k-1] = aws.ToString(t.TaskToken)
				if k == int64(n) {
					g.cancel() // the others are parked in long polls
				}
			}
			return nil
		})
	}
	if err := g.wait(); err != nil {
		return nil, err
	}
	if got := taken.Load(); got != int64(n) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		return nil, fmt.Errorf("took %d activity tasks, want %d", got, n)
	}
	return held, nil
}

// stop stops executions on a best-effort basis, so that an external endpoint is not left with the bench's
// open executions and tasks.
func (e *sfnEnv) stop(ctx context.Context, executions []string) {
	work := make(chan string)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for arn := range work {
				e.c.StopExecution(ctx, &sfn.StopExecutionInput{ExecutionArn: aws.String(arn), Cause: aws.String("openswf bench done")})
			}
		})
	}
	for _, arn := range executions {
		if arn != "" {
			work <- arn
		}
	}
	close(work)
	wg.Wait()
}

// waitExecutions polls DescribeExecution of each execution until it is no longer running or giveUp passes,
// and returns the answers, nil for an execution whose description failed.
func (e *sfnEnv) waitExecutions(ctx context.Context, executions []string, giveUp time.Time) ([]*sfn.DescribeExecutionOutput, error) {
	got := make([]*sfn.DescribeExecutionOutput, len(executions))
	for i, arn := range executions {
		for {
			d, err := e.c.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: aws.String(arn)})
			if err != nil {
				if ctx.Err() != nil {
					return nil, ctx.Err()
				}
				e.logf("describe execution %s: %v", arn, err)
				break
			}
			got[i] = d
			if d.Status != sfntypes.ExecutionStatusRunning || time.Now().After(giveUp) {
				break
			}
			select {
			case <-time.After(20 * time.Millisecond):
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}
	}
	return got, nil
}

// taskIndex reads the "i" of a task's input {"i": N}.
func taskIndex(input string) (int, bool) {
	var v struct {
		I *int `json:"i"`
	}
	if json.Unmarshal([]byte(input), &v) != nil || v.I == nil {
		return 0, false
	}
	return *v.I, true
}
