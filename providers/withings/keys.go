package withings

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/upexport/upexport/provider"
)

func object(raw json.RawMessage) (map[string]json.RawMessage, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("item is not a JSON object: %w", err)
	}
	return m, nil
}

// groupKeys: a measure group is known by (grpid, attrib), since a grpid
// recurs with attrib 0 and 8 (§4).
func groupKeys(raw json.RawMessage) (provider.Keys, error) {
	m, err := object(raw)
	if err != nil {
		return provider.Keys{}, err
	}
	id := strconv.FormatInt(number(m["grpid"]), 10)
	return provider.Keys{ID: id, Key: id + "/" + strconv.FormatInt(number(m["attrib"]), 10),
		Time: number(m["date"]), Updated: number(m["modified"])}, nil
}

// activityKeys: one summary per local date (and source, should a day
// come from two).
func activityKeys(raw json.RawMessage) (provider.Keys, error) {
	m, err := object(raw)
	if err != nil {
		return provider.Keys{}, err
	}
	d := ymd(m["date"])
	return provider.Keys{Key: strconv.FormatInt(d, 10) + "/" + text(m["hash_deviceid"]) + "/" + text(m["model"]),
		Time: d, Day: d, Updated: number(m["modified"])}, nil
}

// idKeys: workouts and sleep summaries have an id, a start, a local date
// and a modification time.
func idKeys(raw json.RawMessage) (provider.Keys, error) {
	m, err := object(raw)
	if err != nil {
		return provider.Keys{}, err
	}
	return provider.Keys{ID: text(m["id"]), Time: number(m["startdate"]), Day: ymd(m["date"]),
		Updated: number(m["modified"])}, nil
}

// timestampKeys: series entries are known by their time (and device).
func timestampKeys(field string) func(json.RawMessage) (provider.Keys, error) {
	return func(raw json.RawMessage) (provider.Keys, error) {
		m, err := object(raw)
		if err != nil {
			return provider.Keys{}, err
		}
		t := number(m[field])
		dev := text(m["hash_deviceid"])
		if dev == "" {
			dev = text(m["deviceid"])
		}
		return provider.Keys{Key: strconv.FormatInt(t, 10) + "/" + dev, Time: t, Updated: t}, nil
	}
}

func deviceKeys(raw json.RawMessage) (provider.Keys, error) {
	m, err := object(raw)
	if err != nil {
		return provider.Keys{}, err
	}
	id := text(m["hash_deviceid"])
	if id == "" {
		id = text(m["deviceid"])
	}
	return provider.Keys{Key: id, Time: number(m["first_session_date"])}, nil
}

func ecgKeys(raw json.RawMessage) (provider.Keys, error) {
	var e struct {
		ECG struct {
			SignalID json.RawMessage `json:"signalid"`
		} `json:"ecg"`
		Timestamp, Modified json.RawMessage
	}
	if err := json.Unmarshal(raw, &e); err != nil {
		return provider.Keys{}, fmt.Errorf("item is not a JSON object: %w", err)
	}
	return provider.Keys{ID: text(e.ECG.SignalID), Time: number(e.Timestamp), Updated: number(e.Modified)}, nil
}

// text is a string's or a number's text; "" for null and others.
func text(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	if n := strings.TrimSpace(string(raw)); n != "" && n != "null" && (n[0] == '-' || n[0] >= '0' && n[0] <= '9') {
		return n
	}
	return ""
}

// ymd reads a "YYYY-MM-DD" date as YYYYMMDD; 0 when it is not one.
func ymd(raw json.RawMessage) int64 {
	s := text(raw)
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return 0
	}
	n, err := strconv.ParseInt(s[:4]+s[5:7]+s[8:], 10, 64)
	if err != nil {
		return 0
	}
	return n
}
