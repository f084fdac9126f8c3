package schema

import (
	"testing"
	"unicode/utf8"
)

// FuzzFlatten feeds arbitrary item JSON to the flattener of every endpoint,
// as the engine does (a discovery pass, then the flatten pass with what it
// found), strictly, by default and leniently. Errors are fine; a panic is
// not, and neither is a row that breaks what the writers rely on: every
// vector as long as the batch, text that is UTF-8.
func FuzzFlatten(f *testing.F) {
	endpoints := Endpoints()
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
		opts := Options{StrictSchema: mode%3 == 1, Lenient: mode%3 == 2, BatchRows: 3, Warn: func(string) {}}
		d := NewDiscoverer(ep, opts)
		tables := Tables(ep)
		if d.Item(item) == nil {
			tables = d.Tables()
		}
		fl, err := NewFlattener(ep, "u", tables, opts, func(b *Batch) error { return checkBatch(t, b) })
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

func checkBatch(t *testing.T, b *Batch) error {
	t.Helper()
	for i, c := range b.Table.Columns {
		v := &b.Cols[i]
		n := 0
		switch c.Type {
		case Int64, Timestamp, Date:
			n = len(v.Ints)
		case Float64:
			n = len(v.Floats)
		case Bool:
			n = len(v.Bools)
		case String:
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

// FuzzParseZone parses arbitrary zone texts as the API's tz and tzs values
// come: a fixed offset stays within ±26 hours and converts both ways, a
// named zone answers offsets at any instant, nothing panics.
func FuzzParseZone(f *testing.F) {
	for _, s := range []string{"America/Denver", "Europe/London", "America/Los Angeles", "GMT-0700", "GMT+0330",
		"GMT+05:45", "UTC-03", "-21600", "12600", "0", "UTC", "Mars/Olympus", "GMT+9999", "Local", "", " ",
		"999999", "+", "GMT+", "utc+1", "Etc/GMT+12", "../../etc/passwd", "America/New_York "} {
		f.Add(s, int64(1458148350))
	}
	f.Fuzz(func(t *testing.T, text string, at int64) {
		at = at % (400 * 365 * 86400) // instants within ±400 years of 1970
		var zs zones
		z := zs.get(text)
		if text == "" {
			if z != nil {
				t.Fatal(`"" is a zone`)
			}
			return
		}
		if z == nil || z.text != text {
			t.Fatalf("zone for %q: %+v", text, z)
		}
		if zs.get(text) != z {
			t.Fatal("not cached")
		}
		if !z.ok {
			return
		}
		off := z.offsetAt(at)
		if off < -26*3600 || off > 26*3600 {
			t.Fatalf("%q: offset %d at %d", text, off, at)
		}
		if z.loc == nil {
			if u := z.toUTC(at); u != at-z.fixed {
				t.Fatalf("%q: toUTC(%d) = %d, want %d", text, at, u, at-z.fixed)
			}
			return
		}
		// A wall time read in the zone is within a day of UTC.
		if u := z.toUTC(at); u < at-27*3600 || u > at+27*3600 {
			t.Fatalf("%q: toUTC(%d) = %d", text, at, u)
		}
	})
}
