package main

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// sfnStatuses are Step Functions' execution statuses, which --status takes.
var sfnStatuses = []string{"RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED", "PENDING_REDRIVE"}

type stateMachineItem struct {
	Arn          string `json:"stateMachineArn"`
	Name         string `json:"name"`
	Type         string `json:"type"`
	CreationDate epoch  `json:"creationDate"`
}

type sfnExecutionItem struct {
	Arn             string `json:"executionArn"`
	StateMachineArn string `json:"stateMachineArn"`
	Name            string `json:"name"`
	Status          string `json:"status"`
	StartDate       epoch  `json:"startDate"`
	StopDate        epoch  `json:"stopDate"`
}

// listStateMachines lists every state machine.
func listStateMachines(ctx context.Context, c *client) (map[string]json.RawMessage, []stateMachineItem, error) {
	merged, items, err := c.pages(ctx, serviceSFN, "ListStateMachines", map[string]any{"maxResults": 1000}, "stateMachines", "nextToken", 0, nil)
	if err != nil {
		return nil, nil, err
	}
	sms := make([]stateMachineItem, 0, len(items))
	for _, raw := range items {
		var sm stateMachineItem
		if err := json.Unmarshal(raw, &sm); err != nil {
			return nil, nil, fmt.Errorf("ListStateMachines: decode a state machine: %w", err)
		}
		sms = append(sms, sm)
	}
	return merged, sms, nil
}

func (in *inspector) sfnStateMachines(ctx context.Context, args []string) error {
	fs, g := in.flagSet("sfn state-machines", "sfn state-machines\n\nLists the Step Functions state machines (ListStateMachines): name, type, created, ARN.")
	pos, err := in.parse(fs, g, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("sfn state-machines: unexpected argument %q", pos[0])
	}
	c, err := in.client(g)
	if err != nil {
		return err
	}
	merged, sms, err := listStateMachines(ctx, c)
	if err != nil {
		return err
	}
	if g.output == "json" {
		return in.writeJSON(merged)
	}
	tw := newTable(in.out)
	fmt.Fprintln(tw, "NAME\tTYPE\tCREATED\tARN")
	for _, sm := range sms {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", sm.Name, dash(sm.Type), localTime(sm.CreationDate.Time()), sm.Arn)
	}
	return tw.Flush()
}

