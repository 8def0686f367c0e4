package metrics

import (
	"encoding/binary"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
)

// vec holds the children of a labelled family, one per distinct list of label values, created on first
// use. Finding a child is lock-free: children is an immutable map replaced whole when a child is added
// (copy on write), which suits families whose label values are a small, soon-complete set (operations,
// faults, timer kinds) and are looked up tens of thousands of times a second.
type vec[T any] struct {
	labels   []string
	newChild func() *T

	mu       sync.Mutex // serialises adding children; readers never take it
	children atomic.Pointer[map[string]*child[T]]
}

// child is one labelled member of a vec.
type child[T any] struct {
	values []string
	m      *T
}

// keyBuf is the size of the stack buffer a lookup builds its key in; longer keys go to the heap.
const keyBuf = 128

// with returns the child for values, creating it if needed. It panics if values has not one value per
// label.
func (v *vec[T]) with(values []string) *T {
	if len(values) != len(v.labels) {
		panic(fmt.Sprintf("metrics: got %d label values for labels %q", len(values), v.labels))
	}
	var buf [keyBuf]byte
	key := appendKey(buf[:0], values)
	if m := v.children.Load(); m != nil {
		// The compiler turns m[string(key)] into a lookup that does not allocate.
		if c, ok := (*m)[string(key)]; ok {
			return c.m
		}
	}
	return v.add(string(key), values)
}

// add creates the child for values under key unless another goroutine just did.
func (v *vec[T]) add(key string, values []string) *T {
	v.mu.Lock()
	defer v.mu.Unlock()
	old := v.children.Load()
	if old != nil {
		if c, ok := (*old)[key]; ok {
			return c.m
		}
	}
	m := make(map[string]*child[T], 1+lenMap(old))
	if old != nil {
		for k, c := range *old {
			m[k] = c
		}
	}
	c := &child[T]{values: slices.Clone(values), m: v.newChild()}
	m[key] = c
	v.children.Store(&m)
	return c.m
}

func lenMap[K comparable, V any](m *map[K]V) int {
	if m == nil {
		return 0
	}
	return len(*m)
}

// appendKey encodes values unambiguously: each one length-prefixed, since a label value may hold any byte.
func appendKey(b []byte, values []string) []byte {
	for _, s := range values {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	return b
}

// snapshot returns the children ordered by their label values.
func (v *vec[T]) snapshot() []*child[T] {
	m := v.children.Load()
	if m == nil {
		return nil
	}
	cs := make([]*child[T], 0, len(*m))
	for _, c := range *m {
		cs = append(cs, c)
	}
	slices.SortFunc(cs, func(a, b *child[T]) int { return slices.Compare(a.values, b.values) })
	return cs
}
