package upserver

import (
	"cmp"
	"math"
	"net/url"
	"slices"
	"strconv"
)

// listQuery holds the paging and filter parameters of a collection request
// (§4).
type listQuery struct {
	limit        int
	pageToken    int64
	hasPageToken bool
	start, end   int64
	hasStart     bool
	hasEnd       bool
	updatedAfter int64
	hasUpdated   bool
	date         int
	dateDay      int64
	hasDate      bool
}

// rangeMode: a time window was asked for, so pages go oldest first and
// next links move start_time forward (shape 2 of §4).
func (q listQuery) rangeMode() bool { return q.hasStart || q.hasEnd }

const defaultLimit = 10

func parseListQuery(v url.Values) (listQuery, *apiError) {
	q := listQuery{limit: defaultLimit, end: math.MaxInt64}
	for k, vs := range v {
		if len(vs) > 1 {
			return q, badParam("parameter " + k + " is repeated")
		}
	}
	intParam := func(name string, min int64) (int64, bool, *apiError) {
		if !v.Has(name) {
			return 0, false, nil
		}
		n, err := strconv.ParseInt(v.Get(name), 10, 64)
		if err != nil || n < min {
			return 0, false, badParam(name + " must be an integer of at least " + strconv.FormatInt(min, 10) + ", got " + strconv.Quote(v.Get(name)))
		}
		return n, true, nil
	}
	var ae *apiError
	var n int64
	var ok bool
	if n, ok, ae = intParam("limit", 1); ae != nil {
		return q, ae
	} else if ok {
		q.limit = int(min(n, math.MaxInt32))
	}
	if q.pageToken, q.hasPageToken, ae = intParam("page_token", 0); ae != nil {
		return q, ae
	}
	if q.start, q.hasStart, ae = intParam("start_time", 0); ae != nil {
		return q, ae
	}
	if n, ok, ae = intParam("end_time", 0); ae != nil {
		return q, ae
	} else if ok {
		q.end, q.hasEnd = n, true
	}
	if q.updatedAfter, q.hasUpdated, ae = intParam("updated_after", 0); ae != nil {
		return q, ae
	}
	if n, ok, ae = intParam("date", 0); ae != nil {
		return q, ae
	} else if ok {
		day, valid := parseDateInt(n)
		if !valid {
			return q, badParam("date must be YYYYMMDD, got " + strconv.Quote(v.Get("date")))
		}
		q.date, q.dateDay, q.hasDate = int(n), day, true
	}
	if q.hasPageToken && q.rangeMode() {
		return q, badParam("page_token cannot be combined with start_time or end_time")
	}
	if q.start > q.end {
		return q, badParam("start_time is after end_time")
	}
	return q, nil
}

// chunked is a collection split into chunks (days, or a single chunk for
// ticks); within a chunk items may come in any order, but every item of
// chunk k is older than every item of chunk k+1.
type chunked struct {
	lo, hi int64
	chunk  func(k int64) []item
	// locate returns a chunk that holds instant t or is next to it.
	locate func(t int64) int64
	// startOf is the earliest time_created chunk k can hold.
	startOf func(k int64) int64
	// skip reports that chunk k surely has nothing updated after ua.
	skip func(k int64, ua int64) bool
}

// page returns up to q.limit items and whether more follow.
func (src chunked) page(q listQuery) ([]item, bool) {
	lo, hi := src.lo, src.hi
	if q.hasDate { // an item's date is within a day of its chunk's
		lo, hi = max(lo, q.dateDay-1), min(hi, q.dateDay+1)
	}
	keep := func(it item) bool {
		return (!q.hasDate || it.date == q.date) && (!q.hasUpdated || it.updated > q.updatedAfter)
	}
	var out []item
	if q.rangeMode() {
		from := lo
		if q.hasStart {
			from = max(lo, src.locate(q.start)-1)
		}
		for k := from; k <= hi && len(out) <= q.limit; k++ {
			if src.startOf(k) > q.end {
				break
			}
			if q.hasUpdated && src.skip(k, q.updatedAfter) {
				continue
			}
			items := src.chunk(k)
			slices.SortFunc(items, func(a, b item) int { return cmp.Compare(a.created, b.created) })
			for _, it := range items {
				if it.created >= q.start && it.created <= q.end && keep(it) {
					out = append(out, it)
				}
			}
		}
	} else {
		from := hi
		if q.hasPageToken {
			from = min(hi, src.locate(q.pageToken)+1)
		}
		for k := from; k >= lo && len(out) <= q.limit; k-- {
			if q.hasUpdated && src.skip(k, q.updatedAfter) {
				continue
			}
			items := src.chunk(k)
			slices.SortFunc(items, func(a, b item) int { return cmp.Compare(b.completed, a.completed) })
			for _, it := range items {
				if (!q.hasPageToken || it.completed < q.pageToken) && keep(it) {
					out = append(out, it)
				}
			}
		}
	}
	if len(out) > q.limit {
		return out[:q.limit], true
	}
	return out, false
}

