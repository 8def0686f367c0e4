// Command openswf-bench measures an SWF endpoint the way users load one: heartbeats and their latency
// against an echo endpoint's, timer lateness with many open tasks, workflows completed per second, many
// workers on one run, recovery time after a crash, and Step Functions' heartbeats, task wake-ups, state
// transitions and Map fan-out. It is a command of its own so that the openswf server binary links no AWS
// SDK.
//
//	openswf-bench [--workload echo,heartbeat] [--server-exec ./openswf] [--endpoint URL] [flags]
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/openswf/openswf/bench"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "openswf-bench:", err)
		os.Exit(1)
	}
}

// run runs the bench, or, as the bench's own child process, its echo endpoint.
func run(ctx context.Context, args []string) error {
	if len(args) > 0 && args[0] == bench.EchoCommand {
		fs := flag.NewFlagSet(bench.EchoCommand, flag.ContinueOnError)
		addr := fs.String("addr", "127.0.0.1:0", "address to listen on")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		return bench.ServeEcho(ctx, *addr, os.Stderr)
	}
	return runBench(ctx, args, os.Stdout, os.Stderr)
}
