package asl

import (
	"fmt"
	"math"
)

// maxInlineConcurrency is how many iterations an inline Map runs at once at most, whatever its
// MaxConcurrency (Developer Guide, "Map state in inline mode": up to 40 concurrent iterations).
const maxInlineConcurrency = 40

// startMap resolves the Map's items, concurrency and tolerance, records MapStateStarted and starts the
// first iterations.
func (r *runner) startMap(th *Thread, s *state, effective, ctx any) {
	items := effective
	if s.itemsPath.Path != nil {
		v, err := applyInputPath(s.itemsPath, effective, ctx)
		if err != nil {
			r.fail(th, err)
			return
		}
		items = v
	}
	arr, ok := items.([]any)
	if !ok {
		r.fail(th, fail(ErrRuntime, "Map state input must be an array but was: %s", EncodeJSON(items)))
		return
	}
	th.MaxConc = int(s.maxConcurrency)
	tol := &tolerance{Count: s.toleratedCount, Percent: s.toleratedPercent}
	tol.HasCnt = s.toleratedCount > 0 || s.toleratedCountPath != nil
	tol.HasPct = s.toleratedPercent > 0 || s.toleratedPercentPath != nil
	for _, p := range []struct {
		path  *Path
		field string
		set   func(float64) bool
	}{
		{s.maxConcurrencyPath, "MaxConcurrencyPath", func(f float64) bool { th.MaxConc = int(f); return f == math.Trunc(f) && f >= 0 }},
		{s.toleratedCountPath, "ToleratedFailureCountPath", func(f float64) bool { tol.Count = int64(f); return f == math.Trunc(f) && f >= 0 }},
		{s.toleratedPercentPath, "ToleratedFailurePercentagePath", func(f float64) bool { tol.Percent = f; return f >= 0 && f <= 100 }},
	} {
		if p.path == nil {
			continue
		}
		v, err := p.path.Eval(th.input())
		if err != nil {
			r.fail(th, fail(ErrRuntime, "%s", err.Error()))
			return
		}
		if f, ok := number(v); !ok || !p.set(f) {
			r.fail(th, fail(ErrRuntime, "The value at '%s' for the field '%s' is not valid: %s", p.path.src, p.field, EncodeJSON(v)))
			return
		}
	}
	if th.MaxConc == 0 || th.MaxConc > maxInlineConcurrency {
		th.MaxConc = maxInlineConcurrency
	}
	if s.hasTolerance {
		th.Tolerance = tol
	}
	r.emit(th, "MapStateStarted", &MapStateStartedEventDetails{Length: len(arr)})
	th.Phase = phaseChildren
	// Each item is kept as its own text: a transition that starts the next item parses that one only,
	// not the whole array (a Map over n items would parse n² items over its life).
	th.Items, th.ItemTexts = "", make([]string, len(arr))
	for i, item := range arr {
		th.ItemTexts[i] = EncodeJSON(item)
	}
	th.Results = make([]string, len(arr))
	th.Children, th.NextItem, th.Running, th.Done, th.Failures = nil, 0, 0, 0, 0
	r.mapNext(th)
}

// mapNext starts iterations while the concurrency allows, and completes the Map when all are done. An
// iteration that finishes at once reports back inside the loop; the loop, not a nested call, starts the
// next one, so that a long array does not deepen the stack.
func (r *runner) mapNext(th *Thread) {
	if r.pumping == nil {
		r.pumping = map[string]bool{}
	}
	if r.pumping[th.ID] {
		return
	}
	r.pumping[th.ID] = true
	s := r.m.states[th.State]
	n := r.itemCount(th)
	for !r.x.Closed && th.Phase == phaseChildren && th.NextItem < n && (th.MaxConc == 0 || th.Running < th.MaxConc) {
		i := th.NextItem
		th.NextItem++
		if !r.startItem(th, s, i, r.item(th, i)) {
			break
		}
	}
	delete(r.pumping, th.ID)
	if !r.x.Closed && th.Phase == phaseChildren && th.Done == len(th.Results) {
		r.emit(th, "MapStateSucceeded", nil)
		r.childrenDone(th, s)
	}
}

