package peer

import (
	"fmt"
	"net"
)

// FreeAddr returns a loopback address (127.0.0.1:port) whose port was free
// a moment ago, for a server about to be started.
func FreeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("finding a free loopback port: %w", err)
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		return "", fmt.Errorf("freeing loopback port %s: %w", addr, err)
	}
	return addr, nil
}
