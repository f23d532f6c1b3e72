//go:build linux

package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"certdesk/core/peer"
)

// userHZ is the unit of the CPU times in /proc: USER_HZ, which the kernel
// fixes at 100 for user space on every architecture Go supports.
const userHZ = 100

// errBadStat is wrapped by parseStatCPU's errors.
var errBadStat = errors.New("unexpected /proc stat line")

// handshakePlatform checks what the handshake benchmark needs beyond Linux:
// taskset, to pin each server and the load to a core of their own.
func handshakePlatform() error {
	if _, err := peer.Find("taskset"); err != nil {
		return fmt.Errorf("pinning the servers to one core: %w", err)
	}
	return nil
}

// pinned is a command that runs argv on one CPU core, through taskset
// (which execs argv, so the process id is argv's).
func pinned(core string, argv ...string) *exec.Cmd {
	return exec.Command("taskset", append([]string{"-c", core}, argv...)...)
}

// processCPU is a process's user and system CPU time, all its threads.
func processCPU(pid int) (time.Duration, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, fmt.Errorf("reading the CPU time of process %d: %w", pid, err)
	}
	ticks, err := parseStatCPU(string(data))
	if err != nil {
		return 0, fmt.Errorf("process %d: %w", pid, err)
	}
	return time.Duration(ticks) * time.Second / userHZ, nil
}

// parseStatCPU returns utime + stime, fields 14 and 15 of a /proc/PID/stat
// line (proc(5)), in clock ticks. Field 2, the command name, is in
// parentheses and may itself hold spaces and parentheses, so the fields are
// counted from the last ')'.
func parseStatCPU(stat string) (int64, error) {
	end := strings.LastIndexByte(stat, ')')
	if end < 0 {
		return 0, fmt.Errorf("%w: no command name in %q", errBadStat, stat)
	}
	fields := strings.Fields(stat[end+1:]) // fields[0] is field 3, the state
	const utime, stime = 14 - 3, 15 - 3
	if len(fields) <= stime {
		return 0, fmt.Errorf("%w: %d fields after the command name, want at least %d", errBadStat, len(fields), stime+1)
	}
	var total int64
	for _, i := range []int{utime, stime} {
		n, err := strconv.ParseInt(fields[i], 10, 64)
		if err != nil || n < 0 {
			return 0, fmt.Errorf("%w: field %d is %q, not a tick count", errBadStat, i+3, fields[i])
		}
		total += n
	}
	return total, nil
}
