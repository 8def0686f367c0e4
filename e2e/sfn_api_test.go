package e2e

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"
)

const passMachine = `{
  "StartAt": "One",
  "States": {
    "One": {"Type": "Pass", "Result": 1, "ResultPath": "$.one", "Next": "Two"},
    "Two": {"Type": "Pass", "Result": 2, "ResultPath": "$.two", "End": true}
  }
}`

// GetExecutionHistory's options: reverseOrder, pages of maxResults linked by nextToken,
// includeExecutionData false without inputs and outputs, and InvalidToken for an altered nextToken.
func TestSFN_ExecutionHistoryPaging(t *testing.T) {
	t.Parallel()
	e := newSFNEnv(t, time.Second)
	ctx := t.Context()
	sm := e.machine("pages", passMachine)
	arn := e.start(sm, "h", `{"secret":"s3"}`)
	e.waitStatus(arn, sfntypes.ExecutionStatusSucceeded, 10*time.Second)

	forward := e.events(arn)
	want := "ExecutionStarted\nPassStateEntered\nPassStateExited\nPassStateEntered\nPassStateExited\nExecutionSucceeded\n"
	if got := eventTypes(forward); got != want {
		t.Fatalf("history:\n%swant:\n%s", got, want)
	}
	for i, ev := range forward {
		if ev.Id != int64(i+1) || ev.Timestamp == nil {
			t.Errorf("event %d: id %d timestamp %v, want dense ids from 1 with timestamps", i, ev.Id, ev.Timestamp)
		}
	}

	// Pages of 4 then 2, backwards.
	var ids []int64
	var token *string
	for page := 0; ; page++ {
		out, err := e.c.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{ExecutionArn: aws.String(arn),
			MaxResults: 4, ReverseOrder: true, NextToken: token})
		if err != nil {
			t.Fatalf("GetExecutionHistory page %d: %v", page, err)
		}
		if wantLen := []int{4, 2}[min(page, 1)]; len(out.Events) != wantLen {
			t.Fatalf("page %d has %d events, want %d", page, len(out.Events), wantLen)
		}
		for _, ev := range out.Events {
			ids = append(ids, ev.Id)
		}
		if out.NextToken == nil {
			break
		}
		if page == 0 {
			altered := []byte(aws.ToString(out.NextToken))
			altered[len(altered)/2] ^= 1
			_, err := e.c.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{ExecutionArn: aws.String(arn),
				MaxResults: 4, ReverseOrder: true, NextToken: aws.String(string(altered))})
			wantSFNFault(t, err, "InvalidToken", "Invalid Token")
		}
		token = out.NextToken
	}
	if fmt.Sprint(ids) != "[6 5 4 3 2 1]" {
		t.Errorf("reverse ids = %v, want [6 5 4 3 2 1]", ids)
	}

	out, err := e.c.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{ExecutionArn: aws.String(arn),
		IncludeExecutionData: aws.Bool(false)})
	if err != nil {
		t.Fatalf("GetExecutionHistory without data: %v", err)
	}
	if len(out.Events) != len(forward) {
		t.Fatalf("without data: %d events, want %d", len(out.Events), len(forward))
	}
	for _, ev := range out.Events {
		switch {
		case ev.ExecutionStartedEventDetails != nil:
			if d := ev.ExecutionStartedEventDetails; d.Input != nil || aws.ToString(d.RoleArn) != roleArn {
				t.Errorf("ExecutionStarted without data = input %v role %q, want no input and the role", d.Input, aws.ToString(d.RoleArn))
			}
		case ev.StateEnteredEventDetails != nil:
			if d := ev.StateEnteredEventDetails; d.Input != nil || d.Name == nil {
				t.Errorf("%s without data = input %v name %v, want no input and the name", ev.Type, d.Input, d.Name)
			}
		case ev.StateExitedEventDetails != nil:
			if d := ev.StateExitedEventDetails; d.Output != nil || d.Name == nil {
				t.Errorf("%s without data = output %v name %v, want no output and the name", ev.Type, d.Output, d.Name)
			}
		case ev.ExecutionSucceededEventDetails != nil:
			if d := ev.ExecutionSucceededEventDetails; d.Output != nil {
				t.Errorf("ExecutionSucceeded without data = output %v, want none", d.Output)
			}
		}
	}
}

