package export

import (
	"fmt"
	"io/fs"
	"math/rand/v2"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/upexport/upexport/internal/heapsample"
	"github.com/upexport/upexport/schema"
)

// Benchmarks write whole exports of one table and report rows/s, the peak
// Go heap in use (sampled every 10 ms) and the output size:
//
//	go test -run '^$' -bench . -benchtime 1x ./export/

var benchTicks = &schema.Table{Name: "moves_ticks", TimeColumn: "time", Columns: []schema.Column{
	{Name: "user_xid", Type: schema.String}, {Name: "move_xid", Type: schema.String},
	{Name: "time", Type: schema.Timestamp}, {Name: "time_completed", Type: schema.Timestamp},
	{Name: "steps", Type: schema.Int64}, {Name: "distance", Type: schema.Float64},
	{Name: "active_time", Type: schema.Int64}, {Name: "calories", Type: schema.Float64},
	{Name: "speed", Type: schema.Float64},
}}

// benchMoves is moves-shaped: wide, one row per day.
var benchMoves = func() *schema.Table {
	t := &schema.Table{Name: "moves", TimeColumn: "time_created", Columns: []schema.Column{
		{Name: "xid", Type: schema.String}, {Name: "user_xid", Type: schema.String},
		{Name: "date", Type: schema.Date}, {Name: "time_created", Type: schema.Timestamp},
		{Name: "time_updated", Type: schema.Timestamp}, {Name: "time_completed", Type: schema.Timestamp},
		{Name: "title", Type: schema.String}, {Name: "type", Type: schema.String}, {Name: "tz", Type: schema.String},
		{Name: "is_complete", Type: schema.Bool},
	}}
	for _, n := range []string{"steps", "active_time", "inactive_time", "longest_active", "longest_idle", "wo_count", "wo_time", "bg_steps"} {
		t.Columns = append(t.Columns, schema.Column{Name: n, Type: schema.Int64})
	}
	for _, n := range []string{"distance", "km", "calories", "bmr_day", "bmr", "wo_calories", "wo_active_time", "total_burn", "speed_avg", "speed_max"} {
		t.Columns = append(t.Columns, schema.Column{Name: n, Type: schema.Float64})
	}
	return t
}()

// pools of pseudo-random values, sliced at moving offsets, so batches
// differ (no artificial repetition for the compressors) at little cost.
type benchPools struct {
	ints   []int64
	floats []float64
	valid  []bool
}

const poolSize = 1 << 20

var pools = sync.OnceValue(func() *benchPools {
	r := rand.New(rand.NewPCG(5, 6))
	p := &benchPools{ints: make([]int64, poolSize+65536), floats: make([]float64, poolSize+65536), valid: make([]bool, poolSize+65536)}
	for i := range p.ints {
		p.ints[i] = r.Int64N(200)
		p.floats[i] = float64(r.IntN(100000)) / 1000
		p.valid[i] = r.IntN(50) != 0
	}
	return p
})

const benchBatch = 8192

var titles = []string{"7,251 steps", "10,003 steps", "3,187 steps", "12,400 steps"}

var xids sync.Map

// benchXID keeps id strings out of the measured allocation and CPU time.
func benchXID(n int) string {
	if s, ok := xids.Load(n); ok {
		return s.(string)
	}
	s := fmt.Sprintf("Q0b2jcbpQeC%011d", n)
	xids.Store(n, s)
	return s
}

