package schema

import (
	"math"
	"unicode/utf8"
	"unsafe"

	"github.com/valyala/fastjson"
	"github.com/valyala/fastjson/fastfloat"
)

// cell is one value of the row being built, before it is appended to the
// batch. Rows are assembled in cells because JSON keys come in any order
// while derived columns (tz_offset, parent xids) need several of them.
type cell struct {
	i     int64
	f     float64
	s     string
	b     bool
	state cellState
}

type cellState uint8

const (
	cellUnset  cellState = iota // not seen: null
	cellNull                    // seen as null or "": null
	cellSet                     // holds a value
	cellSetAlt                  // holds a value from an alternative path
)

func (c *cell) setNull() { *c = cell{state: cellNull} }

// convert stores v into c following the column's type and conversion rule.
// It returns what the column wants when v contradicts the declared type
// ("" when v fits); c is then untouched. Missing, null and "" are null, never 0.
func (f *Flattener) convert(c *cell, t Type, cv Conv, v *fastjson.Value) (want string) {
	f.invalidUTF8 = false
	vt := v.Type()
	if vt == fastjson.TypeNull {
		c.setNull()
		return ""
	}
	if vt == fastjson.TypeString && len(v.GetStringBytes()) == 0 {
		c.setNull()
		return ""
	}
	switch t {
	case Int64:
		switch {
		case vt == fastjson.TypeNumber:
			n, ok := f.integer(v)
			if !ok {
				return "an integer"
			}
			c.i = n
		case cv == ConvBoolInt && (vt == fastjson.TypeTrue || vt == fastjson.TypeFalse):
			c.i = 0
			if vt == fastjson.TypeTrue {
				c.i = 1
			}
		default:
			return "an integer"
		}
	case Float64:
		switch vt {
		case fastjson.TypeNumber:
			x, err := v.Float64()
			if err != nil || math.IsInf(x, 0) || math.IsNaN(x) {
				return "a number"
			}
			c.f = x
		case fastjson.TypeString:
			if cv != ConvLooseFloat {
				return "a number"
			}
			x, ok := parseLooseFloat(v.GetStringBytes())
			if !ok {
				return "a number or numeric string"
			}
			c.f = x
		default:
			return "a number"
		}
	case Bool:
		switch vt {
		case fastjson.TypeTrue:
			c.b = true
		case fastjson.TypeFalse:
			c.b = false
		case fastjson.TypeNumber:
			// 0/1 is a common encoding of flags and loses nothing.
			n, ok := f.integer(v)
			if !ok || (n != 0 && n != 1) {
				return "true or false"
			}
			c.b = n == 1
		default:
			return "true or false"
		}
	case String:
		var b []byte
		switch {
		case vt == fastjson.TypeString:
			b = v.GetStringBytes()
		case vt == fastjson.TypeNumber:
			// Numbers have an exact text form; zones given as seconds
			// (ConvZoneText) rely on it.
			f.scratch = v.MarshalTo(f.scratch[:0])
			b = f.scratch
		case cv == ConvJSON:
			f.scratch = v.MarshalTo(f.scratch[:0])
			b = f.scratch
		default:
			return "a string"
		}
		f.setText(c, b)
	case Timestamp:
		sec, frac, ok := f.seconds(v)
		if !ok {
			return "epoch seconds"
		}
		if cv == ConvZeroNull && sec == 0 && frac == 0 {
			c.setNull()
			return ""
		}
		c.i = sec*1e6 + frac
	case Date:
		n, ok := int64(0), vt == fastjson.TypeNumber
		if ok {
			n, ok = f.integer(v)
		}
		if !ok {
			return "a YYYYMMDD date"
		}
		days, ok := daysFromYMD(n)
		if !ok {
			return "a YYYYMMDD date"
		}
		c.i = days
	default:
		return "a value of type " + t.String()
	}
	c.state = cellSet
	return ""
}

// convertAny stores any JSON value as text, for extra columns typed String
// by inference (mixed types, objects, arrays).
func (f *Flattener) convertAny(c *cell, v *fastjson.Value) {
	f.invalidUTF8 = false
	switch v.Type() {
	case fastjson.TypeNull:
		c.setNull()
		return
	case fastjson.TypeString:
		b := v.GetStringBytes()
		if len(b) == 0 {
			c.setNull()
			return
		}
		f.setText(c, b)
	default:
		f.scratch = v.MarshalTo(f.scratch[:0])
		f.setText(c, f.scratch)
	}
	c.state = cellSet
}

