package asl

import (
	"errors"
	"time"
)

// optPath is a path field that may be absent (the default, $), null (a distinct meaning per field), or a
// path.
type optPath struct {
	Null bool
	Path *Path
}

// applyInputPath selects the state's input: null gives {}, absent gives the input itself. A definite path
// that names nothing fails with States.Runtime (AWS: "Invalid path '$.x' : No results for path: $['x']").
func applyInputPath(p optPath, input, ctx any) (any, error) {
	switch {
	case p.Null:
		return NewObject(), nil
	case p.Path == nil:
		return input, nil
	}
	doc := input
	if p.Path.Context() {
		doc = ctx
	}
	v, err := p.Path.Eval(doc)
	var nr *NoResultsError
	if errors.As(err, &nr) {
		return nil, fail(ErrRuntime, "%s", nr.Error())
	}
	return v, err
}

// applyResultPath merges the result into the raw state input: absent or $ replaces it, null discards
// the result, a reference path writes the result there in a copy of the input.
func applyResultPath(p optPath, input, result any) (any, error) {
	switch {
	case p.Null:
		return input, nil
	case p.Path == nil:
		return result, nil
	}
	out, err := p.Path.Set(input, result)
	if err != nil {
		return nil, fail(ErrResultPathMatchFailure, "Unable to apply ReferencePath %s to input '%s'", p.Path.src, EncodeJSON(input))
	}
	return out, nil
}

// contextObject builds $$ for one evaluation (Developer Guide, "Context object").
type contextObject struct {
	exec       Context
	state      string
	entered    time.Time
	retryCount int
	hasRetry   bool   // Task, Parallel and Map show State.RetryCount
	token      string // only while a Task evaluates its Parameters
	item       *mapItem
}

type mapItem struct {
	index int
	value any
}

// timeText writes a time as Step Functions does in the context object: ISO-8601 with milliseconds.
func timeText(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

func (c contextObject) value() any {
	ex := NewObject()
	ex.Set("Id", c.exec.ExecutionArn)
	in, err := ParseJSON(c.exec.Input)
	if err != nil {
		in = NewObject()
	}
	ex.Set("Input", in)
	ex.Set("Name", c.exec.Name)
	ex.Set("RoleArn", c.exec.RoleArn)
	ex.Set("StartTime", timeText(c.exec.StartTime))
	ex.Set("RedriveCount", num(0))
	st := NewObject()
	st.Set("EnteredTime", timeText(c.entered))
	st.Set("Name", c.state)
	if c.hasRetry {
		st.Set("RetryCount", num(float64(c.retryCount)))
	}
	sm := NewObject()
	sm.Set("Id", c.exec.StateMachineArn)
	sm.Set("Name", c.exec.StateMachineName)
	o := NewObject()
	o.Set("Execution", ex)
	o.Set("State", st)
	o.Set("StateMachine", sm)
	if c.token != "" {
		t := NewObject()
		t.Set("Token", c.token)
		o.Set("Task", t)
	}
	if c.item != nil {
		it := NewObject()
		it.Set("Index", num(float64(c.item.index)))
		it.Set("Value", c.item.value)
		m := NewObject()
		m.Set("Item", it)
		o.Set("Map", m)
	}
	return o
}
