package console

import (
	"fmt"
	"io"
	"math"
	"strings"
	"testing"
	"time"
)

// fakeMetrics is a registry's text output whose figures a test moves.
type fakeMetrics struct {
	heartbeats, listDomains, faults float64
	commitBuckets                   [3]float64 // le 0.001, 0.01, +Inf (cumulative)
	commitSum                       float64
}

func (f *fakeMetrics) write(w io.Writer) error {
	_, err := fmt.Fprintf(w, `# HELP openswf_heartbeats_total Activity task heartbeats accepted.
# TYPE openswf_heartbeats_total counter
openswf_heartbeats_total %g
openswf_requests_total{op="ListDomains",fault=""} %g
openswf_requests_total{op="ListDomains",fault="UnknownResourceFault"} %g
openswf_requests_total{op="odd \"op\"\\n",fault=""} 1
openswf_open_activity_tasks{state="scheduled"} 2
openswf_open_activity_tasks{state="started"} 5
openswf_open_decision_tasks{state="scheduled"} 1
openswf_commit_duration_seconds_bucket{le="0.001"} %g
openswf_commit_duration_seconds_bucket{le="0.01"} %g
openswf_commit_duration_seconds_bucket{le="+Inf"} %g
openswf_commit_duration_seconds_sum %g
openswf_commit_duration_seconds_count %g
openswf_timer_lateness_seconds_bucket{kind="activity",le="0.01"} 0
openswf_timer_lateness_seconds_bucket{kind="activity",le="+Inf"} 0
openswf_timer_lateness_seconds_sum{kind="activity"} 0
openswf_timer_lateness_seconds_count{kind="activity"} 0
openswf_unrelated 42
`, f.heartbeats, f.listDomains, f.faults, f.commitBuckets[0], f.commitBuckets[1], f.commitBuckets[2], f.commitSum, f.commitBuckets[2])
	return err
}

func TestSampler_RatesAndSummaries(t *testing.T) {
	f := &fakeMetrics{}
	s := NewSampler(f.write, 5*time.Second, time.Minute, nil)
	now := time.Unix(1_800_000_000, 0)
	s.now = func() time.Time { return now }
	s.Sample()
	now = now.Add(5 * time.Second)
	f.heartbeats, f.listDomains, f.faults = 50, 10, 5
	// 100 commits: 90 under 1 ms, 10 between 1 and 10 ms.
	f.commitBuckets = [3]float64{90, 100, 100}
	f.commitSum = 0.2
	s.Sample()
	got := s.Series()
	if len(got.Points) != 1 {
		t.Fatalf("points after two samples: got %d, want 1", len(got.Points))
	}
	p := got.Points[0]
	if p.Time != 1_800_000_005 || p.Heartbeats != 10 || p.Requests["ListDomains"] != 3 || p.Faults != 1 {
		t.Errorf("point: got t=%v heartbeats=%v/s ListDomains=%v/s faults=%v/s, want 1800000005, 10, 3, 1", p.Time, p.Heartbeats, p.Requests["ListDomains"], p.Faults)
	}
	if _, ok := p.Requests["odd \"op\"\n"]; ok {
		t.Errorf("an operation with no new requests is listed: %v", p.Requests)
	}
	if p.OpenActivityTasks["started"] != 5 || p.OpenActivityTasks["scheduled"] != 2 || p.OpenDecisionTasks["scheduled"] != 1 {
		t.Errorf("open tasks: got %v and %v", p.OpenActivityTasks, p.OpenDecisionTasks)
	}
	// p99 of 100: the 99th observation, 9 of the 10 into the (0.001, 0.01] bucket.
	if p.Commit.Count != 100 || math.Abs(p.Commit.Mean-0.002) > 1e-12 || math.Abs(p.Commit.P99-0.0091) > 1e-9 {
		t.Errorf("commit summary: got %+v, want count 100, mean 0.002, p99 0.0091", p.Commit)
	}
	if p.TimerLateness != (Summary{}) {
		t.Errorf("timer lateness with no timers: got %+v, want zeros", p.TimerLateness)
	}
}

