//go:build !linux

package main

import (
	"errors"
	"os/exec"
	"time"
)

// errNotLinux says why the handshake benchmark does not run here.
var errNotLinux = errors.New("unsupported on this system: the handshake benchmark reads server CPU time from Linux's /proc and pins processes to cores with taskset")

func handshakePlatform() error { return errNotLinux }

// pinned runs argv unpinned: there is no taskset here (handshakePlatform
// stops the benchmark before it is used).
func pinned(_ string, argv ...string) *exec.Cmd { return exec.Command(argv[0], argv[1:]...) }

func processCPU(int) (time.Duration, error) { return 0, errNotLinux }
