package engine

import (
	"maps"
	"sync"

	"github.com/openswf/openswf"
)

// runCacheSize bounds the runs whose latest committed record this node keeps.
const runCacheSize = 8192

// runCache keeps the latest committed record of recently changed runs, so that the next transition of a
// run starts from memory instead of a store read and a decode. It is only a hint: every transition is
// still applied under the store's version check, so a record made stale by another node (or evicted)
// costs one conflict and a reload, never a wrong decision.
type runCache struct {
	mu   sync.Mutex
	runs map[string]*openswf.Execution
}

func newRunCache() *runCache { return &runCache{runs: map[string]*openswf.Execution{}} }

// get returns a private copy of the cached record of a run, or nil.
func (c *runCache) get(runID string) *openswf.Execution {
	c.mu.Lock()
	x := c.runs[runID]
	c.mu.Unlock()
	if x == nil {
		return nil
	}
	return cloneExecution(x)
}

// put records committed runs; closed runs leave the cache, since nothing changes them but retention.
func (c *runCache) put(xs ...*openswf.Execution) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, x := range xs {
		if !x.Open {
			delete(c.runs, x.RunID)
			continue
		}
		if _, ok := c.runs[x.RunID]; !ok && len(c.runs) >= runCacheSize {
			for k := range c.runs { // evict an arbitrary run
				delete(c.runs, k)
				break
			}
		}
		c.runs[x.RunID] = x
	}
}

// forget drops a run whose cached record proved stale.
func (c *runCache) forget(runID string) {
	c.mu.Lock()
	delete(c.runs, runID)
	c.mu.Unlock()
}

// cloneExecution copies a record deeply enough for a transition to change the copy: its maps. Slices and
// pointers the engine never changes in place (tags, parent) are shared.
func cloneExecution(x *openswf.Execution) *openswf.Execution {
	c := *x
	c.Activities = maps.Clone(x.Activities)
	c.CancelRequests = maps.Clone(x.CancelRequests)
	c.Timers = maps.Clone(x.Timers)
	c.Children = maps.Clone(x.Children)
	return &c
}
