package workers

import (
	"context"
	"errors"
	"runtime"
	"sync/atomic"
	"testing"
)

func TestEach(t *testing.T) {
	var calls, running, most atomic.Int64
	err := Each(context.Background(), 200, func(_ context.Context, i int) error {
		calls.Add(1)
		now := running.Add(1)
		for old := most.Load(); now > old && !most.CompareAndSwap(old, now); old = most.Load() {
		}
		runtime.Gosched()
		running.Add(-1)
		return nil
	})
	if err != nil || calls.Load() != 200 {
		t.Fatalf("%d calls, %v", calls.Load(), err)
	}
	if most.Load() > int64(runtime.GOMAXPROCS(0)) {
		t.Errorf("%d calls at once on %d cores", most.Load(), runtime.GOMAXPROCS(0))
	}
}

func TestEachStops(t *testing.T) {
	boom := errors.New("boom")
	tests := []struct {
		name string
		run  func(ctx context.Context, cancel func()) error
		want error
	}{
		{"an error stops the rest", func(ctx context.Context, _ func()) error {
			return Each(ctx, 10_000, func(_ context.Context, i int) error {
				if i == 3 {
					return boom
				}
				return nil
			})
		}, boom},
		{"a cancel stops the rest", func(ctx context.Context, cancel func()) error {
			return Each(ctx, 10_000, func(_ context.Context, i int) error {
				if i == 3 {
					cancel()
				}
				return nil
			})
		}, context.Canceled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if err := tt.run(ctx, cancel); !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
		})
	}
}
