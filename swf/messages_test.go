package swf

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/openswf/openswf"
	"github.com/openswf/openswf/awsjson"
	"github.com/openswf/openswf/engine"
	"github.com/openswf/openswf/sqlite"
)

// newTestService returns the SWF API over a real engine and SQLite store in the test's temporary directory.
func newTestService(tb testing.TB) *Service {
	tb.Helper()
	ctx := context.Background()
	store, err := sqlite.Open(ctx, filepath.Join(tb.TempDir(), "openswf.db"), sqlite.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	eng := engine.New(store, openswf.SystemClock{}, engine.Options{PollHold: time.Second, DisableRetention: true})
	if err := eng.Open(ctx); err != nil {
		store.Close()
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		eng.Close()
		store.Close()
	})
	return New(eng, Options{})
}

// call runs one operation's handler on body, as the server does once the model's validation has passed.
func call(tb testing.TB, s *Service, op, body string) (any, error) {
	tb.Helper()
	o, ok := s.operations()[op]
	if !ok {
		tb.Fatalf("no operation %s", op)
	}
	return o.Handler(context.Background(), []byte(body))
}

// mustCall runs an operation that must succeed.
func mustCall(tb testing.TB, s *Service, op, body string) any {
	tb.Helper()
	out, err := call(tb, s, op, body)
	if err != nil {
		tb.Fatalf("%s %s: %v", op, body, err)
	}
	return out
}

