package worker

import "time"

// clock is the time the heartbeat loop reads, so that tests drive its schedule by hand. After returns a
// channel that receives once d has passed and a function that gives up the wait
// (openswftest.Clock has this shape).
type clock interface {
	Now() time.Time
	After(d time.Duration) (<-chan time.Time, func())
}

// wallClock is the real time.
type wallClock struct{}

func (wallClock) Now() time.Time { return time.Now() }

func (wallClock) After(d time.Duration) (<-chan time.Time, func()) {
	t := time.NewTimer(d)
	return t.C, func() { t.Stop() }
}
