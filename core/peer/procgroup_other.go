//go:build !unix

package peer

import (
	"os"
	"syscall"
)

// groupAttr is nil where there are no process groups: only the program
// itself is stopped.
func groupAttr() *syscall.SysProcAttr { return nil }

// killGroup kills p.
func killGroup(p *os.Process) error { return p.Kill() }
