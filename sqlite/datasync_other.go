//go:build !linux

package sqlite

import "os"

// datasync makes f's data durable: File.Sync, which is F_FULLFSYNC on macOS (fsync there does not reach
// the disk) and FlushFileBuffers on Windows. Only Linux has fdatasync.
func datasync(f *os.File) error { return f.Sync() }
