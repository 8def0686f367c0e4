package bench

import (
	"math"
	"slices"
	"time"
)

// Summary describes a set of duration samples: latencies, or the lateness of timeouts (which may be
// negative when an event is recorded before its computed deadline).
type Summary struct {
	// Count is the number of samples.
	Count int
	// P50, P99 and Max are the 50th and 99th percentiles (nearest rank) and the largest sample.
	P50, P99, Max time.Duration
	// Min is the smallest sample.
	Min time.Duration
	// Mean is the arithmetic mean.
	Mean time.Duration
}

// Summarize sorts samples in place and summarizes them; the zero Summary when there are none. Exact
// percentiles from sorted samples are cheap at the sizes the bench produces (a few million samples at most:
// 8 bytes each, one sort at the end of a run).
func Summarize(samples []time.Duration) Summary {
	if len(samples) == 0 {
		return Summary{}
	}
	slices.Sort(samples)
	var sum float64
	for _, s := range samples {
		sum += float64(s)
	}
	return Summary{
		Count: len(samples),
		P50:   Percentile(samples, 50),
		P99:   Percentile(samples, 99),
		Max:   samples[len(samples)-1],
		Min:   samples[0],
		Mean:  time.Duration(sum / float64(len(samples))),
	}
}

// Percentile returns the p-th percentile of sorted samples by the nearest-rank method: the smallest sample
// such that at least p percent of the samples are less than or equal to it. p is clamped to [0, 100]; p = 0
// gives the smallest sample. It returns 0 for no samples.
func Percentile(sorted []time.Duration, p float64) time.Duration {
	n := len(sorted)
	if n == 0 {
		return 0
	}
	p = max(0, min(100, p))
	rank := int(math.Ceil(p / 100 * float64(n)))
	return sorted[max(0, min(n-1, rank-1))]
}

// median returns the median of xs (the mean of the two middle values for an even count); xs is not changed.
func median[T ~int64 | ~float64](xs []T) T {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
