package sqlite

import (
	"context"
	"fmt"

	"github.com/openswf/openswf"
)

// LoadTimers calls fn for every armed timer, ordered by run, kind and id. It stops at the first error fn
// returns.
func (s *Store) LoadTimers(ctx context.Context, fn func(openswf.Timer) error) error {
	var (
		lastRun, lastKind string
		lastID            int64 = -1 << 63
	)
	for {
		rows, err := s.reader.QueryContext(ctx, `SELECT run_id, kind, id, domain, due FROM timers
			WHERE (run_id, kind, id) > (?, ?, ?)
			ORDER BY run_id, kind, id LIMIT ?`, lastRun, lastKind, lastID, loadChunk)
		if err != nil {
			return fmt.Errorf("load timers: %w", err)
		}
		var chunk []openswf.Timer
		for rows.Next() {
			var (
				t    openswf.Timer
				kind string
				due  int64
			)
			if err := rows.Scan(&t.RunID, &kind, &t.ID, &t.Domain, &due); err != nil {
				rows.Close()
				return fmt.Errorf("load timers: %w", err)
			}
			t.Kind = openswf.TimerKind(kind)
			t.Due = fromUnixNano(due)
			chunk = append(chunk, t)
		}
		if err := rows.Close(); err != nil {
			return fmt.Errorf("load timers: %w", err)
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("load timers: %w", err)
		}
		for _, t := range chunk {
			if err := fn(t); err != nil {
				return fmt.Errorf("load timers: %w", err)
			}
		}
		if len(chunk) < loadChunk {
			return nil
		}
		last := chunk[len(chunk)-1]
		lastRun, lastKind, lastID = last.RunID, string(last.Kind), last.ID
	}
}
