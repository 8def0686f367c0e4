package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"sync"
)

// readerDB is the pool of read-only connections with its statements prepared once: the driver keeps a
// prepared statement's compiled program, where a query by text parses and plans the SQL at every call
// (about a fifth of the server's CPU under the workflows benchmark before this). database/sql prepares a
// statement on each pooled connection the first time it runs there.
//
// The statements are keyed by their text. Queries built from filters (visibility, listings) have a few
// shapes each; past maxReaderStmts distinct texts, further ones run unprepared rather than grow the cache.
type readerDB struct {
	*sql.DB

	mu     sync.RWMutex
	stmts  map[string]*sql.Stmt
	closed bool
}

// maxReaderStmts bounds the prepared statements a reader keeps.
const maxReaderStmts = 256

func newReaderDB(db *sql.DB) *readerDB {
	return &readerDB{DB: db, stmts: map[string]*sql.Stmt{}}
}

// stmt returns the prepared statement of query, preparing it on first use; nil when the cache is full or
// closed, or the query does not prepare (its error then shows when it runs unprepared).
func (r *readerDB) stmt(ctx context.Context, query string) *sql.Stmt {
	r.mu.RLock()
	st := r.stmts[query]
	r.mu.RUnlock()
	if st != nil {
		return st
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if st := r.stmts[query]; st != nil {
		return st
	}
	if r.closed || len(r.stmts) >= maxReaderStmts {
		return nil
	}
	st, err := r.DB.PrepareContext(ctx, query)
	if err != nil {
		return nil
	}
	r.stmts[query] = st
	return st
}

// QueryContext runs query on the pool, prepared.
func (r *readerDB) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := r.stmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return r.DB.QueryContext(ctx, query, args...)
}

// QueryRowContext runs query on the pool, prepared.
func (r *readerDB) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := r.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return r.DB.QueryRowContext(ctx, query, args...)
}

// Close closes the prepared statements, then the pool.
func (r *readerDB) Close() error {
	r.mu.Lock()
	var errs []error
	for _, st := range r.stmts {
		errs = append(errs, st.Close())
	}
	r.stmts = nil
	r.closed = true
	r.mu.Unlock()
	return errors.Join(append(errs, r.DB.Close())...)
}
