package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/openswf/openswf"
)

// CreateDomain registers a domain; openswf.ErrExists if the name is taken.
func (s *Store) CreateDomain(ctx context.Context, d *openswf.Domain) error {
	data, err := json.Marshal(d)
	if err != nil {
		return fmt.Errorf("create domain: %w", err)
	}
	err = s.writeBare(ctx, "domain/"+d.Name, func(w *wtx) error {
		n, err := w.exec("INSERT INTO domains (name, status, data) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
			d.Name, string(d.Status), string(data))
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
	d, err := readJSON[openswf.Domain](ctx, s, "SELECT data FROM domains WHERE name = $1", name)
	if err != nil {
		return nil, fmt.Errorf("get domain %q: %w", name, err)
	}
	return d, nil
}

// UpdateDomain replaces a registered domain's record.
func (s *Store) UpdateDomain(ctx context.Context, d *openswf.Domain) error {
	data, err := json.Marshal(d)
	if err != nil {
		return fmt.Errorf("update domain: %w", err)
	}
	err = s.write(ctx, "domain/"+d.Name, func(w *wtx) error {
		n, err := w.pipeline(stmt{"UPDATE domains SET status = $1, data = $2 WHERE name = $3", []any{string(d.Status), string(data), d.Name}},
			s.registryNotice(d.Name, "", "", ""))
		if err == nil && n[0] == 0 {
			err = openswf.ErrNotFound
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("update domain %q: %w", d.Name, err)
	}
	return nil
}

// ListDomains lists domains of one status ordered by name.
func (s *Store) ListDomains(ctx context.Context, status openswf.RegistrationStatus, after string, limit int, reverse bool) ([]*openswf.Domain, error) {
	var q query
	q.text("SELECT data FROM domains WHERE true")
	if status != "" {
		q.text(" AND status = ").arg(string(status))
	}
	if after != "" {
		q.text(pick(reverse, " AND name < ", " AND name > ")).arg(after)
	}
	q.text(pick(reverse, " ORDER BY name DESC", " ORDER BY name")).text(" LIMIT ").arg(rowsLimit(limit))
	ds, err := listJSON[openswf.Domain](ctx, s, &q)
	if err != nil {
		return nil, fmt.Errorf("list domains: %w", err)
	}
	return ds, nil
}

// CreateType registers a type; openswf.ErrExists if (domain, kind, name, version) is taken.
func (s *Store) CreateType(ctx context.Context, t *openswf.TypeRecord) error {
	data, err := json.Marshal(t)
	if err != nil {
		return fmt.Errorf("create type: %w", err)
	}
	err = s.writeBare(ctx, "type/"+t.Domain+"/"+t.Name, func(w *wtx) error {
		n, err := w.exec(`INSERT INTO types (domain, kind, name, version, status, data) VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT DO NOTHING`, t.Domain, string(t.Kind), t.Name, t.Version, string(t.Status), string(data))
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
	t, err := readJSON[openswf.TypeRecord](ctx, s,
		"SELECT data FROM types WHERE domain = $1 AND kind = $2 AND name = $3 AND version = $4",
		domain, string(kind), name, version)
	if err != nil {
		return nil, fmt.Errorf("get %s type %s/%s: %w", kind, name, version, err)
	}
	return t, nil
}

// UpdateType replaces a registered type's record.
func (s *Store) UpdateType(ctx context.Context, t *openswf.TypeRecord) error {
	data, err := json.Marshal(t)
	if err != nil {
		return fmt.Errorf("update type: %w", err)
	}
	err = s.write(ctx, "type/"+t.Domain+"/"+t.Name, func(w *wtx) error {
		n, err := w.pipeline(stmt{"UPDATE types SET status = $1, data = $2 WHERE domain = $3 AND kind = $4 AND name = $5 AND version = $6",
			[]any{string(t.Status), string(data), t.Domain, string(t.Kind), t.Name, t.Version}},
			s.registryNotice(t.Domain, t.Kind, t.Name, t.Version))
		if err == nil && n[0] == 0 {
			err = openswf.ErrNotFound
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("update %s type %s/%s: %w", t.Kind, t.Name, t.Version, err)
	}
	return nil
}

// DeleteType removes a registered type.
func (s *Store) DeleteType(ctx context.Context, domain string, kind openswf.TypeKind, name, version string) error {
	err := s.write(ctx, "type/"+domain+"/"+name, func(w *wtx) error {
		n, err := w.pipeline(stmt{"DELETE FROM types WHERE domain = $1 AND kind = $2 AND name = $3 AND version = $4",
			[]any{domain, string(kind), name, version}}, s.registryNotice(domain, kind, name, version))
		if err == nil && n[0] == 0 {
			err = openswf.ErrNotFound
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("delete %s type %s/%s: %w", kind, name, version, err)
	}
	return nil
}

// ListTypes lists types ordered by (name, version).
func (s *Store) ListTypes(ctx context.Context, tq openswf.TypeListQuery) ([]*openswf.TypeRecord, error) {
	var q query
	q.text("SELECT data FROM types WHERE domain = ").arg(tq.Domain).text(" AND kind = ").arg(string(tq.Kind))
	if tq.Status != "" {
		q.text(" AND status = ").arg(string(tq.Status))
	}
	if tq.Name != "" {
		q.text(" AND name = ").arg(tq.Name)
	}
	if tq.After != nil {
		q.text(pick(tq.Reverse, " AND (name, version) < (", " AND (name, version) > (")).
			arg(tq.After.Name).text(", ").arg(tq.After.Version).text(")")
	}
	q.text(pick(tq.Reverse, " ORDER BY name DESC, version DESC", " ORDER BY name, version")).
		text(" LIMIT ").arg(rowsLimit(tq.Limit))
	ts, err := listJSON[openswf.TypeRecord](ctx, s, &q)
	if err != nil {
		return nil, fmt.Errorf("list %s types: %w", tq.Kind, err)
	}
	return ts, nil
}

// Secret returns the named server secret, creating it with create on first use. Nodes that create it at
// once agree: the first insert wins and every node reads it back.
func (s *Store) Secret(ctx context.Context, name string, create func() ([]byte, error)) ([]byte, error) {
	var value []byte
	err := s.pool.QueryRow(ctx, "SELECT value FROM secrets WHERE name = $1", name).Scan(&value)
	if err == nil {
		return value, nil
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("read secret %q: %w", name, unavailable(err))
	}
	fresh, err := create()
	if err != nil {
		return nil, fmt.Errorf("create secret %q: %w", name, err)
	}
	if fresh == nil {
		fresh = []byte{}
	}
	err = s.writeBare(ctx, "secret/"+name, func(w *wtx) error {
		if _, err := w.exec("INSERT INTO secrets (name, value) VALUES ($1, $2) ON CONFLICT DO NOTHING", name, fresh); err != nil {
			return err
		}
		return w.tx.QueryRow(w.ctx, "SELECT value FROM secrets WHERE name = $1", name).Scan(&value)
	})
	if err != nil {
		return nil, fmt.Errorf("store secret %q: %w", name, err)
	}
	return value, nil
}

// UpdateSecret replaces the named secret with what update makes of its current value, atomically across
// nodes: a transaction-scoped advisory lock on the name orders updates, including the first, which has no
// row to lock.
func (s *Store) UpdateSecret(ctx context.Context, name string, update func(old []byte, ok bool) ([]byte, error)) ([]byte, error) {
	var value []byte
	var updateErr error
	err := s.write(ctx, "secret/"+name, func(w *wtx) error {
		if err := w.flushPrefix(); err != nil {
			return err
		}
		if _, err := w.tx.Exec(w.ctx, "SELECT pg_advisory_xact_lock(hashtext('openswf.secret.' || $1))", name); err != nil {
			return err
		}
		var old []byte
		err := w.tx.QueryRow(w.ctx, "SELECT value FROM secrets WHERE name = $1", name).Scan(&old)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		value, updateErr = update(old, err == nil)
		if updateErr != nil {
			// Not a sentinel: the batch runs again without this op, which is answered with the error.
			return updateErr
		}
		if value == nil {
			value = []byte{}
		}
		_, err = w.exec(`INSERT INTO secrets (name, value) VALUES ($1, $2)
			ON CONFLICT (name) DO UPDATE SET value = excluded.value`, name, value)
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

// readJSON reads one row's JSON column into a new T; openswf.ErrNotFound when there is no row.
func readJSON[T any](ctx context.Context, s *Store, sql string, args ...any) (*T, error) {
	var data []byte
	err := s.pool.QueryRow(ctx, sql, args...).Scan(&data)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, openswf.ErrNotFound
	}
	if err != nil {
		return nil, unavailable(err)
	}
	v := new(T)
	if err := json.Unmarshal(data, v); err != nil {
		return nil, err
	}
	return v, nil
}

// listJSON reads the JSON column of every row of q.
func listJSON[T any](ctx context.Context, s *Store, q *query) ([]*T, error) {
	rows, err := s.pool.Query(ctx, q.sql.String(), q.args...)
	if err != nil {
		return nil, unavailable(err)
	}
	vs, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*T, error) {
		var data []byte
		if err := row.Scan(&data); err != nil {
			return nil, err
		}
		v := new(T)
		return v, json.Unmarshal(data, v)
	})
	if err != nil {
		return nil, unavailable(err)
	}
	return vs, nil
}

// pick is a when true, b otherwise.
func pick(cond bool, a, b string) string {
	if cond {
		return a
	}
	return b
}

// registryNotice is the statement that tells the other nodes a domain (kind empty) or type changed, so
// that they drop their cached copy when the change commits. The ops that send it run in a savepoint, so a
// change that finds nothing to change takes its notice back with it.
func (s *Store) registryNotice(domain string, kind openswf.TypeKind, name, version string) stmt {
	return stmt{notify, []any{[]string{strings.Join([]string{noticeRegistry, s.opts.NodeID, domain, string(kind), name, version}, "\t")}}}
}
