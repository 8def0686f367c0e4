package asl

import (
	"strings"
	"testing"
)

// output runs a machine that needs no outside input and returns how it closed.
func output(tb testing.TB, def, input string) Close {
	tb.Helper()
	m, err := Parse(def)
	if err != nil {
		tb.Fatalf("Parse: %v", err)
	}
	_, st, err := m.Start(testContext(input), testEnv(), t0)
	if err != nil {
		tb.Fatalf("Start: %v", err)
	}
	for _, a := range st.Actions {
		if c, ok := a.(Close); ok {
			return c
		}
	}
	tb.Fatalf("the execution did not close: %+v", st.Actions)
	return Close{}
}

func TestDataFlow_Fields(t *testing.T) {
	const in = `{"a":{"b":1,"c":[10,20,30]},"s":"x"}`
	for _, tc := range []struct{ name, state, want string }{
		{"defaults", `{"Type":"Pass","End":true}`, in},
		{"InputPath", `{"Type":"Pass","InputPath":"$.a","End":true}`, `{"b":1,"c":[10,20,30]}`},
		{"InputPath null", `{"Type":"Pass","InputPath":null,"End":true}`, `{}`},
		{"InputPath indefinite", `{"Type":"Pass","InputPath":"$.a.c[1:]","End":true}`, `[20,30]`},
		{"Parameters", `{"Type":"Pass","InputPath":"$.a","Parameters":{"first.$":"$.c[0]","k":"v","ctx.$":"$$.State.Name"},"End":true}`, `{"first":10,"k":"v","ctx":"P"}`},
		{"Result and ResultPath", `{"Type":"Pass","Result":{"r":true},"ResultPath":"$.a.res","End":true}`, `{"a":{"b":1,"c":[10,20,30],"res":{"r":true}},"s":"x"}`},
		{"ResultPath null", `{"Type":"Pass","Result":1,"ResultPath":null,"End":true}`, in},
		{"ResultPath replaces", `{"Type":"Pass","Result":1,"End":true}`, `1`},
		{"OutputPath", `{"Type":"Pass","OutputPath":"$.a.b","End":true}`, `1`},
		{"OutputPath null", `{"Type":"Pass","OutputPath":null,"End":true}`, `{}`},
		{"all together", `{"Type":"Pass","InputPath":"$.a","Parameters":{"sum.$":"States.MathAdd($.b, $.c[2])"},"ResultPath":"$.out","OutputPath":"$.out.sum","End":true}`, `31`},
		{"context in InputPath", `{"Type":"Pass","InputPath":"$$.Execution.Name","End":true}`, `"run1"`},
	} {
		c := output(t, `{"StartAt":"P","States":{"P":`+tc.state+`}}`, in)
		if c.Status != "SUCCEEDED" || c.Output != tc.want {
			t.Errorf("%s: %s %s (error %v), want output %s", tc.name, c.Status, c.Output, c.Cause, tc.want)
		}
	}
}

func TestDataFlow_Failures(t *testing.T) {
	for _, tc := range []struct{ name, state, input, err, cause string }{
		{"InputPath miss", `{"Type":"Pass","InputPath":"$.NoSuchInputPath","End":true}`, `{}`, ErrRuntime,
			"An error occurred while executing the state 'P' (entered at the event id #2). Invalid path '$.NoSuchInputPath' : No results for path: $['NoSuchInputPath']"},
		{"OutputPath miss", `{"Type":"Pass","OutputPath":"$.nope","End":true}`, `{}`, ErrRuntime, "Invalid path '$.nope'"},
		{"Parameters miss", `{"Type":"Pass","Parameters":{"value.$":"$.x"},"End":true}`, `{"a":1}`, ErrRuntime,
			`The JSONPath '$.x' specified for the field 'value.$' could not be found in the input '{"a":1}'`},
		{"ResultPath mismatch", `{"Type":"Pass","Result":1,"ResultPath":"$.s.x","End":true}`, `{"s":"str"}`, ErrResultPathMatchFailure, "Unable to apply ReferencePath $.s.x"},
		{"intrinsic", `{"Type":"Pass","Parameters":{"v.$":"States.ArrayGetItem($.a, 3)"},"End":true}`, `{"a":[1]}`, ErrIntrinsicFailure, "out of bounds"},
		{"Fail paths", `{"Type":"Fail","ErrorPath":"$.e","CausePath":"$.c"}`, `{"e":"MyErr","c":"because"}`, "MyErr", "because"},
		{"Fail path miss", `{"Type":"Fail","ErrorPath":"$.ErrorX"}`, `{}`, ErrRuntime, "The JSONPath '$.ErrorX' specified for the field 'ErrorPath' could not be found in the input '{}'"},
		{"Map not array", `{"Type":"Map","ItemsPath":"$.a","ItemProcessor":{"StartAt":"I","States":{"I":{"Type":"Pass","End":true}}},"End":true}`, `{"a":1}`, ErrRuntime, "Map state input must be an array but was: 1"},
		{"Wait SecondsPath", `{"Type":"Wait","SecondsPath":"$.input.waitSeconds","End":true}`, `{}`, ErrRuntime, "The SecondsPath parameter does not reference an input value: $.input.waitSeconds"},
		{"Wait TimestampPath", `{"Type":"Wait","TimestampPath":"$.t","End":true}`, `{"t":"2016-12-05T21:29:29.000"}`, ErrRuntime,
			"(entered at the event id #2). The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: $.t == 2016-12-05T21:29:29.000"},
		{"data limit", `{"Type":"Pass","End":true}`, `{"big":"` + strings.Repeat("x", maxPayload) + `"}`, ErrDataLimitExceeded, "exceeding the maximum number of bytes"},
	} {
		c := output(t, `{"StartAt":"P","States":{"P":`+tc.state+`}}`, tc.input)
		if c.Status != "FAILED" || c.Error == nil || *c.Error != tc.err || c.Cause == nil || !strings.Contains(*c.Cause, tc.cause) {
			t.Errorf("%s: %s error=%v cause=%v; want FAILED %s containing %q", tc.name, c.Status, deref(c.Error), deref(c.Cause), tc.err, tc.cause)
		}
	}
}

