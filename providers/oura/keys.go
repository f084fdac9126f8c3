package oura

import (
	"encoding/json"
	"fmt"

	"github.com/upexport/upexport/provider"
)

// docFields are the fields of a document the engine needs (§8).
type docFields struct {
	ID            string `json:"id"`
	Day           string `json:"day"`
	StartDay      string `json:"start_day"`
	Timestamp     string `json:"timestamp"`
	BedtimeStart  string `json:"bedtime_start"`
	StartDatetime string `json:"start_datetime"`
	StartTime     string `json:"start_time"`
	SetUpAt       string `json:"set_up_at"`
}

// docKeys reads a document: known by its id, or without one (heart-rate
// samples, cardiovascular age) by its timestamp or day; ordered by its
// first time (Unix seconds), or its day (YYYYMMDD) when it has none.
func docKeys(raw json.RawMessage) (provider.Keys, error) {
	var f docFields
	if err := json.Unmarshal(raw, &f); err != nil {
		return provider.Keys{}, fmt.Errorf("document is not a JSON object: %w", err)
	}
	k := provider.Keys{ID: f.ID}
	for _, s := range []string{f.Timestamp, f.BedtimeStart, f.StartDatetime, f.StartTime, f.SetUpAt} {
		if s == "" {
			continue
		}
		t, _, err := parseTime(s)
		if err != nil {
			return provider.Keys{}, err
		}
		k.Time = t.Unix()
		k.Day = dayNumber(t.UTC())
		break
	}
	day := f.Day
	if day == "" {
		day = f.StartDay
	}
	if day != "" {
		d, err := ymd(day)
		if err != nil {
			return provider.Keys{}, err
		}
		k.Day = d
		if k.Time == 0 && f.SetUpAt == "" {
			k.Time = d
		}
	}
	if k.ID == "" {
		switch {
		case f.Timestamp != "":
			k.Key = f.Timestamp
		case day != "":
			k.Key = day
		}
	}
	return k, nil
}
