package metrics

import (
	"bytes"
	"os"
	"runtime"
	"strconv"
)

// RegisterRuntime registers the Go runtime and process basics under their usual Prometheus names:
// go_goroutines, go_memstats_heap_inuse_bytes and process_resident_memory_bytes (from /proc/self/status,
// absent where there is no /proc).
func RegisterRuntime(r *Registry) {
	r.NewGaugeFunc("go_goroutines", "Number of goroutines that currently exist.",
		func() float64 { return float64(runtime.NumGoroutine()) })
	// ReadMemStats stops the world for a few microseconds: a price paid once per scrape.
	r.NewGaugeFunc("go_memstats_heap_inuse_bytes", "Number of heap bytes that are in use.",
		func() float64 {
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			return float64(m.HeapInuse)
		})
	r.NewGaugeVecFunc("process_resident_memory_bytes", "Resident memory size in bytes.", nil,
		func(emit func(float64, ...string)) {
			if b, err := os.ReadFile("/proc/self/status"); err == nil {
				if n, ok := parseVmRSS(b); ok {
					emit(float64(n))
				}
			}
		})
}

// parseVmRSS finds the VmRSS line of a /proc/<pid>/status file ("VmRSS:\t  123456 kB") and returns it in
// bytes.
func parseVmRSS(status []byte) (int64, bool) {
	for line := range bytes.Lines(status) {
		rest, ok := bytes.CutPrefix(line, []byte("VmRSS:"))
		if !ok {
			continue
		}
		f := bytes.Fields(rest)
		if len(f) != 2 || string(f[1]) != "kB" {
			return 0, false
		}
		n, err := strconv.ParseInt(string(f[0]), 10, 64)
		if err != nil {
			return 0, false
		}
		return n * 1024, true
	}
	return 0, false
}
