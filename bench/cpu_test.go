package bench

import (
	"os"
	"testing"
	"time"
)

func TestProcessCPU(t *testing.T) {
	before, ok := processCPU(os.Getpid())
	if !ok {
		t.Skip("no /proc/PID/stat here")
	}
	if _, ok := processCPU(-1); ok {
		t.Error("processCPU(-1) reported a time")
	}
	// Burn CPU until the process's own counter has moved by 100 ms, or give up after 10 s of wall time.
	deadline := time.Now().Add(10 * time.Second)
	x := 0
	for time.Now().Before(deadline) {
		for i := range 1_000_000 {
			x += i ^ x
		}
		if now, _ := processCPU(os.Getpid()); now-before >= 100*time.Millisecond {
			return
		}
	}
	now, _ := processCPU(os.Getpid())
	t.Errorf("CPU time moved %v in 10 s of busy loop (x=%d), want ≥ 100ms", now-before, x)
}
