package asl

import (
	"strings"
	"time"
)

// state is one parsed state of any type; the fields a type does not have stay zero.
type state struct {
	name  string
	typ   string
	scope string // key of the branch holding it
	loc   string // JSON pointer of the state
	next  string
	end   bool

	inputPath, outputPath, resultPath optPath
	parameters, resultSelector        *template
	result                            any
	hasResult                         bool

	// Task
	resource                   string
	timeoutSeconds, heartbeat  int64 // 0 = not set
	timeoutPath, heartbeatPath *Path
	retry                      []retrier
	catch                      []catcher

	// Choice
	choices []choiceRule
	def     string

	// Wait
	seconds       *int64
	secondsPath   *Path
	timestamp     *time.Time
	timestampPath *Path

	// Fail
	errorName, cause     *string
	errorPath, causePath *Path

	// Parallel
	branches []*branch

	// Map
	processor            *branch
	itemsPath            optPath
	itemSelector         *template
	maxConcurrency       int64
	maxConcurrencyPath   *Path
	toleratedCount       int64
	toleratedCountPath   *Path
	toleratedPercent     float64
	toleratedPercentPath *Path
	hasTolerance         bool

	// ctxUse says what of the context object $$ the state's fields read: building $$ parses the
	// execution's input, which a state that never reads $$.Execution.Input should not pay for at every
	// transition (a Map over many items would pay it once per item).
	ctxUse ctxUse
}

// ctxUse is what a state reads of the context object.
type ctxUse uint8

const (
	ctxNone      ctxUse = iota // no $$ anywhere in the state
	ctxNoInput                 // $$, but never the execution's input
	ctxWithInput               // $$ that may reach the execution's input
)

// contextUse scans a state's definition (its nested branches included, to err on the safe side) for the
// context paths its strings hold.
func contextUse(v any) ctxUse {
	use := ctxNone
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case *Object:
			for _, k := range v.keys {
				walk(k)
				walk(v.vals[k])
			}
		case []any:
			for _, e := range v {
				walk(e)
			}
		case string:
			for rest := v; ; {
				i := strings.Index(rest, "$$")
				if i < 0 {
					break
				}
				rest = rest[i+2:]
				use = max(use, ctxNoInput)
				if !safeContextPath(rest) {
					use = ctxWithInput
				}
			}
		}
	}
	walk(v)
	return use
}

// safeContextPath reports whether what follows a "$$" surely names a part of the context object other than
// the execution's input.
func safeContextPath(rest string) bool {
	for _, p := range []string{".State", ".Task", ".Map", ".StateMachine", ".Execution.Id", ".Execution.Name",
		".Execution.StartTime", ".Execution.RoleArn", ".Execution.RedriveCount"} {
		if strings.HasPrefix(rest, p) {
			return true
		}
	}
	return false
}

// retrier is one element of Retry.
type retrier struct {
	errorEquals []string
	interval    int64
	maxAttempts int64
	backoff     float64
	maxDelay    int64 // 0 = no cap
	fullJitter  bool
}

// catcher is one element of Catch.
type catcher struct {
	errorEquals []string
	next        string
	resultPath  optPath
}

