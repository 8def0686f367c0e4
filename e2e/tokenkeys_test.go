package e2e

import (
	"context"
	"os/exec"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/swf"
	"github.com/aws/aws-sdk-go-v2/service/swf/types"
)

// A token key rotated while the server is stopped leaves the tasks handed out before it open: the SDK
// heartbeats and completes an activity task with the token it polled before the rotation, and the decision
// task that follows, issued under the new key, completes too. With the old key retired, its tokens are
// refused with UnknownResourceFault.
func TestTokenKeys_RotateWithOpenTasks(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the server binary; skipped in -short mode")
	}
	const domain = "rotate"
	bin, db, srv, c := crashSetup(t, domain)
	runID := crashStartWorkflow(t, c, domain, "w1")
	d := crashPollDecision(t, c, domain)
	if d == nil {
		t.Fatal("no decision task")
	}
	crashCompleteDecision(t, c, d.TaskToken, []types.Decision{
		crashScheduleActivity("a1", "NONE", "600"), crashScheduleActivity("a2", "NONE", "600"),
	})
	a1, a2 := crashPollActivity(t, c, domain), crashPollActivity(t, c, domain)
	if a1 == nil || a2 == nil {
		t.Fatal("no activity tasks")
	}
	srv.kill(t)

	rotate := func(args ...string) string {
		t.Helper()
		out, err := exec.Command(bin, append([]string{"rotate-token-key", "--db", db}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("rotate-token-key %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	if out := rotate(); !strings.Contains(out, "key   1") || !strings.Contains(out, "signing") {
		t.Errorf("rotate-token-key printed:\n%s\nwant key 1 signing", out)
	}
	srv = crashStart(t, bin, db)
	c = crashClient(srv.url)
	if _, err := crashHeartbeat(c, aws.ToString(a1.TaskToken), aws.String("after rotation")); err != nil {
		t.Errorf("heartbeat with a token of the old key: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), crashCallTimeout)
	defer cancel()
	if _, err := c.RespondActivityTaskCompleted(ctx, &swf.RespondActivityTaskCompletedInput{
		TaskToken: a1.TaskToken, Result: aws.String("done"),
	}); err != nil {
		t.Fatalf("RespondActivityTaskCompleted with a token of the old key: %v", err)
	}
	d = crashPollDecision(t, c, domain)
	if d == nil {
		t.Fatal("no decision task after the activity completed")
	}
	srv.kill(t)

	// Any age retires key 0, replaced before the restart; the signing key stays.
	if out := rotate("--retire", "1ns", "--retire-only"); strings.Contains(out, "key   0") {
		t.Errorf("rotate-token-key --retire printed:\n%s\nwant key 0 gone", out)
	}
	srv = crashStart(t, bin, db)
	c = crashClient(srv.url)
	if _, err := crashHeartbeat(c, aws.ToString(a2.TaskToken), nil); !crashIsUnknown(err) {
		t.Errorf("heartbeat with a token of a retired key: %v, want UnknownResourceFault", err)
	}
	crashCompleteDecision(t, c, d.TaskToken, []types.Decision{{
		DecisionType: types.DecisionTypeCompleteWorkflowExecution,
		CompleteWorkflowExecutionDecisionAttributes: &types.CompleteWorkflowExecutionDecisionAttributes{},
	}})
	h := crashHistory(t, c, domain, "w1", runID)
	if last := h[len(h)-1].EventType; last != types.EventTypeWorkflowExecutionCompleted {
		t.Errorf("last event %s, want WorkflowExecutionCompleted", last)
	}
}
