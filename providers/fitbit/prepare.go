package fitbit

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Prepare hooks: each turns one raw Fitbit item into the flat row object
// its table declares (column path = column name), with numbers that
// arrived as strings made numbers, dates as YYYYMMDD, and local times
// without an offset resolved to UTC in the profile's zone (§6), the zone
// kept beside them. Child rows (zones, intraday elements, sleep stages)
// go in "rows".

// obj is a decoded JSON object whose numbers stay json.Number.
type obj map[string]any

func decode(item []byte) (obj, error) {
	dec := json.NewDecoder(bytes.NewReader(item))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("item is not a JSON object: %w", err)
	}
	if m == nil {
		return nil, fmt.Errorf("item is null")
	}
	return m, nil
}

// o is the object at key, nil when absent or not an object.
func (m obj) o(key string) obj {
	v, _ := m[key].(map[string]any)
	return v
}

func (m obj) s(key string) string {
	v, _ := m[key].(string)
	return v
}

// list is the list at key, nil when absent or not a list.
func (m obj) list(key string) []any {
	v, _ := m[key].([]any)
	return v
}

// number reads a number that may arrive as a JSON number or as a numeric
// string ("7390", "1.0"); absent, null and "" are null.
func number(v any) (any, error) {
	switch v := v.(type) {
	case nil:
		return nil, nil
	case json.Number:
		return v, nil
	case string:
		s := strings.TrimSpace(v)
		if s == "" {
			return nil, nil
		}
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
			return nil, fmt.Errorf("%q is not a number", v)
		}
		return json.Number(s), nil
	case bool:
		return nil, fmt.Errorf("%v is not a number", v)
	}
	return nil, fmt.Errorf("%T is not a number", v)
}

// numbers copies the numeric fields from (source name) to row (column
// name), each through number.
func numbers(row obj, from obj, names map[string]string) error {
	for src, col := range names {
		n, err := number(from[src])
		if err != nil {
			return fmt.Errorf("%s: %w", src, err)
		}
		row[col] = n
	}
	return nil
}

// dateValue is a yyyy-MM-dd text as YYYYMMDD, null when absent.
func dateValue(v any) (any, error) {
	s, _ := v.(string)
	if s == "" {
		return nil, nil
	}
	return ymd(s)
}

// Local date-times come with milliseconds or without, with seconds or
// without (§6); activity logs carry an offset or Z.
var localLayouts = []string{"2006-01-02T15:04:05.999999999", "2006-01-02T15:04", "2006-01-02 15:04:05", "2006-01-02 15:04"}

// resolveIn reads a date-time: one with an offset is that instant; a
// local one is resolved in zone (an IANA name), its zero time when zone
// is "" or unknown. A wall time that a DST fall-back makes happen twice
// is the first instant at or after hint (the previous element's time in
// a series; the zero hint takes the earlier one); a wall time that a
// spring-forward skips is read with the offset before the change.
func resolveIn(s, zone string, hint time.Time) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	var wall time.Time
	var err error
	for _, l := range localLayouts {
		if wall, err = time.Parse(l, s); err == nil {
			break
		}
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not a date-time", s)
	}
	if zone == "" {
		return time.Time{}, nil
	}
	loc, err := time.LoadLocation(zone)
	if err != nil {
		return time.Time{}, nil
	}
	return wallIn(wall, loc, hint), nil
}

// wallIn is the instant the wall-clock time wall (read as UTC) shows in
// loc; see resolveIn for the ambiguous cases.
func wallIn(wall time.Time, loc *time.Location, hint time.Time) time.Time {
	y, mo, d := wall.Date()
	h, mi, s := wall.Clock()
	t := time.Date(y, mo, d, h, mi, s, wall.Nanosecond(), loc)
	// The candidates an hour either side that show the same wall clock
	// (zones shift by at most a few hours; DST by one).
	var same []time.Time
	for _, shift := range []time.Duration{-3 * time.Hour, -2 * time.Hour, -time.Hour, 0, time.Hour, 2 * time.Hour, 3 * time.Hour} {
		c := t.Add(shift)
		if c.In(loc).Format("2006-01-02T15:04:05.999999999") == wall.Format("2006-01-02T15:04:05.999999999") {
			same = append(same, c)
		}
	}
	if len(same) == 0 {
		return t // a skipped wall time: time.Date's normalisation
	}
	sort.Slice(same, func(i, j int) bool { return same[i].Before(same[j]) })
	if !hint.IsZero() {
		for _, c := range same {
			if !c.Before(hint) {
				return c
			}
		}
	}
	return same[0]
}

