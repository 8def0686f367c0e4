package metrics

import (
	"slices"
	"sync/atomic"
)

// Counter is a count that only goes up. The zero value is ready to use; recording is one atomic add.
type Counter struct {
	n atomic.Uint64
}

// Inc adds one.
func (c *Counter) Inc() { c.n.Add(1) }

// Add adds n.
func (c *Counter) Add(n uint64) { c.n.Add(n) }

// Value returns the count.
func (c *Counter) Value() uint64 { return c.n.Load() }

// counterFamily is an unlabelled counter registered under a name.
type counterFamily struct {
	d desc
	c Counter
}

func (f *counterFamily) desc() *desc { return &f.d }

func (f *counterFamily) write(t *textWriter) {
	t.uintSample(f.d.name, nil, nil, "", "", f.c.Value())
}

// NewCounter registers a counter. Its name should end in _total.
func (r *Registry) NewCounter(name, help string) *Counter {
	f := &counterFamily{d: desc{name: name, help: help, typ: "counter"}}
	r.register(f)
	return &f.c
}

// CounterVec is a family of counters told apart by label values.
type CounterVec struct {
	d desc
	v vec[Counter]
}

// NewCounterVec registers a counter family with the given label names.
func (r *Registry) NewCounterVec(name, help string, labels ...string) *CounterVec {
	labels = slices.Clone(labels)
	cv := &CounterVec{d: desc{name: name, help: help, typ: "counter", labels: labels}}
	cv.v = vec[Counter]{labels: labels, newChild: func() *Counter { return new(Counter) }}
	r.register(cv)
	return cv
}

// With returns the counter of the given label values, one per label in the order registered. It does not
// allocate once the counter exists; a caller on a hot path with fixed values may also keep the result.
func (cv *CounterVec) With(values ...string) *Counter { return cv.v.with(values) }

func (cv *CounterVec) desc() *desc { return &cv.d }

func (cv *CounterVec) write(t *textWriter) {
	for _, c := range cv.v.snapshot() {
		t.uintSample(cv.d.name, cv.d.labels, c.values, "", "", c.m.Value())
	}
}

// counterFuncFamily is an unlabelled counter whose value a function reports at scrape time.
type counterFuncFamily struct {
	d  desc
	fn func() uint64
}

func (f *counterFuncFamily) desc() *desc { return &f.d }

func (f *counterFuncFamily) write(t *textWriter) {
	t.uintSample(f.d.name, nil, nil, "", "", f.fn())
}

// NewCounterFunc registers a counter whose value fn returns at each scrape: a count kept elsewhere (a
// store's). fn must be safe for concurrent use, quick, and never go down. Its name should end in _total.
func (r *Registry) NewCounterFunc(name, help string, fn func() uint64) {
	r.register(&counterFuncFamily{d: desc{name: name, help: help, typ: "counter"}, fn: fn})
}
