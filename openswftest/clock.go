package openswftest

import (
	"sync"
	"time"
)

// Clock is a manual openswf.Clock: time moves only when Advance is called, and waits registered with After
// complete when it passes their deadline.
type Clock struct {
	mu      sync.Mutex
	now     time.Time
	waiters []*clockWaiter
}

type clockWaiter struct {
	due time.Time
	ch  chan time.Time
}

// NewClock returns a manual clock set to start.
func NewClock(start time.Time) *Clock { return &Clock{now: start} }

// Now reports the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// After returns a channel that receives when the clock has advanced by d.
func (c *Clock) After(d time.Duration) (<-chan time.Time, func()) {
	c.mu.Lock()
	defer c.mu.Unlock()
	w := &clockWaiter{due: c.now.Add(d), ch: make(chan time.Time, 1)}
	if d <= 0 {
		w.ch <- c.now
		return w.ch, func() {}
	}
	c.waiters = append(c.waiters, w)
	return w.ch, func() { c.remove(w) }
}

func (c *Clock) remove(w *clockWaiter) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, o := range c.waiters {
		if o == w {
			c.waiters = append(c.waiters[:i], c.waiters[i+1:]...)
			return
		}
	}
}

// Advance moves the clock forward by d and completes the waits that came due.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	kept := c.waiters[:0]
	for _, w := range c.waiters {
		if !w.due.After(c.now) {
			w.ch <- c.now
			continue
		}
		kept = append(kept, w)
	}
	c.waiters = kept
}

// Waiters reports how many waits are pending, so a test can wait until a poller is parked before it acts.
func (c *Clock) Waiters() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.waiters)
}
