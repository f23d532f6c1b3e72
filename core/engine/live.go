package engine

import (
	"context"
	"time"

	"certdesk/core/mtls"
)

// TeamReloadInterval is how often a test server on a team vault checks for
// changes it was not told about; the database tells it of every change at
// once (LISTEN/NOTIFY), so this is only a safety net.
const TeamReloadInterval = 10 * time.Second

// notifier is a store that announces committed changes.
type notifier interface {
	Changes(ctx context.Context) <-chan struct{}
}

// Changes receives a value soon after any admin's change to a team vault
// commits (nil for a vault file, whose changes are polled).
func (e *Engine) Changes(ctx context.Context) <-chan struct{} {
	if n, ok := e.store.(notifier); ok {
		return n.Changes(ctx)
	}
	return nil
}

// reloadInterval is the polling interval for a server whose store tells of
// changes through ch (nil: none).
func reloadInterval(ch <-chan struct{}) time.Duration {
	if ch != nil {
		return TeamReloadInterval
	}
	return TrustReloadInterval
}

// followChanges reloads the server's trust on every announced change.
func followChanges(ctx context.Context, ch <-chan struct{}, server *mtls.Server, source *TrustSource, onError func(error)) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-ch:
		}
		t, err := source.Trust(ctx)
		if err != nil {
			if onError != nil && ctx.Err() == nil {
				onError(err)
			}
			continue
		}
		server.SetTrust(t)
	}
}
