package sfn

import "time"

// HoldWorkAnswers makes the integration workers, after doing each task's work, wait for release (or a
// minute) before they record its answer, until restore is called. Call it before the server starts.
func HoldWorkAnswers(release <-chan struct{}) (restore func()) {
	workDone = func(workOrder) {
		select {
		case <-release:
		case <-time.After(time.Minute):
		}
	}
	return func() { workDone = nil }
}
