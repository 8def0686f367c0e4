package metrics

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/openswf/openswf"
)

func TestSet_Records(t *testing.T) {
	r := NewRegistry()
	s := NewSet(r)
	s.ObserveRequest("RecordActivityTaskHeartbeat", "", 300*time.Microsecond)
	s.ObserveRequest("RecordActivityTaskHeartbeat", "UnknownResourceFault", 2*time.Millisecond)
	s.Heartbeat()
	s.Heartbeat()
	s.TimerFired(openswf.TimerActivityHeartbeat, 3*time.Millisecond)
	s.Commit(3, 700*time.Microsecond)

	got := text(t, r)
	for _, line := range []string{
		`openswf_requests_total{op="RecordActivityTaskHeartbeat",fault=""} 1`,
		`openswf_requests_total{op="RecordActivityTaskHeartbeat",fault="UnknownResourceFault"} 1`,
		`openswf_request_duration_seconds_bucket{op="RecordActivityTaskHeartbeat",le="0.0005"} 1`,
		`openswf_request_duration_seconds_bucket{op="RecordActivityTaskHeartbeat",le="0.0025"} 2`,
		`openswf_request_duration_seconds_bucket{op="RecordActivityTaskHeartbeat",le="60"} 2`,
		`openswf_request_duration_seconds_count{op="RecordActivityTaskHeartbeat"} 2`,
		`openswf_heartbeats_total 2`,
		`openswf_timers_fired_total{kind="activity.heartbeat"} 1`,
		`openswf_timer_lateness_seconds_bucket{kind="activity.heartbeat",le="0.0025"} 0`,
		`openswf_timer_lateness_seconds_bucket{kind="activity.heartbeat",le="0.005"} 1`,
		`openswf_timer_lateness_seconds_count{kind="activity.heartbeat"} 1`,
		`openswf_commit_batch_size_bucket{le="2"} 0`,
		`openswf_commit_batch_size_bucket{le="4"} 1`,
		`openswf_commit_batch_size_sum 3`,
		`openswf_commit_duration_seconds_bucket{le="0.001"} 1`,
		`openswf_commit_duration_seconds_count 1`,
	} {
		if !strings.Contains(got, "\n"+line+"\n") {
			t.Errorf("no line %s in:\n%s", line, got)
		}
	}
}

// counter is an OpenTaskCounter that counts its calls and answers n or err after delay.
type counter struct {
	calls atomic.Int32
	n     openswf.OpenTaskCounts
	err   error
	delay time.Duration
}

func (c *counter) CountOpenTasks(ctx context.Context) (openswf.OpenTaskCounts, error) {
	c.calls.Add(1)
	select {
	case <-time.After(c.delay):
	case <-ctx.Done():
		return openswf.OpenTaskCounts{}, ctx.Err()
	}
	return c.n, c.err
}

func TestRegisterOpenTasks(t *testing.T) {
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	t.Run("OneCountPerScrape", func(t *testing.T) {
		r := NewRegistry()
		c := &counter{n: openswf.OpenTaskCounts{ActivityScheduled: 3, ActivityStarted: 1000000, DecisionScheduled: 2}}
		RegisterOpenTasks(r, c, OpenTasksOptions{Logger: quiet})
		wantText(t, r, `
# HELP openswf_open_activity_tasks Open activity tasks of every domain, by state: scheduled (waiting for a worker) or started.
# TYPE openswf_open_activity_tasks gauge
openswf_open_activity_tasks{state="scheduled"} 3
openswf_open_activity_tasks{state="started"} 1e+06
# HELP openswf_open_decision_tasks Decision tasks of every domain waiting for a decider (state scheduled).
# TYPE openswf_open_decision_tasks gauge
openswf_open_decision_tasks{state="scheduled"} 2
`)
		text(t, r) // within a second: the same count
		if got := c.calls.Load(); got != 1 {
			t.Errorf("counts for two scrapes within a second: got %d, want 1", got)
		}
	})
	t.Run("FailedCountLeavesGaugesOut", func(t *testing.T) {
		r := NewRegistry()
		RegisterOpenTasks(r, &counter{err: errors.New("disk on fire")}, OpenTasksOptions{Logger: quiet})
		if got := text(t, r); strings.Contains(got, "openswf_open_activity_tasks{") {
			t.Errorf("samples despite a failed count:\n%s", got)
		}
	})
	t.Run("Timeout", func(t *testing.T) {
		r := NewRegistry()
		RegisterOpenTasks(r, &counter{delay: time.Hour}, OpenTasksOptions{Timeout: 10 * time.Millisecond, Logger: quiet})
		start := time.Now()
		got := text(t, r)
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("scrape took %v despite a 10 ms count timeout", d)
		}
		if strings.Contains(got, "openswf_open_decision_tasks{") {
			t.Errorf("samples despite a timed-out count:\n%s", got)
		}
	})
}

