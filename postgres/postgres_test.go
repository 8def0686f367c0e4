package postgres_test

import (
	"context"
	"testing"

	"github.com/openswf/openswf"
	"github.com/openswf/openswf/postgres"
	"github.com/openswf/openswf/postgres/pgtest"
	"github.com/openswf/openswf/storetest"
)

func TestStore_Conformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) openswf.Store {
		return openStore(t, pgtest.Schema(t), postgres.Options{})
	})
}

// TestStore_ConformanceSmallBatches runs the suite with one write per transaction and one heartbeat per
// statement, so that every path runs outside a group too.
func TestStore_ConformanceSmallBatches(t *testing.T) {
	storetest.Run(t, func(t *testing.T) openswf.Store {
		return openStore(t, pgtest.Schema(t), postgres.Options{Writers: 1, HeartbeatWriters: 1, MaxBatch: 1, MaxHeartbeatBatch: 1})
	})
}

func openStore(t *testing.T, url string, opts postgres.Options) *postgres.Store {
	t.Helper()
	s, err := postgres.Open(context.Background(), url, opts)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}
