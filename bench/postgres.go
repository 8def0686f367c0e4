package bench

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// isPostgres reports whether db names a PostgreSQL database rather than an SQLite file.
func isPostgres(db string) bool {
	return strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://")
}

// freshSchema creates a schema named name in the PostgreSQL database at db and returns a URL whose
// connections use it, and a function that drops it.
func freshSchema(ctx context.Context, db, name string) (string, func() error, error) {
	conn, err := pgx.Connect(ctx, db)
	if err != nil {
		return "", nil, fmt.Errorf("connect to the bench database: %w", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+pgx.Identifier{name}.Sanitize()); err != nil {
		return "", nil, fmt.Errorf("create schema %s: %w", name, err)
	}
	u, err := url.Parse(db)
	if err != nil {
		return "", nil, fmt.Errorf("parse the bench database URL: %w", err)
	}
	q := u.Query()
	q.Set("search_path", name)
	u.RawQuery = q.Encode()
	drop := func() error {
		ctx := context.Background()
		conn, err := pgx.Connect(ctx, db)
		if err != nil {
			return fmt.Errorf("connect to drop schema %s: %w", name, err)
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP SCHEMA "+pgx.Identifier{name}.Sanitize()+" CASCADE"); err != nil {
			return fmt.Errorf("drop schema %s: %w", name, err)
		}
		return nil
	}
	return u.String(), drop, nil
}

// dbMeter measures the CPU time that the PostgreSQL server's processes on this machine spend during a
// load: every process named postgres, the backends serving the bench's servers and the cluster's own
// (WAL writer, checkpointer). A backend that ends during the load takes its CPU time with it, so the
// bench's servers keep their connections for the whole run (as their pools do).
type dbMeter struct {
	start time.Duration
	ok    bool
}

func startDBMeter(db string) dbMeter {
	if !isPostgres(db) {
		return dbMeter{}
	}
	d, ok := postgresCPU()
	return dbMeter{start: d, ok: ok}
}

// perOp is the CPU time spent since the start divided by ops; 0 when unknown.
func (m dbMeter) perOp(ops int64) time.Duration {
	if !m.ok || ops <= 0 {
		return 0
	}
	d, ok := postgresCPU()
	if !ok {
		return 0
	}
	return (d - m.start) / time.Duration(ops)
}

// postgresCPU sums the CPU time of the processes named postgres; ok is false where /proc cannot tell.
func postgresCPU() (time.Duration, bool) {
	dirs, err := filepath.Glob("/proc/[0-9]*/comm")
	if err != nil || len(dirs) == 0 {
		return 0, false
	}
	var total time.Duration
	found := false
	for _, comm := range dirs {
		b, err := os.ReadFile(comm)
		if err != nil || strings.TrimSpace(string(b)) != "postgres" {
			continue
		}
		pid, err := strconv.Atoi(filepath.Base(filepath.Dir(comm)))
		if err != nil {
			continue
		}
		if d, ok := processCPU(pid); ok {
			total += d
			found = true
		}
	}
	return total, found
}