// TestRegistry_Concurrent records from many goroutines, each creating children, while others scrape;
// run it with -race. The totals must come out exact.
func TestRegistry_Concurrent(t *testing.T) {
	r := NewRegistry()
	s := NewSet(r)
	const (
		goroutines = 8
		each       = 2000
	)
	var wg sync.WaitGroup
	stop := make(chan struct{})
	var scrapes sync.WaitGroup
	for range 2 {
		scrapes.Add(1)
		go func() {
			defer scrapes.Done()
			for {
				select {
				case <-stop:
					return
				default:
					_ = r.WriteText(io.Discard)
				}
			}
		}()
	}
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				s.ObserveRequest(fmt.Sprintf("Op%d", i%7), []string{"", "UnknownResourceFault"}[(g+i)%2], time.Duration(i)*time.Microsecond)
				s.Heartbeat()
				s.TimerFired(openswf.TimerActivityHeartbeat, time.Millisecond)
				s.Commit(i%600+1, time.Millisecond)
			}
		}()
	}
	wg.Wait()
	close(stop)
	scrapes.Wait()

	var requests uint64
	for _, c := range s.requests.v.snapshot() {
		requests += c.m.Value()
	}
	const total = goroutines * each
	if requests != total {
		t.Errorf("requests counted: got %d, want %d", requests, total)
	}
	if got := len(s.requests.v.snapshot()); got != 14 {
		t.Errorf("request children: got %d, want 14 (7 ops × 2 faults)", got)
	}
	if got := s.heartbeats.Value(); got != total {
		t.Errorf("heartbeats: got %d, want %d", got, total)
	}
	if got := s.timerLateness.With(string(openswf.TimerActivityHeartbeat)).Count(); got != total {
		t.Errorf("lateness observations: got %d, want %d", got, total)
	}
	if got, want := s.commitTime.Sum(), float64(total)*0.001; got < want*0.999999 || got > want*1.000001 {
		t.Errorf("commit time sum: got %v, want %v", got, want)
	}
}

// BenchmarkSet_Request is the metrics cost of one API request as awsjson pays it: the two clock reads and
// ObserveRequest (a counter and a histogram, each found by label values).
func BenchmarkSet_Request(b *testing.B) {
	s := NewSet(NewRegistry())
	b.ReportAllocs()
	for b.Loop() {
		start := time.Now()
		s.ObserveRequest("RecordActivityTaskHeartbeat", "", time.Since(start))
	}
}

// BenchmarkSet_RequestParallel is BenchmarkSet_Request from every P at once, on the same children: the
// contended case of many workers heartbeating.
func BenchmarkSet_RequestParallel(b *testing.B) {
	s := NewSet(NewRegistry())
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			start := time.Now()
			s.ObserveRequest("RecordActivityTaskHeartbeat", "", time.Since(start))
		}
	})
}

// BenchmarkSet_Heartbeat is the engine's per-heartbeat cost.
func BenchmarkSet_Heartbeat(b *testing.B) {
	s := NewSet(NewRegistry())
	b.ReportAllocs()
	for b.Loop() {
		s.Heartbeat()
	}
}

// BenchmarkRegistry_WriteText is one scrape of a node's worth of metrics.
func BenchmarkRegistry_WriteText(b *testing.B) {
	r := NewRegistry()
	s := NewSet(r)
	RegisterRuntime(r)
	for i := range 30 {
		s.ObserveRequest(fmt.Sprintf("Op%d", i), "", time.Millisecond)
		s.ObserveRequest(fmt.Sprintf("Op%d", i), "UnknownResourceFault", time.Millisecond)
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = r.WriteText(io.Discard)
	}
}
