package withingsserver

import (
	"net/url"
	"strings"
	"testing"
)

func TestParseParams(t *testing.T) {
	cases := []struct {
		query string
		ok    bool
		check func(p params) bool
	}{
		{"action=getmeas", true, func(p params) bool { return p.Action == "getmeas" && p.DataFields == nil && p.MeasTypes == nil }},
		{"action=getmeas&meastypes=1,4,%2012&category=2&offset=300", true, func(p params) bool {
			return len(p.MeasTypes) == 3 && p.MeasTypes[2] == 12 && p.Category == 2 && p.Offset == 300
		}},
		{"action=getmeas&meastype=9", true, func(p params) bool { return len(p.MeasTypes) == 1 && p.MeasTypes[0] == 9 }},
		{"action=get&startdate=100&enddate=200&data_fields=hr,,rr", true, func(p params) bool {
			return p.HasStart && p.HasEnd && p.Start == 100 && strings.Join(p.DataFields, "|") == "hr|rr"
		}},
		{"action=get&data_fields=", true, func(p params) bool { return p.DataFields != nil && len(p.DataFields) == 0 }},
		{"action=getactivity&startdateymd=2024-01-01&enddateymd=2024-01-31", true, func(p params) bool {
			return p.HasYMD && p.EndYMD.Day() == 31
		}},
		{"action=getactivity&lastupdate=0", true, func(p params) bool { return p.HasLastUpdate && p.LastUpdate == 0 }},
		{"action=x&offset=5&offset=7", true, func(p params) bool { return p.Offset == 5 }},
		{"", false, nil},
		{"action=get&startdate=200&enddate=100", false, nil},
		{"action=get&startdate=-1", false, nil},
		{"action=get&startdate=1e9", false, nil},
		{"action=get&enddate=99999999999", false, nil},
		{"action=getactivity&startdateymd=2024-01-01", false, nil},
		{"action=getactivity&startdateymd=2024-02-01&enddateymd=2024-01-01", false, nil},
		{"action=getactivity&startdateymd=2024-01-01&enddateymd=2024-01-02&lastupdate=5", false, nil},
		{"action=getactivity&startdateymd=01/02/2024&enddateymd=2024-01-02", false, nil},
		{"action=getmeas&offset=-3", false, nil},
		{"action=getmeas&offset=abc", false, nil},
		{"action=getmeas&meastypes=1,x", false, nil},
		{"action=getmeas&meastypes=0", false, nil},
		{"action=getmeas&category=3", false, nil},
		{"action=get&data_fields=hr%3Bdrop", false, nil},
	}
	for _, c := range cases {
		t.Run(c.query, func(t *testing.T) {
			v, err := url.ParseQuery(c.query)
			if err != nil {
				t.Fatal(err)
			}
			p, perr := parseParams(v)
			if (perr == nil) != c.ok {
				t.Fatalf("error %v, want ok=%v", perr, c.ok)
			}
			if perr != nil && perr.Status != statusInvalidParams {
				t.Errorf("status %d, want %d", perr.Status, statusInvalidParams)
			}
			if c.check != nil && !c.check(p) {
				t.Errorf("parsed %+v", p)
			}
		})
	}
}

// FuzzParseParams checks that any query either is refused in-band or
// yields parameters within their bounds.
func FuzzParseParams(f *testing.F) {
	for _, s := range []string{
		"action=getmeas&meastypes=1,4&offset=300&category=1",
		"action=get&startdate=1618691453&enddate=1618777853&data_fields=hr,rr,snoring",
		"action=getactivity&startdateymd=2023-10-20&enddateymd=2023-10-21",
		"action=getsummary&lastupdate=1620237476",
		"action=x&startdate=5&enddate=4",
		"action=%ff&data_fields=%00",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, query string) {
		v, err := url.ParseQuery(query)
		if err != nil {
			return
		}
		p, perr := parseParams(v)
		if perr != nil {
			if perr.Status != statusInvalidParams || perr.Message == "" {
				t.Fatalf("refusal %+v", perr)
			}
			return
		}
		switch {
		case p.Action == "":
			t.Fatal("no action accepted")
		case p.Offset < 0 || p.Offset > maxOffset:
			t.Fatalf("offset %d", p.Offset)
		case p.HasStart && (p.Start < 0 || p.Start > maxUnix), p.HasEnd && (p.End < 0 || p.End > maxUnix):
			t.Fatalf("dates %d %d", p.Start, p.End)
		case p.HasStart && p.HasEnd && p.Start > p.End:
			t.Fatalf("start %d after end %d", p.Start, p.End)
		case p.HasYMD && p.StartYMD.After(p.EndYMD):
			t.Fatalf("ymd %v after %v", p.StartYMD, p.EndYMD)
		case p.HasYMD && p.HasLastUpdate:
			t.Fatal("ymd and lastupdate together")
		case p.Category != 0 && p.Category != 1 && p.Category != 2:
			t.Fatalf("category %d", p.Category)
		}
		for _, fld := range p.DataFields {
			if fld == "" || !isFieldName(fld) {
				t.Fatalf("data field %q", fld)
			}
		}
		for _, mt := range p.MeasTypes {
			if mt <= 0 {
				t.Fatalf("meastype %d", mt)
			}
		}
	})
}
