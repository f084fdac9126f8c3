package export

import (
	"time"

	"github.com/upexport/upexport/schema"
)

// Fast RFC 3339 formatting for CSV: time.Time.AppendFormat costs more than
// the rest of a row put together, and the output here is fixed (UTC, ISO
// calendar), so it is done by hand for years 0001-9999 and left to the time
// package outside that range.

const (
	usPerSec  = 1_000_000
	secPerDay = 86400
)

// appendTimestamp writes µs since the epoch as 2015-08-11T06:47:28Z, with a
// fraction (trailing zeros trimmed) only when there is one.
func appendTimestamp(buf []byte, us int64) []byte {
	days, secs := floorDiv(us, usPerSec*secPerDay)
	if days < minCivilDay || days > maxCivilDay {
		return schema.TimeFromMicros(us).AppendFormat(buf, time.RFC3339Nano)
	}
	buf = appendCivil(buf, days)
	sec, frac := secs/usPerSec, secs%usPerSec
	h, m, s := sec/3600, sec/60%60, sec%60
	buf = append(buf, 'T', byte('0'+h/10), byte('0'+h%10), ':', byte('0'+m/10), byte('0'+m%10), ':', byte('0'+s/10), byte('0'+s%10))
	if frac != 0 {
		var d [7]byte
		d[0] = '.'
		for i := 6; i >= 1; i-- {
			d[i] = byte('0' + frac%10)
			frac /= 10
		}
		n := 7
		for d[n-1] == '0' {
			n--
		}
		buf = append(buf, d[:n]...)
	}
	return append(buf, 'Z')
}

// appendDate writes days since the epoch as 2015-08-11.
func appendDate(buf []byte, days int64) []byte {
	if days < minCivilDay || days > maxCivilDay {
		return schema.DateFromDays(days).AppendFormat(buf, time.DateOnly)
	}
	return appendCivil(buf, days)
}

// Days of 0001-01-01 and 9999-12-31 relative to 1970-01-01.
const (
	minCivilDay = -719162
	maxCivilDay = 2932896
)

// appendCivil writes YYYY-MM-DD for a day number, using Howard Hinnant's
// days_from_civil inverse (proleptic Gregorian, as RFC 3339 and Go use).
func appendCivil(buf []byte, days int64) []byte {
	z := days + 719468
	era := z / 146097 // z > 0 from year 1 on, so / is floor division
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d := doy - (153*mp+2)/5 + 1
	m := mp + 3
	if m > 12 {
		m -= 12
		y++
	}
	return append(buf,
		byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-',
		byte('0'+m/10), byte('0'+m%10), '-', byte('0'+d/10), byte('0'+d%10))
}

// floorDiv returns q, r with a = q*b + r and 0 <= r < b (b > 0).
func floorDiv(a, b int64) (int64, int64) {
	q, r := a/b, a%b
	if r < 0 {
		q--
		r += b
	}
	return q, r
}
