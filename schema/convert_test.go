package schema

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/valyala/fastjson"
)

func TestDaysFromYMD(t *testing.T) {
	for _, tc := range []struct {
		n    int64
		want time.Time
		ok   bool
	}{
		{20160311, time.Date(2016, 3, 11, 0, 0, 0, 0, time.UTC), true},
		{19700101, time.Unix(0, 0).UTC(), true},
		{19691231, time.Date(1969, 12, 31, 0, 0, 0, 0, time.UTC), true},
		{20000229, time.Date(2000, 2, 29, 0, 0, 0, 0, time.UTC), true},
		{19000229, time.Time{}, false},
		{20161301, time.Time{}, false},
		{20160431, time.Time{}, false},
		{2016031, time.Time{}, false},
	} {
		days, ok := daysFromYMD(tc.n)
		if ok != tc.ok {
			t.Errorf("%d: ok = %v", tc.n, ok)
			continue
		}
		if ok && !DateFromDays(days).Equal(tc.want) {
			t.Errorf("%d: %s, want %s", tc.n, DateFromDays(days), tc.want)
		}
	}
	// Every day of four centuries agrees with the time package.
	for d := time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC); d.Year() < 2300; d = d.AddDate(0, 0, 1) {
		if got, want := daysFromCivil(int64(d.Year()), int64(d.Month()), int64(d.Day())), DaysFromYMD(d.Year(), d.Month(), d.Day()); got != want {
			t.Fatalf("%s: %d, want %d", d, got, want)
		}
	}
}

func TestConvert(t *testing.T) {
	f := &Flattener{}
	for _, tc := range []struct {
		name string
		typ  Type
		cv   Conv
		json string
		want cell   // state and value
		bad  string // expected want text, "" for fits
	}{
		{"int", Int64, ConvDefault, `2322`, cell{i: 2322, state: cellSet}, ""},
		{"int as float", Int64, ConvDefault, `1876.0`, cell{i: 1876, state: cellSet}, ""},
		{"int exponent", Int64, ConvDefault, `1e3`, cell{i: 1000, state: cellSet}, ""},
		{"int fraction", Int64, ConvDefault, `12.5`, cell{}, "an integer"},
		{"int string", Int64, ConvDefault, `"abc"`, cell{}, "an integer"},
		{"int numeric string", Int64, ConvDefault, `"12"`, cell{}, "an integer"},
		{"int bool", Int64, ConvDefault, `true`, cell{}, "an integer"},
		{"int null", Int64, ConvDefault, `null`, cell{state: cellNull}, ""},
		{"int empty", Int64, ConvDefault, `""`, cell{state: cellNull}, ""},
		{"int zero is a value", Int64, ConvDefault, `0`, cell{i: 0, state: cellSet}, ""},
		{"bool as int", Int64, ConvBoolInt, `true`, cell{i: 1, state: cellSet}, ""},
		{"float int", Float64, ConvDefault, `17`, cell{f: 17, state: cellSet}, ""},
		{"float string", Float64, ConvDefault, `"37.4"`, cell{}, "a number"},
		{"place string", Float64, ConvLooseFloat, `"37.451572"`, cell{f: 37.451572, state: cellSet}, ""},
		{"place number", Float64, ConvLooseFloat, `54.7780415`, cell{f: 54.7780415, state: cellSet}, ""},
		{"place empty", Float64, ConvLooseFloat, `""`, cell{state: cellNull}, ""},
		{"place junk", Float64, ConvLooseFloat, `"near home"`, cell{}, "a number or numeric string"},
		{"bool", Bool, ConvDefault, `false`, cell{b: false, state: cellSet}, ""},
		{"bool 1", Bool, ConvDefault, `1`, cell{b: true, state: cellSet}, ""},
		{"bool 2", Bool, ConvDefault, `2`, cell{}, "true or false"},
		{"string", String, ConvDefault, `"Run"`, cell{s: "Run", state: cellSet}, ""},
		{"string escaped", String, ConvDefault, `"caf\u00e9 \"x\""`, cell{s: `café "x"`, state: cellSet}, ""},
		{"string number", String, ConvDefault, `42`, cell{s: "42", state: cellSet}, ""},
		{"string object", String, ConvDefault, `{"a":1}`, cell{}, "a string"},
		{"tz seconds", String, ConvZoneText, `-21600`, cell{s: "-21600", state: cellSet}, ""},
		{"json object", String, ConvJSON, `{"cups": 2}`, cell{s: `{"cups":2}`, state: cellSet}, ""},
		{"json array", String, ConvJSON, `[]`, cell{s: `[]`, state: cellSet}, ""},
		{"timestamp", Timestamp, ConvDefault, `1457655012`, cell{i: 1457655012_000000, state: cellSet}, ""},
		{"timestamp float", Timestamp, ConvDefault, `1457655012.5`, cell{i: 1457655012_500000, state: cellSet}, ""},
		{"timestamp zero kept", Timestamp, ConvDefault, `0`, cell{i: 0, state: cellSet}, ""},
		{"sunrise zero null", Timestamp, ConvZeroNull, `0`, cell{state: cellNull}, ""},
		{"sunrise null", Timestamp, ConvZeroNull, `null`, cell{state: cellNull}, ""},
		{"timestamp string", Timestamp, ConvDefault, `"yesterday"`, cell{}, "epoch seconds"},
		{"date", Date, ConvDefault, `20160311`, cell{i: DaysFromYMD(2016, 3, 11), state: cellSet}, ""},
		{"date float", Date, ConvDefault, `20160311.0`, cell{i: DaysFromYMD(2016, 3, 11), state: cellSet}, ""},
		{"date invalid", Date, ConvDefault, `20161340`, cell{}, "a YYYYMMDD date"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := fastjson.MustParse(tc.json)
			var c cell
			bad := f.convert(&c, tc.typ, tc.cv, v)
			if bad != tc.bad {
				t.Fatalf("convert(%s) = %q, want %q", tc.json, bad, tc.bad)
			}
			if c != tc.want {
				t.Errorf("convert(%s) cell = %+v, want %+v", tc.json, c, tc.want)
			}
		})
	}
}

