package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awscreds "github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/swf"
	"github.com/aws/aws-sdk-go-v2/service/swf/types"

	"github.com/openswf/openswf/openswftest"
)

// cliResult is what one run of the command line gave.
type cliResult struct {
	out, err string
	code     int
}

// runCLI runs the command line args with env as the whole environment (so no developer's AWS files or
// keys reach the test) and returns what it printed and its exit status.
func runCLI(t *testing.T, env map[string]string, args ...string) cliResult {
	t.Helper()
	if env == nil {
		env = map[string]string{}
	}
	if _, ok := env["HOME"]; !ok {
		env["HOME"] = t.TempDir()
	}
	var out, errw bytes.Buffer
	code := Main(context.Background(), args, &out, &errw, envMap(env), time.Now)
	return cliResult{out: out.String(), err: errw.String(), code: code}
}

// mustRun runs the command line against url and fails the test unless it exits 0.
func mustRun(t *testing.T, url string, args ...string) string {
	t.Helper()
	r := runCLI(t, nil, append(args, "--endpoint", url)...)
	if r.code != 0 {
		t.Fatalf("openswf %s: exit %d, stderr:\n%s", strings.Join(args, " "), r.code, r.err)
	}
	return r.out
}

// mustJSON runs the command line with --output json and decodes what it printed into v.
func mustJSON(t *testing.T, url string, v any, args ...string) {
	t.Helper()
	out := mustRun(t, url, append(args, "--output", "json")...)
	if err := json.Unmarshal([]byte(out), v); err != nil {
		t.Fatalf("openswf %s --output json printed no JSON (%v):\n%s", strings.Join(args, " "), err, out)
	}
}

// rowOf returns the line of a table whose first column is first, or "".
func rowOf(table, first string) string {
	for line := range strings.SplitSeq(table, "\n") {
		if f := strings.Fields(line); len(f) > 0 && f[0] == first {
			return line
		}
	}
	return ""
}

// swfFixture is a server with real SWF data: domains orders (retention 7 days) and legacy (deprecated),
// the types wf/1, other/2 and act/1, and four runs of orders:
//
//	w-open   wf/1, tag blue, open, its activity a1 started by worker-7 with a heartbeat "50%"
//	w-other  other/2, open
//	w-done   wf/1, tag blue, activity a1 completed, then the run completed
//	w-fail   other/2, failed
type swfFixture struct {
	url     string
	c       *swf.Client
	doneRun string
}

