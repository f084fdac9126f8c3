package schema_test

import (
	"testing"
	"unicode/utf8"

	"github.com/upexport/upexport/schema"
)

// FuzzFlatten feeds arbitrary item JSON to the flattener of every endpoint,
// as the engine does (a discovery pass, then the flatten pass with what it
// found), strictly, by default and leniently. Errors are fine; a panic is
// not, and neither is a row that breaks what the writers rely on: every
// vector as long as the batch, text that is UTF-8.
func FuzzFlatten(f *testing.F) {
	endpoints := jb.Endpoints()
	for _, fc := range fixtureCases {
		_, items := fixtureItems(f, fc.endpoint, fc.file)
		for _, it := range items {
			for i, ep := range endpoints {
				if ep == fc.endpoint {
					f.Add(uint8(i), uint8(0), it)
				}
			}
		}
	}
	f.Add(uint8(0), uint8(2), []byte(`{"xid":"m","details":{"tz":"Mars/Olympus","tzs":[[1,"GMT+9999"],[2,-21600]],"hourly_totals":{"2016-03-11":{"steps":1},"9999123123":null}}}`))
	f.Add(uint8(0), uint8(1), []byte("{\"xid\":\"m\",\"title\":\"\xff\xfe\",\"details\":{\"\xc3(\":1}}"))
	f.Fuzz(func(t *testing.T, epIndex, mode uint8, item []byte) {
		ep := endpoints[int(epIndex)%len(endpoints)]
		opts := schema.Options{StrictSchema: mode%3 == 1, Lenient: mode%3 == 2, BatchRows: 3, Warn: func(string) {}}
		d := jb.NewDiscoverer(ep, opts)
		tables := jb.Tables(ep)
		if d.Item(item) == nil {
			tables = d.Tables()
		}
		fl, err := jb.NewFlattener(ep, "u", tables, opts, func(b *schema.Batch) error { return checkBatch(t, b) })
		if err != nil {
			t.Fatal(err)
		}
		if fl.Item(item) != nil {
			return
		}
		if err := fl.Flush(); err != nil {
			t.Fatal(err)
		}
	})
}

func checkBatch(t *testing.T, b *schema.Batch) error {
	t.Helper()
	for i, c := range b.Table.Columns {
		v := &b.Cols[i]
		n := 0
		switch c.Type {
		case schema.Int64, schema.Timestamp, schema.Date:
			n = len(v.Ints)
		case schema.Float64:
			n = len(v.Floats)
		case schema.Bool:
			n = len(v.Bools)
		case schema.String:
			n = len(v.Strs)
			for r, s := range v.Strs {
				if v.Valid[r] && !utf8.ValidString(s) {
					t.Errorf("%s.%s row %d: %q is not UTF-8", b.Table.Name, c.Name, r, s)
				}
			}
		}
		if n != b.Len || len(v.Valid) != b.Len {
			t.Errorf("%s.%s: %d values, %d flags, batch of %d", b.Table.Name, c.Name, n, len(v.Valid), b.Len)
		}
		if !utf8.ValidString(c.Name) {
			t.Errorf("%s: column name %q is not UTF-8", b.Table.Name, c.Name)
		}
	}
	return nil
}
