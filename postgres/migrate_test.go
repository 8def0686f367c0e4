package postgres_test

import (
	"context"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/openswf/openswf/postgres"
	"github.com/openswf/openswf/postgres/pgtest"
)

// TestMigrate_NodesStartingAtOnce opens several stores on one empty schema at once, as nodes starting
// together do: every one opens, and each migration is applied once.
func TestMigrate_NodesStartingAtOnce(t *testing.T) {
	url := pgtest.Schema(t)
	const nodes = 6
	var wg sync.WaitGroup
	errs := make([]error, nodes)
	stores := make([]*postgres.Store, nodes)
	for i := range nodes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			stores[i], errs[i] = postgres.Open(context.Background(), url, postgres.Options{})
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("store %d: %v", i, err)
			continue
		}
		stores[i].Close()
	}
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var rows, distinct, leases int
	if err := conn.QueryRow(context.Background(),
		"SELECT count(*), count(DISTINCT version), (SELECT count(*) FROM timer_leases) FROM schema_migrations").Scan(&rows, &distinct, &leases); err != nil {
		t.Fatal(err)
	}
	if rows == 0 || rows != distinct || leases != 64 {
		t.Errorf("schema_migrations has %d rows for %d versions, timer_leases %d rows; want each migration once and 64 leases", rows, distinct, leases)
	}
}

// TestMigrate_RefusesNewerSchema checks that a server refuses a database migrated by a newer one.
func TestMigrate_RefusesNewerSchema(t *testing.T) {
	url := pgtest.Schema(t)
	s, err := postgres.Open(context.Background(), url, postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(context.Background(), "INSERT INTO schema_migrations (version, name) VALUES (999, '0999_future.sql')"); err != nil {
		t.Fatal(err)
	}
	if s, err := postgres.Open(context.Background(), url, postgres.Options{}); err == nil {
		s.Close()
		t.Fatal("Open on a schema at version 999: no error, want a refusal")
	}
}
