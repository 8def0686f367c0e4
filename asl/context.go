package asl

import "time"

// Context is what the interpreter knows of the execution from outside; it feeds the context object ($$).
// Input is the execution's input as the JSON text StartExecution received.
type Context struct {
	ExecutionArn     string    `json:"executionArn"`
	Name             string    `json:"name"`
	RoleArn          string    `json:"roleArn"`
	StateMachineArn  string    `json:"stateMachineArn"`
	StateMachineName string    `json:"stateMachineName"`
	StartTime        time.Time `json:"startTime"`
	Input            string    `json:"input"`
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
	// use is what the state reads of $$: value builds no more than that.
	use ctxUse
}

type mapItem struct {
	index int
	value any
}

// timeText writes a time as Step Functions does in the context object: ISO-8601 with milliseconds.
func timeText(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

func (c contextObject) value() any {
	if c.use == ctxNone {
		return nil // the state reads no $$
	}
	// Members in the order AWS writes them ($$ as a state's output, LocalStack test_context_object).
	ex := NewObject()
	ex.Set("Id", c.exec.ExecutionArn)
	in := any(NewObject())
	if c.use == ctxWithInput {
		if v, err := ParseJSON(c.exec.Input); err == nil {
			in = v
		}
	}
	ex.Set("Input", in)
	ex.Set("StartTime", timeText(c.exec.StartTime))
	ex.Set("Name", c.exec.Name)
	ex.Set("RoleArn", c.exec.RoleArn)
	ex.Set("RedriveCount", num(0))
	sm := NewObject()
	sm.Set("Id", c.exec.StateMachineArn)
	sm.Set("Name", c.exec.StateMachineName)
	st := NewObject()
	st.Set("Name", c.state)
	st.Set("EnteredTime", timeText(c.entered))
	if c.hasRetry {
		st.Set("RetryCount", num(float64(c.retryCount)))
	}
	o := NewObject()
	o.Set("Execution", ex)
	o.Set("StateMachine", sm)
	o.Set("State", st)
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