// epoch is t in Unix seconds (fractional when t has a fraction), null for
// the zero time.
func epoch(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	if t.Nanosecond() == 0 {
		return json.Number(strconv.FormatInt(t.Unix(), 10))
	}
	return json.Number(strconv.FormatFloat(float64(t.UnixMilli())/1e3, 'f', -1, 64))
}

// localTime sets <col>_utc and <col>_local of row from the local
// date-time s, resolved in zone.
func localTime(row obj, col, s, zone string, hint time.Time) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := resolveIn(s, zone, hint)
	if err != nil {
		return time.Time{}, fmt.Errorf("%s: %w", col, err)
	}
	row[col+"_utc"] = epoch(t)
	row[col+"_local"] = s
	return t, nil
}

func marshal(row obj) ([]byte, error) { return json.Marshal(row) }

// prepProfile flattens the profile.
func prepProfile(item []byte) ([]byte, error) {
	m, err := decode(item)
	if err != nil {
		return nil, err
	}
	u := m.o("user")
	if u == nil {
		return nil, fmt.Errorf("profile without user")
	}
	row := obj{}
	for src, col := range map[string]string{"encodedId": "encoded_id", "displayName": "display_name", "fullName": "full_name",
		"gender": "gender", "timezone": "timezone", "locale": "locale", "startDayOfWeek": "start_day_of_week",
		"distanceUnit": "distance_unit", "weightUnit": "weight_unit", "heightUnit": "height_unit"} {
		row[col] = u[src]
	}
	if err := numbers(row, u, map[string]string{"age": "age", "height": "height_cm", "weight": "weight_kg",
		"offsetFromUTCMillis": "offset_from_utc_ms", "strideLengthWalking": "stride_length_walking_cm",
		"strideLengthRunning": "stride_length_running_cm", "averageDailySteps": "average_daily_steps"}); err != nil {
		return nil, err
	}
	for src, col := range map[string]string{"dateOfBirth": "date_of_birth", "memberSince": "member_since"} {
		if row[col], err = dateValue(u[src]); err != nil {
			return nil, fmt.Errorf("%s: %w", src, err)
		}
	}
	return marshal(row)
}

// prepDevice flattens a device; lastSyncTime is local (§7).
func prepDevice(item []byte) ([]byte, error) {
	m, err := decode(item)
	if err != nil {
		return nil, err
	}
	zone := m.s(zoneField)
	row := obj{"id": textOf(m["id"]), "device_version": m["deviceVersion"], "type": m["type"], "battery": m["battery"],
		"mac": m["mac"], "timezone": nullIfEmpty(zone)}
	if err := numbers(row, m, map[string]string{"batteryLevel": "battery_level_pct"}); err != nil {
		return nil, err
	}
	if _, err := localTime(row, "last_sync_time", m.s("lastSyncTime"), zone, time.Time{}); err != nil {
		return nil, err
	}
	return marshal(row)
}

// textOf is a string or a number's text.
func textOf(v any) any {
	switch v := v.(type) {
	case string:
		return v
	case json.Number:
		return v.String()
	}
	return nil
}

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// prepDaily flattens an element of an activity time series:
// {"dateTime", "value": "<string>"} becomes {date, <col>: number}.
func prepDaily(col string) func([]byte) ([]byte, error) {
	return func(item []byte) ([]byte, error) {
		m, err := decode(item)
		if err != nil {
			return nil, err
		}
		row := obj{}
		if row["date"], err = dateValue(m["dateTime"]); err != nil {
			return nil, err
		}
		if row[col], err = number(m["value"]); err != nil {
			return nil, fmt.Errorf("value: %w", err)
		}
		return marshal(row)
	}
}