// nextLink builds links.next for a page ending with last, in the shape the
// real server used for the request (§4), parameters in its
// order. path is the collection path with the user's real xid.
func nextLink(path string, q listQuery, last item) string {
	var b []byte
	b = append(b, path...)
	if q.rangeMode() {
		b = append(b, "?start_time="...)
		b = strconv.AppendInt(b, last.created+1, 10)
		b = append(b, "&updated_after="...)
		b = strconv.AppendInt(b, q.updatedAfter, 10)
		b = append(b, "&limit="...)
		b = strconv.AppendInt(b, int64(q.limit), 10)
		if q.hasEnd {
			b = append(b, "&end_time="...)
			b = strconv.AppendInt(b, q.end, 10)
		}
	} else {
		b = append(b, "?page_token="...)
		b = strconv.AppendInt(b, last.completed, 10)
		b = append(b, "&limit="...)
		b = strconv.AppendInt(b, int64(q.limit), 10)
		if q.hasUpdated {
			b = append(b, "&updated_after="...)
			b = strconv.AppendInt(b, q.updatedAfter, 10)
		}
	}
	if q.hasDate {
		b = append(b, "&date="...)
		b = strconv.AppendInt(b, int64(q.date), 10)
	}
	return string(b)
}

// collection is the data of a collection page.
func collection(items []item, more bool, path string, q listQuery) obj {
	objs := make([]any, len(items))
	for i := range items {
		objs[i] = items[i].value()
	}
	data := obj{"items": objs, "size": len(items)}
	if more {
		data["links"] = obj{"next": nextLink(path, q, items[len(items)-1])}
	}
	return data
}

// daySource is the chunked view of a list endpoint of user u: one chunk
// per visible day.
func (d *dataset) daySource(ep string, u int) chunked {
	first, last := d.visibleDays(u, ep)
	return chunked{
		lo:    first,
		hi:    last,
		chunk: func(k int64) []item { return d.dayItems(ep, u, k) },
		locate: func(t int64) int64 {
			// The last day whose start is at or before t.
			lo, hi := first, last
			for lo < hi {
				mid := lo + (hi-lo+1)/2
				c := d.day(u, mid)
				if c.start <= t {
					lo = mid
				} else {
					hi = mid - 1
				}
			}
			return lo
		},
		// Sleeps start up to 2.5 h before their day's midnight.
		startOf: func(k int64) int64 { c := d.day(u, k); return c.start - 3*3600 },
		skip: func(k int64, ua int64) bool {
			if k > d.end {
				return false
			}
			c := d.day(u, k)
			// Items are updated at most ~2 h after their day ends.
			return c.end+3*3600 <= ua && !d.hasEdits(ep, u, k)
		},
	}
}

// hasEdits reports whether Touch edited an item of day k.
func (d *dataset) hasEdits(ep string, u int, k int64) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	ts := d.touched[touchKey{u, ep}]
	if ts == nil {
		return false
	}
	for ref := range ts.edits {
		if ref.day == k {
			return true
		}
	}
	return false
}

// singleChunk is the chunked view of a slice (ticks).
func singleChunk(items []item) chunked {
	return chunked{
		chunk:   func(int64) []item { return slices.Clone(items) },
		locate:  func(int64) int64 { return 0 },
		startOf: func(int64) int64 { return math.MinInt64 },
		skip:    func(int64, int64) bool { return false },
	}
}
