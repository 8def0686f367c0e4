package asl

import (
	"fmt"
	"strings"
)

// Limits of the Retry and Task fields (Developer Guide, "Error handling" and "Task").
const (
	maxSeconds  = 99999999
	maxMaxDelay = 31622401
)

func (m *Machine) readTask(f *fields, s *state) {
	f.require("Resource")
	s.resource = f.str("Resource")
	if f.has("Resource") && !strings.HasPrefix(s.resource, "arn:") {
		f.r.errorf(f.loc+"/Resource", "Value is not a valid resource ARN")
	}
	s.timeoutSeconds = f.integer("TimeoutSeconds", 1, maxSeconds, 0)
	s.heartbeat = f.integer("HeartbeatSeconds", 1, maxSeconds, 0)
	s.timeoutPath = f.path("TimeoutSecondsPath", true, false).Path
	s.heartbeatPath = f.path("HeartbeatSecondsPath", true, false).Path
	if f.has("TimeoutSeconds") && f.has("TimeoutSecondsPath") {
		f.r.errorf(f.loc, "The fields 'TimeoutSeconds' and 'TimeoutSecondsPath' are mutually exclusive")
	}
	if f.has("HeartbeatSeconds") && f.has("HeartbeatSecondsPath") {
		f.r.errorf(f.loc, "The fields 'HeartbeatSeconds' and 'HeartbeatSecondsPath' are mutually exclusive")
	}
	if s.heartbeat > 0 && s.timeoutSeconds > 0 && s.heartbeat >= s.timeoutSeconds {
		f.r.errorf(f.loc+"/HeartbeatSeconds", "The value of 'HeartbeatSeconds' must be less than the value of 'TimeoutSeconds'")
	}
	if v, ok := f.o.Get("Credentials"); ok {
		if _, isObj := v.(*Object); !isObj {
			f.r.errorf(f.loc+"/Credentials", "The value for the field 'Credentials' must be an OBJECT")
		}
	}
}

func (s *state) readWait(f *fields) {
	n := 0
	for _, k := range []string{"Seconds", "SecondsPath", "Timestamp", "TimestampPath"} {
		if f.has(k) {
			n++
		}
	}
	if n != 1 {
		f.r.errorf(f.loc, "A Wait state must have exactly one of the fields 'Seconds', 'SecondsPath', 'Timestamp' or 'TimestampPath'")
	}
	if f.has("Seconds") {
		sec := f.integer("Seconds", 0, maxSeconds, 0)
		s.seconds = &sec
	}
	s.secondsPath = f.path("SecondsPath", true, false).Path
	s.timestampPath = f.path("TimestampPath", true, false).Path
	if f.has("Timestamp") {
		ts := f.str("Timestamp")
		t, ok := parseTimestamp(ts)
		if !ok {
			f.r.errorf(f.loc+"/Timestamp", "The value for the field 'Timestamp' must be a valid ISO-8601 extended offset date-time")
		}
		s.timestamp = &t
	}
}

func (m *Machine) readParallel(f *fields, s *state) {
	f.require("Branches")
	v, ok := f.o.Get("Branches")
	if !ok {
		return
	}
	a, isArr := v.([]any)
	if !isArr || len(a) == 0 {
		f.r.errorf(f.loc+"/Branches", "The value for the field 'Branches' must be a non-empty ARRAY")
		return
	}
	for i, bv := range a {
		loc := fmt.Sprintf("%s/Branches[%d]", f.loc, i)
		bf, ok := f.r.object(bv, loc, "Branches")
		if !ok {
			continue
		}
		bf.allow("StartAt", "States", "Comment")
		s.branches = append(s.branches, m.readBranch(f.r, bf, fmt.Sprintf("%s#%d", s.name, i), loc))
	}
}