// StartExecution is idempotent while the execution runs: the same name and input answer the same ARN and
// start date, another input ExecutionAlreadyExists. DescribeStateMachineForExecution keeps answering the
// definition the execution started with after UpdateStateMachine.
func TestSFN_StartIdempotentAndRevisions(t *testing.T) {
	t.Parallel()
	e := newSFNEnv(t, 5*time.Second)
	ctx := t.Context()
	sm := e.machine("idem", activityMachine)
	start := func(input string) (*sfn.StartExecutionOutput, error) {
		return e.c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(sm),
			Name: aws.String("once"), Input: aws.String(input)})
	}
	first, err := start(`{"n":1}`)
	if err != nil {
		t.Fatalf("StartExecution: %v", err)
	}
	again, err := start(`{"n":1}`)
	if err != nil || aws.ToString(again.ExecutionArn) != aws.ToString(first.ExecutionArn) || !again.StartDate.Equal(*first.StartDate) {
		t.Fatalf("second StartExecution = %+v, %v; want %s started %v", again, err, aws.ToString(first.ExecutionArn), first.StartDate)
	}
	_, err = start(`{"n":2}`)
	wantSFNFault(t, err, "ExecutionAlreadyExists", "Execution Already Exists: '"+aws.ToString(first.ExecutionArn)+"'")

	updated := strings.ReplaceAll(strings.ReplaceAll(activityMachine, "ACTIVITY", e.activityArn), "$.result", "$.other")
	if _, err := e.c.UpdateStateMachine(ctx, &sfn.UpdateStateMachineInput{StateMachineArn: aws.String(sm),
		Definition: aws.String(updated)}); err != nil {
		t.Fatalf("UpdateStateMachine: %v", err)
	}
	dm, err := e.c.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(sm)})
	if err != nil || aws.ToString(dm.Definition) != updated {
		t.Fatalf("DescribeStateMachine after the update = %+v, %v; want the new definition", dm, err)
	}
	df, err := e.c.DescribeStateMachineForExecution(ctx, &sfn.DescribeStateMachineForExecutionInput{ExecutionArn: first.ExecutionArn})
	original := strings.ReplaceAll(activityMachine, "ACTIVITY", e.activityArn)
	if err != nil || aws.ToString(df.Definition) != original || aws.ToString(df.StateMachineArn) != sm {
		t.Fatalf("DescribeStateMachineForExecution = %+v, %v; want the original definition", df, err)
	}
	// The running execution goes on with its own revision: the result lands at $.result.
	task := e.task("w")
	if _, err := e.c.SendTaskSuccess(ctx, sendSuccess(task.TaskToken, `"r"`)); err != nil {
		t.Fatalf("SendTaskSuccess: %v", err)
	}
	d := e.waitStatus(aws.ToString(first.ExecutionArn), sfntypes.ExecutionStatusSucceeded, 10*time.Second)
	wantJSON(t, "output", aws.ToString(d.Output), `{"n":1,"result":"r"}`)
	// A new execution runs the new revision.
	next := e.start(sm, "after", `{}`)
	task = e.task("w")
	if _, err := e.c.SendTaskSuccess(ctx, sendSuccess(task.TaskToken, `"r"`)); err != nil {
		t.Fatalf("SendTaskSuccess: %v", err)
	}
	d = e.waitStatus(next, sfntypes.ExecutionStatusSucceeded, 10*time.Second)
	wantJSON(t, "output", aws.ToString(d.Output), `{"other":"r"}`)
}

