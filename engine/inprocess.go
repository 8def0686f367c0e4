package engine

import (
	"context"
	"fmt"
	"time"

	"github.com/openswf/openswf"
)

// Decider makes the decisions of runs inside the server, in place of SWF's decision tasks: a Step
// Functions state machine's interpreter is one. A run names its decider when it starts
// (StartWorkflowInput.Decider, from Options.Deciders).
//
// Whenever the run needs a decision — it started, an activity closed or timed out, a timer fired, a signal
// came — the engine calls Decide within the transition that recorded those events, and applies the
// decisions it returns in that same transition: no decision task events, no pollers, no extra commit.
// Decide must be a pure function of its input: a transition decided again (after a conflict between
// nodes) calls it again, and only the decisions of the committed call take effect. It must not call the
// engine. An error leaves the run waiting for a decision, which the run's next transition asks for again.
type Decider interface {
	Decide(ctx context.Context, in DecideInput) ([]openswf.Decision, error)
}

// DecideInput is what a Decider decides on.
type DecideInput struct {
	// Execution is a copy of the run's record as it stands before the decisions.
	Execution *openswf.Execution
	// Events are the run's events the decider has not been handed yet, oldest first: those of this
	// transition and, if an earlier call failed, those since.
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
	decisions, err := d.Decide(ctx, DecideInput{Execution: cloneExecution(x), Events: evs, Now: t.now})
	if err != nil {
		t.e.log.Error("in-process decider failed", "run", x.RunID, "decider", x.Decider, "err", err)
		x.PendingDecision = true
		return
	}
	x.DecidedThrough = x.NextEventID - 1
	dc := &decider{txn: t, ctx: ctx}
	for i := range decisions {
		if !x.Open || t.historyFull() {
			break
		}
		err := checkDecision(i+1, &decisions[i])
		if err == nil {
			err = dc.apply(&decisions[i])
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
