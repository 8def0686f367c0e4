package bench

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// clockTick is the unit of the CPU times in /proc/PID/stat (USER_HZ, 100 on Linux).
const clockTick = 10 * time.Millisecond

// processCPU reads the user and system CPU time a process has used so far. ok is false where /proc cannot
// tell (another OS, a process gone).
func processCPU(pid int) (d time.Duration, ok bool) {
	if pid <= 0 {
		return 0, false
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, false
	}
	// The command name, field 2, is in parentheses and may hold spaces: count fields after its end.
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, false
	}
	f := strings.Fields(s[i+1:])
	// f[0] is field 3 (state); utime and stime are fields 14 and 15.
	if len(f) < 13 {
		return 0, false
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	return time.Duration(utime+stime) * clockTick, true
}

// cpuMeter measures the CPU time a server process spends during a load, when the bench knows its process
// and it is not the bench's own (whose CPU time would include the client's).
type cpuMeter struct {
	pid   int
	start time.Duration
	ok    bool
}

func startCPUMeter(pid int) cpuMeter {
	if pid == os.Getpid() {
		return cpuMeter{}
	}
	d, ok := processCPU(pid)
	return cpuMeter{pid: pid, start: d, ok: ok}
}

// perOp is the CPU time spent since the start divided by ops; 0 when unknown.
func (m cpuMeter) perOp(ops int64) time.Duration {
	if !m.ok || ops <= 0 {
		return 0
	}
	d, ok := processCPU(m.pid)
	if !ok {
		return 0
	}
	return (d - m.start) / time.Duration(ops)
}
