//go:build unix

package node

import "syscall"

// openFileLimit is the process's soft RLIMIT_NOFILE. Go raises the soft limit to the hard one at start-up,
// so this is all the process can have.
func openFileLimit() (uint64, bool) {
	var rl syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil {
		return 0, false
	}
	return uint64(rl.Cur), true
}
