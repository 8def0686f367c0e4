package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/openswf/openswf"
)

// Decider makes the decisions of runs inside the server, in place of SWF's decision tasks: a Step
// Functions state machine's interpreter is one. A run names its decider when it starts
// (StartWorkflowInput.Decider, from Options.Deciders).
//
// Whenever a transition adds events to the run — it started, an activity was handed out, closed or timed
// out, a timer fired, a signal came — the engine calls Decide within that transition, and applies the
// decisions it returns in that same transition: no decision task events, no pollers, no extra commit. (SWF's
// decision tasks are asked for on fewer events: an activity handed out needs no decision there. A decider
// that keeps a history of its own, as Step Functions does, needs to see every event.)
// Decide must be a pure function of its input: a transition decided again (after a conflict between
// nodes) calls it again, and only the decisions and state of the committed call take effect. It must not
// call the engine. An error leaves the run waiting for a decision, which the run's next transition asks
// for again.
type Decider interface {
	Decide(ctx context.Context, in DecideInput) (DecideOutput, error)
}

// DecideOutput is what a Decider decided.
type DecideOutput struct {
	// Decisions are applied in order, in the transition that asked for them.
	Decisions []openswf.Decision
	// State, when not nil, replaces the run's DeciderState.
	State json.RawMessage
}

// DecideInput is what a Decider decides on.
type DecideInput struct {
	// Execution is a copy of the run's record as it stands before the decisions, DeciderState included.
	Execution *openswf.Execution
	// Events are the run's events the decider has not been handed yet, oldest first: those of this
	// transition and, if an earlier call failed, those since. They include the events its own decisions
	// of the previous call added (ActivityTaskScheduled, or ScheduleActivityTaskFailed).
	Events []openswf.HistoryEvent
	// Now is the transition's time.
	Now time.Time
}

// maxDecideRounds bounds how many times one transition asks a run's decider again because its decisions
// need another decision (a cancelled task that never started, a decision that failed).
const maxDecideRounds = 8

// runDeciders asks the in-process deciders of the runs of this transaction that need a decision, and
// applies their decisions, until none needs one or maxDecideRounds is reached.
func (t *txn) runDeciders(ctx context.Context) {
	for round := 0; round < maxDecideRounds; round++ {
		asked := false
		for _, o := range append([]*txn{t}, t.others...) {
			x := o.x
			if x.Decider == "" || !x.Open {
				continue
			}
			if x.PendingDecision {
				// An earlier call failed: ask again now.
				x.PendingDecision = false
				o.decide = true
			}
			if o.decide {
				o.decide = false
				asked = true
				o.runDecider(ctx)
			}
		}
		if !asked {
			return
		}
	}
}

// runDecider hands the run's decider its new events and applies the decisions it returns.
func (t *txn) runDecider(ctx context.Context) {
	x := t.x
	d := t.e.opts.Deciders[x.Decider]
	if d == nil {
		t.e.log.Error("run names an unknown in-process decider", "run", x.RunID, "decider", x.Decider)
		x.PendingDecision = true
		return
	}
	evs, err := t.undecidedEvents(ctx)
	if err != nil {
		t.err = err
		return
	}
	out, err := d.Decide(ctx, DecideInput{Execution: cloneExecution(x), Events: evs, Now: t.now})
	if err != nil {
		t.e.log.Error("in-process decider failed", "run", x.RunID, "decider", x.Decider, "err", err)
		x.PendingDecision = true
		return
	}
	decisions := out.Decisions
	x.DecidedThrough = x.NextEventID - 1
	if out.State != nil {
		x.DeciderState = out.State
	}
	// The events its decisions add are its own doing: they are handed to it next time, and ask for no
	// decision of their own (needDecision says when one is needed).
	t.deciding = true
	defer func() { t.deciding = false }()
	dc := &decider{txn: t, ctx: ctx}
	for i := range decisions {
		if !x.Open || t.historyFull() {
			break
		}
		err := t.inProcessDecision(&decisions[i])
		if err == errNotDialect {
			err = checkDecision(i+1, &decisions[i])
			if err == nil {
				err = dc.apply(&decisions[i])
			}
		}
		if err != nil {
			// A decider that returns an invalid decision is broken: the run waits for a decision that the
			// next transition asks for again, and the operator reads why.
			t.e.log.Error("in-process decider returned an invalid decision", "run", x.RunID, "decider", x.Decider,
				"decision", i+1, "err", err)
			x.PendingDecision = true
			return
		}
	}
	if x.Open && dc.needDecision {
		t.decide = true
	}
}

