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
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"
)

// sfnMapLimit bounds sfn-map's load: what has not completed by then counts as errors.
const sfnMapLimit = 5 * time.Minute

// mapMachine is the state machine of sfn-map: an inline Map over the input's items whose every iteration
// is one activity Task. Inline Map runs at most 40 iterations at once (openswf's asl caps MaxConcurrency
// there, as AWS documents), so at most 40 tasks are open at a time, whatever the number of workers.
const mapMachine = `{
  "StartAt": "Fan",
  "States": {
    "Fan": {"Type": "Map", "ItemsPath": "$.items", "ResultPath": null, "End": true,
            "ItemProcessor": {"ProcessorConfig": {"Mode": "INLINE"}, "StartAt": "Work", "States": {
              "Work": {"Type": "Task", "Resource": "ACTIVITY", "HeartbeatSeconds": 3600, "TimeoutSeconds": 86400, "End": true}
            }}}
  }
}`

// sfnMap measures a Map over Items items, each an activity task: one execution of mapMachine, and Workers
// workers taking and completing the tasks through the SDK client with retries off, each polling again as
// soon as it has completed a task. Ops counts completed tasks; OpsPerSec is Items over the execution's
// duration from its StartDate to its StopDate (the server's clock); the latency figures are of the polls
// that returned a task.
func (b *bencher) sfnMap(ctx context.Context, srv *server) (Result, error) {
	n := b.cfg.Items
	e, err := newSFNEnv(ctx, b.sfnSetupClient(srv.url), b.name(WorkloadSFNMap), b.logf)
	if err != nil {
		return Result{}, err
	}
	sm, err := e.machine(ctx, "map", mapMachine)
	if err != nil {
		return Result{}, err
	}
	items := make([]string, n)
	for i := range items {
		items[i] = `{"i":` + strconv.Itoa(i) + `}`
	}
	c := b.sfnLoadClient(srv.url)
	var (
		completed atomic.Int64
		errs      atomic.Int64
		mu        sync.Mutex
		polls     []time.Duration
		firstErr  []string
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
	runCtx, cancel := context.WithTimeout(ctx, sfnMapLimit)
	defer cancel()
	for w := range b.cfg.Workers {
		wg.Go(func() {
			worker := aws.String(fmt.Sprintf("worker-%d", w))
			var mine []time.Duration
			defer func() {
				mu.Lock()
				polls = append(polls, mine...)
				mu.Unlock()
			}()
			for completed.Load() < int64(n) && runCtx.Err() == nil {
				t0 := time.Now()
				t, err := c.GetActivityTask(runCtx, &sfn.GetActivityTaskInput{ActivityArn: aws.String(e.activityArn), WorkerName: worker})
				if err != nil {
					if runCtx.Err() == nil {
						noteErr(fmt.Errorf("GetActivityTask: %w", err))
					}
					continue
				}
				if aws.ToString(t.TaskToken) == "" {
					continue
				}
				mine = append(mine, time.Since(t0))
				if _, err := c.SendTaskSuccess(runCtx, &sfn.SendTaskSuccessInput{TaskToken: t.TaskToken, Output: t.Input}); err != nil {
					noteErr(fmt.Errorf("SendTaskSuccess: %w", err))
					continue
				}
				if completed.Add(1) == int64(n) {
					cancel() // the others are parked in long polls
				}
			}
		})
	}
	// The workers park in their long polls before the execution starts.
	time.Sleep(100 * time.Millisecond)
	cpu := startCPUMeter(srv.pid())
	out, err := e.c.StartExecution(ctx, &sfn.StartExecutionInput{
		StateMachineArn: aws.String(sm), Name: aws.String("map"),
		Input: aws.String(`{"items":[` + strings.Join(items, ",") + `]}`),
	})
	if err != nil {
		cancel()
		wg.Wait()
		return Result{}, fmt.Errorf("start execution: %w", err)
	}
	b.logf("sfn-map: execution of a Map over %d items started; %d workers take its tasks", n, b.cfg.Workers)
	wg.Wait()
	arn := aws.ToString(out.ExecutionArn)
	ds, err := e.waitExecutions(ctx, []string{arn}, time.Now().Add(10*time.Second))
	if err != nil {
		return Result{}, err
	}
	done := completed.Load()
	serverCPU := cpu.perOp(done)
	for _, msg := range firstErr {
		b.logf("sfn-map: error: %s", msg)
	}
	s := Summarize(polls)
	r := Result{
		Workload: WorkloadSFNMap, Client: ClientSDK, Workers: b.cfg.Workers, Ops: done, Tasks: n,
		P50: s.P50, P99: s.P99, Max: s.Max, ServerCPU: serverCPU,
		Errors: errs.Load() + int64(n) - done,
	}
	if d := ds[0]; d != nil && d.Status == sfntypes.ExecutionStatusSucceeded && d.StopDate != nil {
		r.Elapsed = aws.ToTime(d.StopDate).Sub(aws.ToTime(d.StartDate))
		if r.Elapsed > 0 {
			r.OpsPerSec = float64(n) / r.Elapsed.Seconds()
		}
	} else {
		status := "unknown"
		if d != nil {
			status = string(d.Status)
		}
		b.logf("sfn-map: execution %s is %s, want SUCCEEDED", arn, status)
		r.Errors++
		e.stop(ctx, []string{arn})
	}
	return r, nil
}