// heartZones reads zones into rows of day.
func heartZones(day any, zones []any) ([]any, error) {
	var rows []any
	for i, z := range zones {
		zm, ok := z.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("heartRateZones[%d] is not an object", i)
		}
		r := obj{"date": day, "name": zm["name"], "custom": false}
		if err := numbers(r, zm, map[string]string{"min": "min_bpm", "max": "max_bpm", "minutes": "minutes",
			"caloriesOut": "calories_out_kcal"}); err != nil {
			return nil, fmt.Errorf("heartRateZones[%d]: %w", i, err)
		}
		rows = append(rows, map[string]any(r))
	}
	return rows, nil
}

// heartDay reads a heart time-series element of either shape (§7): the
// current one with value an object, or the older one with the zones
// beside dateTime and value the average heart rate as a string.
func heartDay(m obj) (obj, error) {
	row := obj{}
	var err error
	if row["date"], err = dateValue(m["dateTime"]); err != nil {
		return nil, err
	}
	zones := m.list("heartRateZones")
	custom := m.list("customHeartRateZones")
	switch v := m["value"].(type) {
	case map[string]any:
		val := obj(v)
		if err := numbers(row, val, map[string]string{"restingHeartRate": "resting_heart_rate_bpm"}); err != nil {
			return nil, err
		}
		if zones == nil {
			zones = val.list("heartRateZones")
		}
		if custom == nil {
			custom = val.list("customHeartRateZones")
		}
	default:
		if row["average_heart_rate_bpm"], err = number(v); err != nil {
			return nil, fmt.Errorf("value: %w", err)
		}
	}
	if row["rows"], err = heartZones(row["date"], zones); err != nil {
		return nil, err
	}
	customs, err := heartZones(row["date"], custom)
	if err != nil {
		return nil, err
	}
	for _, c := range customs {
		c.(map[string]any)["custom"] = true
	}
	row["rows"] = append(row["rows"].([]any), customs...)
	return row, nil
}

func prepHeart(item []byte) ([]byte, error) {
	m, err := decode(item)
	if err != nil {
		return nil, err
	}
	row, err := heartDay(m)
	if err != nil {
		return nil, err
	}
	return marshal(row)
}

// intraday is the form of one per-day intraday answer (§7).
type intraday struct {
	res string // the resource in the keys: steps, calories, distance, heart
	// value is the column an element's value goes to.
	value string
	// extra are the element's other numbers and their columns (calories:
	// level, mets).
	extra map[string]string
	// daily is the column of the day's total from the daily element.
	daily string
}

// rows turns the day's answer into the day's row and, in "rows", one row
// per dataset element with its instant: the day asked for plus the
// element's time, in the profile's zone (§8). Elements are taken by
// their time, never by their index: a dataset has gaps.
func (d intraday) rows(item []byte) ([]byte, error) {
	m, err := decode(item)
	if err != nil {
		return nil, err
	}
	date := m.s(dayField)
	daily := m.list("activities-" + d.res)
	if date == "" && len(daily) > 0 {
		if e, ok := daily[0].(map[string]any); ok {
			date, _ = e["dateTime"].(string)
		}
	}
	dayNum, err := dateValue(date)
	if err != nil || dayNum == nil {
		return nil, fmt.Errorf("intraday answer without a day (%v)", err)
	}
	zone := m.s(zoneField)
	row := obj{"date": dayNum, "timezone": nullIfEmpty(zone)}
	if len(daily) > 0 {
		e, ok := daily[0].(map[string]any)
		if !ok {
			return nil, fmt.Errorf("activities-%s[0] is not an object", d.res)
		}
		if d.res == "heart" {
			h, err := heartDay(e)
			if err != nil {
				return nil, err
			}
			row["resting_heart_rate_bpm"] = h["resting_heart_rate_bpm"]
		} else if row[d.daily], err = number(e["value"]); err != nil {
			return nil, fmt.Errorf("activities-%s[0].value: %w", d.res, err)
		}
	}
	in := m.o("activities-" + d.res + "-intraday")
	step := 60
	if in != nil {
		row["dataset_type"] = in["datasetType"]
		if row["dataset_interval"], err = number(in["datasetInterval"]); err != nil {
			return nil, fmt.Errorf("datasetInterval: %w", err)
		}
		var n int64 = 1 // an answer without datasetInterval: Fitbit's 1
		if iv, ok := row["dataset_interval"].(json.Number); ok {
			if n, err = iv.Int64(); err != nil || n < 1 || n > 24*3600 {
				return nil, fmt.Errorf("datasetInterval %v is not an interval", iv)
			}
		}
		switch in.s("datasetType") {
		case "second":
			step = int(max(n, 1))
		default:
			step = int(max(n, 1)) * 60
		}
	}
	var loc *time.Location
	if zone != "" {
		loc, _ = time.LoadLocation(zone)
	}
	day, _ := time.Parse(time.DateOnly, date[:min(10, len(date))])
	var prev time.Time
	rows := []any{}
	for i, e := range in.list("dataset") {
		em, ok := e.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("dataset[%d] is not an object", i)
		}
		clock, _ := em["time"].(string)
		tod, err := time.Parse(time.TimeOnly, clock)
		if err != nil {
			if tod, err = time.Parse("15:04", clock); err != nil {
				return nil, fmt.Errorf("dataset[%d].time %q is not HH:mm:ss", i, clock)
			}
		}
		wall := day.Add(time.Duration(tod.Hour())*time.Hour + time.Duration(tod.Minute())*time.Minute + time.Duration(tod.Second())*time.Second)
		r := obj{"date": dayNum, "time_local": wall.Format("2006-01-02T15:04:05"), "timezone": row["timezone"], "interval_s": step}
		if loc != nil {
			t := wallIn(wall, loc, prev)
			r["time_utc"], prev = epoch(t), t
		}
		if r[d.value], err = number(em["value"]); err != nil {
			return nil, fmt.Errorf("dataset[%d].value: %w", i, err)
		}
		if err := numbers(r, em, d.extra); err != nil {
			return nil, fmt.Errorf("dataset[%d]: %w", i, err)
		}
		rows = append(rows, map[string]any(r))
	}
	row["elements"] = len(rows)
	row["rows"] = rows
	return marshal(row)
}

