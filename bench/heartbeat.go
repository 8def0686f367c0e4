package bench

import (
	"context"
	"fmt"
)

// heartbeatHold is the heartbeat timeout of the tasks heartbeat holds: far beyond any run, so that no task
// times out while its worker waits for its turn on a saturated machine.
const heartbeatHold = "3600"

// heartbeat gives each worker one started activity task and has it heartbeat, as fast as it can or at its
// share of the rate, for the configured duration.
func (b *bencher) heartbeat(ctx context.Context, srv *server) (Result, error) {
	e, err := newEnv(ctx, b.setupClient(srv.url), b.name(WorkloadHeartbeat), b.logf)
	if err != nil {
		return Result{}, err
	}
	held, err := e.startTasks(ctx, taskPlan{
		tasks: b.cfg.Workers, perWorkflow: 1, // one worker, one task, one execution: the usual shape
		heartbeatTimeout: heartbeatHold, keepTokens: true,
	})
	if err != nil {
		return Result{}, fmt.Errorf("start tasks: %w", err)
	}
	cpu := startCPUMeter(srv.pid())
	l := drive(ctx, b.heartbeatCalls(srv.url, held.tokens), b.cfg.Duration, b.cfg.Rate)
	serverCPU := cpu.perOp(l.ops)
	for _, msg := range l.firstErrors {
		b.logf("heartbeat: error: %s", msg)
	}
	if b.cfg.Endpoint != "" {
		e.terminate(ctx, held.runs)
	}
	r := l.result(WorkloadHeartbeat, b.cfg.Client, b.cfg.Workers)
	r.ServerCPU = serverCPU
	return r, ctx.Err()
}
