package peer

import (
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"time"
)

// ErrTimeout is wrapped by the errors of a program stopped because it ran
// out of time: one Run did not finish, or a server did not listen.
var ErrTimeout = errors.New("timed out")

// Timeouts for Run and servers.
const (
	RunTimeout   = time.Minute      // what the tests give one program run
	StartTimeout = time.Minute      // how long a server may take to listen
	StopTimeout  = 10 * time.Second // how long a killed process may take to end
)

// Run runs cmd to its end for at most timeout and returns its combined
// output (unless cmd already has its own Stdout or Stderr). A program still
// running at the timeout is killed with its process group, and the error
// wraps ErrTimeout; a program that fails gives its *exec.ExitError, wrapped.
func Run(cmd *exec.Cmd, timeout time.Duration) (string, error) {
	name := filepath.Base(cmd.Path)
	out := &Output{}
	if cmd.Stdout == nil && cmd.Stderr == nil {
		cmd.Stdout, cmd.Stderr = out, out
	}
	cmd.SysProcAttr = groupAttr()
	cmd.WaitDelay = StopTimeout
	if err := cmd.Start(); err != nil {
		return "", fmt.Errorf("starting %s: %w", name, err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case err := <-done:
		if err != nil {
			return out.String(), fmt.Errorf("%s: %w", name, err)
		}
		return out.String(), nil
	case <-timer.C:
		err := fmt.Errorf("%s: %w after %v", name, ErrTimeout, timeout)
		if killErr := killGroup(cmd.Process); killErr != nil {
			err = errors.Join(err, fmt.Errorf("killing %s: %w", name, killErr))
		}
		<-done // Wait's own error is the kill we just sent
		return out.String(), err
	}
}
