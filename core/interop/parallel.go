package interop

import (
	"context"

	"certdesk/core/workers"
)

// parallel runs fn(0) … fn(n-1) on every core. Key encryption and
// decryption each cost a full PBKDF2 run, so a PKI of hundreds of people
// is bound by it. fn records its own failures.
func parallel(n int, fn func(i int)) {
	_ = workers.Each(context.Background(), n, func(_ context.Context, i int) error { // fn never fails, nor can a background context end
		fn(i)
		return nil
	})
}
