package ui

import (
	"context"
	"sync"
	"time"

	"certdesk/core/mtls"
)

// maxShownEvents bounds the live table; older events fall off.
const maxShownEvents = 10000

// eventFlushInterval batches events into the table, so thousands a second
// cost a few refreshes.
const eventFlushInterval = 100 * time.Millisecond

// eventBatch collects the server's events off the UI goroutine until the
// next flush takes them.
type eventBatch struct {
	mu      sync.Mutex
	pending []mtls.Event
	dropped uint64
}

// pump collects events until ctx ends and asks the UI goroutine to flush
// at most once per eventFlushInterval.
func (b *eventBatch) pump(ctx context.Context, sub *mtls.Subscription, run Runner, flush func()) {
	ticker := time.NewTicker(eventFlushInterval)
	defer ticker.Stop()
	defer sub.Close()
	for {
		select {
		case <-ctx.Done():
			return
		case e, ok := <-sub.C:
			if !ok {
				return
			}
			b.mu.Lock()
			b.pending = append(b.pending, e)
			b.dropped = sub.Dropped()
			b.mu.Unlock()
		case <-ticker.C:
			if b.waiting() > 0 {
				run.Do(flush)
			}
		}
	}
}

func (b *eventBatch) waiting() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.pending)
}

// take empties the batch: the events oldest first, and how many the
// subscription dropped so far.
func (b *eventBatch) take() ([]mtls.Event, uint64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	batch := b.pending
	b.pending = nil
	return batch, b.dropped
}

// add queues events directly (benchmarks and tests).
func (b *eventBatch) add(events ...mtls.Event) {
	b.mu.Lock()
	b.pending = append(b.pending, events...)
	b.mu.Unlock()
}
