package e2e

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/swf"
	"github.com/aws/aws-sdk-go-v2/service/swf/types"

	"github.com/openswf/openswf/iam"
	"github.com/openswf/openswf/openswftest"
)

// openswf's own operations (docs/API.md), called as any SigV4 client calls them: a signed POST with the
// target OpenSWF.<Operation>, the SDK's own signer.

// ownFault is a fault answered by an OpenSWF operation.
type ownFault struct {
	Status  int
	Code    string
	Message string
}

func (f *ownFault) Error() string { return fmt.Sprintf("%d %s: %s", f.Status, f.Code, f.Message) }

// callOwn calls an OpenSWF operation signed with the access key id and secret, and decodes the answer into
// out; a fault comes back as *ownFault.
func callOwn(ctx context.Context, url, id, secret, op string, in, out any) error {
	body, err := json.Marshal(in)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url+"/", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	req.Header.Set("X-Amz-Target", "OpenSWF."+op)
	sum := sha256.Sum256(body)
	if err := v4.NewSigner().SignHTTP(ctx, aws.Credentials{AccessKeyID: id, SecretAccessKey: secret}, req,
		hex.EncodeToString(sum[:]), "openswf", "us-east-1", time.Now()); err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		var f struct {
			Type    string `json:"__type"`
			Message string `json:"message"`
		}
		if err := json.Unmarshal(raw, &f); err != nil {
			return fmt.Errorf("%d: %s", resp.StatusCode, raw)
		}
		code := f.Type[strings.LastIndexByte(f.Type, '#')+1:]
		return &ownFault{Status: resp.StatusCode, Code: code, Message: f.Message}
	}
	return json.Unmarshal(raw, out)
}

// Wire shapes of the answers, as a client would declare them.
type (
	openTask struct {
		Domain       string                             `json:"domain"`
		TaskList     struct{ Name string }              `json:"taskList"`
		Execution    struct{ WorkflowID, RunID string } `json:"execution"`
		ExecutionArn string                             `json:"executionArn"`
		ActivityArn  string                             `json:"activityArn"`
		StateName    string                             `json:"stateName"`
		ActivityID   string                             `json:"activityId"`
		ActivityType *struct{ Name, Version string }    `json:"activityType"`
		ScheduledID  int64                              `json:"scheduledEventId"`
		StartedID    int64                              `json:"startedEventId"`
		State        string                             `json:"state"`
		Identity     string                             `json:"identity"`
		Scheduled    float64                            `json:"scheduledTimestamp"`
		Started      float64                            `json:"startedTimestamp"`
		LastBeat     float64                            `json:"lastHeartbeatTimestamp"`
		Details      *string                            `json:"heartbeatDetails"`
		Beats        int64                              `json:"heartbeatCount"`
		Cancel       bool                               `json:"cancelRequested"`
		Attempt      int                                `json:"attempt"`
		Priority     int                                `json:"priority"`
		Deadlines    []struct {
			TimeoutType string  `json:"timeoutType"`
			Seconds     int64   `json:"timeoutSeconds"`
			Due         float64 `json:"deadlineTimestamp"`
			Remaining   int64   `json:"remainingMilliseconds"`
		} `json:"deadlines"`
	}
	openTasksPage struct {
		Tasks []openTask `json:"activityTasks"`
		Next  string     `json:"nextPageToken"`
		Now   float64    `json:"currentTimestamp"`
	}
)

// listOwn calls ListOpenActivityTasks without credentials that matter (a server without access control).
func listOwn(t *testing.T, url string, in map[string]any) (openTasksPage, error) {
	t.Helper()
	var page openTasksPage
	err := callOwn(t.Context(), url, "x", "y", "ListOpenActivityTasks", in, &page)
	return page, err
}

func mustListOwn(t *testing.T, url string, in map[string]any) openTasksPage {
	t.Helper()
	page, err := listOwn(t, url, in)
	if err != nil {
		t.Fatalf("ListOpenActivityTasks(%v): %v", in, err)
	}
	return page
}

