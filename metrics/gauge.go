package metrics

import (
	"math"
	"slices"
	"sync/atomic"
)

// Gauge is a value that goes up and down. The zero value is ready to use and reads 0.
type Gauge struct {
	bits atomic.Uint64 // math.Float64bits of the value
}

// Set sets the value.
func (g *Gauge) Set(v float64) { g.bits.Store(math.Float64bits(v)) }

// Add adds delta (which may be negative).
func (g *Gauge) Add(delta float64) {
	for {
		old := g.bits.Load()
		if g.bits.CompareAndSwap(old, math.Float64bits(math.Float64frombits(old)+delta)) {
			return
		}
	}
}

// Value returns the value.
func (g *Gauge) Value() float64 { return math.Float64frombits(g.bits.Load()) }

// gaugeFamily is an unlabelled gauge registered under a name.
type gaugeFamily struct {
	d desc
	g Gauge
}

func (f *gaugeFamily) desc() *desc { return &f.d }

func (f *gaugeFamily) write(t *textWriter) {
	t.floatSample(f.d.name, nil, nil, "", "", f.g.Value())
}

// NewGauge registers a gauge.
func (r *Registry) NewGauge(name, help string) *Gauge {
	f := &gaugeFamily{d: desc{name: name, help: help, typ: "gauge"}}
	r.register(f)
	return &f.g
}

// NewGaugeFunc registers a gauge whose value fn returns at each scrape. fn must be safe for concurrent use
// and should be quick: the scrape waits for it.
func (r *Registry) NewGaugeFunc(name, help string, fn func() float64) {
	r.NewGaugeVecFunc(name, help, nil, func(emit func(float64, ...string)) { emit(fn()) })
}

// gaugeFuncFamily is a gauge family whose samples a function reports at scrape time.
type gaugeFuncFamily struct {
	d       desc
	collect func(emit func(value float64, labelValues ...string))
}

// NewGaugeVecFunc registers a gauge family whose samples collect reports at each scrape: it calls emit once
// per sample, with one value per label in labels. A sample it does not emit is absent from that scrape, the
// Prometheus way of saying "unknown"; emitting the same label values twice, or the wrong number of them,
// panics. collect must be safe for concurrent use (two scrapes may overlap) and should be quick.
func (r *Registry) NewGaugeVecFunc(name, help string, labels []string, collect func(emit func(value float64, labelValues ...string))) {
	labels = slices.Clone(labels)
	r.register(&gaugeFuncFamily{d: desc{name: name, help: help, typ: "gauge", labels: labels}, collect: collect})
}

func (f *gaugeFuncFamily) desc() *desc { return &f.d }

func (f *gaugeFuncFamily) write(t *textWriter) {
	type sample struct {
		values []string
		v      float64
	}
	var samples []sample
	f.collect(func(v float64, values ...string) {
		if len(values) != len(f.d.labels) {
			panic("metrics: " + f.d.name + ": wrong number of label values emitted")
		}
		samples = append(samples, sample{slices.Clone(values), v})
	})
	slices.SortFunc(samples, func(a, b sample) int { return slices.Compare(a.values, b.values) })
	for i, s := range samples {
		if i > 0 && slices.Equal(samples[i-1].values, s.values) {
			panic("metrics: " + f.d.name + ": the same label values emitted twice")
		}
		t.floatSample(f.d.name, f.d.labels, s.values, "", "", s.v)
	}
}