func newSWFFixture(t *testing.T) *swfFixture {
	t.Helper()
	srv := openswftest.New(t, openswftest.Options{PollHold: time.Second})
	c := swf.New(swf.Options{BaseEndpoint: aws.String(srv.URL), Region: "us-east-1",
		Credentials: awscreds.NewStaticCredentialsProvider("x", "y", "")})
	ctx := t.Context()
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	_, err := c.RegisterDomain(ctx, &swf.RegisterDomainInput{Name: aws.String("orders"), Description: aws.String("order workflows"),
		WorkflowExecutionRetentionPeriodInDays: aws.String("7")})
	must("RegisterDomain orders", err)
	_, err = c.RegisterDomain(ctx, &swf.RegisterDomainInput{Name: aws.String("legacy"), WorkflowExecutionRetentionPeriodInDays: aws.String("1")})
	must("RegisterDomain legacy", err)
	_, err = c.DeprecateDomain(ctx, &swf.DeprecateDomainInput{Name: aws.String("legacy")})
	must("DeprecateDomain legacy", err)
	for _, wt := range [][2]string{{"wf", "1"}, {"other", "2"}} {
		_, err = c.RegisterWorkflowType(ctx, &swf.RegisterWorkflowTypeInput{Domain: aws.String("orders"), Name: aws.String(wt[0]), Version: aws.String(wt[1]),
			DefaultTaskList: &types.TaskList{Name: aws.String("decisions")}, DefaultExecutionStartToCloseTimeout: aws.String("300"),
			DefaultTaskStartToCloseTimeout: aws.String("30"), DefaultChildPolicy: types.ChildPolicyTerminate})
		must("RegisterWorkflowType", err)
	}
	_, err = c.RegisterActivityType(ctx, &swf.RegisterActivityTypeInput{Domain: aws.String("orders"), Name: aws.String("act"), Version: aws.String("1"),
		DefaultTaskList: &types.TaskList{Name: aws.String("activities")}, DefaultTaskStartToCloseTimeout: aws.String("600"),
		DefaultTaskHeartbeatTimeout: aws.String("120"), DefaultTaskScheduleToStartTimeout: aws.String("NONE"),
		DefaultTaskScheduleToCloseTimeout: aws.String("NONE")})
	must("RegisterActivityType", err)

	start := func(id, typ, version, tag string) string {
		t.Helper()
		in := &swf.StartWorkflowExecutionInput{Domain: aws.String("orders"), WorkflowId: aws.String(id),
			WorkflowType: &types.WorkflowType{Name: aws.String(typ), Version: aws.String(version)},
			TaskList:     &types.TaskList{Name: aws.String("dl-" + id)}, Input: aws.String("input of " + id)}
		if tag != "" {
			in.TagList = []string{tag}
		}
		out, err := c.StartWorkflowExecution(ctx, in)
		must("StartWorkflowExecution "+id, err)
		return aws.ToString(out.RunId)
	}
	// decide takes the decision task of id's run (each run has a task list of its own) and answers it.
	decide := func(id string, d types.Decision) {
		t.Helper()
		for range 20 {
			task, err := c.PollForDecisionTask(ctx, &swf.PollForDecisionTaskInput{Domain: aws.String("orders"),
				TaskList: &types.TaskList{Name: aws.String("dl-" + id)}, Identity: aws.String("decider")})
			must("PollForDecisionTask", err)
			if task.TaskToken == nil {
				continue
			}
			_, err = c.RespondDecisionTaskCompleted(ctx, &swf.RespondDecisionTaskCompletedInput{TaskToken: task.TaskToken, Decisions: []types.Decision{d}})
			must("RespondDecisionTaskCompleted", err)
			return
		}
		t.Fatalf("no decision task for %s", id)
	}
	schedule := types.Decision{DecisionType: types.DecisionTypeScheduleActivityTask, ScheduleActivityTaskDecisionAttributes: &types.ScheduleActivityTaskDecisionAttributes{
		ActivityId: aws.String("a1"), ActivityType: &types.ActivityType{Name: aws.String("act"), Version: aws.String("1")}, Input: aws.String("charge 10")}}
	takeActivity := func(identity string) *swf.PollForActivityTaskOutput {
		t.Helper()
		for range 20 {
			task, err := c.PollForActivityTask(ctx, &swf.PollForActivityTaskInput{Domain: aws.String("orders"),
				TaskList: &types.TaskList{Name: aws.String("activities")}, Identity: aws.String(identity)})
			must("PollForActivityTask", err)
			if task.TaskToken != nil {
				return task
			}
		}
		t.Fatal("no activity task")
		return nil
	}

	f := &swfFixture{url: srv.URL, c: c}
	start("w-done", "wf", "1", "blue")
	decide("w-done", schedule)
	task := takeActivity("worker-1")
	_, err = c.RespondActivityTaskCompleted(ctx, &swf.RespondActivityTaskCompletedInput{TaskToken: task.TaskToken, Result: aws.String("charged")})
	must("RespondActivityTaskCompleted", err)
	decide("w-done", types.Decision{DecisionType: types.DecisionTypeCompleteWorkflowExecution,
		CompleteWorkflowExecutionDecisionAttributes: &types.CompleteWorkflowExecutionDecisionAttributes{Result: aws.String("done")}})
	f.doneRun = aws.ToString(task.WorkflowExecution.RunId)

	start("w-fail", "other", "2", "")
	decide("w-fail", types.Decision{DecisionType: types.DecisionTypeFailWorkflowExecution,
		FailWorkflowExecutionDecisionAttributes: &types.FailWorkflowExecutionDecisionAttributes{Reason: aws.String("out of stock")}})

	start("w-open", "wf", "1", "blue")
	decide("w-open", schedule)
	task = takeActivity("worker-7")
	_, err = c.RecordActivityTaskHeartbeat(ctx, &swf.RecordActivityTaskHeartbeatInput{TaskToken: task.TaskToken, Details: aws.String("50%")})
	must("RecordActivityTaskHeartbeat", err)
	start("w-other", "other", "2", "")
	return f
}

