package sqlite_test

import (
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/openswf/openswf"
	"github.com/openswf/openswf/sqlite"
)

// Many heartbeats share one batch, some on the same task, some on no task: each gets its own answer and
// every one is counted.
func TestStore_ManyHeartbeatsInOneBatch(t *testing.T) {
	s := mustOpen(t, filepath.Join(t.TempDir(), "openswf.db"), sqlite.Options{})
	ctx := t.Context()
	const n = 300 // more than one statement's worth
	startActivities(t, s, n)
	x, err := s.GetRun(ctx, "run1")
	if err != nil {
		t.Fatal(err)
	}
	x.Version++
	if err := s.Apply(ctx, &openswf.Transition{Execution: x, CancelActivities: []int64{10}}); err != nil {
		t.Fatalf("cancel: %v", err)
	}

	release, err := s.HoldWriter(ctx)
	if err != nil {
		t.Fatalf("HoldWriter: %v", err)
	}
	type call struct {
		sched, started int64
		details        *string
		cancel         bool
		err            error
	}
	var calls []*call
	for i := range n {
		c := &call{sched: int64(10 + 2*i), started: int64(11 + 2*i)}
		if i%2 == 0 {
			d := fmt.Sprintf("d%d", i)
			c.details = &d
		}
		calls = append(calls, c)
	}
	for range 5 { // more heartbeats of task 0, without details
		calls = append(calls, &call{sched: 10, started: 11})
	}
	calls = append(calls, &call{sched: 9999, started: 10000}, &call{sched: 12, started: 999999})
	var wg sync.WaitGroup
	for _, c := range calls {
		wg.Go(func() {
			c.cancel, c.err = s.RecordHeartbeat(ctx, "run1", c.sched, c.started, c.details, t0.Add(time.Second))
		})
	}
	waitFor(t, func() bool { return s.Queued() == len(calls) })
	before := s.Stats()
	release()
	wg.Wait()
	if got := s.Stats().Batches - before.Batches; got != 1 {
		t.Errorf("batches = %d, want 1", got)
	}
	for _, c := range calls {
		switch {
		case c.sched == 9999 || c.started == 999999:
			if !errors.Is(c.err, openswf.ErrNotFound) {
				t.Errorf("heartbeat %d/%d: err %v, want ErrNotFound", c.sched, c.started, c.err)
			}
		case c.err != nil:
			t.Errorf("heartbeat %d: %v", c.sched, c.err)
		case c.cancel != (c.sched == 10):
			t.Errorf("heartbeat %d: cancelRequested %v", c.sched, c.cancel)
		}
	}
	a0, err := s.GetActivity(ctx, "run1", 10)
	if err != nil {
		t.Fatal(err)
	}
	if a0.Heartbeats != 6 || a0.Details == nil || *a0.Details != "d0" || !a0.LastHeartbeatAt.Equal(t0.Add(time.Second)) {
		t.Errorf("task 0 after 6 heartbeats: count %d details %v at %v", a0.Heartbeats, a0.Details, a0.LastHeartbeatAt)
	}
	a1, err := s.GetActivity(ctx, "run1", 12)
	if err != nil {
		t.Fatal(err)
	}
	if a1.Heartbeats != 1 || a1.Details != nil {
		t.Errorf("task 1: count %d details %v, want 1 and none", a1.Heartbeats, a1.Details)
	}
	last, err := s.GetActivity(ctx, "run1", int64(10+2*(n-2)))
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("d%d", n-2); last.Heartbeats != 1 || last.Details == nil || *last.Details != want {
		t.Errorf("task %d: count %d details %v, want 1 and %s", n-2, last.Heartbeats, last.Details, want)
	}
}
