package bench

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// mustRun runs cfg against an in-process server and fails the test on error. Progress goes to the test log.
func mustRun(t *testing.T, cfg Config) []Result {
	t.Helper()
	if testing.Short() {
		t.Skip("smoke test runs real load on the wall clock; skipped in -short mode")
	}
	var log bytes.Buffer
	results, err := Run(t.Context(), cfg, &log)
	t.Log("\n" + log.String())
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if len(results) != len(cfg.Workloads) {
		t.Fatalf("Run returned %d results, want %d", len(results), len(cfg.Workloads))
	}
	var table bytes.Buffer
	if err := WriteTable(&table, results); err != nil {
		t.Fatalf("WriteTable: %v", err)
	}
	t.Log("\n" + table.String())
	return results
}

func TestRun_EchoAndHeartbeat(t *testing.T) {
	for _, client := range []string{ClientRaw, ClientSDK} {
		t.Run(client, func(t *testing.T) {
			results := mustRun(t, Config{
				Workloads: []string{WorkloadEcho, WorkloadHeartbeat}, Client: client,
				Workers: 4, Duration: 300 * time.Millisecond,
			})
			for _, r := range results {
				if r.Ops <= 0 || r.OpsPerSec <= 0 || r.Errors != 0 {
					t.Errorf("%s: ops %d (%.0f/s), errors %d; want ops > 0 and no errors", r.Workload, r.Ops, r.OpsPerSec, r.Errors)
				}
				if r.P50 <= 0 || r.P99 < r.P50 || r.Max < r.P99 {
					t.Errorf("%s: latency p50 %v p99 %v max %v, want 0 < p50 ≤ p99 ≤ max", r.Workload, r.P50, r.P99, r.Max)
				}
			}
			if hb := results[1]; hb.EchoRatio <= 0 {
				t.Errorf("heartbeat: echo ratio %v, want > 0", hb.EchoRatio)
			}
		})
	}
}

func TestRun_HeartbeatAtRate(t *testing.T) {
	results := mustRun(t, Config{
		Workloads: []string{WorkloadHeartbeat}, Workers: 4, Duration: 500 * time.Millisecond, Rate: 200,
	})
	r := results[0]
	// 200/s for 0.5 s is 100 heartbeats; allow for the schedule's edges.
	if r.Ops < 90 || r.Ops > 101 || r.Errors != 0 {
		t.Errorf("heartbeat at 200/s for 500ms: %d ops, %d errors; want about 100 and none", r.Ops, r.Errors)
	}
}

func TestRun_Workflows(t *testing.T) {
	results := mustRun(t, Config{Workloads: []string{WorkloadWorkflows}, Workers: 8, Workflows: 20})
	r := results[0]
	if r.Ops != 20 || r.Errors != 0 || r.OpsPerSec <= 0 {
		t.Errorf("workflows: %d completed (%.0f/s), %d errors; want 20 and none", r.Ops, r.OpsPerSec, r.Errors)
	}
	if r.P50 <= 0 || r.Max < r.P50 {
		t.Errorf("workflows: latency p50 %v max %v", r.P50, r.Max)
	}
}

func TestRun_Fanout(t *testing.T) {
	results := mustRun(t, Config{Workloads: []string{WorkloadFanout}, Workers: 8, Activities: 60})
	r := results[0]
	if r.Ops != 60 || r.Errors != 0 || r.OpsPerSec <= 0 || r.Tasks != 60 {
		t.Errorf("fanout: %d of %d completed (%.0f/s), %d errors; want 60 and none", r.Ops, r.Tasks, r.OpsPerSec, r.Errors)
	}
	if r.P50 <= 0 || r.Max < r.P50 {
		t.Errorf("fanout: poll latency p50 %v max %v", r.P50, r.Max)
	}
}

