package main

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

// closeStatuses are SWF's close statuses; --status takes these and OPEN.
var closeStatuses = []string{"COMPLETED", "FAILED", "CANCELED", "TERMINATED", "CONTINUED_AS_NEW", "TIMED_OUT"}

// executionInfo is what the tables read of SWF's WorkflowExecutionInfo.
type executionInfo struct {
	Execution       workflowExecution  `json:"execution"`
	WorkflowType    typeRef            `json:"workflowType"`
	StartTimestamp  epoch              `json:"startTimestamp"`
	CloseTimestamp  epoch              `json:"closeTimestamp"`
	ExecutionStatus string             `json:"executionStatus"`
	CloseStatus     string             `json:"closeStatus"`
	CancelRequested bool               `json:"cancelRequested"`
	TagList         []string           `json:"tagList"`
	Parent          *workflowExecution `json:"parent"`
}

type workflowExecution struct {
	WorkflowID string `json:"workflowId"`
	RunID      string `json:"runId"`
}

type typeRef struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

func (t typeRef) String() string {
	if t.Name == "" {
		return "-"
	}
	return t.Name + "/" + t.Version
}

// status is the run's status in one word: OPEN or its close status.
func (e executionInfo) status() string {
	if e.ExecutionStatus == "OPEN" || e.CloseStatus == "" {
		if e.CancelRequested {
			return "OPEN (cancel requested)"
		}
		return "OPEN"
	}
	return e.CloseStatus
}

// executionFilters are the filters of executions list; SWF takes at most one in a request, so the others
// are applied to the answers here.
type executionFilters struct {
	workflowID, typeName, typeVersion, tag, closeStatus string
}

func (f executionFilters) keep(e executionInfo) bool {
	return (f.workflowID == "" || e.Execution.WorkflowID == f.workflowID) &&
		(f.typeName == "" || e.WorkflowType.Name == f.typeName) &&
		(f.typeVersion == "" || e.WorkflowType.Version == f.typeVersion) &&
		(f.tag == "" || slices.Contains(e.TagList, f.tag)) &&
		(f.closeStatus == "" || e.CloseStatus == f.closeStatus)
}

// request sets in the request the most selective filter SWF takes for this list.
func (f executionFilters) request(req map[string]any, closed bool) {
	switch {
	case f.workflowID != "":
		req["executionFilter"] = map[string]any{"workflowId": f.workflowID}
	case f.typeName != "":
		t := map[string]any{"name": f.typeName}
		if f.typeVersion != "" {
			t["version"] = f.typeVersion
		}
		req["typeFilter"] = t
	case f.tag != "":
		req["tagFilter"] = map[string]any{"tag": f.tag}
	case f.closeStatus != "" && closed:
		req["closeStatusFilter"] = map[string]any{"status": f.closeStatus}
	}
}

