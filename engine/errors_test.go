package engine_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/openswf/openswf"
	"github.com/openswf/openswf/engine"
)

// The engine reports a member that breaks a rule as facts — the member's path, the rule, the value — and
// words no API's message: each API words its own (SWF's Coral sentence, Step Functions' own).
func TestEngine_ValidationErrorsAreClassified(t *testing.T) {
	h := newHarness(t)
	h.start("w")
	task := h.pollDecision()
	for _, tc := range []struct {
		name string
		err  error
		want openswf.Error // Kind, Member, Constraint and Value
	}{
		{"decision attributes", h.eng.RespondDecision(h.ctx, engine.RespondDecisionInput{TaskToken: task.TaskToken,
			Decisions: []openswf.Decision{complete("r"), {Type: openswf.DecisionStartTimer, StartTimer: &openswf.StartTimerAttributes{TimerID: "t", StartToFireTimeout: "NONE"}}}}),
			openswf.Error{Member: "decisions[1].startTimerDecisionAttributes.startToFireTimeout", Constraint: "Member must be a number of seconds", Value: ptr("NONE")}},
		{"absent attributes", h.eng.RespondDecision(h.ctx, engine.RespondDecisionInput{TaskToken: task.TaskToken,
			Decisions: []openswf.Decision{{Type: openswf.DecisionCancelTimer}}}),
			openswf.Error{Member: "decisions[0].cancelTimerDecisionAttributes", Constraint: "Member must not be null for decision type CancelTimer"}},
		{"retention", h.eng.RegisterDomain(h.ctx, engine.RegisterDomainInput{Name: "d2", RetentionDays: "91"}),
			openswf.Error{Member: "workflowExecutionRetentionPeriodInDays", Constraint: "Member must be NONE or a number of days from 0 to 90", Value: ptr("91")}},
		{"tag", h.eng.TagDomain(h.ctx, domain, []openswf.ResourceTag{{Key: "k"}, {Key: "k2", Value: "v!"}}),
			openswf.Error{Member: "tags[1].value", Constraint: "Member must contain only unicode letters, digits, whitespace, or these symbols: _ . : / = + - @", Value: ptr("v!")}},
	} {
		var e *openswf.Error
		if !errors.As(tc.err, &e) || e.Kind != openswf.KindValidation {
			t.Errorf("%s: got %v, want a KindValidation *openswf.Error", tc.name, tc.err)
			continue
		}
		if e.Member != tc.want.Member || e.Constraint != tc.want.Constraint || (e.Value == nil) != (tc.want.Value == nil) ||
			(e.Value != nil && *e.Value != *tc.want.Value) {
			t.Errorf("%s: got member %q constraint %q value %v, want %q %q %v", tc.name, e.Member, e.Constraint, e.Value,
				tc.want.Member, tc.want.Constraint, tc.want.Value)
		}
		if strings.Contains(e.Message, "validation error detected") || strings.Contains(e.Message, "failed to satisfy") {
			t.Errorf("%s: the engine worded SWF's message: %q", tc.name, e.Message)
		}
	}
	// Nothing was carried out: the task still takes an answer.
	h.respond(task, complete("done"))
}