func TestRun_HeartbeatAndSFNHeartbeat(t *testing.T) {
	for _, client := range []string{ClientRaw, ClientSDK} {
		t.Run(client, func(t *testing.T) {
			results := mustRun(t, Config{
				Workloads: []string{WorkloadHeartbeat, WorkloadSFNHeartbeat}, Client: client,
				Workers: 4, Duration: 300 * time.Millisecond, Runs: 2,
			})
			for _, r := range results {
				if r.Ops <= 0 || r.OpsPerSec <= 0 || r.Errors != 0 {
					t.Errorf("%s: ops %d (%.0f/s), errors %d; want ops > 0 and no errors", r.Workload, r.Ops, r.OpsPerSec, r.Errors)
				}
			}
			if r := results[1]; r.HeartbeatRatio <= 0 || r.Runs[0].HeartbeatRatio <= 0 || !strings.Contains(r.Extra(), "× heartbeat") {
				t.Errorf("sfn-heartbeat: heartbeat ratio %v (runs %+v), extra %q; want > 0", r.HeartbeatRatio, r.Runs, r.Extra())
			}
		})
	}
}

func TestRun_HeartbeatAndHeartbeatAuth(t *testing.T) {
	for _, client := range []string{ClientRaw, ClientSDK} {
		t.Run(client, func(t *testing.T) {
			results := mustRun(t, Config{
				Workloads: []string{WorkloadHeartbeat, WorkloadHeartbeatAuth}, Client: client,
				Workers: 4, Duration: 300 * time.Millisecond, Runs: 2,
			})
			for _, r := range results {
				if r.Ops <= 0 || r.OpsPerSec <= 0 || r.Errors != 0 || r.ServerErrors != 0 {
					t.Errorf("%s: ops %d (%.0f/s), errors %d, server errors %d; want ops > 0 and no errors",
						r.Workload, r.Ops, r.OpsPerSec, r.Errors, r.ServerErrors)
				}
			}
			if r := results[1]; r.Workload != WorkloadHeartbeatAuth || r.HeartbeatRatio <= 0 || r.Runs[1].HeartbeatRatio <= 0 ||
				!strings.Contains(r.Extra(), "× heartbeat") {
				t.Errorf("%s: heartbeat ratio %v (runs %+v), extra %q; want heartbeat-auth with a ratio > 0",
					r.Workload, r.HeartbeatRatio, r.Runs, r.Extra())
			}
		})
	}
}

func TestRun_SFNWakeup(t *testing.T) {
	for _, rate := range []float64{0, 50} {
		results := mustRun(t, Config{Workloads: []string{WorkloadSFNWakeup}, Workers: 4, Duration: 300 * time.Millisecond, Rate: rate})
		r := results[0]
		if r.Ops <= 0 || r.Errors != 0 || r.Max < r.P50 {
			t.Errorf("sfn-wakeup at rate %v: %d tasks, %d errors, p50 %v max %v; want tasks and no errors", rate, r.Ops, r.Errors, r.P50, r.Max)
		}
	}
}

func TestRun_SFNTransitions(t *testing.T) {
	results := mustRun(t, Config{Workloads: []string{WorkloadSFNTransitions}, Workers: 4, Executions: 6, Loops: 3})
	r := results[0]
	if want := int64(6 * (3*sfnLoopStates + 1)); r.Ops != want || r.Errors != 0 || r.OpsPerSec <= 0 {
		t.Errorf("sfn-transitions: %d transitions (%.0f/s), %d errors; want %d and none", r.Ops, r.OpsPerSec, r.Errors, want)
	}
}

func TestRun_SFNMap(t *testing.T) {
	results := mustRun(t, Config{Workloads: []string{WorkloadSFNMap}, Workers: 8, Items: 60})
	r := results[0]
	if r.Ops != 60 || r.Errors != 0 || r.OpsPerSec <= 0 || r.Tasks != 60 {
		t.Errorf("sfn-map: %d of %d completed (%.0f/s), %d errors; want 60 and none", r.Ops, r.Tasks, r.OpsPerSec, r.Errors)
	}
	if r.P50 <= 0 || r.Max < r.P50 {
		t.Errorf("sfn-map: poll latency p50 %v max %v", r.P50, r.Max)
	}
}

func TestLoopMachine_Shape(t *testing.T) {
	def := loopMachine()
	for _, want := range []string{`"S01"`, `"S19": {"Type": "Pass", "Next": "Check"}`, `"Check": {"Type": "Choice"`, `"Done": {"Type": "Succeed"}`} {
		if !strings.Contains(def, want) {
			t.Errorf("loop machine lacks %s:\n%s", want, def)
		}
	}
	if strings.Contains(def, `"S20"`) {
		t.Errorf("loop machine has 20 Pass states, want 19 and a Choice:\n%s", def)
	}
}

