package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/upexport/upexport/fetch"
)

// ymd formats a date as the API's YYYYMMDD.
func ymd(t time.Time) string { return t.Format("20060102") }

func parseYMD(n int64) (time.Time, error) {
	return time.Parse("20060102", strconv.FormatInt(n, 10))
}

// endDate is the last day asked for: --until, or today.
func (r *run) endDate() time.Time {
	if !r.cfg.Until.IsZero() {
		return r.cfg.Until
	}
	return r.cfg.Now().UTC()
}

// trendsWindow is how many daily buckets one trends request asks for; the
// v1.0 API capped its range at 100, servers cap num_buckets too.
const trendsWindow = 100

// readTrends asks for one daily bucket per day from --since (or the
// account's earliest day, which a first one-bucket request tells) to the
// end date, in windows of trendsWindow days, newest window first.
func (r *run) readTrends(ctx context.Context, ep fetch.Endpoint) ([]item, string, error) {
	end := r.endDate()
	first := r.cfg.Since
	var xid string
	if last := r.prevState(ep.Name).LastDate; last > 0 {
		// Incremental: the archive holds the older buckets; ask again from
		// a week before the last run's newest, as for mood.
		if t, err := parseYMD(int64(last)); err == nil && t.AddDate(0, 0, -7).After(first) {
			first = t.AddDate(0, 0, -7)
		}
	}
	if first.IsZero() {
		q := url.Values{"end_date": {ymd(end)}, "bucket_size": {"d"}, "num_buckets": {"1"}}
		data, x, err := r.cfg.Client.Get(ctx, ep.Name, ep.Path, q)
		if err != nil {
			return nil, "", err
		}
		xid = x
		var t struct {
			Earliest int64 `json:"earliest"`
		}
		if err := json.Unmarshal(data, &t); err != nil {
			return nil, "", &fetch.PageError{Endpoint: ep.Name, Page: 1, URL: ep.Path, Err: fmt.Errorf("not a trends object: %w", err)}
		}
		if first, err = parseYMD(t.Earliest); err != nil || t.Earliest == 0 {
			return nil, xid, nil // no data at all
		}
	}
	var active []time.Time
	if end.Sub(first) > trendsWindow*24*time.Hour {
		var err error
		if active, err = r.activeTrendMonths(ctx, ep, first, end); err != nil {
			return nil, "", err
		}
	}
	var items []item
	page := 0
	for winEnd := end; !winEnd.Before(first); winEnd = winEnd.AddDate(0, 0, -trendsWindow) {
		days := min(trendsWindow, int(winEnd.Sub(first).Hours()/24)+1)
		if active != nil && !anyNear(active, winEnd.AddDate(0, 0, 1-days), winEnd) {
			continue
		}
		page++
		q := url.Values{"end_date": {ymd(winEnd)}, "bucket_size": {"d"}, "num_buckets": {strconv.Itoa(days)}}
		data, x, err := r.cfg.Client.Get(ctx, ep.Name, ep.Path, q)
		if err != nil {
			return nil, "", err
		}
		xid = x
		var t struct {
			Data []json.RawMessage `json:"data"`
		}
		if err := json.Unmarshal(data, &t); err != nil {
			return nil, "", &fetch.PageError{Endpoint: ep.Name, Page: page, URL: ep.Path + "?" + q.Encode(),
				Err: fmt.Errorf("not a trends object: %w", err)}
		}
		got, err := r.newItems(ep, page, t.Data)
		if err != nil {
			return nil, "", err
		}
		items = append(items, got...)
		r.cfg.Observer.Page(ep.Name, len(got))
	}
	return items, xid, nil
}

