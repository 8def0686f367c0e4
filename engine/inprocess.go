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
		err := t.recordDialectEvent(&decisions[i])
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

// errNotDialect says a decision is not a RecordDialectEvent.
var errNotDialect = errors.New("not a dialect event")

// recordDialectEvent applies a RecordDialectEvent decision, a decision only in-process deciders make (SWF's
// checkDecision refuses it); errNotDialect for any other decision.
func (t *txn) recordDialectEvent(dec *openswf.Decision) error {
	if dec.Type != openswf.DecisionRecordDialectEvent {
		return errNotDialect
	}
	a := dec.RecordDialectEvent
	if a == nil || a.Dialect == "" || !json.Valid(a.Event) {
		return errors.New("RecordDialectEvent needs a dialect and an event of valid JSON")
	}
	t.event(openswf.EventDialectRecorded, a)
	return nil
}

// undecidedEvents returns the run's events after DecidedThrough: stored ones first, then this
// transaction's.
func (t *txn) undecidedEvents(ctx context.Context) ([]openswf.HistoryEvent, error) {
	after := t.x.DecidedThrough
	var evs []openswf.HistoryEvent
	firstHere := t.x.NextEventID - int64(len(t.tr.Events))
	if !t.tr.Create && after+1 < firstHere {
		stored, err := t.e.store.History(ctx, t.x.RunID, after, maxHistoryEvents, false)
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
