// Package worker runs activity workers for Amazon SWF and AWS Step Functions: it polls for tasks, hands
// each to a Handler with a context, heartbeats on a schedule while the handler runs, turns a cancellation
// request or a lost task into the cancellation of that context, and answers with the handler's result,
// its error or its panic.
//
// It uses only the public API, through the AWS SDK for Go v2, so a worker written with it runs against
// AWS or against openswf unchanged: only the client's endpoint differs.
//
//	w := worker.NewSWF(swf.NewFromConfig(cfg), "orders", "resize", resize, worker.WithPollers(4))
//	err := w.Run(ctx) // until ctx ends; then it drains: running handlers finish and are answered
//
// docs/WORKER.md says how the heartbeat interval is found, what cancellation and lost tasks mean for a
// handler, how shutdown drains, and how calls are retried.
package worker
