package mtls

import (
	"io"
	"log"
	"net"
	"sync"
)

// connQueue is a net.Listener whose Accept returns connections whose TLS
// handshake already finished, so http.Server serves them as HTTPS.
type connQueue struct {
	addr   net.Addr
	ch     chan net.Conn
	done   chan struct{}
	closed sync.Once
}

func newConnQueue(addr net.Addr) *connQueue {
	return &connQueue{addr: addr, ch: make(chan net.Conn), done: make(chan struct{})}
}

// Push hands a connection to Accept; false once the queue is closed.
func (q *connQueue) Push(c net.Conn) bool {
	select {
	case q.ch <- c:
		return true
	case <-q.done:
		return false
	}
}

func (q *connQueue) Accept() (net.Conn, error) {
	select {
	case c := <-q.ch:
		return c, nil
	case <-q.done:
		return nil, net.ErrClosed
	}
}

func (q *connQueue) Close() error {
	q.closed.Do(func() { close(q.done) })
	return nil
}

func (q *connQueue) Addr() net.Addr { return q.addr }

func discardLogger() *log.Logger { return log.New(io.Discard, "", 0) }
