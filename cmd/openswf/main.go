// Command openswf runs the openswf workflow service, and inspects one.
//
//	openswf serve [--addr 127.0.0.1:7740] [--db openswf.db] [--poll-hold 55s] [--max-conns N] ...
//	openswf rotate-token-key [--db openswf.db] [--retire AGE] [--retire-only]
//	openswf version
//	openswf healthcheck [--addr 127.0.0.1:7740] [--path /readyz]
//	openswf domains | executions list|describe | history | activities | sfn ... [--endpoint URL] [--output json]
//	openswf completion bash|zsh
//
// Every command takes --help; every flag of serve may be set as OPENSWF_<FLAG> in the environment.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	code := Main(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv, time.Now)
	stop()
	os.Exit(code)
}
