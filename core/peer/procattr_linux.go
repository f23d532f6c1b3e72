//go:build linux

package peer

import "syscall"

// groupAttr puts a child in a process group of its own, and has the kernel
// kill it when this process dies, so that an interrupted test or benchmark
// leaves no server behind. (The kernel ties that to the thread that started
// the child; Go ends threads only for goroutines that lock theirs, which
// the tests and certbench do not do when they start peers.)
func groupAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
