package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Workload names, in the order `openswf-bench` documents them.
const (
	WorkloadEcho      = "echo"
	WorkloadHeartbeat = "heartbeat"
	// WorkloadHeartbeatAuth is heartbeat against a server with access control on (`serve --auth FILE`),
	// every request signed with a configured key.
	WorkloadHeartbeatAuth = "heartbeat-auth"
	WorkloadTimers        = "timers"
	WorkloadWorkflows     = "workflows"
	WorkloadRecovery      = "recovery"
	WorkloadFanout        = "fanout"
	// WorkloadFailover kills the node holding the most timer leases of several on PostgreSQL and measures
	// how late its timers fire on the others.
	WorkloadFailover = "failover"

	WorkloadSFNHeartbeat   = "sfn-heartbeat"
	WorkloadSFNWakeup      = "sfn-wakeup"
	WorkloadSFNTransitions = "sfn-transitions"
	WorkloadSFNMap         = "sfn-map"
)

// WorkloadNames lists every workload Run knows, in their documented order.
func WorkloadNames() []string {
	return []string{WorkloadEcho, WorkloadHeartbeat, WorkloadHeartbeatAuth, WorkloadTimers, WorkloadWorkflows, WorkloadRecovery, WorkloadFanout, WorkloadFailover,
		WorkloadSFNHeartbeat, WorkloadSFNWakeup, WorkloadSFNTransitions, WorkloadSFNMap}
}

// Client kinds for the load of echo, heartbeat and sfn-heartbeat.
const (
	// ClientRaw posts pre-built AWS JSON 1.0 requests over a plain keep-alive net/http client.
	ClientRaw = "raw"
	// ClientSDK calls through the AWS SDK for Go v2 SWF client, with retries off.
	ClientSDK = "sdk"
)

// Defaults of Config's zero fields.
const (
	DefaultWorkers     = 64
	DefaultDuration    = 10 * time.Second
	DefaultTasks       = 10000
	DefaultTimeoutRate = 1000
	DefaultWorkflows   = 2000
	DefaultPollHold    = time.Second
	DefaultActivities  = maxActivitiesPerExecution
	DefaultExecutions  = 100
	DefaultLoops       = 25
	DefaultItems       = 1000
)

// Bounds of sfn-transitions' loops and sfn-map's items: a Step Functions history holds at most 25,000
// events, and an execution that reaches the limit fails. A loop of the transitions machine records 40
// events (an entered and an exited event for each of its 20 states); an item of the Map about 7.
const (
	maxLoops = 600
	maxItems = 3000
)

// maxActivitiesPerExecution is SWF's limit on open activity tasks in one workflow execution: the bench never
// schedules more in one run.
const maxActivitiesPerExecution = 1000

// Config says what to measure and where. Zero fields take the defaults above.
type Config struct {
	// Endpoint is the URL of the SWF endpoint to drive. Empty: the bench starts openswf itself for each run
	// of a workload, as a child process when ServerExec is set, else in-process.
	Endpoint string
	// ServerExec is the openswf binary to start as `ServerExec serve --addr 127.0.0.1:0 --db FILE
	// --poll-hold PollHold`. Ignored when Endpoint is set; required by the recovery workload.
	ServerExec string
	// EchoExec is the binary to start as `EchoExec EchoCommand --addr 127.0.0.1:0` to serve the echo
	// endpoint in a process of its own when the server is a child process (the bench command itself).
	// Empty serves echo in-process.
	EchoExec string
	// DB is the SQLite file of the servers the bench starts; empty gives each run a fresh file in a temporary
	// directory that Run removes. A given file is reused by every run, so its state accumulates. A
	// postgres:// URL gives each run a fresh schema of that database, dropped at the run's end.
	DB string
	// PollHold is the long-poll hold of the servers the bench starts: short, so that pollers notice the end
	// of a workload quickly. External endpoints keep their own.
	PollHold time.Duration
	// Workloads are run in this order; default echo, heartbeat.
	Workloads []string
	// Client is ClientRaw (default) or ClientSDK: what sends the load of echo, heartbeat and sfn-heartbeat.
	// Setup, and the other workloads, always use the SDK.
	Client string
	// Workers is the number of concurrent workers of echo, heartbeat and workflows, the pollers of
	// sfn-wakeup, the starters of sfn-transitions and the workers of sfn-map.
	Workers int
	// Duration is how long echo, heartbeat and sfn-heartbeat send load, and sfn-wakeup starts executions.
	Duration time.Duration
	// Rate is the total offered rate of echo, heartbeat and sfn-heartbeat (requests per second), and of
	// workflow starts and sfn-wakeup's execution starts;
	// 0 sends as fast as the workers can. With a rate, load is open-loop: each worker keeps its own schedule
	// and latency is measured from the time a request was due, so a slow answer is not hidden by the wait it
	// causes (coordinated omission). That latency includes the client's own lateness in waking up to send,
	// the same for echo as for heartbeat.
	Rate float64
	// Tasks is the number of started activity tasks of timers and recovery.
	Tasks int
	// TimeoutRate is how many heartbeat timeouts come due per second in timers.
	TimeoutRate float64
	// Workflows is the number of workflow executions of workflows.
	Workflows int
	// Activities is how many activity tasks fanout's one execution schedules, at most 1,000 (SWF's limit
	// of open activities in an execution).
	Activities int
	// Executions is the number of executions sfn-transitions starts concurrently.
	Executions int
	// Loops is how many times each execution of sfn-transitions runs its loop of 20 states.
	Loops int
	// Items is the number of items, each an activity task, of sfn-map's Map.
	Items int
	// Runs repeats each workload; results report the median of the runs.
	Runs int
	// Nodes is how many server processes the bench starts on one fresh PostgreSQL schema for each run
	// (default 1), each with a node id of its own (bench1, bench2, …). The load's workers are bound to the
	// nodes round-robin. More than one needs ServerExec and a PostgreSQL DB, and a workload that knows
	// nodes (multiNodeWorkloads).
	Nodes int
}

