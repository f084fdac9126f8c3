package common

import (
	"testing"
	"time"

	"github.com/upexport/upexport/schema"
)

// BenchmarkIntradayYear builds common_intraday from a year of four minute
// series (steps, heart rate, kcal, metres in tables of their own, as
// Fitbit's are), 2.1 million source rows: the time and the memory a
// year of a person's minutes costs on top of the provider's tables.
func BenchmarkIntradayYear(b *testing.B) {
	const minutes = 365 * 1440
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).UnixMicro()
	var sources []*schema.Batch
	var maps []Mapping
	for k, name := range []string{"steps", "heart_rate_bpm", "total_kcal", "distance_m"} {
		t := &schema.Table{Name: name, Columns: []schema.Column{{Name: "time", Type: schema.Timestamp}, {Name: "value", Type: schema.Float64}}}
		for at := 0; at < minutes; at += batchRows {
			n := min(batchRows, minutes-at)
			batch := schema.NewBatch(t, n)
			for i := range n {
				batch.Cols[0].Ints = append(batch.Cols[0].Ints, start+int64(at+i)*minuteMicros)
				batch.Cols[0].Valid = append(batch.Cols[0].Valid, true)
				batch.Cols[1].Floats = append(batch.Cols[1].Floats, float64(i%97))
				batch.Cols[1].Valid = append(batch.Cols[1].Valid, (at+i+3*k)%13 != 0) // gaps, at other minutes in each series
			}
			batch.Len = n
			sources = append(sources, batch)
		}
		maps = append(maps, Mapping{From: name, To: Intraday, Columns: []Column{{To: "minute", From: "time"}, {To: name, From: "value"}}})
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		rows := 0
		builder := NewBuilder("bench", "u", maps, func(batch *schema.Batch) error { rows += batch.Len; return nil })
		for _, s := range sources {
			if err := builder.Observe(s); err != nil {
				b.Fatal(err)
			}
		}
		if err := builder.Close(); err != nil {
			b.Fatal(err)
		}
		if rows != minutes {
			b.Fatalf("%d minutes written, want %d", rows, minutes)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(4*minutes), "ns/source-row")
}
