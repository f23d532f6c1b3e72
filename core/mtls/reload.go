package mtls

import (
	"context"
	"time"

	"certdesk/core/verdict"
)

// TrustSource is where a server's trust comes from: Stamp changes whenever
// the source changes (cheap to call), Trust builds the new snapshot.
type TrustSource interface {
	Stamp(ctx context.Context) (string, error)
	Trust(ctx context.Context) (*verdict.Trust, error)
}

// KeepTrustFresh polls source every interval and installs a new trust
// snapshot in the server when its stamp changes, so revocations made by any
// process (the app, certctl in another terminal) apply within an interval.
// It returns when ctx ends. Errors are passed to onError (may be nil) and
// the old trust stays in force.
func KeepTrustFresh(ctx context.Context, s *Server, source TrustSource, interval time.Duration, onError func(error)) {
	if interval <= 0 {
		interval = 50 * time.Millisecond
	}
	// The first tick always reloads: a change made between the caller's
	// first snapshot and this goroutine's start must not be missed.
	last := ""
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
		stamp, err := source.Stamp(ctx)
		if err != nil {
			if onError != nil && ctx.Err() == nil {
				onError(err)
			}
			continue
		}
		if stamp == last {
			continue
		}
		t, err := source.Trust(ctx)
		if err != nil {
			if onError != nil && ctx.Err() == nil {
				onError(err)
			}
			continue
		}
		s.SetTrust(t)
		last = stamp
	}
}
