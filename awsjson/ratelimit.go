package awsjson

import (
	"sync"
	"time"
)

// RateLimiter bounds the requests of each access key to a rate, with a burst of one second's worth: a
// token bucket per key. A request over the rate answers ThrottlingException, which every SDK retries with
// backoff. Its methods are safe for concurrent use.
type RateLimiter struct {
	rate float64 // requests per second
	now  func() time.Time

	mu      sync.Mutex
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	at     time.Time
}

// maxBuckets bounds the keys a limiter tracks: with authentication off the keys are whatever clients
// claim, so past this many the buckets start again (full).
const maxBuckets = 1 << 16

// NewRateLimiter returns a limiter of perSecond requests per access key; now defaults to time.Now.
func NewRateLimiter(perSecond float64, now func() time.Time) *RateLimiter {
	if now == nil {
		now = time.Now
	}
	return &RateLimiter{rate: perSecond, now: now, buckets: map[string]*bucket{}}
}

// Allow takes one request of key from its bucket and reports whether there was one.
func (l *RateLimiter) Allow(key string) bool {
	now := l.now()
	burst := max(l.rate, 1)
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buckets[key]
	if b == nil {
		if len(l.buckets) >= maxBuckets {
			clear(l.buckets)
		}
		b = &bucket{tokens: burst, at: now}
		l.buckets[key] = b
	}
	if d := now.Sub(b.at); d > 0 {
		b.tokens = min(burst, b.tokens+d.Seconds()*l.rate)
		b.at = now
	}
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}
