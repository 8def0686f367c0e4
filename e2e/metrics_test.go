package e2e

import (
	"bufio"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/swf"
	"github.com/aws/aws-sdk-go-v2/service/swf/types"
)

// scrape reads url's Prometheus text exposition into a map from series, as written ("name{labels}"), to
// value.
func scrape(t *testing.T, url string) map[string]float64 {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: got status %d, want 200", url, resp.StatusCode)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain; version=0.0.4") {
		t.Errorf("GET %s: got Content-Type %q, want the text format 0.0.4", url, ct)
	}
	series := make(map[string]float64)
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if i < 0 || err != nil {
			t.Fatalf("GET %s: unreadable sample line %q", url, line)
		}
		series[line[:i]] = v
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	return series
}

// atLeast reports an error unless the series exists with a value of at least min.
func atLeast(t *testing.T, m map[string]float64, series string, min float64) {
	t.Helper()
	if v, ok := m[series]; !ok || v < min {
		t.Errorf("%s: got %v (present: %v), want at least %v", series, v, ok, min)
	}
}

// TestSWF_Metrics drives a heartbeat, a heartbeat timeout and a late heartbeat through the SDK, then reads
// /metrics and /healthz as Prometheus and a load balancer would.
func TestSWF_Metrics(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "e2e-metrics", defaultHold)
	_, at := e.startActivity("metrics-1", func(a *types.ScheduleActivityTaskDecisionAttributes) {
		a.HeartbeatTimeout = aws.String("1")
		a.StartToCloseTimeout = aws.String("600")
	})
	e.heartbeat(at.TaskToken, "50%")

	// The first scrape counts open tasks afresh: one activity task, started; the decision task completed.
	m := scrape(t, e.srv.URL+"/metrics")
	equal(t, `open_activity_tasks{state="started"}`, m[`openswf_open_activity_tasks{state="started"}`], 1)
	equal(t, `open_activity_tasks{state="scheduled"}`, m[`openswf_open_activity_tasks{state="scheduled"}`], 0)
	equal(t, `open_decision_tasks{state="scheduled"}`, m[`openswf_open_decision_tasks{state="scheduled"}`], 0)

	// Silent after its heartbeat, the task times out on its heartbeat timeout; a late heartbeat is refused.
	exec := &types.WorkflowExecution{WorkflowId: aws.String("metrics-1"), RunId: at.WorkflowExecution.RunId}
	e.waitEvent(exec, types.EventTypeActivityTaskTimedOut)
	_, err := e.c.RecordActivityTaskHeartbeat(t.Context(), &swf.RecordActivityTaskHeartbeatInput{TaskToken: at.TaskToken})
	wantFault[*types.UnknownResourceFault](t, "heartbeat after the timeout", err)

	// The engine reports the timer just after its transition commits, so the history may show the timeout
	// a moment before the metrics do.
	deadline := time.Now().Add(waitFor)
	for m = scrape(t, e.srv.URL+"/metrics"); m[`openswf_timer_lateness_seconds_count{kind="activity.heartbeat"}`] < 1; m = scrape(t, e.srv.URL+"/metrics") {
		if time.Now().After(deadline) {
			t.Fatalf("no activity.heartbeat timer in the metrics within %v", waitFor)
		}
		time.Sleep(pollEvery)
	}
	atLeast(t, m, `openswf_heartbeats_total`, 1)
	atLeast(t, m, `openswf_requests_total{op="RecordActivityTaskHeartbeat",fault=""}`, 1)
	atLeast(t, m, `openswf_requests_total{op="RecordActivityTaskHeartbeat",fault="UnknownResourceFault"}`, 1)
	atLeast(t, m, `openswf_request_duration_seconds_count{op="RecordActivityTaskHeartbeat"}`, 2)
	atLeast(t, m, `openswf_request_duration_seconds_bucket{op="PollForActivityTask",le="+Inf"}`, 1)
	atLeast(t, m, `openswf_timers_fired_total{kind="activity.heartbeat"}`, 1)
	atLeast(t, m, `openswf_timer_lateness_seconds_bucket{kind="activity.heartbeat",le="10"}`, 1)
	atLeast(t, m, `openswf_commit_batch_size_count`, 1)
	atLeast(t, m, `openswf_commit_duration_seconds_count`, 1)
	atLeast(t, m, `go_goroutines`, 1)
	atLeast(t, m, `go_memstats_heap_inuse_bytes`, 1)
	// Histograms are cumulative: _count is the +Inf bucket.
	equal(t, "commit batch +Inf bucket", m[`openswf_commit_batch_size_bucket{le="+Inf"}`], m[`openswf_commit_batch_size_count`])

	resp, err := http.Get(e.srv.URL + "/healthz")
	if err != nil {
		t.Fatalf("GET /healthz: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	// A PostgreSQL node adds a line on its timer leases.
	if first, _, _ := strings.Cut(string(body), "\n"); resp.StatusCode != http.StatusOK || first != "ok" {
		t.Errorf("GET /healthz: got %d %q, want 200 \"ok\"", resp.StatusCode, body)
	}
}
