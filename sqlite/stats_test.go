package sqlite_test

import (
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/openswf/openswf"
	"github.com/openswf/openswf/sqlite"
)

// commits is a sqlite.Observer that keeps what it is told.
type commits struct {
	mu    sync.Mutex
	sizes []int
	took  []time.Duration
}

func (c *commits) Commit(ops int, d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sizes = append(c.sizes, ops)
	c.took = append(c.took, d)
}

// TestStore_Observer checks that the observer hears of every batch the writer commits, with its size and a
// duration, in agreement with Stats.
func TestStore_Observer(t *testing.T) {
	obs := &commits{}
	s := mustOpen(t, filepath.Join(t.TempDir(), "openswf.db"), sqlite.Options{Observer: obs})
	const writes = 50
	var wg sync.WaitGroup
	for i := range writes {
		wg.Go(func() {
			d := &openswf.Domain{Name: fmt.Sprintf("d%d", i), Status: openswf.StatusRegistered, RetentionDays: "1"}
			if err := s.CreateDomain(t.Context(), d); err != nil {
				t.Errorf("CreateDomain: %v", err)
			}
		})
	}
	wg.Wait()
	// The writer reports a batch after answering its callers; Close waits for the writer to finish.
	st := s.Stats()
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	obs.mu.Lock()
	defer obs.mu.Unlock()
	if got := int64(len(obs.sizes)); got != st.Batches {
		t.Errorf("batches reported: got %d, want Stats().Batches = %d", got, st.Batches)
	}
	var ops int64
	for i, n := range obs.sizes {
		ops += int64(n)
		if n < 1 || obs.took[i] <= 0 {
			t.Errorf("batch %d: got %d ops in %v, want at least one op in a positive time", i, n, obs.took[i])
		}
	}
	if ops != st.Ops || ops < writes {
		t.Errorf("ops reported: got %d, want Stats().Ops = %d, at least %d", ops, st.Ops, writes)
	}
}
