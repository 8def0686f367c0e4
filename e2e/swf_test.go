package e2e

import (
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/swf"
	"github.com/aws/aws-sdk-go-v2/service/swf/types"
)

// TestSWF_Lifecycle drives one workflow through its whole life with the SDK: a decision schedules an
// activity, a worker heartbeats and completes it, a second decision completes the run; then the closed
// run is described and its history read forward and backward in pages.
func TestSWF_Lifecycle(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "e2e-lifecycle", defaultHold)
	ctx := t.Context()

	exec := e.start("order-1", func(in *swf.StartWorkflowExecutionInput) {
		in.Input = aws.String("order input")
		in.TagList = []string{"customer-7", "rush"}
	})
	_, err := e.c.StartWorkflowExecution(ctx, &swf.StartWorkflowExecutionInput{
		Domain: aws.String(e.domain), WorkflowId: exec.WorkflowId, WorkflowType: e.wfType,
	})
	wantFault[*types.WorkflowExecutionAlreadyStartedFault](t, "StartWorkflowExecution with an open workflow id", err)

	// First decision task: the run's opening events.
	d := e.pollDecision()
	equal(t, "decision workflowType.name", aws.ToString(d.WorkflowType.Name), "wf")
	equal(t, "decision workflowType.version", aws.ToString(d.WorkflowType.Version), "1")
	equal(t, "decision workflowExecution.workflowId", aws.ToString(d.WorkflowExecution.WorkflowId), "order-1")
	equal(t, "decision workflowExecution.runId", aws.ToString(d.WorkflowExecution.RunId), aws.ToString(exec.RunId))
	equal(t, "decision startedEventId", d.StartedEventId, 3)
	equal(t, "decision previousStartedEventId", d.PreviousStartedEventId, 0)
	wantHistory(t, d.Events, `
1 WorkflowExecutionStarted
2 DecisionTaskScheduled
3 DecisionTaskStarted
`)
	started := d.Events[0].WorkflowExecutionStartedEventAttributes
	if started == nil {
		t.Fatalf("WorkflowExecutionStarted has no attributes")
	}
	equal(t, "started input", aws.ToString(started.Input), "order input")
	equal(t, "started taskList (type default)", aws.ToString(started.TaskList.Name), decisionList)
	equal(t, "started executionStartToCloseTimeout (type default)", aws.ToString(started.ExecutionStartToCloseTimeout), "300")
	equal(t, "started taskStartToCloseTimeout (type default)", aws.ToString(started.TaskStartToCloseTimeout), "30")
	equal(t, "started childPolicy (type default)", started.ChildPolicy, types.ChildPolicyTerminate)
	if d.Events[0].EventTimestamp == nil || d.Events[0].EventTimestamp.IsZero() {
		t.Errorf("WorkflowExecutionStarted eventTimestamp: got %v, want a time", d.Events[0].EventTimestamp)
	}

	e.decide(d.TaskToken, e.scheduleActivity("a1", "payload", func(a *types.ScheduleActivityTaskDecisionAttributes) {
		a.HeartbeatTimeout = aws.String("60")
	}))

	// The worker: poll, heartbeat a few times, complete.
	at := e.pollActivity(activityList)
	equal(t, "activityId", aws.ToString(at.ActivityId), "a1")
	equal(t, "activity input", aws.ToString(at.Input), "payload")
	equal(t, "activityType.name", aws.ToString(at.ActivityType.Name), "act")
	equal(t, "activityType.version", aws.ToString(at.ActivityType.Version), "1")
	equal(t, "activity workflowExecution.runId", aws.ToString(at.WorkflowExecution.RunId), aws.ToString(exec.RunId))
	equal(t, "activity startedEventId", at.StartedEventId, 6)
	for _, details := range []string{"10%", "50%", "90%"} {
		if e.heartbeat(at.TaskToken, details) {
			t.Errorf("heartbeat %q: got cancelRequested true, want false", details)
		}
	}
	if _, err := e.c.RespondActivityTaskCompleted(ctx, &swf.RespondActivityTaskCompletedInput{
		TaskToken: at.TaskToken, Result: aws.String("shipped"),
	}); err != nil {
		t.Fatalf("RespondActivityTaskCompleted: %v", err)
	}

	_, err = e.c.RespondActivityTaskCompleted(ctx, &swf.RespondActivityTaskCompletedInput{TaskToken: at.TaskToken})
	wantFault[*types.UnknownResourceFault](t, "RespondActivityTaskCompleted twice", err)
	_, err = e.c.RecordActivityTaskHeartbeat(ctx, &swf.RecordActivityTaskHeartbeatInput{TaskToken: at.TaskToken})
	wantFault[*types.UnknownResourceFault](t, "heartbeat after RespondActivityTaskCompleted", err)

	// Second decision task: sees the result, completes the run.
	d = e.pollDecision()
	equal(t, "decision startedEventId", d.StartedEventId, 9)
	equal(t, "decision previousStartedEventId", d.PreviousStartedEventId, 3)
	done := eventByType(t, d.Events, types.EventTypeActivityTaskCompleted).ActivityTaskCompletedEventAttributes
	equal(t, "ActivityTaskCompleted result", aws.ToString(done.Result), "shipped")
	equal(t, "ActivityTaskCompleted scheduledEventId", done.ScheduledEventId, 5)
	equal(t, "ActivityTaskCompleted startedEventId", done.StartedEventId, 6)
	e.decide(d.TaskToken, types.Decision{
		DecisionType: types.DecisionTypeCompleteWorkflowExecution,
		CompleteWorkflowExecutionDecisionAttributes: &types.CompleteWorkflowExecutionDecisionAttributes{
			Result: aws.String("all done"),
		},
	})

	desc := e.describe(exec)
	info := desc.ExecutionInfo
	equal(t, "executionStatus", info.ExecutionStatus, types.ExecutionStatusClosed)
	equal(t, "closeStatus", info.CloseStatus, types.CloseStatusCompleted)
	if want := []string{"customer-7", "rush"}; !slices.Equal(info.TagList, want) {
		t.Errorf("tagList: got %q, want %q", info.TagList, want)
	}
	if info.CloseTimestamp == nil || info.StartTimestamp == nil || info.CloseTimestamp.Before(*info.StartTimestamp) {
		t.Errorf("timestamps: got start %v close %v, want both set, close not before start", info.StartTimestamp, info.CloseTimestamp)
	}
	equal(t, "openCounts", *desc.OpenCounts, types.WorkflowExecutionOpenCounts{})
	if desc.LatestActivityTaskTimestamp == nil {
		t.Errorf("latestActivityTaskTimestamp: got nil, want the time a1 was scheduled")
	}
	cfg := desc.ExecutionConfiguration
	equal(t, "configuration taskList", aws.ToString(cfg.TaskList.Name), decisionList)
	equal(t, "configuration executionStartToCloseTimeout", aws.ToString(cfg.ExecutionStartToCloseTimeout), "300")
	equal(t, "configuration taskStartToCloseTimeout", aws.ToString(cfg.TaskStartToCloseTimeout), "30")
	equal(t, "configuration childPolicy", cfg.ChildPolicy, types.ChildPolicyTerminate)

	forward := e.history(exec)
	wantHistory(t, forward, `
1 WorkflowExecutionStarted
2 DecisionTaskScheduled
3 DecisionTaskStarted
4 DecisionTaskCompleted
5 ActivityTaskScheduled
6 ActivityTaskStarted
7 ActivityTaskCompleted
8 DecisionTaskScheduled
9 DecisionTaskStarted
10 DecisionTaskCompleted
11 WorkflowExecutionCompleted
`)
	completed := forward[10].WorkflowExecutionCompletedEventAttributes
	equal(t, "WorkflowExecutionCompleted result", aws.ToString(completed.Result), "all done")
	equal(t, "WorkflowExecutionCompleted decisionTaskCompletedEventId", completed.DecisionTaskCompletedEventId, 10)
	scheduled := forward[4].ActivityTaskScheduledEventAttributes
	equal(t, "ActivityTaskScheduled taskList (type default)", aws.ToString(scheduled.TaskList.Name), activityList)
	equal(t, "ActivityTaskScheduled heartbeatTimeout", aws.ToString(scheduled.HeartbeatTimeout), "60")
	equal(t, "ActivityTaskScheduled startToCloseTimeout (type default)", aws.ToString(scheduled.StartToCloseTimeout), "60")

	// Two at a time, oldest and newest first.
	if got, want := historyText(e.historyPages(exec, 2, false)), historyText(forward); got != want {
		t.Errorf("history in pages of 2:\ngot:\n%swant:\n%s", got, want)
	}
	reversed := slices.Clone(forward)
	slices.Reverse(reversed)
	if got, want := historyText(e.historyPages(exec, 2, true)), historyText(reversed); got != want {
		t.Errorf("reverse history in pages of 2:\ngot:\n%swant:\n%s", got, want)
	}

	// The workflow id is free again once its run closed.
	again := e.start("order-1")
	if aws.ToString(again.RunId) == aws.ToString(exec.RunId) {
		t.Errorf("second run of order-1: got the first run's id %s, want a new one", aws.ToString(again.RunId))
	}
}

