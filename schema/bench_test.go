package schema_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/upexport/upexport/schema"
)

// benchMoves returns n move items shaped like the 2016 recordings: every
// details field, tzs, and hourly_totals for 18 hours with all seven fields.
func benchMoves(n int) [][]byte {
	items := make([][]byte, n)
	day := time.Date(2016, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range items {
		d := day.AddDate(0, 0, i)
		t0 := d.Unix() + 6*3600
		var b strings.Builder
		fmt.Fprintf(&b, `{"xid": "40F7Vgc8hNwHq2Ju%016d", "title": "%d steps", "type": "move", "time_created": %d, "time_completed": %d, "time_updated": %d, "date": %s,`,
			i, 8000+i, t0, t0+17*3600, t0+17*3600+60, d.Format("20060102"))
		fmt.Fprintf(&b, ` "snapshot_image": "/nudge/image/e/%d/40F7Vgc8hNwHq2Ju%016d/2hsju0ZgbN4.png", "details": {`, t0, i)
		fmt.Fprintf(&b, `"distance": 6421.0, "km": 6.421, "steps": %d, "active_time": 4310, "longest_active": 1247, "inactive_time": 28800, "longest_idle": 9060,`, 18*400)
		b.WriteString(` "calories": 292.3427, "bmr_day": 1675.63, "bmr": 1675.63, "bg_calories": 292.3427, "wo_calories": 0, "wo_time": 0, "wo_active_time": 0, "wo_count": 0, "wo_longest": 0,`)
		fmt.Fprintf(&b, ` "sunrise": %d, "sunset": %d, "tz": "Europe/London", "tzs": [[%d, "Europe/London"]], "steps_3am": 112, "series_ids": [%d],`, t0, t0+10*3600, t0, t0)
		b.WriteString(` "hourly_totals": {`)
		for h := 6; h < 24; h++ {
			if h > 6 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, `"%s%02d": {"distance": 356.0, "active_time": 239, "calories": 16.2399, "inactive_time": 3361, "longest_active_time": 180, "longest_idle_time": 2100, "steps": 400}`, d.Format("20060102"), h)
		}
		b.WriteString("}}}")
		items[i] = []byte(b.String())
	}
	return items
}

// benchTicks returns n tick items (one per parent) of 500 move ticks each.
func benchTicks(n int) [][]byte {
	items := make([][]byte, n)
	for i := range items {
		var b strings.Builder
		fmt.Fprintf(&b, `{"parent_xid": "40F7Vgc8hNwHq2Ju%016d", "items": [`, i)
		t := int64(1457655012 + i*86400)
		for j := 0; j < 500; j++ {
			if j > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, `{"distance": %d, "time_completed": %d, "active_time": 60, "calories": 1.52, "steps": %d, "time": %d, "speed": 0.667}`,
				40+j%7, t+60, 52+j%11, t)
			t += 60
		}
		b.WriteString("]}")
		items[i] = []byte(b.String())
	}
	return items
}

func benchFlatten(b *testing.B, endpoint string, items [][]byte) {
	var size int64
	for _, it := range items {
		size += int64(len(it))
	}
	var rows int64
	emit := func(bt *schema.Batch) error { rows += int64(bt.Len); return nil }
	f, err := jb.NewFlattener(endpoint, "DsuZ913vOJkIiRJil7IXqA", jb.Tables(endpoint), schema.Options{}, emit)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(size)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		for _, it := range items {
			if err := f.Item(it); err != nil {
				b.Fatal(err)
			}
		}
	}
	if err := f.Flush(); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkFlattenMoves: a page of 100 days (moves, moves_hourly, moves_tzs).
func BenchmarkFlattenMoves(b *testing.B) { benchFlatten(b, "moves", benchMoves(100)) }

// BenchmarkFlattenTicks: 10 parents of 500 ticks each.
func BenchmarkFlattenTicks(b *testing.B) { benchFlatten(b, "moves_ticks", benchTicks(10)) }

func BenchmarkDiscoverMoves(b *testing.B) {
	items := benchMoves(100)
	var size int64
	for _, it := range items {
		size += int64(len(it))
	}
	d := jb.NewDiscoverer("moves", schema.Options{})
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		for _, it := range items {
			if err := d.Item(it); err != nil {
				b.Fatal(err)
			}
		}
	}
}
