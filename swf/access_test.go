package swf

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/openswf/openswf"
	"github.com/openswf/openswf/awsjson"
)

// recordingAuthorizer records what it is asked and refuses the actions in deny.
type recordingAuthorizer struct {
	mu   sync.Mutex
	got  []openswf.AccessRequest
	deny map[string]bool
}

func (a *recordingAuthorizer) Authorize(_ context.Context, req openswf.AccessRequest) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.got = append(a.got, req)
	if a.deny[req.Action] {
		return openswf.Errorf(openswf.KindOperationNotPermitted, "User: u is not authorized to perform: %s on resource: %s", req.Action, req.Resource)
	}
	return nil
}

func (a *recordingAuthorizer) last() openswf.AccessRequest {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.got[len(a.got)-1]
}

// withAuthorizer returns the operations of s with an authorizer, as Register wraps them.
func withAuthorizer(s *Service, a openswf.Authorizer) map[string]awsjson.Operation {
	s.opts.Authorizer = a
	ops := s.operations()
	for name, op := range ops {
		ops[name] = s.withAccess(name, op)
	}
	return ops
}

// Each operation asks access control for its IAM action on the domain it acts on, with the condition keys
// of AWS's SWF IAM page; a refusal is OperationNotPermittedFault and nothing happens.
func TestAccess_OperationsAskForTheirActions(t *testing.T) {
	s := newTestService(t)
	mustCall(t, s, "RegisterDomain", `{"name":"d","workflowExecutionRetentionPeriodInDays":"1"}`)
	a := &recordingAuthorizer{deny: map[string]bool{"swf:DeprecateDomain": true}}
	ops := withAuthorizer(s, a)
	run := func(op, body string) error {
		_, err := ops[op].Handler(context.Background(), []byte(body))
		return err
	}
	const arn = "arn:aws:swf:us-east-1:000000000000:/domain/d"
	for _, tc := range []struct {
		op, body, resource string
		keys               map[string][]string
	}{
		{"ListDomains", `{"registrationStatus":"REGISTERED"}`, "*", nil},
		{"DescribeDomain", `{"name":"d"}`, arn, nil},
		{"RegisterActivityType", `{"domain":"d","name":"act","version":"1","defaultTaskList":{"name":"tl"}}`, arn,
			map[string][]string{"swf:name": {"act"}, "swf:version": {"1"}, "swf:defaultTaskList.name": {"tl"}}},
		{"DescribeActivityType", `{"domain":"d","activityType":{"name":"act","version":"1"}}`, arn,
			map[string][]string{"swf:activityType.name": {"act"}, "swf:activityType.version": {"1"}}},
		{"RegisterWorkflowType", `{"domain":"d","name":"wf","version":"1","defaultTaskList":{"name":"dec"},"defaultTaskStartToCloseTimeout":"30","defaultExecutionStartToCloseTimeout":"60","defaultChildPolicy":"TERMINATE"}`, arn,
			map[string][]string{"swf:name": {"wf"}, "swf:version": {"1"}, "swf:defaultTaskList.name": {"dec"}}},
		{"StartWorkflowExecution", `{"domain":"d","workflowId":"w","workflowType":{"name":"wf","version":"1"},"tagList":["a","b"]}`, arn,
			map[string][]string{"swf:workflowType.name": {"wf"}, "swf:workflowType.version": {"1"},
				"swf:tagList.member.0": {"a"}, "swf:tagList.member.1": {"b"}}},
		{"CountPendingActivityTasks", `{"domain":"d","taskList":{"name":"tl"}}`, arn, map[string][]string{"swf:taskList.name": {"tl"}}},
		{"ListOpenWorkflowExecutions", `{"domain":"d","startTimeFilter":{"oldestDate":0},"typeFilter":{"name":"wf"}}`, arn,
			map[string][]string{"swf:typeFilter.name": {"wf"}}},
		{"CountClosedWorkflowExecutions", `{"domain":"d","startTimeFilter":{"oldestDate":0},"tagFilter":{"tag":"a"}}`, arn,
			map[string][]string{"swf:tagFilter.tag": {"a"}}},
		{"ListTagsForResource", `{"resourceArn":"` + arn + `"}`, arn, nil},
	} {
		if err := run(tc.op, tc.body); err != nil {
			t.Errorf("%s: %v", tc.op, err)
			continue
		}
		got := a.last()
		if got.Action != "swf:"+tc.op || got.Resource != tc.resource {
			t.Errorf("%s asked for %s on %s, want swf:%s on %s", tc.op, got.Action, got.Resource, tc.op, tc.resource)
		}
		if len(got.Context) != len(tc.keys) || (len(tc.keys) > 0 && !reflect.DeepEqual(got.Context, tc.keys)) {
			t.Errorf("%s condition keys = %v, want %v", tc.op, got.Context, tc.keys)
		}
	}

	err := run("DeprecateDomain", `{"name":"d"}`)
	var f *awsjson.Fault
	if !asFault(err, &f) || f.Code() != "OperationNotPermittedFault" {
		t.Fatalf("denied DeprecateDomain = %v, want OperationNotPermittedFault", err)
	}
	if d := mustCall(t, s, "DescribeDomain", `{"name":"d"}`); !strings.Contains(fmt.Sprint(d), "REGISTERED") {
		t.Errorf("a denied DeprecateDomain changed the domain: %v", d)
	}
}