// activeTrendMonths asks for monthly buckets from first to end, 100 per
// request, and returns the labels of the months that hold any value. A
// real account's data ends years before today (the service stopped), so
// this spares the dozens of daily windows that would come back empty.
func (r *run) activeTrendMonths(ctx context.Context, ep fetch.Endpoint, first, end time.Time) ([]time.Time, error) {
	const perRequest = 100
	active := []time.Time{}
	for winEnd := end; !winEnd.Before(first); winEnd = winEnd.AddDate(0, -perRequest, 0) {
		months := min(perRequest, (winEnd.Year()-first.Year())*12+int(winEnd.Month()-first.Month())+1)
		q := url.Values{"end_date": {ymd(winEnd)}, "bucket_size": {"m"}, "num_buckets": {strconv.Itoa(months)}}
		data, _, err := r.cfg.Client.Get(ctx, ep.Name, ep.Path, q)
		if err != nil {
			return nil, err
		}
		var t struct {
			Data []json.RawMessage `json:"data"`
		}
		if err := json.Unmarshal(data, &t); err != nil {
			return nil, &fetch.PageError{Endpoint: ep.Name, URL: ep.Path + "?" + q.Encode(),
				Err: fmt.Errorf("not a trends object: %w", err)}
		}
		for _, b := range t.Data {
			var pair []json.RawMessage
			var label int64
			var values map[string]json.RawMessage
			if json.Unmarshal(b, &pair) != nil || len(pair) != 2 ||
				json.Unmarshal(pair[0], &label) != nil || json.Unmarshal(pair[1], &values) != nil {
				return nil, &fetch.PageError{Endpoint: ep.Name, URL: ep.Path + "?" + q.Encode(),
					Err: fmt.Errorf("trends bucket is not [YYYYMMDD, {...}]: %.80s", b)}
			}
			day, err := parseYMD(label)
			if err != nil {
				return nil, &fetch.PageError{Endpoint: ep.Name, URL: ep.Path + "?" + q.Encode(),
					Err: fmt.Errorf("trends bucket date %d: %w", label, err)}
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

// readPerDate reads an endpoint that answers one day at a time (mood): one
// request for every day in the range. The range is --since..--until, or
// without --since the days on which moves or sleeps recorded anything.
func (r *run) readPerDate(ctx context.Context, ep fetch.Endpoint) ([]item, string, error) {
	dates, err := r.perDateRange(ctx)
	if err != nil {
		return nil, "", err
	}
	if r.prev != nil {
		// Days before the last run's last day, less a week for late edits,
		// are kept from the archive (merge), not asked again.
		if last := r.prevState(ep.Name).LastDate; last > 0 {
			if t, err := parseYMD(int64(last)); err == nil {
				cut := ymd(t.AddDate(0, 0, -7))
				kept := dates[:0]
				for _, d := range dates {
					if d >= cut {
						kept = append(kept, d)
					}
				}
				dates = kept
			}
		}
	}
	found := make([][]item, len(dates))
	var xid string
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(r.cfg.Client.Concurrency())
	for i, d := range dates {
		g.Go(func() error {
			var raws []json.RawMessage
			if b, ok := r.partial.get(ep.Name, recDay, d); ok && json.Unmarshal(b, &raws) == nil {
				items, err := r.newItems(ep, i+1, raws)
				found[i] = items
				return err
			}
			data, x, err := r.cfg.Client.Get(gctx, ep.Name, ep.Path, url.Values{"date": {d}})
			if e := r.partial.setUser(x); e != nil {
				return e
			}
			var ae *fetch.APIError
			if errors.As(err, &ae) && ae.Status == http.StatusNotFound {
				return r.partial.put(ep.Name, recDay, d, []byte("[]")) // nothing logged that day
			}
			if err != nil {
				return err
			}
			// One object per day is what the SDKs read; a list or a
			// collection of that day's items is taken as well.
			raws, err = fetch.OpenItems(data)
			if err != nil {
				return &fetch.PageError{Endpoint: ep.Name, Page: i + 1, URL: ep.Path + "?date=" + d, Err: err}
			}
			items, err := r.newItems(ep, i+1, raws)
			if err != nil {
				return err
			}
			// The items as they are: json.Marshal would escape < and >.
			day := []byte{'['}
			for k, it := range items {
				if k > 0 {
					day = append(day, ',')
				}
				day = append(day, it.raw...)
			}
			err = r.partial.put(ep.Name, recDay, d, append(day, ']'))
			if err != nil || len(items) == 0 {
				return err
			}
			if i == 0 {
				xid = x
			}
			found[i] = items
			r.cfg.Observer.Page(ep.Name, len(items))
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, "", err
	}
	var items []item
	for _, its := range found {
		items = append(items, its...)
	}
	return items, xid, nil
}

// perDateRange lists the days to ask a per-date endpoint about, as YYYYMMDD.
func (r *run) perDateRange(ctx context.Context) ([]string, error) {
	if !r.cfg.Since.IsZero() {
		var out []string
		for d := r.cfg.Since; !d.After(r.endDate()); d = d.AddDate(0, 0, 1) {
			out = append(out, ymd(d))
		}
		return out, nil
	}
	select {
	case <-r.activeDaysReady:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return r.activeDays, nil
}
