package bench

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
)

// sfnWakeupPatience is how long sfn-wakeup waits, after its last start, for the tasks still on their way.
const sfnWakeupPatience = 5 * time.Second

// sfnWakeupStarters start executions concurrently when sfn-wakeup has a rate.
const sfnWakeupStarters = 4

// sfnWakeup measures how fast a waiting GetActivityTask poller gets a task: Workers pollers wait on the
// activity while executions of a one-Task state machine are started for Duration. Without a rate one
// execution is started at a time, the next once the previous task has reached its poller (or after
// sfnWakeupPatience), so that the figure is the wake-up path alone; with a rate the starts are open-loop at
// that rate. A task's latency runs from the acknowledgement of its StartExecution to the answer of the
// GetActivityTask that carries it, both on the client's clock; it is negative when the task reaches its
// poller before the acknowledgement reaches the starter. Pollers complete each task with SendTaskSuccess.
func (b *bencher) sfnWakeup(ctx context.Context, srv *server) (Result, error) {
	e, err := newSFNEnv(ctx, b.sfnSetupClient(srv.url), b.name(WorkloadSFNWakeup), b.logf)
	if err != nil {
		return Result{}, err
	}
	sm, err := e.machine(ctx, "task", oneTaskMachine)
	if err != nil {
		return Result{}, err
	}
	c := b.sfnLoadClient(srv.url)
	var (
		mu       sync.Mutex
		ackAt    = map[int]time.Time{}
		recvAt   = map[int]time.Time{}
		arrived  = map[int]chan struct{}{}
		started  []string
		errs     atomic.Int64
		firstErr []string
		wg       sync.WaitGroup
	)
	pollCtx, stopPolls := context.WithCancel(ctx)
	defer stopPolls()
	startCtx, stopStarts := context.WithTimeout(ctx, b.cfg.Duration)
	defer stopStarts()
	noteErr := func(err error) {
		errs.Add(1)
		mu.Lock()
		if len(firstErr) < 5 {
			firstErr = append(firstErr, err.Error())
		}
		mu.Unlock()
	}
	// arrival returns the channel closed when task i reaches a poller.
	arrival := func(i int) chan struct{} {
		mu.Lock()
		defer mu.Unlock()
		ch, ok := arrived[i]
		if !ok {
			ch = make(chan struct{})
			arrived[i] = ch
		}
		return ch
	}

	for w := range b.cfg.Workers {
		wg.Go(func() {
			worker := aws.String(fmt.Sprintf("poller-%d", w))
			for pollCtx.Err() == nil {
				t, err := c.GetActivityTask(pollCtx, &sfn.GetActivityTaskInput{ActivityArn: aws.String(e.activityArn), WorkerName: worker})
				at := time.Now()
				if err != nil {
					if pollCtx.Err() == nil {
						noteErr(fmt.Errorf("GetActivityTask: %w", err))
					}
					continue
				}
				if aws.ToString(t.TaskToken) == "" {
					continue
				}
				i, ok := taskIndex(aws.ToString(t.Input))
				if !ok {
					noteErr(fmt.Errorf("GetActivityTask: task input %q has no index", aws.ToString(t.Input)))
				} else {
					mu.Lock()
					recvAt[i] = at
					mu.Unlock()
					close(arrival(i))
				}
				if _, err := c.SendTaskSuccess(pollCtx, &sfn.SendTaskSuccessInput{TaskToken: t.TaskToken, Output: aws.String("{}")}); err != nil && pollCtx.Err() == nil {
					noteErr(fmt.Errorf("SendTaskSuccess: %w", err))
				}
			}
		})
	}
	// Let the pollers park in their long polls before the first start.
	time.Sleep(100 * time.Millisecond)

	cpu := startCPUMeter(srv.pid())
	t0 := time.Now()
	var next atomic.Int64
	starters := 1
	if b.cfg.Rate > 0 {
		starters = sfnWakeupStarters
	}
	var sg sync.WaitGroup
	for range starters {
		sg.Go(func() {
			for startCtx.Err() == nil {
				i := int(next.Add(1) - 1)
				if b.cfg.Rate > 0 {
					due := t0.Add(time.Duration(float64(i) / b.cfg.Rate * float64(time.Second)))
					select {
					case <-time.After(time.Until(due)):
					case <-startCtx.Done():
						return
					}
				}
				ch := arrival(i)
				out, err := c.StartExecution(startCtx, &sfn.StartExecutionInput{
					StateMachineArn: aws.String(sm), Name: aws.String(fmt.Sprintf("x-%07d", i)),
					Input: aws.String(fmt.Sprintf(`{"i":%d}`, i)),
				})
				at := time.Now()
				if err != nil {
					if startCtx.Err() == nil {
						noteErr(fmt.Errorf("StartExecution: %w", err))
					}
					continue
				}
				mu.Lock()
				ackAt[i] = at
				started = append(started, aws.ToString(out.ExecutionArn))
				mu.Unlock()
				if b.cfg.Rate == 0 {
					select {
					case <-ch:
					case <-time.After(sfnWakeupPatience):
					case <-startCtx.Done():
						return
					}
				}
			}
		})
	}
	sg.Wait()
	// Wait for the tasks still on their way.
	giveUp := time.After(sfnWakeupPatience)
	mu.Lock()
	var waits []chan struct{}
	for i := range ackAt {
		waits = append(waits, arrived[i])
	}
	mu.Unlock()
wait:
	for _, ch := range waits {
		select {
		case <-ch:
		case <-giveUp:
			break wait
		case <-ctx.Done():
			break wait
		}
	}
	stopPolls()
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return Result{}, err
	}
	for _, msg := range firstErr {
		b.logf("sfn-wakeup: error: %s", msg)
	}

	var lat []time.Duration
	var last time.Time
	for i, ack := range ackAt {
		if recv, ok := recvAt[i]; ok {
			lat = append(lat, recv.Sub(ack))
			if recv.After(last) {
				last = recv
			}
		}
	}
	serverCPU := cpu.perOp(int64(len(lat)))
	s := Summarize(lat)
	r := Result{
		Workload: WorkloadSFNWakeup, Client: ClientSDK, Workers: b.cfg.Workers, Ops: int64(s.Count),
		P50: s.P50, P99: s.P99, Max: s.Max, ServerCPU: serverCPU,
		// Failed calls, and started executions whose task never reached a poller.
		Errors: errs.Load() + int64(len(ackAt)-s.Count),
	}
	if s.Count > 0 {
		r.Elapsed = last.Sub(t0)
		r.OpsPerSec = float64(s.Count) / r.Elapsed.Seconds()
	}
	if b.cfg.Endpoint != "" {
		e.stop(ctx, started)
	}
	return r, nil
}
