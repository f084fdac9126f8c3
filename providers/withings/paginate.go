package withings

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"time"

	"github.com/upexport/upexport/fetch"
)

// offsetPages reads a collection that pages with offset and more (§3):
// the next request sends the answer's offset, and more (a boolean or
// 0/1) alone ends the read, whatever the offset says. With Zone set, the
// answer's timezone goes into every item that has none, since getmeas
// names the user's zone once per answer and not per group.
type offsetPages struct {
	Items string
	Zone  bool
	// Keep, when set, keeps only the items it accepts.
	Keep func(json.RawMessage) bool
}

// maxPages bounds a collection whose server keeps saying more.
const maxPages = 1_000_000

func (p *offsetPages) Paginate(ctx context.Context, c *fetch.Client, r fetch.Read, fn func(fetch.Page) error) error {
	offset := -1
	for n := 1; ; n++ {
		if n > maxPages {
			return fmt.Errorf("%s: more than %d pages", r.Endpoint, maxPages)
		}
		q := clone(r.Query)
		if offset >= 0 {
			q.Set("offset", strconv.Itoa(offset))
		}
		data, user, err := c.Get(ctx, r.Endpoint, r.Path, q)
		if err != nil {
			return err
		}
		var body map[string]json.RawMessage
		if err := json.Unmarshal(data, &body); err != nil {
			return fmt.Errorf("%s page %d: body is not an object: %w", r.Endpoint, n, err)
		}
		var items []json.RawMessage
		if raw := body[p.Items]; len(raw) > 0 && string(raw) != "null" {
			if err := json.Unmarshal(raw, &items); err != nil {
				return fmt.Errorf("%s page %d: %s is not a list: %w", r.Endpoint, n, p.Items, err)
			}
		}
		zone := body["timezone"]
		kept := make([]json.RawMessage, 0, len(items))
		for _, it := range items {
			if p.Keep != nil && !p.Keep(it) {
				continue
			}
			c, err := fetch.Compact(it)
			if err != nil {
				return fmt.Errorf("%s page %d: %w", r.Endpoint, n, err)
			}
			if p.Zone && len(zone) > 0 {
				c = withField(c, "timezone", zone)
			}
			kept = append(kept, c)
		}
		if err := fn(fetch.Page{Number: n, User: user, Items: kept}); err != nil {
			return err
		}
		more, err := fetch.Flag(body["more"])
		if err != nil {
			return fmt.Errorf("%s page %d: %w", r.Endpoint, n, err)
		}
		if !more {
			return nil
		}
		next, ok := intOf(body["offset"])
		if !ok || next <= max(offset, 0) && len(items) > 0 || next < 0 {
			// No offset, or one that does not move on: count what was read.
			next = max(offset, 0) + len(items)
		}
		if next <= offset || len(items) == 0 && next == max(offset, 0) {
			return fmt.Errorf("%s page %d: more is set but the offset does not move (%d)", r.Endpoint, n, next)
		}
		offset = next
	}
}

// dayWindows reads a series call that answers at most 24 hours (§3) a
// window at a time, oldest first: from --since, else the day before the
// first day the resources it depends on found (a night starts the evening
// before its date), else a week back; to the end of --until, else the end
// of tomorrow (UTC). On an incremental run it starts the day before the
// last run's newest item. Each window is [start, start+24h); what the
// server sends outside it (the bound is inclusive, or not) is dropped, so
// nothing comes twice. Items is the path of a list of items; Keyed that of
// an object keyed by epoch-second strings, each entry an item with its key
// as "timestamp".
type dayWindows struct {
	Items, Keyed string
}

const day = 24 * time.Hour

func (p *dayWindows) Paginate(ctx context.Context, c *fetch.Client, r fetch.Read, fn func(fetch.Page) error) error {
	from, to := p.bounds(r.Window)
	n := 0
	for start := from; start.Before(to); start = start.Add(day) {
		end := start.Add(day)
		q := clone(r.Query)
		q.Set("startdate", strconv.FormatInt(start.Unix(), 10))
		q.Set("enddate", strconv.FormatInt(end.Unix(), 10))
		data, user, err := c.Get(ctx, r.Endpoint, r.Path, q)
		if err != nil {
			return err
		}
		items, err := p.items(data, start.Unix(), end.Unix())
		if err != nil {
			return fmt.Errorf("%s window from %s: %w", r.Endpoint, start.Format(time.RFC3339), err)
		}
		if len(items) == 0 {
			continue
		}
		n++
		if err := fn(fetch.Page{Number: n, User: user, Items: items}); err != nil {
			return err
		}
	}
	return nil
}