// multiNodeWorkloads are the workloads that spread their load over several nodes; failover needs them.
var multiNodeWorkloads = []string{WorkloadHeartbeat, WorkloadWorkflows, WorkloadFanout, WorkloadFailover}

func (c Config) withDefaults() Config {
	if len(c.Workloads) == 0 {
		c.Workloads = []string{WorkloadEcho, WorkloadHeartbeat}
	}
	if c.Client == "" {
		c.Client = ClientRaw
	}
	if c.Workers == 0 {
		c.Workers = DefaultWorkers
	}
	if c.Duration == 0 {
		c.Duration = DefaultDuration
	}
	if c.Tasks == 0 {
		c.Tasks = DefaultTasks
	}
	if c.TimeoutRate == 0 {
		c.TimeoutRate = DefaultTimeoutRate
	}
	if c.Workflows == 0 {
		c.Workflows = DefaultWorkflows
	}
	if c.PollHold == 0 {
		c.PollHold = DefaultPollHold
	}
	if c.Activities == 0 {
		c.Activities = DefaultActivities
	}
	if c.Executions == 0 {
		c.Executions = DefaultExecutions
	}
	if c.Loops == 0 {
		c.Loops = DefaultLoops
	}
	if c.Items == 0 {
		c.Items = DefaultItems
	}
	if c.Runs == 0 {
		c.Runs = 1
	}
	if c.Nodes == 0 {
		c.Nodes = 1
		if slices.Contains(c.Workloads, WorkloadFailover) {
			c.Nodes = 2
		}
	}
	return c
}

func (c Config) validate() error {
	for _, w := range c.Workloads {
		if !slices.Contains(WorkloadNames(), w) {
			return fmt.Errorf("unknown workload %q (want %s)", w, strings.Join(WorkloadNames(), ", "))
		}
		if w == WorkloadRecovery && (c.Endpoint != "" || c.ServerExec == "") {
			return errors.New("recovery kills and restarts the server, so it needs a server the bench starts " +
				"as a child process: give --server-exec (the default when run as the openswf binary) and no --endpoint")
		}
	}
	if err := c.validateNodes(); err != nil {
		return err
	}
	switch {
	case c.Client != ClientRaw && c.Client != ClientSDK:
		return fmt.Errorf("unknown client %q (want %s or %s)", c.Client, ClientRaw, ClientSDK)
	case c.Workers < 1:
		return fmt.Errorf("workers %d: want at least 1", c.Workers)
	case c.Duration < 0 || c.Rate < 0 || c.TimeoutRate < 0 || c.PollHold < 0:
		return errors.New("duration, rate, timeout rate and poll hold may not be negative")
	case c.Tasks < 1 || c.Workflows < 1 || c.Runs < 1 || c.Executions < 1:
		return errors.New("tasks, workflows, executions and runs must be at least 1")
	case c.Loops < 1 || c.Loops > maxLoops:
		return fmt.Errorf("loops %d: want 1 to %d, within Step Functions' 25,000 history events of an execution", c.Loops, maxLoops)
	case c.Items < 1 || c.Items > maxItems:
		return fmt.Errorf("items %d: want 1 to %d, within Step Functions' 25,000 history events of an execution", c.Items, maxItems)
	case c.Activities < 1 || c.Activities > maxActivitiesPerExecution:
		return fmt.Errorf("activities %d: want 1 to %d, SWF's limit of open activities in an execution", c.Activities, maxActivitiesPerExecution)
	}
	return nil
}

