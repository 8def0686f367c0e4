package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// activityDetailsWidth is how much of the last heartbeat's details the table shows.
const activityDetailsWidth = 24

// openActivityTasks is the answer of OpenSWF.ListOpenActivityTasks (docs/API.md), as the table reads it.
type openActivityTasks struct {
	ActivityTasks    []activityTaskInfo `json:"activityTasks"`
	CurrentTimestamp epoch              `json:"currentTimestamp"`
}

// activityTaskInfo is docs/API.md's ActivityTaskInfo.
type activityTaskInfo struct {
	Domain                 string                `json:"domain"`
	TaskList               struct{ Name string } `json:"taskList"`
	Execution              workflowExecution     `json:"execution"`
	ExecutionArn           string                `json:"executionArn"`
	ActivityArn            string                `json:"activityArn"`
	StateName              string                `json:"stateName"`
	ActivityID             string                `json:"activityId"`
	ActivityType           typeRef               `json:"activityType"`
	ScheduledEventID       int64                 `json:"scheduledEventId"`
	State                  string                `json:"state"`
	Identity               string                `json:"identity"`
	ScheduledTimestamp     epoch                 `json:"scheduledTimestamp"`
	StartedTimestamp       epoch                 `json:"startedTimestamp"`
	LastHeartbeatTimestamp epoch                 `json:"lastHeartbeatTimestamp"`
	HeartbeatDetails       *string               `json:"heartbeatDetails"`
	HeartbeatCount         int64                 `json:"heartbeatCount"`
	CancelRequested        bool                  `json:"cancelRequested"`
	Attempt                int64                 `json:"attempt"`
	Deadlines              []struct {
		TimeoutType           string `json:"timeoutType"`
		RemainingMilliseconds int64  `json:"remainingMilliseconds"`
	} `json:"deadlines"`
}

// activities is `openswf activities`: the open activity tasks of one scope, from
// OpenSWF.ListOpenActivityTasks, every page.
func (in *inspector) activities(ctx context.Context, args []string) error {
	fs, g := in.flagSet("activities", "activities [--open] (--domain D [--task-list TL] [--execution WFID[/RUNID]] | --activity-arn ARN |\n"+
		"                           --execution-arn ARN) [--state SCHEDULED|STARTED] [--max N]\n\n"+
		"Lists the open activity tasks, live (OpenSWF.ListOpenActivityTasks, docs/API.md): activity, state, worker,\n"+
		"started, the last heartbeat's age and details, cancel requested, the nearest deadline and the time left, the\n"+
		"attempt. Ages and times left are measured on the server's clock. Exactly one scope: --domain (narrowed by\n"+
		"--task-list and --execution), --activity-arn or --execution-arn.")
	fs.Bool("open", true, "open tasks: the only view there is, accepted for clarity")
	domain := fs.String("domain", "", "an SWF domain's open tasks")
	taskList := fs.String("task-list", "", "with --domain: one task list's")
	execution := fs.String("execution", "", "with --domain: one run's, as WORKFLOW_ID or WORKFLOW_ID/RUN_ID (without a run id: the open run)")
	activityArn := fs.String("activity-arn", "", "a Step Functions activity's open tasks")
	executionArn := fs.String("execution-arn", "", "a Step Functions execution's open tasks")
	state := fs.String("state", "", "only tasks in this state: SCHEDULED or STARTED")
	max := fs.Int("max", 0, "list at most N tasks (0: all)")
	pos, err := in.parse(fs, g, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("activities: unexpected argument %q", pos[0])
	}
	scopes := 0
	for _, s := range []string{*domain, *activityArn, *executionArn} {
		if s != "" {
			scopes++
		}
	}
	switch {
	case scopes != 1:
		return usagef("activities: give exactly one of --domain, --activity-arn, --execution-arn")
	case *domain == "" && (*taskList != "" || *execution != ""):
		return usagef("activities: --task-list and --execution go with --domain")
	case *max < 0:
		return usagef("activities: --max %d: must not be negative", *max)
	}
	req := map[string]any{"maximumPageSize": 1000}
	if *max > 0 && *max < 1000 {
		req["maximumPageSize"] = *max
	}
	switch {
	case *domain != "":
		req["domain"] = *domain
		if *taskList != "" {
			req["taskList"] = map[string]any{"name": *taskList}
		}
		if *execution != "" {
			wf, run, _ := strings.Cut(*execution, "/")
			e := map[string]any{"workflowId": wf}
			if run != "" {
				e["runId"] = run
			}
			req["execution"] = e
		}
	case *activityArn != "":
		req["activityArn"] = *activityArn
	default:
		req["executionArn"] = *executionArn
	}
	if *state != "" {
		s := strings.ToUpper(*state)
		if s != "SCHEDULED" && s != "STARTED" {
			return usagef("activities: --state %q: want SCHEDULED or STARTED", *state)
		}
		req["state"] = s
	}
	c, err := in.client(g)
	if err != nil {
		return err
	}
	merged, _, err := c.pages(ctx, serviceOpenSWF, "ListOpenActivityTasks", req, "activityTasks", "nextPageToken", *max, nil)
	if err != nil {
		return err
	}
	if g.output == "json" {
		return in.writeJSON(merged)
	}
	data, _ := json.Marshal(merged)
	return writeActivityTable(in.out, data)
}

