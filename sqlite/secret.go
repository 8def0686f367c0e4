package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Secret returns the named server secret, creating it with create on first use. When two callers create
// the same secret at once, one value wins and both get it.
func (s *Store) Secret(ctx context.Context, name string, create func() ([]byte, error)) ([]byte, error) {
	var value []byte
	err := s.reader.QueryRowContext(ctx, "SELECT value FROM secrets WHERE name = ?", name).Scan(&value)
	if err == nil {
		return value, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("read secret %q: %w", name, err)
	}
	fresh, err := create()
	if err != nil {
		return nil, fmt.Errorf("create secret %q: %w", name, err)
	}
	if fresh == nil {
		fresh = []byte{} // the column is NOT NULL; an empty secret is odd but storable
	}
	err = s.writeBare(ctx, func(w *writer) error {
		if _, err := w.exec(w.insertSecret, name, fresh); err != nil {
			return err
		}
		return w.selectSecret.QueryRowContext(w.ctx, name).Scan(&value)
	})
	if err != nil {
		return nil, fmt.Errorf("store secret %q: %w", name, err)
	}
	return value, nil
}