// fill makes rows [start, start+benchBatch) of t.
func fill(b *schema.Batch, start int) {
	b.Reset()
	p := pools()
	off := (start * 7) % poolSize
	t0 := time.Date(2013, 1, 1, 0, 0, 0, 0, time.UTC).UnixMicro()
	step := int64(60e6) // one tick per minute
	if b.Table == benchMoves {
		step = 86400e6
	}
	for i, c := range b.Table.Columns {
		v := &b.Cols[i]
		o := (off + i*977) % poolSize
		v.Valid = append(v.Valid, p.valid[o:o+benchBatch]...)
		switch c.Type {
		case schema.Int64:
			v.Ints = append(v.Ints, p.ints[o:o+benchBatch]...)
		case schema.Float64:
			v.Floats = append(v.Floats, p.floats[o:o+benchBatch]...)
		case schema.Bool:
			for j := range benchBatch {
				v.Bools = append(v.Bools, p.ints[o+j]&1 == 1)
			}
		case schema.Timestamp, schema.Date:
			for j := range benchBatch {
				us := t0 + int64(start+j)*step + int64(i)*1e6
				if c.Type == schema.Date {
					us /= 86400e6
				}
				v.Ints = append(v.Ints, us)
			}
			copy(v.Valid[len(v.Valid)-benchBatch:], p.valid[:0]) // times are never null here
			for j := len(v.Valid) - benchBatch; j < len(v.Valid); j++ {
				v.Valid[j] = true
			}
		case schema.String:
			for j := range benchBatch {
				switch c.Name {
				case "user_xid":
					v.Strs = append(v.Strs, "KJdsZ1j0O9i1aUWvZp6ZUA")
				case "move_xid", "xid":
					v.Strs = append(v.Strs, benchXID((start+j)/300))
				case "tz":
					v.Strs = append(v.Strs, "America/Los_Angeles")
				default:
					v.Strs = append(v.Strs, titles[(start+j)%len(titles)])
				}
			}
		}
	}
	b.Len = benchBatch
}

func benchExport(b *testing.B, t *schema.Table, rows int, opts Options) {
	batch := schema.NewBatch(t, benchBatch)
	pools()
	runtime.GC()
	stop := heapsample.Start()
	var size int64
	b.ResetTimer()
	for range b.N {
		dir := b.TempDir()
		s, err := NewSink(dir, []*schema.Table{t}, opts)
		if err != nil {
			b.Fatal(err)
		}
		for n := 0; n < rows; n += benchBatch {
			fill(batch, n)
			if err := s.Write(batch); err != nil {
				b.Fatal(err)
			}
		}
		if _, err := s.Close(); err != nil {
			b.Fatal(err)
		}
		size = 0
		filepath.WalkDir(dir, func(_ string, d fs.DirEntry, _ error) error {
			if fi, err := d.Info(); err == nil && !d.IsDir() {
				size += fi.Size()
			}
			return nil
		})
	}
	b.StopTimer()
	peak := stop()
	n := rows / benchBatch * benchBatch
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
	b.ReportMetric(float64(size)/(1<<20), "out-MiB")
}

func BenchmarkTicks(b *testing.B) {
	for _, bc := range []struct {
		name string
		rows int
		opts Options
	}{
		{"parquet-zstd", 4 << 20, Options{Format: Parquet}},
		{"parquet-snappy", 4 << 20, Options{Format: Parquet, Compression: "snappy"}},
		{"parquet-none", 4 << 20, Options{Format: Parquet, Compression: "none"}},
		{"parquet-zstd-rg256k", 4 << 20, Options{Format: Parquet, RowGroupRows: 256 << 10}},
		{"parquet-zstd-month", 4 << 20, Options{Format: Parquet, PartitionBy: "month"}},
		{"csv", 4 << 20, Options{Format: CSV}},
		{"csv-gzip", 4 << 20, Options{Format: CSV, Gzip: true}},
		{"xlsx-256k", 256 << 10, Options{Format: XLSX}},
		{"xlsx-1M", 1 << 20, Options{Format: XLSX}},
	} {
		b.Run(bc.name, func(b *testing.B) { benchExport(b, benchTicks, bc.rows, bc.opts) })
	}
}

func BenchmarkMoves(b *testing.B) {
	for _, bc := range []struct {
		name string
		rows int
		opts Options
	}{
		{"parquet-zstd", 512 << 10, Options{Format: Parquet}},
		{"csv", 512 << 10, Options{Format: CSV}},
		{"xlsx", 128 << 10, Options{Format: XLSX}},
	} {
		b.Run(bc.name, func(b *testing.B) { benchExport(b, benchMoves, bc.rows, bc.opts) })
	}
}