// TestInspect_SWF runs the SWF inspection commands against a server with real data and checks the rows
// of their tables, the JSON of --output json, and that the filters narrow.
func TestInspect_SWF(t *testing.T) {
	f := newSWFFixture(t)
	url := f.url

	t.Run("domains", func(t *testing.T) {
		out := mustRun(t, url, "domains")
		row := rowOf(out, "orders")
		if !strings.Contains(row, "REGISTERED") || !strings.Contains(row, "7 days") || !strings.Contains(row, "order workflows") {
			t.Errorf("domains: orders row %q, want REGISTERED, 7 days, its description; table:\n%s", row, out)
		}
		if rowOf(out, "legacy") != "" {
			t.Errorf("domains lists the deprecated domain legacy:\n%s", out)
		}
		if !strings.HasPrefix(out, "NAME") {
			t.Errorf("domains: no header line:\n%s", out)
		}
		out = mustRun(t, url, "domains", "--registration-status", "DEPRECATED")
		if rowOf(out, "legacy") == "" || rowOf(out, "orders") != "" {
			t.Errorf("domains --registration-status DEPRECATED: want legacy alone:\n%s", out)
		}
		var got struct {
			DomainInfos []struct{ Name, Status string } `json:"domainInfos"`
		}
		mustJSON(t, url, &got, "domains")
		if len(got.DomainInfos) != 1 || got.DomainInfos[0].Name != "orders" || got.DomainInfos[0].Status != "REGISTERED" {
			t.Errorf("domains --output json: %+v, want orders REGISTERED alone", got.DomainInfos)
		}
	})

	t.Run("executions list", func(t *testing.T) {
		list := func(args ...string) []string {
			t.Helper()
			var got struct {
				ExecutionInfos []struct {
					Execution struct{ WorkflowID string } `json:"execution"`
				} `json:"executionInfos"`
				NextPageToken *string `json:"nextPageToken"`
			}
			mustJSON(t, url, &got, append([]string{"executions", "list", "--domain", "orders"}, args...)...)
			if got.NextPageToken != nil {
				t.Errorf("executions list %v --output json kept a nextPageToken: pages must be merged", args)
			}
			var ids []string
			for _, e := range got.ExecutionInfos {
				ids = append(ids, e.Execution.WorkflowID)
			}
			return ids
		}
		for _, tc := range []struct {
			args []string
			want string
		}{
			{nil, "w-other w-open"},
			{[]string{"--closed"}, "w-fail w-done"},
			{[]string{"--status", "COMPLETED"}, "w-done"},
			{[]string{"--closed", "--status", "FAILED"}, "w-fail"},
			{[]string{"--type", "wf"}, "w-open"},
			{[]string{"--type", "other:2", "--closed"}, "w-fail"},
			{[]string{"--type", "other:9"}, ""},
			{[]string{"--tag", "blue", "--closed"}, "w-done"},
			{[]string{"--workflow-id", "w-other"}, "w-other"},
			{[]string{"--closed", "--tag", "blue", "--type", "wf:1", "--status", "COMPLETED"}, "w-done"},
			{[]string{"--since", "1h"}, "w-other w-open"},
			{[]string{"--until", "1h"}, ""},
			{[]string{"--since", "2000-01-01T00:00:00Z", "--until", "2100-01-01T00:00:00Z", "--closed"}, "w-fail w-done"},
			// Past the years int64 nanoseconds hold.
			{[]string{"--since", "1600-01-01T00:00:00Z", "--until", "2300-01-01T00:00:00Z", "--closed"}, "w-fail w-done"},
			{[]string{"--max", "1"}, "w-other"},
		} {
			if got := strings.Join(list(tc.args...), " "); got != tc.want {
				t.Errorf("executions list %v: got [%s], want [%s]", tc.args, got, tc.want)
			}
		}
		out := mustRun(t, url, "executions", "list", "--domain", "orders", "--closed")
		if row := rowOf(out, "w-done"); !strings.Contains(row, f.doneRun) || !strings.Contains(row, "wf/1") || !strings.Contains(row, "COMPLETED") {
			t.Errorf("executions list --closed: w-done row %q, want its run id, wf/1, COMPLETED; table:\n%s", row, out)
		}
		if row := rowOf(out, "w-fail"); !strings.Contains(row, "FAILED") || !strings.Contains(row, "other/2") {
			t.Errorf("executions list --closed: w-fail row %q, want other/2 FAILED", row)
		}
		if out := mustRun(t, url, "executions", "list", "--domain", "orders"); !strings.Contains(rowOf(out, "w-open"), "OPEN") {
			t.Errorf("executions list: w-open not OPEN:\n%s", out)
		}
	})

	t.Run("executions describe", func(t *testing.T) {
		out := mustRun(t, url, "executions", "describe", "--domain", "orders", "w-done")
		for _, want := range []string{f.doneRun, "wf/1", "COMPLETED", "dl-w-done", "blue", "TERMINATE"} {
			if !strings.Contains(out, want) {
				t.Errorf("executions describe w-done: no %q in\n%s", want, out)
			}
		}
		out = mustRun(t, url, "executions", "describe", "--domain", "orders", "w-open")
		if !strings.Contains(out, "OPEN") || !strings.Contains(out, "1 activity tasks") {
			t.Errorf("executions describe w-open: want OPEN and its open activity task:\n%s", out)
		}
		var got struct {
			ExecutionInfo struct {
				Execution   struct{ RunID string } `json:"execution"`
				CloseStatus string                 `json:"closeStatus"`
			} `json:"executionInfo"`
			OpenCounts map[string]int `json:"openCounts"`
		}
		mustJSON(t, url, &got, "executions", "describe", "--domain", "orders", "w-done", f.doneRun)
		if got.ExecutionInfo.Execution.RunID != f.doneRun || got.ExecutionInfo.CloseStatus != "COMPLETED" || got.OpenCounts == nil {
			t.Errorf("executions describe --output json: %+v, want the raw answer of w-done's run", got)
		}
	})

	t.Run("history", func(t *testing.T) {
		out := mustRun(t, url, "history", "w-done", "--domain", "orders")
		want := []string{"WorkflowExecutionStarted", "DecisionTaskScheduled", "DecisionTaskStarted", "DecisionTaskCompleted",
			"ActivityTaskScheduled", "ActivityTaskStarted", "ActivityTaskCompleted", "DecisionTaskScheduled", "DecisionTaskStarted",
			"DecisionTaskCompleted", "WorkflowExecutionCompleted"}
		lines := strings.Split(strings.TrimSpace(out), "\n")
		if len(lines) != len(want) {
			t.Fatalf("history w-done: %d lines, want %d:\n%s", len(lines), len(want), out)
		}
		for i, line := range lines {
			fields := strings.Fields(line)
			if len(fields) < 3 || fields[0] != itoa(i+1) || !strings.HasPrefix(fields[1], "+") || fields[2] != want[i] {
				t.Errorf("history line %d = %q, want %d +offset %s …", i+1, line, i+1, want[i])
			}
		}
		if !strings.Contains(lines[4], `"activityId":"a1"`) || !strings.Contains(lines[4], `"input":"charge 10"`) {
			t.Errorf("history: ActivityTaskScheduled line %q, want its attributes", lines[4])
		}
		if !strings.Contains(lines[5], `"identity":"worker-1"`) || !strings.Contains(lines[6], `"result":"charged"`) {
			t.Errorf("history: started/completed lines %q / %q, want the worker and the result", lines[5], lines[6])
		}
		var got struct {
			Events []map[string]any `json:"events"`
		}
		mustJSON(t, url, &got, "history", "--domain", "orders", "w-done", f.doneRun)
		if len(got.Events) != len(want) || got.Events[len(want)-1]["eventType"] != "WorkflowExecutionCompleted" ||
			got.Events[0]["workflowExecutionStartedEventAttributes"] == nil {
			t.Errorf("history --output json: %d events, want the %d raw events with their attributes", len(got.Events), len(want))
		}
	})
}

