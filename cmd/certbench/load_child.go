package main

import (
	"bufio"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// errRefused is wrapped by oneRequest's error when a server answered, but
// not with 200.
var errRefused = errors.New("the server did not answer 200")

// loadMain is the child process that makes n mTLS connections, each with a
// fresh full handshake (no resumption), reading the answer after each.
func loadMain(args []string) error {
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	dir := fs.String("dir", "", "fixture folder")
	addr := fs.String("addr", "", "server address")
	n := fs.Int("n", 1000, "connections")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cert, err := tls.LoadX509KeyPair(filepath.Join(*dir, "client.pem"), filepath.Join(*dir, "client.key"))
	if err != nil {
		return err
	}
	cfg := &tls.Config{Certificates: []tls.Certificate{cert}, InsecureSkipVerify: true, //nolint:gosec // load generator against our own loopback servers
		CurvePreferences: []tls.CurveID{tls.X25519}, MinVersion: tls.VersionTLS13, ServerName: "localhost"}
	var next, failed atomic.Int64
	var first error
	var once sync.Once
	var wg sync.WaitGroup
	for range loadConcurrency {
		wg.Go(func() {
			for next.Add(1) <= int64(*n) {
				if err := oneRequest(*addr, cfg); err != nil {
					failed.Add(1)
					once.Do(func() { first = err })
				}
			}
		})
	}
	wg.Wait()
	if failed.Load() > 0 {
		return fmt.Errorf("%d of %d requests failed, the first: %w", failed.Load(), *n, first)
	}
	return nil
}

func oneRequest(addr string, cfg *tls.Config) error {
	conn, err := tls.DialWithDialer(&net.Dialer{Timeout: 10 * time.Second}, "tcp", addr, cfg)
	if err != nil {
		return err
	}
	// By the time it runs, the answer has been read to its end or the
	// request has failed already; closing can then only fail to send
	// close_notify to a server that has hung up, which measures nothing.
	defer func() { _ = conn.Close() }()
	if err := conn.SetDeadline(time.Now().Add(10 * time.Second)); err != nil {
		return err
	}
	if _, err := io.WriteString(conn, "GET /api/whoami HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"); err != nil {
		return err
	}
	r := bufio.NewReader(conn)
	status, err := r.ReadString('\n')
	if err != nil {
		return err
	}
	if !strings.Contains(status, " 200 ") {
		return fmt.Errorf("%w: %q", errRefused, strings.TrimSpace(status))
	}
	_, err = io.Copy(io.Discard, r)
	return err
}