func (in *inspector) sfnActivities(ctx context.Context, args []string) error {
	fs, g := in.flagSet("sfn activities", "sfn activities\n\nLists the Step Functions activities (ListActivities): name, created, ARN. Their open tasks:\nopenswf activities --activity-arn ARN.")
	pos, err := in.parse(fs, g, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("sfn activities: unexpected argument %q", pos[0])
	}
	c, err := in.client(g)
	if err != nil {
		return err
	}
	merged, items, err := c.pages(ctx, serviceSFN, "ListActivities", map[string]any{"maxResults": 1000}, "activities", "nextToken", 0, nil)
	if err != nil {
		return err
	}
	if g.output == "json" {
		return in.writeJSON(merged)
	}
	tw := newTable(in.out)
	fmt.Fprintln(tw, "NAME\tCREATED\tARN")
	for _, raw := range items {
		var a struct {
			Arn          string `json:"activityArn"`
			Name         string `json:"name"`
			CreationDate epoch  `json:"creationDate"`
		}
		if err := json.Unmarshal(raw, &a); err != nil {
			return fmt.Errorf("ListActivities: decode an activity: %w", err)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", a.Name, localTime(a.CreationDate.Time()), a.Arn)
	}
	return tw.Flush()
}

func (in *inspector) sfnExecutionsList(ctx context.Context, args []string) error {
	fs, g := in.flagSet("sfn executions list", "sfn executions list [--state-machine ARN|NAME] [--status S] [--max N]\n\n"+
		"Lists Step Functions executions, newest first (ListExecutions): of one state machine, or of each in turn.")
	stateMachine := fs.String("state-machine", "", "only this state machine's executions: its ARN or its name")
	status := fs.String("status", "", "only executions of this status: "+strings.Join(sfnStatuses, ", "))
	max := fs.Int("max", 0, "list at most N executions (0: all)")
	pos, err := in.parse(fs, g, args)
	if err != nil {
		return err
	}
	switch {
	case len(pos) > 0:
		return usagef("sfn executions list: unexpected argument %q", pos[0])
	case *max < 0:
		return usagef("sfn executions list: --max %d: must not be negative", *max)
	}
	*status = strings.ToUpper(*status)
	if *status != "" && !slices.Contains(sfnStatuses, *status) {
		return usagef("sfn executions list: --status %q: want one of %s", *status, strings.Join(sfnStatuses, ", "))
	}
	c, err := in.client(g)
	if err != nil {
		return err
	}
	var arns []string
	switch {
	case strings.HasPrefix(*stateMachine, "arn:"):
		arns = []string{*stateMachine}
	default:
		_, sms, err := listStateMachines(ctx, c)
		if err != nil {
			return err
		}
		for _, sm := range sms {
			if *stateMachine == "" || sm.Name == *stateMachine {
				arns = append(arns, sm.Arn)
			}
		}
		if *stateMachine != "" && len(arns) == 0 {
			return &notFoundError{msg: fmt.Sprintf("no state machine named %q", *stateMachine)}
		}
	}
	var all []json.RawMessage
	for _, arn := range arns {
		left := 0
		if *max > 0 {
			if left = *max - len(all); left <= 0 {
				break
			}
		}
		req := map[string]any{"stateMachineArn": arn, "maxResults": 1000}
		if *status != "" {
			req["statusFilter"] = *status
		}
		_, items, err := c.pages(ctx, serviceSFN, "ListExecutions", req, "executions", "nextToken", left, nil)
		if err != nil {
			return err
		}
		all = append(all, items...)
	}
	if all == nil {
		all = []json.RawMessage{}
	}
	if g.output == "json" {
		return in.writeJSON(map[string]any{"executions": all})
	}
	tw := newTable(in.out)
	fmt.Fprintln(tw, "NAME\tSTATE MACHINE\tSTATUS\tSTARTED\tSTOPPED\tEXECUTION ARN")
	for _, raw := range all {
		var e sfnExecutionItem
		if err := json.Unmarshal(raw, &e); err != nil {
			return fmt.Errorf("ListExecutions: decode an execution: %w", err)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", e.Name, arnName(e.StateMachineArn), e.Status, localTime(e.StartDate.Time()),
			localTime(e.StopDate.Time()), e.Arn)
	}
	return tw.Flush()
}

// executionArnArg reads the single <executionArn> of describe and history.
func executionArnArg(cmd string, pos []string) (string, error) {
	switch {
	case len(pos) == 0:
		return "", usagef("%s: want <executionArn>", cmd)
	case len(pos) > 1:
		return "", usagef("%s: unexpected argument %q", cmd, pos[1])
	}
	return pos[0], nil
}

func (in *inspector) sfnExecutionsDescribe(ctx context.Context, args []string) error {
	fs, g := in.flagSet("sfn executions describe", "sfn executions describe <executionArn>\n\nDescribes one Step Functions execution (DescribeExecution).")
	pos, err := in.parse(fs, g, args)
	if err != nil {
		return err
	}
	arn, err := executionArnArg("sfn executions describe", pos)
	if err != nil {
		return err
	}
	c, err := in.client(g)
	if err != nil {
		return err
	}
	data, err := c.call(ctx, serviceSFN, "DescribeExecution", map[string]any{"executionArn": arn})
	if err != nil {
		return err
	}
	if g.output == "json" {
		return in.writeJSON(json.RawMessage(data))
	}
	var d struct {
		sfnExecutionItem
		Input  *string `json:"input"`
		Output *string `json:"output"`
		Error  string  `json:"error"`
		Cause  string  `json:"cause"`
	}
	if err := json.Unmarshal(data, &d); err != nil {
		return fmt.Errorf("DescribeExecution: decode the answer: %w", err)
	}
	tw := newTable(in.out)
	row := func(k, v string) { fmt.Fprintf(tw, "%s\t%s\n", k, v) }
	row("Name", d.Name)
	row("Execution ARN", d.Arn)
	row("State machine", d.StateMachineArn)
	row("Status", d.Status)
	row("Started", localTime(d.StartDate.Time()))
	row("Stopped", localTime(d.StopDate.Time()))
	if d.Input != nil {
		row("Input", truncate(*d.Input, 80))
	}
	if d.Output != nil {
		row("Output", truncate(*d.Output, 80))
	}
	if d.Error != "" {
		row("Error", d.Error)
	}
	if d.Cause != "" {
		row("Cause", truncate(d.Cause, 80))
	}
	return tw.Flush()
}

func (in *inspector) sfnHistory(ctx context.Context, args []string) error {
	fs, g := in.flagSet("sfn executions history", "sfn executions history <executionArn>\n\n"+
		"Prints a Step Functions execution's history one event a line: id, time since the first event, type, details\n"+
		"(long strings cut; --output json has the events whole).")
	pos, err := in.parse(fs, g, args)
	if err != nil {
		return err
	}
	arn, err := executionArnArg("sfn executions history", pos)
	if err != nil {
		return err
	}
	c, err := in.client(g)
	if err != nil {
		return err
	}
	merged, items, err := c.pages(ctx, serviceSFN, "GetExecutionHistory", map[string]any{"executionArn": arn, "maxResults": 1000},
		"events", "nextToken", 0, nil)
	if err != nil {
		return err
	}
	if g.output == "json" {
		return in.writeJSON(merged)
	}
	return in.writeEvents(items, true)
}
