package mtls

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"certdesk/core/verdict"
)

type fakeSource struct {
	stamp  atomic.Int64
	builds atomic.Int64
	trust  *verdict.Trust
}

func (f *fakeSource) Stamp(context.Context) (string, error) {
	return string(rune('a' + f.stamp.Load())), nil
}

func (f *fakeSource) Trust(context.Context) (*verdict.Trust, error) {
	f.builds.Add(1)
	return f.trust, nil
}

// TestKeepTrustFreshMissesNothing: a change made after the caller's first
// snapshot but before the reloader starts is still picked up.
func TestKeepTrustFreshMissesNothing(t *testing.T) {
	f := startFixture(t, Config{})
	next := verdict.NewTrust(nil)
	src := &fakeSource{trust: next}
	src.stamp.Store(1) // changed before KeepTrustFresh begins
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { KeepTrustFresh(ctx, f.server, src, 10*time.Millisecond, nil); close(done) }()
	deadline := time.Now().Add(5 * time.Second)
	for f.server.Trust() != next && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if f.server.Trust() != next {
		t.Fatal("the server never got the new trust")
	}
	time.Sleep(50 * time.Millisecond)
	if n := src.builds.Load(); n != 1 {
		t.Errorf("%d builds while nothing changed, want 1", n)
	}
	src.stamp.Store(2)
	for src.builds.Load() < 2 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if src.builds.Load() != 2 {
		t.Error("a later change was not picked up")
	}
	cancel()
	<-done
}
