package sqlite_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/openswf/openswf"
	"github.com/openswf/openswf/sqlite"
)

// Under steady writes the WAL must be started over now and then, not grow for as long as writes go on.
func TestStore_WALStaysBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("writes about 100 MB through the WAL")
	}
	path := filepath.Join(t.TempDir(), "openswf.db")
	s := mustOpen(t, path, sqlite.Options{})
	ctx := t.Context()
	const domains, writers, rounds = 2000, 64, 400
	desc := strings.Repeat("x", 1000)
	for i := range domains {
		if err := s.CreateDomain(ctx, &openswf.Domain{Name: fmt.Sprintf("d%04d", i), Status: openswf.StatusRegistered, Description: desc}); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for r := range rounds {
				d := &openswf.Domain{Name: fmt.Sprintf("d%04d", (w*rounds+r*7919)%domains), Status: openswf.StatusRegistered,
					Description: fmt.Sprintf("%s-%d", desc[:900], r)}
				if err := s.UpdateDomain(ctx, d); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	fi, err := os.Stat(path + "-wal")
	if err != nil {
		t.Fatal(err)
	}
	// Each batch rewrites dozens of pages; unchecked, 25,600 updates leave a WAL of about 100 MB.
	if fi.Size() > 40<<20 {
		t.Errorf("WAL is %d MiB after %d updates; want it started over along the way", fi.Size()>>20, writers*rounds)
	}
}