// The ValidationException messages that the engine's own checks (the rules the model cannot express) lead
// to, byte for byte as SWF clients read them. Several are asserted by the e2e tests and the conformance
// run too; this table holds every one, so that moving where they are worded cannot change one.
func TestMessages_EngineValidationWording(t *testing.T) {
	s := newTestService(t)
	mustCall(t, s, "RegisterDomain", `{"name":"d","workflowExecutionRetentionPeriodInDays":"1"}`)
	mustCall(t, s, "RegisterWorkflowType", `{"domain":"d","name":"wf","version":"1","defaultTaskList":{"name":"tl"},
		"defaultTaskStartToCloseTimeout":"30","defaultExecutionStartToCloseTimeout":"600","defaultChildPolicy":"TERMINATE"}`)
	mustCall(t, s, "StartWorkflowExecution", `{"domain":"d","workflowId":"w","workflowType":{"name":"wf","version":"1"}}`)
	task := mustCall(t, s, "PollForDecisionTask", `{"domain":"d","taskList":{"name":"tl"}}`).(*decisionTask)
	if task.TaskToken == "" {
		t.Fatal("no decision task")
	}
	respond := func(decisions string) string {
		return `{"taskToken":"` + task.TaskToken + `","decisions":[{"decisionType":"RecordMarker","recordMarkerDecisionAttributes":{"markerName":"m"}},` + decisions + `]}`
	}
	const (
		name     = "Member must not contain ':', '/', '|', control characters or leading or trailing whitespace, and must not be 'arn'"
		timeout  = "Member must be a number of seconds or NONE"
		execTime = "Member must be a number of seconds from 1 to 31536000"
		priority = "Member must be an integer between -2147483648 and 2147483647"
		tag      = "Member must contain only unicode letters, digits, whitespace, or these symbols: _ . : / = + - @"
		one      = "1 validation error detected: "
	)
	for _, tc := range []struct {
		op, body, want string
	}{
		{"RegisterDomain", `{"name":"a:b","workflowExecutionRetentionPeriodInDays":"1"}`,
			one + "Value 'a:b' at 'name' failed to satisfy constraint: " + name},
		{"RegisterDomain", `{"name":"r","workflowExecutionRetentionPeriodInDays":"91"}`,
			one + "Value '91' at 'workflowExecutionRetentionPeriodInDays' failed to satisfy constraint: Member must be NONE or a number of days from 0 to 90"},
		{"RegisterActivityType", `{"domain":"d","name":"a","version":" 1"}`,
			one + "Value ' 1' at 'version' failed to satisfy constraint: " + name},
		{"RegisterActivityType", `{"domain":"d","name":"a","version":"1","defaultTaskList":{"name":"arn"}}`,
			one + "Value 'arn' at 'defaultTaskList.name' failed to satisfy constraint: " + name},
		{"RegisterActivityType", `{"domain":"d","name":"a","version":"1","defaultTaskHeartbeatTimeout":"1.5"}`,
			one + "Value '1.5' at 'defaultTaskHeartbeatTimeout' failed to satisfy constraint: " + timeout},
		{"RegisterActivityType", `{"domain":"d","name":"a","version":"1","defaultTaskPriority":"high"}`,
			one + "Value 'high' at 'defaultTaskPriority' failed to satisfy constraint: " + priority},
		{"RegisterWorkflowType", `{"domain":"d","name":"a","version":"1","defaultExecutionStartToCloseTimeout":"0"}`,
			one + "Value '0' at 'defaultExecutionStartToCloseTimeout' failed to satisfy constraint: " + execTime},
		{"StartWorkflowExecution", `{"domain":"d","workflowId":"a/b","workflowType":{"name":"wf","version":"1"}}`,
			one + "Value 'a/b' at 'workflowId' failed to satisfy constraint: " + name},
		{"StartWorkflowExecution", `{"domain":"d","workflowId":"w2","workflowType":{"name":"wf","version":"1"},"taskList":{"name":"a|b"}}`,
			one + "Value 'a|b' at 'taskList.name' failed to satisfy constraint: " + name},
		{"StartWorkflowExecution", `{"domain":"d","workflowId":"w2","workflowType":{"name":"wf","version":"1"},"taskPriority":"2147483648"}`,
			one + "Value '2147483648' at 'taskPriority' failed to satisfy constraint: " + priority},
		{"StartWorkflowExecution", `{"domain":"d","workflowId":"w2","workflowType":{"name":"wf","version":"1"},"executionStartToCloseTimeout":"NONE"}`,
			one + "Value 'NONE' at 'executionStartToCloseTimeout' failed to satisfy constraint: " + execTime},
		{"StartWorkflowExecution", `{"domain":"d","workflowId":"w2","workflowType":{"name":"wf","version":"1"},"taskStartToCloseTimeout":"123456789"}`,
			one + "Value '123456789' at 'taskStartToCloseTimeout' failed to satisfy constraint: " + timeout},
		{"PollForDecisionTask", `{"domain":"d","taskList":{"name":"a:b"}}`,
			one + "Value 'a:b' at 'taskList.name' failed to satisfy constraint: " + name},
		{"PollForActivityTask", `{"domain":"d","taskList":{"name":"a\u0001b"}}`,
			one + "Value 'a\x01b' at 'taskList.name' failed to satisfy constraint: " + name},
		{"RespondDecisionTaskCompleted", `{"taskToken":"` + task.TaskToken + `","taskList":{"name":"x "}}`,
			one + "Value 'x ' at 'taskList.name' failed to satisfy constraint: " + name},
		{"RespondDecisionTaskCompleted", `{"taskToken":"` + task.TaskToken + `","taskListScheduleToStartTimeout":"-1"}`,
			one + "Value '-1' at 'taskListScheduleToStartTimeout' failed to satisfy constraint: " + timeout},
		{"RespondDecisionTaskCompleted", respond(`{"decisionType":"StartTimer"}`),
			one + "Value null at 'decisions.2.member.startTimerDecisionAttributes' failed to satisfy constraint: Member must not be null for decision type StartTimer"},
		{"RespondDecisionTaskCompleted", respond(`{"decisionType":"StartTimer","startTimerDecisionAttributes":{"timerId":"t","startToFireTimeout":"NONE"}}`),
			one + "Value 'NONE' at 'decisions.2.member.startTimerDecisionAttributes.startToFireTimeout' failed to satisfy constraint: Member must be a number of seconds"},
		{"RespondDecisionTaskCompleted", respond(`{"decisionType":"StartTimer","startTimerDecisionAttributes":{"timerId":"t:1","startToFireTimeout":"5"}}`),
			one + "Value 't:1' at 'decisions.2.member.startTimerDecisionAttributes.timerId' failed to satisfy constraint: " + name},
		{"RespondDecisionTaskCompleted", respond(`{"decisionType":"ScheduleActivityTask","scheduleActivityTaskDecisionAttributes":{"activityType":{"name":"a","version":"1"},"activityId":"a","heartbeatTimeout":"x"}}`),
			one + "Value 'x' at 'decisions.2.member.scheduleActivityTaskDecisionAttributes.heartbeatTimeout' failed to satisfy constraint: " + timeout},
		{"RespondDecisionTaskCompleted", respond(`{"decisionType":"ScheduleActivityTask","scheduleActivityTaskDecisionAttributes":{"activityType":{"name":"a","version":"1"},"activityId":"a","taskList":{"name":"a/b"}}}`),
			one + "Value 'a/b' at 'decisions.2.member.scheduleActivityTaskDecisionAttributes.taskList.name' failed to satisfy constraint: " + name},
		{"RespondDecisionTaskCompleted", respond(`{"decisionType":"StartChildWorkflowExecution","startChildWorkflowExecutionDecisionAttributes":{"workflowType":{"name":"wf","version":"1"},"workflowId":"c","executionStartToCloseTimeout":"31536001"}}`),
			one + "Value '31536001' at 'decisions.2.member.startChildWorkflowExecutionDecisionAttributes.executionStartToCloseTimeout' failed to satisfy constraint: " + execTime},
		{"RespondDecisionTaskCompleted", respond(`{"decisionType":"ContinueAsNewWorkflowExecution","continueAsNewWorkflowExecutionDecisionAttributes":{"taskPriority":"1e3"}}`),
			one + "Value '1e3' at 'decisions.2.member.continueAsNewWorkflowExecutionDecisionAttributes.taskPriority' failed to satisfy constraint: " + priority},
		{"RespondDecisionTaskCompleted", respond(`{"decisionType":"Teleport"}`),
			"Decision type Teleport is not supported yet"},
		{"TagResource", `{"resourceArn":"arn:aws:swf:us-east-1:000000000000:/domain/d","tags":[{"key":"a#b"}]}`,
			one + "Value 'a#b' at 'tags.1.member.key' failed to satisfy constraint: " + tag},
		{"TagResource", `{"resourceArn":"arn:aws:swf:us-east-1:000000000000:/domain/d","tags":[{"key":"k","value":"v"},{"key":"k2","value":"v!"}]}`,
			one + "Value 'v!' at 'tags.2.member.value' failed to satisfy constraint: " + tag},
		{"CountOpenWorkflowExecutions", `{"domain":"d"}`,
			one + "Value null at 'startTimeFilter' failed to satisfy constraint: Member must not be null"},
		{"CountOpenWorkflowExecutions", `{"domain":"d","startTimeFilter":{"oldestDate":0},"executionFilter":{"workflowId":""}}`,
			one + "Value '' at 'executionFilter.workflowId' failed to satisfy constraint: Member must have length greater than or equal to 1"},
		{"CountOpenWorkflowExecutions", `{"domain":"d","startTimeFilter":{"oldestDate":0},"typeFilter":{"name":""}}`,
			one + "Value '' at 'typeFilter.name' failed to satisfy constraint: Member must have length greater than or equal to 1"},
		{"CountClosedWorkflowExecutions", `{"domain":"d","startTimeFilter":{"oldestDate":0},"closeStatusFilter":{"status":"DONE"}}`,
			one + "Value 'DONE' at 'closeStatusFilter.status' failed to satisfy constraint: Member must satisfy enum value set: [COMPLETED, FAILED, CANCELED, TERMINATED, CONTINUED_AS_NEW, TIMED_OUT]"},
		{"CountClosedWorkflowExecutions", `{"domain":"d"}`,
			"Either startTimeFilter or closeTimeFilter must be specified"},
		{"ListDomains", `{"registrationStatus":"REGISTERED","nextPageToken":"AAAA"}`,
			"Invalid nextPageToken"},
	} {
		_, err := call(t, s, tc.op, tc.body)
		var f *awsjson.Fault
		if !errors.As(err, &f) || f.Type != awsjson.TypeValidation {
			t.Errorf("%s %s: got %v, want a ValidationException", tc.op, tc.body, err)
			continue
		}
		if f.Message != tc.want {
			t.Errorf("%s %s:\n got %q\nwant %q", tc.op, tc.body, f.Message, tc.want)
		}
	}
	// The checks ran before anything changed: the decision task is still open and takes a valid answer.
	mustCall(t, s, "RespondDecisionTaskCompleted", respond(`{"decisionType":"CompleteWorkflowExecution"}`))
}
