package asl

import (
	"errors"
	"fmt"
	"math"
	"time"
)

// retry schedules another attempt of the state when a retrier matches and has attempts left
// (specification "Retrying after error"): the first matching retrier decides; each keeps its own count
// within the state entry; the interval is IntervalSeconds × BackoffRate^(attempt-1), capped by
// MaxDelaySeconds, then drawn uniformly from [0, interval] under JitterStrategy FULL. The jitter is drawn
// from the execution's seeded source, so a re-run decides the same interval.
func (r *runner) retry(th *Thread, s *state, f *Failure) bool {
	for i, rt := range s.retry {
		if !matchError(rt.errorEquals, f) {
			continue
		}
		if th.Attempts == nil {
			th.Attempts = make([]int, len(s.retry))
		}
		if int64(th.Attempts[i]) >= rt.maxAttempts {
			return false
		}
		delay := float64(rt.interval) * math.Pow(rt.backoff, float64(th.Attempts[i]))
		if rt.maxDelay > 0 {
			delay = math.Min(delay, float64(rt.maxDelay))
		}
		if rt.fullJitter {
			delay *= r.x.rng(th, "jitter").Float64()
		}
		th.Attempts[i]++
		th.RetryCount++
		th.Phase = phaseRetry
		th.TimerID = fmt.Sprintf("retry-%d.%d", th.Entered, th.RetryCount)
		r.act(StartTimer{TimerID: th.TimerID, At: r.now.Add(time.Duration(delay * float64(time.Second)))})
		return true
	}
	return false
}

// catch moves to the first matching catcher's Next with the error output {"Error", "Cause"} placed by
// its ResultPath into the state's raw input, after <Type>StateExited carrying that output.
func (r *runner) catch(th *Thread, s *state, f *Failure) bool {
	for _, c := range s.catch {
		if !matchError(c.errorEquals, f) {
			continue
		}
		// Absent error or cause appear as null: AWS's recording of a callback failed with neither
		// ("…no_error_field") gives {"Error": null, "Cause": null}.
		eo := NewObject()
		if f.Name != "" {
			eo.Set("Error", f.Name)
		} else {
			eo.Set("Error", nil)
		}
		if f.Cause != nil {
			eo.Set("Cause", *f.Cause)
		} else {
			eo.Set("Cause", nil)
		}
		out, err := applyResultPath(c.resultPath, th.input(), eo)
		if err != nil {
			// The catcher's ResultPath cannot be applied: the state fails with that error instead.
			var pf *Failure
			errors.As(err, &pf)
			r.lineFailed(th, pf)
			return true
		}
		raw := EncodeJSON(out)
		th.Phase = ""
		r.emit(th, s.typ+"StateExited", &StateExitedEventDetails{Name: s.name, Output: raw})
		if !r.x.Closed {
			r.enter(th, c.next, out)
		}
		return true
	}
	return false
}

// failState runs a Fail state: its error and cause from Error/Cause or ErrorPath/CausePath.
func (r *runner) failState(th *Thread, s *state, input any) {
	f := &Failure{}
	if s.errorName != nil {
		f.Name = *s.errorName
	}
	f.Cause = s.cause
	for _, p := range []struct {
		path  *Path
		field string
		dst   **string
	}{{s.errorPath, "ErrorPath", nil}, {s.causePath, "CausePath", &f.Cause}} {
		if p.path == nil {
			continue
		}
		v, err := p.path.Eval(input)
		str, isStr := v.(string)
		if err != nil || !isStr {
			r.lineFailed(th, r.runtimeCause(th, fail(ErrRuntime, "The JSONPath '%s' specified for the field '%s' could not be found in the input '%s'", p.path.src, p.field, EncodeJSON(input))))
			return
		}
		if p.dst == nil {
			f.Name = str
		} else {
			*p.dst = &str
		}
	}
	th.Phase = ""
	r.lineFailed(th, f)
}

// startWait arms the Wait state's timer.
func (r *runner) startWait(th *Thread, s *state, input any) {
	var at time.Time
	switch {
	case s.seconds != nil:
		at = r.now.Add(time.Duration(*s.seconds) * time.Second)
	case s.timestamp != nil:
		at = *s.timestamp
	case s.secondsPath != nil:
		v, err := s.secondsPath.Eval(input)
		if err != nil {
			r.fail(th, fail(ErrRuntime, "The SecondsPath parameter does not reference an input value: %s", s.secondsPath.src))
			return
		}
		n, ok := isInteger(v)
		if !ok || n < 0 {
			r.fail(th, fail(ErrRuntime, "The SecondsPath parameter references an invalid value: %s", EncodeJSON(v)))
			return
		}
		at = r.now.Add(time.Duration(n) * time.Second)
	case s.timestampPath != nil:
		v, err := s.timestampPath.Eval(input)
		if err != nil {
			r.fail(th, fail(ErrRuntime, "The TimestampPath parameter does not reference an input value: %s", s.timestampPath.src))
			return
		}
		str, isStr := v.(string)
		t, ok := parseTimestamp(str)
		if !ok {
			shown := str
			if !isStr {
				shown = EncodeJSON(v)
			}
			// AWS's text (LocalStack test_wait, recorded): "… format string: $.start_at == <value>".
			r.fail(th, fail(ErrRuntime, "The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: %s == %s", s.timestampPath.src, shown))
			return
		}
		at = t
	}
	th.Phase = phaseWait
	th.TimerID = fmt.Sprintf("wait-%d", th.Entered)
	r.act(StartTimer{TimerID: th.TimerID, At: at})
}

// waitDone leaves a Wait state when its timer fires.
func (r *runner) waitDone(th *Thread) {
	s := r.m.states[th.State]
	ctx := r.context(th, s).value()
	in, err := applyInputPath(s.inputPath, th.input(), ctx)
	if err != nil {
		r.fail(th, err)
		return
	}
	r.complete(th, s, in, nil, ctx, s.next)
}
