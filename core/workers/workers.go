// Package workers runs CPU-bound work — key generation, signing, key
// encryption — on every core, the one way Certdesk does it.
package workers

import (
	"context"
	"runtime"

	"golang.org/x/sync/errgroup"
)

// Each calls fn(ctx, 0) … fn(ctx, n-1), at most one call per core at a
// time. Once ctx ends, or a call returns an error, no further call starts;
// Each waits for the calls under way and returns the first error (ctx's
// error when it ended first). Work that fails item by item should record
// the failure and return nil, so the other items go on.
func Each(ctx context.Context, n int, fn func(ctx context.Context, i int) error) error {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i := 0; i < n; i++ {
		if gctx.Err() != nil {
			break
		}
		g.Go(func() error { return fn(gctx, i) })
	}
	if err := g.Wait(); err != nil {
		return err
	}
	return ctx.Err()
}
