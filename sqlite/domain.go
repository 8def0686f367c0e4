package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/openswf/openswf"
)

// CreateDomain registers a domain; openswf.ErrExists if the name is taken.
func (s *Store) CreateDomain(ctx context.Context, d *openswf.Domain) error {
	data, err := json.Marshal(d)
	if err != nil {
		return fmt.Errorf("create domain: %w", err)
	}
	err = s.writeBare(ctx, func(w *writer) error {
		n, err := w.exec(w.insertDomain, d.Name, string(d.Status), string(data))
		if err == nil && n == 0 {
			err = openswf.ErrExists
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("create domain %q: %w", d.Name, err)
	}
	return nil
}

// GetDomain returns a domain by name.
func (s *Store) GetDomain(ctx context.Context, name string) (*openswf.Domain, error) {
	var data []byte
	err := s.reader.QueryRowContext(ctx, "SELECT data FROM domains WHERE name = ?", name).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		err = openswf.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("get domain %q: %w", name, err)
	}
	d := new(openswf.Domain)
	if err := json.Unmarshal(data, d); err != nil {
		return nil, fmt.Errorf("get domain %q: %w", name, err)
	}
	return d, nil
}

// UpdateDomain replaces a registered domain's record; openswf.ErrNotFound if it is not registered.
func (s *Store) UpdateDomain(ctx context.Context, d *openswf.Domain) error {
	data, err := json.Marshal(d)
	if err != nil {
		return fmt.Errorf("update domain: %w", err)
	}
	err = s.writeBare(ctx, func(w *writer) error {
		n, err := w.exec(w.updateDomain, string(d.Status), string(data), d.Name)
		if err == nil && n == 0 {
			err = openswf.ErrNotFound
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("update domain %q: %w", d.Name, err)
	}
	return nil
}

// ListDomains lists domains of one status (every status if status is "") ordered by name, descending when
// reverse, past after (exclusive; "" for the start), at most limit (all if limit is zero or less).
func (s *Store) ListDomains(ctx context.Context, status openswf.RegistrationStatus, after string, limit int, reverse bool) ([]*openswf.Domain, error) {
	q := "SELECT data FROM domains WHERE 1"
	var args []any
	if status != "" {
		q += " AND status = ?"
		args = append(args, string(status))
	}
	if after != "" {
		if reverse {
			q += " AND name < ?"
		} else {
			q += " AND name > ?"
		}
		args = append(args, after)
	}
	if reverse {
		q += " ORDER BY name DESC"
	} else {
		q += " ORDER BY name"
	}
	q += " LIMIT ?"
	args = append(args, rowsLimit(limit))

	rows, err := s.reader.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list domains: %w", err)
	}
	defer rows.Close()
	var ds []*openswf.Domain
	for rows.Next() {
		var data []byte
		if err := rows.Scan(&data); err != nil {
			return nil, fmt.Errorf("list domains: %w", err)
		}
		d := new(openswf.Domain)
		if err := json.Unmarshal(data, d); err != nil {
			return nil, fmt.Errorf("list domains: %w", err)
		}
		ds = append(ds, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list domains: %w", err)
	}
	return ds, nil
}
