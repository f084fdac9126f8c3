package jawbone

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"

	"github.com/upexport/upexport/provider"
)

// itemFields are the fields of an item the engine needs (§6).
type itemFields struct {
	XID         string          `json:"xid"`
	TimeCreated json.RawMessage `json:"time_created"`
	TimeUpdated json.RawMessage `json:"time_updated"`
	Time        json.RawMessage `json:"time"`
	Date        json.RawMessage `json:"date"`
}

// itemKeys reads an item object: known by its xid, ordered by
// time_created (or time, or date for daily items without either).
func itemKeys(raw json.RawMessage) (provider.Keys, error) {
	var f itemFields
	if err := json.Unmarshal(raw, &f); err != nil {
		return provider.Keys{}, fmt.Errorf("item is not a JSON object: %w", err)
	}
	k := provider.Keys{ID: f.XID, Updated: number(f.TimeUpdated), Day: number(f.Date)}
	switch {
	case len(f.TimeCreated) > 0:
		k.Time = number(f.TimeCreated)
	case len(f.Time) > 0:
		k.Time = number(f.Time)
	default:
		k.Time = number(f.Date)
	}
	return k, nil
}

// trendKeys reads a trends bucket, [YYYYMMDD, {...}] (§6.12): known and
// ordered by its day.
func trendKeys(raw json.RawMessage) (provider.Keys, error) {
	var pair []json.RawMessage
	if err := json.Unmarshal(raw, &pair); err != nil || len(pair) != 2 {
		return provider.Keys{}, fmt.Errorf("trends entry is not a [date, values] pair: %.80s", raw)
	}
	day := number(pair[0])
	return provider.Keys{Key: strconv.FormatInt(day, 10), Time: day, Day: day}, nil
}

// number reads an integer that may come as a number, a float or a string
// (§6: the same field comes as either).
func number(raw json.RawMessage) int64 {
	raw = bytes.Trim(raw, `"`)
	if n, err := strconv.ParseInt(string(raw), 10, 64); err == nil {
		return n
	}
	if f, err := strconv.ParseFloat(string(raw), 64); err == nil && !math.IsNaN(f) && !math.IsInf(f, 0) {
		return int64(f)
	}
	return 0
}
