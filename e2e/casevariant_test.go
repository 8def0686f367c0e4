package e2e

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/swf"
	"github.com/aws/aws-sdk-go-v2/service/swf/types"
)

// rawBody marshals v for a raw request; a test that sends member names the SDK never would needs it.
func rawBody(t *testing.T, v map[string]any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Members sent under another case than the model's are ignored, as AWS ignores unknown members: they
// neither reach the stored state nor get past validation. Before, encoding/json matched them and they
// were stored unchecked (a bogus child policy, eight tags, 100,000-character heartbeat details, decisions
// without an activity type).
func TestSWF_CaseVariantMembersAreIgnored(t *testing.T) {
	e := newEnv(t, "case-variants", defaultHold)
	hc := &http.Client{}
	call := func(op string, body map[string]any) wireResponse {
		return wireCall(t, hc, e.srv.URL, swfTarget(op), rawBody(t, body))
	}
	wfType := map[string]any{"name": "wf", "version": "1"}

	r := call("StartWorkflowExecution", map[string]any{
		"domain": e.domain, "workflowId": "w2", "workflowType": wfType,
		"ChildPolicy": "BOGUS", "TagList": []string{"1", "2", "3", "4", "5", "6", "7"},
		"WorkflowId": strings.Repeat("w", 300), "Domain": strings.Repeat("d", 300),
		"ExecutionStartToCloseTimeout": "NOT-A-NUMBER",
	})
	if r.status != http.StatusOK {
		t.Fatalf("StartWorkflowExecution with case variants = %d %s, want 200", r.status, r.raw)
	}
	runID, _ := r.body["runId"].(string)
	exec := &types.WorkflowExecution{WorkflowId: aws.String("w2"), RunId: aws.String(runID)}
	d := e.describe(exec)
	equal(t, "childPolicy", d.ExecutionConfiguration.ChildPolicy, types.ChildPolicyTerminate)
	equal(t, "executionStartToCloseTimeout", aws.ToString(d.ExecutionConfiguration.ExecutionStartToCloseTimeout), "300")
	equal(t, "tags", len(d.ExecutionInfo.TagList), 0)

	// A decision list under "Decisions" is not a decision list: the task completes with no decisions.
	dt := e.pollDecision()
	r = call("RespondDecisionTaskCompleted", map[string]any{
		"taskToken": aws.ToString(dt.TaskToken),
		"Decisions": []any{map[string]any{"decisionType": "ScheduleActivityTask",
			"scheduleActivityTaskDecisionAttributes": map[string]any{"activityId": strings.Repeat("a", 300)}}},
	})
	if r.status != http.StatusOK {
		t.Fatalf("RespondDecisionTaskCompleted with Decisions = %d %s, want 200", r.status, r.raw)
	}
	wantHistory(t, e.history(exec), `
1 WorkflowExecutionStarted
2 DecisionTaskScheduled
3 DecisionTaskStarted
4 DecisionTaskCompleted
`)

	// A heartbeat's "Details" are not its details: the timeout records the last real ones.
	e.signal(exec, "go", "")
	dt = e.pollDecision()
	e.decide(dt.TaskToken, e.scheduleActivity("a1", "", func(a *types.ScheduleActivityTaskDecisionAttributes) {
		a.HeartbeatTimeout = aws.String("1")
	}))
	at := e.pollActivity(activityList)
	e.heartbeat(at.TaskToken, "real-1")
	r = call("RecordActivityTaskHeartbeat", map[string]any{
		"taskToken": aws.ToString(at.TaskToken), "Details": strings.Repeat("x", 100_000),
	})
	if r.status != http.StatusOK {
		t.Fatalf("RecordActivityTaskHeartbeat with Details = %d %s, want 200", r.status, r.raw)
	}
	timedOut := e.waitEvent(exec, types.EventTypeActivityTaskTimedOut)
	equal(t, "timed-out details", aws.ToString(timedOut.ActivityTaskTimedOutEventAttributes.Details), "real-1")
}

// What AWS's JSON protocol refuses, openswf refuses before any handler runs: invalid UTF-8 (which used to
// be replaced by U+FFFD, growing a string after validation had measured it) and a member named twice.
func TestSWF_StrictJSONRefusals(t *testing.T) {
	e := newEnv(t, "strict-json", defaultHold)
	hc := &http.Client{}
	for _, tt := range []struct{ name, body string }{
		{"invalid UTF-8", "{\"domain\":\"" + e.domain + "\",\"workflowId\":\"w\xff\",\"workflowType\":{\"name\":\"wf\",\"version\":\"1\"}}"},
		{"unpaired surrogate", `{"domain":"` + e.domain + `","workflowId":"w\ud800","workflowType":{"name":"wf","version":"1"}}`},
		{"duplicate member", `{"domain":"` + e.domain + `","workflowId":"w","workflowId":"v","workflowType":{"name":"wf","version":"1"}}`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := wireCall(t, hc, e.srv.URL, swfTarget("StartWorkflowExecution"), []byte(tt.body))
			wantFaultBody(t, tt.name, r, "SerializationException")
		})
	}
	n, err := e.c.CountOpenWorkflowExecutions(t.Context(), &swf.CountOpenWorkflowExecutionsInput{
		Domain: aws.String(e.domain), StartTimeFilter: &types.ExecutionTimeFilter{OldestDate: aws.Time(time.Unix(0, 0))},
	})
	if err != nil {
		t.Fatal(err)
	}
	equal(t, "open executions after refused starts", n.Count, int32(0))
}
