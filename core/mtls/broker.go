package mtls

import (
	"sync"
	"sync/atomic"
)

// Broker fans events out to any number of subscribers without ever
// blocking the publisher: a subscriber whose buffer is full loses the event,
// and its drop count says how many it lost. The last events are kept for
// subscribers that arrive late.
type Broker struct {
	mu      sync.Mutex
	subs    map[*Subscription]struct{}
	history []Event
	next    int // ring position
	full    bool
	seq     atomic.Uint64
}

// Subscription receives events on C until Close.
type Subscription struct {
	C       <-chan Event
	ch      chan Event
	dropped atomic.Uint64
	broker  *Broker
	once    sync.Once
}

// NewBroker keeps the last historySize events.
func NewBroker(historySize int) *Broker {
	if historySize < 1 {
		historySize = 1
	}
	return &Broker{subs: map[*Subscription]struct{}{}, history: make([]Event, historySize)}
}

// Publish numbers the event and hands it to every subscriber that has room.
// It never blocks.
func (b *Broker) Publish(e Event) Event {
	e.Seq = b.seq.Add(1)
	b.mu.Lock()
	b.history[b.next] = e
	b.next = (b.next + 1) % len(b.history)
	if b.next == 0 {
		b.full = true
	}
	for s := range b.subs {
		select {
		case s.ch <- e:
		default:
			s.dropped.Add(1)
		}
	}
	b.mu.Unlock()
	return e
}

// Subscribe returns a subscription with the given buffer and the events
// kept so far, oldest first.
func (b *Broker) Subscribe(buffer int) (*Subscription, []Event) {
	if buffer < 1 {
		buffer = 1
	}
	ch := make(chan Event, buffer)
	s := &Subscription{C: ch, ch: ch, broker: b}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.subs[s] = struct{}{}
	return s, b.historyLocked()
}

// History returns the events kept, oldest first.
func (b *Broker) History() []Event {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.historyLocked()
}

func (b *Broker) historyLocked() []Event {
	var out []Event
	if b.full {
		out = append(out, b.history[b.next:]...)
	}
	return append(out, b.history[:b.next]...)
}

// Published is the number of events published so far.
func (b *Broker) Published() uint64 { return b.seq.Load() }

// Dropped is how many events this subscriber lost because it was slow.
func (s *Subscription) Dropped() uint64 { return s.dropped.Load() }

// Close ends the subscription and closes C.
func (s *Subscription) Close() {
	s.once.Do(func() {
		s.broker.mu.Lock()
		delete(s.broker.subs, s)
		close(s.ch)
		s.broker.mu.Unlock()
	})
}
