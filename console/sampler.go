package console

import (
	"bufio"
	"bytes"
	"io"
	"log/slog"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// DefaultInterval is how often the sampler reads the metrics, and DefaultKeep how long it keeps them.
const (
	DefaultInterval = 5 * time.Second
	DefaultKeep     = 15 * time.Minute
)

// Sampler reads the server's metrics (in the Prometheus text format, as GET /metrics answers them) at an
// interval and keeps the last few minutes of what the overview page charts: request counts per operation,
// heartbeats, open tasks, and the timer lateness and commit time histograms. It keeps the counters as read
// and derives rates and quantiles when asked, so that a sample costs one scrape and a few map entries.
type Sampler struct {
	scrape   func(io.Writer) error
	interval time.Duration
	keep     int // samples
	log      *slog.Logger
	now      func() time.Time

	mu      sync.Mutex
	running bool
	samples []snapshot // oldest first, at most keep+1

	stop chan struct{}
	done chan struct{}
	once sync.Once
}

// snapshot is one reading of the metrics.
type snapshot struct {
	at            time.Time
	requests      map[string]float64 // by operation, every fault included
	faults        float64
	heartbeats    float64
	openActivity  map[string]float64 // by state
	openDecision  map[string]float64 // by state
	timerLateness histogram          // every kind summed
	commit        histogram
}

// histogram is a cumulative Prometheus histogram: counts by upper bound.
type histogram struct {
	buckets map[float64]float64
	sum     float64
	count   float64
}

// NewSampler returns a sampler of scrape's output every interval (DefaultInterval when zero) that keeps
// keep's worth (DefaultKeep when zero). It does nothing until Start.
func NewSampler(scrape func(io.Writer) error, interval, keep time.Duration, log *slog.Logger) *Sampler {
	if interval <= 0 {
		interval = DefaultInterval
	}
	if keep <= 0 {
		keep = DefaultKeep
	}
	if log == nil {
		log = slog.Default()
	}
	return &Sampler{scrape: scrape, interval: interval, keep: int(keep / interval), log: log, now: time.Now,
		stop: make(chan struct{}), done: make(chan struct{})}
}

// Start takes a first sample now and then one every interval until Stop. Call it once at most.
func (s *Sampler) Start() {
	s.mu.Lock()
	s.running = true
	s.mu.Unlock()
	s.Sample()
	go func() {
		defer close(s.done)
		t := time.NewTicker(s.interval)
		defer t.Stop()
		for {
			select {
			case <-s.stop:
				return
			case <-t.C:
				s.Sample()
			}
		}
	}()
}

// Stop ends the sampling and waits for it to end; on a sampler never started it does nothing.
func (s *Sampler) Stop() {
	s.mu.Lock()
	running := s.running
	s.mu.Unlock()
	if !running {
		return
	}
	s.once.Do(func() { close(s.stop) })
	<-s.done
}

// Sample reads the metrics once and keeps what it read.
func (s *Sampler) Sample() {
	var b bytes.Buffer
	if err := s.scrape(&b); err != nil {
		s.log.Warn("console: read metrics", "error", err)
		return
	}
	snap := parseSnapshot(&b)
	snap.at = s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.samples = append(s.samples, snap)
	if over := len(s.samples) - (s.keep + 1); over > 0 {
		s.samples = append(s.samples[:0], s.samples[over:]...)
	}
}

// Series is what GET /ui/api/metrics answers: one point per interval between two samples.
type Series struct {
	IntervalSeconds float64 `json:"intervalSeconds"`
	Points          []Point `json:"points"`
}

// Point is one interval's figures, at its end (epoch seconds).
type Point struct {
	Time float64 `json:"t"`
	// Requests is requests per second by operation over the interval; operations with none are left out.
	Requests map[string]float64 `json:"requests"`
	// Faults is requests answered with a fault, per second.
	Faults float64 `json:"faults"`
	// Heartbeats is heartbeats accepted per second.
	Heartbeats float64 `json:"heartbeats"`
	// OpenActivityTasks and OpenDecisionTasks are the open tasks by state at the interval's end.
	OpenActivityTasks map[string]float64 `json:"openActivityTasks"`
	OpenDecisionTasks map[string]float64 `json:"openDecisionTasks"`
	// TimerLateness and Commit summarise the timers fired and the commits made in the interval.
	TimerLateness Summary `json:"timerLateness"`
	Commit        Summary `json:"commit"`
}

// Summary describes the observations of a histogram in one interval, in seconds. P99 is estimated from the
// buckets (linear within a bucket); Mean and P99 are zero when Count is.
type Summary struct {
	Count float64 `json:"count"`
	Mean  float64 `json:"mean"`
	P99   float64 `json:"p99"`
}

// Series returns the points of the samples kept, oldest first.
func (s *Sampler) Series() Series {
	s.mu.Lock()
	// A copy: Sample trims the slice in place. The snapshots' maps are never written once kept.
	samples := slices.Clone(s.samples)
	s.mu.Unlock()
	out := Series{IntervalSeconds: s.interval.Seconds(), Points: []Point{}}
	for i := 1; i < len(samples); i++ {
		a, b := samples[i-1], samples[i]
		dt := b.at.Sub(a.at).Seconds()
		if dt <= 0 {
			continue
		}
		p := Point{Time: float64(b.at.UnixMilli()) / 1000, Requests: map[string]float64{},
			OpenActivityTasks: b.openActivity, OpenDecisionTasks: b.openDecision,
			Faults: rate(a.faults, b.faults, dt), Heartbeats: rate(a.heartbeats, b.heartbeats, dt),
			TimerLateness: summarise(a.timerLateness, b.timerLateness), Commit: summarise(a.commit, b.commit)}
		for op, n := range b.requests {
			if r := rate(a.requests[op], n, dt); r > 0 {
				p.Requests[op] = r
			}
		}
		out.Points = append(out.Points, p)
	}
	return out
}

// rate is a counter's increase per second; a counter that went down (a restarted registry) counts from 0.
func rate(a, b, dt float64) float64 {
	if b < a {
		a = 0
	}
	return (b - a) / dt
}

// summarise describes the observations between two readings of one histogram.
func summarise(a, b histogram) Summary {
	n := b.count - a.count
	if n <= 0 || b.count < a.count {
		return Summary{}
	}
	sum := Summary{Count: n, Mean: (b.sum - a.sum) / n}
	bounds := make([]float64, 0, len(b.buckets))
	for le := range b.buckets {
		bounds = append(bounds, le)
	}
	sort.Float64s(bounds)
	target := 0.99 * n
	prevBound, prevCount := 0.0, 0.0
	for _, le := range bounds {
		c := b.buckets[le] - a.buckets[le]
		if c >= target {
			if math.IsInf(le, 1) {
				sum.P99 = prevBound // past the last bound: the best one can say
			} else if c > prevCount {
				sum.P99 = prevBound + (le-prevBound)*(target-prevCount)/(c-prevCount)
			} else {
				sum.P99 = le
			}
			break
		}
		prevBound, prevCount = le, c
	}
	return sum
}

// parseSnapshot reads the families the overview charts from the text format; it ignores every other line.
func parseSnapshot(r io.Reader) snapshot {
	s := snapshot{requests: map[string]float64{}, openActivity: map[string]float64{}, openDecision: map[string]float64{},
		timerLateness: histogram{buckets: map[float64]float64{}}, commit: histogram{buckets: map[float64]float64{}}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		name, labels, value, ok := parseLine(line)
		if !ok {
			continue
		}
		switch name {
		case "openswf_requests_total":
			s.requests[labels["op"]] += value
			if labels["fault"] != "" {
				s.faults += value
			}
		case "openswf_heartbeats_total":
			s.heartbeats += value
		case "openswf_open_activity_tasks":
			s.openActivity[labels["state"]] += value
		case "openswf_open_decision_tasks":
			s.openDecision[labels["state"]] += value
		case "openswf_timer_lateness_seconds_bucket", "openswf_timer_lateness_seconds_sum", "openswf_timer_lateness_seconds_count":
			s.timerLateness.add(strings.TrimPrefix(name, "openswf_timer_lateness_seconds_"), labels, value)
		case "openswf_commit_duration_seconds_bucket", "openswf_commit_duration_seconds_sum", "openswf_commit_duration_seconds_count":
			s.commit.add(strings.TrimPrefix(name, "openswf_commit_duration_seconds_"), labels, value)
		}
	}
	return s
}

func (h *histogram) add(part string, labels map[string]string, v float64) {
	switch part {
	case "bucket":
		le, err := strconv.ParseFloat(labels["le"], 64)
		if err == nil {
			h.buckets[le] += v
		}
	case "sum":
		h.sum += v
	case "count":
		h.count += v
	}
}

// parseLine splits a sample line, name{a="x",b="y"} value [timestamp], into its parts.
func parseLine(line string) (name string, labels map[string]string, value float64, ok bool) {
	rest := line
	i := strings.IndexAny(rest, "{ ")
	if i <= 0 {
		return "", nil, 0, false
	}
	name, rest = rest[:i], rest[i:]
	labels = map[string]string{}
	if rest[0] == '{' {
		rest = rest[1:]
		for {
			rest = strings.TrimLeft(rest, ", ")
			if rest == "" {
				return "", nil, 0, false
			}
			if rest[0] == '}' {
				rest = rest[1:]
				break
			}
			eq := strings.Index(rest, `="`)
			if eq <= 0 {
				return "", nil, 0, false
			}
			key := rest[:eq]
			rest = rest[eq+2:]
			var val strings.Builder
			closed := false
			for j := 0; j < len(rest); j++ {
				c := rest[j]
				if c == '\\' && j+1 < len(rest) {
					j++
					switch rest[j] {
					case 'n':
						val.WriteByte('\n')
					default:
						val.WriteByte(rest[j])
					}
					continue
				}
				if c == '"' {
					rest = rest[j+1:]
					closed = true
					break
				}
				val.WriteByte(c)
			}
			if !closed {
				return "", nil, 0, false
			}
			labels[key] = val.String()
		}
	}
	fields := strings.Fields(rest)
	if len(fields) == 0 {
		return "", nil, 0, false
	}
	v, err := strconv.ParseFloat(fields[0], 64)
	if err != nil {
		return "", nil, 0, false
	}
	return name, labels, v, true
}
