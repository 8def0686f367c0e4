package sqlite

import (
	"errors"
	"fmt"
	"syscall"

	"github.com/openswf/openswf"
)

// SQLite's primary result codes for a storage fault; an extended code (SQLITE_IOERR_WRITE, …) carries its
// primary code in its low byte.
const (
	sqliteIOErr = 10 // SQLITE_IOERR: the operating system reported an I/O error ("disk I/O error")
	sqliteFull  = 13 // SQLITE_FULL: a write failed because the disk is full
)

// storageFault classifies err once for the APIs: a fault of the storage under the database or the
// journal comes back wrapped in openswf.ErrUnavailable, which they answer as a retryable fault; anything
// else comes back as it is. A storage fault is a full disk or quota, a read-only file system or an I/O
// error: it says nothing about the request, may clear by itself (space freed, a device back) or by an
// operator's hand, and what failed was not acknowledged.
func storageFault(err error) error {
	if err == nil || !isStorageFault(err) || errors.Is(err, openswf.ErrUnavailable) {
		return err
	}
	return fmt.Errorf("%w: %w", openswf.ErrUnavailable, err)
}

// isStorageFault reports whether err comes from the storage rather than from the request or the code.
func isStorageFault(err error) bool {
	// EROFS: file systems remount themselves read-only after an error (ext4's errors=remount-ro).
	for _, errno := range [...]syscall.Errno{syscall.ENOSPC, syscall.EDQUOT, syscall.EIO, syscall.EROFS} {
		if errors.Is(err, errno) {
			return true
		}
	}
	// modernc.org/sqlite's *Error has Code; an interface rather than the type keeps the driver behind the
	// database/sql import.
	var coded interface{ Code() int }
	if errors.As(err, &coded) {
		switch coded.Code() & 0xff {
		case sqliteIOErr, sqliteFull:
			return true
		}
	}
	return false
}