// validateNodes checks Nodes against the database, the server and the workloads.
func (c Config) validateNodes() error {
	needsNodes := slices.Contains(c.Workloads, WorkloadFailover)
	switch {
	case c.Nodes < 1:
		return fmt.Errorf("nodes %d: want at least 1", c.Nodes)
	case c.Nodes == 1 && !needsNodes:
		return nil
	case c.Nodes == 1:
		return errors.New("failover kills one of several nodes: give --nodes 2 or more")
	case c.Endpoint != "" || c.ServerExec == "" || !isPostgres(c.DB):
		return fmt.Errorf("nodes %d: several nodes share one PostgreSQL database as child processes: "+
			"give a postgres:// --db and --server-exec, and no --endpoint", c.Nodes)
	}
	for _, w := range c.Workloads {
		if !slices.Contains(multiNodeWorkloads, w) {
			return fmt.Errorf("nodes %d: workload %s runs on one node only (several nodes: %s)",
				c.Nodes, w, strings.Join(multiNodeWorkloads, ", "))
		}
	}
	return nil
}

// Result is one workload's figures: the medians of its runs, with the runs themselves in Runs.
type Result struct {
	// Workload and Client name what was measured and what sent the load ("sdk" for the workloads that always
	// use the SDK).
	Workload, Client string
	// Workers is the number of concurrent workers; 0 where it does not apply.
	Workers int
	// Ops counts what the workload measures: answered requests, timeouts observed, workflows completed,
	// restarts.
	Ops int64
	// Elapsed is the measured window.
	Elapsed time.Duration
	// OpsPerSec is Ops over Elapsed; 0 where a rate means nothing (recovery).
	OpsPerSec float64
	// P50, P99 and Max describe the workload's latency: request latency, timeout lateness (timers),
	// end-to-end workflow latency, or time to the first answer (recovery).
	P50, P99, Max time.Duration
	// Errors counts failed requests and missing outcomes. For a result of several runs it is their total, so
	// that one failing run is not hidden by a median.
	Errors int64

	// EchoRatio is heartbeat's (and heartbeat-auth's and sfn-heartbeat's) OpsPerSec over the echo's with the
	// same client, when both ran.
	EchoRatio float64
	// HeartbeatRatio is sfn-heartbeat's or heartbeat-auth's OpsPerSec over heartbeat's with the same client,
	// when both ran in one invocation: for runs that took turns, the median of the ratios of the runs of each
	// turn.
	HeartbeatRatio float64
	// Tasks is the number of started activity tasks (timers, recovery), of scheduled ones (fanout), of Map
	// items (sfn-map), or of executions (sfn-transitions).
	Tasks int
	// DueRate is the rate at which the timers' deadlines actually came due (per second).
	DueRate float64
	// PeakRSS is the server's peak resident set size in bytes (timers, recovery), 0 when unknown. For an
	// in-process server it is the bench process's own, client included.
	PeakRSS int64
	// Listening is, for recovery, the time from process start to its "openswf listening" log line.
	Listening time.Duration
	// ServerErrors counts the ERROR lines the server the bench started logged during the run.
	ServerErrors int64
	// ServerCPU is the CPU time (user and system) the server's process spent per op during the load (a
	// call of echo and the heartbeats, a completed workflow of workflows, a completed task of fanout and
	// sfn-map, a task handed to a poller of sfn-wakeup with its start and completion, a state transition of
	// sfn-transitions), when the server is a child process of the bench; 0 otherwise.
	ServerCPU time.Duration
	// Partitions is, for failover, how many timer partitions the killed node held.
	Partitions int
	// Nodes is the number of server processes of the run; NodeCPU is the server CPU per op of each, whose
	// sum is ServerCPU, when there were several.
	Nodes   int
	NodeCPU []time.Duration
	// DBCPU is the CPU time the PostgreSQL server's processes spent per op (Ops) during the whole run, its
	// set-up included, when the bench's database is PostgreSQL on this machine; 0 otherwise.
	DBCPU time.Duration

	// Runs are the individual runs of a median result.
	Runs []Result
}

