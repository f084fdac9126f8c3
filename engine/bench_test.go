package engine

import (
	"fmt"
	"github.com/upexport/upexport/providers/jawbone"
	"path/filepath"
	"testing"

	"github.com/upexport/upexport/export"
	"github.com/upexport/upexport/fetch/archive"
	"github.com/upexport/upexport/internal/heapsample"
	"github.com/upexport/upexport/providers/jawbone/upserver"
	"github.com/upexport/upexport/schema"
)

// BenchmarkExport is a full export of every endpoint with ticks from an
// in-process demo server over loopback HTTP:
//
//	go test ./engine -run '^$' -bench Export -benchtime 1x
func BenchmarkExport(b *testing.B) {
	for _, days := range []int{365, 3650} {
		for _, format := range []export.Format{export.Parquet, export.CSV} {
			b.Run(fmt.Sprintf("days=%d/%s", days, format), func(b *testing.B) {
				d := newDemo(b, upserver.Config{Seed: 1, Days: days}, allReadScopes)
				var res *Result
				var peak uint64
				for b.Loop() {
					out := filepath.Join(b.TempDir(), "out")
					cfg := d.config(b, out, nil, true)
					cfg.Export.Format = format
					stop := heapsample.Start()
					res = mustRun(b, cfg)
					peak = max(peak, stop())
				}
				var rows int64
				for _, t := range res.Tables {
					rows += t.Rows
				}
				per := b.Elapsed().Seconds() / float64(b.N)
				b.ReportMetric(float64(rows)/per, "rows/s")
				b.ReportMetric(float64(rows), "rows")
				b.ReportMetric(float64(res.Requests), "requests")
				b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
			})
		}
	}
}

// BenchmarkChangeTracking is what counting rows added, changed and
// unchanged costs the build: flattening ten years of moves and their minute
// ticks with and without the tracker (one worker, so the two compare).
//
//	go test ./engine -run '^$' -bench ChangeTracking -benchtime 3x
func BenchmarkChangeTracking(b *testing.B) {
	d := newDemo(b, upserver.Config{Seed: 1, Days: 3650}, allReadScopes)
	out := filepath.Join(b.TempDir(), "out")
	mustRun(b, d.config(b, out, []string{jawbone.Moves}, true))
	prev, _, err := readPrevDigests(out)
	if err != nil {
		b.Fatal(err)
	}
	for _, ep := range []string{jawbone.Moves, "moves_ticks"} {
		path := archive.Path(filepath.Join(out, rawDir), ep)
		for _, tracked := range []bool{false, true} {
			b.Run(fmt.Sprintf("%s/tracked=%v", ep, tracked), func(b *testing.B) {
				for b.Loop() {
					var tr *changeTracker
					if tracked {
						tr = newChangeTracker(prev[ep])
					}
					_, err := flattenTracked(b.Context(), upTables, path, ep, "u", nil, schema.Options{}, 1, func(*schema.Batch) error { return nil }, tr)
					if err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