// historyPages reads a run's history in pages of size events, following nextPageToken, and checks the
// page sizes: all full but the last, which is not empty.
func (e *env) historyPages(exec *types.WorkflowExecution, size int32, reverse bool) []types.HistoryEvent {
	e.t.Helper()
	var all []types.HistoryEvent
	var next *string
	for page := 1; ; page++ {
		out, err := e.c.GetWorkflowExecutionHistory(e.t.Context(), &swf.GetWorkflowExecutionHistoryInput{
			Domain: aws.String(e.domain), Execution: exec, ReverseOrder: reverse, MaximumPageSize: size, NextPageToken: next,
		})
		if err != nil {
			e.t.Fatalf("GetWorkflowExecutionHistory page %d (reverse %v): %v", page, reverse, err)
		}
		all = append(all, out.Events...)
		next = out.NextPageToken
		if n := int32(len(out.Events)); n > size || n == 0 || (next != nil && n != size) {
			e.t.Fatalf("page %d (reverse %v): got %d events and nextPageToken %v, want %d per page until the last",
				page, reverse, n, next != nil, size)
		}
		if next == nil {
			return all
		}
		if page > 100 {
			e.t.Fatalf("still paging after %d pages", page)
		}
	}
}

// TestSWF_Registration checks domains and types as clients see them: descriptions round-trip, lists, and the
// rules of registering, deprecating, undeprecating and deleting.
func TestSWF_Registration(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "e2e-registration", defaultHold)
	ctx := t.Context()
	c := e.c

	dom, err := c.DescribeDomain(ctx, &swf.DescribeDomainInput{Name: aws.String(e.domain)})
	if err != nil {
		t.Fatalf("DescribeDomain: %v", err)
	}
	equal(t, "domain name", aws.ToString(dom.DomainInfo.Name), e.domain)
	equal(t, "domain status", dom.DomainInfo.Status, types.RegistrationStatusRegistered)
	equal(t, "domain description", aws.ToString(dom.DomainInfo.Description), "e2e "+e.domain)
	equal(t, "domain retention", aws.ToString(dom.Configuration.WorkflowExecutionRetentionPeriodInDays), "1")
	if aws.ToString(dom.DomainInfo.Arn) == "" {
		t.Errorf("domain arn: got empty, want an ARN")
	}

	_, err = c.RegisterDomain(ctx, &swf.RegisterDomainInput{
		Name: aws.String(e.domain), WorkflowExecutionRetentionPeriodInDays: aws.String("1"),
	})
	wantFault[*types.DomainAlreadyExistsFault](t, "RegisterDomain twice", err)

	if _, err := c.RegisterDomain(ctx, &swf.RegisterDomainInput{
		Name: aws.String("e2e-registration-other"), WorkflowExecutionRetentionPeriodInDays: aws.String("NONE"),
	}); err != nil {
		t.Fatalf("RegisterDomain(other): %v", err)
	}
	doms, err := c.ListDomains(ctx, &swf.ListDomainsInput{RegistrationStatus: types.RegistrationStatusRegistered})
	if err != nil {
		t.Fatalf("ListDomains: %v", err)
	}
	var names []string
	for _, d := range doms.DomainInfos {
		names = append(names, aws.ToString(d.Name))
	}
	slices.Sort(names)
	if want := []string{"e2e-registration", "e2e-registration-other"}; !slices.Equal(names, want) {
		t.Errorf("ListDomains(REGISTERED): got %q, want %q", names, want)
	}

	var paged []string
	listIn := &swf.ListDomainsInput{RegistrationStatus: types.RegistrationStatusRegistered, MaximumPageSize: 1}
	for page := 1; ; page++ {
		out, err := c.ListDomains(ctx, listIn)
		if err != nil {
			t.Fatalf("ListDomains page %d: %v", page, err)
		}
		for _, d := range out.DomainInfos {
			paged = append(paged, aws.ToString(d.Name))
		}
		if listIn.NextPageToken = out.NextPageToken; listIn.NextPageToken == nil {
			break
		}
		if page > 10 {
			t.Fatalf("ListDomains: still paging after %d pages", page)
		}
	}
	slices.Sort(paged)
	if !slices.Equal(paged, names) {
		t.Errorf("ListDomains(REGISTERED) one per page: got %q, want %q", paged, names)
	}

	// A domain's way out and back.
	other := aws.String("e2e-registration-other")
	if _, err := c.DeprecateDomain(ctx, &swf.DeprecateDomainInput{Name: other}); err != nil {
		t.Fatalf("DeprecateDomain: %v", err)
	}
	_, err = c.DeprecateDomain(ctx, &swf.DeprecateDomainInput{Name: other})
	wantFault[*types.DomainDeprecatedFault](t, "DeprecateDomain twice", err)
	deprecated, err := c.ListDomains(ctx, &swf.ListDomainsInput{RegistrationStatus: types.RegistrationStatusDeprecated})
	if err != nil {
		t.Fatalf("ListDomains(DEPRECATED): %v", err)
	}
	if len(deprecated.DomainInfos) != 1 || aws.ToString(deprecated.DomainInfos[0].Name) != *other {
		t.Errorf("ListDomains(DEPRECATED): got %d domains, want only %s", len(deprecated.DomainInfos), *other)
	}
	_, err = c.RegisterWorkflowType(ctx, &swf.RegisterWorkflowTypeInput{Domain: other, Name: aws.String("wf"), Version: aws.String("1")})
	wantFault[*types.UnknownResourceFault](t, "RegisterWorkflowType in a deprecated domain", err)
	if _, err := c.UndeprecateDomain(ctx, &swf.UndeprecateDomainInput{Name: other}); err != nil {
		t.Fatalf("UndeprecateDomain: %v", err)
	}
	_, err = c.UndeprecateDomain(ctx, &swf.UndeprecateDomainInput{Name: other})
	wantFault[*types.DomainAlreadyExistsFault](t, "UndeprecateDomain of a registered domain", err)

	wt, err := c.DescribeWorkflowType(ctx, &swf.DescribeWorkflowTypeInput{Domain: aws.String(e.domain), WorkflowType: e.wfType})
	if err != nil {
		t.Fatalf("DescribeWorkflowType: %v", err)
	}
	equal(t, "workflow type status", wt.TypeInfo.Status, types.RegistrationStatusRegistered)
	equal(t, "workflow type description", aws.ToString(wt.TypeInfo.Description), "the e2e workflow")
	if wt.TypeInfo.CreationDate == nil || wt.TypeInfo.DeprecationDate != nil {
		t.Errorf("workflow type dates: got creation %v deprecation %v, want creation only", wt.TypeInfo.CreationDate, wt.TypeInfo.DeprecationDate)
	}
	wc := wt.Configuration
	equal(t, "defaultTaskList", aws.ToString(wc.DefaultTaskList.Name), decisionList)
	equal(t, "defaultExecutionStartToCloseTimeout", aws.ToString(wc.DefaultExecutionStartToCloseTimeout), "300")
	equal(t, "defaultTaskStartToCloseTimeout", aws.ToString(wc.DefaultTaskStartToCloseTimeout), "30")
	equal(t, "defaultChildPolicy", wc.DefaultChildPolicy, types.ChildPolicyTerminate)

	act, err := c.DescribeActivityType(ctx, &swf.DescribeActivityTypeInput{Domain: aws.String(e.domain), ActivityType: e.actType})
	if err != nil {
		t.Fatalf("DescribeActivityType: %v", err)
	}
	equal(t, "activity type status", act.TypeInfo.Status, types.RegistrationStatusRegistered)
	equal(t, "activity type name", aws.ToString(act.TypeInfo.ActivityType.Name), "act")
	equal(t, "activity type description", aws.ToString(act.TypeInfo.Description), "the e2e activity")
	ac := act.Configuration
	equal(t, "defaultTaskList", aws.ToString(ac.DefaultTaskList.Name), activityList)
	equal(t, "defaultTaskPriority", aws.ToString(ac.DefaultTaskPriority), "5")
	equal(t, "defaultTaskStartToCloseTimeout", aws.ToString(ac.DefaultTaskStartToCloseTimeout), "60")
	equal(t, "defaultTaskHeartbeatTimeout", aws.ToString(ac.DefaultTaskHeartbeatTimeout), "NONE")
	equal(t, "defaultTaskScheduleToStartTimeout", aws.ToString(ac.DefaultTaskScheduleToStartTimeout), "NONE")
	equal(t, "defaultTaskScheduleToCloseTimeout", aws.ToString(ac.DefaultTaskScheduleToCloseTimeout), "NONE")

	_, err = c.RegisterActivityType(ctx, &swf.RegisterActivityTypeInput{Domain: aws.String(e.domain), Name: e.actType.Name, Version: e.actType.Version})
	wantFault[*types.TypeAlreadyExistsFault](t, "RegisterActivityType twice", err)

	// An activity type's way out: deprecate, undeprecate, deprecate, delete.
	doomed := &types.ActivityType{Name: aws.String("doomed"), Version: aws.String("1")}
	if _, err := c.RegisterActivityType(ctx, &swf.RegisterActivityTypeInput{Domain: aws.String(e.domain), Name: doomed.Name, Version: doomed.Version}); err != nil {
		t.Fatalf("RegisterActivityType(doomed): %v", err)
	}
	dep := &swf.DeprecateActivityTypeInput{Domain: aws.String(e.domain), ActivityType: doomed}
	undep := &swf.UndeprecateActivityTypeInput{Domain: aws.String(e.domain), ActivityType: doomed}
	del := &swf.DeleteActivityTypeInput{Domain: aws.String(e.domain), ActivityType: doomed}
	_, err = c.DeleteActivityType(ctx, del)
	wantFault[*types.TypeNotDeprecatedFault](t, "DeleteActivityType on a registered type", err)
	_, err = c.UndeprecateActivityType(ctx, undep)
	wantFault[*types.TypeAlreadyExistsFault](t, "UndeprecateActivityType on a registered type", err)
	if _, err := c.DeprecateActivityType(ctx, dep); err != nil {
		t.Fatalf("DeprecateActivityType: %v", err)
	}
	_, err = c.DeprecateActivityType(ctx, dep)
	wantFault[*types.TypeDeprecatedFault](t, "DeprecateActivityType twice", err)
	desc, err := c.DescribeActivityType(ctx, &swf.DescribeActivityTypeInput{Domain: aws.String(e.domain), ActivityType: doomed})
	if err != nil {
		t.Fatalf("DescribeActivityType(deprecated): %v", err)
	}
	equal(t, "deprecated type status", desc.TypeInfo.Status, types.RegistrationStatusDeprecated)
	if desc.TypeInfo.DeprecationDate == nil {
		t.Errorf("deprecated type deprecationDate: got nil, want a time")
	}
	list, err := c.ListActivityTypes(ctx, &swf.ListActivityTypesInput{Domain: aws.String(e.domain), RegistrationStatus: types.RegistrationStatusDeprecated})
	if err != nil {
		t.Fatalf("ListActivityTypes(DEPRECATED): %v", err)
	}
	if len(list.TypeInfos) != 1 || aws.ToString(list.TypeInfos[0].ActivityType.Name) != "doomed" {
		t.Errorf("ListActivityTypes(DEPRECATED): got %d types, want only doomed", len(list.TypeInfos))
	}
	if _, err := c.UndeprecateActivityType(ctx, undep); err != nil {
		t.Fatalf("UndeprecateActivityType: %v", err)
	}
	desc, err = c.DescribeActivityType(ctx, &swf.DescribeActivityTypeInput{Domain: aws.String(e.domain), ActivityType: doomed})
	if err != nil {
		t.Fatalf("DescribeActivityType(undeprecated): %v", err)
	}
	equal(t, "undeprecated type status", desc.TypeInfo.Status, types.RegistrationStatusRegistered)
	if _, err := c.DeprecateActivityType(ctx, dep); err != nil {
		t.Fatalf("DeprecateActivityType again: %v", err)
	}
	if _, err := c.DeleteActivityType(ctx, del); err != nil {
		t.Fatalf("DeleteActivityType on a deprecated type: %v", err)
	}
	_, err = c.DescribeActivityType(ctx, &swf.DescribeActivityTypeInput{Domain: aws.String(e.domain), ActivityType: doomed})
	wantFault[*types.UnknownResourceFault](t, "DescribeActivityType after delete", err)

	// A deprecated workflow type cannot start runs; a deprecated activity type cannot be scheduled.
	oldWF := &types.WorkflowType{Name: aws.String("old-wf"), Version: aws.String("1")}
	if _, err := c.RegisterWorkflowType(ctx, &swf.RegisterWorkflowTypeInput{Domain: aws.String(e.domain), Name: oldWF.Name, Version: oldWF.Version}); err != nil {
		t.Fatalf("RegisterWorkflowType(old-wf): %v", err)
	}
	_, err = c.DeleteWorkflowType(ctx, &swf.DeleteWorkflowTypeInput{Domain: aws.String(e.domain), WorkflowType: oldWF})
	wantFault[*types.TypeNotDeprecatedFault](t, "DeleteWorkflowType on a registered type", err)
	if _, err := c.DeprecateWorkflowType(ctx, &swf.DeprecateWorkflowTypeInput{Domain: aws.String(e.domain), WorkflowType: oldWF}); err != nil {
		t.Fatalf("DeprecateWorkflowType: %v", err)
	}
	_, err = c.DeprecateWorkflowType(ctx, &swf.DeprecateWorkflowTypeInput{Domain: aws.String(e.domain), WorkflowType: oldWF})
	wantFault[*types.TypeDeprecatedFault](t, "DeprecateWorkflowType twice", err)
	_, err = c.StartWorkflowExecution(ctx, &swf.StartWorkflowExecutionInput{
		Domain: aws.String(e.domain), WorkflowId: aws.String("old-1"), WorkflowType: oldWF,
		TaskList: &types.TaskList{Name: aws.String(decisionList)}, ExecutionStartToCloseTimeout: aws.String("60"),
		TaskStartToCloseTimeout: aws.String("10"), ChildPolicy: types.ChildPolicyTerminate,
	})
	wantFault[*types.TypeDeprecatedFault](t, "StartWorkflowExecution of a deprecated type", err)

	if _, err := c.RegisterActivityType(ctx, &swf.RegisterActivityTypeInput{Domain: aws.String(e.domain), Name: aws.String("old-act"), Version: aws.String("1")}); err != nil {
		t.Fatalf("RegisterActivityType(old-act): %v", err)
	}
	oldAct := &types.ActivityType{Name: aws.String("old-act"), Version: aws.String("1")}
	if _, err := c.DeprecateActivityType(ctx, &swf.DeprecateActivityTypeInput{Domain: aws.String(e.domain), ActivityType: oldAct}); err != nil {
		t.Fatalf("DeprecateActivityType(old-act): %v", err)
	}
	exec := e.start("uses-old-act")
	d := e.pollDecision()
	e.decide(d.TaskToken, e.scheduleActivity("a1", "", func(a *types.ScheduleActivityTaskDecisionAttributes) {
		a.ActivityType = oldAct
	}))
	failed := e.waitEvent(exec, types.EventTypeScheduleActivityTaskFailed).ScheduleActivityTaskFailedEventAttributes
	equal(t, "ScheduleActivityTaskFailed cause", failed.Cause, types.ScheduleActivityTaskFailedCauseActivityTypeDeprecated)
	equal(t, "ScheduleActivityTaskFailed activityId", aws.ToString(failed.ActivityId), "a1")
}
