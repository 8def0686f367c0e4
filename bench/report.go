package bench

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
)

// Extra is the workload-specific note of a result's table row: the ratios to echo and to heartbeat, the timers' due rate and
// peak RSS, the recovery's listening time and task count, the server's logged errors.
func (r Result) Extra() string {
	var parts []string
	if r.Nodes > 1 {
		parts = append(parts, fmt.Sprintf("%d nodes", r.Nodes))
	}
	if r.ServerCPU > 0 {
		cpu := fmt.Sprintf("server CPU %.1f µs/op", us(r.ServerCPU))
		if len(r.NodeCPU) > 1 {
			each := make([]string, len(r.NodeCPU))
			for i, d := range r.NodeCPU {
				each[i] = fmt.Sprintf("%.1f", us(d))
			}
			cpu += " (" + strings.Join(each, " + ") + ")"
		}
		parts = append(parts, cpu)
	}
	if r.DBCPU > 0 {
		parts = append(parts, fmt.Sprintf("PostgreSQL CPU %.1f µs/op", float64(r.DBCPU)/float64(time.Microsecond)))
	}
	switch r.Workload {
	case WorkloadHeartbeat:
		if r.EchoRatio > 0 {
			parts = append(parts, fmt.Sprintf("%.2f× echo", r.EchoRatio))
		}
	case WorkloadSFNHeartbeat, WorkloadHeartbeatAuth:
		if r.HeartbeatRatio > 0 {
			parts = append(parts, fmt.Sprintf("%.2f× heartbeat", r.HeartbeatRatio))
		}
		if r.EchoRatio > 0 {
			parts = append(parts, fmt.Sprintf("%.2f× echo", r.EchoRatio))
		}
	case WorkloadSFNWakeup:
		parts = append(parts, "latency = StartExecution ack to GetActivityTask answer")
	case WorkloadSFNTransitions:
		parts = append(parts, fmt.Sprintf("ops = states entered by %d executions; latency = StartExecution calls", r.Tasks))
	case WorkloadSFNMap:
		parts = append(parts, fmt.Sprintf("ops = tasks of a Map over %d items; latency = polls that got a task", r.Tasks))
	case WorkloadTimers:
		parts = append(parts, fmt.Sprintf("latency = timeout lateness; %d tasks due at %.0f/s", r.Tasks, r.DueRate))
		if r.PeakRSS > 0 {
			parts = append(parts, "peak RSS "+formatBytes(r.PeakRSS))
		}
	case WorkloadWorkflows:
		parts = append(parts, "latency = start call to completion ack")
	case WorkloadFanout:
		parts = append(parts, fmt.Sprintf("ops = tasks taken and completed of one run of %d; latency = polls that got a task", r.Tasks))
	case WorkloadFailover:
		parts = append(parts, fmt.Sprintf("latency = lateness of the killed node's timeouts due after the kill "+
			"(%d timeouts, %d partitions); kill to its first timeout fired elsewhere %s; %d tasks; lease %v",
			r.Ops, r.Partitions, formatDuration(r.Elapsed), r.Tasks, failoverLease))
	case WorkloadRecovery:
		parts = append(parts, fmt.Sprintf("latency = process start to first answer; %d open tasks; log line at %s",
			r.Tasks, formatDuration(r.Listening)))
		if r.PeakRSS > 0 {
			parts = append(parts, "RSS "+formatBytes(r.PeakRSS))
		}
	}
	if r.ServerErrors > 0 {
		parts = append(parts, fmt.Sprintf("%d server errors logged", r.ServerErrors))
	}
	if len(r.Runs) > 1 {
		parts = append(parts, fmt.Sprintf("median of %d runs", len(r.Runs)))
	}
	return strings.Join(parts, "; ")
}

// line is a one-line summary for progress logs.
func (r Result) line() string {
	return fmt.Sprintf("%s ops/s, p50 %s, p99 %s, max %s, %d errors; %s", formatRate(r.OpsPerSec),
		formatDuration(r.P50), formatDuration(r.P99), formatDuration(r.Max), r.Errors, r.Extra())
}

