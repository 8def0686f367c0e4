package bench

import (
	"context"
	"fmt"
)

// heartbeatHold is the heartbeat timeout of the tasks heartbeat holds: far beyond any run, so that no task
// times out while its worker waits for its turn on a saturated machine.
const heartbeatHold = "3600"

// heartbeat gives each worker one started activity task and has it heartbeat, as fast as it can or at its
// share of the rate, for the configured duration; with several nodes the workers are bound to them
// round-robin. For heartbeat-auth the server has access control on
// (startServer) and the raw client signs each request; the SDK client, setup included, always signs with the
// bench's key.
func (b *bencher) heartbeat(ctx context.Context, srv *server, workload string) (Result, error) {
	e, err := newEnv(ctx, b.setupClient(srv.url), b.name(workload), b.logf)
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
	cpu := startCPUMeter(srv.pids()...)
	calls := b.heartbeatCalls(srv.urls, held.tokens)
	if workload == WorkloadHeartbeatAuth {
		calls = b.signedHeartbeatCalls(srv.urls, held.tokens)
	}
	l := drive(ctx, calls, b.cfg.Duration, b.cfg.Rate)
	serverCPU, nodeCPU := cpu.perOp(l.ops), cpu.perNode(l.ops)
	for _, msg := range l.firstErrors {
		b.logf("%s: error: %s", workload, msg)
	}
	if b.cfg.Endpoint != "" {
		e.terminate(ctx, held.runs)
	}
	r := l.result(workload, b.cfg.Client, b.cfg.Workers)
	r.ServerCPU, r.NodeCPU = serverCPU, several(nodeCPU)
	return r, ctx.Err()
}
