package schema

import (
	"testing"
	"time"
)

func TestParseZone(t *testing.T) {
	for _, tc := range []struct {
		text   string
		ok     bool
		olson  string // Location name for Olson zones
		fixed  int64  // offset for fixed zones
		isLoc  bool
		offset int64 // offset at 2016-07-01 12:00 UTC
	}{
		{text: "America/Denver", ok: true, isLoc: true, olson: "America/Denver", offset: -6 * 3600},
		{text: "Europe/London", ok: true, isLoc: true, olson: "Europe/London", offset: 3600},
		{text: "America/Los Angeles", ok: true, isLoc: true, olson: "America/Los_Angeles", offset: -7 * 3600},
		{text: "GMT-0700", ok: true, fixed: -7 * 3600, offset: -7 * 3600},
		{text: "GMT+0330", ok: true, fixed: 3*3600 + 1800, offset: 3*3600 + 1800},
		{text: "GMT+05:45", ok: true, fixed: 5*3600 + 45*60, offset: 5*3600 + 45*60},
		{text: "UTC-03", ok: true, fixed: -3 * 3600, offset: -3 * 3600},
		{text: "-21600", ok: true, fixed: -21600, offset: -21600},
		{text: "12600", ok: true, fixed: 12600, offset: 12600},
		{text: "0", ok: true, fixed: 0, offset: 0},
		{text: "UTC", ok: true, isLoc: true, olson: "UTC", offset: 0},
		{text: "Mars/Olympus_Mons", ok: false},
		{text: "Local", ok: false},
		{text: "GMT+9999", ok: false},
		{text: "999999", ok: false},
	} {
		t.Run(tc.text, func(t *testing.T) {
			z := parseZone(tc.text)
			if z.text != tc.text {
				t.Errorf("text = %q, want it kept as given", z.text)
			}
			if z.ok != tc.ok {
				t.Fatalf("ok = %v, want %v", z.ok, tc.ok)
			}
			if !tc.ok {
				return
			}
			if (z.loc != nil) != tc.isLoc {
				t.Fatalf("loc = %v, want a Location: %v", z.loc, tc.isLoc)
			}
			if tc.isLoc && z.loc.String() != tc.olson {
				t.Errorf("location %s, want %s", z.loc, tc.olson)
			}
			if !tc.isLoc && z.fixed != tc.fixed {
				t.Errorf("fixed = %d, want %d", z.fixed, tc.fixed)
			}
			at := time.Date(2016, 7, 1, 12, 0, 0, 0, time.UTC).Unix()
			if got := z.offsetAt(at); got != tc.offset {
				t.Errorf("offsetAt = %d, want %d", got, tc.offset)
			}
		})
	}
}

func TestZonesCache(t *testing.T) {
	var zs zones
	a, b := zs.get("Europe/Berlin"), zs.get("Europe/Berlin")
	if a != b {
		t.Error("the same text resolved twice")
	}
	if zs.get("") != nil {
		t.Error(`"" must be no zone`)
	}
}

// wallOf returns the local wall clock value toUTC takes.
func wallOf(y int, m time.Month, d, h int) int64 {
	return DaysFromYMD(y, m, d)*86400 + int64(h)*3600
}

