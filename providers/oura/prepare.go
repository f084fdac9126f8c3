package oura

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"time"
)

// Prepare hooks: Oura's ISO 8601 texts become what the flattener reads
// (epoch seconds, YYYYMMDD), and positional series become row arrays
// with each element's time computed from its anchor (§7). The raw archive
// keeps the documents as Oura sent them.

// docPrep rewrites one document's top-level fields.
type docPrep struct {
	// times are date-times with a numeric offset (§6): each becomes epoch
	// seconds, and <name>_offset its UTC offset in seconds. A time
	// without an offset (LocalDateTime) is kept as text in <name>_local
	// and has neither.
	times []string
	// days are YYYY-MM-DD dates, which become YYYYMMDD.
	days []string
	// drop are the series that long tables hold.
	drop []string
	// sentinel are heart rates where 255 means no data (§8).
	sentinel []string
}

func decodeObject(item []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(item))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("document is not a JSON object: %w", err)
	}
	if m == nil {
		return nil, fmt.Errorf("document is null")
	}
	return m, nil
}

func (p docPrep) prepare(item []byte) ([]byte, error) {
	m, err := decodeObject(item)
	if err != nil {
		return nil, err
	}
	for _, f := range p.times {
		s, ok := m[f].(string)
		if !ok {
			continue
		}
		t, hasOffset, err := parseTime(s)
		switch {
		case err != nil:
			return nil, fmt.Errorf("%s: %w", f, err)
		case hasOffset:
			_, off := t.Zone()
			m[f], m[f+"_offset"] = epoch(t), off
		default:
			delete(m, f)
			m[f+"_local"] = s
		}
	}
	for _, f := range p.days {
		if s, ok := m[f].(string); ok {
			d, err := ymd(s)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", f, err)
			}
			m[f] = d
		}
	}
	for _, f := range p.drop {
		delete(m, f)
	}
	for _, f := range p.sentinel {
		if n, ok := m[f].(json.Number); ok && n.String() == "255" {
			m[f] = nil
		}
	}
	return json.Marshal(m)
}

// parseTime reads an ISO 8601 date-time: with an offset or Z (then
// hasOffset), or a local wall-clock time without one.
func parseTime(s string) (t time.Time, hasOffset bool, err error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, true, nil
	}
	if t, err := time.Parse("2006-01-02T15:04:05.999999999", s); err == nil {
		return t, false, nil
	}
	return time.Time{}, false, fmt.Errorf("%q is not an ISO 8601 date-time", s)
}

// epoch is t in seconds, fractional only when t has a fraction.
func epoch(t time.Time) json.Number {
	if t.Nanosecond() == 0 {
		return json.Number(strconv.FormatInt(t.Unix(), 10))
	}
	return json.Number(strconv.FormatFloat(float64(t.UnixMicro())/1e6, 'f', -1, 64))
}

// ymd turns YYYY-MM-DD into YYYYMMDD.
func ymd(s string) (int64, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a YYYY-MM-DD date", s)
	}
	y, m, d := t.Date()
	return int64(y)*10000 + int64(m)*100 + int64(d), nil
}

// series is a positional series of a document and how its elements are
// timed.
type series struct {
	// field holds the series: a string of one character per element, or
	// a {interval, items, timestamp} sample.
	field string
	// anchor is the field whose time element 0 starts at, for strings
	// (samples carry their own timestamp); step is a string's element
	// length.
	anchor string
	step   time.Duration
	// clip is the field that ends the last element (bedtime_end); empty
	// means elements are not clipped and have no end column.
	clip string
	// names, when set, name the values in a "name" column.
	names map[int]string
}

// rows turns the series of a document into {"parent_xid", "items"}, one
// row per element: index, start (epoch seconds, UTC), offset (seconds,
// the anchor's), end when clipped, value (a digit's number, a sample's
// number, or null), and the document's day as YYYYMMDD.
func (s series) rows(item []byte) ([]byte, error) {
	m, err := decodeObject(item)
	if err != nil {
		return nil, err
	}
	id, _ := m["id"].(string)
	var day any
	if d, ok := m["day"].(string); ok {
		if day, err = ymd(d); err != nil {
			return nil, fmt.Errorf("day: %w", err)
		}
	}
	var clip time.Time
	if s.clip != "" {
		c, ok := m[s.clip].(string)
		if !ok {
			return nil, fmt.Errorf("%s: no %s to clip at", s.field, s.clip)
		}
		if clip, _, err = parseTime(c); err != nil {
			return nil, fmt.Errorf("%s: %w", s.clip, err)
		}
	}
	var (
		anchor time.Time
		step   time.Duration
		values []any
	)
	switch v := m[s.field].(type) {
	case nil:
		// A null or absent series is no rows (a nap without heart rate).
	case string:
		a, ok := m[s.anchor].(string)
		if !ok {
			return nil, fmt.Errorf("%s: no %s to anchor it", s.field, s.anchor)
		}
		if anchor, _, err = parseTime(a); err != nil {
			return nil, fmt.Errorf("%s: %w", s.anchor, err)
		}
		step = s.step
		for i := 0; i < len(v); i++ {
			c := v[i]
			if c < '0' || c > '9' {
				return nil, fmt.Errorf("%s[%d] is %q, not a digit", s.field, i, c)
			}
			values = append(values, int(c-'0'))
		}
	case map[string]any:
		ts, ok := v["timestamp"].(string)
		if !ok {
			return nil, fmt.Errorf("%s: sample without a timestamp", s.field)
		}
		if anchor, _, err = parseTime(ts); err != nil {
			return nil, fmt.Errorf("%s.timestamp: %w", s.field, err)
		}
		n, ok := v["interval"].(json.Number)
		iv, err := n.Float64()
		if !ok || err != nil || iv <= 0 || math.IsInf(iv, 0) {
			return nil, fmt.Errorf("%s: interval %v is not a positive number", s.field, v["interval"])
		}
		step = time.Duration(iv * float64(time.Second))
		items, ok := v["items"].([]any)
		if !ok && v["items"] != nil {
			return nil, fmt.Errorf("%s: items is not a list", s.field)
		}
		values = items
	default:
		return nil, fmt.Errorf("%s is neither a string nor a sample", s.field)
	}
	_, off := anchor.Zone()
	out := make([]map[string]any, len(values))
	for i, v := range values {
		start := anchor.Add(time.Duration(i) * step)
		r := map[string]any{"index": i, "start": epoch(start), "offset": off, "value": v, "day": day}
		if n, ok := v.(int); ok && s.names != nil {
			r["name"] = s.names[n]
		}
		if s.clip != "" {
			end := start.Add(step)
			if end.After(clip) {
				end = clip
			}
			if end.Before(start) {
				end = start // an element past bedtime_end (§7.4: one too many)
			}
			r["end"] = epoch(end)
		}
		out[i] = r
	}
	return json.Marshal(map[string]any{"parent_xid": id, "items": out})
}

// stageNames are sleep_phase_5_min's digits (§7.4).
var stageNames = map[int]string{1: "deep", 2: "light", 3: "rem", 4: "awake"}
