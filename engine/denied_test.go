package engine_test

import (
	"strings"
	"testing"

	"github.com/openswf/openswf"
	"github.com/openswf/openswf/engine"
)

// Decisions the decider's principal may not make record their …Failed event with OPERATION_NOT_PERMITTED;
// the rest of the batch takes effect, and a new decision task is scheduled, as SWF does.
func TestEngine_DecisionsNotPermitted(t *testing.T) {
	h := newHarness(t)
	runID := h.start("w")
	task := h.pollDecision()
	h.must(h.eng.RespondDecision(h.ctx, engine.RespondDecisionInput{
		TaskToken:    task.TaskToken,
		Decisions:    []openswf.Decision{schedule("a1"), startTimer("t1", "60"), complete("done")},
		NotPermitted: []bool{true, false, true},
	}))
	got := h.historyText(runID)
	for _, want := range []string{
		`5 ScheduleActivityTaskFailed {"activityId":"a1","activityType":{"name":"act","version":"1"},"cause":"OPERATION_NOT_PERMITTED","decisionTaskCompletedEventId":4}`,
		`6 TimerStarted {`,
		`7 CompleteWorkflowExecutionFailed {"cause":"OPERATION_NOT_PERMITTED","decisionTaskCompletedEventId":4}`,
		"8 DecisionTaskScheduled",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("history lacks %s:\n%s", want, got)
		}
	}
	if x := h.describe(runID); !x.Open {
		t.Error("a denied CompleteWorkflowExecution closed the run")
	}
}
