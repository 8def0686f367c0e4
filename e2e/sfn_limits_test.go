package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"
)

// An execution that loops without end stops at Step Functions' 25,000-event history limit as AWS stops it:
// ExecutionFailed, event 25000, States.Runtime. The engine's own bound on the run (which keeps more events
// than the execution shows) does not cut it short.
func TestSFN_HistoryLimit(t *testing.T) {
	t.Parallel()
	e := newSFNEnv(t, time.Second)
	ctx := t.Context()
	sm := e.machine("forever", `{"StartAt": "Spin", "States": {
	  "Spin": {"Type": "Pass", "Next": "Again"},
	  "Again": {"Type": "Choice", "Choices": [{"Variable": "$.stop", "BooleanEquals": true, "Next": "Done"}], "Default": "Spin"},
	  "Done": {"Type": "Succeed"}}}`)
	arn := e.start(sm, "spin", `{"stop": false}`)
	d := e.describe(arn)
	if d.Status != sfntypes.ExecutionStatusFailed || aws.ToString(d.Error) != "States.Runtime" ||
		!strings.Contains(aws.ToString(d.Cause), "25000") {
		t.Fatalf("execution = %s %s %s; want FAILED States.Runtime at the 25,000-event limit", d.Status, aws.ToString(d.Error), aws.ToString(d.Cause))
	}
	h, err := e.c.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{ExecutionArn: aws.String(arn), ReverseOrder: true, MaxResults: 1})
	if err != nil || len(h.Events) != 1 {
		t.Fatalf("GetExecutionHistory = %+v, %v", h, err)
	}
	if last := h.Events[0]; last.Id != 25000 || last.Type != sfntypes.HistoryEventTypeExecutionFailed {
		t.Errorf("last event = %d %s, want 25000 ExecutionFailed", last.Id, last.Type)
	}
}