func (in *inspector) executionsList(ctx context.Context, args []string) error {
	fs, g := in.flagSet("executions list", "executions list --domain D [--closed] [--status S] [--type NAME[:VERSION]] [--workflow-id ID]\n"+
		"                               [--tag T] [--since WHEN] [--until WHEN] [--max N]\n\n"+
		"Lists a domain's open runs, newest start first (ListOpenWorkflowExecutions), or its closed ones with --closed\n"+
		"or a close --status (ListClosedWorkflowExecutions). Filters combine.")
	domain := fs.String("domain", "", "the SWF domain (required)")
	closed := fs.Bool("closed", false, "list closed runs instead of open ones")
	status := fs.String("status", "", "OPEN, or a close status ("+strings.Join(closeStatuses, ", ")+"), which implies --closed")
	wfType := fs.String("type", "", "only runs of this workflow type: NAME or NAME:VERSION")
	workflowID := fs.String("workflow-id", "", "only runs of this workflow id")
	tag := fs.String("tag", "", "only runs with this tag")
	since := fs.String("since", "", "only runs started since: a duration before now (90m, 36h, 7d) or an RFC 3339 time")
	until := fs.String("until", "", "only runs started until: as --since")
	max := fs.Int("max", 0, "list at most N runs (0: all)")
	pos, err := in.parse(fs, g, args)
	if err != nil {
		return err
	}
	switch {
	case len(pos) > 0:
		return usagef("executions list: unexpected argument %q", pos[0])
	case *domain == "":
		return usagef("executions list: --domain is required")
	case *max < 0:
		return usagef("executions list: --max %d: must not be negative", *max)
	}
	f := executionFilters{workflowID: *workflowID, tag: *tag}
	f.typeName, f.typeVersion, _ = strings.Cut(*wfType, ":")
	switch s := strings.ToUpper(*status); {
	case s == "":
	case s == "OPEN":
		if *closed {
			return usagef("executions list: --status OPEN and --closed contradict each other")
		}
	case slices.Contains(closeStatuses, s):
		*closed, f.closeStatus = true, s
	default:
		return usagef("executions list: --status %q: want OPEN or one of %s", *status, strings.Join(closeStatuses, ", "))
	}
	now := in.now()
	timeFilter := map[string]any{"oldestDate": 0}
	if *since != "" {
		t, err := parseWhen("since", *since, now)
		if err != nil {
			return err
		}
		timeFilter["oldestDate"] = unixSeconds(t)
	}
	if *until != "" {
		t, err := parseWhen("until", *until, now)
		if err != nil {
			return err
		}
		timeFilter["latestDate"] = unixSeconds(t)
	}
	c, err := in.client(g)
	if err != nil {
		return err
	}
	req := map[string]any{"domain": *domain, "startTimeFilter": timeFilter, "maximumPageSize": 1000}
	f.request(req, *closed)
	op := "ListOpenWorkflowExecutions"
	if *closed {
		op = "ListClosedWorkflowExecutions"
	}
	var infos []executionInfo
	merged, _, err := c.pages(ctx, serviceSWF, op, req, "executionInfos", "nextPageToken", *max, func(raw json.RawMessage) (bool, error) {
		var e executionInfo
		if err := json.Unmarshal(raw, &e); err != nil {
			return false, err
		}
		if !f.keep(e) {
			return false, nil
		}
		infos = append(infos, e)
		return true, nil
	})
	if err != nil {
		return err
	}
	if g.output == "json" {
		return in.writeJSON(merged)
	}
	if *max > 0 && len(infos) > *max {
		infos = infos[:*max]
	}
	tw := newTable(in.out)
	fmt.Fprintln(tw, "WORKFLOW ID\tRUN ID\tTYPE\tSTATUS\tSTARTED\tCLOSED")
	for _, e := range infos {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", e.Execution.WorkflowID, e.Execution.RunID, e.WorkflowType, e.status(),
			localTime(e.StartTimestamp.Time()), localTime(e.CloseTimestamp.Time()))
	}
	return tw.Flush()
}

// unixSeconds is t as an AWS JSON 1.0 timestamp.
//
// Milliseconds, AWS's precision: UnixNano would overflow past the year 2262.
func unixSeconds(t time.Time) float64 { return float64(t.UnixMilli()) / 1e3 }

// findRun finds the run to show of workflowID when no run id was given: the open run, else the closed run
// that started last.
func findRun(ctx context.Context, c *client, domain, workflowID string) (string, error) {
	for _, op := range []string{"ListOpenWorkflowExecutions", "ListClosedWorkflowExecutions"} {
		data, err := c.call(ctx, serviceSWF, op, map[string]any{"domain": domain, "startTimeFilter": map[string]any{"oldestDate": 0},
			"executionFilter": map[string]any{"workflowId": workflowID}, "maximumPageSize": 1})
		if err != nil {
			return "", err
		}
		var page struct {
			ExecutionInfos []executionInfo `json:"executionInfos"`
		}
		if err := json.Unmarshal(data, &page); err != nil {
			return "", fmt.Errorf("%s: decode the answer: %w", op, err)
		}
		if len(page.ExecutionInfos) > 0 {
			return page.ExecutionInfos[0].Execution.RunID, nil
		}
	}
	return "", &notFoundError{msg: fmt.Sprintf("no run of workflow id %q in domain %q", workflowID, domain)}
}