func TestRun_Timers(t *testing.T) {
	results := mustRun(t, Config{Workloads: []string{WorkloadTimers}, Tasks: 50, TimeoutRate: 50})
	r := results[0]
	if r.Ops != 50 || r.Errors != 0 {
		t.Errorf("timers: %d heartbeat timeouts, %d errors; want 50 and none", r.Ops, r.Errors)
	}
	// The server fires within about a second at this stage; anything far beyond is a broken computation.
	if r.Max > 5*time.Second || r.P50 < -time.Second {
		t.Errorf("timers: lateness p50 %v max %v, want within (-1s, 5s)", r.P50, r.Max)
	}
	if r.PeakRSS <= 0 {
		t.Errorf("timers: peak RSS %d, want > 0", r.PeakRSS)
	}
	if r.DueRate <= 0 {
		t.Errorf("timers: due rate %v, want > 0", r.DueRate)
	}
}

func TestConfig_Validate(t *testing.T) {
	const pg = "postgres://postgres@127.0.0.1:5432/test"
	for _, tc := range []struct {
		name string
		cfg  Config
		want string // substring of the error; "" for none
	}{
		{"defaults", Config{}, ""},
		{"unknown workload", Config{Workloads: []string{"nap"}}, `unknown workload "nap"`},
		{"unknown client", Config{Client: "curl"}, `unknown client "curl"`},
		{"recovery in-process", Config{Workloads: []string{WorkloadRecovery}}, "child process"},
		{"recovery external", Config{Workloads: []string{WorkloadRecovery}, Endpoint: "http://x", ServerExec: "openswf"}, "child process"},
		{"recovery child", Config{Workloads: []string{WorkloadRecovery}, ServerExec: "openswf"}, ""},
		{"fanout over SWF's limit", Config{Workloads: []string{WorkloadFanout}, Activities: 1001}, "activities 1001"},
		{"negative rate", Config{Rate: -1}, "negative"},
		{"heartbeat-auth", Config{Workloads: []string{WorkloadHeartbeat, WorkloadHeartbeatAuth}}, ""},
		{"heartbeat-auth on an endpoint", Config{Workloads: []string{WorkloadHeartbeatAuth}, Endpoint: "http://x"}, ""},
		{"heartbeat-auth misspelt", Config{Workloads: []string{"heartbeat_auth"}}, `unknown workload "heartbeat_auth"`},
		{"sfn workloads", Config{Workloads: []string{WorkloadSFNHeartbeat, WorkloadSFNWakeup, WorkloadSFNTransitions, WorkloadSFNMap}}, ""},
		{"negative executions", Config{Workloads: []string{WorkloadSFNTransitions}, Executions: -1}, "executions"},
		{"loops over the history limit", Config{Workloads: []string{WorkloadSFNTransitions}, Loops: 601}, "loops 601"},
		{"items over the history limit", Config{Workloads: []string{WorkloadSFNMap}, Items: 3001}, "items 3001"},
		{"no items", Config{Workloads: []string{WorkloadSFNMap}, Items: -1}, "items -1"},
		{"nodes on PostgreSQL", Config{Workloads: []string{WorkloadHeartbeat, WorkloadWorkflows, WorkloadFanout}, Nodes: 3, DB: pg, ServerExec: "openswf"}, ""},
		{"nodes on SQLite", Config{Workloads: []string{WorkloadHeartbeat}, Nodes: 2, ServerExec: "openswf"}, "postgres:// --db"},
		{"nodes in-process", Config{Workloads: []string{WorkloadHeartbeat}, Nodes: 2, DB: pg}, "--server-exec"},
		{"nodes on an endpoint", Config{Workloads: []string{WorkloadHeartbeat}, Nodes: 2, DB: pg, ServerExec: "openswf", Endpoint: "http://x"}, "no --endpoint"},
		{"nodes of a one-node workload", Config{Workloads: []string{WorkloadTimers}, Nodes: 2, DB: pg, ServerExec: "openswf"}, "workload timers runs on one node only"},
		{"negative nodes", Config{Nodes: -1}, "nodes -1"},
		{"one node on SQLite", Config{Workloads: []string{WorkloadHeartbeat}, Nodes: 1}, ""},
		{"failover defaults to two nodes", Config{Workloads: []string{WorkloadFailover}, DB: pg, ServerExec: "openswf"}, ""},
		{"failover on one node", Config{Workloads: []string{WorkloadFailover}, Nodes: 1, DB: pg, ServerExec: "openswf"}, "--nodes 2"},
		{"failover on SQLite", Config{Workloads: []string{WorkloadFailover}, ServerExec: "openswf"}, "postgres:// --db"},
	} {
		err := tc.cfg.withDefaults().validate()
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: validate() = %v, want nil", tc.name, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%s: validate() = %v, want an error containing %q", tc.name, err, tc.want)
		}
	}
}

