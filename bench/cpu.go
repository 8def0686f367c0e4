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

// cpuMeter measures the CPU time the server's processes (one per node) spend during a load, when the
// bench knows them and they are not the bench's own (whose CPU time would include the client's).
type cpuMeter struct {
	pids  []int
	start []time.Duration
	ok    bool
}

func startCPUMeter(pids ...int) cpuMeter {
	m := cpuMeter{ok: len(pids) > 0}
	for _, pid := range pids {
		d, ok := processCPU(pid)
		if pid == os.Getpid() || !ok {
			return cpuMeter{}
		}
		m.pids, m.start = append(m.pids, pid), append(m.start, d)
	}
	return m
}

// perOp is the CPU time all the processes spent since the start divided by ops; 0 when unknown.
func (m cpuMeter) perOp(ops int64) time.Duration {
	var sum time.Duration
	for _, d := range m.perNode(ops) {
		sum += d
	}
	return sum
}

// perNode is perOp of each process; nil when unknown. A process gone since the start (failover's
// victim) counts as having spent nothing.
func (m cpuMeter) perNode(ops int64) []time.Duration {
	if !m.ok || ops <= 0 {
		return nil
	}
	per := make([]time.Duration, len(m.pids))
	for i, pid := range m.pids {
		if d, ok := processCPU(pid); ok {
			per[i] = (d - m.start[i]) / time.Duration(ops)
		}
	}
	return per
}

// several is per-node figures when there are several nodes, else nil: one node's figure is the total.
func several(perNode []time.Duration) []time.Duration {
	if len(perNode) < 2 {
		return nil
	}
	return perNode
}
