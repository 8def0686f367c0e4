package bench

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

func TestPercentile_NearestRank(t *testing.T) {
	sorted := make([]time.Duration, 100)
	for i := range sorted {
		sorted[i] = time.Duration(i+1) * time.Millisecond // 1ms … 100ms
	}
	for _, tc := range []struct {
		p    float64
		want time.Duration
	}{
		{0, 1 * time.Millisecond},
		{1, 1 * time.Millisecond},
		{50, 50 * time.Millisecond},
		{50.5, 51 * time.Millisecond},
		{99, 99 * time.Millisecond},
		{99.9, 100 * time.Millisecond},
		{100, 100 * time.Millisecond},
		{150, 100 * time.Millisecond}, // clamped
		{-5, 1 * time.Millisecond},    // clamped
	} {
		if got := Percentile(sorted, tc.p); got != tc.want {
			t.Errorf("Percentile(1..100ms, %v) = %v, want %v", tc.p, got, tc.want)
		}
	}
}

func TestPercentile_SmallSets(t *testing.T) {
	if got := Percentile(nil, 50); got != 0 {
		t.Errorf("Percentile(nil, 50) = %v, want 0", got)
	}
	one := []time.Duration{7}
	for _, p := range []float64{0, 50, 99, 100} {
		if got := Percentile(one, p); got != 7 {
			t.Errorf("Percentile([7], %v) = %v, want 7", p, got)
		}
	}
	two := []time.Duration{1, 2}
	if got := Percentile(two, 50); got != 1 {
		t.Errorf("Percentile([1 2], 50) = %v, want 1", got)
	}
	if got := Percentile(two, 51); got != 2 {
		t.Errorf("Percentile([1 2], 51) = %v, want 2", got)
	}
}

func TestSummarize_SortsAndSummarizes(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	samples := make([]time.Duration, 1000)
	for i := range samples {
		samples[i] = time.Duration(i) * time.Microsecond // 0 … 999µs
	}
	r.Shuffle(len(samples), func(i, j int) { samples[i], samples[j] = samples[j], samples[i] })
	samples = append(samples, -3*time.Millisecond) // lateness may be negative
	s := Summarize(samples)
	if !slices.IsSorted(samples) {
		t.Error("Summarize did not sort its samples")
	}
	sum := float64(999*1000/2*int64(time.Microsecond) - 3*int64(time.Millisecond))
	want := Summary{
		Count: 1001, P50: 499 * time.Microsecond, P99: 989 * time.Microsecond, Max: 999 * time.Microsecond,
		Min: -3 * time.Millisecond, Mean: time.Duration(sum / 1001),
	}
	if s != want {
		t.Errorf("Summarize = %+v, want %+v", s, want)
	}
	if got := Summarize(nil); got != (Summary{}) {
		t.Errorf("Summarize(nil) = %+v, want zero", got)
	}
}

func TestMedian(t *testing.T) {
	for _, tc := range []struct {
		in   []float64
		want float64
	}{
		{nil, 0},
		{[]float64{3}, 3},
		{[]float64{5, 1, 3}, 3},
		{[]float64{4, 1, 3, 2}, 2.5},
	} {
		in := slices.Clone(tc.in)
		if got := median(tc.in); got != tc.want {
			t.Errorf("median(%v) = %v, want %v", tc.in, got, tc.want)
		}
		if !slices.Equal(in, tc.in) {
			t.Errorf("median changed its input: %v, was %v", tc.in, in)
		}
	}
	if got := median([]time.Duration{3, 1, 2}); got != 2 {
		t.Errorf("median of durations = %v, want 2", got)
	}
}
