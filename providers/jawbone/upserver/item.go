package upserver

import (
	"strconv"
)

// obj is a JSON object as the API writes it. A map lets an item leave a
// field out, set it to null or give it another type, as real items did;
// encoding/json writes map keys sorted, so output is deterministic.
type obj = map[string]any

// item is one element of a collection, with the keys paging needs.
type item struct {
	created   int64  // time_created (or time): range paging is by this, ascending
	completed int64  // time_completed, or created when the item has none: page_token paging
	updated   int64  // time_updated, for updated_after
	date      int    // local date YYYYMMDD, for the date filter
	key       string // xid; band events have none and use created/action
	idx       int    // position in the day's natural order (Touch edits refer to it)
	obj       obj
	// tick, when set, is served instead of obj: minute ticks are millions
	// of tiny objects, and a struct encodes several times faster than a map.
	tick *minuteTick
}

// minuteTick is one minute of a move or workout (§6.2). Fields
// are in the order a map's keys would be encoded, so pages are unchanged.
type minuteTick struct {
	ActiveTime    int     `json:"active_time"`
	Calories      float64 `json:"calories"`
	Distance      any     `json:"distance"` // int before 2015, fnum after
	Speed         float64 `json:"speed"`
	Steps         int     `json:"steps"`
	Time          int64   `json:"time"`
	TimeCompleted int64   `json:"time_completed"`
}

// value is what the item is served as.
func (it *item) value() any {
	if it.tick != nil {
		return it.tick
	}
	return it.obj
}

// fnum is a float64 that always keeps a decimal point in JSON, as 2015+
// data did for integral values (distance 1876.0).
type fnum float64

func (f fnum) MarshalJSON() ([]byte, error) {
	b := strconv.AppendFloat(nil, float64(f), 'f', -1, 64)
	for _, c := range b {
		if c == '.' {
			return b, nil
		}
	}
	return append(b, '.', '0'), nil
}

// thousands writes 12345 as "12,345", as UP titles did ("2,322 steps").
func thousands(n int) string {
	s := strconv.Itoa(n)
	if len(s) <= 3 {
		return s
	}
	var out []byte
	pre := len(s) % 3
	if pre > 0 {
		out = append(out, s[:pre]...)
	}
	for i := pre; i < len(s); i += 3 {
		if len(out) > 0 {
			out = append(out, ',')
		}
		out = append(out, s[i:i+3]...)
	}
	return string(out)
}

// imagePath is a relative image path like the real ones
// (/nudge/image/e/1457721607/<xid>/2hsju0ZgbN4.png).
func imagePath(t int64, xid string) string {
	return "/nudge/image/e/" + strconv.FormatInt(t, 10) + "/" + xid + "/" + xid[:11] + ".png"
}

// place describes a place_* variant (§6: string, number or "").
type placeForm uint8

const (
	placeString placeForm = iota
	placeNumber
	placeEmpty
	placeAbsent
)

// setPlace writes place_lat/lon/acc/name in the given form.
func setPlace(o obj, form placeForm, lat, lon float64, acc int, name string) {
	switch form {
	case placeString:
		o["place_lat"] = strconv.FormatFloat(lat, 'f', 6, 64)
		o["place_lon"] = strconv.FormatFloat(lon, 'f', 6, 64)
		o["place_acc"] = strconv.Itoa(acc)
		o["place_name"] = name
	case placeNumber:
		o["place_lat"] = lat
		o["place_lon"] = lon
		o["place_acc"] = acc
		o["place_name"] = name
	case placeEmpty:
		o["place_lat"], o["place_lon"], o["place_acc"], o["place_name"] = "", "", "", ""
	}
}

// stripPlace removes place_* for tokens without location_read (§2:
// place_* need location_read).
func stripPlace(o obj) {
	for _, k := range []string{"place_lat", "place_lon", "place_acc", "place_name", "place_type", "place_id"} {
		delete(o, k)
	}
}