// itemCount is how many items the Map thread iterates over.
func (r *runner) itemCount(th *Thread) int {
	if th.ItemTexts != nil {
		return len(th.ItemTexts)
	}
	return len(r.items(th))
}

// item is item i of the Map thread, parsed.
func (r *runner) item(th *Thread, i int) any {
	if th.ItemTexts != nil {
		v, _ := ParseJSON(th.ItemTexts[i])
		return v
	}
	return r.items(th)[i]
}

// items is the items of a Map thread of a state written before items were kept one by one.
func (r *runner) items(th *Thread) []any {
	if r.itemCache == nil {
		r.itemCache = map[string][]any{}
	}
	if a, ok := r.itemCache[th.ID]; ok {
		return a
	}
	v, _ := ParseJSON(th.Items)
	a, _ := v.([]any)
	r.itemCache[th.ID] = a
	return a
}

// startItem starts one iteration: MapIterationStarted, then the processor with the item, shaped by
// ItemSelector (which reads $$.Map.Item.Index and .Value).
func (r *runner) startItem(th *Thread, s *state, i int, item any) bool {
	input := item
	if s.itemSelector != nil {
		ctx := r.context(th, s)
		ctx.item = &mapItem{index: i, value: item}
		// The Map's own input, for ItemSelector's "$" paths: parsed only when the selector reads it (a
		// selector of $$.Map.Item alone, the usual one, does not).
		var mapInput any
		if s.itemSelector.readsInput() {
			mapInput, _ = applyInputPath(s.inputPath, th.input(), ctx.value())
		}
		var err error
		if input, err = s.itemSelector.eval(&scope{input: mapInput, ctx: ctx.value(), rng: r.x.rng(th, fmt.Sprint("item", i))}); err != nil {
			r.abortChildren(th, s)
			r.emit(th, "MapStateFailed", nil)
			th.Phase = ""
			r.fail(th, err)
			return false
		}
	}
	r.emit(th, "MapIterationStarted", &MapIterationEventDetails{Name: s.name, Index: i})
	ch := &Thread{ID: fmt.Sprintf("%s/%d.%d/%d", th.ID, th.Entered, th.RetryCount, i), Parent: th.ID, Index: i, Scope: s.name, Last: th.Last}
	r.x.Threads[ch.ID] = ch
	th.Children = append(th.Children, ch.ID)
	th.Running++
	r.enter(ch, s.processor.startAt, clone(input))
	return true
}

// iterationFailed records a failed iteration; within the tolerated failures its error output becomes
// its result, past them the Map fails (States.ExceedToleratedFailureThreshold when a tolerance is set,
// else with the iteration's own error).
func (r *runner) iterationFailed(th *Thread, s *state, index int, f *Failure) {
	th.Running--
	r.emit(th, "MapIterationFailed", &MapIterationEventDetails{Name: s.name, Index: index})
	if t := th.Tolerance; t != nil {
		th.Failures++
		exceeded := (t.HasCnt && int64(th.Failures) > t.Count) ||
			(t.HasPct && float64(th.Failures)*100 > t.Percent*float64(len(th.Results))) ||
			(!t.HasCnt && !t.HasPct)
		if !exceeded {
			eo := NewObject()
			eo.Set("Error", f.Name)
			if f.Cause != nil {
				eo.Set("Cause", *f.Cause)
			} else {
				eo.Set("Cause", nil)
			}
			th.Results[index] = EncodeJSON(eo)
			th.Done++
			r.mapNext(th)
			return
		}
		f = fail(ErrExceedToleratedFailure, "The specified tolerated failure threshold was exceeded")
	}
	r.abortChildren(th, s)
	r.emit(th, "MapStateFailed", nil)
	th.Phase = ""
	r.fail(th, f)
}
