package ui

import (
	"bytes"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"
)

// testRunner is the Runner of the UI tests. Like the app's, Run calls work
// on a new goroutine; its apply, and everything Do is given, waits in a
// queue until the test's goroutine — the UI goroutine of a test — drains
// it. Work that touches a widget therefore races with the test goroutine
// (which looks at the window right after starting work, see look), and
// `go test -race` fails the test.
type testRunner struct {
	ui   uint64        // the goroutine that may drain
	look func()        // reads the window; called after each work starts
	wake chan struct{} // a nudge when work ends or Do queues

	mu      sync.Mutex
	queue   []func()
	running int
}

func newTestRunner() *testRunner {
	return &testRunner{ui: goroutineID(), wake: make(chan struct{}, 1)}
}

// Run starts work on its own goroutine and queues its apply.
func (r *testRunner) Run(work func() func()) {
	r.mu.Lock()
	r.running++
	r.mu.Unlock()
	go func() {
		apply := work()
		r.mu.Lock()
		if apply != nil {
			r.queue = append(r.queue, apply)
		}
		r.running--
		r.mu.Unlock()
		r.nudge()
	}()
	if r.look != nil && goroutineID() == r.ui {
		r.look()
	}
}

// Do queues fn for the UI goroutine.
func (r *testRunner) Do(fn func()) {
	r.mu.Lock()
	r.queue = append(r.queue, fn)
	r.mu.Unlock()
	r.nudge()
}

func (r *testRunner) nudge() {
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// Drain runs what is queued, on the UI goroutine, and says how many.
func (r *testRunner) Drain() int {
	if id := goroutineID(); id != r.ui {
		panic("testRunner: Drain on goroutine " + strconv.FormatUint(id, 10) + ", not the UI goroutine " + strconv.FormatUint(r.ui, 10))
	}
	r.mu.Lock()
	q := r.queue
	r.queue = nil
	r.mu.Unlock()
	for _, fn := range q {
		fn()
	}
	return len(q)
}

// busy says whether work is running or applies are waiting.
func (r *testRunner) busy() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.running > 0 || len(r.queue) > 0
}

// Settle drains until no work runs and nothing waits, including work
// that applies start; it fails t after timeout.
func (r *testRunner) Settle(t testing.TB, timeout time.Duration) {
	t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		r.Drain()
		if !r.busy() {
			return
		}
		select {
		case <-r.wake:
		case <-deadline.C:
			t.Fatalf("background work still running after %v", timeout)
		}
	}
}

// goroutineID is the current goroutine's number, from its stack header
// ("goroutine 7 [running]:").
func goroutineID() uint64 {
	buf := make([]byte, 64)
	buf = buf[:runtime.Stack(buf, false)]
	buf = bytes.TrimPrefix(buf, []byte("goroutine "))
	id, _ := strconv.ParseUint(string(buf[:bytes.IndexByte(buf, ' ')]), 10, 64)
	return id
}
