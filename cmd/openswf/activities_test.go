package main

import (
	"bytes"
	"strings"
	"testing"
)

// cannedOpenTasks is an answer of OpenSWF.ListOpenActivityTasks as docs/API.md describes it: an SWF task
// started by worker-7 whose last heartbeat was 3.2 s before currentTimestamp, with long details and a
// cancel request; a Step Functions task started with no heartbeat yet, on its second attempt, its
// heartbeat deadline 0.25 s overdue; an SWF task waiting for a worker.
const cannedOpenTasks = `{
  "currentTimestamp": 1796256000.5,
  "activityTasks": [
    {"domain": "orders", "taskList": {"name": "activities"}, "execution": {"workflowId": "w-open", "runId": "r1"},
     "activityId": "charge-1", "activityType": {"name": "act", "version": "1"},
     "scheduledEventId": 5, "startedEventId": 6, "state": "STARTED", "identity": "worker-7",
     "scheduledTimestamp": 1796255900, "startedTimestamp": 1796255940.5, "lastHeartbeatTimestamp": 1796255997.3,
     "heartbeatDetails": "50% of the batch, row 12345 of 24690\nnext", "heartbeatCount": 12, "cancelRequested": true, "attempt": 1, "priority": 0,
     "deadlines": [
       {"timeoutType": "HEARTBEAT", "timeoutSeconds": 30, "deadlineTimestamp": 1796256027.3, "remainingMilliseconds": 26800},
       {"timeoutType": "START_TO_CLOSE", "timeoutSeconds": 600, "deadlineTimestamp": 1796256540.5, "remainingMilliseconds": 540000}]},
    {"domain": "openswf:states", "taskList": {"name": "x"}, "execution": {"workflowId": "e", "runId": "r2"},
     "executionArn": "arn:aws:states:us-east-1:000000000000:execution:work-machine:w1",
     "activityArn": "arn:aws:states:us-east-1:000000000000:activity:resize", "stateName": "Resize",
     "scheduledEventId": 3, "startedEventId": 4, "state": "STARTED", "identity": "sfn-worker",
     "scheduledTimestamp": 1796255990, "startedTimestamp": 1796255990.5, "heartbeatCount": 0, "cancelRequested": false, "attempt": 2,
     "deadlines": [{"timeoutType": "HEARTBEAT", "timeoutSeconds": 10, "deadlineTimestamp": 1796256000.25, "remainingMilliseconds": -250}]},
    {"domain": "orders", "taskList": {"name": "activities"}, "execution": {"workflowId": "w-other", "runId": "r3"},
     "activityId": "ship-1", "activityType": {"name": "ship", "version": "2"}, "scheduledEventId": 5, "state": "SCHEDULED",
     "scheduledTimestamp": 1796255999, "heartbeatCount": 0, "cancelRequested": false, "attempt": 1, "deadlines": []}
  ]
}`

// TestWriteActivityTable checks each cell of the open-tasks table from a canned answer: ages and times
// left measured from the answer's currentTimestamp, details cut and quoted on one line, Step Functions'
// tasks named by their state, activity and execution.
func TestWriteActivityTable(t *testing.T) {
	var buf bytes.Buffer
	if err := writeActivityTable(&buf, []byte(cannedOpenTasks)); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if len(lines) != 4 {
		t.Fatalf("got %d lines, want a header and 3 rows:\n%s", len(lines), out)
	}
	for _, h := range []string{"ACTIVITY", "TYPE", "EXECUTION", "STATE", "WORKER", "STARTED", "HEARTBEAT", "DETAILS", "CANCEL", "DEADLINE", "ATTEMPT"} {
		if !strings.Contains(lines[0], h) {
			t.Errorf("header %q has no %s", lines[0], h)
		}
	}
	for _, tc := range []struct {
		row  string
		want []string
	}{
		{lines[1], []string{"charge-1", "act/1", "w-open", "STARTED", "worker-7", "1m00s ago", "3.2s ago", `"50% of the batch, row 1…"`, "yes", "HEARTBEAT in 26.8s", " 1"}},
		{lines[2], []string{"Resize", "resize", "w1", "STARTED", "sfn-worker", "10.0s ago", "never", "HEARTBEAT overdue 250ms", " 2"}},
		{lines[3], []string{"ship-1", "ship/2", "w-other", "SCHEDULED"}},
	} {
		for _, w := range tc.want {
			if !strings.Contains(tc.row, w) {
				t.Errorf("row %q: no %q", tc.row, w)
			}
		}
	}
	if f := strings.Fields(lines[3]); len(f) != 11 || f[4] != "-" || f[5] != "-" || f[6] != "-" || f[7] != "-" || f[8] != "-" || f[9] != "-" {
		t.Errorf("scheduled row %q: want 11 columns with no worker, start, heartbeat, details, cancel or deadline", lines[3])
	}
	if strings.Contains(out, "next") {
		t.Errorf("details past the cut (or past their newline) were printed:\n%s", out)
	}
}