func TestCombine_MediansAndTotalErrors(t *testing.T) {
	runs := []Result{
		{Workload: WorkloadHeartbeat, Client: ClientRaw, OpsPerSec: 100, P50: 3, P99: 30, Max: 300, Errors: 1},
		{Workload: WorkloadHeartbeat, Client: ClientRaw, OpsPerSec: 300, P50: 1, P99: 10, Max: 100, Errors: 0},
		{Workload: WorkloadHeartbeat, Client: ClientRaw, OpsPerSec: 200, P50: 2, P99: 20, Max: 900, Errors: 2},
	}
	r := combine(runs)
	if r.OpsPerSec != 200 || r.P50 != 2 || r.P99 != 20 || r.Max != 300 || r.Errors != 3 || len(r.Runs) != 3 {
		t.Errorf("combine = %+v; want medians 200/s, 2, 20, 300, total errors 3, 3 runs", r)
	}
	results := []Result{r, {Workload: WorkloadEcho, Client: ClientRaw, OpsPerSec: 400}}
	setEchoRatios(results)
	if results[0].EchoRatio != 0.5 || results[0].Runs[1].EchoRatio != 0.75 {
		t.Errorf("echo ratios %v (runs %v), want 0.5 (second run 0.75)", results[0].EchoRatio, results[0].Runs[1].EchoRatio)
	}
}

// sfn-heartbeat's ratio pairs each run with heartbeat's run of the same turn and takes the median of the
// pairs, not the ratio of the medians.
func TestSetHeartbeatRatios_PairsRuns(t *testing.T) {
	hb := combine([]Result{
		{Workload: WorkloadHeartbeat, Client: ClientRaw, OpsPerSec: 100},
		{Workload: WorkloadHeartbeat, Client: ClientRaw, OpsPerSec: 200},
		{Workload: WorkloadHeartbeat, Client: ClientRaw, OpsPerSec: 400},
	})
	sfnHB := combine([]Result{
		{Workload: WorkloadSFNHeartbeat, Client: ClientRaw, OpsPerSec: 90},
		{Workload: WorkloadSFNHeartbeat, Client: ClientRaw, OpsPerSec: 200},
		{Workload: WorkloadSFNHeartbeat, Client: ClientRaw, OpsPerSec: 380},
	})
	other := Result{Workload: WorkloadSFNHeartbeat, Client: ClientSDK, OpsPerSec: 50}
	results := []Result{hb, sfnHB, other}
	setHeartbeatRatios(results)
	if got := results[1].HeartbeatRatio; got != 0.95 {
		t.Errorf("ratio %v, want 0.95 (the median of 0.9, 1.0 and 0.95)", got)
	}
	if got := results[1].Runs[0].HeartbeatRatio; got != 0.9 {
		t.Errorf("first run's ratio %v, want 0.9", got)
	}
	if got := results[2].HeartbeatRatio; got != 0 {
		t.Errorf("ratio of the sdk result without an sdk heartbeat %v, want 0", got)
	}
}

