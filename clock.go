package openswf

import "time"

// Clock is the engine's only source of time. Production code uses SystemClock; tests use a manual clock so that
// timeouts can be driven without sleeping.
type Clock interface {
	// Now reports the current time.
	Now() time.Time
	// After returns a channel that receives once d has elapsed on this clock, and a function that releases the
	// wait early. Callers must call stop when they no longer wait.
	After(d time.Duration) (ch <-chan time.Time, stop func())
}

// SystemClock is the wall clock.
type SystemClock struct{}

// Now reports the wall-clock time.
func (SystemClock) Now() time.Time { return time.Now() }

// After waits on a real timer.
func (SystemClock) After(d time.Duration) (<-chan time.Time, func()) {
	t := time.NewTimer(d)
	return t.C, func() { t.Stop() }
}
