// Command openswf runs the openswf workflow service.
//
//	openswf serve [--addr 127.0.0.1:7740] [--db openswf.db] [--poll-hold 55s] [--max-conns N] ...
//	openswf rotate-token-key [--db openswf.db] [--retire AGE] [--retire-only]
//	openswf version
//	openswf healthcheck [--addr 127.0.0.1:7740] [--path /readyz]
//
// Every command takes --help; every flag of serve may be set as OPENSWF_<FLAG> in the environment.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := Run(ctx, os.Args[1:], os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "openswf:", err)
		os.Exit(1)
	}
}
