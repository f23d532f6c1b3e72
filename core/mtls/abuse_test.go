package mtls

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"runtime"
	"sync"
	"testing"
	"time"

	"certdesk/core/verdict"
)

// TestAbuse: idle sockets, half handshakes, garbage, plain HTTP and an
// oversized chain, while good clients keep being served. The server closes
// the bad ones within its timeouts, publishes one event per connection and
// leaves no goroutine behind.
func TestAbuse(t *testing.T) {
	baseline := runtime.NumGoroutine()
	f := startFixture(t, Config{HandshakeTimeout: time.Second})
	addr := f.server.Addr().String()
	dial := func() net.Conn {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	var bad []net.Conn
	for range 200 { // idle: never a ClientHello
		bad = append(bad, dial())
	}
	for range 20 { // half a handshake: a record header promising more
		c := dial()
		c.Write([]byte{0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03})
		bad = append(bad, c)
	}
	for range 20 { // garbage
		c := dial()
		c.Write([]byte("\x00\xffgarbage garbage garbage"))
		bad = append(bad, c)
	}
	for range 20 { // plain HTTP
		c := dial()
		c.Write([]byte("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"))
		bad = append(bad, c)
	}
	// A client whose chain is over 256 KiB.
	valid := f.m.Cases[0]
	huge := &tls.Certificate{PrivateKey: valid.Key}
	for len(huge.Certificate)*len(valid.Chain[0]) < 300<<10 {
		huge.Certificate = append(huge.Certificate, valid.Chain[0])
	}
	res, err := Try(context.Background(), addr, TryOptions{Certificate: huge})
	if err == nil && res.WhoAmI != nil {
		t.Errorf("a 300 KiB chain was served: %s", res.Summary())
	}

	// Good clients get through while all that is open.
	for i := range 10 {
		res, err := Try(context.Background(), addr, TryOptions{Certificate: f.clientCert(valid)})
		if err != nil || res.HTTPStatus != 200 {
			t.Fatalf("good client %d during abuse: %v %v", i, res.Summary(), err)
		}
	}
	// The server closes every bad connection within its timeout.
	var wg sync.WaitGroup
	closed := make(chan time.Duration, len(bad))
	start := time.Now()
	for _, c := range bad {
		wg.Add(1)
		go func(c net.Conn) {
			defer wg.Done()
			c.SetReadDeadline(time.Now().Add(5 * time.Second))
			io.Copy(io.Discard, c)
			closed <- time.Since(start)
			c.Close()
		}(c)
	}
	wg.Wait()
	close(closed)
	var slowest time.Duration
	for d := range closed {
		slowest = max(slowest, d)
	}
	if slowest > 3*time.Second {
		t.Errorf("the slowest bad connection was closed after %v; the handshake limit is 1s", slowest)
	}
	// One event per connection: 260 bad + 1 huge + 10 good.
	want := uint64(len(bad) + 1 + 10)
	deadline := time.Now().Add(5 * time.Second)
	for f.server.Events().Published() < want && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if got := f.server.Events().Published(); got != want {
		t.Errorf("%d events for %d connections", got, want)
	}
	counts := map[verdict.Code]int{}
	for range want {
		counts[f.nextEvent(t).Verdict]++
	}
	if counts[verdict.NotTLS] != 40 || counts[verdict.OK] != 10 || counts[verdict.HandshakeFailed] != 221 {
		t.Errorf("event verdicts: %v", counts)
	}
	t.Logf("bad connections closed within %v; events by verdict: %v", slowest, counts)

	f.sub.Close()
	f.server.Close()
	deadline = time.Now().Add(3 * time.Second)
	for runtime.NumGoroutine() > baseline+2 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > baseline+2 {
		buf := make([]byte, 1<<16)
		t.Errorf("%d goroutines after Close, %d before Start\n%s", n, baseline, buf[:runtime.Stack(buf, true)])
	}
}

// TestSlowSubscriber: 5,000 connections while one subscriber never reads.
// Handshakes go on at the same pace and the drop count is exact.
func TestSlowSubscriber(t *testing.T) {
	if testing.Short() {
		t.Skip("5,000 handshakes")
	}
	f := startFixture(t, Config{})
	f.sub.Close()
	addr := f.server.Addr().String()
	run := func(n int) time.Duration {
		start := time.Now()
		var wg sync.WaitGroup
		errs := make(chan error, n)
		work := make(chan struct{}, n)
		for range n {
			work <- struct{}{}
		}
		close(work)
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range work {
					res, err := Try(context.Background(), addr, TryOptions{})
					if err == nil && res.HTTPStatus != 400 {
						err = fmt.Errorf("status %d", res.HTTPStatus)
					}
					if err != nil {
						errs <- err
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		return time.Since(start)
	}
	const n = 5000
	free := run(n)
	stalled, _ := f.server.Events().Subscribe(100)
	defer stalled.Close()
	before := f.server.Events().Published()
	blocked := run(n)
	published := f.server.Events().Published() - before
	// Wait for the last events of the run to be published.
	deadline := time.Now().Add(5 * time.Second)
	for published < n && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
		published = f.server.Events().Published() - before
	}
	if published != n {
		t.Fatalf("%d events for %d connections", published, n)
	}
	if got, want := stalled.Dropped(), uint64(n-100); got != want {
		t.Errorf("dropped %d, want %d", got, want)
	}
	ratio := float64(free) / float64(blocked)
	t.Logf("%d connections: %v with no subscriber, %v with a stalled one (rate ratio %.2f); %d dropped", n, free, blocked, ratio, stalled.Dropped())
	if ratio < 0.5 {
		t.Errorf("a stalled subscriber halved the handshake rate (ratio %.2f)", ratio)
	}
}
