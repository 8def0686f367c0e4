package postgres_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/openswf/openswf"
	"github.com/openswf/openswf/postgres"
	"github.com/openswf/openswf/postgres/pgtest"
)

// TestStore_DeadlocksAreRetried has two stores commit groups of transitions of the same two runs in
// opposite orders at once, which deadlocks in the database: the store runs the loser again, and its caller
// sees only the version conflict that the engine expects (never the deadlock).
func TestStore_DeadlocksAreRetried(t *testing.T) {
	url := pgtest.Schema(t)
	s1 := openStore(t, url, postgres.Options{NodeID: "one"})
	s2 := openStore(t, url, postgres.Options{NodeID: "two"})
	ctx := context.Background()
	a := &openswf.Execution{Domain: "d", WorkflowID: "a", RunID: "run-a", Version: 1, Open: true, StartedAt: time.Now()}
	b := &openswf.Execution{Domain: "d", WorkflowID: "b", RunID: "run-b", Version: 1, Open: true, StartedAt: time.Now()}
	for _, x := range []*openswf.Execution{a, b} {
		if err := s1.Apply(ctx, &openswf.Transition{Execution: x, Create: true}); err != nil {
			t.Fatal(err)
		}
	}
	next := func(x *openswf.Execution, v int64) *openswf.Execution {
		y := *x
		y.Version = v
		return &y
	}
	version := int64(1)
	for round := 0; round < 10 && s1.Stats().Retries+s2.Stats().Retries == 0; round++ {
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i, s := range []*postgres.Store{s1, s2} {
			first, second := a, b
			if i == 1 {
				first, second = b, a
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				// A group goes in one pipeline: the first run's record, its many events (which take a
				// while to insert, holding the first run's row lock), then the second run's record.
				var events []openswf.HistoryEvent
				for j := range 3000 {
					events = append(events, openswf.HistoryEvent{ID: version*100000 + int64(i*10000+j), Time: time.Now(),
						Type: openswf.EventType("MarkerRecorded"), Attributes: []byte(`{}`)})
				}
				errs[i] = s.Apply(ctx, &openswf.Transition{Execution: next(first, version+1), Events: events,
					Also: []*openswf.Transition{{Execution: next(second, version+1)}}})
			}()
		}
		wg.Wait()
		won := 0
		for i, err := range errs {
			switch {
			case err == nil:
				won++
			case !errors.Is(err, openswf.ErrConflict):
				t.Fatalf("round %d, store %d: %v; want success or a version conflict", round, i+1, err)
			}
		}
		if won != 1 {
			t.Fatalf("round %d: %d groups committed, want exactly one (errors %v)", round, won, errs)
		}
		version++
	}
	if r := s1.Stats().Retries + s2.Stats().Retries; r == 0 {
		t.Fatalf("no deadlock in 10 rounds of opposite-order groups: the test did not test retries")
	}
}

// TestStore_LostConnection cuts the store's connections to the database: writes in flight and writes
// during the cut fail with a retryable fault (openswf.KindUnavailable), and once the database is
// reachable again the pool opens new connections by itself and writes succeed.
func TestStore_LostConnection(t *testing.T) {
	dbURL := pgtest.Schema(t)
	proxy := newCutProxy(t, dbURL)
	s := openStore(t, proxy.url, postgres.Options{NodeID: "cut"})
	ctx := context.Background()
	x := &openswf.Execution{Domain: "d", WorkflowID: "w", RunID: "run", Version: 1, Open: true, StartedAt: time.Now()}
	if err := s.Apply(ctx, &openswf.Transition{Execution: x, Create: true}); err != nil {
		t.Fatal(err)
	}
	proxy.cut()
	y := *x
	y.Version = 2
	err := s.Apply(ctx, &openswf.Transition{Execution: &y})
	if openswf.KindOf(err) != openswf.KindUnavailable {
		t.Fatalf("Apply with the database cut off: got %v (kind %v), want a KindUnavailable error", err, openswf.KindOf(err))
	}
	if _, err := s.RecordHeartbeat(ctx, "run", 5, 6, nil, time.Now()); openswf.KindOf(err) != openswf.KindUnavailable {
		t.Fatalf("RecordHeartbeat with the database cut off: got %v, want a KindUnavailable error", err)
	}
	proxy.restore()
	deadline := time.Now().Add(10 * time.Second)
	for {
		err = s.Apply(ctx, &openswf.Transition{Execution: &y})
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("Apply 10 s after the database came back: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	got, err := s.GetRun(ctx, "run")
	if err != nil || got.Version != 2 {
		t.Fatalf("GetRun after recovery: %+v, %v; want version 2", got, err)
	}
}
