package engine

import (
	"maps"
	"sync"

	"github.com/openswf/openswf"
)

// runCacheSize bounds the runs whose latest committed record this node keeps.
const runCacheSize = 8192

// runCache keeps the latest committed record of recently changed runs, so that the next transition of a
// run starts from memory instead of a store read and a decode. It is only a hint: a transition decided on
// it is applied under the store's version check, so a record made stale by another node (or a slow
// committer) costs one conflict and a reload; and when a record from the cache leads to "nothing to do"
// (a stale task, an unknown token), update decides again from the store before answering so.
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

// put records committed runs; closed runs leave the cache, since nothing changes them but retention. A
// record older than the cached one (a committer that was slow to get here) is ignored.
func (c *runCache) put(xs ...*openswf.Execution) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, x := range xs {
		if !x.Open {
			delete(c.runs, x.RunID)
			continue
		}
		old, ok := c.runs[x.RunID]
		if ok && old.Version >= x.Version {
			continue
		}
		if !ok && len(c.runs) >= runCacheSize {
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