// writeActivityTable writes the table of an answer of ListOpenActivityTasks.
func writeActivityTable(w io.Writer, answer []byte) error {
	var a openActivityTasks
	if err := json.Unmarshal(answer, &a); err != nil {
		return fmt.Errorf("ListOpenActivityTasks: decode the answer: %w", err)
	}
	now := a.CurrentTimestamp.Time()
	tw := newTable(w)
	fmt.Fprintln(tw, "ACTIVITY\tTYPE\tEXECUTION\tSTATE\tWORKER\tSTARTED\tHEARTBEAT\tDETAILS\tCANCEL\tDEADLINE\tATTEMPT")
	for _, t := range a.ActivityTasks {
		activity, typ, execution := t.ActivityID, t.ActivityType.String(), t.Execution.WorkflowID
		if t.ActivityArn != "" || t.ExecutionArn != "" {
			// Step Functions: the Task state, the activity's name, the execution's name.
			activity, typ, execution = t.StateName, arnName(t.ActivityArn), arnName(t.ExecutionArn)
		}
		started := "-"
		if st := t.StartedTimestamp.Time(); !st.IsZero() {
			started = ago(st, now)
		}
		heartbeat := "-"
		if t.State == "STARTED" {
			heartbeat = ago(t.LastHeartbeatTimestamp.Time(), now)
		}
		details := "-"
		if t.HeartbeatDetails != nil {
			details = strconv.Quote(truncate(*t.HeartbeatDetails, activityDetailsWidth))
		}
		cancel := "-"
		if t.CancelRequested {
			cancel = "yes"
		}
		deadline := "-"
		if len(t.Deadlines) > 0 {
			d := t.Deadlines[0]
			left := time.Duration(d.RemainingMilliseconds) * time.Millisecond
			if left < 0 {
				deadline = d.TimeoutType + " overdue " + shortDuration(-left)
			} else {
				deadline = d.TimeoutType + " in " + shortDuration(left)
			}
		}
		attempt := "-"
		if t.Attempt > 0 {
			attempt = strconv.FormatInt(t.Attempt, 10)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", dash(activity), typ, dash(execution), t.State, dash(t.Identity),
			started, heartbeat, details, cancel, deadline, attempt)
	}
	return tw.Flush()
}

// arnName is the last part of an ARN: a Step Functions activity's, state machine's or execution's name.
func arnName(arn string) string {
	if arn == "" {
		return "-"
	}
	return arn[strings.LastIndexByte(arn, ':')+1:]
}
