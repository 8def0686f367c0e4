package sqlite_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/openswf/openswf"
	"github.com/openswf/openswf/sqlite"
)

func TestStore_GroupCommit(t *testing.T) {
	s := mustOpen(t, filepath.Join(t.TempDir(), "openswf.db"), sqlite.Options{})
	ctx := t.Context()
	const n = 200
	startActivities(t, s, n)

	// Hold the writer so that all n heartbeats queue up, as they do under load, then let it go.
	release, err := s.HoldWriter(ctx)
	if err != nil {
		t.Fatalf("HoldWriter: %v", err)
	}
	before := s.Stats()
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			if _, err := s.RecordHeartbeat(ctx, "run1", int64(10+2*i), int64(11+2*i), nil, t0); err != nil {
				t.Errorf("RecordHeartbeat %d: %v", i, err)
			}
		})
	}
	waitFor(t, func() bool { return s.Queued() == n })
	release()
	wg.Wait()

	got := s.Stats()
	batches, ops := got.Batches-before.Batches, got.Ops-before.Ops
	// The held op's batch was counted when it began; then comes one batch for all the heartbeats.
	if batches != 1 || ops != n {
		t.Errorf("stats: %d batches of %d ops in all, want 1 batch of %d", batches, ops, n)
	}
}

func TestStore_FailedOpInBatch(t *testing.T) {
	// Ops that fail roll back alone; the others of their batch commit.
	s := mustOpen(t, filepath.Join(t.TempDir(), "openswf.db"), sqlite.Options{})
	ctx := t.Context()
	release, err := s.HoldWriter(ctx)
	if err != nil {
		t.Fatalf("HoldWriter: %v", err)
	}
	errs := make([]error, 6)
	var wg sync.WaitGroup
	for i := range errs {
		wg.Go(func() {
			// Every other domain name is taken twice: one create of each pair fails.
			errs[i] = s.CreateDomain(ctx, &openswf.Domain{Name: fmt.Sprintf("d%d", i/2), Status: openswf.StatusRegistered})
		})
	}
	waitFor(t, func() bool { return s.Queued() == len(errs) })
	before := s.Stats()
	release()
	wg.Wait()
	if got := s.Stats().Batches - before.Batches; got != 1 {
		t.Errorf("batches: got %d, want 1", got)
	}
	for pair := range 3 {
		a, b := errs[2*pair], errs[2*pair+1]
		if (a == nil) == (b == nil) || !errors.Is(errors.Join(a, b), openswf.ErrExists) {
			t.Errorf("creates of d%d: got %v and %v, want one nil and one ErrExists", pair, a, b)
		}
		if _, err := s.GetDomain(ctx, fmt.Sprintf("d%d", pair)); err != nil {
			t.Errorf("GetDomain(d%d): %v", pair, err)
		}
	}
}