// ListStateMachines in pages, and DeleteStateMachine: gone from the list, StateMachineDoesNotExist to
// DescribeStateMachine and StartExecution, and deleting it again succeeds.
func TestSFN_ListAndDeleteStateMachines(t *testing.T) {
	t.Parallel()
	e := newSFNEnv(t, time.Second)
	ctx := t.Context()
	arns := map[string]string{}
	for _, name := range []string{"m-a", "m-b", "m-c"} {
		arns[name] = e.machine(name, passMachine)
	}
	list := func() []string {
		var names []string
		p := sfn.NewListStateMachinesPaginator(e.c, &sfn.ListStateMachinesInput{MaxResults: 2})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				t.Fatalf("ListStateMachines: %v", err)
			}
			for _, m := range page.StateMachines {
				if aws.ToString(m.StateMachineArn) != arns[aws.ToString(m.Name)] || m.Type != sfntypes.StateMachineTypeStandard || m.CreationDate == nil {
					t.Errorf("listed %+v, want its ARN, STANDARD and a creation date", m)
				}
				names = append(names, aws.ToString(m.Name))
			}
		}
		return names
	}
	if got := list(); !slices.Equal(got, []string{"m-a", "m-b", "m-c"}) {
		t.Fatalf("ListStateMachines = %v, want [m-a m-b m-c]", got)
	}
	for range 2 {
		if _, err := e.c.DeleteStateMachine(ctx, &sfn.DeleteStateMachineInput{StateMachineArn: aws.String(arns["m-b"])}); err != nil {
			t.Fatalf("DeleteStateMachine: %v", err)
		}
	}
	if got := list(); !slices.Equal(got, []string{"m-a", "m-c"}) {
		t.Errorf("ListStateMachines after the delete = %v, want [m-a m-c]", got)
	}
	_, err := e.c.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(arns["m-b"])})
	wantSFNFault(t, err, "StateMachineDoesNotExist", "State Machine Does Not Exist: '"+arns["m-b"]+"'")
	_, err = e.c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(arns["m-b"])})
	wantSFNFault(t, err, "StateMachineDoesNotExist", arns["m-b"])
}

// ListExecutions with statusFilter and pages: the running executions and the ended ones apart, each
// once, with their status and stop dates.
func TestSFN_ListExecutions(t *testing.T) {
	t.Parallel()
	e := newSFNEnv(t, time.Second)
	ctx := t.Context()
	sm := e.machine("listed", `{
	  "StartAt": "Branch",
	  "States": {
	    "Branch": {"Type": "Choice", "Choices": [{"Variable": "$.wait", "BooleanEquals": true, "Next": "Long"}], "Default": "Done"},
	    "Long": {"Type": "Wait", "Seconds": 3600, "End": true},
	    "Done": {"Type": "Pass", "End": true}
	  }
	}`)
	want := map[sfntypes.ExecutionStatus][]string{}
	for i := range 5 {
		name := fmt.Sprintf("run-%d", i)
		if i%2 == 0 {
			e.start(sm, name, `{"wait":true}`)
			want[sfntypes.ExecutionStatusRunning] = append(want[sfntypes.ExecutionStatusRunning], name)
		} else {
			e.waitStatus(e.start(sm, name, `{"wait":false}`), sfntypes.ExecutionStatusSucceeded, 10*time.Second)
			want[sfntypes.ExecutionStatusSucceeded] = append(want[sfntypes.ExecutionStatusSucceeded], name)
		}
	}
	list := func(filter sfntypes.ExecutionStatus) ([]string, int) {
		var names []string
		pages := 0
		p := sfn.NewListExecutionsPaginator(e.c, &sfn.ListExecutionsInput{StateMachineArn: aws.String(sm),
			StatusFilter: filter, MaxResults: 2})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				t.Fatalf("ListExecutions(%s): %v", filter, err)
			}
			pages++
			for _, x := range page.Executions {
				if filter != "" && x.Status != filter {
					t.Errorf("ListExecutions(%s) listed %s %s", filter, aws.ToString(x.Name), x.Status)
				}
				if (x.Status == sfntypes.ExecutionStatusRunning) != (x.StopDate == nil) || aws.ToString(x.StateMachineArn) != sm {
					t.Errorf("listed %s: status %s stop %v machine %s", aws.ToString(x.Name), x.Status, x.StopDate, aws.ToString(x.StateMachineArn))
				}
				names = append(names, aws.ToString(x.Name))
			}
		}
		slices.Sort(names)
		return names, pages
	}
	for _, filter := range []sfntypes.ExecutionStatus{sfntypes.ExecutionStatusRunning, sfntypes.ExecutionStatusSucceeded} {
		if got, _ := list(filter); !slices.Equal(got, want[filter]) {
			t.Errorf("ListExecutions(%s) = %v, want %v", filter, got, want[filter])
		}
	}
	if got, _ := list(sfntypes.ExecutionStatusFailed); len(got) != 0 {
		t.Errorf("ListExecutions(FAILED) = %v, want none", got)
	}
	got, pages := list("")
	if !slices.Equal(got, []string{"run-0", "run-1", "run-2", "run-3", "run-4"}) || pages != 3 {
		t.Errorf("ListExecutions = %v in %d pages, want all five in 3 pages of 2", got, pages)
	}
}

