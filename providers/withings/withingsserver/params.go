package withingsserver

import (
	"net/url"
	"strconv"
	"strings"
	"time"
)

// params are the parameters of a data request, parsed and checked.
type params struct {
	Action string

	Start, End       int64 // startdate, enddate (unix seconds)
	HasStart, HasEnd bool

	StartYMD, EndYMD time.Time // startdateymd, enddateymd (UTC midnight)
	HasYMD           bool

	LastUpdate    int64
	HasLastUpdate bool

	Offset int

	DataFields []string // nil when data_fields is absent
	MeasTypes  []int    // nil when meastype(s) is absent
	Category   int      // 0 when absent
}

// Bounds on numbers the emulator accepts: unix seconds from 1970 to 2100,
// offsets below a billion.
const (
	maxUnix   = 4102444800
	maxOffset = 1_000_000_000
)

// parseParams reads and checks the request parameters. A parameter given
// twice counts with its first value, as url.Values.Get has it.
func parseParams(v url.Values) (params, *apiError) {
	var p params
	p.Action = v.Get("action")
	if p.Action == "" {
		return p, invalid("action is missing")
	}
	var err *apiError
	if p.Start, p.HasStart, err = unixParam(v, "startdate"); err != nil {
		return p, err
	}
	if p.End, p.HasEnd, err = unixParam(v, "enddate"); err != nil {
		return p, err
	}
	if p.HasStart && p.HasEnd && p.Start > p.End {
		return p, invalid("startdate is after enddate")
	}
	if p.LastUpdate, p.HasLastUpdate, err = unixParam(v, "lastupdate"); err != nil {
		return p, err
	}
	sy, hasSY, err := ymdParam(v, "startdateymd")
	if err != nil {
		return p, err
	}
	ey, hasEY, err := ymdParam(v, "enddateymd")
	if err != nil {
		return p, err
	}
	switch {
	case hasSY != hasEY:
		return p, invalid("startdateymd and enddateymd go together")
	case hasSY && sy.After(ey):
		return p, invalid("startdateymd is after enddateymd")
	case hasSY && p.HasLastUpdate:
		return p, invalid("lastupdate cannot be used with startdateymd and enddateymd")
	}
	p.StartYMD, p.EndYMD, p.HasYMD = sy, ey, hasSY
	if s := v.Get("offset"); s != "" {
		n, perr := strconv.Atoi(s)
		if perr != nil || n < 0 || n > maxOffset {
			return p, invalid("offset %s", quote(s))
		}
		p.Offset = n
	}
	if s, ok := first(v, "data_fields"); ok {
		p.DataFields = []string{}
		for _, f := range strings.Split(s, ",") {
			f = strings.TrimSpace(f)
			if f == "" {
				continue
			}
			if !isFieldName(f) {
				return p, invalid("data_fields: %s", quote(f))
			}
			p.DataFields = append(p.DataFields, f)
		}
	}
	types := v.Get("meastypes")
	if types == "" {
		types = v.Get("meastype")
	}
	if types != "" {
		for _, t := range strings.Split(types, ",") {
			n, perr := strconv.Atoi(strings.TrimSpace(t))
			if perr != nil || n <= 0 || n > 100000 {
				return p, invalid("meastype %s", quote(t))
			}
			p.MeasTypes = append(p.MeasTypes, n)
		}
	}
	if s := v.Get("category"); s != "" {
		n, perr := strconv.Atoi(s)
		if perr != nil || (n != 1 && n != 2) {
			return p, invalid("category %s", quote(s))
		}
		p.Category = n
	}
	return p, nil
}

func first(v url.Values, key string) (string, bool) {
	vs, ok := v[key]
	if !ok || len(vs) == 0 {
		return "", false
	}
	return vs[0], true
}

func unixParam(v url.Values, key string) (int64, bool, *apiError) {
	s := v.Get(key)
	if s == "" {
		return 0, false, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 || n > maxUnix {
		return 0, false, invalid("%s %s", key, quote(s))
	}
	return n, true, nil
}

func ymdParam(v url.Values, key string) (time.Time, bool, *apiError) {
	s := v.Get(key)
	if s == "" {
		return time.Time{}, false, nil
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil || t.Year() < 1970 || t.Year() > 2099 {
		return time.Time{}, false, invalid("%s %s", key, quote(s))
	}
	return t, true, nil
}

func isFieldName(s string) bool {
	if len(s) > 64 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// wants reports whether a data field is to be sent: every field when
// data_fields was absent, else the ones it names.
func (p params) wants(field string) bool {
	if p.DataFields == nil {
		return true
	}
	for _, f := range p.DataFields {
		if f == field {
			return true
		}
	}
	return false
}
