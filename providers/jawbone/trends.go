package jawbone

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/upexport/upexport/fetch"
)

// trendsPaginator reads trends (§6.12): one daily bucket per day from
// --since (or the account's earliest day, which a first one-bucket request
// tells) to the end date, in windows of trendsWindow days, newest window
// first. Each window is one page.
type trendsPaginator struct{}

// trendsWindow is how many daily buckets one trends request asks for; the
// v1.0 API capped its range at 100, servers cap num_buckets too.
const trendsWindow = 100

func ymd(t time.Time) string { return t.Format("20060102") }

func parseYMD(n int64) (time.Time, error) {
	return time.Parse("20060102", strconv.FormatInt(n, 10))
}

func (trendsPaginator) Paginate(ctx context.Context, c *fetch.Client, r fetch.Read, fn func(fetch.Page) error) error {
	w := r.Window
	end := w.Until
	if end.IsZero() {
		end = w.Now.UTC()
	}
	first := w.Since
	if last := w.Prev.LastDate; last > 0 {
		// Incremental: the archive holds the older buckets; ask again from
		// a week before the last run's newest, as for mood.
		if t, err := parseYMD(int64(last)); err == nil && t.AddDate(0, 0, -7).After(first) {
			first = t.AddDate(0, 0, -7)
		}
	}
	if first.IsZero() {
		q := url.Values{"end_date": {ymd(end)}, "bucket_size": {"d"}, "num_buckets": {"1"}}
		data, user, err := c.Get(ctx, r.Endpoint, r.Path, q)
		if err != nil {
			return err
		}
		var t struct {
			Earliest int64 `json:"earliest"`
		}
		if err := json.Unmarshal(data, &t); err != nil {
			return &fetch.PageError{Endpoint: r.Endpoint, Page: 1, URL: r.Path, Err: fmt.Errorf("not a trends object: %w", err)}
		}
		if first, err = parseYMD(t.Earliest); err != nil || t.Earliest == 0 {
			return fn(fetch.Page{Number: 1, URL: r.Path, User: user}) // no data at all
		}
	}
	var active []time.Time
	if end.Sub(first) > trendsWindow*24*time.Hour {
		var err error
		if active, err = activeMonths(ctx, c, r, first, end); err != nil {
			return err
		}
	}
	page := 0
	for winEnd := end; !winEnd.Before(first); winEnd = winEnd.AddDate(0, 0, -trendsWindow) {
		days := min(trendsWindow, int(winEnd.Sub(first).Hours()/24)+1)
		if active != nil && !anyNear(active, winEnd.AddDate(0, 0, 1-days), winEnd) {
			continue
		}
		page++
		q := url.Values{"end_date": {ymd(winEnd)}, "bucket_size": {"d"}, "num_buckets": {strconv.Itoa(days)}}
		data, user, err := c.Get(ctx, r.Endpoint, r.Path, q)
		if err != nil {
			return err
		}
		where := r.Path + "?" + q.Encode()
		var t struct {
			Data []json.RawMessage `json:"data"`
		}
		if err := json.Unmarshal(data, &t); err != nil {
			return &fetch.PageError{Endpoint: r.Endpoint, Page: page, URL: where, Err: fmt.Errorf("not a trends object: %w", err)}
		}
		if err := fn(fetch.Page{Number: page, URL: where, User: user, Items: t.Data}); err != nil {
			return err
		}
	}
	return nil
}

// activeMonths asks for monthly buckets from first to end, 100 per
// request, and returns the labels of the months that hold any value. A
// real account's data ends years before today (the service stopped), so
// this spares the dozens of daily windows that would come back empty.
func activeMonths(ctx context.Context, c *fetch.Client, r fetch.Read, first, end time.Time) ([]time.Time, error) {
	const perRequest = 100
	active := []time.Time{}
	for winEnd := end; !winEnd.Before(first); winEnd = winEnd.AddDate(0, -perRequest, 0) {
		months := min(perRequest, (winEnd.Year()-first.Year())*12+int(winEnd.Month()-first.Month())+1)
		q := url.Values{"end_date": {ymd(winEnd)}, "bucket_size": {"m"}, "num_buckets": {strconv.Itoa(months)}}
		where := r.Path + "?" + q.Encode()
		data, _, err := c.Get(ctx, r.Endpoint, r.Path, q)
		if err != nil {
			return nil, err
		}
		var t struct {
			Data []json.RawMessage `json:"data"`
		}
		if err := json.Unmarshal(data, &t); err != nil {
			return nil, &fetch.PageError{Endpoint: r.Endpoint, URL: where, Err: fmt.Errorf("not a trends object: %w", err)}
		}
		for _, b := range t.Data {
			var pair []json.RawMessage
			var label int64
			var values map[string]json.RawMessage
			if json.Unmarshal(b, &pair) != nil || len(pair) != 2 ||
				json.Unmarshal(pair[0], &label) != nil || json.Unmarshal(pair[1], &values) != nil {
				return nil, &fetch.PageError{Endpoint: r.Endpoint, URL: where,
					Err: fmt.Errorf("trends bucket is not [YYYYMMDD, {...}]: %.80s", b)}
			}
			day, err := parseYMD(label)
			if err != nil {
				return nil, &fetch.PageError{Endpoint: r.Endpoint, URL: where, Err: fmt.Errorf("trends bucket date %d: %w", label, err)}
			}
			for _, v := range values {
				if string(v) != "null" {
					active = append(active, day)
					break
				}
			}
		}
	}
	return active, nil
}

// anyNear reports whether a month labelled at one of days can overlap
// [from, to]. A label may be a month's first or last day, so each counts
// for a month either side.
func anyNear(days []time.Time, from, to time.Time) bool {
	for _, d := range days {
		if !d.Before(from.AddDate(0, 0, -31)) && !d.After(to.AddDate(0, 0, 31)) {
			return true
		}
	}
	return false
}
