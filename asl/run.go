package asl

import (
	"errors"
	"fmt"
)

// enter records <Type>StateEntered and runs the state.
func (r *runner) enter(th *Thread, name string, input any) {
	s := r.m.states[name]
	raw := EncodeJSON(input)
	th.State, th.Input, th.EnteredAt = name, raw, r.now
	th.Attempts, th.RetryCount, th.Phase, th.TaskID, th.TimerID = nil, 0, "", "", ""
	th.Children, th.Results, th.Items, th.ItemTexts, th.Effective, th.Resource, th.Tolerance = nil, nil, "", nil, "", nil, nil
	typ := s.typ + "StateEntered"
	r.emit(th, typ, &StateEnteredEventDetails{Name: name, Input: raw})
	th.Entered = th.Last
	if r.x.Closed {
		return
	}
	if len(raw) > maxPayload {
		r.fail(th, r.dataLimit(th))
		return
	}
	r.execute(th)
}

func (r *runner) dataLimit(th *Thread) *Failure {
	return fail(ErrDataLimitExceeded, "The state/task '%s' returned a result with a size exceeding the maximum number of bytes service limit.", th.State)
}

// context builds $$ for the thread's current state.
func (r *runner) context(th *Thread, s *state) contextObject {
	c := contextObject{exec: r.x.Context, state: th.State, entered: th.EnteredAt, retryCount: th.RetryCount,
		use: s.ctxUse}
	c.hasRetry = s.typ == "Task" || s.typ == "Parallel" || s.typ == "Map"
	return c
}

// input returns the current state's raw input as a value.
func (th *Thread) input() any {
	v, err := ParseJSON(th.Input)
	if err != nil {
		return NewObject()
	}
	return v
}

// execute runs the current state from its start (again, on a retry).
func (r *runner) execute(th *Thread) {
	s := r.m.states[th.State]
	input := th.input()
	ctx := r.context(th, s).value()
	effective, err := applyInputPath(s.inputPath, input, ctx)
	if err != nil {
		r.fail(th, err)
		return
	}
	switch s.typ {
	case "Pass":
		result := effective
		if s.parameters != nil {
			if result, err = s.parameters.eval(&scope{input: effective, ctx: ctx, rng: r.x.rng(th, "parameters")}); err != nil {
				r.fail(th, err)
				return
			}
		}
		if s.hasResult {
			result = clone(s.result)
		}
		r.complete(th, s, input, result, ctx, s.next)
	case "Task":
		r.startTask(th, s, effective)
	case "Choice":
		for _, c := range s.choices {
			ok, err := c.eval(effective, ctx)
			if err != nil {
				r.fail(th, err)
				return
			}
			if ok {
				r.complete(th, s, effective, nil, ctx, c.next)
				return
			}
		}
		if s.def != "" {
			r.complete(th, s, effective, nil, ctx, s.def)
			return
		}
		r.fail(th, fail(ErrNoChoiceMatched, "No Matches!"))
	case "Wait":
		r.startWait(th, s, effective)
	case "Succeed":
		r.complete(th, s, effective, nil, ctx, "")
	case "Fail":
		r.failState(th, s, effective)
	case "Parallel":
		r.startParallel(th, s, effective, ctx)
	case "Map":
		r.startMap(th, s, effective, ctx)
	}
}

// complete finishes the current state: ResultSelector (Task, Parallel, Map), ResultPath (when the state
// has a result), OutputPath, then <Type>StateExited and the next state, or the end of the line.
func (r *runner) complete(th *Thread, s *state, input, result any, ctx any, next string) {
	out := input
	var err error
	if s.typ == "Pass" || s.typ == "Task" || s.typ == "Parallel" || s.typ == "Map" {
		if s.resultSelector != nil {
			if result, err = s.resultSelector.eval(&scope{input: result, ctx: ctx, rng: r.x.rng(th, "selector")}); err != nil {
				r.fail(th, err)
				return
			}
		}
		if out, err = applyResultPath(s.resultPath, input, result); err != nil {
			r.fail(th, err)
			return
		}
	}
	if out, err = applyInputPath(s.outputPath, out, ctx); err != nil {
		r.fail(th, err)
		return
	}
	raw := EncodeJSON(out)
	if len(raw) > maxPayload {
		r.fail(th, r.dataLimit(th))
		return
	}
	th.Phase = ""
	r.emit(th, s.typ+"StateExited", &StateExitedEventDetails{Name: s.name, Output: raw})
	if r.x.Closed {
		return
	}
	if next != "" && !s.end {
		r.enter(th, next, out)
		return
	}
	r.lineDone(th, out)
}

// runtimeCause prefixes a States.Runtime or States.IntrinsicFailure cause with the state, as AWS does:
// "An error occurred while executing the state 'S' (entered at the event id #2). …".
func (r *runner) runtimeCause(th *Thread, f *Failure) *Failure {
	if (f.Name != ErrRuntime && f.Name != ErrIntrinsicFailure) || f.Cause == nil {
		return f
	}
	c := fmt.Sprintf("An error occurred while executing the state '%s' (entered at the event id #%d). %s", th.State, th.Entered, *f.Cause)
	return &Failure{Name: f.Name, Cause: &c, Heartbeat: f.Heartbeat}
}

// fail handles an error raised by the current state: Retry, then Catch (Task, Parallel and Map only),
// else the line fails.
func (r *runner) fail(th *Thread, err error) {
	var f *Failure
	if !errors.As(err, &f) {
		f = fail(ErrRuntime, "%v", err)
	}
	f = r.runtimeCause(th, f)
	s := r.m.states[th.State]
	if r.retry(th, s, f) || r.catch(th, s, f) {
		return
	}
	r.lineFailed(th, f)
}

// lineDone and lineFailed end a line: the top one ends the execution, a branch or iteration reports to
// its Parallel or Map.
func (r *runner) lineDone(th *Thread, out any) {
	th.Phase = "done"
	if th.Parent == "" {
		r.succeedExecution(th, out)
		return
	}
	r.childDone(th, out)
}

func (r *runner) lineFailed(th *Thread, f *Failure) {
	th.Phase = "failed"
	if th.Parent == "" {
		r.failExecution(th, f)
		return
	}
	r.childFailed(th, f)
}
