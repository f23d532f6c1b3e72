package mtls

import (
	"context"
	"crypto/tls"
	"net"
	"os"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestStress sends bad connections of every kind mixed with good clients:
// no certificate, unknown CA, expired, revoked, garbage, plain HTTP, idle,
// half handshakes. Afterwards the server is up, every good client got 200,
// the events equal the connections, and goroutines and memory are back near
// their baseline. CERTDESK_STRESS sets the number of bad connections
// (default 600 in make test; make stress runs 10,000).
func TestStress(t *testing.T) {
	bad := 600
	if n, err := strconv.Atoi(os.Getenv("CERTDESK_STRESS")); err == nil {
		bad = n
	}
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	baseline := runtime.NumGoroutine()
	// Every client here comes from 127.0.0.1: the per-address share is
	// lifted so good clients are not refused as part of the flood
	// (TestPerAddressLimit covers the share).
	f := startFixture(t, Config{HandshakeTimeout: 500 * time.Millisecond, MaxConns: 512, MaxConnsPerAddr: 512})
	f.sub.Close()
	addr := f.server.Addr().String()
	kinds := []string{"none", "unknown CA", "expired", "revoked by serial", "garbage", "plain HTTP", "idle", "half"}
	var good, goodOK, connections atomic.Int64
	var wg, waiters sync.WaitGroup
	start := time.Now()
	work := make(chan int, bad)
	for i := range bad {
		work <- i
	}
	close(work)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				connections.Add(1)
				switch kind := kinds[i%len(kinds)]; kind {
				case "garbage", "plain HTTP", "idle", "half":
					c, err := net.Dial("tcp", addr)
					if err != nil {
						t.Error(err)
						continue
					}
					switch kind {
					case "garbage":
						c.Write([]byte("\x00\x01garbage"))
					case "plain HTTP":
						c.Write([]byte("GET / HTTP/1.0\r\n\r\n"))
					case "half":
						c.Write([]byte{0x16, 0x03, 0x01, 0x02, 0x00})
					}
					// Left open: the server must close it within its
					// handshake limit; a reader waits for that aside.
					waiters.Add(1)
					go func() {
						defer waiters.Done()
						c.SetReadDeadline(time.Now().Add(10 * time.Second))
						buf := make([]byte, 512)
						for {
							if _, err := c.Read(buf); err != nil {
								break
							}
						}
						c.Close()
					}()
				default:
					var cert *tls.Certificate
					cert = f.clientCert(f.m.Named(kind))
					Try(context.Background(), addr, TryOptions{Certificate: cert, Timeout: 5 * time.Second})
				}
				if i%10 == 0 { // a good client every tenth connection
					connections.Add(1)
					good.Add(1)
					res, err := Try(context.Background(), addr, TryOptions{Certificate: f.clientCert(f.m.Cases[0])})
					if err == nil && res.HTTPStatus == 200 {
						goodOK.Add(1)
					}
				}
			}
		}()
	}
	wg.Wait()
	waiters.Wait()
	elapsed := time.Since(start)
	deadline := time.Now().Add(5 * time.Second)
	for f.server.Events().Published() < uint64(connections.Load()) && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if got, want := f.server.Events().Published(), uint64(connections.Load()); got != want {
		t.Errorf("%d events for %d connections", got, want)
	}
	if goodOK.Load() != good.Load() {
		t.Errorf("%d of %d good clients got 200", goodOK.Load(), good.Load())
	}
	if res, err := Try(context.Background(), addr, TryOptions{Certificate: f.clientCert(f.m.Cases[0])}); err != nil || res.HTTPStatus != 200 {
		t.Errorf("the server is not serving after the stress: %v %v", res.Summary(), err)
	}
	f.server.Close()
	deadline = time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > baseline+3 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	runtime.GC()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	t.Logf("%d connections (%d bad, %d good) in %v; goroutines %d → %d; heap %d KiB → %d KiB",
		connections.Load(), bad, good.Load(), elapsed.Round(time.Millisecond), baseline, runtime.NumGoroutine(), before.HeapAlloc>>10, after.HeapAlloc>>10)
	if runtime.NumGoroutine() > baseline+3 {
		t.Errorf("goroutines %d after, %d before", runtime.NumGoroutine(), baseline)
	}
	if after.HeapAlloc > before.HeapAlloc+64<<20 {
		t.Errorf("heap grew from %d to %d bytes", before.HeapAlloc, after.HeapAlloc)
	}
}
