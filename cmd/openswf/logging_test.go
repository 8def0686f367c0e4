package main

import (
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
)

// call sends one SWF request to addr and returns its status and request id.
func call(t *testing.T, addr, op, body string) (status int, requestID string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, "http://"+addr+"/", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	req.Header.Set("X-Amz-Target", "SimpleWorkflowService."+op)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, res.Body)
	id := res.Header.Get("x-amzn-RequestId")
	if id == "" {
		t.Fatalf("%s: no x-amzn-RequestId in the answer", op)
	}
	return res.StatusCode, id
}

// waitFor polls log until re matches it, or fails the test after 10 s: serve logs from its own
// goroutines, so a line may come a moment after the answer.
func waitFor(t *testing.T, log *syncBuffer, re *regexp.Regexp) []string {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if m := re.FindStringSubmatch(log.String()); m != nil {
			return m
		}
	}
	t.Fatalf("the log has no line matching %s:\n%s", re, log)
	return nil
}

// TestServe_DebugLogsFaults checks that at --log-level debug each fault answered is logged with its
// operation, type and request id, and that at info it is not.
func TestServe_DebugLogsFaults(t *testing.T) {
	addr, log := serveLog(t, "--log-level", "debug")
	status, id := call(t, addr, "DescribeDomain", `{"name":"no-such-domain"}`)
	if status != http.StatusBadRequest {
		t.Fatalf("DescribeDomain of a missing domain: got %d, want 400", status)
	}
	waitFor(t, log, regexp.MustCompile(`level=DEBUG msg=fault request_id=`+regexp.QuoteMeta(id)+
		` target=SimpleWorkflowService.DescribeDomain type=\S*#UnknownResourceFault`))

	addr, log = serveLog(t) // info
	_, id = call(t, addr, "DescribeDomain", `{"name":"no-such-domain"}`)
	time.Sleep(100 * time.Millisecond)
	if strings.Contains(log.String(), id) {
		t.Errorf("at info, the fault of request %s was logged:\n%s", id, log)
	}
}

// TestServe_RecoverySummary checks that start-up logs what it recovered, before the listening line.
func TestServe_RecoverySummary(t *testing.T) {
	_, log := serveLog(t)
	got := log.String()
	i := strings.Index(got, "msg=recovered open_runs=0 pending_tasks=0 timers=0 journal_records_replayed=0 store_open=")
	if i < 0 || i > strings.Index(got, `msg="openswf listening"`) {
		t.Errorf("start-up logged:\n%s\nwant a recovery summary before the listening line", got)
	}
}

// TestServe_AccessLog checks that --access-log writes one line per request, with its operation, status,
// fault, latency and request id, in the format of --log-format; and that without it no request is logged.
func TestServe_AccessLog(t *testing.T) {
	addr, log := serveLog(t, "--access-log", "--log-format", "json")
	_, missing := call(t, addr, "DescribeDomain", `{"name":"no-such-domain"}`)
	_, registered := call(t, addr, "RegisterDomain", `{"name":"d","workflowExecutionRetentionPeriodInDays":"1"}`)
	ids := []string{missing, registered}
	if status := get(t, addr); status != http.StatusOK {
		t.Fatalf("GET /healthz: %d", status)
	}
	type line struct {
		Level, Msg, Op, Fault, RequestID string
		Status                           int
		Latency                          time.Duration
	}
	var lines []line
	for deadline := time.Now().Add(10 * time.Second); len(lines) < 3 && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		lines = lines[:0]
		for _, l := range strings.Split(log.String(), "\n") {
			var v struct {
				Level, Msg, Op, Fault string
				RequestID             string `json:"request_id"`
				Status                int
				Latency               time.Duration
			}
			if json.Unmarshal([]byte(l), &v) == nil && v.Msg == "request" {
				lines = append(lines, line(v))
			}
		}
	}
	want := []line{
		{Level: "INFO", Msg: "request", Op: "DescribeDomain", Fault: "UnknownResourceFault", RequestID: ids[0], Status: 400},
		{Level: "INFO", Msg: "request", Op: "RegisterDomain", RequestID: ids[1], Status: 200},
		{Level: "INFO", Msg: "request", Op: "/healthz", Status: 200},
	}
	if len(lines) != len(want) {
		t.Fatalf("got %d access log lines, want %d:\n%s", len(lines), len(want), log)
	}
	for i, w := range want {
		got := lines[i]
		if got.Latency <= 0 {
			t.Errorf("line %d: latency %v, want a positive one", i, got.Latency)
		}
		got.Latency = 0
		if got != w {
			t.Errorf("line %d: got %+v, want %+v", i, got, w)
		}
	}

	addr, log = serveLog(t)
	call(t, addr, "DescribeDomain", `{"name":"no-such-domain"}`)
	time.Sleep(100 * time.Millisecond)
	if strings.Contains(log.String(), "msg=request") {
		t.Errorf("without --access-log, a request was logged:\n%s", log)
	}
}
