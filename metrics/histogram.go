package metrics

import (
	"fmt"
	"math"
	"slices"
	"sync/atomic"
	"time"
)

// Histogram counts observations in fixed buckets and keeps their sum. Observing is a short scan of the
// bucket bounds, one atomic add and a compare-and-swap loop on the sum.
//
// A scrape reads the buckets one after another while observations go on, so one scrape may see an
// observation in the buckets and not yet in the sum; the count it reports is the buckets' total, so that
// _count always equals the +Inf bucket, as Prometheus expects.
type Histogram struct {
	b      *buckets
	counts []atomic.Uint64 // per bucket, not cumulative; the last is the +Inf bucket
	sum    atomic.Uint64   // math.Float64bits of the sum
}

// buckets are the upper bounds a histogram family shares among its children.
type buckets struct {
	upper []float64 // ascending, finite
	le    []string  // upper formatted for the le label, then "+Inf"
}

func newBuckets(name string, upper []float64) *buckets {
	upper = slices.Clone(upper)
	if n := len(upper); n > 0 && math.IsInf(upper[n-1], +1) {
		upper = upper[:n-1] // the +Inf bucket is always there
	}
	b := &buckets{upper: upper}
	for i, u := range upper {
		if math.IsNaN(u) || math.IsInf(u, 0) || (i > 0 && u <= upper[i-1]) {
			panic(fmt.Sprintf("metrics: %s: bucket bounds must be finite and strictly ascending: %v", name, upper))
		}
		b.le = append(b.le, formatFloat(u))
	}
	b.le = append(b.le, "+Inf")
	return b
}

func newHistogram(b *buckets) *Histogram {
	return &Histogram{b: b, counts: make([]atomic.Uint64, len(b.upper)+1)}
}

// Observe records v in the first bucket whose upper bound is at least v.
func (h *Histogram) Observe(v float64) {
	// A linear scan: with a dozen or two bounds it beats a binary search, and small values, the common
	// case of the latencies measured here, stop early. Written as !(v <= u) so that NaN lands in +Inf.
	i := 0
	for i < len(h.b.upper) && !(v <= h.b.upper[i]) {
		i++
	}
	h.counts[i].Add(1)
	for {
		old := h.sum.Load()
		if h.sum.CompareAndSwap(old, math.Float64bits(math.Float64frombits(old)+v)) {
			return
		}
	}
}

// ObserveDuration records d in seconds, the unit Prometheus uses for time.
func (h *Histogram) ObserveDuration(d time.Duration) { h.Observe(d.Seconds()) }

// Count returns the number of observations.
func (h *Histogram) Count() uint64 {
	var n uint64
	for i := range h.counts {
		n += h.counts[i].Load()
	}
	return n
}

// Sum returns the sum of the observations.
func (h *Histogram) Sum() float64 { return math.Float64frombits(h.sum.Load()) }

// write writes the cumulative buckets, the sum and the count.
func (h *Histogram) write(t *textWriter, name string, labels, values []string) {
	var cum uint64
	for i := range h.counts {
		cum += h.counts[i].Load()
		t.uintSample(name+"_bucket", labels, values, "le", h.b.le[i], cum)
	}
	t.floatSample(name+"_sum", labels, values, "", "", h.Sum())
	t.uintSample(name+"_count", labels, values, "", "", cum)
}

// histogramFamily is an unlabelled histogram registered under a name.
type histogramFamily struct {
	d desc
	h *Histogram
}

func (f *histogramFamily) desc() *desc { return &f.d }

func (f *histogramFamily) write(t *textWriter) { f.h.write(t, f.d.name, nil, nil) }

// NewHistogram registers a histogram with the given bucket upper bounds, which must be finite and strictly
// ascending; the +Inf bucket is added (a trailing +Inf given is dropped).
func (r *Registry) NewHistogram(name, help string, upper []float64) *Histogram {
	f := &histogramFamily{d: desc{name: name, help: help, typ: "histogram"}, h: newHistogram(newBuckets(name, upper))}
	r.register(f)
	return f.h
}

// HistogramVec is a family of histograms with the same buckets, told apart by label values.
type HistogramVec struct {
	d desc
	v vec[Histogram]
}

// NewHistogramVec registers a histogram family with the given buckets (as NewHistogram) and label names.
func (r *Registry) NewHistogramVec(name, help string, upper []float64, labels ...string) *HistogramVec {
	labels = slices.Clone(labels)
	b := newBuckets(name, upper)
	hv := &HistogramVec{d: desc{name: name, help: help, typ: "histogram", labels: labels}}
	hv.v = vec[Histogram]{labels: labels, newChild: func() *Histogram { return newHistogram(b) }}
	r.register(hv)
	return hv
}

// With returns the histogram of the given label values, one per label in the order registered. It does
// not allocate once the histogram exists.
func (hv *HistogramVec) With(values ...string) *Histogram { return hv.v.with(values) }

func (hv *HistogramVec) desc() *desc { return &hv.d }

func (hv *HistogramVec) write(t *textWriter) {
	for _, c := range hv.v.snapshot() {
		c.m.write(t, hv.d.name, hv.d.labels, c.values)
	}
}

// ExponentialBuckets returns n upper bounds: start, start×factor, start×factor², …
func ExponentialBuckets(start, factor float64, n int) []float64 {
	b := make([]float64, n)
	for i := range b {
		b[i] = start
		start *= factor
	}
	return b
}