// allowedFields lists, per state type, the fields besides Type, Comment and QueryLanguage.
var allowedFields = map[string][]string{
	"Pass":     {"Next", "End", "InputPath", "OutputPath", "ResultPath", "Parameters", "Result"},
	"Task":     {"Next", "End", "InputPath", "OutputPath", "ResultPath", "Parameters", "ResultSelector", "Resource", "TimeoutSeconds", "TimeoutSecondsPath", "HeartbeatSeconds", "HeartbeatSecondsPath", "Retry", "Catch", "Credentials"},
	"Choice":   {"Choices", "Default", "InputPath", "OutputPath"},
	"Wait":     {"Next", "End", "InputPath", "OutputPath", "Seconds", "SecondsPath", "Timestamp", "TimestampPath"},
	"Succeed":  {"InputPath", "OutputPath"},
	"Fail":     {"Error", "ErrorPath", "Cause", "CausePath"},
	"Parallel": {"Next", "End", "InputPath", "OutputPath", "ResultPath", "Parameters", "ResultSelector", "Branches", "Retry", "Catch"},
	"Map":      {"Next", "End", "InputPath", "OutputPath", "ResultPath", "Parameters", "ResultSelector", "ItemsPath", "ItemSelector", "ItemProcessor", "Iterator", "MaxConcurrency", "MaxConcurrencyPath", "ToleratedFailureCount", "ToleratedFailureCountPath", "ToleratedFailurePercentage", "ToleratedFailurePercentagePath", "Retry", "Catch", "Label"},
}

func (m *Machine) readState(r *reader, name string, v any, loc, scope string) *state {
	f, ok := r.object(v, loc, name)
	if !ok {
		return nil
	}
	s := &state{name: name, scope: scope, loc: loc}
	s.ctxUse = contextUse(f.o)
	f.require("Type")
	s.typ = f.str("Type")
	allowed, known := allowedFields[s.typ]
	if !known {
		if f.has("Type") {
			r.errorf(loc+"/Type", "The value for the field 'Type' must be one of [Pass, Task, Choice, Wait, Succeed, Fail, Parallel, Map]")
		}
		return s
	}
	f.allow(append([]string{"Type", "Comment", "QueryLanguage"}, allowed...)...)
	f.str("Comment")
	if f.has("QueryLanguage") {
		checkQueryLanguage(f, loc+"/QueryLanguage")
	}
	s.inputPath = f.path("InputPath", false, true)
	s.outputPath = f.path("OutputPath", false, true)
	s.resultPath = f.path("ResultPath", true, true)
	if s.resultPath.Path != nil && s.resultPath.Path.Context() {
		r.errorf(loc+"/ResultPath", "The value for the field 'ResultPath' must be a valid ReferencePath")
	}
	s.parameters = f.template("Parameters")
	s.resultSelector = f.template("ResultSelector")
	if s.typ != "Choice" && s.typ != "Succeed" && s.typ != "Fail" {
		s.next = f.str("Next")
		s.end = f.boolean("End")
		if f.has("End") && !s.end {
			r.errorf(loc+"/End", "The value for the field 'End' must be true")
		}
		if f.has("Next") == (f.has("End") && s.end) {
			r.errorf(loc, "A state must have exactly one of the fields 'Next' or 'End'")
		}
	}
	switch s.typ {
	case "Pass":
		s.result, s.hasResult = f.o.Get("Result")
	case "Task":
		m.readTask(f, s)
	case "Choice":
		s.readChoice(f)
	case "Wait":
		s.readWait(f)
	case "Fail":
		if v, ok := f.o.Get("Error"); ok {
			e := f.str("Error")
			if _, isStr := v.(string); isStr {
				s.errorName = &e
			}
		}
		if v, ok := f.o.Get("Cause"); ok {
			c := f.str("Cause")
			if _, isStr := v.(string); isStr {
				s.cause = &c
			}
		}
		s.errorPath = f.path("ErrorPath", true, false).Path
		s.causePath = f.path("CausePath", true, false).Path
		if f.has("Error") && f.has("ErrorPath") {
			r.errorf(loc, "The fields 'Error' and 'ErrorPath' are mutually exclusive")
		}
		if f.has("Cause") && f.has("CausePath") {
			r.errorf(loc, "The fields 'Cause' and 'CausePath' are mutually exclusive")
		}
	case "Parallel":
		m.readParallel(f, s)
	case "Map":
		m.readMap(f, s)
	}
	if s.typ == "Task" || s.typ == "Parallel" || s.typ == "Map" {
		s.retry = readRetry(f)
		s.catch = readCatch(f)
	}
	return s
}
