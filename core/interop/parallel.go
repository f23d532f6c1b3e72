package interop

import (
	"runtime"
	"sync"
)

// parallel runs fn(0) … fn(n-1) on every core. Key encryption and
// decryption each cost a full PBKDF2 run, so a PKI of hundreds of people
// is bound by it.
func parallel(n int, fn func(i int)) {
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < min(runtime.NumCPU(), max(n, 1)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				fn(i)
			}
		}()
	}
	for i := 0; i < n; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
}
