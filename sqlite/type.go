package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/openswf/openswf"
)

// CreateType registers a type; openswf.ErrExists if (domain, kind, name, version) is taken.
func (s *Store) CreateType(ctx context.Context, t *openswf.TypeRecord) error {
	data, err := json.Marshal(t)
	if err != nil {
		return fmt.Errorf("create type: %w", err)
	}
	err = s.writeBare(ctx, func(w *writer) error {
		n, err := w.exec(w.insertType, t.Domain, string(t.Kind), t.Name, t.Version, string(t.Status), string(data))
		if err == nil && n == 0 {
			err = openswf.ErrExists
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("create %s type %s/%s: %w", t.Kind, t.Name, t.Version, err)
	}
	return nil
}

// GetType returns one registered type.
func (s *Store) GetType(ctx context.Context, domain string, kind openswf.TypeKind, name, version string) (*openswf.TypeRecord, error) {
	var data []byte
	err := s.reader.QueryRowContext(ctx,
		"SELECT data FROM types WHERE domain = ? AND kind = ? AND name = ? AND version = ?",
		domain, string(kind), name, version).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		err = openswf.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("get %s type %s/%s: %w", kind, name, version, err)
	}
	t := new(openswf.TypeRecord)
	if err := json.Unmarshal(data, t); err != nil {
		return nil, fmt.Errorf("get %s type %s/%s: %w", kind, name, version, err)
	}
	return t, nil
}

// UpdateType replaces a registered type's record; openswf.ErrNotFound if it is not registered.
func (s *Store) UpdateType(ctx context.Context, t *openswf.TypeRecord) error {
	data, err := json.Marshal(t)
	if err != nil {
		return fmt.Errorf("update type: %w", err)
	}
	err = s.writeBare(ctx, func(w *writer) error {
		n, err := w.exec(w.updateType, string(t.Status), string(data), t.Domain, string(t.Kind), t.Name, t.Version)
		if err == nil && n == 0 {
			err = openswf.ErrNotFound
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("update %s type %s/%s: %w", t.Kind, t.Name, t.Version, err)
	}
	return nil
}

// DeleteType removes a registered type; openswf.ErrNotFound if it is not registered.
func (s *Store) DeleteType(ctx context.Context, domain string, kind openswf.TypeKind, name, version string) error {
	err := s.writeBare(ctx, func(w *writer) error {
		n, err := w.exec(w.deleteType, domain, string(kind), name, version)
		if err == nil && n == 0 {
			err = openswf.ErrNotFound
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("delete %s type %s/%s: %w", kind, name, version, err)
	}
	return nil
}

// ListTypes lists the types of one domain and kind ordered by (name, version), descending when q.Reverse,
// past q.After in that order. An empty q.Status lists every status; a q.Limit of zero or less lists all.
func (s *Store) ListTypes(ctx context.Context, q openswf.TypeListQuery) ([]*openswf.TypeRecord, error) {
	query := "SELECT data FROM types WHERE domain = ? AND kind = ?"
	args := []any{q.Domain, string(q.Kind)}
	if q.Status != "" {
		query += " AND status = ?"
		args = append(args, string(q.Status))
	}
	if q.Name != "" {
		query += " AND name = ?"
		args = append(args, q.Name)
	}
	if q.After != nil {
		if q.Reverse {
			query += " AND (name, version) < (?, ?)"
		} else {
			query += " AND (name, version) > (?, ?)"
		}
		args = append(args, q.After.Name, q.After.Version)
	}
	if q.Reverse {
		query += " ORDER BY name DESC, version DESC"
	} else {
		query += " ORDER BY name, version"
	}
	query += " LIMIT ?"
	args = append(args, rowsLimit(q.Limit))

	rows, err := s.reader.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("list %s types: %w", q.Kind, err)
	}
	defer rows.Close()
	var ts []*openswf.TypeRecord
	for rows.Next() {
		var data []byte
		if err := rows.Scan(&data); err != nil {
			return nil, fmt.Errorf("list %s types: %w", q.Kind, err)
		}
		t := new(openswf.TypeRecord)
		if err := json.Unmarshal(data, t); err != nil {
			return nil, fmt.Errorf("list %s types: %w", q.Kind, err)
		}
		ts = append(ts, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list %s types: %w", q.Kind, err)
	}
	return ts, nil
}
