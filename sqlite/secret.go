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

// UpdateSecret replaces the named secret with what update makes of its current value, in one op of the
// writer, so that no other write of the secret comes between the read and the write.
func (s *Store) UpdateSecret(ctx context.Context, name string, update func(old []byte, ok bool) ([]byte, error)) ([]byte, error) {
	var value []byte
	var updateErr error
	err := s.write(ctx, func(w *writer) error {
		var old []byte
		err := w.selectSecret.QueryRowContext(w.ctx, name).Scan(&old)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		value, updateErr = update(old, err == nil)
		if updateErr != nil {
			return updateErr
		}
		if value == nil {
			value = []byte{}
		}
		_, err = w.exec(w.upsertSecret, name, value)
		return err
	})
	if updateErr != nil {
		return nil, fmt.Errorf("update secret %q: %w", name, updateErr)
	}
	if err != nil {
		return nil, fmt.Errorf("store secret %q: %w", name, err)
	}
	return value, nil
}
