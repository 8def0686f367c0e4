package node

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// checkDBFile checks, before SQLite opens it, that the database file at path can be written, and says why
// not in words an operator can act on. SQLite reports every such case as "unable to open database file
// (14)", or as "out of memory" when it first fails on a read-only file; and a read-only file it opens
// anyway, so that the server would start and then fail every write.
//
// The directory must exist and take new files, since SQLite creates its WAL and shared-memory files, and
// the store its heartbeat journal, beside the database: that is tried by creating and removing an empty
// file there, which also catches a read-only file system, and, unlike a permission check, holds for root.
// A file that is not a database is left to SQLite, whose message ("file is not a database") says so.
func checkDBFile(path string) error {
	fail := func(format string, args ...any) error {
		return fmt.Errorf("database %s: %s", path, fmt.Sprintf(format, args...))
	}
	cause := func(err error) error {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			return pe.Err
		}
		return err
	}
	dir := filepath.Dir(path)
	switch st, err := os.Stat(dir); {
	case errors.Is(err, fs.ErrNotExist):
		return fail("directory %s does not exist", dir)
	case err != nil:
		return fail("directory %s: %v", dir, cause(err))
	case !st.IsDir():
		return fail("%s is not a directory", dir)
	}
	switch st, err := os.Stat(path); {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return fail("%v", cause(err))
	case st.IsDir():
		return fail("is a directory; give the path of a file, in it or elsewhere")
	case !st.Mode().IsRegular():
		return fail("is not a regular file")
	default:
		f, err := os.OpenFile(path, os.O_RDWR, 0)
		if err != nil {
			return fail("cannot be written: %v", cause(err))
		}
		f.Close()
	}
	probe, err := os.CreateTemp(dir, ".openswf-probe-*")
	if err != nil {
		return fail("cannot create files in %s (SQLite keeps its WAL and shared-memory files beside the database): %v", dir, cause(err))
	}
	probe.Close()
	if err := os.Remove(probe.Name()); err != nil {
		return fail("remove %s: %v", probe.Name(), cause(err))
	}
	return nil
}