// bencher is one invocation of Run.
type bencher struct {
	cfg   Config
	log   io.Writer
	tmp   string       // temporary directory for database files
	seq   atomic.Int64 // makes names unique within the invocation
	start time.Time    // of the invocation, for the progress log

	mu      sync.Mutex
	clients []*http.Client // of the current run, closed at its end
}

// Run runs cfg's workloads one after another, Runs times in turn, and returns one Result per workload.
// Progress goes to log. It stops at the first error and returns the results of the runs it has.
func Run(ctx context.Context, cfg Config, log io.Writer) ([]Result, error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp("", "openswf-bench-")
	if err != nil {
		return nil, fmt.Errorf("temporary directory: %w", err)
	}
	defer os.RemoveAll(tmp)
	b := &bencher{cfg: cfg, log: log, tmp: tmp, start: time.Now()}
	// With several runs the workloads take turns (run 1 of each, then run 2 of each, …), so that a drift of a
	// shared machine's load shifts the workloads alike and their ratios stay fair.
	runs := make([][]Result, len(cfg.Workloads))
	var runErr error
rounds:
	for i := range cfg.Runs {
		for k, w := range cfg.Workloads {
			b.logf("%s: run %d of %d", w, i+1, cfg.Runs)
			r, err := b.runOnce(ctx, w)
			if err != nil {
				runErr = fmt.Errorf("%s (run %d): %w", w, i+1, err)
				break rounds
			}
			b.logf("%s: %s", w, r.line())
			runs[k] = append(runs[k], r)
		}
	}
	var results []Result
	for _, rs := range runs {
		if len(rs) > 0 {
			results = append(results, combine(rs))
		}
	}
	if runErr != nil {
		return results, runErr
	}
	setEchoRatios(results)
	setHeartbeatRatios(results)
	return results, nil
}

func (b *bencher) runOnce(ctx context.Context, workload string) (Result, error) {
	if workload == WorkloadEcho {
		return b.echo(ctx)
	}
	srv, err := b.startServer(ctx, workload)
	if err != nil {
		return Result{}, err
	}
	var r Result
	dbm := startDBMeter(srv.db)
	switch workload {
	case WorkloadHeartbeat:
		r, err = b.heartbeat(ctx, srv, WorkloadHeartbeat)
	case WorkloadHeartbeatAuth:
		r, err = b.heartbeat(ctx, srv, WorkloadHeartbeatAuth)
	case WorkloadTimers:
		r, err = b.timers(ctx, srv)
	case WorkloadWorkflows:
		r, err = b.workflows(ctx, srv)
	case WorkloadRecovery:
		r, err = b.recovery(ctx, srv)
	case WorkloadFanout:
		r, err = b.fanout(ctx, srv)
	case WorkloadSFNHeartbeat:
		r, err = b.sfnHeartbeat(ctx, srv)
	case WorkloadSFNWakeup:
		r, err = b.sfnWakeup(ctx, srv)
	case WorkloadSFNTransitions:
		r, err = b.sfnTransitions(ctx, srv)
	case WorkloadSFNMap:
		r, err = b.sfnMap(ctx, srv)
	case WorkloadFailover:
		r, err = b.failover(ctx, srv)
	}
	r.Nodes = len(srv.urls)
	// Close the run's client connections first: http.Server.Shutdown waits up to 5 s for a connection that
	// was opened but never carried a request (the transport dials spares), and openswf serve shuts down so.
	b.closeClients()
	if workload != WorkloadFailover { // its ops are a few timeouts: CPU per op would mean nothing
		r.DBCPU = dbm.perOp(r.Ops)
	}
	if serr := srv.stop(); serr != nil && err == nil {
		err = fmt.Errorf("stop server: %w", serr)
	}
	if srv.dropSchema != nil {
		if derr := srv.dropSchema(); derr != nil && err == nil {
			err = derr
		}
	}
	r.ServerErrors = srv.errs.count()
	for _, l := range srv.errs.first() {
		b.logf("%s: server logged: %s", workload, l)
	}
	return r, err
}

func (b *bencher) logf(format string, args ...any) {
	if b.log != nil {
		fmt.Fprintf(b.log, "bench: %6.1fs %s\n", time.Since(b.start).Seconds(), fmt.Sprintf(format, args...))
	}
}

// name returns a name unique to this invocation and run, for domains and workflow ids.
func (b *bencher) name(workload string) string {
	return fmt.Sprintf("bench-%s-%x-%d", workload, time.Now().UnixNano(), b.seq.Add(1))
}

