package peer

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"time"
)

// ErrExited is wrapped by StartServer's error when the program ended
// before it listened.
var ErrExited = errors.New("exited before listening")

// Process is a peer program started by Start or StartServer.
type Process struct {
	name   string
	cmd    *exec.Cmd
	out    *Output
	exited chan struct{} // closed once Wait has returned
	err    error         // what Wait returned; read after exited is closed
}

// Start starts cmd in a process group of its own, so that workers it forks
// end with it, and collects its output unless cmd has its own Stdout or
// Stderr. Stop ends it.
func Start(cmd *exec.Cmd) (*Process, error) {
	s := &Process{name: filepath.Base(cmd.Path), cmd: cmd, out: &Output{}, exited: make(chan struct{})}
	if cmd.Stdout == nil && cmd.Stderr == nil {
		cmd.Stdout, cmd.Stderr = s.out, s.out
	}
	cmd.SysProcAttr = groupAttr()
	cmd.WaitDelay = StopTimeout
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s: %w", s.name, err)
	}
	go func() {
		s.err = cmd.Wait()
		close(s.exited)
	}()
	return s, nil
}

// StartServer starts cmd like Start and waits at most timeout until
// something accepts TCP connections on addr. If the program exits first
// (ErrExited) or the time runs out (ErrTimeout), it is stopped and the
// error carries what it printed.
func StartServer(cmd *exec.Cmd, addr string, timeout time.Duration) (*Process, error) {
	s, err := Start(cmd)
	if err != nil {
		return nil, err
	}
	if err := s.waitListening(addr, timeout); err != nil {
		if stopErr := s.Stop(); stopErr != nil {
			err = errors.Join(err, stopErr)
		}
		return nil, fmt.Errorf("%s: %w\n%s", s.name, err, s.out.String())
	}
	return s, nil
}

func (s *Process) waitListening(addr string, timeout time.Duration) error {
	deadline := time.After(timeout)
	for {
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			return c.Close()
		}
		select {
		case <-s.exited:
			return fmt.Errorf("%w on %s", ErrExited, addr)
		case <-deadline:
			return fmt.Errorf("not listening on %s: %w after %v", addr, ErrTimeout, timeout)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// Pid is the process id.
func (s *Process) Pid() int { return s.cmd.Process.Pid }

// Signal sends sig to the process (SIGHUP makes nginx reload).
func (s *Process) Signal(sig os.Signal) error {
	if err := s.cmd.Process.Signal(sig); err != nil {
		return fmt.Errorf("signalling %s: %w", s.name, err)
	}
	return nil
}

// Output is what the program has printed so far, when Start collected it.
func (s *Process) Output() string { return s.out.String() }

// Stop kills the program with its process group and waits at most
// StopTimeout for it to end. Stopping a program that has already ended is
// not an error.
func (s *Process) Stop() error {
	select {
	case <-s.exited:
		return nil
	default:
	}
	if err := killGroup(s.cmd.Process); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return fmt.Errorf("stopping %s: %w", s.name, err)
	}
	select {
	case <-s.exited:
		return nil
	case <-time.After(StopTimeout):
		return fmt.Errorf("stopping %s: %w: still running %v after the kill", s.name, ErrTimeout, StopTimeout)
	}
}