func itoa(i int) string {
	b, _ := json.Marshal(i)
	return string(b)
}

// closedPort returns an address on loopback where nothing listens.
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// TestInspect_ExitCodes checks each exit status a script may rely on.
func TestInspect_ExitCodes(t *testing.T) {
	f := newSWFFixture(t)
	for _, tc := range []struct {
		name    string
		args    []string
		want    int
		errHas  string
		noEndpt bool
	}{
		{name: "success", args: []string{"domains"}, want: exitOK},
		{name: "help", args: []string{"history", "--help"}, want: exitOK},
		{name: "unknown flag", args: []string{"domains", "--nosuch"}, want: exitUsage, errHas: "nosuch"},
		{name: "missing --domain", args: []string{"executions", "list"}, want: exitUsage, errHas: "--domain is required"},
		{name: "bad --output", args: []string{"domains", "--output", "yaml"}, want: exitUsage, errHas: "yaml"},
		{name: "bad --status", args: []string{"executions", "list", "--domain", "orders", "--status", "DONE"}, want: exitUsage, errHas: "DONE"},
		{name: "bad --since", args: []string{"executions", "list", "--domain", "orders", "--since", "yesterday"}, want: exitUsage, errHas: "yesterday"},
		{name: "no subcommand", args: []string{"executions"}, want: exitUsage},
		{name: "unknown subcommand", args: []string{"sfn", "machines"}, want: exitUsage, errHas: "machines"},
		{name: "history without a workflow id", args: []string{"history", "--domain", "orders"}, want: exitUsage},
		{name: "two scopes", args: []string{"activities", "--domain", "orders", "--activity-arn", "arn:x"}, want: exitUsage},
		{name: "unknown profile", args: []string{"domains", "--profile", "nosuch"}, want: exitUsage, errHas: "nosuch"},
		{name: "no run of a workflow id", args: []string{"history", "--domain", "orders", "w-nosuch"}, want: exitNotFound, errHas: "w-nosuch"},
		{name: "unknown domain", args: []string{"executions", "list", "--domain", "nosuch"}, want: exitNotFound, errHas: "UnknownResourceFault"},
		{name: "unknown run", args: []string{"executions", "describe", "--domain", "orders", "w-done", "nosuchrun"}, want: exitNotFound, errHas: "UnknownResourceFault"},
		{name: "unknown sfn execution", args: []string{"sfn", "executions", "describe", "arn:aws:states:us-east-1:000000000000:execution:nosm:x"},
			want: exitNotFound, errHas: "ExecutionDoesNotExist"},
		{name: "unknown state machine name", args: []string{"sfn", "executions", "list", "--state-machine", "nosm"}, want: exitNotFound, errHas: "nosm"},
		{name: "validation fault", args: []string{"executions", "list", "--domain", strings.Repeat("d", 300)}, want: exitFailure, errHas: "ValidationException"},
		{name: "unreachable", args: []string{"domains", "--endpoint", "http://" + closedPort(t)}, want: exitUnreachable, errHas: "unreachable", noEndpt: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := tc.args
			if !tc.noEndpt {
				args = append(args, "--endpoint", f.url)
			}
			r := runCLI(t, nil, args...)
			if r.code != tc.want {
				t.Errorf("openswf %v: exit %d, want %d; stderr: %s", tc.args, r.code, tc.want, r.err)
			}
			if tc.errHas != "" && !strings.Contains(r.err, tc.errHas) {
				t.Errorf("openswf %v: stderr %q, want it to hold %q", tc.args, r.err, tc.errHas)
			}
			if tc.want != exitOK && r.out != "" {
				t.Errorf("openswf %v failed and printed on standard output:\n%s", tc.args, r.out)
			}
			if tc.want != exitOK && !strings.HasPrefix(r.err, "openswf: ") {
				t.Errorf("openswf %v: stderr %q, want one line opening with \"openswf: \"", tc.args, r.err)
			}
		})
	}
	t.Run("OPENSWF_ENDPOINT", func(t *testing.T) {
		r := runCLI(t, map[string]string{"OPENSWF_ENDPOINT": f.url}, "domains")
		if r.code != 0 || rowOf(r.out, "orders") == "" {
			t.Errorf("domains with OPENSWF_ENDPOINT: exit %d, out %q, stderr %q", r.code, r.out, r.err)
		}
		r = runCLI(t, map[string]string{"OPENSWF_ENDPOINT": "http://" + closedPort(t)}, "domains", "--endpoint", f.url)
		if r.code != 0 {
			t.Errorf("--endpoint does not win over OPENSWF_ENDPOINT: exit %d, stderr %q", r.code, r.err)
		}
	})
}

