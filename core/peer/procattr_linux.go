//go:build linux

package peer

import "syscall"

// groupAttr puts a child in a process group of its own, and has the kernel
// kill it when this process dies, so that an interrupted test or benchmark
// leaves no server behind.
func groupAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
