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

// A clean restart in the middle of two executions: the server stops, and a new one opens the same
// database file.
func TestSFN_ExecutionsSurviveRestart(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "openswf.db")
	srv := openswftest.New(t, openswftest.Options{PollHold: 5 * time.Second, DB: db})
	sfnRestartScenario(t, srv.URL, func() string {
		srv.Close()
		time.Sleep(1500 * time.Millisecond) // the Wait comes due while the server is down
		srv = openswftest.New(t, openswftest.Options{PollHold: 5 * time.Second, DB: db})
		return srv.URL
	})
}

// The same with the built binary killed by SIGKILL: what the server acknowledged (the execution's start,
// the task handed out, the Wait's timer) is on disk and goes on after the restart.
func TestSFN_ExecutionsSurviveKill(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test builds and runs the server binary; skipped in -short mode")
	}
	t.Parallel()
	bin := crashBuild(t)
	db := filepath.Join(t.TempDir(), "crash.db")
	srv := crashStart(t, bin, db)
	sfnRestartScenario(t, srv.url, func() string {
		srv.kill(t)
		time.Sleep(1500 * time.Millisecond) // the Wait comes due while the server is down
		srv = crashStart(t, bin, db)
		return srv.url
	})
}

// sfnRestartScenario runs two executions across restart, which stops the server at url and returns the
// URL of the one that replaced it on the same database: the activity task handed out before the restart
// still takes its worker's token and the execution goes on to its end, and a Wait that came due while
// the server was down fires once it is back.
func sfnRestartScenario(t *testing.T, url string, restart func() string) {
	e := &sfnEnv{t: t, c: newSFNClient(url)}
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
	down := time.Now()
	e.c = newSFNClient(restart())

	d := e.waitStatus(napping, sfntypes.ExecutionStatusSucceeded, 10*time.Second)
	wantJSON(t, "napper's output", aws.ToString(d.Output), `{"n":2}`)
	// The Wait came due about a second after down; the server was down for 1.5 s from then, so an exit
	// written after the restart is later than both.
	if exited := ofType(e.events(napping), sfntypes.HistoryEventTypeWaitStateExited); len(exited) != 1 ||
		exited[0].Timestamp.Before(down.Add(1400*time.Millisecond)) {
		t.Errorf("WaitStateExited = %+v, want one after the restart (the server went down at %v)", exited, down)
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
