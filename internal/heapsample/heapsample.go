// Package heapsample measures the peak Go heap of a piece of work, for
// benchmarks that report memory beside speed.
package heapsample

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// Start samples HeapInuse every 10 ms until the returned stop is called,
// which returns the largest value seen, in bytes.
func Start() (stop func() uint64) {
	var peak atomic.Uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		var ms runtime.MemStats
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	})
	return func() uint64 { close(done); wg.Wait(); return peak.Load() }
}
