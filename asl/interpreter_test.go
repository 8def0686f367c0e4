package asl

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden histories in testdata/")

var t0 = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

const activityArn = "arn:aws:states:us-east-1:123456789012:activity:work"

func testContext(input string) Context {
	return Context{
		ExecutionArn:     "arn:aws:states:us-east-1:123456789012:execution:sm:run1",
		Name:             "run1",
		RoleArn:          "arn:aws:iam::123456789012:role/r",
		StateMachineArn:  "arn:aws:states:us-east-1:123456789012:stateMachine:sm",
		StateMachineName: "sm",
		StartTime:        t0,
		Input:            input,
	}
}

func testEnv() Env {
	return Env{
		TaskToken:      func(id string) string { return "token-" + id },
		ActivityExists: func(arn string) bool { return !strings.HasSuffix(arn, ":gone") },
	}
}

// history runs a definition through Start and the inputs, and writes the events and actions as text.
func history(tb testing.TB, def, input string, inputs ...Input) (string, *Execution) {
	tb.Helper()
	m, err := Parse(def)
	if err != nil {
		tb.Fatalf("Parse: %v", err)
	}
	x, step, err := m.Start(testContext(input), testEnv(), t0)
	if err != nil {
		tb.Fatalf("Start: %v", err)
	}
	var b strings.Builder
	write := func(step Step) {
		for _, e := range step.Events {
			d := ""
			if e.Details != nil {
				j, _ := json.Marshal(e.Details)
				d = " " + string(j)
			}
			fmt.Fprintf(&b, "%d %d %s%s\n", e.ID, e.PreviousEventID, e.Type, d)
		}
		for _, a := range step.Actions {
			j, _ := json.Marshal(a)
			fmt.Fprintf(&b, "  > %s %s\n", reflect.TypeOf(a).Name(), j)
		}
	}
	write(step)
	for i, in := range inputs {
		// Round-trip the execution through JSON as the engine stores it between steps.
		raw, err := json.Marshal(x)
		if err != nil {
			tb.Fatalf("marshal Execution: %v", err)
		}
		x = new(Execution)
		if err := json.Unmarshal(raw, x); err != nil {
			tb.Fatalf("unmarshal Execution: %v", err)
		}
		j, _ := json.Marshal(in)
		fmt.Fprintf(&b, "< %s %s\n", reflect.TypeOf(in).Name(), j)
		step, err := m.Apply(x, testEnv(), in, t0.Add(time.Duration(i+1)*time.Second))
		if err != nil {
			fmt.Fprintf(&b, "  ! %v\n", err)
			continue
		}
		write(step)
	}
	return b.String(), x
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".txt")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("history of %s differs from %s:\n got:\n%s\nwant:\n%s", name, path, got, want)
	}
}

func s(v string) *string { return &v }