func wantOwnFault(t *testing.T, what string, err error, code string) {
	t.Helper()
	f, ok := err.(*ownFault)
	if !ok || f.Code != code {
		t.Fatalf("%s: got %v, want %s", what, err, code)
	}
}

// An SWF run with three activities on two task lists, one started and heartbeating: what each scope,
// filter and page shows, and the faults.
func TestOwn_ListOpenActivityTasksSWF(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "own", 200*time.Millisecond)
	exec := e.start("wf-own")
	dt := e.pollDecision()
	e.decide(dt.TaskToken,
		e.scheduleActivity("a1", "in-1", func(a *types.ScheduleActivityTaskDecisionAttributes) {
			a.HeartbeatTimeout, a.ScheduleToCloseTimeout = aws.String("30"), aws.String("600")
		}),
		e.scheduleActivity("a2", "in-2", func(a *types.ScheduleActivityTaskDecisionAttributes) {
			a.TaskList, a.ScheduleToStartTimeout = &types.TaskList{Name: aws.String("other")}, aws.String("120")
		}),
		e.scheduleActivity("a3", "in-3"),
	)
	task := e.pollActivity(activityList) // a1: scheduled first, same priority
	if aws.ToString(task.ActivityId) != "a1" {
		t.Fatalf("polled %s, want a1", aws.ToString(task.ActivityId))
	}
	before := time.Now()
	e.heartbeat(task.TaskToken, "half way")

	all := mustListOwn(t, e.srv.URL, map[string]any{"domain": "own"})
	if len(all.Tasks) != 3 || all.Next != "" {
		t.Fatalf("domain scope: got %d tasks (next %q), want 3 on one page", len(all.Tasks), all.Next)
	}
	// By task list, then run, then scheduled id: "activities" (a1, a3), then "other" (a2).
	var ids []string
	for _, tk := range all.Tasks {
		ids = append(ids, tk.ActivityID)
	}
	equal(t, "order", strings.Join(ids, ","), "a1,a3,a2")
	a1 := all.Tasks[0]
	equal(t, "a1 state", a1.State, "STARTED")
	equal(t, "a1 identity", a1.Identity, "worker")
	equal(t, "a1 details", aws.ToString(a1.Details), "half way")
	equal(t, "a1 heartbeat count", a1.Beats, int64(1))
	equal(t, "a1 run", a1.Execution.RunID, aws.ToString(exec.RunId))
	equal(t, "a1 type", a1.ActivityType.Name+"/"+a1.ActivityType.Version, "act/1")
	equal(t, "a1 attempt", a1.Attempt, 1)
	if a1.StartedID == 0 || a1.Started == 0 || a1.Scheduled == 0 || a1.Started < a1.Scheduled {
		t.Errorf("a1 times: scheduled %v, started %v (event %d)", a1.Scheduled, a1.Started, a1.StartedID)
	}
	if got := time.UnixMilli(int64(a1.LastBeat * 1000)); got.Before(before.Add(-time.Second)) || got.After(time.Now().Add(time.Second)) {
		t.Errorf("a1 last heartbeat at %v, want about %v", got, before)
	}
	// a1's deadlines, soonest first: heartbeat (30 s after the heartbeat), start-to-close (60 s), schedule-to-close (600 s).
	var kinds []string
	for _, d := range a1.Deadlines {
		kinds = append(kinds, d.TimeoutType)
		if want := d.Due*1000 - all.Now*1000; d.Remaining < int64(want)-1 || d.Remaining > int64(want)+1 {
			t.Errorf("%s remaining %d ms, want deadline − now = %.0f ms", d.TimeoutType, d.Remaining, want)
		}
	}
	equal(t, "a1 deadlines", strings.Join(kinds, ","), "HEARTBEAT,START_TO_CLOSE,SCHEDULE_TO_CLOSE")
	if hb := a1.Deadlines[0]; hb.Seconds != 30 || hb.Remaining < 25_000 || hb.Remaining > 30_000 {
		t.Errorf("heartbeat deadline: %d s, %d ms left; want 30 s, 25–30 s left", hb.Seconds, hb.Remaining)
	}
	if hb := a1.Deadlines[0]; hb.Due-a1.LastBeat < 29.999 || hb.Due-a1.LastBeat > 30.001 {
		t.Errorf("heartbeat deadline %.3f is not 30 s after the last heartbeat %.3f", hb.Due, a1.LastBeat)
	}
	a2 := all.Tasks[2]
	equal(t, "a2 state", a2.State, "SCHEDULED")
	equal(t, "a2 task list", a2.TaskList.Name, "other")
	if len(a2.Deadlines) != 1 || a2.Deadlines[0].TimeoutType != "SCHEDULE_TO_START" || a2.Deadlines[0].Seconds != 120 {
		t.Errorf("a2 deadlines = %+v, want SCHEDULE_TO_START 120 s only", a2.Deadlines)
	}
	if a2.Identity != "" || a2.StartedID != 0 || a2.Details != nil {
		t.Errorf("a2 (not started): identity %q, started %d, details %v", a2.Identity, a2.StartedID, a2.Details)
	}

	for _, tc := range []struct {
		in   map[string]any
		want string
	}{
		{map[string]any{"domain": "own", "taskList": map[string]string{"name": "other"}}, "a2"},
		{map[string]any{"domain": "own", "state": "STARTED"}, "a1"},
		{map[string]any{"domain": "own", "state": "SCHEDULED"}, "a3,a2"},
		// A run's tasks by scheduled id; the open run of a workflow id without runId.
		{map[string]any{"domain": "own", "execution": map[string]string{"workflowId": "wf-own", "runId": aws.ToString(exec.RunId)}}, "a1,a2,a3"},
		{map[string]any{"domain": "own", "execution": map[string]string{"workflowId": "wf-own"}}, "a1,a2,a3"},
		{map[string]any{"domain": "own", "execution": map[string]string{"workflowId": "wf-own"}, "taskList": map[string]string{"name": "activities"}}, "a1,a3"},
	} {
		var got []string
		for _, tk := range mustListOwn(t, e.srv.URL, tc.in).Tasks {
			got = append(got, tk.ActivityID)
		}
		equal(t, fmt.Sprint(tc.in), strings.Join(got, ","), tc.want)
	}

	// Pages of one, each token good for its own query only.
	var paged []string
	in := map[string]any{"domain": "own", "maximumPageSize": 1}
	var token string
	for i := 0; ; i++ {
		page := mustListOwn(t, e.srv.URL, in)
		if len(page.Tasks) != 1 {
			t.Fatalf("page %d: %d tasks, want 1", i, len(page.Tasks))
		}
		paged = append(paged, page.Tasks[0].ActivityID)
		if page.Next == "" {
			break
		}
		token = page.Next
		in["nextPageToken"] = page.Next
	}
	equal(t, "pages of one", strings.Join(paged, ","), "a1,a3,a2")
	_, err := listOwn(t, e.srv.URL, map[string]any{"domain": "own", "state": "STARTED", "nextPageToken": token})
	wantOwnFault(t, "a token of another query", err, "ValidationException")
	_, err = listOwn(t, e.srv.URL, map[string]any{"domain": "own", "nextPageToken": token + "x"})
	wantOwnFault(t, "an altered token", err, "ValidationException")

	// DescribeActivityTask adds the input.
	var desc struct {
		Task  openTask `json:"activityTask"`
		Input string   `json:"input"`
	}
	if err := callOwn(t.Context(), e.srv.URL, "x", "y", "DescribeActivityTask", map[string]any{
		"domain": "own", "execution": map[string]string{"workflowId": "wf-own"}, "scheduledEventId": a2.ScheduledID}, &desc); err != nil {
		t.Fatalf("DescribeActivityTask: %v", err)
	}
	equal(t, "described task", desc.Task.ActivityID, "a2")
	equal(t, "described input", desc.Input, "in-2")
	err = callOwn(t.Context(), e.srv.URL, "x", "y", "DescribeActivityTask", map[string]any{
		"domain": "own", "execution": map[string]string{"workflowId": "wf-own"}, "scheduledEventId": 999}, &desc)
	wantOwnFault(t, "DescribeActivityTask of no open task", err, "UnknownResourceFault")

	// Faults: the model's constraints, the scopes, unknown names.
	for _, tc := range []struct {
		in   map[string]any
		code string
	}{
		{map[string]any{}, "ValidationException"},
		{map[string]any{"domain": "own", "activityArn": "arn:aws:states:us-east-1:000000000000:activity:x"}, "ValidationException"},
		{map[string]any{"taskList": map[string]string{"name": "other"}}, "ValidationException"},
		{map[string]any{"domain": "own", "maximumPageSize": 0}, "ValidationException"},
		{map[string]any{"domain": "own", "maximumPageSize": 1001}, "ValidationException"},
		{map[string]any{"domain": "own", "state": "RUNNING"}, "ValidationException"},
		{map[string]any{"domain": "own", "execution": map[string]string{"runId": "r"}}, "ValidationException"},
		{map[string]any{"domain": "nope"}, "UnknownResourceFault"},
		{map[string]any{"domain": "own", "execution": map[string]string{"workflowId": "nope"}}, "UnknownResourceFault"},
		{map[string]any{"domain": "openswf:states"}, "UnknownResourceFault"},
		{map[string]any{"domain": "own", "maximumPageSize": "1"}, "SerializationException"},
	} {
		_, err := listOwn(t, e.srv.URL, tc.in)
		wantOwnFault(t, fmt.Sprint(tc.in), err, tc.code)
	}

	// A cancel request shows on the started task, which the next heartbeat learns of.
	e.signal(exec, "cancel-a1", "")
	dt = e.pollDecision()
	e.decide(dt.TaskToken, types.Decision{DecisionType: types.DecisionTypeRequestCancelActivityTask,
		RequestCancelActivityTaskDecisionAttributes: &types.RequestCancelActivityTaskDecisionAttributes{ActivityId: aws.String("a1")}})
	started := mustListOwn(t, e.srv.URL, map[string]any{"domain": "own", "state": "STARTED"})
	if len(started.Tasks) != 1 || !started.Tasks[0].Cancel {
		t.Fatalf("after RequestCancelActivityTask: %+v, want a1 with cancelRequested", started.Tasks)
	}
	// Closed tasks leave the list.
	if _, err := e.c.RespondActivityTaskCompleted(t.Context(), &swf.RespondActivityTaskCompletedInput{TaskToken: task.TaskToken}); err != nil {
		t.Fatalf("RespondActivityTaskCompleted: %v", err)
	}
	if n := len(mustListOwn(t, e.srv.URL, map[string]any{"domain": "own"}).Tasks); n != 2 {
		t.Fatalf("after a1 completed: %d open tasks, want 2", n)
	}
}

