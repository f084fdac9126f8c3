package schema

import (
	"math"
	"strings"
	"time"
	_ "time/tzdata" // the binary must resolve Olson names on machines without zoneinfo
)

// zone is one parsed time-zone value (docs/providers/jawbone.md §7). Fixed offsets
// ("GMT-0700", integer seconds) need no Location; Olson names do, and keep
// the span of the last offset lookup so that the 24 hourly rows of a day
// rarely reach time.Location.
type zone struct {
	text  string         // as given (integers as decimal text)
	ok    bool           // resolved
	loc   *time.Location // nil for fixed offsets
	fixed int64          // offset in seconds when loc is nil

	lo, hi, off int64 // cached span [lo, hi) of loc with offset off
}

// offsetAt returns the UTC offset in seconds at the instant unix.
func (z *zone) offsetAt(unix int64) int64 {
	if z.loc == nil {
		return z.fixed
	}
	if z.lo <= unix && unix < z.hi {
		return z.off
	}
	t := time.Unix(unix, 0).In(z.loc)
	_, off := t.Zone()
	z.off = int64(off)
	z.lo, z.hi = math.MinInt64, math.MaxInt64
	if start, end := t.ZoneBounds(); !start.IsZero() || !end.IsZero() {
		if !start.IsZero() {
			z.lo = start.Unix()
		}
		if !end.IsZero() {
			z.hi = end.Unix()
		}
	}
	return z.off
}

// toUTC returns the instant at which the local wall clock of z reads wall
// (seconds since 1970-01-01 00:00 of the local calendar).
//
// One rule covers both DST edges. A wall time that occurs twice (the
// fall-back hour) takes its earlier instant. A wall time that does not
// occur (the spring-forward gap) is read with the offset in force before
// the gap, which shifts it forward by the gap's length: 02:30 on a
// spring-forward day in New York becomes 03:30 EDT. time.Date is not used:
// in a gap it picks either side depending on the sign of the offset (west
// of UTC it moves 02:30 back to 01:30), and its documentation promises
// neither instant for a repeated wall time.
func (z *zone) toUTC(wall int64) int64 {
	if z.loc == nil {
		return wall - z.fixed
	}
	// Real zones change offset at most once within a day either side, so
	// the offsets a day before and a day after give both candidates.
	before, after := z.offsetAt(wall-86400), z.offsetAt(wall+86400)
	c1, c2 := wall-before, wall-after
	ok1 := z.offsetAt(c1) == before
	ok2 := z.offsetAt(c2) == after
	switch {
	case ok1 && ok2:
		return min(c1, c2)
	case ok1:
		return c1
	case ok2:
		return c2
	default:
		return c1
	}
}

// zones resolves and caches time-zone texts. It belongs to one Flattener,
// so it needs no locking and holds no global state.
type zones struct {
	byText map[string]*zone
}

// get returns the zone for text; text is the raw value (a string's content
// or a number's digits). The result's ok is false when it cannot be
// resolved. A nil zone means no zone (null, missing or "").
func (zs *zones) get(text string) *zone {
	if len(text) == 0 {
		return nil
	}
	if z, ok := zs.byText[text]; ok {
		return z
	}
	if zs.byText == nil {
		zs.byText = make(map[string]*zone)
	}
	z := parseZone(strings.Clone(text))
	zs.byText[z.text] = z
	return z
}

// parseZone parses every form listed in docs/providers/jawbone.md §7: an Olson name (with the
// "America/Los Angeles" typo repaired), "GMT-0700" / "GMT+0330" (also with a
// colon or UTC in place of GMT), and an integer offset in seconds.
func parseZone(text string) *zone {
	z := &zone{text: text}
	s := strings.TrimSpace(text)
	if off, ok := parseSeconds(s); ok {
		z.fixed, z.ok = off, true
		return z
	}
	if off, ok := parseGMT(s); ok {
		z.fixed, z.ok = off, true
		return z
	}
	// "Local" and "" would make time.LoadLocation answer with this
	// machine's zone or UTC; neither is what the data says.
	if s == "" || strings.EqualFold(s, "local") {
		return z
	}
	loc, err := time.LoadLocation(strings.ReplaceAll(s, " ", "_"))
	if err != nil {
		return z
	}
	z.loc, z.ok = loc, true
	return z
}