func TestToUTCDST(t *testing.T) {
	la := parseZone("America/Los_Angeles")
	utc := func(s string) int64 {
		tm, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return tm.Unix()
	}
	for _, tc := range []struct {
		name string
		wall int64
		want int64
	}{
		{"ordinary PST", wallOf(2016, 1, 10, 12), utc("2016-01-10T20:00:00Z")},
		{"ordinary PDT", wallOf(2016, 7, 10, 12), utc("2016-07-10T19:00:00Z")},
		{"before spring-forward", wallOf(2016, 3, 13, 1), utc("2016-03-13T09:00:00Z")},
		// 02:00-02:59 does not exist on 2016-03-13: read with PST, i.e.
		// shifted forward to 03:00 PDT.
		{"spring-forward gap", wallOf(2016, 3, 13, 2), utc("2016-03-13T10:00:00Z")},
		{"after spring-forward", wallOf(2016, 3, 13, 3), utc("2016-03-13T10:00:00Z")},
		// 01:00-01:59 happens twice on 2016-11-06: the earlier instant (PDT).
		{"fall-back ambiguous", wallOf(2016, 11, 6, 1), utc("2016-11-06T08:00:00Z")},
		{"after fall-back", wallOf(2016, 11, 6, 2), utc("2016-11-06T10:00:00Z")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := la.toUTC(tc.wall); got != tc.want {
				t.Errorf("toUTC = %s, want %s", time.Unix(got, 0).UTC(), time.Unix(tc.want, 0).UTC())
			}
		})
	}
	// East of UTC the gap shifts forward too: 02:00 on 2016-03-27 in
	// Berlin is 03:00 CEST.
	if got, want := parseZone("Europe/Berlin").toUTC(wallOf(2016, 3, 27, 2)), utc("2016-03-27T01:00:00Z"); got != want {
		t.Errorf("Berlin gap: %s, want %s", time.Unix(got, 0).UTC(), time.Unix(want, 0).UTC())
	}
	// And a repeated hour east of UTC takes the earlier instant (CEST).
	if got, want := parseZone("Europe/Berlin").toUTC(wallOf(2016, 10, 30, 2)), utc("2016-10-30T00:00:00Z"); got != want {
		t.Errorf("Berlin fall-back: %s, want %s", time.Unix(got, 0).UTC(), time.Unix(want, 0).UTC())
	}
	// Southern hemisphere and a half-hour zone.
	if got, want := parseZone("Australia/Lord_Howe").toUTC(wallOf(2016, 4, 3, 1)), utc("2016-04-02T14:00:00Z"); got != want {
		t.Errorf("Lord_Howe fall-back: %s, want %s", time.Unix(got, 0).UTC(), time.Unix(want, 0).UTC())
	}
}

func TestTimelineHour(t *testing.T) {
	var zs zones
	ny, den := zs.get("America/New_York"), zs.get("America/Denver")
	// The reference's travel day: New York from 04:00 UTC, Denver from 12:42 UTC.
	var tl timeline
	tl.reset(ny)
	tl.add(tzEntry{start: 1438778520, z: den}) // unsorted on purpose
	tl.add(tzEntry{start: 1438747200, z: ny})
	for _, tc := range []struct {
		hour   int
		want   string
		wantTZ *zone
	}{
		{0, "2015-08-05T04:00:00Z", ny},  // the reference's check: NY midnight
		{5, "2015-08-05T09:00:00Z", ny},  // Denver 05:00 would start before the change
		{6, "2015-08-05T12:00:00Z", den}, // the change (06:42 Denver) falls in this hour
		{9, "2015-08-05T15:00:00Z", den},
	} {
		got, z := tl.hour(wallOf(2015, 8, 5, tc.hour))
		if s := time.Unix(got, 0).UTC().Format(time.RFC3339); s != tc.want || z != tc.wantTZ {
			t.Errorf("hour %02d: %s in %s, want %s in %s", tc.hour, s, z.text, tc.want, tc.wantTZ.text)
		}
	}
	// Instants follow "latest entry with start <= t".
	if z := tl.at(1438778520 - 1); z != ny {
		t.Errorf("at before change: %s", z.text)
	}
	if z := tl.at(1438778520); z != den {
		t.Errorf("at change: %s", z.text)
	}
	// No tzs: details.tz; nothing at all: UTC.
	tl.reset(den)
	if got, z := tl.hour(wallOf(2015, 8, 5, 0)); z != den || got != wallOf(2015, 8, 5, 6) {
		t.Errorf("tz fallback: %d %v", got, z)
	}
	tl.reset(nil)
	if got, z := tl.hour(wallOf(2015, 8, 5, 0)); z != nil || got != wallOf(2015, 8, 5, 0) {
		t.Errorf("UTC fallback: %d %v", got, z)
	}
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
