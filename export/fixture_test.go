package export

import (
	"fmt"
	"math"
	"time"

	"github.com/upexport/upexport/schema"
)

// Hand-made tables covering every Type, nulls in every column, awkward
// text, ints past 2^53, fractional seconds, null partition times and
// enough rows for several row groups.

var (
	kindsTable = &schema.Table{
		Name: "kinds", Description: "one column of every type", Endpoint: "test", TimeColumn: "time",
		Columns: []schema.Column{
			{Name: "xid", Type: schema.String, Description: "row id"},
			{Name: "user_xid", Type: schema.String, Description: "user"},
			{Name: "time", Type: schema.Timestamp, Description: "instant"},
			{Name: "date", Type: schema.Date, Description: "calendar day"},
			{Name: "steps", Type: schema.Int64, Unit: "steps", Description: "a count"},
			{Name: "distance", Type: schema.Float64, Unit: "m", Description: "a measure"},
			{Name: "is_nap", Type: schema.Bool, Description: "a flag"},
			{Name: "note", Type: schema.String, Description: "free text", Path: "details.note"},
			{Name: "big", Type: schema.Int64, Description: "large ids", Extra: true},
		},
	}
	ticksTable = &schema.Table{
		Name: "ticks", Description: "narrow and long", Endpoint: "test", TimeColumn: "time",
		Columns: []schema.Column{
			{Name: "move_xid", Type: schema.String},
			{Name: "time", Type: schema.Timestamp},
			{Name: "steps", Type: schema.Int64},
			{Name: "speed", Type: schema.Float64, Unit: "m/s"},
		},
	}
	emptyTable = &schema.Table{
		Name: "empty", Description: "no rows", Endpoint: "test",
		Columns: []schema.Column{
			{Name: "xid", Type: schema.String},
			{Name: "when", Type: schema.Timestamp},
			{Name: "day", Type: schema.Date},
			{Name: "n", Type: schema.Int64},
			{Name: "f", Type: schema.Float64},
			{Name: "b", Type: schema.Bool},
		},
	}
	fixtureTables = []*schema.Table{kindsTable, ticksTable, emptyTable}
)

const (
	kindsRows = 3000
	ticksRows = 5000
)

var awkward = []string{
	"plain", "", "comma, inside", `quote " inside`, "new\nline", "tab\tinside", "crlf\r\nend",
	"emoji 🏃‍♀️ 💤", "ünïcödé ß 東京", " leading space", "=1+1", "\"quoted\"", "trailing\\",
}

var base = time.Date(2014, 12, 30, 22, 0, 0, 0, time.UTC)

// kindsRow fills row i of the kinds table.
func kindsRow(b *schema.Batch, i int) {
	null := func(k int) bool { return i%k == k-1 }
	t := base.Add(time.Duration(i) * 7 * time.Hour)
	if i%97 == 5 {
		t = t.Add(123456 * time.Microsecond)
	}
	big := int64(i)
	if i%10 == 3 {
		big = math.MaxInt64 - int64(i)
	}
	appendStr(&b.Cols[0], fmt.Sprintf("x%05d", i), true)
	appendStr(&b.Cols[1], "user-1", !null(50))
	appendInt(&b.Cols[2], t.UnixMicro(), !null(40))
	appendInt(&b.Cols[3], schema.DaysFromYMD(t.Year(), t.Month(), t.Day()), !null(30))
	appendInt(&b.Cols[4], int64(i*37-500), !null(11))
	appendFloat64(&b.Cols[5], float64(i)*0.1+1e-9*float64(i%3), !null(13))
	appendBool(&b.Cols[6], i%3 == 0, !null(17))
	appendStr(&b.Cols[7], awkward[i%len(awkward)], !null(19))
	appendInt(&b.Cols[8], big, !null(23))
	b.Len++
}

func ticksRow(b *schema.Batch, i int) {
	t := base.Add(time.Duration(i) * time.Minute * 211)
	appendStr(&b.Cols[0], fmt.Sprintf("m%03d", i/100), true)
	appendInt(&b.Cols[1], t.UnixMicro(), true)
	appendInt(&b.Cols[2], int64(i%120), i%500 != 7)
	appendFloat64(&b.Cols[3], float64(i%7)*0.25, true)
	b.Len++
}

func appendStr(v *schema.Vector, s string, ok bool) {
	if !ok {
		s = ""
	}
	v.Strs, v.Valid = append(v.Strs, s), append(v.Valid, ok)
}

func appendInt(v *schema.Vector, n int64, ok bool) {
	if !ok {
		n = 0
	}
	v.Ints, v.Valid = append(v.Ints, n), append(v.Valid, ok)
}

func appendFloat64(v *schema.Vector, f float64, ok bool) {
	if !ok {
		f = 0
	}
	v.Floats, v.Valid = append(v.Floats, f), append(v.Valid, ok)
}

func appendBool(v *schema.Vector, x bool, ok bool) {
	if !ok {
		x = false
	}
	v.Bools, v.Valid = append(v.Bools, x), append(v.Valid, ok)
}

// writeFixture feeds the fixture to a sink in interleaved batches, reusing
// one batch per table as the flattener does.
func writeFixture(s *Sink) error {
	kb, tb := schema.NewBatch(kindsTable, 700), schema.NewBatch(ticksTable, 900)
	for k, t := 0, 0; k < kindsRows || t < ticksRows; {
		kb.Reset()
		for ; k < kindsRows && kb.Len < 700; k++ {
			kindsRow(kb, k)
		}
		if err := s.Write(kb); err != nil {
			return err
		}
		tb.Reset()
		for ; t < ticksRows && tb.Len < 900; t++ {
			ticksRow(tb, t)
		}
		if err := s.Write(tb); err != nil {
			return err
		}
	}
	return nil
}

// exportFixture writes the fixture and its manifest to dir.
func exportFixture(dir string, opts Options) ([]TableResult, error) {
	if opts.Provenance.ToolVersion == "" {
		opts.Provenance = testProvenance
	}
	s, err := NewSink(dir, fixtureTables, opts)
	if err != nil {
		return nil, err
	}
	if err := writeFixture(s); err != nil {
		s.Abort()
		return nil, err
	}
	res, err := s.Close()
	if err != nil {
		s.Abort()
		return nil, err
	}
	m := Manifest{Provenance: opts.Provenance, RunEnd: testProvenance.RunStart.Add(time.Minute),
		Format: opts.Format, Compression: opts.Compression, PartitionBy: opts.PartitionBy, Tables: res}
	return res, WriteManifest(dir, m)
}

var testProvenance = Provenance{
	ToolVersion: "test", SchemaVersion: 1, Provider: "jawbone-compatible", APIURL: "https://up.example/nudge/api/v.1.1",
	UserXID: "user-1", RunStart: time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC),
}