func (m *Machine) readMap(f *fields, s *state) {
	procName := "ItemProcessor"
	if !f.has("ItemProcessor") {
		procName = "Iterator"
	}
	if f.has("ItemProcessor") && f.has("Iterator") {
		f.r.errorf(f.loc, "The fields 'ItemProcessor' and 'Iterator' are mutually exclusive")
	}
	if !f.has(procName) {
		f.r.errorf(f.loc, "These fields are required: [ItemProcessor]")
	} else if pf, ok := f.r.object(f.o.vals[procName], f.loc+"/"+procName, procName); ok {
		pf.allow("StartAt", "States", "Comment", "ProcessorConfig")
		if cv, ok := pf.o.Get("ProcessorConfig"); ok {
			if cf, ok := f.r.object(cv, pf.loc+"/ProcessorConfig", "ProcessorConfig"); ok {
				cf.allow("Mode", "ExecutionType")
				if mode := cf.str("Mode"); cf.has("Mode") && mode != "INLINE" {
					f.r.errorf(cf.loc+"/Mode", "Map mode '%s' is not supported yet: only 'INLINE' is", mode)
				}
			}
		}
		s.processor = m.readBranch(f.r, pf, s.name, pf.loc)
	}
	if f.has("ItemSelector") && f.has("Parameters") {
		f.r.errorf(f.loc, "The fields 'ItemSelector' and 'Parameters' are mutually exclusive")
	}
	s.itemSelector = f.template("ItemSelector")
	if s.itemSelector == nil {
		// Parameters of a Map is the legacy name of ItemSelector: it shapes each item, not the Map's input.
		s.itemSelector, s.parameters = s.parameters, nil
	}
	s.itemsPath = f.path("ItemsPath", true, false)
	s.maxConcurrency = f.integer("MaxConcurrency", 0, maxSeconds, 0)
	s.maxConcurrencyPath = f.path("MaxConcurrencyPath", true, false).Path
	s.toleratedCount = f.integer("ToleratedFailureCount", 0, maxSeconds, 0)
	s.toleratedCountPath = f.path("ToleratedFailureCountPath", true, false).Path
	s.toleratedPercent = f.float("ToleratedFailurePercentage", 0, 100, 0)
	s.toleratedPercentPath = f.path("ToleratedFailurePercentagePath", true, false).Path
	s.hasTolerance = f.has("ToleratedFailureCount") || f.has("ToleratedFailureCountPath") ||
		f.has("ToleratedFailurePercentage") || f.has("ToleratedFailurePercentagePath")
	for _, pair := range [][2]string{{"MaxConcurrency", "MaxConcurrencyPath"}, {"ToleratedFailureCount", "ToleratedFailureCountPath"}, {"ToleratedFailurePercentage", "ToleratedFailurePercentagePath"}} {
		if f.has(pair[0]) && f.has(pair[1]) {
			f.r.errorf(f.loc, "The fields '%s' and '%s' are mutually exclusive", pair[0], pair[1])
		}
	}
	f.str("Label")
}

// elements reads an array member of objects (Retry, Catch).
func (f *fields) elements(name string) []*fields {
	v, ok := f.o.Get(name)
	if !ok {
		return nil
	}
	a, isArr := v.([]any)
	if !isArr {
		f.r.errorf(f.loc+"/"+name, "The value for the field '%s' must be an ARRAY", name)
		return nil
	}
	var out []*fields
	for i, e := range a {
		if ef, ok := f.r.object(e, fmt.Sprintf("%s/%s[%d]", f.loc, name, i), name); ok {
			out = append(out, ef)
		}
	}
	return out
}

func readRetry(f *fields) []retrier {
	var out []retrier
	els := f.elements("Retry")
	for i, ef := range els {
		ef.allow("ErrorEquals", "IntervalSeconds", "MaxAttempts", "BackoffRate", "MaxDelaySeconds", "JitterStrategy", "Comment")
		ef.require("ErrorEquals")
		ef.str("Comment")
		rt := retrier{
			errorEquals: ef.errorList("ErrorEquals"),
			interval:    ef.integer("IntervalSeconds", 1, maxSeconds, 1),
			maxAttempts: ef.integer("MaxAttempts", 0, maxSeconds, 3),
			backoff:     ef.float("BackoffRate", 1, maxSeconds, 2),
			maxDelay:    ef.integer("MaxDelaySeconds", 1, maxMaxDelay, 0),
		}
		switch j := ef.str("JitterStrategy"); j {
		case "", "NONE":
		case "FULL":
			rt.fullJitter = true
		default:
			f.r.errorf(ef.loc+"/JitterStrategy", "The value for the field 'JitterStrategy' must be one of [FULL, NONE]")
		}
		if i < len(els)-1 && len(rt.errorEquals) == 1 && rt.errorEquals[0] == ErrAll {
			f.r.errorf(ef.loc+"/ErrorEquals", "'%s' must appear in the last retrier only", ErrAll)
		}
		out = append(out, rt)
	}
	return out
}

func readCatch(f *fields) []catcher {
	var out []catcher
	els := f.elements("Catch")
	for i, ef := range els {
		ef.allow("ErrorEquals", "Next", "ResultPath", "Comment")
		ef.require("ErrorEquals", "Next")
		ef.str("Comment")
		c := catcher{errorEquals: ef.errorList("ErrorEquals"), next: ef.str("Next"), resultPath: ef.path("ResultPath", true, true)}
		if i < len(els)-1 && len(c.errorEquals) == 1 && c.errorEquals[0] == ErrAll {
			f.r.errorf(ef.loc+"/ErrorEquals", "'%s' must appear in the last catcher only", ErrAll)
		}
		out = append(out, c)
	}
	return out
}
