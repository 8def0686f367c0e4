package metrics

import (
	"time"

	"github.com/openswf/openswf"
)

// Bucket upper bounds of openswf's histograms, in seconds or ops.
var (
	// requestBuckets reach past the longest long poll (a 55 s hold by default, 60 s at most with clients'
	// read timeouts) and down to a loopback heartbeat.
	requestBuckets = []float64{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60}
	// latenessBuckets bracket the timer targets: p99 within 20 ms, never more than 100 ms.
	latenessBuckets = []float64{0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}
	// batchBuckets go up to the SQLite store's largest batch, 512 by default.
	batchBuckets = ExponentialBuckets(1, 2, 11) // 1, 2, 4, … 1024
	// commitBuckets run from a group commit without a disk flush to one stuck behind a slow disk.
	commitBuckets = []float64{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}
)

// Set is openswf's metrics, registered on a Registry. It is the Observer of the engine (Heartbeat,
// TimerFired) and of the SQLite store (Commit), and ObserveRequest is awsjson.Options.Observe. The
// methods are safe for concurrent use and do not allocate.
type Set struct {
	requests      *CounterVec   // op, fault
	requestTime   *HistogramVec // op
	heartbeats    *Counter
	timersFired   *CounterVec   // kind
	timerLateness *HistogramVec // kind
	batchSize     *Histogram
	commitTime    *Histogram
}

// NewSet registers openswf's metrics on r:
//
//	openswf_requests_total{op,fault}          requests answered; fault "" on success
//	openswf_request_duration_seconds{op}      time to answer, long polls included
//	openswf_heartbeats_total                  heartbeats accepted
//	openswf_timers_fired_total{kind}          durable timers acted on
//	openswf_timer_lateness_seconds{kind}      how long after its deadline a timer was acted on
//	openswf_commit_batch_size                 writes per group commit
//	openswf_commit_duration_seconds           time per group commit, fsync included
//
// RegisterOpenTasks adds the open task gauges and RegisterRuntime the process basics.
func NewSet(r *Registry) *Set {
	return &Set{
		requests: r.NewCounterVec("openswf_requests_total",
			`API requests answered, by operation ("" if the target named none) and fault code ("" on success).`,
			"op", "fault"),
		requestTime: r.NewHistogramVec("openswf_request_duration_seconds",
			"Time from receiving an API request to answering it, long-poll waits included, by operation.",
			requestBuckets, "op"),
		heartbeats: r.NewCounter("openswf_heartbeats_total",
			"Activity task heartbeats accepted."),
		timersFired: r.NewCounterVec("openswf_timers_fired_total",
			"Durable timers acted on (timeouts and user timers), by kind; timers that found nothing to do are not counted.",
			"kind"),
		timerLateness: r.NewHistogramVec("openswf_timer_lateness_seconds",
			"How long after its deadline a durable timer was acted on, by kind.",
			latenessBuckets, "kind"),
		batchSize: r.NewHistogram("openswf_commit_batch_size",
			"Writes committed together in one SQLite transaction (group commit).",
			batchBuckets),
		commitTime: r.NewHistogram("openswf_commit_duration_seconds",
			"Time of one SQLite group commit, from BEGIN through the fsync of COMMIT.",
			commitBuckets),
	}
}

// ObserveRequest counts a request answered with fault ("" on success) after d; it has the signature of
// awsjson.Options.Observe.
func (s *Set) ObserveRequest(op, fault string, d time.Duration) {
	s.requests.With(op, fault).Inc()
	s.requestTime.With(op).ObserveDuration(d)
}

// Heartbeat counts an accepted heartbeat (engine.Observer).
func (s *Set) Heartbeat() { s.heartbeats.Inc() }

// TimerFired counts a timer acted on and records its lateness (engine.Observer).
func (s *Set) TimerFired(kind openswf.TimerKind, lateness time.Duration) {
	s.timersFired.With(string(kind)).Inc()
	s.timerLateness.With(string(kind)).ObserveDuration(lateness)
}

// Commit records a group commit's size and time (sqlite.Observer).
func (s *Set) Commit(ops int, d time.Duration) {
	s.batchSize.Observe(float64(ops))
	s.commitTime.ObserveDuration(d)
}
