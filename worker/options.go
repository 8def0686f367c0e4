package worker

import (
	"fmt"
	"log/slog"
	"os"
	"time"
)

// DefaultHeartbeatInterval is how often a task is heartbeaten when neither WithHeartbeatInterval nor the
// activity type's default heartbeat timeout (SWF) gives an interval: often enough that a handler learns of
// a cancellation request within seconds, and that a heartbeat timeout above about 15 s is met.
const DefaultHeartbeatInterval = 10 * time.Second

// DefaultHeartbeatFraction is the part of a known heartbeat timeout after which a heartbeat is sent.
const DefaultHeartbeatFraction = 0.5

// Backoff is how failed calls are retried: after attempt n fails with a throttling or transport error, the
// next waits a random time between 0 and min(Max, Initial·2ⁿ⁻¹) ("full jitter").
type Backoff struct {
	// Initial is the cap of the first wait; 100 ms when zero.
	Initial time.Duration
	// Max caps every wait; 10 s when zero.
	Max time.Duration
	// Attempts bounds the attempts of one heartbeat, answer or DescribeActivityType call, the first one
	// included; 8 when zero. Polls are retried for as long as Run runs.
	Attempts int
}

// An Option changes a worker's configuration.
type Option func(*config)

type config struct {
	pollers           int
	identity          string
	heartbeatInterval time.Duration
	heartbeatFraction float64
	drainTimeout      time.Duration
	backoff           Backoff
	sdkRetries        bool
	metrics           Metrics
	logger            *slog.Logger
	clock             clock
	parked            func(t *Task, due time.Time) // test seam: the heartbeat loop waits until due
	pollTimeout       time.Duration                // pollTimeout but in tests
}

func newConfig(opts []Option) config {
	c := config{
		pollers:           1,
		heartbeatFraction: DefaultHeartbeatFraction,
		backoff:           Backoff{Initial: 100 * time.Millisecond, Max: 10 * time.Second, Attempts: 8},
		metrics:           NopMetrics{},
		logger:            slog.Default(),
		clock:             wallClock{},
		pollTimeout:       pollTimeout,
	}
	host, _ := os.Hostname()
	c.identity = fmt.Sprintf("%s:%d", host, os.Getpid())
	for _, o := range opts {
		o(&c)
	}
	return c
}

// WithPollers sets how many tasks the worker runs at once (1 by default): each of n pollers polls, runs
// the handler on the task it got, answers, and only then polls again, so that the worker never holds a
// task it has no room to start.
func WithPollers(n int) Option {
	return func(c *config) {
		if n > 0 {
			c.pollers = n
		}
	}
}

// WithIdentity sets the identity sent with each poll (SWF identity, Step Functions workerName); by
// default host name and process id ("host:1234"). It is cut to the API's limit (256 and 80 characters).
func WithIdentity(id string) Option { return func(c *config) { c.identity = id } }

// WithHeartbeatInterval sets the interval between automatic heartbeats of every task, whatever the
// activity type says. Set it when deciders give tasks a heartbeat timeout other than the type's default,
// and for Step Functions, whose tasks do not say their HeartbeatSeconds (docs/WORKER.md). A negative
// interval turns automatic heartbeats off: only Task.Heartbeat sends them.
func WithHeartbeatInterval(d time.Duration) Option {
	return func(c *config) { c.heartbeatInterval = d }
}

// WithHeartbeatFraction sets the part of a known heartbeat timeout after which a heartbeat is sent (0.5
// by default); values outside (0, 1) are ignored.
func WithHeartbeatFraction(f float64) Option {
	return func(c *config) {
		if f > 0 && f < 1 {
			c.heartbeatFraction = f
		}
	}
}

// WithDrainTimeout bounds how long Run waits, once its context ends, for running handlers: past it, their
// contexts are cancelled with ErrShutdown (and a handler that gives up so is answered as failed). Zero,
// the default, waits for as long as they run.
func WithDrainTimeout(d time.Duration) Option { return func(c *config) { c.drainTimeout = d } }

// WithBackoff sets how failed calls are retried; zero fields keep their defaults.
func WithBackoff(b Backoff) Option {
	return func(c *config) {
		if b.Initial > 0 {
			c.backoff.Initial = b.Initial
		}
		if b.Max > 0 {
			c.backoff.Max = b.Max
		}
		if b.Attempts > 0 {
			c.backoff.Attempts = b.Attempts
		}
	}
}

// WithSDKRetries leaves retrying to the client's own retryer. By default each call the worker makes is a
// single attempt of the SDK (its retryer is replaced, for these calls only, by aws.NopRetryer) and the
// worker retries it (WithBackoff), so that a failing call is not retried by two policies multiplied
// together. With this option, answers and DescribeActivityType are sent once through the client's
// retryer; a failed heartbeat is still followed by the next one, and a failed poll by another poll, after
// the worker's backoff.
func WithSDKRetries() Option { return func(c *config) { c.sdkRetries = true } }

// WithMetrics sets what receives the worker's events (NopMetrics by default).
func WithMetrics(m Metrics) Option {
	return func(c *config) {
		if m != nil {
			c.metrics = m
		}
	}
}

// WithLogger sets where the worker logs failed calls and answers it gave up on (slog.Default() by
// default).
func WithLogger(l *slog.Logger) Option {
	return func(c *config) {
		if l != nil {
			c.logger = l
		}
	}
}

// withClock sets the clock of the heartbeat loop and the tasks' times (tests).
func withClock(cl clock) Option { return func(c *config) { c.clock = cl } }

// withParked has each heartbeat loop report the time it waits for before it waits (tests).
func withParked(f func(t *Task, due time.Time)) Option { return func(c *config) { c.parked = f } }

// withPollTimeout bounds each poll by d instead of pollTimeout: tests wait milliseconds, not 70 s.
func withPollTimeout(d time.Duration) Option { return func(c *config) { c.pollTimeout = d } }
