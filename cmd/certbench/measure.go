package main

import (
	"fmt"
	"strconv"
	"time"

	"certdesk/core/peer"
)

// loadTimeout bounds one run of the load generator (3,000 handshakes take
// a few seconds).
const loadTimeout = 5 * time.Minute

// measureServer runs the load against a started server from the other core
// and returns the server's CPU µs per handshake and the handshakes per
// second.
func measureServer(srv *peer.Process, self, addr, dir string, handshakes int) (cpuPerHandshake, rate float64, err error) {
	if err := runLoad(self, addr, dir, 200); err != nil {
		return 0, 0, fmt.Errorf("warm-up: %w", err)
	}
	before, err := processCPU(srv.Pid())
	if err != nil {
		return 0, 0, err
	}
	start := time.Now()
	if err := runLoad(self, addr, dir, handshakes); err != nil {
		return 0, 0, err
	}
	elapsed := time.Since(start)
	after, err := processCPU(srv.Pid())
	if err != nil {
		return 0, 0, err
	}
	cpu := float64(after-before) / float64(time.Microsecond)
	return cpu / float64(handshakes), float64(handshakes) / elapsed.Seconds(), nil
}

// runLoad runs the load child on the load core: n fresh handshakes.
func runLoad(self, addr, dir string, n int) error {
	out, err := peer.Run(pinned(loadCore, self, "load", "-addr", addr, "-dir", dir, "-n", strconv.Itoa(n)), loadTimeout)
	if err != nil {
		return fmt.Errorf("load: %w: %s", err, out)
	}
	return nil
}