// A Step Functions activity behind a Task state with a retrier: by activity ARN and by execution ARN, the
// open task shows its execution, state and attempt.
func TestOwn_ListOpenActivityTasksSFN(t *testing.T) {
	t.Parallel()
	srv := openswftest.New(t, openswftest.Options{PollHold: 200 * time.Millisecond})
	c := newSFNClient(srv.URL)
	ctx := t.Context()
	act, err := c.CreateActivity(ctx, &sfn.CreateActivityInput{Name: aws.String("resize")})
	if err != nil {
		t.Fatal(err)
	}
	def := fmt.Sprintf(`{"StartAt": "Resize", "States": {"Resize": {"Type": "Task", "Resource": %q,
		"HeartbeatSeconds": 40, "TimeoutSeconds": 300,
		"Retry": [{"ErrorEquals": ["Flaky"], "IntervalSeconds": 1, "MaxAttempts": 2}], "End": true}}}`, aws.ToString(act.ActivityArn))
	sm, err := c.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String("images"), Definition: aws.String(def),
		RoleArn: aws.String("arn:aws:iam::000000000000:role/r")})
	if err != nil {
		t.Fatal(err)
	}
	ex, err := c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: sm.StateMachineArn, Name: aws.String("run-1"), Input: aws.String(`{"n":1}`)})
	if err != nil {
		t.Fatal(err)
	}
	getTask := func() *sfn.GetActivityTaskOutput {
		t.Helper()
		deadline := time.Now().Add(waitFor)
		for time.Now().Before(deadline) {
			out, err := c.GetActivityTask(ctx, &sfn.GetActivityTaskInput{ActivityArn: act.ActivityArn, WorkerName: aws.String("resizer-1")})
			if err != nil {
				t.Fatalf("GetActivityTask: %v", err)
			}
			if out.TaskToken != nil {
				return out
			}
		}
		t.Fatal("no activity task")
		return nil
	}
	first := getTask()
	if _, err := c.SendTaskFailure(ctx, &sfn.SendTaskFailureInput{TaskToken: first.TaskToken, Error: aws.String("Flaky")}); err != nil {
		t.Fatal(err)
	}
	second := getTask() // after the retrier's interval
	if _, err := c.SendTaskHeartbeat(ctx, &sfn.SendTaskHeartbeatInput{TaskToken: second.TaskToken}); err != nil {
		t.Fatal(err)
	}

	for _, in := range []map[string]any{
		{"activityArn": aws.ToString(act.ActivityArn)},
		{"executionArn": aws.ToString(ex.ExecutionArn)},
		{"executionArn": aws.ToString(ex.ExecutionArn), "state": "STARTED"},
	} {
		page := mustListOwn(t, srv.URL, in)
		if len(page.Tasks) != 1 {
			t.Fatalf("%v: %d tasks, want 1", in, len(page.Tasks))
		}
		tk := page.Tasks[0]
		equal(t, "executionArn", tk.ExecutionArn, aws.ToString(ex.ExecutionArn))
		equal(t, "activityArn", tk.ActivityArn, aws.ToString(act.ActivityArn))
		equal(t, "stateName", tk.StateName, "Resize")
		equal(t, "attempt", tk.Attempt, 2)
		equal(t, "identity", tk.Identity, "resizer-1")
		equal(t, "state", tk.State, "STARTED")
		equal(t, "heartbeats", tk.Beats, int64(1))
		if tk.ActivityID != "" || tk.ActivityType != nil {
			t.Errorf("a Step Functions task shows SWF's activity id %q and type %v", tk.ActivityID, tk.ActivityType)
		}
		var kinds []string
		for _, d := range tk.Deadlines {
			kinds = append(kinds, fmt.Sprintf("%s/%d", d.TimeoutType, d.Seconds))
		}
		equal(t, "deadlines", strings.Join(kinds, ","), "HEARTBEAT/40,SCHEDULE_TO_CLOSE/300")
	}
	if n := len(mustListOwn(t, srv.URL, map[string]any{"executionArn": aws.ToString(ex.ExecutionArn), "state": "SCHEDULED"}).Tasks); n != 0 {
		t.Errorf("scheduled tasks of the execution: %d, want 0", n)
	}
	var desc struct {
		Task  openTask `json:"activityTask"`
		Input string   `json:"input"`
	}
	tk := mustListOwn(t, srv.URL, map[string]any{"executionArn": aws.ToString(ex.ExecutionArn)}).Tasks[0]
	if err := callOwn(ctx, srv.URL, "x", "y", "DescribeActivityTask", map[string]any{
		"executionArn": aws.ToString(ex.ExecutionArn), "scheduledEventId": tk.ScheduledID}, &desc); err != nil {
		t.Fatalf("DescribeActivityTask: %v", err)
	}
	equal(t, "described input", desc.Input, `{"n":1}`)
	equal(t, "described attempt", desc.Task.Attempt, 2)

	for _, tc := range []struct {
		in   map[string]any
		code string
	}{
		{map[string]any{"activityArn": "arn:aws:states:us-east-1:000000000000:activity:nope"}, "ActivityDoesNotExist"},
		{map[string]any{"executionArn": "arn:aws:states:us-east-1:000000000000:execution:images:nope"}, "ExecutionDoesNotExist"},
		{map[string]any{"executionArn": "images"}, "InvalidArn"},
		{map[string]any{"activityArn": aws.ToString(sm.StateMachineArn)}, "InvalidArn"},
	} {
		_, err := listOwn(t, srv.URL, tc.in)
		wantOwnFault(t, fmt.Sprint(tc.in), err, tc.code)
	}
}

