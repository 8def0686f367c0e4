package engine

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/openswf/openswf"
)

// registryTTL bounds how long a node trusts its cached copy of a domain or type. Changes made through this
// node invalidate its copy at once; the TTL bounds what another node sharing the store can leave stale.
const registryTTL = 2 * time.Second

// registryCache keeps recently read domains and types, so that the hot paths — every poll checks its
// domain, every ScheduleActivityTask reads its type — do not each cost a store read. Only existing records
// are cached. The cache reads the engine's clock, so tests see it expire on their manual clock.
type registryCache struct {
	mu sync.Mutex
	// gen counts forgets: a fill that read the store before a forget must not store what it read, which
	// may be the record just changed.
	gen     uint64
	domains map[string]cached[*openswf.Domain]
	types   map[typeKey]cached[*openswf.TypeRecord]
}

type typeKey struct {
	domain        string
	kind          openswf.TypeKind
	name, version string
}

type cached[T any] struct {
	v       T
	expires time.Time
}

func newRegistryCache() *registryCache {
	return &registryCache{domains: map[string]cached[*openswf.Domain]{}, types: map[typeKey]cached[*openswf.TypeRecord]{}}
}

// domain returns a domain from the cache or the store. Callers must not change the record.
func (e *Engine) domain(ctx context.Context, name string) (*openswf.Domain, error) {
	c := e.registry
	now := e.clock.Now()
	c.mu.Lock()
	hit, ok := c.domains[name]
	gen := c.gen
	c.mu.Unlock()
	if ok && now.Before(hit.expires) {
		return hit.v, nil
	}
	d, err := e.store.GetDomain(ctx, name)
	if errors.Is(err, openswf.ErrNotFound) {
		return nil, unknown("Unknown domain: %s", name)
	}
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.gen == gen {
		c.domains[name] = cached[*openswf.Domain]{d, now.Add(registryTTL)}
	}
	c.mu.Unlock()
	return d, nil
}

// forgetDomain drops a domain this node just changed.
func (e *Engine) forgetDomain(name string) {
	e.registry.mu.Lock()
	delete(e.registry.domains, name)
	e.registry.gen++
	e.registry.mu.Unlock()
}

// typeRecord returns a registered type from the cache or the store (openswf.ErrNotFound if absent).
// Callers must not change the record.
func (e *Engine) typeRecord(ctx context.Context, domain string, kind openswf.TypeKind, name, version string) (*openswf.TypeRecord, error) {
	c := e.registry
	k := typeKey{domain, kind, name, version}
	now := e.clock.Now()
	c.mu.Lock()
	hit, ok := c.types[k]
	gen := c.gen
	c.mu.Unlock()
	if ok && now.Before(hit.expires) {
		return hit.v, nil
	}
	t, err := e.store.GetType(ctx, domain, kind, name, version)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.gen == gen {
		c.types[k] = cached[*openswf.TypeRecord]{t, now.Add(registryTTL)}
	}
	c.mu.Unlock()
	return t, nil
}

// forgetType drops a type this node just changed.
func (e *Engine) forgetType(domain string, kind openswf.TypeKind, name, version string) {
	e.registry.mu.Lock()
	delete(e.registry.types, typeKey{domain, kind, name, version})
	e.registry.gen++
	e.registry.mu.Unlock()
}