// combine reduces the runs of one workload to their medians.
func combine(runs []Result) Result {
	if len(runs) == 1 {
		return runs[0]
	}
	r := runs[0]
	r.Runs = runs
	pick := func(f func(Result) float64) float64 {
		xs := make([]float64, len(runs))
		for i, x := range runs {
			xs[i] = f(x)
		}
		return median(xs)
	}
	pickD := func(f func(Result) time.Duration) time.Duration {
		xs := make([]time.Duration, len(runs))
		for i, x := range runs {
			xs[i] = f(x)
		}
		return median(xs)
	}
	r.Ops = int64(pick(func(x Result) float64 { return float64(x.Ops) }))
	r.OpsPerSec = pick(func(x Result) float64 { return x.OpsPerSec })
	r.DueRate = pick(func(x Result) float64 { return x.DueRate })
	r.PeakRSS = int64(pick(func(x Result) float64 { return float64(x.PeakRSS) }))
	r.Elapsed = pickD(func(x Result) time.Duration { return x.Elapsed })
	r.P50 = pickD(func(x Result) time.Duration { return x.P50 })
	r.P99 = pickD(func(x Result) time.Duration { return x.P99 })
	r.Max = pickD(func(x Result) time.Duration { return x.Max })
	r.Listening = pickD(func(x Result) time.Duration { return x.Listening })
	r.ServerCPU = pickD(func(x Result) time.Duration { return x.ServerCPU })
	r.DBCPU = pickD(func(x Result) time.Duration { return x.DBCPU })
	if len(r.NodeCPU) > 0 {
		r.NodeCPU = make([]time.Duration, len(runs[0].NodeCPU))
		for i := range r.NodeCPU {
			r.NodeCPU[i] = pickD(func(x Result) time.Duration {
				if i < len(x.NodeCPU) {
					return x.NodeCPU[i]
				}
				return 0
			})
		}
	}
	r.Errors, r.ServerErrors = 0, 0
	for _, x := range runs {
		r.Errors += x.Errors
		r.ServerErrors += x.ServerErrors
	}
	return r
}

// setEchoRatios sets EchoRatio on heartbeat and sfn-heartbeat results (and their runs) from the echo result
// of the same client.
func setEchoRatios(results []Result) {
	echo := map[string]float64{}
	for _, r := range results {
		if r.Workload == WorkloadEcho && r.OpsPerSec > 0 {
			echo[r.Client] = r.OpsPerSec
		}
	}
	for i := range results {
		r := &results[i]
		e := echo[r.Client]
		if !slices.Contains([]string{WorkloadHeartbeat, WorkloadHeartbeatAuth, WorkloadSFNHeartbeat}, r.Workload) || e == 0 {
			continue
		}
		r.EchoRatio = r.OpsPerSec / e
		for j := range r.Runs {
			r.Runs[j].EchoRatio = r.Runs[j].OpsPerSec / e
		}
	}
}

// setHeartbeatRatios sets HeartbeatRatio on sfn-heartbeat and heartbeat-auth results from the heartbeat
// result of the same client: Step Functions' SendTaskHeartbeat against SWF's RecordActivityTaskHeartbeat, and
// heartbeats with access control against heartbeats without. Runs that took turns
// are paired (run j of sfn-heartbeat against run j of heartbeat, which ran in the same turn) and the result's
// ratio is the median of the pairs' ratios; otherwise the ratio is of the medians.
func setHeartbeatRatios(results []Result) {
	hb := map[string]Result{}
	for _, r := range results {
		if r.Workload == WorkloadHeartbeat && r.OpsPerSec > 0 {
			hb[r.Client] = r
		}
	}
	for i := range results {
		r := &results[i]
		h, ok := hb[r.Client]
		if (r.Workload != WorkloadSFNHeartbeat && r.Workload != WorkloadHeartbeatAuth) || !ok {
			continue
		}
		r.HeartbeatRatio = r.OpsPerSec / h.OpsPerSec
		if len(r.Runs) == 0 || len(r.Runs) != len(h.Runs) {
			continue
		}
		ratios := make([]float64, len(r.Runs))
		for j := range r.Runs {
			if h.Runs[j].OpsPerSec > 0 {
				r.Runs[j].HeartbeatRatio = r.Runs[j].OpsPerSec / h.Runs[j].OpsPerSec
			}
			ratios[j] = r.Runs[j].HeartbeatRatio
		}
		r.HeartbeatRatio = median(ratios)
	}
}
