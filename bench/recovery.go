package bench

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/swf"
	"github.com/aws/aws-sdk-go-v2/service/swf/types"
)

const (
	// probeEvery is how often recovery asks the restarted server for an answer.
	probeEvery = 5 * time.Millisecond
	// recoveryLimit bounds the wait for the restarted server's first answer.
	recoveryLimit = 10 * time.Minute
)

// recovery opens Tasks started activity tasks (tasksPerExecution per execution, heartbeat timeout an hour,
// so that each has its timer rows),
// kills the server with SIGKILL, restarts it on the same database and the same address, and measures the
// time from the new process's start to its first successful answer (DescribeDomain, asked every 5 ms). It
// then checks that every task is still open.
func (b *bencher) recovery(ctx context.Context, srv *server) (Result, error) {
	if srv.child == nil {
		return Result{}, errors.New("recovery needs a server the bench starts as a child process (--server-exec)")
	}
	m := b.cfg.Tasks
	e, err := newEnv(ctx, b.setupClient(srv.url), b.name(WorkloadRecovery), b.logf)
	if err != nil {
		return Result{}, err
	}
	t0 := time.Now()
	held, err := e.startTasks(ctx, taskPlan{tasks: m, perWorkflow: tasksPerExecution, heartbeatTimeout: heartbeatHold})
	if err != nil {
		return Result{}, fmt.Errorf("start tasks: %w", err)
	}
	b.logf("recovery: %d tasks started in %v; killing the server", m, time.Since(t0).Round(time.Millisecond))

	srv.child.kill()
	// The same address: the probe can knock before the new process has announced where it listens.
	addr := strings.TrimPrefix(srv.url, "http://")
	c, err := startChild(ctx, srv.exe, srv.db, addr, srv.hold, srv.errs)
	if err != nil {
		return Result{}, err
	}
	srv.child = c
	probe := newSDKClient(srv.url, b.httpClient(4), 1)
	answered, err := probeUntilAnswer(ctx, probe, e.domain, c)
	if err != nil {
		return Result{}, err
	}
	_, listening, err := c.waitListening(ctx, 10*time.Second)
	if err != nil {
		return Result{}, err
	}
	ready := answered.Sub(c.started)
	rss := srv.peakRSS()

	open, err := e.openActivities(ctx, held.runs)
	if err != nil {
		return Result{}, err
	}
	if open != int64(m) {
		b.logf("recovery: %d activity tasks open after the restart, want %d", open, m)
	}
	return Result{
		Workload: WorkloadRecovery, Client: ClientSDK, Tasks: m, Ops: 1, Elapsed: ready,
		P50: ready, P99: ready, Max: ready, Listening: listening.Sub(c.started), PeakRSS: rss,
		Errors: max(0, int64(m)-open),
	}, nil
}

// probeUntilAnswer asks DescribeDomain every probeEvery until it succeeds, and returns when it did.
func probeUntilAnswer(ctx context.Context, c *swf.Client, domain string, ch *child) (time.Time, error) {
	t := time.NewTicker(probeEvery)
	defer t.Stop()
	giveUp := time.Now().Add(recoveryLimit)
	for {
		pctx, cancel := context.WithTimeout(ctx, time.Second)
		_, err := c.DescribeDomain(pctx, &swf.DescribeDomainInput{Name: aws.String(domain)})
		cancel()
		if err == nil {
			return time.Now(), nil
		}
		select {
		case <-ch.exited:
			time.Sleep(50 * time.Millisecond) // let the scanner take the last lines
			return time.Time{}, fmt.Errorf("restarted server exited (%v):\n%s", ch.waitErr, ch.tail.String())
		case <-ctx.Done():
			return time.Time{}, ctx.Err()
		case <-t.C:
		}
		if time.Now().After(giveUp) {
			return time.Time{}, fmt.Errorf("restarted server did not answer within %v: %w", recoveryLimit, err)
		}
	}
}

// openActivities sums the open activity tasks of runs.
func (e *env) openActivities(ctx context.Context, runs []types.WorkflowExecution) (int64, error) {
	var open atomic.Int64
	g := newGroup(ctx)
	work := make(chan types.WorkflowExecution)
	for range historyReaders {
		g.do(func(ctx context.Context) error {
			for r := range work {
				out, err := e.c.DescribeWorkflowExecution(ctx, &swf.DescribeWorkflowExecutionInput{
					Domain: aws.String(e.domain), Execution: &r,
				})
				if err != nil {
					return fmt.Errorf("describe %s: %w", aws.ToString(r.WorkflowId), err)
				}
				if out.OpenCounts != nil {
					open.Add(int64(out.OpenCounts.OpenActivityTasks))
				}
			}
			return nil
		})
	}
feed:
	for _, r := range runs {
		select {
		case work <- r:
		case <-g.ctx.Done():
			break feed
		}
	}
	close(work)
	err := g.wait() // before reading the sum: the readers add to it until they are done
	return open.Load(), err
}