func TestStore_BatchIsolation(t *testing.T) {
	// One batch holds ops of every shape, in a known order: with and without savepoints, failing with a
	// sentinel error or with another. Each failure takes back its own op only.
	s := mustOpen(t, filepath.Join(t.TempDir(), "openswf.db"), sqlite.Options{})
	ctx := t.Context()
	startActivities(t, s, 2) // run1 at version 1, activities 10 (started by 11) and 12 (by 13)
	x := func(version int64) *openswf.Execution {
		return &openswf.Execution{Domain: "d1", WorkflowID: "wf1", RunID: "run1", Version: version, Open: true, StartedAt: t0}
	}
	ev := func(id int64) openswf.HistoryEvent {
		return openswf.HistoryEvent{ID: id, Time: t0, Type: openswf.EventMarkerRecorded, Attributes: []byte(`{}`)}
	}
	ops := []struct {
		name string
		run  func() error
		want error // nil, a sentinel, or errOther for any other error
	}{
		{"create domain a", func() error {
			return s.CreateDomain(ctx, &openswf.Domain{Name: "a", Status: openswf.StatusRegistered})
		}, nil},
		{"close with a stale count (savepoint, conflict)", func() error {
			return s.Apply(ctx, &openswf.Transition{Execution: x(2), Events: []openswf.HistoryEvent{ev(1)},
				CloseActivities: []openswf.ActivityClose{{ScheduledID: 12, Heartbeats: -1}, {ScheduledID: 10, Heartbeats: 5}}})
		}, openswf.ErrConflict},
		{"heartbeat", func() error {
			_, err := s.RecordHeartbeat(ctx, "run1", 10, 11, nil, t0)
			return err
		}, nil},
		{"duplicate event ids (bare, other error)", func() error {
			return s.Apply(ctx, &openswf.Transition{Execution: x(2), Events: []openswf.HistoryEvent{ev(2), ev(2)}})
		}, errOther},
		{"create domain a again (bare, sentinel)", func() error {
			return s.CreateDomain(ctx, &openswf.Domain{Name: "a", Status: openswf.StatusRegistered})
		}, openswf.ErrExists},
		{"apply version 2", func() error {
			return s.Apply(ctx, &openswf.Transition{Execution: x(2), Events: []openswf.HistoryEvent{ev(3)}})
		}, nil},
		{"create domain b", func() error {
			return s.CreateDomain(ctx, &openswf.Domain{Name: "b", Status: openswf.StatusRegistered})
		}, nil},
	}

	release, err := s.HoldWriter(ctx)
	if err != nil {
		t.Fatalf("HoldWriter: %v", err)
	}
	errs := make([]error, len(ops))
	var wg sync.WaitGroup
	for i, o := range ops {
		wg.Go(func() { errs[i] = o.run() })
		waitFor(t, func() bool { return s.Queued() == i+1 }) // queue them in order
	}
	before := s.Stats()
	release()
	wg.Wait()
	if got := s.Stats().Batches - before.Batches; got != 1 {
		t.Errorf("batches: got %d, want 1", got)
	}
	for i, o := range ops {
		switch {
		case o.want == errOther:
			if errs[i] == nil || errors.Is(errs[i], openswf.ErrConflict) || errors.Is(errs[i], openswf.ErrExists) || errors.Is(errs[i], openswf.ErrNotFound) {
				t.Errorf("%s: got %v, want an error other than the sentinels", o.name, errs[i])
			}
		case !errors.Is(errs[i], o.want) || (o.want == nil && errs[i] != nil):
			t.Errorf("%s: got %v, want %v", o.name, errs[i], o.want)
		}
	}

	for _, name := range []string{"a", "b"} {
		if _, err := s.GetDomain(ctx, name); err != nil {
			t.Errorf("GetDomain(%s): %v", name, err)
		}
	}
	got, err := s.GetRun(ctx, "run1")
	if err != nil {
		t.Fatalf("GetRun: %v", err)
	}
	if got.Version != 2 {
		t.Errorf("version: got %d, want 2", got.Version)
	}
	es, err := s.History(ctx, "run1", 0, 10, false)
	if err != nil {
		t.Fatalf("History: %v", err)
	}
	if len(es) != 1 || es[0].ID != 3 {
		t.Errorf("history: got %v, want only event 3", es)
	}
	for _, id := range []int64{10, 12} {
		a, err := s.GetActivity(ctx, "run1", id)
		if err != nil {
			t.Fatalf("GetActivity(%d): %v", id, err)
		}
		if want := int64(map[int64]int{10: 1, 12: 0}[id]); a.Heartbeats != want {
			t.Errorf("activity %d: %d heartbeats, want %d", id, a.Heartbeats, want)
		}
	}
}

var errOther = errors.New("any other error")

func TestStore_CanceledContext(t *testing.T) {
	s := mustOpen(t, ":memory:", sqlite.Options{})
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	err := s.CreateDomain(ctx, &openswf.Domain{Name: "d1", Status: openswf.StatusRegistered})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("CreateDomain with a canceled context: got %v, want context.Canceled", err)
	}
	if _, err := s.GetDomain(t.Context(), "d1"); !errors.Is(err, openswf.ErrNotFound) {
		t.Errorf("GetDomain: got %v, want ErrNotFound", err)
	}
}

