package schema

import (
	"fmt"

	"github.com/valyala/fastjson"
)

// tzs flattens a ChildZoneChanges value (Jawbone's details.tzs), an array
// of [epoch, tz] pairs in no particular order, into rows of its table and
// into the item's zone timeline.
func (f *Flattener) tzs(v *fastjson.Value, parentXID string) error {
	ts := f.children[ChildZoneChanges]
	src := ts.decl.Source
	if v.Type() == fastjson.TypeNull {
		return nil
	}
	a, err := v.Array()
	if err != nil {
		f.badPath(f.root, src, v, "an array of [start, tz] pairs")
		return f.takeFail(label(parentXID, ""))
	}
	start, tz := ts.derivedCol(DeriveZoneChangeStart), ts.derivedCol(DeriveZoneChangeZone)
	for i, e := range a {
		var sc, zc cell
		pair, err := e.Array()
		if err != nil || len(pair) < 2 {
			f.badPath(ts, src+"[]", e, "a [start, tz] pair")
		} else {
			if want := f.convert(&sc, Timestamp, ConvDefault, pair[0]); want != "" {
				f.badCol(ts, start, DeriveZoneChangeStart, pair[0], want)
			}
			if want := f.convert(&zc, String, ConvZoneText, pair[1]); want != "" {
				f.badCol(ts, tz, DeriveZoneChangeZone, pair[1], want)
			} else if f.invalidUTF8 && tz >= 0 {
				f.badUTF8(ts, tz)
			}
			if len(pair) > 2 {
				f.badPath(ts, src+"[]", e, "a [start, tz] pair")
			}
		}
		if f.fail != nil {
			err := f.takeFail(label(parentXID, fmt.Sprintf("%s[%d]", src, i)))
			clear(ts.cells)
			return err
		}
		var z *zone
		if zc.state == cellSet {
			z = f.zone(zc.s)
		}
		rc := rowCtx{parentXID: parentXID, tzsZone: z}
		if sc.state == cellSet {
			rc.tzsStart, rc.tzsStartOK = floorDiv(sc.i, 1e6), true
			if z != nil && z.ok {
				f.tl.add(tzEntry{start: rc.tzsStart, z: z})
			}
		}
		if start >= 0 {
			ts.cells[start] = sc
		}
		if tz >= 0 {
			ts.cells[tz] = zc
		}
		if err := f.finishRow(ts, rc); err != nil {
			return err
		}
	}
	return nil
}

// badCol is bad for column i, derived as d, which the caller's table may
// have left out (i < 0): the message then names the declared column.
func (f *Flattener) badCol(ts *tableState, i int, d Derive, v *fastjson.Value, want string) {
	if i >= 0 {
		f.bad(ts, i, v, want)
		return
	}
	f.badPath(ts, ts.decl.derivedName(d), v, want)
}

// hourly flattens a ChildLocalHourKeyed value (Jawbone's
// details.hourly_totals) into rows of its table, in local-hour order, each
// with the UTC instant its key stands for.
func (f *Flattener) hourly(v *fastjson.Value, parentXID string) error {
	ts := f.children[ChildLocalHourKeyed]
	src := ts.decl.Source
	o, err := v.Object()
	if err != nil {
		if v.Type() != fastjson.TypeNull {
			f.badPath(f.root, src, v, "an object")
		}
		return f.takeFail(label(parentXID, ""))
	}
	f.hours = f.hours[:0]
	o.Visit(func(k []byte, hv *fastjson.Value) {
		wall, ok := parseHourKey(k)
		if !ok && !f.badKey(ts, k) {
			return
		}
		f.hours = append(f.hours, hourRef{wall: wall, v: hv, noHour: !ok})
	})
	if f.fail != nil {
		return f.takeFail(label(parentXID, src))
	}
	// Keys come in arbitrary order; rows read better in time order, with
	// the hours whose key was unreadable last, in the order given. The
	// list is at most a day's hours, so insertion sort is enough.
	hs := f.hours
	for i := 1; i < len(hs); i++ {
		for j := i; j > 0 && hourLess(hs[j], hs[j-1]); j-- {
			hs[j-1], hs[j] = hs[j], hs[j-1]
		}
	}
	for _, h := range hs {
		switch h.v.Type() {
		case fastjson.TypeObject:
			ho, _ := h.v.Object()
			f.walk(ts, ts.root, ho)
		case fastjson.TypeNull:
		default:
			f.badPath(ts, src+".{YYYYMMDDHH}", h.v, "an object")
		}
		if f.fail != nil {
			err := f.takeFail(label(parentXID, "hour "+hourKey(h.wall)))
			clear(ts.cells)
			return err
		}
		rc := rowCtx{parentXID: parentXID, noHour: h.noHour}
		if !h.noHour {
			rc.hourWall = h.wall
			rc.hourUTC, rc.hourZone = f.tl.hour(h.wall)
		}
		if err := f.finishRow(ts, rc); err != nil {
			return err
		}
	}
	return nil
}

// badKey handles a ChildLocalHourKeyed key that is not YYYYMMDDHH. Under
// Lenient the entry is kept, its values exported with null hour columns
// (hour_start, date, local_hour, tz, tz_offset), and counted as a null
// local hour (DeriveLocalHour): it reports true. Else the key is the
// item's error.
func (f *Flattener) badKey(ts *tableState, k []byte) bool {
	i := ts.derivedCol(DeriveLocalHour)
	if f.opts.Lenient {
		if i >= 0 {
			ts.lenient[i]++
		}
		f.warnOnce("lenient hourly key", fmt.Sprintf(
			"%s: hourly_totals key %q is not YYYYMMDDHH; the hour's values are kept with null hour_start, date, local_hour, tz and tz_offset (lenient)",
			ts.table.Name, k))
		return true
	}
	if f.fail == nil {
		f.fail = &ValueError{Table: ts.table.Name, Column: ts.decl.derivedName(DeriveLocalHour), Value: fmt.Sprintf("%q", k), Want: "a YYYYMMDDHH key"}
	}
	return false
}

// hourLess orders hourly rows: by local hour, those without one last.
func hourLess(a, b hourRef) bool {
	if a.noHour || b.noHour {
		return !a.noHour && b.noHour
	}
	return a.wall < b.wall
}

// parseHourKey parses "YYYYMMDDHH" into the local wall clock of the hour in
// seconds since 1970-01-01 00:00 local.
func parseHourKey(k []byte) (int64, bool) {
	if len(k) != 10 {
		return 0, false
	}
	n, ok := parseDecimal(k)
	if !ok || k[0] == '-' || k[0] == '+' {
		return 0, false
	}
	h := n % 100
	days, ok := daysFromYMD(n / 100)
	if !ok || h > 23 {
		return 0, false
	}
	return days*86400 + h*3600, true
}

// hourKey formats a local wall clock back as its YYYYMMDDHH key.
func hourKey(wall int64) string {
	t := DateFromDays(floorDiv(wall, 86400))
	return fmt.Sprintf("%s%02d", t.Format("20060102"), (wall-floorDiv(wall, 86400)*86400)/3600)
}
