package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/openswf/openswf/bench"
)

// runBench measures an SWF endpoint (by default a fresh openswf it starts as a child process) and prints a
// table, or JSON with --json, to out. Progress goes to logw.
func runBench(ctx context.Context, args []string, out, logw io.Writer) error {
	fs := flag.NewFlagSet("openswf-bench", flag.ContinueOnError)
	fs.SetOutput(logw)
	// By default the server is the openswf binary in a child process, so that client and server are
	// separate processes as users run them. --server-exec= (empty) runs it in-process instead. The echo
	// endpoint is served by this binary in a child process of its own.
	self, _ := os.Executable()
	var cfg bench.Config
	cfg.EchoExec = self
	fs.StringVar(&cfg.Endpoint, "endpoint", "", "URL of the SWF endpoint to drive; empty starts openswf for each run")
	fs.StringVar(&cfg.ServerExec, "server-exec", defaultServerExec(self), "openswf binary to start as the server (empty: in-process)")
	fs.StringVar(&cfg.DB, "db", "", "SQLite file of the servers the bench starts (default: a fresh temporary file per run), or a postgres:// URL (a fresh schema per run)")
	fs.DurationVar(&cfg.PollHold, "poll-hold", bench.DefaultPollHold, "long-poll hold of the servers the bench starts")
	workloads := fs.String("workload", "echo,heartbeat", "comma-separated workloads: "+strings.Join(bench.WorkloadNames(), ","))
	fs.StringVar(&cfg.Client, "client", bench.ClientRaw, "load client of echo, heartbeat, heartbeat-auth and sfn-heartbeat: raw or sdk")
	fs.IntVar(&cfg.Workers, "workers", bench.DefaultWorkers, "concurrent workers")
	fs.DurationVar(&cfg.Duration, "duration", bench.DefaultDuration, "how long echo, heartbeat and sfn-heartbeat send load, and sfn-wakeup starts executions")
	fs.Float64Var(&cfg.Rate, "rate", 0, "total offered rate per second, open-loop (0: as fast as possible)")
	fs.IntVar(&cfg.Tasks, "tasks", bench.DefaultTasks, "started activity tasks of timers and recovery")
	fs.Float64Var(&cfg.TimeoutRate, "timeout-rate", bench.DefaultTimeoutRate, "heartbeat timeouts coming due per second (timers)")
	fs.IntVar(&cfg.Workflows, "workflows", bench.DefaultWorkflows, "workflow executions of the workflows workload")
	fs.IntVar(&cfg.Activities, "activities", bench.DefaultActivities, "activity tasks of the fanout workload's one execution (at most 1000)")
	fs.IntVar(&cfg.Executions, "executions", bench.DefaultExecutions, "executions sfn-transitions starts concurrently")
	fs.IntVar(&cfg.Loops, "loops", bench.DefaultLoops, "loops of 20 Pass/Choice states in each execution of sfn-transitions")
	fs.IntVar(&cfg.Items, "items", bench.DefaultItems, "items of sfn-map's Map, each an activity task")
	fs.IntVar(&cfg.Runs, "runs", 1, "runs of each workload; the figures are their medians")
	fs.IntVar(&cfg.Nodes, "nodes", 0, "server processes sharing the run's fresh PostgreSQL schema, the load's workers bound to them round-robin (needs a postgres:// --db and --server-exec; default 1, 2 for failover)")
	writeAuth := fs.String("write-auth", "", "write the access control file of heartbeat-auth's servers to this file and exit (for `openswf serve --auth FILE` with --endpoint)")
	asJSON := fs.Bool("json", false, "print JSON instead of a table")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of this process to the file (with --server-exec= it includes the server)")
	mutexProfile := fs.String("mutexprofile", "", "write a mutex contention profile of this process to the file")
	fs.Usage = func() {
		fmt.Fprintln(logw, "usage: openswf-bench [flags]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("bench: unexpected arguments %q", fs.Args())
	}
	if *writeAuth != "" {
		if err := os.WriteFile(*writeAuth, bench.AuthConfig(), 0o600); err != nil {
			return fmt.Errorf("bench: %w", err)
		}
		return nil
	}
	for w := range strings.SplitSeq(*workloads, ",") {
		if w = strings.TrimSpace(w); w != "" {
			cfg.Workloads = append(cfg.Workloads, w)
		}
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return fmt.Errorf("bench: %w", err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return fmt.Errorf("bench: %w", err)
		}
		defer pprof.StopCPUProfile()
	}
	if *mutexProfile != "" {
		runtime.SetMutexProfileFraction(5)
		defer writeProfile(*mutexProfile, "mutex", logw)
	}
	start := time.Now()
	results, err := bench.Run(ctx, cfg, logw)
	if len(results) > 0 {
		var werr error
		if *asJSON {
			werr = bench.WriteJSON(out, results)
		} else {
			werr = bench.WriteTable(out, results)
		}
		if err == nil {
			err = werr
		}
	}
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	fmt.Fprintf(logw, "bench: done in %v\n", time.Since(start).Round(time.Millisecond))
	return nil
}

// defaultServerExec is the openswf binary beside this one, else the one on PATH, else "" (in-process).
func defaultServerExec(self string) string {
	if self != "" {
		beside := filepath.Join(filepath.Dir(self), "openswf")
		if fi, err := os.Stat(beside); err == nil && fi.Mode().IsRegular() {
			return beside
		}
	}
	if p, err := exec.LookPath("openswf"); err == nil {
		return p
	}
	return ""
}

// writeProfile writes the named runtime profile to path, reporting failures to logw.
func writeProfile(path, name string, logw io.Writer) {
	f, err := os.Create(path)
	if err == nil {
		err = errors.Join(pprof.Lookup(name).WriteTo(f, 0), f.Close())
	}
	if err != nil {
		fmt.Fprintf(logw, "bench: write %s profile: %v\n", name, err)
	}
}