// errNotDialect says a decision is none of those only in-process deciders make.
var errNotDialect = errors.New("not an in-process decision")

// inProcessDecision applies a decision only in-process deciders make (SWF's checkDecision refuses them):
// RecordDialectEvent and CloseExecution; errNotDialect for any other decision.
func (t *txn) inProcessDecision(dec *openswf.Decision) error {
	switch dec.Type {
	case openswf.DecisionRecordDialectEvent:
		a := dec.RecordDialectEvent
		if a == nil || a.Dialect == "" || !json.Valid(a.Event) {
			return errors.New("RecordDialectEvent needs a dialect and an event of valid JSON")
		}
		t.event(openswf.EventDialectRecorded, a)
		return nil
	case openswf.DecisionCloseExecution:
		return t.closeByDecider(dec.CloseExecution)
	}
	return errNotDialect
}

// closeByDecider closes the run as a CloseExecution decision asks, with SWF's event of that close.
func (t *txn) closeByDecider(a *openswf.CloseExecutionAttributes) error {
	if a == nil {
		return errors.New("CloseExecution needs its attributes")
	}
	d := closeDetail{Result: a.Result, Reason: a.Reason, Details: a.Details}
	switch a.Status {
	case openswf.CloseCompleted:
		t.event(openswf.EventWorkflowExecutionCompleted, openswf.WorkflowExecutionCompletedAttributes{Result: a.Result})
	case openswf.CloseFailed:
		t.event(openswf.EventWorkflowExecutionFailed, openswf.WorkflowExecutionFailedAttributes{
			Reason: a.Reason, Details: a.Details})
	case openswf.CloseCanceled:
		t.event(openswf.EventWorkflowExecutionCanceled, openswf.WorkflowExecutionCanceledAttributes{Details: a.Details})
	case openswf.CloseTerminated:
		t.event(openswf.EventWorkflowExecutionTerminated, openswf.WorkflowExecutionTerminatedAttributes{
			Reason: a.Reason, Details: a.Details, ChildPolicy: t.x.ChildPolicy})
	case openswf.CloseTimedOut:
		d.TimeoutType = "START_TO_CLOSE"
		t.event(openswf.EventWorkflowExecutionTimedOut, openswf.WorkflowExecutionTimedOutAttributes{
			TimeoutType: d.TimeoutType, ChildPolicy: t.x.ChildPolicy})
	default:
		return fmt.Errorf("CloseExecution with close status %q", a.Status)
	}
	t.closeExecution(a.Status, d)
	return nil
}

// undecidedEvents returns the run's events after DecidedThrough: stored ones first, then this
// transaction's.
func (t *txn) undecidedEvents(ctx context.Context) ([]openswf.HistoryEvent, error) {
	after := t.x.DecidedThrough
	var evs []openswf.HistoryEvent
	firstHere := t.x.NextEventID - int64(len(t.tr.Events))
	if !t.tr.Create && after+1 < firstHere {
		stored, err := t.e.store.History(ctx, t.x.RunID, after, maxDialectHistoryEvents, false)
		if err != nil {
			return nil, fmt.Errorf("read history for the in-process decider: %w", err)
		}
		for _, ev := range stored {
			if ev.ID < firstHere {
				evs = append(evs, ev)
			}
		}
	}
	for _, ev := range t.tr.Events {
		if ev.ID > after {
			evs = append(evs, ev)
		}
	}
	return evs, nil
}
