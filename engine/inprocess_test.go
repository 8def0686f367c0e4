package engine_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/openswf/openswf"
	"github.com/openswf/openswf/engine"
)

// retryingDecider schedules one activity with a 10 s heartbeat timeout, schedules a new attempt each
// time one times out, and completes the run when an attempt completes. It keeps the attempt number in the
// run's DeciderState, and records a "test" dialect event when the run starts and when an attempt is handed
// to a worker, as a Step Functions interpreter records its own history. It also remembers the event ids it
// was handed (for the test).
type retryingDecider struct {
	mu     sync.Mutex
	handed []int64
}

type retryState struct {
	Attempt int `json:"attempt"`
}

func (d *retryingDecider) Decide(_ context.Context, in engine.DecideInput) (engine.DecideOutput, error) {
	d.mu.Lock()
	for _, ev := range in.Events {
		d.handed = append(d.handed, ev.ID)
	}
	d.mu.Unlock()
	var st retryState
	if len(in.Execution.DeciderState) > 0 {
		if err := json.Unmarshal(in.Execution.DeciderState, &st); err != nil {
			return engine.DecideOutput{}, err
		}
	}
	dialect := func(event string) openswf.Decision {
		return openswf.Decision{Type: openswf.DecisionRecordDialectEvent,
			RecordDialectEvent: &openswf.DialectEventAttributes{Dialect: "test", Event: json.RawMessage(event)}}
	}
	var out []openswf.Decision
	for _, ev := range in.Events {
		switch ev.Type {
		case openswf.EventWorkflowExecutionStarted:
			st.Attempt = 1
			out = append(out, dialect(`{"type":"Started"}`), scheduleWith("attempt-1", "NONE", "NONE", "600", "10"))
		case openswf.EventActivityTaskStarted:
			out = append(out, dialect(fmt.Sprintf(`{"type":"ActivityStarted","attempt":%d}`, st.Attempt)))
		case openswf.EventActivityTaskTimedOut:
			st.Attempt++
			out = append(out, scheduleWith(fmt.Sprintf("attempt-%d", st.Attempt), "NONE", "NONE", "600", "10"))
		case openswf.EventActivityTaskCompleted:
			out = append(out, complete("done"))
		}
	}
	state, err := json.Marshal(st)
	return engine.DecideOutput{Decisions: out, State: state}, err
}

// A run decided in-process: its decisions come from a Decider inside the server, applied in the
// transitions that need them, with no decision task events. The decider schedules an activity, sees it
// time out on its heartbeat, schedules it again, and completes the run when the second attempt completes.
func TestEngine_InProcessDecider(t *testing.T) {
	h := newHarness(t)
	d := &retryingDecider{}
	h.withDeciders(map[string]engine.Decider{"retrying": d})

	runID, err := h.eng.StartWorkflow(h.ctx, engine.StartWorkflowInput{
		Domain: domain, WorkflowID: "in-process", WorkflowType: openswf.WorkflowType{Name: "wf", Version: "1"},
		Decider: "retrying",
	})
	h.must(err)
	h.assertHistory(runID, `
		1 WorkflowExecutionStarted
		2 DialectEventRecorded {"dialect":"test","event":{"type":"Started"}}
		3 ActivityTaskScheduled {"activityId":"attempt-1","activityType":{"name":"act","version":"1"},"decisionTaskCompletedEventId":0,"heartbeatTimeout":"10","input":"in-attempt-1","scheduleToCloseTimeout":"NONE","scheduleToStartTimeout":"NONE","startToCloseTimeout":"600","taskList":{"name":"workers"}}
	`)

	h.pollActivity()
	h.advance(10 * time.Second) // no heartbeat: the attempt times out, and the decider schedules another
	task := h.pollActivity()
	if task.ActivityID != "attempt-2" {
		t.Fatalf("second task is %s, want attempt-2", task.ActivityID)
	}
	h.must(h.eng.CompleteActivity(h.ctx, task.TaskToken, "ok"))

	got := h.historyText(runID)
	want := []string{
		"1 WorkflowExecutionStarted",
		`2 DialectEventRecorded {"dialect":"test","event":{"type":"Started"}}`,
		`3 ActivityTaskScheduled {"activityId":"attempt-1"`,
		"4 ActivityTaskStarted",
		`5 DialectEventRecorded {"dialect":"test","event":{"attempt":1,"type":"ActivityStarted"}}`,
		`6 ActivityTaskTimedOut {"scheduledEventId":3,"startedEventId":4,"timeoutType":"HEARTBEAT"}`,
		`7 ActivityTaskScheduled {"activityId":"attempt-2"`,
		"8 ActivityTaskStarted",
		`9 DialectEventRecorded {"dialect":"test","event":{"attempt":2,"type":"ActivityStarted"}}`,
		`10 ActivityTaskCompleted {"result":"ok","scheduledEventId":7,"startedEventId":8}`,
		`11 WorkflowExecutionCompleted {"decisionTaskCompletedEventId":0,"result":"done"}`,
	}
	lines := strings.Split(strings.TrimSpace(got), "\n")
	if len(lines) != len(want) {
		t.Fatalf("history has %d events, want %d:\n%s", len(lines), len(want), got)
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], w) {
			t.Errorf("event %d = %s, want %s…", i+1, lines[i], w)
		}
	}
	if strings.Contains(got, "DecisionTask") {
		t.Errorf("an in-process run recorded decision task events:\n%s", got)
	}
	if x := h.describe(runID); x.Open || x.CloseStatus != openswf.CloseCompleted {
		t.Errorf("run open %v, close status %q; want completed", x.Open, x.CloseStatus)
	}
	// The decider was handed each event once, in order, up to the last one it caused: its own dialect
	// events and scheduled activities too, with the events of the next transition.
	if fmt.Sprint(d.handed) != "[1 2 3 4 5 6 7 8 9 10]" {
		t.Errorf("decider handed events %v, want [1 2 3 4 5 6 7 8 9 10], each once", d.handed)
	}
	if got := string(h.describe(runID).DeciderState); got != `{"attempt":2}` {
		t.Errorf("decider state = %s, want {\"attempt\":2}", got)
	}
	if n, err := h.eng.CountPending(h.ctx, openswf.TaskDecision, domain, wfList); err != nil || n != 0 {
		t.Errorf("pending decision tasks = %d, %v; want none", n, err)
	}
}

// A run that names no registered decider is refused at start.
func TestEngine_InProcessDeciderUnknown(t *testing.T) {
	h := newHarness(t)
	_, err := h.eng.StartWorkflow(h.ctx, engine.StartWorkflowInput{
		Domain: domain, WorkflowID: "w", WorkflowType: openswf.WorkflowType{Name: "wf", Version: "1"}, Decider: "nobody",
	})
	wantKind(t, err, openswf.KindValidation)
}