func TestSampler_KeepsItsWindow(t *testing.T) {
	f := &fakeMetrics{}
	s := NewSampler(f.write, time.Second, 10*time.Second, nil)
	now := time.Unix(1_800_000_000, 0)
	s.now = func() time.Time { return now }
	for i := 0; i < 30; i++ {
		f.heartbeats += 2
		s.Sample()
		now = now.Add(time.Second)
	}
	got := s.Series()
	if len(got.Points) != 10 {
		t.Fatalf("points kept: got %d, want 10 (ten seconds at one a second)", len(got.Points))
	}
	if last := got.Points[9]; last.Time != 1_800_000_029 || last.Heartbeats != 2 {
		t.Errorf("last point: got t=%v heartbeats=%v, want 1800000029 and 2/s", last.Time, last.Heartbeats)
	}
}

func TestSampler_CounterReset(t *testing.T) {
	f := &fakeMetrics{heartbeats: 100}
	s := NewSampler(f.write, time.Second, time.Minute, nil)
	now := time.Unix(1_800_000_000, 0)
	s.now = func() time.Time { return now }
	s.Sample()
	f.heartbeats = 3
	now = now.Add(time.Second)
	s.Sample()
	if got := s.Series().Points[0].Heartbeats; got != 3 {
		t.Errorf("rate after a reset: got %v, want 3 (counted from zero)", got)
	}
}

func TestSampler_StartStop(t *testing.T) {
	scrapes := make(chan struct{}, 100)
	s := NewSampler(func(w io.Writer) error {
		scrapes <- struct{}{}
		return nil
	}, 10*time.Millisecond, time.Second, nil)
	s.Stop() // never started: returns at once
	s.Start()
	for i := 0; i < 3; i++ {
		select {
		case <-scrapes:
		case <-time.After(5 * time.Second):
			t.Fatal("the sampler does not sample")
		}
	}
	s.Stop()
	s.Stop()
	for len(scrapes) > 0 {
		<-scrapes
	}
	time.Sleep(30 * time.Millisecond)
	if len(scrapes) != 0 {
		t.Error("the sampler still samples after Stop")
	}
}

func TestParseLine(t *testing.T) {
	for _, tt := range []struct {
		line   string
		name   string
		labels string
		value  float64
		ok     bool
	}{
		{`a_total 3`, "a_total", "map[]", 3, true},
		{`a{x="1",y="two"} 4.5`, "a", "map[x:1 y:two]", 4.5, true},
		{`a{x="q\"u\\o\nte"} 1 1700000000000`, "a", "map[x:q\"u\\o\nte]", 1, true},
		{`a{le="+Inf"} +Inf`, "a", "map[le:+Inf]", math.Inf(1), true},
		{`a{x="1" 4`, "", "", 0, false},
		{`a{x=1} 4`, "", "", 0, false},
		{`a nope`, "", "", 0, false},
		{`{x="1"} 4`, "", "", 0, false},
	} {
		name, labels, v, ok := parseLine(tt.line)
		if ok != tt.ok || (ok && (name != tt.name || fmt.Sprint(labels) != tt.labels || v != tt.value)) {
			t.Errorf("parseLine(%q) = %q %v %v %v, want %q %s %v %v", tt.line, name, labels, v, ok, tt.name, tt.labels, tt.value, tt.ok)
		}
	}
	if !strings.HasPrefix(fmt.Sprint(parseSnapshot(strings.NewReader("# comment\n\nbad line\n")).requests), "map[]") {
		t.Error("parseSnapshot of no sample: want nothing read")
	}
}

// Series may be read while samples are taken and the oldest dropped (go test -race).
func TestSampler_ConcurrentReads(t *testing.T) {
	f := &fakeMetrics{}
	s := NewSampler(f.write, time.Second, 3*time.Second, nil)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; i < 500; i++ {
			s.Sample()
		}
	}()
	for {
		select {
		case <-done:
			if n := len(s.Series().Points); n > 3 {
				t.Errorf("points kept: got %d, want at most 3", n)
			}
			return
		default:
			for _, p := range s.Series().Points {
				_ = p.Requests["ListDomains"]
			}
		}
	}
}
