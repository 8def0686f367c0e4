package bench

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"
)

const (
	// sfnLoopStates is how many states one loop of the transitions machine enters: 19 Pass states, the
	// first of which counts, and a Choice.
	sfnLoopStates = 20
	// sfnTransitionsLimit bounds the wait for the executions of sfn-transitions to end.
	sfnTransitionsLimit = 2 * time.Minute
)

// loopMachine is the state machine of sfn-transitions: 19 Pass states and a Choice that loops back to the
// first until the counter n, incremented by the first Pass, reaches the input's limit; then a Succeed. An
// execution with limit L enters sfnLoopStates·L + 1 states and schedules no task.
func loopMachine() string {
	var b strings.Builder
	b.WriteString(`{"StartAt": "S01", "States": {` + "\n")
	b.WriteString(`  "S01": {"Type": "Pass", "Parameters": {"n.$": "States.MathAdd($.n, 1)", "limit.$": "$.limit"}, "Next": "S02"},` + "\n")
	for i := 2; i < sfnLoopStates; i++ {
		next := fmt.Sprintf("S%02d", i+1)
		if i == sfnLoopStates-1 {
			next = "Check"
		}
		fmt.Fprintf(&b, `  "S%02d": {"Type": "Pass", "Next": %q},`+"\n", i, next)
	}
	b.WriteString(`  "Check": {"Type": "Choice", "Choices": [{"Variable": "$.n", "NumericLessThanPath": "$.limit", "Next": "S01"}], "Default": "Done"},` + "\n")
	b.WriteString(`  "Done": {"Type": "Succeed"}` + "\n}}")
	return b.String()
}

// sfnTransitions measures state transitions per second: Executions executions of loopMachine, Loops loops
// each, started concurrently by Workers starters. Transitions are counted from the machine's shape (states
// entered), checked against the first execution's history. The rate runs from the earliest start to the
// latest stop, both as DescribeExecution reports them (the server's clock). The latency figures are of the
// StartExecution calls: openswf runs a machine without tasks to its end in the transaction that starts it
// (its start and stop dates are equal), so the call's latency is the execution's time in the server.
func (b *bencher) sfnTransitions(ctx context.Context, srv *server) (Result, error) {
	n, loops := b.cfg.Executions, b.cfg.Loops
	perExecution := int64(sfnLoopStates*loops + 1)
	e, err := newSFNEnv(ctx, b.sfnSetupClient(srv.url), b.name(WorkloadSFNTransitions), b.logf)
	if err != nil {
		return Result{}, err
	}
	sm, err := e.machine(ctx, "loop", loopMachine())
	if err != nil {
		return Result{}, err
	}
	c := b.sfnLoadClient(srv.url)
	var (
		arns     = make([]string, n)
		calls    = make([]time.Duration, n)
		next     atomic.Int64
		errs     atomic.Int64
		mu       sync.Mutex
		firstErr []string
		wg       sync.WaitGroup
	)
	input := aws.String(fmt.Sprintf(`{"n": 0, "limit": %d}`, loops))
	cpu := startCPUMeter(srv.pid())
	for range min(b.cfg.Workers, n) {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				t0 := time.Now()
				out, err := c.StartExecution(ctx, &sfn.StartExecutionInput{
					StateMachineArn: aws.String(sm), Name: aws.String(fmt.Sprintf("x-%07d", i)), Input: input,
				})
				calls[i] = time.Since(t0)
				if err != nil {
					errs.Add(1)
					mu.Lock()
					if len(firstErr) < 5 {
						firstErr = append(firstErr, err.Error())
					}
					mu.Unlock()
					continue
				}
				arns[i] = aws.ToString(out.ExecutionArn)
			}
		})
	}
	wg.Wait()
	for _, msg := range firstErr {
		b.logf("sfn-transitions: error: StartExecution: %s", msg)
	}
	var started []string
	for _, arn := range arns {
		if arn != "" {
			started = append(started, arn)
		}
	}
	ds, err := e.waitExecutions(ctx, started, time.Now().Add(sfnTransitionsLimit))
	if err != nil {
		return Result{}, err
	}
	var ok int64
	var first, last time.Time
	var lat []time.Duration
	for i, arn := range arns {
		if arn != "" {
			lat = append(lat, calls[i])
		}
	}
	for _, d := range ds {
		if d == nil || d.Status != sfntypes.ExecutionStatusSucceeded || d.StopDate == nil {
			continue
		}
		ok++
		start, stop := aws.ToTime(d.StartDate), aws.ToTime(d.StopDate)
		if first.IsZero() || start.Before(first) {
			first = start
		}
		if stop.After(last) {
			last = stop
		}
	}
	transitions := ok * perExecution
	serverCPU := cpu.perOp(transitions)
	// The shape's count, checked against one history.
	if ok > 0 {
		entered, err := e.statesEntered(ctx, started[0])
		switch {
		case err != nil:
			b.logf("sfn-transitions: %v", err)
			errs.Add(1)
		case entered != perExecution:
			b.logf("sfn-transitions: the first execution entered %d states, want %d", entered, perExecution)
			errs.Add(1)
		}
	}
	if missing := int64(len(started)) - ok; missing > 0 {
		b.logf("sfn-transitions: %d of %d started executions did not succeed within %v", missing, len(started), sfnTransitionsLimit)
	}
	s := Summarize(lat)
	r := Result{
		Workload: WorkloadSFNTransitions, Client: ClientSDK, Workers: b.cfg.Workers, Ops: transitions,
		Tasks: n, P50: s.P50, P99: s.P99, Max: s.Max, ServerCPU: serverCPU,
		// Failed starts and a wrong history (in errs), and started executions that did not succeed.
		Errors: errs.Load() + int64(len(started)) - ok,
	}
	if last.After(first) {
		r.Elapsed = last.Sub(first)
		r.OpsPerSec = float64(transitions) / r.Elapsed.Seconds()
	}
	if b.cfg.Endpoint != "" {
		e.stop(ctx, started)
	}
	return r, nil
}

// statesEntered counts the *StateEntered events of an execution's history.
func (e *sfnEnv) statesEntered(ctx context.Context, arn string) (int64, error) {
	var n int64
	p := sfn.NewGetExecutionHistoryPaginator(e.c, &sfn.GetExecutionHistoryInput{ExecutionArn: aws.String(arn), MaxResults: 1000})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return 0, fmt.Errorf("history of %s: %w", arn, err)
		}
		for _, ev := range page.Events {
			if strings.HasSuffix(string(ev.Type), "StateEntered") {
				n++
			}
		}
	}
	return n, nil
}