// prepSleep flattens a sleep log and, in "rows", its stage intervals:
// levels.data with levels.shortData laid over it (§7), each with its UTC
// start and end.
func prepSleep(item []byte) ([]byte, error) {
	m, err := decode(item)
	if err != nil {
		return nil, err
	}
	zone := m.s(zoneField)
	row := obj{"log_id": textOf(m["logId"]), "timezone": nullIfEmpty(zone), "type": m["type"], "log_type": m["logType"],
		"is_main_sleep": m["isMainSleep"]}
	if row["date_of_sleep"], err = dateValue(m["dateOfSleep"]); err != nil {
		return nil, err
	}
	if err := numbers(row, m, map[string]string{"duration": "duration_ms", "efficiency": "efficiency_pct",
		"timeInBed": "time_in_bed_min", "minutesAsleep": "minutes_asleep", "minutesAwake": "minutes_awake",
		"minutesToFallAsleep": "minutes_to_fall_asleep", "minutesAfterWakeup": "minutes_after_wakeup", "infoCode": "info_code"}); err != nil {
		return nil, err
	}
	start, err := localTime(row, "start_time", m.s("startTime"), zone, time.Time{})
	if err != nil {
		return nil, err
	}
	if _, err := localTime(row, "end_time", m.s("endTime"), zone, start); err != nil {
		return nil, err
	}
	levels := m.o("levels")
	for lvl, sum := range levels.o("summary") {
		sm, ok := sum.(map[string]any)
		if !ok || !sleepLevels[lvl] {
			continue
		}
		if err := numbers(row, sm, map[string]string{"minutes": lvl + "_minutes", "count": lvl + "_count"}); err != nil {
			return nil, fmt.Errorf("levels.summary.%s: %w", lvl, err)
		}
	}
	segs, err := stageIntervals(levels, zone, start)
	if err != nil {
		return nil, err
	}
	rows := []any{}
	for _, s := range segs {
		r := obj{"log_id": row["log_id"], "level": s.level, "short": s.short, "seconds": s.end.Sub(s.start).Seconds(),
			"start_local": s.local, "timezone": row["timezone"]}
		if zone != "" {
			r["start_utc"], r["end_utc"] = epoch(s.start), epoch(s.end)
		}
		rows = append(rows, map[string]any(r))
	}
	row["rows"] = rows
	return marshal(row)
}