// TestInspect_Pages runs the list commands with pages of one item, and checks that every page's items are
// in the table and in the JSON, once each, with no page token left.
func TestInspect_Pages(t *testing.T) {
	f := newSWFFixture(t)
	s := newSFNFixture(t)
	run := func(url string, args ...string) string {
		t.Helper()
		var out, errw bytes.Buffer
		in := &inspector{out: &out, errw: &errw, getenv: envMap(map[string]string{"HOME": t.TempDir()}), now: time.Now, pageSize: 1}
		if err := in.run(context.Background(), append(args, "--endpoint", url)); err != nil {
			t.Fatalf("openswf %v with pages of 1: %v", args, err)
		}
		return out.String()
	}
	for _, tc := range []struct {
		url      string
		args     []string
		listKey  string
		want     int
		tableHas []string
	}{
		{f.url, []string{"domains", "--registration-status", "REGISTERED"}, "domainInfos", 1, []string{"orders"}},
		{f.url, []string{"executions", "list", "--domain", "orders", "--closed"}, "executionInfos", 2, []string{"w-done", "w-fail"}},
		{f.url, []string{"executions", "list", "--domain", "orders", "--closed", "--tag", "blue", "--type", "wf"}, "executionInfos", 1, []string{"w-done"}},
		{f.url, []string{"history", "--domain", "orders", "w-done"}, "events", 11, []string{"WorkflowExecutionCompleted"}},
		{s.url, []string{"sfn", "state-machines"}, "stateMachines", 2, []string{"pass-machine", "work-machine"}},
		{s.url, []string{"sfn", "executions", "list"}, "executions", 2, []string{"p1", "w1"}},
		{s.url, []string{"sfn", "executions", "history", s.p1}, "events", 4, []string{"ExecutionSucceeded"}},
	} {
		table := run(tc.url, tc.args...)
		rows := len(strings.Split(strings.TrimSpace(table), "\n"))
		if !strings.Contains(strings.Join(tc.args, " "), "history") {
			rows-- // the header
		}
		if rows != tc.want {
			t.Errorf("openswf %v with pages of 1: %d rows, want %d:\n%s", tc.args, rows, tc.want, table)
		}
		for _, w := range tc.tableHas {
			if !strings.Contains(table, w) {
				t.Errorf("openswf %v with pages of 1: no %q in the table:\n%s", tc.args, w, table)
			}
		}
		var got map[string]json.RawMessage
		if err := json.Unmarshal([]byte(run(tc.url, append(tc.args, "--output", "json")...)), &got); err != nil {
			t.Fatalf("openswf %v --output json: %v", tc.args, err)
		}
		var items []json.RawMessage
		if err := json.Unmarshal(got[tc.listKey], &items); err != nil || len(items) != tc.want {
			t.Errorf("openswf %v --output json with pages of 1: %d %s (%v), want %d", tc.args, len(items), tc.listKey, err, tc.want)
		}
		if _, ok := got["nextPageToken"]; ok {
			t.Errorf("openswf %v --output json: a nextPageToken is left", tc.args)
		}
		if _, ok := got["nextToken"]; ok {
			t.Errorf("openswf %v --output json: a nextToken is left", tc.args)
		}
	}
}

