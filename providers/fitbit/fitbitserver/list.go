package fitbitserver

import (
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// origin is the scheme and host the request was addressed to: the
// emulator's stand-in for https://api.fitbit.com in links.
func origin(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// listQuery reads the list routes' parameters (§5): exactly one of
// beforeDate (with sort=desc) and afterDate (with sort=asc), offset, and a
// limit of at most 100.
// maxOffset is far more logs than any account has.
const maxOffset = 1 << 30

type listQuery struct {
	after       bool
	dateParam   string
	bound       time.Time
	offset, lim int
}

func (c *call) listQuery() (listQuery, *apiError) {
	var lq listQuery
	before, after := c.q.Get("beforeDate"), c.q.Get("afterDate")
	switch {
	case before == "" && after == "":
		return lq, validation("beforeDate", "Either beforeDate or afterDate should be specified")
	case before != "" && after != "":
		return lq, validation("afterDate", "Only one of beforeDate and afterDate may be specified")
	}
	lq.after = after != ""
	field, v, want := "beforeDate", before, "desc"
	if lq.after {
		field, v, want = "afterDate", after, "asc"
	}
	lq.dateParam = v
	if t, err := time.ParseInLocation(time.DateOnly, v, home); err == nil {
		// A date alone is the whole day: after it is from the next
		// midnight on, before it ends at its midnight.
		if lq.after {
			t = t.AddDate(0, 0, 1)
		}
		lq.bound = t
	} else if t, err := time.ParseInLocation("2006-01-02T15:04:05", v, home); err == nil {
		lq.bound = t
	} else {
		return lq, validation(field, "Invalid date:%s", v)
	}
	if s := c.q.Get("sort"); s != want {
		return lq, validation("sort", "The sort order must be %s with %s", want, field)
	}
	var err error
	if lq.lim, err = strconv.Atoi(c.q.Get("limit")); err != nil || lq.lim < 1 || lq.lim > maxListLimit {
		return lq, validation("limit", "The limit must be between 1 and %d", maxListLimit)
	}
	if o := c.q.Get("offset"); o != "" {
		// Bounded so that offset+limit cannot overflow.
		if lq.offset, err = strconv.Atoi(o); err != nil || lq.offset < 0 || lq.offset > maxOffset {
			return lq, validation("offset", "Invalid offset: %s", o)
		}
	}
	return lq, nil
}

// pagination is the list answers' paging object, next and previous full
// URLs or "" (sleep_list_page.json).
func (lq listQuery) pagination(c *call, path string, more bool) obj {
	sort, param := "desc", "beforeDate"
	if lq.after {
		sort, param = "asc", "afterDate"
	}
	link := func(off int) string {
		return origin(c.r) + path + "?offset=" + itoa(off) + "&limit=" + itoa(lq.lim) + "&sort=" + sort + "&" + param + "=" +
			url.QueryEscape(lq.dateParam)
	}
	p := obj{param: lq.dateParam, "limit": lq.lim, "offset": lq.offset, "sort": sort, "next": "", "previous": ""}
	if more {
		p["next"] = link(lq.offset + lq.lim)
	}
	if lq.offset > 0 {
		p["previous"] = link(max(0, lq.offset-lq.lim))
	}
	return p
}

// page walks the days in the list's direction and collects the items
// whose start is past the bound, until one past the page.
func (d *dataset) page(lq listQuery, items func(n int64) []listItem) ([]listItem, bool) {
	want := lq.offset + lq.lim + 1
	var got []listItem
	day := civil(lq.bound)
	if lq.after {
		for n := max(day-1, d.first); n <= d.last && len(got) < want; n++ {
			for _, it := range items(n) {
				if !it.start.Before(lq.bound) {
					got = append(got, it)
				}
			}
		}
	} else {
		for n := min(day+1, d.last); n >= d.first && len(got) < want; n-- {
			its := items(n)
			for i := len(its) - 1; i >= 0; i-- {
				if its[i].start.Before(lq.bound) {
					got = append(got, its[i])
				}
			}
		}
	}
	more := len(got) > lq.offset+lq.lim
	if lq.offset >= len(got) {
		return nil, false
	}
	return got[lq.offset:min(len(got), lq.offset+lq.lim)], more
}

type listItem struct {
	start time.Time
	obj   func() obj
}

// activityList is /1/user/-/activities/list.json.
func (d *dataset) activityList(c *call, path string) (any, *apiError) {
	lq, e := c.listQuery()
	if e != nil {
		return nil, e
	}
	items, more := d.page(lq, func(n int64) []listItem {
		var out []listItem
		var m *minutes
		for _, l := range d.activityLogs(n) {
			out = append(out, listItem{l.b.from, func() obj {
				if m == nil {
					m = d.minutes(n)
				}
				return d.activityListEntry(c, l, m)
			}})
		}
		return out
	})
	acts := make([]obj, 0, len(items))
	for _, it := range items {
		acts = append(acts, it.obj())
	}
	return obj{"activities": acts, "pagination": lq.pagination(c, path, more)}, nil
}