func TestStore_CloseDrainsQueue(t *testing.T) {
	// Writes queued before Close commit and are answered; Close waits for them.
	path := filepath.Join(t.TempDir(), "openswf.db")
	s, err := sqlite.Open(t.Context(), path, sqlite.Options{})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	release, err := s.HoldWriter(t.Context())
	if err != nil {
		t.Fatalf("HoldWriter: %v", err)
	}
	const n = 20
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			errs[i] = s.CreateDomain(t.Context(), &openswf.Domain{Name: fmt.Sprintf("d%02d", i), Status: openswf.StatusRegistered})
		})
	}
	waitFor(t, func() bool { return s.Queued() == n })
	closed := make(chan error, 1)
	go func() { closed <- s.Close() }()
	release()
	if err := <-closed; err != nil {
		t.Fatalf("Close: %v", err)
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("CreateDomain %d: %v", i, err)
		}
	}
	s = mustOpen(t, path, sqlite.Options{})
	ds, err := s.ListDomains(t.Context(), openswf.StatusRegistered, "", 100, false)
	if err != nil {
		t.Fatalf("ListDomains: %v", err)
	}
	if len(ds) != n {
		t.Errorf("domains after reopen: got %d, want %d", len(ds), n)
	}
}

func BenchmarkRecordHeartbeat(b *testing.B) {
	for _, workers := range []int{1, 64, 1024} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			s := mustOpen(b, filepath.Join(b.TempDir(), "openswf.db"), sqlite.Options{})
			const activities = 1024
			startActivities(b, s, activities)
			var next atomic.Int64
			before := s.Stats()
			b.SetParallelism(max(1, workers/runtime.GOMAXPROCS(0)))
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				id := 10 + 2*(next.Add(1)%activities)
				details := "progress"
				for pb.Next() {
					if _, err := s.RecordHeartbeat(context.Background(), "run1", id, id+1, &details, t0); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.StopTimer()
			st := s.Stats()
			if batches := st.Batches - before.Batches; batches > 0 {
				b.ReportMetric(float64(st.Ops-before.Ops)/float64(batches), "ops/batch")
			}
		})
	}
}

func BenchmarkApply(b *testing.B) {
	s := mustOpen(b, filepath.Join(b.TempDir(), "openswf.db"), sqlite.Options{})
	var runs atomic.Int64
	before := s.Stats()
	b.SetParallelism(32)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		runID := fmt.Sprintf("run%d", runs.Add(1))
		x := &openswf.Execution{Domain: "d1", WorkflowID: runID, RunID: runID, Version: 1, Open: true, StartedAt: t0, NextEventID: 1}
		tr := &openswf.Transition{Execution: x, Create: true}
		for pb.Next() {
			id := x.NextEventID
			tr.Events = []openswf.HistoryEvent{
				{ID: id, Time: t0, Type: openswf.EventDecisionTaskCompleted, Attributes: []byte(`{"scheduledEventId":2,"startedEventId":3}`)},
				{ID: id + 1, Time: t0, Type: openswf.EventActivityTaskScheduled, Attributes: []byte(`{"activityId":"a","activityType":{"name":"work","version":"1"}}`)},
			}
			tr.PutActivities = []*openswf.ActivityTask{{Domain: "d1", WorkflowID: runID, RunID: runID, ScheduledID: id + 1,
				ActivityID: "a", TaskList: "tl", ScheduledAt: t0}}
			tr.PutTimers = []openswf.Timer{{TimerKey: openswf.TimerKey{RunID: runID, Kind: openswf.TimerActivityScheduleToClose, ID: id + 1}, Domain: "d1", Due: t0}}
			x.NextEventID += 2
			if err := s.Apply(context.Background(), tr); err != nil {
				b.Error(err)
				return
			}
			x.Version++
			tr.Create = false
		}
	})
	b.StopTimer()
	st := s.Stats()
	if batches := st.Batches - before.Batches; batches > 0 {
		b.ReportMetric(float64(st.Ops-before.Ops)/float64(batches), "ops/batch")
	}
}

// waitFor polls cond until it holds, yielding the processor between tries; it fails the test after a

// generous deadline. It stands in for a sleep where a test must see other goroutines reach a point.

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached before the deadline")
		}
		runtime.Gosched()
	}
}