// WriteTable writes results as an aligned table with the columns workload, client, workers, ops/s, p50,
// p99, max, errors, extra.
func WriteTable(w io.Writer, results []Result) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "workload\tclient\tworkers\tops/s\tp50\tp99\tmax\terrors\textra")
	for _, r := range results {
		workers := "-"
		if r.Workers > 0 {
			workers = fmt.Sprint(r.Workers)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\t%s\n", r.Workload, r.Client, workers,
			formatRate(r.OpsPerSec), formatDuration(r.P50), formatDuration(r.P99), formatDuration(r.Max),
			r.Errors, r.Extra())
	}
	return tw.Flush()
}

// jsonResult is a Result on the wire: durations in milliseconds.
type jsonResult struct {
	Workload       string       `json:"workload"`
	Client         string       `json:"client"`
	Workers        int          `json:"workers"`
	Ops            int64        `json:"ops"`
	ElapsedMs      float64      `json:"elapsedMs"`
	OpsPerSec      float64      `json:"opsPerSec"`
	P50Ms          float64      `json:"p50Ms"`
	P99Ms          float64      `json:"p99Ms"`
	MaxMs          float64      `json:"maxMs"`
	Errors         int64        `json:"errors"`
	Extra          string       `json:"extra,omitempty"`
	EchoRatio      float64      `json:"echoRatio,omitempty"`
	HeartbeatRatio float64      `json:"heartbeatRatio,omitempty"`
	Tasks          int          `json:"tasks,omitempty"`
	DueRate        float64      `json:"dueRate,omitempty"`
	PeakRSS        int64        `json:"peakRssBytes,omitempty"`
	ListeningMs    float64      `json:"listeningMs,omitempty"`
	ServerErrors   int64        `json:"serverErrors,omitempty"`
	Nodes          int          `json:"nodes,omitempty"`
	Partitions     int          `json:"partitions,omitempty"`
	ServerCPUUs    float64      `json:"serverCpuMicrosPerOp,omitempty"`
	NodeCPUUs      []float64    `json:"nodeCpuMicrosPerOp,omitempty"`
	DBCPUUs        float64      `json:"dbCpuMicrosPerOp,omitempty"`
	Runs           []jsonResult `json:"runs,omitempty"`
}

func toJSON(r Result) jsonResult {
	j := jsonResult{
		Workload: r.Workload, Client: r.Client, Workers: r.Workers, Ops: r.Ops, ElapsedMs: ms(r.Elapsed),
		OpsPerSec: r.OpsPerSec, P50Ms: ms(r.P50), P99Ms: ms(r.P99), MaxMs: ms(r.Max), Errors: r.Errors,
		Extra: r.Extra(), EchoRatio: r.EchoRatio, HeartbeatRatio: r.HeartbeatRatio, Tasks: r.Tasks, DueRate: r.DueRate, PeakRSS: r.PeakRSS,
		ListeningMs: ms(r.Listening), ServerErrors: r.ServerErrors,
		Nodes: r.Nodes, Partitions: r.Partitions,
		ServerCPUUs: float64(r.ServerCPU) / float64(time.Microsecond),
		DBCPUUs:     float64(r.DBCPU) / float64(time.Microsecond),
	}
	for _, d := range r.NodeCPU {
		j.NodeCPUUs = append(j.NodeCPUUs, us(d))
	}
	for _, x := range r.Runs {
		j.Runs = append(j.Runs, toJSON(x))
	}
	return j
}

// MarshalJSON encodes a result with its durations in milliseconds (p50Ms, p99Ms, maxMs, elapsedMs,
// listeningMs) and its runs.
func (r Result) MarshalJSON() ([]byte, error) { return json.Marshal(toJSON(r)) }

// WriteJSON writes results as an indented JSON array.
func WriteJSON(w io.Writer, results []Result) error {
	if results == nil {
		results = []Result{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(results)
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func us(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }

func formatRate(r float64) string {
	if r == 0 {
		return "-"
	}
	return fmt.Sprintf("%.0f", r)
}

// formatDuration prints a latency with about three significant digits.
func formatDuration(d time.Duration) string {
	a := d
	if a < 0 {
		a = -a
	}
	switch {
	case d == 0:
		return "0"
	case a < 10*time.Millisecond:
		return fmt.Sprintf("%.2fms", ms(d))
	case a < time.Second:
		return fmt.Sprintf("%.1fms", ms(d))
	default:
		return fmt.Sprintf("%.2fs", d.Seconds())
	}
}

func formatBytes(n int64) string {
	return fmt.Sprintf("%.0f MiB", float64(n)/(1<<20))
}