func TestDataFlow_CatchIntrinsicFailure(t *testing.T) {
	c := output(t, `{"StartAt":"P","States":{"P":{"Type":"Parallel","Branches":[{"StartAt":"B","States":{"B":{"Type":"Pass","Parameters":{"v.$":"States.StringToJson('{')"},"End":true}}}],
		"Catch":[{"ErrorEquals":["States.IntrinsicFailure"],"ResultPath":"$.err","Next":"Done"}],"End":true},"Done":{"Type":"Pass","OutputPath":"$.err.Error","End":true}}}`, `{}`)
	if c.Status != "SUCCEEDED" || c.Output != `"States.IntrinsicFailure"` {
		t.Errorf("got %s %s, want the intrinsic failure caught", c.Status, c.Output)
	}
	c = output(t, `{"StartAt":"P","States":{"P":{"Type":"Parallel","Branches":[{"StartAt":"B","States":{"B":{"Type":"Pass","InputPath":"$.x","End":true}}}],
		"Catch":[{"ErrorEquals":["States.ALL"],"Next":"Done"}],"End":true},"Done":{"Type":"Succeed"}}}`, `{}`)
	if c.Status != "FAILED" || *c.Error != ErrRuntime {
		t.Errorf("got %s %v, want States.Runtime to pass States.ALL", c.Status, deref(c.Error))
	}
}

func TestHistory_Quota(t *testing.T) {
	def := `{"StartAt":"Loop","States":{"Loop":{"Type":"Pass","Next":"Check"},
		"Check":{"Type":"Choice","Choices":[{"Variable":"$.stop","IsPresent":true,"Next":"End"}],"Default":"Loop"},"End":{"Type":"Succeed"}}}`
	m, err := Parse(strings.ReplaceAll(def, "\n", ""))
	if err != nil {
		t.Fatal(err)
	}
	x, st, _ := m.Start(testContext(`{}`), testEnv(), t0)
	last := st.Events[len(st.Events)-1]
	if last.ID != maxHistoryEvents || last.Type != "ExecutionFailed" || !x.Closed {
		t.Fatalf("last event %d %s, closed %v; want %d ExecutionFailed", last.ID, last.Type, x.Closed, maxHistoryEvents)
	}
	d := last.Details.(*ErrorEventDetails)
	if *d.Error != ErrRuntime || *d.Cause != "The execution reached the maximum number of history events (25000)." {
		t.Errorf("details = %s / %s", *d.Error, *d.Cause)
	}
}

// TestTask_OversizedResultIsCaught follows AWS's recording: an oversized task result is the task's
// failure (TaskFailed, States.DataLimitExceeded), and States.ALL catches it.
func TestTask_OversizedResultIsCaught(t *testing.T) {
	m, err := Parse(`{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::states:startExecution.sync",
		"Catch":[{"ErrorEquals":["States.ALL"],"Next":"H"}],"End":true},"H":{"Type":"Pass","End":true}}}`)
	if err != nil {
		t.Fatal(err)
	}
	x, _, _ := m.Start(testContext(`{}`), testEnv(), t0)
	st, err := m.Apply(x, testEnv(), TaskSucceeded{TaskID: "2.0", Output: `"` + strings.Repeat("x", maxPayload) + `"`}, t0)
	if err != nil {
		t.Fatal(err)
	}
	var types []string
	for _, e := range st.Events {
		types = append(types, e.Type)
	}
	if got, want := strings.Join(types, " "), "TaskFailed TaskStateExited PassStateEntered PassStateExited ExecutionSucceeded"; got != want {
		t.Fatalf("events = %s, want %s", got, want)
	}
	d := st.Events[0].Details.(*TaskErrorEventDetails)
	if *d.Error != ErrDataLimitExceeded || *d.Cause != "The state/task 'states' returned a result with a size exceeding the maximum number of bytes service limit." {
		t.Errorf("TaskFailed = %s / %s", *d.Error, *d.Cause)
	}
}

func TestContextObject_AsOutput(t *testing.T) {
	c := output(t, `{"StartAt":"TestState","States":{"TestState":{"Type":"Pass","InputPath":"$$","End":true}}}`, `{"input-value":0}`)
	want := `{"Execution":{"Id":"arn:aws:states:us-east-1:123456789012:execution:sm:run1","Input":{"input-value":0},` +
		`"StartTime":"2024-01-01T00:00:00.000Z","Name":"run1","RoleArn":"arn:aws:iam::123456789012:role/r","RedriveCount":0},` +
		`"StateMachine":{"Id":"arn:aws:states:us-east-1:123456789012:stateMachine:sm","Name":"sm"},` +
		`"State":{"Name":"TestState","EnteredTime":"2024-01-01T00:00:00.000Z"}}`
	if c.Output != want {
		t.Errorf("$$ =\n%s\nwant\n%s", c.Output, want)
	}
}