// Under access control the operations are openswf:<Operation> on the domain or ARN named: swf:* does not
// grant them, a grant on one domain does not reach another, and a refusal is OperationNotPermittedFault.
func TestOwn_AccessControl(t *testing.T) {
	t.Parallel()
	cfg, err := iam.ParseConfig([]byte(`{"account": "123456789012", "users": [
	  {"name": "admin", "accessKeys": [{"accessKeyId": "AKIAADMIN", "secretAccessKey": "admin-secret"}],
	   "policies": [{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["swf:*", "states:*"], "Resource": "*"}]}]},
	  {"name": "ops", "accessKeys": [{"accessKeyId": "AKIAOPS", "secretAccessKey": "ops-secret"}],
	   "policies": [{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "openswf:ListOpenActivityTasks",
	     "Resource": ["arn:aws:swf:*:*:/domain/payments", "arn:aws:states:*:*:activity:*"]}]}]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	srv := openswftest.New(t, openswftest.Options{PollHold: 200 * time.Millisecond, Auth: cfg})
	admin := authClient(srv.URL, "AKIAADMIN", "admin-secret")
	for _, d := range []string{"payments", "billing"} {
		if _, err := admin.RegisterDomain(t.Context(), &swf.RegisterDomainInput{Name: aws.String(d), WorkflowExecutionRetentionPeriodInDays: aws.String("1")}); err != nil {
			t.Fatal(err)
		}
	}
	list := func(id, secret string, in map[string]any) error {
		var page openTasksPage
		return callOwn(t.Context(), srv.URL, id, secret, "ListOpenActivityTasks", in, &page)
	}
	if err := list("AKIAOPS", "ops-secret", map[string]any{"domain": "payments"}); err != nil {
		t.Errorf("ops on payments: %v", err)
	}
	wantOwnFault(t, "ops on billing", list("AKIAOPS", "ops-secret", map[string]any{"domain": "billing"}), "OperationNotPermittedFault")
	wantOwnFault(t, "admin (swf:*, states:*) on payments", list("AKIAADMIN", "admin-secret", map[string]any{"domain": "payments"}), "OperationNotPermittedFault")
	wantOwnFault(t, "ops describing a task", callOwn(t.Context(), srv.URL, "AKIAOPS", "ops-secret", "DescribeActivityTask",
		map[string]any{"domain": "payments", "execution": map[string]string{"workflowId": "w"}, "scheduledEventId": 5}, &struct{}{}),
		"OperationNotPermittedFault")
	// Access is checked before anything is looked up: a refusal tells nothing of what exists.
	wantOwnFault(t, "ops on an execution", list("AKIAOPS", "ops-secret",
		map[string]any{"executionArn": "arn:aws:states:us-east-1:123456789012:execution:m:nope"}), "OperationNotPermittedFault")
	wantOwnFault(t, "ops on an activity that does not exist", list("AKIAOPS", "ops-secret",
		map[string]any{"activityArn": "arn:aws:states:us-east-1:123456789012:activity:nope"}), "ActivityDoesNotExist")
	wantOwnFault(t, "a wrong secret", list("AKIAOPS", "wrong", map[string]any{"domain": "payments"}), "InvalidSignatureException")
}
