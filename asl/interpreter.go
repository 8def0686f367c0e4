package asl

import (
	"fmt"
	"time"
)

// maxHistoryEvents is the history quota of a Standard execution (Developer Guide, "Quotas").
const maxHistoryEvents = 25000

// maxPayload is the quota of a state's or task's input and output in bytes (UTF-8).
const maxPayload = 262144

// runner carries one Start or Apply: the machine, the execution it changes, and the step it builds.
type runner struct {
	m    *Machine
	x    *Execution
	env  Env
	now  time.Time
	step Step

	pumping   map[string]bool  // Map threads whose mapNext loop is running
	itemCache map[string][]any // Map items, parsed once per run
}

// Start begins an execution: it records ExecutionStarted and runs from StartAt until every line of
// states waits for something outside (a task, a timer) or the execution ends.
func (m *Machine) Start(ctx Context, env Env, now time.Time) (*Execution, Step, error) {
	input, err := ParseJSON(ctx.Input)
	if err != nil {
		return nil, Step{}, fmt.Errorf("execution input: %w", err)
	}
	x := &Execution{Context: ctx, NextEventID: 1, Threads: map[string]*Thread{}}
	r := &runner{m: m, x: x, env: env, now: now}
	top := &Thread{ID: "t", Scope: ""}
	x.Threads[top.ID] = top
	r.emit(top, "ExecutionStarted", &ExecutionStartedEventDetails{Input: EncodeJSON(input), RoleArn: ctx.RoleArn})
	top.Last = 0 // AWS links the first state's entry to no event
	if m.timeout > 0 {
		r.act(StartTimer{TimerID: ExecutionTimeoutTimer, At: ctx.StartTime.Add(time.Duration(m.timeout) * time.Second)})
	}
	r.enter(top, m.top.startAt, input)
	return x, r.step, nil
}

// Apply feeds one outside happening to the execution and returns what follows from it. It changes x in
// place; on an error x is unchanged.
func (m *Machine) Apply(x *Execution, env Env, in Input, now time.Time) (Step, error) {
	if x.Closed {
		return Step{}, ErrClosed
	}
	r := &runner{m: m, x: x, env: env, now: now}
	switch in := in.(type) {
	case Stop:
		r.closeAll("ExecutionAborted", "ABORTED", &ErrorEventDetails{Error: in.Error, Cause: in.Cause}, "")
		return r.step, nil
	case Fail:
		r.closeAll("ExecutionFailed", "FAILED", &ErrorEventDetails{Error: in.Error, Cause: in.Cause}, "")
		return r.step, nil
	case TimedOut:
		r.timedOut()
		return r.step, nil
	case TimerFired:
		if in.TimerID == ExecutionTimeoutTimer {
			r.timedOut()
			return r.step, nil
		}
		th := r.threadWith(func(t *Thread) bool {
			return t.TimerID == in.TimerID && (t.Phase == phaseWait || t.Phase == phaseRetry)
		})
		if th == nil {
			return Step{}, ErrUnknownTask
		}
		th.TimerID = ""
		if th.Phase == phaseWait {
			r.waitDone(th)
		} else {
			th.Phase = ""
			r.execute(th)
		}
		return r.step, nil
	}
	var id string
	switch in := in.(type) {
	case TaskStarted:
		id = in.TaskID
	case TaskSubmitted:
		id = in.TaskID
	case TaskSucceeded:
		id = in.TaskID
	case TaskFailed:
		id = in.TaskID
	case TaskTimedOut:
		id = in.TaskID
	default:
		return Step{}, fmt.Errorf("asl: unknown input %T", in)
	}
	th := r.threadWith(func(t *Thread) bool { return t.Phase == phaseTask && t.TaskID == id })
	if th == nil {
		return Step{}, ErrUnknownTask
	}
	if err := r.taskInput(th, in); err != nil {
		return Step{}, err
	}
	return r.step, nil
}

func (r *runner) threadWith(match func(*Thread) bool) *Thread {
	for _, t := range r.x.sortedThreads() {
		if match(t) {
			return t
		}
	}
	return nil
}

func (r *runner) act(a Action) {
	if !r.x.Closed {
		r.step.Actions = append(r.step.Actions, a)
	}
}

// emit appends an event in the thread's line: its previousEventId is the thread's latest event. When
// the history would reach its quota, the execution fails instead, as AWS does, with the failure as the
// 25,000th event.
func (r *runner) emit(th *Thread, typ string, details any) {
	if r.x.Closed {
		return
	}
	if r.x.NextEventID == maxHistoryEvents && typ != "ExecutionFailed" && typ != "ExecutionSucceeded" {
		r.closeAll("ExecutionFailed", "FAILED", &ErrorEventDetails{Error: strPtr(ErrRuntime),
			Cause: strPtr(fmt.Sprintf("The execution reached the maximum number of history events (%d).", maxHistoryEvents))}, "")
		return
	}
	e := Event{ID: r.x.NextEventID, PreviousEventID: th.Last, Timestamp: r.now, Type: typ, Details: details}
	r.x.NextEventID++
	th.Last = e.ID
	r.step.Events = append(r.step.Events, e)
}

// closeAll ends the execution from outside any line (stop, timeout, history quota): previousEventId 0
// except for the quota's failure, and every open task and timer cancelled.
func (r *runner) closeAll(typ, status string, details *ErrorEventDetails, output string) {
	prev := int64(0)
	if typ == "ExecutionFailed" {
		prev = r.x.NextEventID - 1
	}
	r.cancelOpen()
	e := Event{ID: r.x.NextEventID, PreviousEventID: prev, Timestamp: r.now, Type: typ, Details: details}
	r.x.NextEventID++
	r.step.Events = append(r.step.Events, e)
	r.finish(Close{Status: status, Output: output, Error: details.Error, Cause: details.Cause})
}

// cancelOpen cancels every open task and timer, in thread order.
func (r *runner) cancelOpen() {
	for _, t := range r.x.sortedThreads() {
		switch t.Phase {
		case phaseTask:
			r.act(CancelTask{TaskID: t.TaskID})
		case phaseWait, phaseRetry:
			r.act(CancelTimer{TimerID: t.TimerID})
		}
	}
	if r.m.timeout > 0 {
		r.act(CancelTimer{TimerID: ExecutionTimeoutTimer})
	}
}

func (r *runner) finish(c Close) {
	r.act(c)
	r.x.Closed = true
	r.x.Threads = map[string]*Thread{}
}

func (r *runner) timedOut() {
	r.closeAll("ExecutionTimedOut", "TIMED_OUT", &ErrorEventDetails{Error: strPtr(ErrTimeout)}, "")
}

// succeedExecution and failExecution end the execution from the top-level line.
func (r *runner) succeedExecution(th *Thread, output any) {
	out := EncodeJSON(output)
	r.emit(th, "ExecutionSucceeded", &OutputEventDetails{Output: out})
	if r.x.Closed {
		return
	}
	r.cancelOpen()
	r.finish(Close{Status: "SUCCEEDED", Output: out})
}

func (r *runner) failExecution(th *Thread, f *Failure) {
	d := &ErrorEventDetails{Error: strPtr(f.Name), Cause: f.Cause}
	if f.Name == "" {
		d.Error = nil
	}
	r.emit(th, "ExecutionFailed", d)
	if r.x.Closed {
		return
	}
	r.cancelOpen()
	r.finish(Close{Status: "FAILED", Error: d.Error, Cause: d.Cause})
}