func (p *dayWindows) bounds(w fetch.Window) (time.Time, time.Time) {
	now := w.Now
	if now.IsZero() {
		now = time.Now()
	}
	to := now.UTC().Truncate(day).Add(2 * day)
	if !w.Until.IsZero() {
		to = w.Until.UTC().Truncate(day).Add(day)
	}
	from := w.Since.UTC().Truncate(day)
	if w.Since.IsZero() {
		from = to.Add(-8 * day)
		if len(w.Days) > 0 {
			if d, err := time.Parse("20060102", w.Days[0]); err == nil {
				from = d.Add(-day)
			}
		}
	}
	if w.Prev.HighWater > 0 {
		if t := time.Unix(w.Prev.HighWater, 0).UTC().Truncate(day).Add(-day); t.After(from) {
			from = t
		}
	}
	return from, to
}

// items reads one window's answer: the listed items that start within
// [start, end), or the keyed entries within it, in time order.
func (p *dayWindows) items(data json.RawMessage, start, end int64) ([]json.RawMessage, error) {
	var body map[string]json.RawMessage
	if err := json.Unmarshal(data, &body); err != nil {
		return nil, fmt.Errorf("body is not an object: %w", err)
	}
	var out []json.RawMessage
	if p.Keyed != "" {
		var series map[string]json.RawMessage
		if raw := body[p.Keyed]; len(raw) > 0 && string(raw) != "null" && string(raw) != "[]" {
			if err := json.Unmarshal(raw, &series); err != nil {
				return nil, fmt.Errorf("%s is not an object keyed by time: %w", p.Keyed, err)
			}
		}
		keys := make([]int64, 0, len(series))
		for k := range series {
			t, err := strconv.ParseInt(k, 10, 64)
			if err != nil {
				return nil, fmt.Errorf("%s key %q is not epoch seconds", p.Keyed, k)
			}
			if t >= start && t < end {
				keys = append(keys, t)
			}
		}
		sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
		for _, t := range keys {
			it, err := fetch.Compact(series[strconv.FormatInt(t, 10)])
			if err != nil {
				return nil, err
			}
			out = append(out, withField(it, "timestamp", json.RawMessage(strconv.FormatInt(t, 10))))
		}
		return out, nil
	}
	var list []json.RawMessage
	if raw := body[p.Items]; len(raw) > 0 && string(raw) != "null" {
		if err := json.Unmarshal(raw, &list); err != nil {
			return nil, fmt.Errorf("%s is not a list: %w", p.Items, err)
		}
	}
	for _, it := range list {
		var f struct {
			Start json.RawMessage `json:"startdate"`
		}
		if err := json.Unmarshal(it, &f); err != nil {
			return nil, fmt.Errorf("an item is not an object: %w", err)
		}
		if t := number(f.Start); t >= start && t < end {
			c, err := fetch.Compact(it)
			if err != nil {
				return nil, err
			}
			out = append(out, c)
		}
	}
	return out, nil
}

// withField returns the object item with key set to value in front,
// unless it has the key already.
func withField(item []byte, key string, value json.RawMessage) json.RawMessage {
	var probe map[string]json.RawMessage
	if json.Unmarshal(item, &probe) != nil {
		return item
	}
	if _, ok := probe[key]; ok {
		return item
	}
	k, _ := json.Marshal(key)
	out := append([]byte{'{'}, k...)
	out = append(out, ':')
	out = append(out, value...)
	if rest := item[1:]; len(rest) > 0 && rest[0] != '}' {
		out = append(out, ',')
	}
	return append(out, item[1:]...)
}

func clone(q url.Values) url.Values {
	out := url.Values{}
	for k, v := range q {
		out[k] = append([]string(nil), v...)
	}
	return out
}

func intOf(raw json.RawMessage) (int, bool) {
	if len(raw) == 0 || string(raw) == "null" {
		return 0, false
	}
	n, err := strconv.Atoi(string(raw))
	return n, err == nil
}
