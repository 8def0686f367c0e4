package e2e

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/swf"
	"github.com/aws/aws-sdk-go-v2/service/swf/types"
)

// TestCrash_KillDuringFanOut kills the server with SIGKILL while 16 workers take and complete the tasks of
// one run (so that their transitions commit in shared batches), restarts it on the same database, and
// checks that every acknowledged completion is in the history, that no task was handed out twice, and that
// the workers, retrying the completions the kill left unanswered as a real worker would, finish the run's
// tasks with each completed exactly once.
func TestCrash_KillDuringFanOut(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test builds and runs the server binary; skipped in -short mode")
	}
	const (
		activities = 300
		workers    = 16
		minAcked   = 60
		killAtMost = 10 * time.Second
	)
	domain := "crash-fanout"
	bin, db, srv, c := crashSetup(t, domain)
	runID := crashStartWorkflow(t, c, domain, "fanout")
	dt := crashPollDecision(t, c, domain)
	if dt == nil {
		t.Fatal("PollForDecisionTask: no task")
	}
	ds := make([]types.Decision, activities)
	for i := range ds {
		ds[i] = crashScheduleActivity(fmt.Sprintf("fan-%03d", i), "NONE", "600")
	}
	crashCompleteDecision(t, c, dt.TaskToken, ds)

	var (
		mu       sync.Mutex
		handed   = map[string]int{}    // activity id → times handed out
		pending  = map[string]string{} // activity id → token of a completion not acknowledged
		acked    = map[string]bool{}
		nAcked   atomic.Int64
		killed   atomic.Bool
		wg       sync.WaitGroup
		failures []error
	)
	work := func(c *swf.Client) {
		defer wg.Done()
		for !killed.Load() {
			ctx, cancel := context.WithTimeout(context.Background(), crashCallTimeout)
			at, err := c.PollForActivityTask(ctx, &swf.PollForActivityTaskInput{
				Domain: aws.String(domain), TaskList: &types.TaskList{Name: aws.String(crashActivityList)},
			})
			cancel()
			if err != nil {
				if !killed.Load() {
					mu.Lock()
					failures = append(failures, err)
					mu.Unlock()
				}
				continue
			}
			if aws.ToString(at.TaskToken) == "" {
				return // nothing left to take
			}
			id := aws.ToString(at.ActivityId)
			mu.Lock()
			handed[id]++
			pending[id] = aws.ToString(at.TaskToken)
			mu.Unlock()
			ctx, cancel = context.WithTimeout(context.Background(), crashCallTimeout)
			_, err = c.RespondActivityTaskCompleted(ctx, &swf.RespondActivityTaskCompletedInput{
				TaskToken: at.TaskToken, Result: aws.String(id),
			})
			cancel()
			if err == nil {
				mu.Lock()
				delete(pending, id)
				acked[id] = true
				mu.Unlock()
				nAcked.Add(1)
			} else if !killed.Load() {
				mu.Lock()
				failures = append(failures, err)
				mu.Unlock()
			}
		}
	}
	for range workers {
		wg.Add(1)
		go work(c)
	}
	crashEventually(t, killAtMost, func() bool { return nAcked.Load() >= minAcked })
	killed.Store(true)
	srv.kill(t)
	wg.Wait()
	if len(failures) > 0 {
		t.Fatalf("%d calls failed before the kill, the first: %v", len(failures), failures[0])
	}
	t.Logf("killed with %d completions acknowledged, %d unanswered", len(acked), len(pending))

	srv = crashStart(t, bin, db)
	c = crashClient(srv.url)
	h := crashHistory(t, c, domain, "fanout", runID)
	completedIn := func(h []types.HistoryEvent) map[string]int {
		bySched := map[int64]string{}
		done := map[string]int{}
		for _, ev := range h {
			if a := ev.ActivityTaskScheduledEventAttributes; a != nil {
				bySched[ev.EventId] = aws.ToString(a.ActivityId)
			}
			if a := ev.ActivityTaskCompletedEventAttributes; a != nil {
				id := bySched[a.ScheduledEventId]
				if aws.ToString(a.Result) != id {
					t.Errorf("completion of %s carries result %q", id, aws.ToString(a.Result))
				}
				done[id]++
			}
		}
		return done
	}
	done := completedIn(h)
	for id := range acked {
		if done[id] != 1 {
			t.Errorf("acknowledged completion of %s: %d in the history after the restart, want 1", id, done[id])
		}
	}

	// The workers retry what the kill left unanswered, then take the rest.
	for id, token := range pending {
		ctx, cancel := context.WithTimeout(context.Background(), crashCallTimeout)
		_, err := c.RespondActivityTaskCompleted(ctx, &swf.RespondActivityTaskCompletedInput{
			TaskToken: aws.String(token), Result: aws.String(id),
		})
		cancel()
		if err != nil && !crashIsUnknown(err) {
			t.Fatalf("retried completion of %s: %v", id, err)
		}
	}
	killed.Store(false)
	for range workers {
		wg.Add(1)
		go work(c)
	}
	wg.Wait()
	if len(failures) > 0 {
		t.Fatalf("%d calls failed after the restart, the first: %v", len(failures), failures[0])
	}
	for id, n := range handed {
		if n != 1 {
			t.Errorf("activity %s handed out %d times, want once", id, n)
		}
	}
	h = crashHistory(t, c, domain, "fanout", runID)
	done = completedIn(h)
	for id, n := range done {
		if n != 1 {
			t.Errorf("activity %s completed %d times", id, n)
		}
	}
	// A task whose hand-out committed while the kill cut its poll's answer is started with no worker
	// holding it; it waits for its start-to-close timeout, as on SWF. At most one poll per worker was in
	// flight at the kill.
	startedBy := map[int64]bool{}
	for _, ev := range h {
		if a := ev.ActivityTaskStartedEventAttributes; a != nil {
			if startedBy[a.ScheduledEventId] {
				t.Errorf("activity scheduled at %d started twice", a.ScheduledEventId)
			}
			startedBy[a.ScheduledEventId] = true
		}
	}
	var lost []string
	for _, ev := range h {
		a := ev.ActivityTaskScheduledEventAttributes
		if a == nil {
			continue
		}
		id := aws.ToString(a.ActivityId)
		if done[id] == 0 {
			if !startedBy[ev.EventId] || handed[id] != 0 {
				t.Errorf("activity %s neither completed nor lost in a cut poll (started %v, handed out %d times)",
					id, startedBy[ev.EventId], handed[id])
			}
			lost = append(lost, id)
		}
	}
	if len(lost) > workers {
		t.Errorf("%d tasks started with no worker holding them, want at most %d (one poll per worker)", len(lost), workers)
	}
	t.Logf("%d completed, %d started by polls the kill cut", len(done), len(lost))
}
