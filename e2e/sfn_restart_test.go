package e2e

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/openswf/openswf/openswftest"
)

// A restart of the server (a clean stop, then a new server on the same database file) in the middle of
// two executions: the activity task handed out before the restart still takes its worker's token and the
// execution goes on to its end, and a Wait that came due while the server was down fires once it is back.
func TestSFN_ExecutionsSurviveRestart(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "openswf.db")
	before := openswftest.New(t, openswftest.Options{PollHold: 5 * time.Second, DB: db})
	e := &sfnEnv{t: t, c: newSFNClient(before.URL)}
	out, err := e.c.CreateActivity(t.Context(), &sfn.CreateActivityInput{Name: aws.String("work")})
	if err != nil {
		t.Fatalf("CreateActivity: %v", err)
	}
	e.activityArn = aws.ToString(out.ActivityArn)
	sm := e.machine("restart", `{
	  "StartAt": "Work",
	  "States": {
	    "Work": {"Type": "Task", "Resource": "ACTIVITY", "HeartbeatSeconds": 30, "ResultPath": "$.result", "Next": "Nap"},
	    "Nap": {"Type": "Wait", "Seconds": 1, "End": true}
	  }
	}`)
	napper := e.machine("napper", `{"StartAt": "Nap", "States": {"Nap": {"Type": "Wait", "Seconds": 1, "End": true}}}`)

	working := e.start(sm, "working", `{"n":1}`)
	task := e.task("w")
	napping := e.start(napper, "napping", `{"n":2}`)
	before.Close()
	time.Sleep(1500 * time.Millisecond) // the Wait comes due while the server is down

	restarted := time.Now()
	after := openswftest.New(t, openswftest.Options{PollHold: 5 * time.Second, DB: db})
	e.c = newSFNClient(after.URL)
	d := e.waitStatus(napping, sfntypes.ExecutionStatusSucceeded, 10*time.Second)
	wantJSON(t, "napper's output", aws.ToString(d.Output), `{"n":2}`)
	// Timestamps are whole milliseconds on the wire.
	if exited := ofType(e.events(napping), sfntypes.HistoryEventTypeWaitStateExited); len(exited) != 1 ||
		exited[0].Timestamp.Before(restarted.Truncate(time.Millisecond)) {
		t.Errorf("WaitStateExited = %+v, want one after the restart at %v", exited, restarted)
	}

	if d := e.describe(working); d.Status != sfntypes.ExecutionStatusRunning {
		t.Fatalf("the working execution after the restart = %s, want RUNNING", d.Status)
	}
	if _, err := e.c.SendTaskHeartbeat(t.Context(), &sfn.SendTaskHeartbeatInput{TaskToken: task.TaskToken}); err != nil {
		t.Fatalf("SendTaskHeartbeat with the token from before the restart: %v", err)
	}
	if _, err := e.c.SendTaskSuccess(t.Context(), sendSuccess(task.TaskToken, `"ok"`)); err != nil {
		t.Fatalf("SendTaskSuccess with the token from before the restart: %v", err)
	}
	d = e.waitStatus(working, sfntypes.ExecutionStatusSucceeded, 10*time.Second)
	wantJSON(t, "output", aws.ToString(d.Output), `{"n":1,"result":"ok"}`)
	want := "ExecutionStarted\nTaskStateEntered\nActivityScheduled\nActivityStarted\nActivitySucceeded\nTaskStateExited\n" +
		"WaitStateEntered\nWaitStateExited\nExecutionSucceeded\n"
	if got := eventTypes(e.events(working)); got != want {
		t.Errorf("history:\n%swant:\n%s", got, want)
	}
}