// DeleteStateMachine with an execution running: AWS marks the machine DELETING and terminates the
// execution at its next state transition, with States.Runtime "State machine <name> has been deleted."
// (API reference, DeleteStateMachine; AWS re:Post knowledge-center/step-functions-stuck-deleting-status).
func TestSFN_DeleteStateMachineWhileRunning(t *testing.T) {
	t.Parallel()
	e := newSFNEnv(t, 5*time.Second)
	ctx := t.Context()
	sm := e.machine("doomed", activityMachine)
	arn := e.start(sm, "running", `{}`)
	task := e.task("w")
	if _, err := e.c.DeleteStateMachine(ctx, &sfn.DeleteStateMachineInput{StateMachineArn: aws.String(sm)}); err != nil {
		t.Fatalf("DeleteStateMachine: %v", err)
	}
	dm, err := e.c.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(sm)})
	if err != nil || dm.Status != sfntypes.StateMachineStatusDeleting {
		t.Errorf("DescribeStateMachine while an execution runs = %+v, %v; want status DELETING", dm, err)
	}
	_, err = e.c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(sm)})
	wantSFNFault(t, err, "StateMachineDeleting", sm)
	if _, err := e.c.SendTaskSuccess(ctx, sendSuccess(task.TaskToken, `{}`)); err != nil {
		t.Fatalf("SendTaskSuccess: %v", err)
	}
	d := e.waitStatus(arn, sfntypes.ExecutionStatusFailed, 10*time.Second)
	if aws.ToString(d.Error) != "States.Runtime" || aws.ToString(d.Cause) != "State machine doomed has been deleted." {
		t.Errorf("execution = %q %q, want States.Runtime and the deletion", aws.ToString(d.Error), aws.ToString(d.Cause))
	}
	_, err = e.c.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(sm)})
	wantSFNFault(t, err, "StateMachineDoesNotExist", sm)
}

// ListExecutions without a filter lists the executions newest first by start date, running and ended
// ones interleaved ("Results are sorted by time, with the most recent execution first", API reference).
func TestSFN_ListExecutionsNewestFirst(t *testing.T) {
	t.Parallel()
	e := newSFNEnv(t, time.Second)
	sm := e.machine("ordered", `{
	  "StartAt": "Branch",
	  "States": {
	    "Branch": {"Type": "Choice", "Choices": [{"Variable": "$.wait", "BooleanEquals": true, "Next": "Long"}], "Default": "Done"},
	    "Long": {"Type": "Wait", "Seconds": 3600, "End": true},
	    "Done": {"Type": "Pass", "End": true}
	  }
	}`)
	for i := range 4 {
		arn := e.start(sm, fmt.Sprintf("run-%d", i), fmt.Sprintf(`{"wait":%t}`, i%2 == 0))
		if i%2 == 1 {
			e.waitStatus(arn, sfntypes.ExecutionStatusSucceeded, 10*time.Second)
		}
		time.Sleep(5 * time.Millisecond) // distinct start dates
	}
	out, err := e.c.ListExecutions(t.Context(), &sfn.ListExecutionsInput{StateMachineArn: aws.String(sm)})
	if err != nil {
		t.Fatalf("ListExecutions: %v", err)
	}
	var names []string
	for _, x := range out.Executions {
		names = append(names, aws.ToString(x.Name))
	}
	if want := []string{"run-3", "run-2", "run-1", "run-0"}; !slices.Equal(names, want) {
		t.Errorf("ListExecutions = %v, want %v", names, want)
	}
	// The same order a page of one at a time, across running and ended executions.
	var paged []string
	p := sfn.NewListExecutionsPaginator(e.c, &sfn.ListExecutionsInput{StateMachineArn: aws.String(sm), MaxResults: 1})
	for p.HasMorePages() {
		page, err := p.NextPage(t.Context())
		if err != nil {
			t.Fatalf("ListExecutions page: %v", err)
		}
		for _, x := range page.Executions {
			paged = append(paged, aws.ToString(x.Name))
		}
	}
	if !slices.Equal(paged, names) {
		t.Errorf("ListExecutions one at a time = %v, want %v", paged, names)
	}
}