// runOf checks the arguments <workflowId> [runId] of a command on one run of domain and names the run: the
// run id given, else the open run of the workflow id, else the closed run that started last.
func (in *inspector) runOf(ctx context.Context, g *globals, cmd string, pos []string, domain string) (*client, workflowExecution, error) {
	if err := runArgs(cmd, pos, domain); err != nil {
		return nil, workflowExecution{}, err
	}
	c, err := in.client(g)
	if err != nil {
		return nil, workflowExecution{}, err
	}
	run := workflowExecution{WorkflowID: pos[0]}
	if len(pos) == 2 {
		run.RunID = pos[1]
	} else if run.RunID, err = findRun(ctx, c, domain, run.WorkflowID); err != nil {
		return nil, workflowExecution{}, err
	}
	return c, run, nil
}

// runArgs reads the <workflowId> [runId] of describe and history.
func runArgs(cmd string, pos []string, domain string) error {
	switch {
	case domain == "":
		return usagef("%s: --domain is required", cmd)
	case len(pos) == 0:
		return usagef("%s: want <workflowId> [runId]", cmd)
	case len(pos) > 2:
		return usagef("%s: unexpected argument %q", cmd, pos[2])
	}
	return nil
}

func (in *inspector) executionsDescribe(ctx context.Context, args []string) error {
	fs, g := in.flagSet("executions describe", "executions describe --domain D <workflowId> [runId]\n\n"+
		"Describes one run (DescribeWorkflowExecution). Without a run id: the open run of the workflow id, else the\n"+
		"closed run that started last.")
	domain := fs.String("domain", "", "the SWF domain (required)")
	pos, err := in.parse(fs, g, args)
	if err != nil {
		return err
	}
	c, run, err := in.runOf(ctx, g, "executions describe", pos, *domain)
	if err != nil {
		return err
	}
	data, err := c.call(ctx, serviceSWF, "DescribeWorkflowExecution", map[string]any{"domain": *domain, "execution": run})
	if err != nil {
		return err
	}
	if g.output == "json" {
		return in.writeJSON(json.RawMessage(data))
	}
	var d struct {
		ExecutionInfo executionInfo `json:"executionInfo"`
		Configuration struct {
			TaskList         struct{ Name string } `json:"taskList"`
			TaskPriority     string                `json:"taskPriority"`
			ChildPolicy      string                `json:"childPolicy"`
			ExecutionTimeout string                `json:"executionStartToCloseTimeout"`
			TaskStartToClose string                `json:"taskStartToCloseTimeout"`
			LambdaRole       string                `json:"lambdaRole"`
		} `json:"executionConfiguration"`
		OpenCounts struct {
			Activities int `json:"openActivityTasks"`
			Decisions  int `json:"openDecisionTasks"`
			Timers     int `json:"openTimers"`
			Children   int `json:"openChildWorkflowExecutions"`
		} `json:"openCounts"`
		LatestActivity epoch  `json:"latestActivityTaskTimestamp"`
		LatestContext  string `json:"latestExecutionContext"`
	}
	if err := json.Unmarshal(data, &d); err != nil {
		return fmt.Errorf("DescribeWorkflowExecution: decode the answer: %w", err)
	}
	e := d.ExecutionInfo
	tw := newTable(in.out)
	row := func(k, v string) { fmt.Fprintf(tw, "%s\t%s\n", k, v) }
	row("Workflow ID", e.Execution.WorkflowID)
	row("Run ID", e.Execution.RunID)
	row("Type", e.WorkflowType.String())
	row("Status", e.status())
	row("Started", localTime(e.StartTimestamp.Time()))
	row("Closed", localTime(e.CloseTimestamp.Time()))
	if e.Parent != nil {
		row("Parent", e.Parent.WorkflowID+" "+e.Parent.RunID)
	}
	row("Tags", dash(strings.Join(e.TagList, ", ")))
	row("Task list", dash(d.Configuration.TaskList.Name))
	row("Child policy", dash(d.Configuration.ChildPolicy))
	row("Timeouts", fmt.Sprintf("execution %s s, decision task %s s", dash(d.Configuration.ExecutionTimeout), dash(d.Configuration.TaskStartToClose)))
	row("Open", fmt.Sprintf("%d activity tasks, %d decision tasks, %d timers, %d child runs",
		d.OpenCounts.Activities, d.OpenCounts.Decisions, d.OpenCounts.Timers, d.OpenCounts.Children))
	row("Latest activity task", localTime(d.LatestActivity.Time()))
	if d.LatestContext != "" {
		row("Latest context", truncate(d.LatestContext, 80))
	}
	return tw.Flush()
}
