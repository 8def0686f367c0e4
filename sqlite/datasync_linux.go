package sqlite

import (
	"os"
	"syscall"
)

// datasync makes f's data durable: fdatasync, which skips the metadata a journal overwritten in place does
// not need (its size changes only when it grows).
func datasync(f *os.File) error { return syscall.Fdatasync(int(f.Fd())) }