// heartbeat-auth's ratio to heartbeat pairs runs like sfn-heartbeat's, and its echo ratio is set too.
func TestSetHeartbeatRatios_HeartbeatAuth(t *testing.T) {
	results := []Result{
		{Workload: WorkloadEcho, Client: ClientRaw, OpsPerSec: 400},
		combine([]Result{{Workload: WorkloadHeartbeat, Client: ClientRaw, OpsPerSec: 100}, {Workload: WorkloadHeartbeat, Client: ClientRaw, OpsPerSec: 200},
			{Workload: WorkloadHeartbeat, Client: ClientRaw, OpsPerSec: 400}}),
		combine([]Result{{Workload: WorkloadHeartbeatAuth, Client: ClientRaw, OpsPerSec: 80}, {Workload: WorkloadHeartbeatAuth, Client: ClientRaw, OpsPerSec: 180},
			{Workload: WorkloadHeartbeatAuth, Client: ClientRaw, OpsPerSec: 380}}),
	}
	setEchoRatios(results)
	setHeartbeatRatios(results)
	r := results[2]
	if r.HeartbeatRatio != 0.9 || r.Runs[0].HeartbeatRatio != 0.8 {
		t.Errorf("heartbeat-auth ratio %v (first run %v), want 0.9, the median of 0.8, 0.9 and 0.95 (0.8)", r.HeartbeatRatio, r.Runs[0].HeartbeatRatio)
	}
	if r.EchoRatio != 0.45 {
		t.Errorf("heartbeat-auth echo ratio %v, want 0.45 (its median 180/s over echo's 400/s)", r.EchoRatio)
	}
	if !strings.Contains(r.Extra(), "0.90× heartbeat") {
		t.Errorf("extra %q, want it to say 0.90× heartbeat", r.Extra())
	}
}

func TestWriteJSON_Fields(t *testing.T) {
	var buf bytes.Buffer
	results := []Result{{Workload: WorkloadTimers, Client: ClientSDK, Ops: 5, P50: 1500 * time.Microsecond, PeakRSS: 1 << 20,
		Runs: []Result{{Workload: WorkloadTimers}, {Workload: WorkloadTimers}}}}
	if err := WriteJSON(&buf, results); err != nil {
		t.Fatalf("WriteJSON: %v", err)
	}
	var got []map[string]any
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatalf("WriteJSON wrote invalid JSON: %v\n%s", err, buf.String())
	}
	if len(got) != 1 {
		t.Fatalf("got %d results, want 1", len(got))
	}
	for key, want := range map[string]any{"workload": "timers", "client": "sdk", "ops": 5.0, "p50Ms": 1.5, "peakRssBytes": float64(1 << 20)} {
		if got[0][key] != want {
			t.Errorf("%s = %v, want %v", key, got[0][key], want)
		}
	}
	if runs, _ := got[0]["runs"].([]any); len(runs) != 2 {
		t.Errorf("runs = %v, want 2 runs", got[0]["runs"])
	}
}

func TestEchoHandler_AnswersLikeAHeartbeat(t *testing.T) {
	h := newEchoHandler()
	ids := map[string]bool{}
	for range 3 {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/", strings.NewReader(`{"taskToken":"t"}`)))
		if rec.Code != http.StatusOK || rec.Body.String() != `{"cancelRequested":false}` {
			t.Errorf("answer %d %q, want 200 {\"cancelRequested\":false}", rec.Code, rec.Body.String())
		}
		id := rec.Header().Get("x-amzn-RequestId")
		if id == "" || ids[id] {
			t.Errorf("request id %q: want a fresh one", id)
		}
		ids[id] = true
	}
}

// BenchmarkHeartbeat_InProcess heartbeats through the raw client against an in-process server, so that
// `go test -bench Heartbeat -cpuprofile cpu.out ./bench` profiles client and server together (an openswf
// child process has no profiling endpoint). Each parallel worker holds its own task.
func BenchmarkHeartbeat_InProcess(b *testing.B) {
	const workers = 64
	bn := &bencher{cfg: Config{Workers: workers}.withDefaults(), tmp: b.TempDir(), start: time.Now()}
	srv, err := bn.startServer(b.Context(), WorkloadHeartbeat)
	if err != nil {
		b.Fatal(err)
	}
	defer srv.stop()
	defer bn.closeClients()
	e, err := newEnv(b.Context(), bn.setupClient(srv.url), bn.name(WorkloadHeartbeat), b.Logf)
	if err != nil {
		b.Fatal(err)
	}
	held, err := e.startTasks(b.Context(), taskPlan{tasks: workers, perWorkflow: 1, heartbeatTimeout: heartbeatHold, keepTokens: true})
	if err != nil {
		b.Fatal(err)
	}
	calls := bn.heartbeatCalls(srv.urls, held.tokens)
	var next atomic.Int64
	b.SetParallelism((workers + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0))
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		c := calls[int(next.Add(1)-1)%len(calls)]
		for pb.Next() {
			if err := c(b.Context()); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
