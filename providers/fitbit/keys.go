package fitbit

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	"github.com/upexport/upexport/provider"
)

// keyFields are the fields of an item the engine needs (§7).
type keyFields struct {
	LogID        json.Number `json:"logId"`
	ID           json.Number `json:"id"`
	DateTime     string      `json:"dateTime"`
	Date         string      `json:"date"`
	DateOfSleep  string      `json:"dateOfSleep"`
	RequestDate  string      `json:"request_date"`
	StartTime    string      `json:"startTime"`
	LastModified string      `json:"lastModified"`
	Zone         string      `json:"profile_timezone"`
	User         *struct {
		EncodedID string `json:"encodedId"`
	} `json:"user"`
}

// itemKeys reads an item of any Fitbit resource: logs are known by their
// logId (an unsigned 64-bit number, kept as its text), devices by id, the
// profile by encodedId, and daily values by their day. Items are ordered
// by their start (Unix seconds) or their day (YYYYMMDD).
func itemKeys(raw json.RawMessage) (provider.Keys, error) {
	var f keyFields
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&f); err != nil {
		return provider.Keys{}, fmt.Errorf("item is not a JSON object with Fitbit's fields: %w", err)
	}
	var k provider.Keys
	switch {
	case f.User != nil:
		k.ID = f.User.EncodedID
	case f.LogID != "":
		k.ID = f.LogID.String()
	case f.ID != "":
		k.ID = f.ID.String()
	}
	day := f.RequestDate
	for _, d := range []string{f.DateOfSleep, f.Date, f.DateTime} {
		if day == "" && d != "" {
			day = d
		}
	}
	if day != "" {
		d, err := ymd(day)
		if err != nil {
			return provider.Keys{}, err
		}
		k.Day, k.Time = d, d
		if k.ID == "" {
			k.Key = day[:10]
		}
	}
	if f.StartTime != "" {
		t, err := resolveIn(f.StartTime, f.Zone, time.Time{})
		if err != nil {
			return provider.Keys{}, fmt.Errorf("startTime: %w", err)
		}
		if !t.IsZero() {
			k.Time = t.Unix()
		}
	}
	if f.LastModified != "" {
		if t, err := resolveIn(f.LastModified, "", time.Time{}); err == nil && !t.IsZero() {
			k.Updated = t.Unix()
		}
	}
	return k, nil
}

// ymd turns a date ("2024-03-06", or a local date-time, whose date part
// is taken) into YYYYMMDD.
func ymd(s string) (int64, error) {
	if len(s) > 10 && s[10] == 'T' {
		s = s[:10]
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a yyyy-MM-dd date", s)
	}
	y, m, d := t.Date()
	return int64(y)*10000 + int64(m)*100 + int64(d), nil
}

// dayNumber is t's date as YYYYMMDD.
func dayNumber(t time.Time) int64 {
	y, m, d := t.Date()
	return int64(y)*10000 + int64(m)*100 + int64(d)
}

// activeDayKeys are itemKeys of a daily steps value or heart element,
// whose day counts as one with data (what the intraday resources ask
// about) only when it has any: Fitbit answers "0" steps, and heart zones
// of no minutes, for every day without data back to the account's first.
func activeDayKeys(raw json.RawMessage) (provider.Keys, error) {
	k, err := itemKeys(raw)
	if err != nil {
		return k, err
	}
	var v struct {
		Value json.RawMessage `json:"value"`
	}
	if json.Unmarshal(raw, &v) != nil || !hasData(v.Value) {
		k.Day = 0
	}
	return k, nil
}

// hasData reports whether a daily value holds data: a non-zero number,
// or a heart value with a resting heart rate or minutes in a zone.
func hasData(value json.RawMessage) bool {
	var n json.Number
	if json.Unmarshal(value, &n) == nil {
		f, err := n.Float64()
		return err != nil || f != 0
	}
	var h struct {
		RestingHeartRate json.Number `json:"restingHeartRate"`
		Zones            []struct {
			Minutes json.Number `json:"minutes"`
		} `json:"heartRateZones"`
	}
	if json.Unmarshal(value, &h) != nil {
		return true
	}
	if h.RestingHeartRate != "" {
		return true
	}
	for _, z := range h.Zones {
		if f, err := z.Minutes.Float64(); err == nil && f > 0 {
			return true
		}
	}
	return false
}
