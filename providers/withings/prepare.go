package withings

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"sync"
	"time"
)

// The Prepare hooks of the root tables: each turns one item as the API
// sent it (and the archive keeps it) into the shape the tables read.

// prepareGroup decodes a measure group: every measure becomes a row of
// "measures" with its real value, type name and unit; local_date is the
// date of the measurement in the answer's zone.
func prepareGroup(item []byte) ([]byte, error) {
	g, ms, err := group(item)
	if err != nil {
		return nil, err
	}
	out := map[string]any{}
	for k, v := range g {
		out[k] = v
	}
	if d := localDate(number(g["date"]), text(g["timezone"])); d != 0 {
		out["local_date"] = d
	}
	out["measure_count"] = len(ms)
	rows := make([]map[string]any, 0, len(ms))
	for _, m := range ms {
		typ, unit, raw := int(number(m["type"])), int(number(m["unit"])), number(m["value"])
		v, err := decode(raw, unit)
		if err != nil {
			return nil, fmt.Errorf("measure group %s type %d: %w", g["grpid"], typ, err)
		}
		t := typeOf(typ)
		row := map[string]any{"grpid": g["grpid"], "attrib": g["attrib"], "date": g["date"], "timezone": g["timezone"]}
		for k, x := range m {
			row[k] = x
		}
		row["type"], row["type_name"], row["unit"], row["value"] = typ, t.Name, t.Unit, v
		row["raw_value"], row["unit_exponent"] = raw, unit
		if p, ok := m["position"]; ok && string(p) != "null" {
			row["position_name"] = positionName(int(number(p)))
		}
		rows = append(rows, row)
	}
	out["measures"] = rows
	return json.Marshal(out)
}

// prepareWeighing pivots a weighing's group into one wide row: a column
// per type with its unit in the name, whole-body values only (a Body Scan
// repeats a type with position 7, the whole body; segments have other
// positions and stay in measures).
func prepareWeighing(item []byte) ([]byte, error) {
	g, ms, err := group(item)
	if err != nil {
		return nil, err
	}
	out := map[string]any{"grpid": g["grpid"], "attrib": g["attrib"], "date": g["date"], "timezone": g["timezone"],
		"deviceid": g["deviceid"], "model": g["model"]}
	if d := localDate(number(g["date"]), text(g["timezone"])); d != 0 {
		out["local_date"] = d
	}
	for _, m := range ms {
		typ := int(number(m["type"]))
		if pos, ok := m["position"]; segmented(typ) || ok && string(pos) != "null" && number(pos) != 7 {
			continue
		}
		v, err := decode(number(m["value"]), int(number(m["unit"])))
		if err != nil {
			return nil, fmt.Errorf("measure group %s type %d: %w", g["grpid"], typ, err)
		}
		if col := bodyColumn(typeOf(typ)); out[col] == nil {
			out[col] = v
		}
	}
	return json.Marshal(out)
}

// group splits a measure group into its fields and its measures.
func group(item []byte) (map[string]json.RawMessage, []map[string]json.RawMessage, error) {
	g, err := object(item)
	if err != nil {
		return nil, nil, err
	}
	var ms []map[string]json.RawMessage
	if raw := g["measures"]; len(raw) > 0 && string(raw) != "null" {
		if err := json.Unmarshal(raw, &ms); err != nil {
			return nil, nil, fmt.Errorf("measure group %s: measures: %w", g["grpid"], err)
		}
	}
	delete(g, "measures")
	return g, ms, nil
}

// isWeighing keeps a group that holds a weight and is not the attrib 8
// copy of another (§4: a Body+ weighing comes twice, same grpid).
func isWeighing(item json.RawMessage) bool {
	var g struct {
		Attrib   int64
		Measures []struct{ Type int }
	}
	if json.Unmarshal(item, &g) != nil || g.Attrib == 8 {
		return false
	}
	for _, m := range g.Measures {
		if m.Type == 1 {
			return true
		}
	}
	return false
}

// prepareDated turns "date": "YYYY-MM-DD" into the YYYYMMDD integer a
// DATE column reads (activity days, workouts, sleep nights).
func prepareDated(item []byte) ([]byte, error) {
	m, err := object(item)
	if err != nil {
		return nil, err
	}
	raw, ok := m["date"]
	if !ok {
		return item, nil
	}
	d := ymd(raw)
	if d == 0 && text(raw) != "" {
		return nil, fmt.Errorf("date %s is not YYYY-MM-DD", raw)
	}
	if d == 0 {
		m["date"] = json.RawMessage("null")
	} else {
		m["date"] = json.RawMessage(strconv.FormatInt(d, 10))
	}
	return json.Marshal(m)
}

// vitalKeys are the per-minute series of sleep get and their columns;
// other keyed series keep their own names.
var vitalKeys = map[string]string{"hr": "heart_rate", "rr": "respiration_rate", "snoring": "snoring"}

// prepareSegment turns a sleep state segment: the state gets its name and
// its duration, and the objects keyed by epoch-second strings (hr, rr,
// snoring, ...) become the rows of "vitals", one per second key, in time
// order.
func prepareSegment(item []byte) ([]byte, error) {
	m, err := object(item)
	if err != nil {
		return nil, err
	}
	out := map[string]any{}
	byTime := map[int64]map[string]any{}
	for k, v := range m {
		var series map[string]json.RawMessage
		if len(v) > 0 && v[0] == '{' && json.Unmarshal(v, &series) == nil && epochKeyed(series) {
			col := vitalKeys[k]
			if col == "" {
				col = k
			}
			for ts, x := range series {
				t, _ := strconv.ParseInt(ts, 10, 64)
				row := byTime[t]
				if row == nil {
					row = map[string]any{"timestamp": t, "segment_start": m["startdate"]}
					byTime[t] = row
				}
				row[col] = x
			}
			continue
		}
		out[k] = v
	}
	times := make([]int64, 0, len(byTime))
	for t := range byTime {
		times = append(times, t)
	}
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	rows := make([]map[string]any, len(times))
	for i, t := range times {
		rows[i] = byTime[t]
	}
	out["vitals"] = rows
	if s, ok := m["state"]; ok && string(s) != "null" {
		out["state_name"] = sleepState(number(s))
	}
	if _, ok := m["startdate"]; ok {
		out["duration"] = number(m["enddate"]) - number(m["startdate"])
	}
	return json.Marshal(out)
}

// epochKeyed reports whether every key of a non-empty object is epoch
// seconds.
func epochKeyed(m map[string]json.RawMessage) bool {
	for k := range m {
		if _, err := strconv.ParseInt(k, 10, 64); err != nil {
			return false
		}
	}
	return true
}

var zones sync.Map // name -> *time.Location or nil

// localDate is the YYYYMMDD date of t in zone; 0 when either is unknown.
func localDate(t int64, zone string) int64 {
	if t == 0 || zone == "" {
		return 0
	}
	v, ok := zones.Load(zone)
	if !ok {
		loc, err := time.LoadLocation(zone)
		if err != nil {
			loc = nil
		}
		v, _ = zones.LoadOrStore(zone, loc)
	}
	loc, _ := v.(*time.Location)
	if loc == nil {
		return 0
	}
	d := time.Unix(t, 0).In(loc)
	return int64(d.Year()*10000 + int(d.Month())*100 + d.Day())
}
