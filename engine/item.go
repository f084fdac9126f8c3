package engine

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
)

// item is one fetched JSON item with what the engine needs to sort, merge
// and page it. The schema package reads the rest.
type item struct {
	raw     json.RawMessage
	xid     string
	time    int64 // time_created, or date for items without one
	updated int64 // time_updated
	date    int64 // date, YYYYMMDD
}

// itemKeys is the part of an item the engine decodes.
type itemKeys struct {
	XID         string          `json:"xid"`
	TimeCreated json.RawMessage `json:"time_created"`
	TimeUpdated json.RawMessage `json:"time_updated"`
	Time        json.RawMessage `json:"time"`
	Date        json.RawMessage `json:"date"`
}

func parseItem(raw json.RawMessage) (item, error) {
	it := item{raw: raw}
	if len(raw) > 0 && raw[0] == '[' { // a trends pair: [YYYYMMDD, {...}]
		var pair []json.RawMessage
		if err := json.Unmarshal(raw, &pair); err != nil || len(pair) != 2 {
			return it, fmt.Errorf("trends entry is not a [date, values] pair: %.80s", raw)
		}
		it.time = number(pair[0])
		return it, nil
	}
	var k itemKeys
	if err := json.Unmarshal(raw, &k); err != nil {
		return it, fmt.Errorf("item is not a JSON object: %w", err)
	}
	it.xid = k.XID
	it.updated = number(k.TimeUpdated)
	it.date = number(k.Date)
	switch {
	case len(k.TimeCreated) > 0:
		it.time = number(k.TimeCreated)
	case len(k.Time) > 0:
		it.time = number(k.Time)
	default:
		it.time = number(k.Date)
	}
	return it, nil
}

// number reads an integer that may come as a number, a float or a string.
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

// less orders items by time, then xid: the stable order of every table.
func less(a, b item) int {
	switch {
	case a.time < b.time:
		return -1
	case a.time > b.time:
		return 1
	case a.xid < b.xid:
		return -1
	case a.xid > b.xid:
		return 1
	}
	return 0
}
