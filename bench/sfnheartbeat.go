package bench

import (
	"context"
	"fmt"
)

// sfnHeartbeat is heartbeat through Step Functions: each worker holds the activity task of one execution of
// a one-Task state machine and sends SendTaskHeartbeat, as fast as it can or at its share of the rate, for
// the configured duration, with the configured client. Run in the same invocation as heartbeat, its result
// carries the ratio of the two rates (HeartbeatRatio).
func (b *bencher) sfnHeartbeat(ctx context.Context, srv *server) (Result, error) {
	e, err := newSFNEnv(ctx, b.sfnSetupClient(srv.url), b.name(WorkloadSFNHeartbeat), b.logf)
	if err != nil {
		return Result{}, err
	}
	sm, err := e.machine(ctx, "task", oneTaskMachine)
	if err != nil {
		return Result{}, err
	}
	held, err := e.startTasks(ctx, sm, b.cfg.Workers)
	if err != nil {
		return Result{}, fmt.Errorf("start tasks: %w", err)
	}
	cpu := startCPUMeter(srv.pid())
	l := drive(ctx, b.apiHeartbeatCalls(apiSFN, srv.urls, held.tokens), b.cfg.Duration, b.cfg.Rate)
	serverCPU := cpu.perOp(l.ops)
	for _, msg := range l.firstErrors {
		b.logf("sfn-heartbeat: error: %s", msg)
	}
	if b.cfg.Endpoint != "" {
		e.stop(ctx, held.executions)
	}
	r := l.result(WorkloadSFNHeartbeat, b.cfg.Client, b.cfg.Workers)
	r.ServerCPU = serverCPU
	return r, ctx.Err()
}
