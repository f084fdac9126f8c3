package oura

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/upexport/upexport/fetch"
	"github.com/upexport/upexport/provider"
)

// widen asks each date window for a day more on each side (§5): Oura
// filters some collections by a time the day's documents do not share
// (daily_activity starts at 04:00, a date-only end_date is midnight) and
// treats sleep's start_date as exclusive, so windows that only touch
// would lose their edge days. The engine's merge drops the repeats by id.
type widen struct {
	inner      fetch.Paginator
	start, end string // the date parameters
}

func (p *widen) Paginate(ctx context.Context, c *fetch.Client, r fetch.Read, fn func(fetch.Page) error) error {
	q := url.Values{}
	for k, v := range r.Query {
		q[k] = v
	}
	for param, days := range map[string]int{p.start: -1, p.end: 1} {
		d, err := time.Parse(time.DateOnly, q.Get(param))
		if err != nil {
			return fmt.Errorf("%s: %s %q is not a date", r.Endpoint, param, q.Get(param))
		}
		q.Set(param, d.AddDate(0, 0, days).Format(time.DateOnly))
	}
	r.Query = q
	return p.inner.Paginate(ctx, c, r, fn)
}

// dated reads a collection in date windows. An incremental run asks
// again from lateSync before the last run's newest day; the documents of
// days outside the run's range, which the widened windows bring, are
// dropped.
type dated struct {
	windows *fetch.DateWindows
	keys    func(json.RawMessage) (provider.Keys, error)
}

// lateSync is how far back an incremental run asks again: a ring syncs
// late and Oura revises scores of recent days.
const lateSync = 7 * 24 * time.Hour

func (p *dated) Paginate(ctx context.Context, c *fetch.Client, r fetch.Read, fn func(fetch.Page) error) error {
	w := r.Window
	if w.Prev.LastDate > 0 {
		if last, err := time.Parse("20060102", strconv.Itoa(w.Prev.LastDate)); err == nil {
			if since := last.Add(-lateSync); since.After(w.Since) {
				w.Since = since
			}
		}
	}
	r.Window = w
	lo, hi := dayNumber(w.Since), dayNumber(w.Until)
	return p.windows.Paginate(ctx, c, r, func(pg fetch.Page) error {
		if lo == 0 && hi == 0 {
			return fn(pg)
		}
		var kept []json.RawMessage
		for _, it := range pg.Items {
			k, err := p.keys(it)
			if err != nil {
				return &fetch.PageError{Endpoint: r.Endpoint, Page: pg.Number, URL: pg.URL, Err: err}
			}
			if k.Day == 0 || (lo == 0 || k.Day >= lo) && (hi == 0 || k.Day <= hi) {
				kept = append(kept, it)
			}
		}
		pg.Items = kept
		return fn(pg)
	})
}

// dayNumber is t's date as YYYYMMDD, 0 for the zero time.
func dayNumber(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	y, m, d := t.Date()
	return int64(y)*10000 + int64(m)*100 + int64(d)
}

// whoami reads personal_info, the single document whose id names the
// user: Oura's answers carry no user, so the page says whose it is.
type whoami struct{ single fetch.Single }

func (p *whoami) Paginate(ctx context.Context, c *fetch.Client, r fetch.Read, fn func(fetch.Page) error) error {
	return p.single.Paginate(ctx, c, r, func(pg fetch.Page) error {
		if pg.User == "" && len(pg.Items) == 1 {
			var v struct {
				ID string `json:"id"`
			}
			if json.Unmarshal(pg.Items[0], &v) == nil {
				pg.User = v.ID
			}
		}
		return fn(pg)
	})
}
