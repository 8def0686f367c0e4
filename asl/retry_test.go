package asl

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestMatchError_Matrix(t *testing.T) {
	timeout := &Failure{Name: ErrTimeout}
	heartbeat := &Failure{Name: ErrTimeout, Heartbeat: true}
	custom := &Failure{Name: "MyError"}
	noName := &Failure{}
	for _, tc := range []struct {
		equals string
		f      *Failure
		want   bool
	}{
		{ErrAll, custom, true}, {ErrAll, timeout, true}, {ErrAll, heartbeat, true}, {ErrAll, noName, true},
		{ErrAll, &Failure{Name: ErrRuntime}, false}, {ErrAll, &Failure{Name: ErrDataLimitExceeded}, true},
		{ErrAll, &Failure{Name: ErrResultPathMatchFailure}, true}, {ErrAll, &Failure{Name: ErrIntrinsicFailure}, true},
		{ErrTaskFailed, custom, true}, {ErrTaskFailed, timeout, false}, {ErrTaskFailed, heartbeat, false},
		{ErrTaskFailed, &Failure{Name: ErrRuntime}, false},
		{ErrTimeout, timeout, true}, {ErrTimeout, heartbeat, true}, {ErrTimeout, custom, false},
		{ErrHeartbeatTimeout, heartbeat, true}, {ErrHeartbeatTimeout, timeout, false}, {ErrHeartbeatTimeout, custom, false},
		{"MyError", custom, true}, {"myerror", custom, false}, {ErrRuntime, &Failure{Name: ErrRuntime}, false},
	} {
		if got := matchError([]string{tc.equals}, tc.f); got != tc.want {
			t.Errorf("matchError([%s], %s heartbeat=%v) = %v, want %v", tc.equals, tc.f.Name, tc.f.Heartbeat, got, tc.want)
		}
	}
}

// TestRetry_Intervals checks backoff, MaxDelaySeconds and that each retrier keeps its own count.
func TestRetry_Intervals(t *testing.T) {
	def := `{"StartAt":"T","States":{"T":` + task(`,"Retry":[
		{"ErrorEquals":["A"],"IntervalSeconds":3,"BackoffRate":2,"MaxAttempts":3,"MaxDelaySeconds":10},
		{"ErrorEquals":["B"],"IntervalSeconds":1,"MaxAttempts":1}],"End":true`) + `}}`
	m, err := Parse(strings.ReplaceAll(def, "\n", ""))
	if err != nil {
		t.Fatal(err)
	}
	x, _, _ := m.Start(testContext(`{}`), testEnv(), t0)
	var delays []time.Duration
	now := t0
	for i, e := range []string{"A", "B", "A", "A", "A"} {
		st, err := m.Apply(x, testEnv(), TaskFailed{TaskID: taskID(x.Threads["t"]), Error: s(e)}, now)
		if err != nil {
			t.Fatalf("failure %d: %v", i, err)
		}
		timer, ok := st.Actions[0].(StartTimer)
		if !ok {
			if i != 4 {
				t.Fatalf("failure %d: actions %v, want a retry timer", i, st.Actions)
			}
			if c := st.Actions[0].(Close); c.Status != "FAILED" || *c.Error != "A" {
				t.Errorf("after the attempts: %+v", c)
			}
			break
		}
		delays = append(delays, timer.At.Sub(now))
		now = timer.At
		if _, err := m.Apply(x, testEnv(), TimerFired{TimerID: timer.TimerID}, now); err != nil {
			t.Fatal(err)
		}
	}
	want := []time.Duration{3 * time.Second, 1 * time.Second, 6 * time.Second, 10 * time.Second}
	if !reflect.DeepEqual(delays, want) {
		t.Errorf("delays = %v, want %v", delays, want)
	}
}

// TestApply_Deterministic re-runs the same Apply on copies of one Execution: the steps must be equal,
// jitter and random intrinsics included.
func TestApply_Deterministic(t *testing.T) {
	def := `{"StartAt":"T","States":{"T":` + task(`,"Parameters":{"id.$":"States.UUID()","n.$":"States.MathRandom(0, 1000000)"},
		"Retry":[{"ErrorEquals":["States.ALL"],"IntervalSeconds":100,"JitterStrategy":"FULL"}],"End":true`) + `}}`
	m, err := Parse(strings.ReplaceAll(def, "\n", ""))
	if err != nil {
		t.Fatal(err)
	}
	x, first, _ := m.Start(testContext(`{}`), testEnv(), t0)
	saved, _ := json.Marshal(x)
	run := func() (string, string) {
		var c Execution
		if err := json.Unmarshal(saved, &c); err != nil {
			t.Fatal(err)
		}
		st, err := m.Apply(&c, testEnv(), TaskFailed{TaskID: "2.0", Error: s("E")}, t0.Add(time.Second))
		if err != nil {
			t.Fatal(err)
		}
		st2, err := m.Apply(&c, testEnv(), TimerFired{TimerID: "retry-2.1"}, t0.Add(time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		a, _ := json.Marshal(st.Actions)
		b, _ := json.Marshal(st2.Actions)
		return string(a), string(b)
	}
	a1, b1 := run()
	a2, b2 := run()
	if a1 != a2 || b1 != b2 {
		t.Errorf("re-runs differ:\n%s\n%s\n%s\n%s", a1, a2, b1, b2)
	}
	if strings.Contains(a1, `"At":"2024-01-01T00:01:41Z"`) {
		t.Errorf("FULL jitter left the interval at its maximum: %s", a1)
	}
	if b1 == string(must(json.Marshal(first.Actions))) {
		t.Errorf("the retry drew the same random values as the first attempt")
	}
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}
