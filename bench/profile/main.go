// Command profile runs the --from-raw export of the benchmark in-process
// with CPU and heap profiles, to find upexport's hot path:
//
//	go run ./bench/profile -raw bench/data/3650 -format parquet -cpuprofile cpu.prof -memprofile mem.prof
//	go tool pprof -top cpu.prof
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"time"

	"github.com/upexport/upexport/engine"
	"github.com/upexport/upexport/export"
	"github.com/upexport/upexport/providers/jawbone"
)

func main() {
	raw := flag.String("raw", "", "export directory whose .raw archive is flattened (required)")
	format := flag.String("format", "parquet", "parquet or csv")
	cpu := flag.String("cpuprofile", "", "write a CPU profile here")
	mem := flag.String("memprofile", "", "write an allocation profile here")
	peak := flag.String("peakprofile", "", "write a heap profile taken when the heap in use peaked here")
	flag.Parse()
	if *raw == "" {
		flag.Usage()
		os.Exit(2)
	}
	out, err := os.MkdirTemp("", "upexport-profile-")
	if err != nil {
		fail(err)
	}
	defer os.RemoveAll(out)
	if *mem != "" {
		runtime.MemProfileRate = 64 << 10
	}
	if *cpu != "" {
		f, err := os.Create(*cpu)
		if err != nil {
			fail(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			fail(err)
		}
	}
	if *peak != "" {
		runtime.MemProfileRate = 64 << 10
		defer watchPeak(*peak)()
	}
	start := time.Now()
	res, err := engine.Run(context.Background(), engine.Config{
		Out:      filepath.Join(out, "out"),
		FromRaw:  *raw,
		Export:   export.Options{Format: export.Format(*format)},
		Provider: jawbone.New(),
	})
	if *cpu != "" {
		pprof.StopCPUProfile()
	}
	if err != nil {
		fail(err)
	}
	var rows int64
	for _, t := range res.Tables {
		rows += t.Rows
	}
	fmt.Printf("%d rows in %s\n", rows, time.Since(start).Round(time.Millisecond))
	if *mem != "" {
		f, err := os.Create(*mem)
		if err != nil {
			fail(err)
		}
		if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
			fail(err)
		}
		f.Close()
	}
}

// watchPeak samples the heap every 10 ms and keeps a heap profile of the
// moment HeapInuse was largest; the returned func stops it, writes the
// profile and prints the peak.
func watchPeak(path string) (stop func()) {
	done := make(chan struct{})
	finished := make(chan struct{})
	var best []byte
	var most uint64
	go func() {
		defer close(finished)
		var ms runtime.MemStats
		var buf bytes.Buffer
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
			}
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > most+most/20 {
				most = ms.HeapInuse
				buf.Reset()
				pprof.Lookup("heap").WriteTo(&buf, 0)
				best = append(best[:0], buf.Bytes()...)
			}
		}
	}()
	return func() {
		close(done)
		<-finished
		if err := os.WriteFile(path, best, 0o644); err != nil {
			fail(err)
		}
		fmt.Printf("peak heap in use %.1f MiB\n", float64(most)/(1<<20))
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "profile:", err)
	os.Exit(1)
}