// sleepLevels are the levels of stages and classic logs (§7).
var sleepLevels = map[string]bool{"wake": true, "light": true, "deep": true, "rem": true,
	"asleep": true, "restless": true, "awake": true}

// interval is one stage interval of a sleep log.
type interval struct {
	start, end time.Time // UTC instants; without a zone, wall times read as UTC
	local      string    // the start as Fitbit wrote it, or computed for a split
	level      string
	short      bool
}

// segments reads levels.<key>: [{dateTime, level, seconds}]; each start
// is resolved at or after the previous end (a segment after a DST
// fall-back shows an earlier wall time than the one before it).
func segments(levels obj, key, zone string, hint time.Time, short bool) ([]interval, error) {
	var out []interval
	for i, e := range levels.list(key) {
		em, ok := e.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("levels.%s[%d] is not an object", key, i)
		}
		dt, _ := em["dateTime"].(string)
		if dt == "" {
			dt, _ = em["datetime"].(string) // one client's samples spell it so
		}
		var start time.Time
		var err error
		if zone != "" {
			start, err = resolveIn(dt, zone, hint)
		} else {
			start, err = resolveIn(dt, "UTC", hint)
		}
		if err != nil {
			return nil, fmt.Errorf("levels.%s[%d].dateTime: %w", key, i, err)
		}
		n, err := number(em["seconds"])
		if err != nil || n == nil {
			return nil, fmt.Errorf("levels.%s[%d].seconds: %v", key, i, em["seconds"])
		}
		secs, err := n.(json.Number).Float64()
		if err != nil || secs < 0 || secs > 7*24*3600 {
			return nil, fmt.Errorf("levels.%s[%d].seconds %v is not a duration", key, i, n)
		}
		end := start.Add(time.Duration(secs * float64(time.Second)))
		level, _ := em["level"].(string)
		out = append(out, interval{start: start, end: end, local: dt, level: level, short: short})
		if !short {
			hint = end
		}
	}
	return out, nil
}

// stageIntervals lays shortData over data: a short interval cuts the
// data intervals it overlaps, which keep their level before and after it.
func stageIntervals(levels obj, zone string, start time.Time) ([]interval, error) {
	data, err := segments(levels, "data", zone, start, false)
	if err != nil {
		return nil, err
	}
	hint := start
	if len(data) > 0 {
		hint = data[0].start
	}
	short, err := segments(levels, "shortData", zone, hint, true)
	if err != nil {
		return nil, err
	}
	out := data
	for _, s := range short {
		var next []interval
		for _, d := range out {
			if !d.end.After(s.start) || !d.start.Before(s.end) {
				next = append(next, d)
				continue
			}
			if d.start.Before(s.start) {
				before := d
				before.end = s.start
				next = append(next, before)
			}
			if d.end.After(s.end) {
				after := d
				after.start = s.end
				after.local = localText(s.end, zone)
				next = append(next, after)
			}
		}
		out = append(next, s)
		sort.SliceStable(out, func(i, j int) bool { return out[i].start.Before(out[j].start) })
	}
	return out, nil
}

// localText is the wall time of t in zone, as Fitbit writes it.
func localText(t time.Time, zone string) string {
	if loc, err := time.LoadLocation(zone); err == nil && zone != "" {
		t = t.In(loc)
	}
	return t.Format("2006-01-02T15:04:05.000")
}

// prepLog flattens a weight or fat log: date + time are local (§7).
func prepLog(nums map[string]string) func([]byte) ([]byte, error) {
	return func(item []byte) ([]byte, error) {
		m, err := decode(item)
		if err != nil {
			return nil, err
		}
		zone := m.s(zoneField)
		row := obj{"log_id": textOf(m["logId"]), "source": m["source"], "timezone": nullIfEmpty(zone)}
		if row["date"], err = dateValue(m["date"]); err != nil {
			return nil, err
		}
		if err := numbers(row, m, nums); err != nil {
			return nil, err
		}
		if d, t := m.s("date"), m.s("time"); d != "" && t != "" {
			if _, err := localTime(row, "time", d+"T"+t, zone, time.Time{}); err != nil {
				return nil, err
			}
		}
		return marshal(row)
	}
}