// parseSeconds parses an integer offset in seconds, within ±26 hours.
func parseSeconds(s string) (int64, bool) {
	n, ok := parseDecimal(s)
	if !ok || n < -26*3600 || n > 26*3600 {
		return 0, false
	}
	return n, true
}

// parseGMT parses "GMT±HHMM", "GMT±HH:MM", "GMT±HH" and the same with UTC.
func parseGMT(s string) (int64, bool) {
	if len(s) < 4 {
		return 0, false
	}
	p := strings.ToUpper(s[:3])
	if p != "GMT" && p != "UTC" {
		return 0, false
	}
	s = s[3:]
	sign := int64(1)
	switch s[0] {
	case '+':
	case '-':
		sign = -1
	default:
		return 0, false
	}
	s = strings.Replace(s[1:], ":", "", 1)
	var hh, mm int64
	switch len(s) {
	case 2:
		h, ok := parseDecimal(s)
		if !ok {
			return 0, false
		}
		hh = h
	case 4:
		h, ok1 := parseDecimal(s[:2])
		m, ok2 := parseDecimal(s[2:])
		if !ok1 || !ok2 {
			return 0, false
		}
		hh, mm = h, m
	default:
		return 0, false
	}
	if hh > 26 || mm > 59 {
		return 0, false
	}
	return sign * (hh*3600 + mm*60), true
}

// parseDecimal parses an optionally signed decimal integer of at most 18
// digits, without allocating.
func parseDecimal[T string | []byte](s T) (int64, bool) {
	if len(s) == 0 {
		return 0, false
	}
	neg := false
	i := 0
	switch s[0] {
	case '-':
		neg, i = true, 1
	case '+':
		i = 1
	}
	if i == len(s) || len(s)-i > 18 {
		return 0, false
	}
	var n int64
	for ; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	if neg {
		n = -n
	}
	return n, true
}

// tzEntry is one parsed details.tzs element.
type tzEntry struct {
	start int64
	z     *zone // resolved zone
}

// timeline picks the zone in force at an instant for one item: its tzs
// entries (sorted here: the API does not sort them) and its details.tz.
type timeline struct {
	entries []tzEntry // resolved entries, sorted by start
	primary *zone     // details.tz when it resolved, else nil
}

func (tl *timeline) reset(primary *zone) {
	tl.entries = tl.entries[:0]
	tl.primary = nil
	if primary != nil && primary.ok {
		tl.primary = primary
	}
}

// add inserts an entry keeping the order by start; the lists are tiny.
func (tl *timeline) add(e tzEntry) {
	i := len(tl.entries)
	tl.entries = append(tl.entries, e)
	for i > 0 && tl.entries[i-1].start > e.start {
		tl.entries[i] = tl.entries[i-1]
		i--
	}
	tl.entries[i] = e
}

// at returns the zone in force at the instant t (docs/providers/jawbone.md §7): the latest
// tzs entry with start <= t; before every entry, or without tzs, details.tz;
// failing that the earliest entry. nil means unknown.
func (tl *timeline) at(t int64) *zone {
	for i := len(tl.entries) - 1; i >= 0; i-- {
		if tl.entries[i].start <= t {
			return tl.entries[i].z
		}
	}
	if tl.primary != nil {
		return tl.primary
	}
	if len(tl.entries) > 0 {
		return tl.entries[0].z
	}
	return nil
}

// hour returns the UTC instant a local hour began and the zone it was read
// in (nil: UTC, as nothing resolved). wall is the hour's local wall clock in
// seconds since 1970-01-01 00:00 local.
//
// The zone in force during the hour is that of the latest tzs entry that
// started before the hour ended, with the hour read in that entry's zone:
// an hour in which the person changed zone is read in the new zone, because
// the band wrote the key after the change. Before the first entry, or
// without tzs, details.tz applies; then the earliest entry; then UTC.
func (tl *timeline) hour(wall int64) (int64, *zone) {
	for i := len(tl.entries) - 1; i >= 0; i-- {
		e := tl.entries[i]
		if t := e.z.toUTC(wall); e.start < t+3600 {
			return t, e.z
		}
	}
	z := tl.primary
	if z == nil && len(tl.entries) > 0 {
		z = tl.entries[0].z
	}
	if z == nil {
		return wall, nil
	}
	return z.toUTC(wall), z
}
