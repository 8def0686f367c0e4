package main

import (
	"context"
	"fmt"
	"io"
	"time"
)

// Main runs the command line args and returns the exit status. The inspection commands (domains,
// executions, history, activities, sfn, completion) print their answers to stdout and read the environment
// through getenv and the time through now; every command writes its errors and logs to stderr.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string, now func() time.Time) int {
	if len(args) > 0 && isInspection(args[0]) {
		in := &inspector{out: stdout, errw: stderr, getenv: getenv, now: now}
		err := in.run(ctx, args)
		if err != nil && !isHelp(err) {
			fmt.Fprintln(stderr, "openswf:", err)
			return exitCode(err)
		}
		return exitOK
	}
	if err := Run(ctx, args, stderr); err != nil {
		fmt.Fprintln(stderr, "openswf:", err)
		return exitFailure
	}
	return exitOK
}