// prepValue flattens {"dateTime", "value": {...}} summaries: the value's
// numbers under their columns. Negative values in negNull (breathing
// rate's -1, §7) mean no value.
func prepValue(nums map[string]string, negNull bool) func([]byte) ([]byte, error) {
	return func(item []byte) ([]byte, error) {
		m, err := decode(item)
		if err != nil {
			return nil, err
		}
		row := obj{}
		if lt, ok := m["logType"]; ok {
			row["log_type"] = lt
		}
		if row["date"], err = dateValue(m["dateTime"]); err != nil {
			return nil, err
		}
		val := m.o("value")
		for path, col := range nums {
			v := any(map[string]any(val))
			for _, seg := range strings.Split(path, ".") {
				vm, _ := v.(map[string]any)
				v = vm[seg]
			}
			n, err := number(v)
			if err != nil {
				return nil, fmt.Errorf("value.%s: %w", path, err)
			}
			if f, ok := n.(json.Number); ok && negNull {
				if x, err := f.Float64(); err == nil && x < 0 {
					n = nil
				}
			}
			row[col] = n
		}
		return marshal(row)
	}
}

// prepCardio flattens a cardio score: vo2Max is a range "39-43" or one
// value "41.7" (§6), kept as sent and split into low and high.
func prepCardio(item []byte) ([]byte, error) {
	m, err := decode(item)
	if err != nil {
		return nil, err
	}
	row := obj{}
	if row["date"], err = dateValue(m["dateTime"]); err != nil {
		return nil, err
	}
	v := m.o("value")["vo2Max"]
	if n, ok := v.(json.Number); ok {
		v = n.String()
	}
	s, _ := v.(string)
	row["vo2_max"] = nullIfEmpty(s)
	if s != "" {
		lo, hi, err := vo2Range(s)
		if err != nil {
			return nil, fmt.Errorf("value.vo2Max: %w", err)
		}
		row["vo2_max_low"], row["vo2_max_high"] = lo, hi
	}
	return marshal(row)
}

// vo2Range reads "39-43" as 39 and 43, "41.7" as 41.7 and 41.7.
func vo2Range(s string) (json.Number, json.Number, error) {
	a, b, isRange := strings.Cut(strings.TrimSpace(s), "-")
	lo, err := number(strings.TrimSpace(a))
	if err != nil || lo == nil {
		return "", "", fmt.Errorf("%q is neither a number nor a range", s)
	}
	if !isRange {
		return lo.(json.Number), lo.(json.Number), nil
	}
	hi, err := number(strings.TrimSpace(b))
	if err != nil || hi == nil {
		return "", "", fmt.Errorf("%q is neither a number nor a range", s)
	}
	return lo.(json.Number), hi.(json.Number), nil
}

// prepActivityLog flattens an activity log entry; its times carry an
// offset or Z (§6).
func prepActivityLog(item []byte) ([]byte, error) {
	m, err := decode(item)
	if err != nil {
		return nil, err
	}
	row := obj{"log_id": textOf(m["logId"]), "activity_name": m["activityName"], "log_type": m["logType"],
		"distance_unit": m["distanceUnit"], "activity_level": m["activityLevel"], "heart_rate_zones": m["heartRateZones"],
		"manual_values_specified": m["manualValuesSpecified"]}
	if src := m.o("source"); src != nil {
		row["source_name"], row["source_type"] = src["name"], src["type"]
	}
	if err := numbers(row, m, map[string]string{"activityTypeId": "activity_type_id", "duration": "duration_ms",
		"activeDuration": "active_duration_ms", "originalDuration": "original_duration_ms", "calories": "calories_kcal",
		"steps": "steps", "distance": "distance", "averageHeartRate": "average_heart_rate_bpm", "elevationGain": "elevation_gain",
		"speed": "speed", "pace": "pace_s"}); err != nil {
		return nil, err
	}
	for src, col := range map[string]string{"startTime": "start_time", "originalStartTime": "original_start_time", "lastModified": "last_modified"} {
		s := m.s(src)
		if s == "" {
			continue
		}
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return nil, fmt.Errorf("%s: %q has no offset", src, s)
		}
		_, off := t.Zone()
		row[col], row[col+"_offset"] = epoch(t), off
	}
	return marshal(row)
}
