//go:build unix

package peer

import (
	"errors"
	"os"
	"syscall"
)

// killGroup sends SIGKILL to p and every process of the group it leads.
func killGroup(p *os.Process) error {
	err := syscall.Kill(-p.Pid, syscall.SIGKILL)
	if errors.Is(err, syscall.ESRCH) {
		return os.ErrProcessDone
	}
	return err
}