// TestInspect_HTTPS reads a server serving HTTPS with a self-signed certificate: trusted through
// --ca-bundle or AWS_CA_BUNDLE, and unreachable (exit 5, the handshake refused) without.
func TestInspect_HTTPS(t *testing.T) {
	certFile, keyFile, _ := openswftest.SelfSignedCert(t, t.TempDir())
	addr, scheme := startServeScheme(t, "--tls-cert", certFile, "--tls-key", keyFile)
	if scheme != "https" {
		t.Fatalf("serve --tls-cert: scheme %s, want https", scheme)
	}
	url := "https://" + addr
	if r := runCLI(t, nil, "domains", "--endpoint", url, "--ca-bundle", certFile); r.code != 0 || !strings.HasPrefix(r.out, "NAME") {
		t.Errorf("domains over HTTPS with --ca-bundle: exit %d, out %q, stderr %q", r.code, r.out, r.err)
	}
	if r := runCLI(t, map[string]string{"AWS_CA_BUNDLE": certFile}, "domains", "--endpoint", url); r.code != 0 {
		t.Errorf("domains over HTTPS with AWS_CA_BUNDLE: exit %d, stderr %q", r.code, r.err)
	}
	if r := runCLI(t, nil, "domains", "--endpoint", url); r.code != exitUnreachable || !strings.Contains(r.err, "certificate") {
		t.Errorf("domains over HTTPS, the certificate not trusted: exit %d, stderr %q; want %d and the certificate named", r.code, r.err, exitUnreachable)
	}
	if r := runCLI(t, nil, "domains", "--endpoint", url, "--ca-bundle", keyFile); r.code != exitUsage {
		t.Errorf("domains --ca-bundle of a file with no certificate: exit %d, want %d; stderr %q", r.code, exitUsage, r.err)
	}
}
