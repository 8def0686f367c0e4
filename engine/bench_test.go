package engine_test

import (
	"testing"

	"github.com/openswf/openswf"
)

// BenchmarkEngine_StartActivityInWideRun measures handing out activity tasks of a run that has a thousand
// open: the cost of a transition must not grow with the run's open activities.
func BenchmarkEngine_StartActivityInWideRun(b *testing.B) {
	h := newHarness(b)
	for b.Loop() {
		b.StopTimer()
		h.start("w" + itoa(int(h.clock.Now().UnixNano()%1e9)))
		ds := make([]openswf.Decision, 1000)
		for i := range ds {
			ds[i] = schedule("a" + itoa(i))
		}
		h.respond(h.pollDecision(), ds...)
		b.StartTimer()
		for range 1000 {
			h.pollActivity()
		}
		b.StopTimer()
		h.advance(1)
		b.StartTimer()
	}
}
