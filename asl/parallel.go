package asl

import "fmt"

// startParallel starts every branch with the Parallel's effective input (after InputPath and
// Parameters); the branches run concurrently, each a line of its own.
func (r *runner) startParallel(th *Thread, s *state, effective, ctx any) {
	input := effective
	if s.parameters != nil {
		var err error
		if input, err = s.parameters.eval(&scope{input: effective, ctx: ctx, rng: r.x.rng(th, "parameters")}); err != nil {
			r.fail(th, err)
			return
		}
	}
	r.emit(th, "ParallelStateStarted", nil)
	th.Phase = phaseChildren
	th.Results = make([]string, len(s.branches))
	th.Children = nil
	th.Done = 0
	for i, b := range s.branches {
		ch := &Thread{ID: fmt.Sprintf("%s/%d.%d/%d", th.ID, th.Entered, th.RetryCount, i), Parent: th.ID, Index: i,
			Scope: b.key, Last: th.Last, Phase: phasePending}
		r.x.Threads[ch.ID] = ch
		th.Children = append(th.Children, ch.ID)
	}
	for i, id := range th.Children {
		ch := r.x.Threads[id]
		if r.x.Closed || th.Phase != phaseChildren || ch == nil || ch.Phase != phasePending {
			break
		}
		ch.Phase = ""
		r.enter(ch, s.branches[i].startAt, clone(input))
	}
}

// childDone records a finished branch or iteration.
func (r *runner) childDone(ch *Thread, out any) {
	parent := r.x.Threads[ch.Parent]
	delete(r.x.Threads, ch.ID)
	if parent == nil || parent.Phase != phaseChildren {
		return
	}
	parent.Results[ch.Index] = EncodeJSON(out)
	parent.Done++
	parent.Last = ch.Last
	s := r.m.states[parent.State]
	if s.typ == "Map" {
		parent.Running--
		r.emit(parent, "MapIterationSucceeded", &MapIterationEventDetails{Name: s.name, Index: ch.Index})
		r.mapNext(parent)
		return
	}
	if parent.Done == len(parent.Results) {
		r.emit(parent, "ParallelStateSucceeded", nil)
		r.childrenDone(parent, s)
	}
}

// childrenDone completes a Parallel or Map with the array of its results.
func (r *runner) childrenDone(th *Thread, s *state) {
	result := make([]any, len(th.Results))
	for i, raw := range th.Results {
		v, err := ParseJSON(raw)
		if err != nil {
			v = nil
		}
		result[i] = v
	}
	th.Phase, th.Children, th.Results, th.Items, th.ItemTexts = "", nil, nil, "", nil
	r.complete(th, s, th.input(), result, r.context(th, s).value(), s.next)
}

// childFailed handles a failed branch or iteration. A Parallel aborts its other branches and fails with
// the branch's own error (not States.BranchFailed: AWS passes the original Error and Cause on); a Map
// does the same unless its tolerated failures allow it to go on.
func (r *runner) childFailed(ch *Thread, f *Failure) {
	parent := r.x.Threads[ch.Parent]
	delete(r.x.Threads, ch.ID)
	if parent == nil || parent.Phase != phaseChildren {
		return
	}
	parent.Last = ch.Last
	s := r.m.states[parent.State]
	if s.typ == "Map" {
		r.iterationFailed(parent, s, ch.Index, f)
		return
	}
	r.abortChildren(parent, s)
	r.emit(parent, "ParallelStateFailed", nil)
	parent.Phase = ""
	r.fail(parent, f)
}

// abortChildren aborts every branch or iteration still running.
func (r *runner) abortChildren(th *Thread, s *state) {
	for _, id := range th.Children {
		ch := r.x.Threads[id]
		if ch == nil {
			continue
		}
		if ch.Phase == phasePending {
			delete(r.x.Threads, id)
			continue
		}
		r.abort(ch)
		if s.typ == "Map" {
			th.Last = ch.Last
			r.emit(th, "MapIterationAborted", &MapIterationEventDetails{Name: s.name, Index: ch.Index})
		}
	}
	th.Children = nil
}

// abort stops a line where it is: its open task or timer is cancelled and its state records
// <Type>StateAborted (AWS's events for the siblings of a failed branch).
func (r *runner) abort(th *Thread) {
	delete(r.x.Threads, th.ID)
	if th.State == "" {
		return
	}
	s := r.m.states[th.State]
	switch th.Phase {
	case phaseTask:
		r.act(CancelTask{TaskID: th.TaskID})
	case phaseWait, phaseRetry:
		r.act(CancelTimer{TimerID: th.TimerID})
	case phaseChildren:
		r.abortChildren(th, s)
	default:
		return
	}
	th.Phase = phaseAborted
	r.emit(th, s.typ+"StateAborted", nil)
}
