package upserver

import "time"

// Days are handled as day numbers: days since 1970-01-01 of a local
// calendar date. Day numbers are what the generators are keyed by, so the
// data for a date does not depend on Config.Days or on any other date.

type civilDate struct {
	y int
	m time.Month
	d int
}

func (c civilDate) dayNumber() int64 {
	return time.Date(c.y, c.m, c.d, 0, 0, 0, 0, time.UTC).Unix() / 86400
}

func civilOf(t time.Time) civilDate {
	y, m, d := t.Date()
	return civilDate{y, m, d}
}

// dayCivil is the calendar date of day number n.
func dayCivil(n int64) civilDate { return civilOf(time.Unix(n*86400, 0).UTC()) }

// dateInt is the UP date form YYYYMMDD of day number n.
func dateInt(n int64) int {
	c := dayCivil(n)
	return c.y*10000 + int(c.m)*100 + c.d
}

// parseDateInt turns YYYYMMDD into a day number.
func parseDateInt(v int64) (int64, bool) {
	y, m, d := int(v/10000), time.Month(v/100%100), int(v%100)
	if y < 1970 || y > 9999 || m < 1 || m > 12 || d < 1 || d > 31 {
		return 0, false
	}
	t := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d { // 20160231 and the like
		return 0, false
	}
	return t.Unix() / 86400, true
}

// midnight is the instant local midnight starts day n in loc. On a day
// whose midnight does not exist (a DST jump at 00:00) time.Date normalizes
// forward, which is what a clock does.
func midnight(n int64, loc *time.Location) int64 {
	c := dayCivil(n)
	return time.Date(c.y, c.m, c.d, 0, 0, 0, 0, loc).Unix()
}

// weekday of day number n, 0 = Thursday (1970-01-01), used only for
// deterministic schedules.
func weekOf(n int64) int64 { return floorDiv(n, 7) }

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func mod(a, b int64) int64 { return a - floorDiv(a, b)*b }

func (c civilDate) dayOfYear() int { return time.Date(c.y, c.m, c.d, 0, 0, 0, 0, time.UTC).YearDay() }
