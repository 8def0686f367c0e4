package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/openswf/openswf"
)

// retryable reports whether err ended a transaction that may simply run again: a deadlock, or a
// serialization failure (which a PostgreSQL-compatible distributed database reports for any conflict).
func retryable(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "40001" || pe.Code == "40P01"
	}
	return false
}

// unavailable wraps err in openswf.ErrUnavailable when it says the database cannot be reached or cannot
// take writes for now, so that the APIs answer a retryable fault; any other error comes back as it is.
//
// An error of the server about the statement (a *pgconn.PgError of another class) is the code's fault, not
// the database's availability. Everything else from the connection (refused, reset, closed, timed out) is
// a lost connection: what was in flight may or may not have committed, and the client should retry.
func unavailable(err error) error {
	if err == nil || errors.Is(err, openswf.ErrUnavailable) || isSentinel(err) {
		return err
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code[:2] {
		case "08", // connection exception
			"53", // insufficient resources: disk full, out of memory, too many connections
			"57", // operator intervention: shutdown, cannot connect now
			"58": // system error: I/O error
		default:
			if pe.Code != "25006" { // read_only_sql_transaction: a standby, or default_transaction_read_only
				return err
			}
		}
	}
	return fmt.Errorf("%w: %w", openswf.ErrUnavailable, err)
}

// isSentinel reports whether err is one of the outcomes that leave a transaction going: a conflict, an
// existing or a missing record.
func isSentinel(err error) bool {
	return errors.Is(err, openswf.ErrConflict) || errors.Is(err, openswf.ErrExists) || errors.Is(err, openswf.ErrNotFound) ||
		errors.Is(err, openswf.ErrFenced)
}