// A task token's operations act on the token's domain; a decision task's decisions are checked one by one
// as pseudo-actions, and the denied ones record OPERATION_NOT_PERMITTED.
func TestAccess_TokensAndDecisions(t *testing.T) {
	s := newTestService(t)
	mustCall(t, s, "RegisterDomain", `{"name":"pay","workflowExecutionRetentionPeriodInDays":"1"}`)
	mustCall(t, s, "RegisterWorkflowType", `{"domain":"pay","name":"wf","version":"1","defaultTaskList":{"name":"dec"},"defaultTaskStartToCloseTimeout":"30","defaultExecutionStartToCloseTimeout":"60","defaultChildPolicy":"TERMINATE"}`)
	mustCall(t, s, "StartWorkflowExecution", `{"domain":"pay","workflowId":"w","workflowType":{"name":"wf","version":"1"}}`)
	a := &recordingAuthorizer{deny: map[string]bool{"swf:StartTimer": true}}
	ops := withAuthorizer(s, a)
	out, err := ops["PollForDecisionTask"].Handler(context.Background(), []byte(`{"domain":"pay","taskList":{"name":"dec"}}`))
	if err != nil {
		t.Fatal(err)
	}
	token := reflect.ValueOf(out).Elem().FieldByName("TaskToken").String()
	body := `{"taskToken":"` + token + `","decisions":[
		{"decisionType":"StartTimer","startTimerDecisionAttributes":{"timerId":"t","startToFireTimeout":"5"}},
		{"decisionType":"RecordMarker","recordMarkerDecisionAttributes":{"markerName":"m"}}]}`
	if _, err := ops["RespondDecisionTaskCompleted"].Handler(context.Background(), []byte(body)); err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, r := range a.got {
		actions = append(actions, r.Action+" "+r.Resource)
	}
	const arn = "arn:aws:swf:us-east-1:000000000000:/domain/pay"
	for _, want := range []string{"swf:RespondDecisionTaskCompleted " + arn, "swf:StartTimer " + arn, "swf:RecordMarker " + arn} {
		if !slices.Contains(actions, want) {
			t.Errorf("access asked %v, want %s among them", actions, want)
		}
	}
	h := mustCall(t, s, "GetWorkflowExecutionHistory", `{"domain":"pay","execution":{"workflowId":"w","runId":"`+
		reflect.ValueOf(out).Elem().FieldByName("WorkflowExecution").Elem().FieldByName("RunID").String()+`"}}`)
	text := string(mustJSON(t, h))
	if !strings.Contains(text, `"StartTimerFailed"`) || !strings.Contains(text, "OPERATION_NOT_PERMITTED") || !strings.Contains(text, `"MarkerRecorded"`) {
		t.Errorf("history lacks the denied timer or the marker:\n%s", text)
	}
}

func asFault(err error, f **awsjson.Fault) bool { return errors.As(err, f) }

func mustJSON(tb testing.TB, v any) []byte {
	tb.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// Decisions are checked before the engine validates them: a ContinueAsNewWorkflowExecution without its
// optional attributes is checked (and carried out), and decisions missing their required attributes are
// answered the engine's ValidationException, never a handler panic.
func TestAccess_DecisionsWithoutAttributes(t *testing.T) {
	s := newTestService(t)
	mustCall(t, s, "RegisterDomain", `{"name":"pay","workflowExecutionRetentionPeriodInDays":"1"}`)
	mustCall(t, s, "RegisterWorkflowType", `{"domain":"pay","name":"wf","version":"1","defaultTaskList":{"name":"dec"},"defaultTaskStartToCloseTimeout":"30","defaultExecutionStartToCloseTimeout":"60","defaultChildPolicy":"TERMINATE"}`)
	mustCall(t, s, "StartWorkflowExecution", `{"domain":"pay","workflowId":"w","workflowType":{"name":"wf","version":"1"}}`)
	a := &recordingAuthorizer{}
	ops := withAuthorizer(s, a)
	out, err := ops["PollForDecisionTask"].Handler(context.Background(), []byte(`{"domain":"pay","taskList":{"name":"dec"}}`))
	if err != nil {
		t.Fatal(err)
	}
	token := reflect.ValueOf(out).Elem().FieldByName("TaskToken").String()
	respond := func(decisionType string) error {
		_, err := ops["RespondDecisionTaskCompleted"].Handler(context.Background(),
			[]byte(`{"taskToken":"`+token+`","decisions":[{"decisionType":"`+decisionType+`"}]}`))
		return err
	}
	for _, dt := range []string{"ScheduleActivityTask", "StartChildWorkflowExecution"} {
		var f *awsjson.Fault
		if err := respond(dt); !asFault(err, &f) || f.Type != awsjson.TypeValidation {
			t.Errorf("%s without attributes: %v, want a ValidationException", dt, err)
		}
	}
	if err := respond("ContinueAsNewWorkflowExecution"); err != nil {
		t.Fatalf("ContinueAsNewWorkflowExecution without attributes: %v", err)
	}
	var asked []string
	for _, r := range a.got {
		asked = append(asked, r.Action)
	}
	if !slices.Contains(asked, "swf:ContinueAsNewWorkflowExecution") {
		t.Errorf("access asked %v, want swf:ContinueAsNewWorkflowExecution among them", asked)
	}
}
