//go:build unix && !linux

package peer

import "syscall"

// groupAttr puts a child in a process group of its own.
func groupAttr() *syscall.SysProcAttr { return &syscall.SysProcAttr{Setpgid: true} }
