package peer

import (
	"errors"
	"fmt"
	"os/exec"
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
	p, err := Start(cmd)
	if err != nil {
		return "", err
	}
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case <-p.exited:
		if p.err != nil {
			return p.Output(), fmt.Errorf("%s: %w", p.name, p.err)
		}
		return p.Output(), nil
	case <-timer.C:
		err := fmt.Errorf("%s: %w after %v", p.name, ErrTimeout, timeout)
		if stopErr := p.Stop(); stopErr != nil {
			err = errors.Join(err, stopErr)
		}
		return p.Output(), err
	}
}