// setText stores b as c's text, repairing invalid UTF-8: every format
// promises UTF-8 text, and readers refuse anything else (DuckDB the whole
// Parquet file, pandas the CSV). Each invalid byte becomes U+FFFD
// and invalidUTF8 tells the caller to count it.
func (f *Flattener) setText(c *cell, b []byte) {
	f.invalidUTF8 = !utf8.Valid(b)
	if f.invalidUTF8 {
		b = appendValidUTF8(f.fixed[:0], b)
		f.fixed = b
	}
	c.s = f.strs.bytes(b)
}

// integer returns a JSON number as an int64 when it is integral: 1876 and
// 1876.0 both give 1876; 12.5 and out-of-range values do not fit.
func (f *Flattener) integer(v *fastjson.Value) (int64, bool) {
	f.scratch = v.MarshalTo(f.scratch[:0])
	if n, ok := parseDecimal(f.scratch); ok {
		return n, true
	}
	x, err := v.Float64()
	if err != nil || x != math.Trunc(x) || x < -(1<<63) || x >= 1<<63 {
		return 0, false
	}
	return int64(x), true
}

// seconds returns epoch seconds as whole seconds and microseconds.
func (f *Flattener) seconds(v *fastjson.Value) (sec, micros int64, ok bool) {
	if v.Type() != fastjson.TypeNumber {
		return 0, 0, false
	}
	f.scratch = v.MarshalTo(f.scratch[:0])
	if n, ok := parseDecimal(f.scratch); ok {
		return n, 0, n > -1<<43 && n < 1<<43
	}
	x, err := v.Float64()
	if err != nil || math.IsNaN(x) || x <= -(1<<43) || x >= 1<<43 {
		return 0, 0, false
	}
	us := int64(math.Round(x * 1e6))
	return us / 1e6, us % 1e6, true
}

func parseLooseFloat(b []byte) (float64, bool) {
	x, err := fastfloat.Parse(b2s(b))
	if err != nil || math.IsInf(x, 0) || math.IsNaN(x) {
		return 0, false
	}
	return x, true
}

// daysFromYMD converts a YYYYMMDD integer to days since 1970-01-01, checking
// that the date exists. It works on the calendar date directly, so no time
// zone can shift it (arrow.Date32FromTime truncates an instant in UTC).
func daysFromYMD(n int64) (int64, bool) {
	if n < 1_00_01 || n > 9999_12_31 {
		return 0, false
	}
	y, m, d := n/10000, n/100%100, n%100
	if m < 1 || m > 12 || d < 1 || d > daysIn(y, m) {
		return 0, false
	}
	return daysFromCivil(y, m, d), true
}

func daysIn(y, m int64) int64 {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// daysFromCivil is Howard Hinnant's days_from_civil: days since 1970-01-01
// of a proleptic Gregorian date.
func daysFromCivil(y, m, d int64) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// arena hands out strings copied into large shared blocks, so a row's
// strings cost no allocation of their own. A block is never written again
// where a string points into it (only appended past), so the strings stay
// valid and immutable for as long as anyone holds them.
type arena struct {
	buf []byte
}

const arenaBlock = 64 << 10

func (a *arena) bytes(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if len(b) > arenaBlock/4 {
		return string(b)
	}
	if cap(a.buf)-len(a.buf) < len(b) {
		a.buf = make([]byte, 0, arenaBlock)
	}
	start := len(a.buf)
	a.buf = append(a.buf, b...)
	return unsafe.String(&a.buf[start], len(b))
}

// b2s views b as a string for the duration of a call that does not keep it.
func b2s(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

// appendValidUTF8 appends b to dst with each byte that is not part of a
// valid UTF-8 sequence replaced by U+FFFD. That is the rule of Go's JSON
// decoder, which reads the xids the engine joins on (tick parents), so a
// repaired xid is the same text in every table.
func appendValidUTF8(dst, b []byte) []byte {
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if r == utf8.RuneError && size == 1 {
			dst = utf8.AppendRune(dst, utf8.RuneError)
		} else {
			dst = append(dst, b[:size]...)
		}
		b = b[size:]
	}
	return dst
}