// TestInspect_Activities runs `openswf activities` against the in-process server. The server side of
// OpenSWF.ListOpenActivityTasks is built apart: while this branch's server answers
// UnknownOperationException the test skips, and it runs once both are merged.
func TestInspect_Activities(t *testing.T) {
	f := newSWFFixture(t)
	r := runCLI(t, nil, "activities", "--domain", "orders", "--endpoint", f.url)
	if r.code != 0 && strings.Contains(r.err, "UnknownOperationException") {
		t.Skip("this server does not answer OpenSWF.ListOpenActivityTasks yet (UnknownOperationException)")
	}
	if r.code != 0 {
		t.Fatalf("activities --domain orders: exit %d: %s", r.code, r.err)
	}
	row := rowOf(r.out, "a1")
	for _, w := range []string{"act/1", "w-open", "STARTED", "worker-7", " ago", `"50%"`, "HEARTBEAT in ", " 1"} {
		if !strings.Contains(row, w) {
			t.Errorf("activities --domain orders: a1 row %q has no %q; table:\n%s", row, w, r.out)
		}
	}
	if n := len(strings.Split(strings.TrimSpace(r.out), "\n")); n != 2 {
		t.Errorf("activities --domain orders: %d lines, want the header and w-open's one task:\n%s", n, r.out)
	}
	var got struct {
		ActivityTasks []struct {
			ActivityID       string `json:"activityId"`
			HeartbeatDetails string `json:"heartbeatDetails"`
			Identity         string `json:"identity"`
		} `json:"activityTasks"`
		CurrentTimestamp float64 `json:"currentTimestamp"`
		NextPageToken    *string `json:"nextPageToken"`
	}
	mustJSON(t, f.url, &got, "activities", "--domain", "orders", "--execution", "w-open")
	if len(got.ActivityTasks) != 1 || got.ActivityTasks[0].ActivityID != "a1" || got.ActivityTasks[0].HeartbeatDetails != "50%" ||
		got.ActivityTasks[0].Identity != "worker-7" || got.CurrentTimestamp == 0 || got.NextPageToken != nil {
		t.Errorf("activities --execution w-open --output json: %+v, want a1 of worker-7 with details 50%%", got)
	}
	for _, args := range [][]string{
		{"--execution", "w-other"},
		{"--state", "SCHEDULED"},
		{"--task-list", "elsewhere"},
	} {
		out := mustRun(t, f.url, append([]string{"activities", "--domain", "orders"}, args...)...)
		if rowOf(out, "a1") != "" {
			t.Errorf("activities --domain orders %v lists a1:\n%s", args, out)
		}
	}
	if r := runCLI(t, nil, "activities", "--domain", "nosuch", "--endpoint", f.url); r.code != exitNotFound {
		t.Errorf("activities --domain nosuch: exit %d, want %d; stderr %s", r.code, exitNotFound, r.err)
	}

	s := newSFNFixture(t)
	out := mustRun(t, s.url, "activities", "--activity-arn", s.activityArn)
	if row := rowOf(out, "Resize"); !strings.Contains(row, "resize") || !strings.Contains(row, "w1") || !strings.Contains(row, "sfn-worker") {
		t.Errorf("activities --activity-arn: Resize row %q, want the activity resize, w1 and sfn-worker; table:\n%s", row, out)
	}
	out = mustRun(t, s.url, "activities", "--execution-arn", s.w1Arn)
	if rowOf(out, "Resize") == "" {
		t.Errorf("activities --execution-arn w1: no Resize row:\n%s", out)
	}
}

// TestWriteActivityTable_ControlCharacters: a worker's identity and details are anyone's text; an escape
// sequence or a bidirectional override in them reaches the terminal escaped, never as itself.
func TestWriteActivityTable_ControlCharacters(t *testing.T) {
	answer := strings.Replace(cannedOpenTasks, `"identity": "worker-7"`, `"identity": "worker-7\u001b]0;pwned\u0007\u001b[2J\u202e"`, 1)
	var buf bytes.Buffer
	if err := writeActivityTable(&buf, []byte(answer)); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if strings.ContainsAny(out, "\x1b\x07\u202e") {
		t.Errorf("the table carries control characters to the terminal: %q", out)
	}
	if row := rowOf(out, "charge-1"); !strings.Contains(row, `worker-7\x1b]0;pwned\x07\x1b[2J\u202e`) {
		t.Errorf("row %q: want the identity with its control characters escaped", row)
	}
}