func TestWiden(t *testing.T) {
	for _, tc := range []struct {
		values []string
		want   Type
	}{
		{[]string{`1`, `2`}, Int64},
		{[]string{`1`, `2.5`}, Float64},
		{[]string{`2.5`, `1`}, Float64},
		{[]string{`1`, `"x"`}, String},
		{[]string{`true`, `false`}, Bool},
		{[]string{`true`, `1`}, String},
		{[]string{`null`, `true`}, Bool},
		{[]string{`null`}, 0},
		{[]string{`{"a":1}`}, String},
		{[]string{`[1]`, `2`}, String},
	} {
		var got Type
		for _, s := range tc.values {
			got = widen(got, fastjson.MustParse(s))
		}
		if got != tc.want {
			t.Errorf("%v: %v, want %v", tc.values, got, tc.want)
		}
	}
}

func TestArenaStringsStayValid(t *testing.T) {
	var a arena
	var got []string
	buf := []byte("abcdef")
	for i := 0; i < 50000; i++ {
		buf[0] = byte('a' + i%26)
		got = append(got, a.bytes(buf))
	}
	for i, s := range got {
		if s[0] != byte('a'+i%26) || s[1:] != "bcdef" {
			t.Fatalf("string %d changed to %q", i, s)
		}
	}
}

// TestRepairMatchesJSON: a text is repaired as Go's JSON decoder repairs it
// (the engine reads xids with it), so a repaired xid joins across tables.
func TestRepairMatchesJSON(t *testing.T) {
	for _, in := range []string{"ok", "\xff", "\xff\xfe bad \xc3(", "a\xe2\x82", "\xed\xa0\x80", "\xf4\x90\x80\x80", "é\x80é"} {
		var want string
		if err := json.Unmarshal([]byte(`"`+in+`"`), &want); err != nil {
			t.Fatal(err)
		}
		if got := string(appendValidUTF8(nil, []byte(in))); got != want {
			t.Errorf("%q: repaired %q, encoding/json %q", in, got, want)
		}
	}
}
