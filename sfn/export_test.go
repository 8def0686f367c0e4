package sfn

import (
	"time"

	"github.com/openswf/openswf/asl"
)

// HoldWorkAnswers makes the integration workers, after doing each task's work, wait for release (or a
// minute) before they record its answer, until restore is called: true records the answer, false a
// failure in its place (as a retried request that found its child closed would). Call it before the
// server starts.
func HoldWorkAnswers(release <-chan bool) (restore func()) {
	workDone = func(workOrder) *asl.Failure {
		select {
		case ok := <-release:
			if !ok {
				cause := "injected by the test"
				return &asl.Failure{Name: "StepFunctions.ExecutionAlreadyExistsException", Cause: &cause}
			}
		case <-time.After(time.Minute):
		}
		return nil
	}
	return func() { workDone = nil }
}
