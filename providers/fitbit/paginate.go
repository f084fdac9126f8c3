package fitbit

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/upexport/upexport/fetch"
)

// Fitbit has no common envelope (§3): each route names its list by its
// own key, some answer a bare list, and dates go in the path (§5). The
// paginators here put the dates of fetch's windows into the path, cut
// each answer into items, and write into the items what Fitbit leaves
// out: the profile's time zone that resolves their local times (§6), and
// for per-day answers the day asked for (a daily element can be missing,
// §7). The raw archive keeps these annotated items, so a replay resolves
// the same times.

// Fields the paginators add to items.
const (
	zoneField = "profile_timezone" // the profile's IANA zone, "" when unknown
	dayField  = "request_date"     // the day a per-day answer was asked about
)

// profileInfo is what the export needs of the profile: the zone local
// times are resolved in, and the first day there can be data.
type profileInfo struct {
	zone        string
	memberSince time.Time
}

// profiles reads the profile once per client (one export run) for the
// paginators of one Provider.
type profiles struct {
	mu   sync.Mutex
	seen map[*fetch.Client]*profileInfo
}

const profilePath = "1/user/-/profile.json"

// get returns the profile of c's user. A profile that cannot be read
// (a login without the profile scope) leaves the zone unknown: local
// times then keep their text and have no UTC instant.
func (p *profiles) get(ctx context.Context, c *fetch.Client) (*profileInfo, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if pi, ok := p.seen[c]; ok {
		return pi, nil
	}
	pi := &profileInfo{}
	err := (&fetch.Single{}).Paginate(ctx, c, fetch.Read{Endpoint: Profile, Path: profilePath}, func(pg fetch.Page) error {
		if len(pg.Items) != 1 {
			return nil
		}
		var v struct {
			User struct {
				Timezone    string `json:"timezone"`
				MemberSince string `json:"memberSince"`
			} `json:"user"`
		}
		if json.Unmarshal(pg.Items[0], &v) != nil {
			return nil
		}
		if _, err := time.LoadLocation(v.User.Timezone); err == nil {
			pi.zone = v.User.Timezone
		}
		pi.memberSince, _ = time.Parse(time.DateOnly, v.User.MemberSince)
		return nil
	})
	if err != nil {
		if ctx.Err() != nil {
			return nil, err
		}
		if !fetch.IsForbidden(err) {
			return nil, fmt.Errorf("reading the profile for its time zone: %w", err)
		}
	}
	if p.seen == nil {
		p.seen = map[*fetch.Client]*profileInfo{}
	}
	p.seen[c] = pi
	return pi, nil
}

// pathDates moves the query parameters named in Params into the path's
// "{name}" placeholders: fetch's windows set parameters, and Fitbit
// takes its dates in the path.
type pathDates struct {
	inner  fetch.Paginator
	params []string
}

func (p *pathDates) Paginate(ctx context.Context, c *fetch.Client, r fetch.Read, fn func(fetch.Page) error) error {
	q := url.Values{}
	for k, v := range r.Query {
		q[k] = v
	}
	for _, name := range p.params {
		ph := "{" + name + "}"
		if !strings.Contains(r.Path, ph) {
			continue
		}
		v := q.Get(name)
		if v == "" {
			return fmt.Errorf("%s: no %s for the path %s", r.Endpoint, name, r.Path)
		}
		r.Path = strings.ReplaceAll(r.Path, ph, url.PathEscape(v))
		q.Del(name)
	}
	r.Query = q
	return p.inner.Paginate(ctx, c, r, fn)
}

// whole reads one answer as one item, asking again while a sleep answer
// says it is still being processed (§7: meta.state "pending").
type whole struct{}

// pendingTries bounds the rereads of a pending answer; pendingWait caps
// the wait Fitbit asks for (retryDuration) before each.
const (
	pendingTries = 2
	pendingWait  = 2 * time.Second
)

func (whole) Paginate(ctx context.Context, c *fetch.Client, r fetch.Read, fn func(fetch.Page) error) error {
	for try := 0; ; try++ {
		var got fetch.Page
		err := (&fetch.Single{}).Paginate(ctx, c, r, func(pg fetch.Page) error { got = pg; return nil })
		if err != nil {
			return err
		}
		wait, pending := isPending(got.Items)
		if !pending || try >= pendingTries {
			// A log still pending after the rereads is left out (its
			// answer holds none): the next incremental run asks again.
			return fn(got)
		}
		t := time.NewTimer(min(wait, pendingWait))
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}

// isPending reports whether a sleep answer is still being processed, and
// how long Fitbit asks to wait.
func isPending(items []json.RawMessage) (time.Duration, bool) {
	if len(items) != 1 {
		return 0, false
	}
	var v struct {
		Meta struct {
			State         string  `json:"state"`
			RetryDuration float64 `json:"retryDuration"`
		} `json:"meta"`
	}
	if json.Unmarshal(items[0], &v) != nil || v.Meta.State != "pending" {
		return 0, false
	}
	return time.Duration(v.Meta.RetryDuration) * time.Millisecond, true
}

// split cuts each answer of inner into the resource's items, by keys (the
// first present wins; a bare list is taken as it is; with object set, an
// object that has none of the keys is one item), and annotates them.
type split struct {
	inner    fetch.Paginator
	keys     []string
	object   bool
	zone     bool // write the profile's zone into each item
	day      bool // write the day asked for (from the URL) into each item
	profiles *profiles
}

func (p *split) Paginate(ctx context.Context, c *fetch.Client, r fetch.Read, fn func(fetch.Page) error) error {
	var zone string
	if p.zone {
		pi, err := p.profiles.get(ctx, c)
		if err != nil {
			return fmt.Errorf("%s: %w", r.Endpoint, err)
		}
		zone = pi.zone
	}
	return p.inner.Paginate(ctx, c, r, func(pg fetch.Page) error {
		var out []json.RawMessage
		for _, body := range pg.Items {
			items, err := itemsOf(body, p.keys, p.object)
			if err != nil {
				return &fetch.PageError{Endpoint: r.Endpoint, Page: pg.Number, URL: pg.URL, Err: err}
			}
			for _, it := range items {
				if p.zone {
					if it, err = withField(it, zoneField, zone); err != nil {
						return &fetch.PageError{Endpoint: r.Endpoint, Page: pg.Number, URL: pg.URL, Err: err}
					}
				}
				if p.day {
					d := dayInURL(pg.URL)
					if d == "" {
						return &fetch.PageError{Endpoint: r.Endpoint, Page: pg.Number, URL: pg.URL, Err: fmt.Errorf("no date in the request")}
					}
					if it, err = withField(it, dayField, d); err != nil {
						return &fetch.PageError{Endpoint: r.Endpoint, Page: pg.Number, URL: pg.URL, Err: err}
					}
				}
				out = append(out, it)
			}
		}
		pg.Items = out
		return fn(pg)
	})
}

// itemsOf reads the items of one answer: the list at the first of keys
// present, a bare list, or (with object) the answer itself.
func itemsOf(body json.RawMessage, keys []string, object bool) ([]json.RawMessage, error) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 || string(body) == "null" {
		return nil, nil
	}
	if body[0] == '[' {
		var list []json.RawMessage
		if err := json.Unmarshal(body, &list); err != nil {
			return nil, fmt.Errorf("answer is not a list of items: %w", err)
		}
		return list, nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(body, &m); err != nil {
		return nil, fmt.Errorf("answer is neither a list nor an object: %w", err)
	}
	for _, k := range keys {
		raw, ok := m[k]
		if !ok {
			continue
		}
		if t := bytes.TrimSpace(raw); len(t) > 0 && t[0] == '{' {
			return []json.RawMessage{t}, nil // one item where a list was expected
		}
		var list []json.RawMessage
		if err := json.Unmarshal(raw, &list); err != nil {
			return nil, fmt.Errorf("%s is not a list of items: %w", k, err)
		}
		return list, nil
	}
	if object && len(m) > 0 {
		return []json.RawMessage{body}, nil
	}
	return nil, nil
}

// withField returns the object item with key set to value.
func withField(item json.RawMessage, key, value string) (json.RawMessage, error) {
	t := bytes.TrimSpace(item)
	if len(t) < 2 || t[0] != '{' {
		return nil, fmt.Errorf("item is not an object: %.40s", item)
	}
	v, _ := json.Marshal(value)
	k, _ := json.Marshal(key)
	var b bytes.Buffer
	b.WriteByte('{')
	b.Write(k)
	b.WriteByte(':')
	b.Write(v)
	if rest := bytes.TrimSpace(t[1:]); len(rest) > 0 && rest[0] != '}' {
		b.WriteByte(',')
	}
	b.Write(t[1:])
	return b.Bytes(), nil
}

var urlDay = regexp.MustCompile(`/date/(\d{4}-\d{2}-\d{2})/`)

// dayInURL is the date of a per-day request.
func dayInURL(u string) string {
	if m := urlDay.FindStringSubmatch(u); m != nil {
		return m[1]
	}
	return ""
}

// ranged reads a date-range route in windows of at most span days, from
// the profile's memberSince when the run names no start. An incremental
// run asks again from a week before the last run's newest day: trackers
// sync late and Fitbit finishes sleep logs later.
type ranged struct {
	windows  *fetch.DateWindows
	profiles *profiles
}

const lateSync = 7 * 24 * time.Hour

func (p *ranged) Paginate(ctx context.Context, c *fetch.Client, r fetch.Read, fn func(fetch.Page) error) error {
	w := r.Window
	if w.Since.IsZero() && len(w.Days) == 0 {
		pi, err := p.profiles.get(ctx, c)
		if err != nil {
			return fmt.Errorf("%s: %w", r.Endpoint, err)
		}
		w.Since = pi.memberSince
	}
	if w.Prev.LastDate > 0 {
		if last, err := time.Parse("20060102", strconv.Itoa(w.Prev.LastDate)); err == nil {
			if since := last.Add(-lateSync); since.After(w.Since) {
				w.Since = since
			}
		}
	}
	r.Window = w
	return p.windows.Paginate(ctx, c, r, fn)
}

// rangedRoute reads path ("…/date/{start}/{end}.json") in windows of at
// most days days.
func rangedRoute(days int, pr *profiles) fetch.Paginator {
	return &ranged{profiles: pr, windows: &fetch.DateWindows{
		Inner:      &pathDates{inner: whole{}, params: []string{"start", "end"}},
		StartParam: "start", EndParam: "end", Format: time.DateOnly,
		Span: time.Duration(days) * 24 * time.Hour, Earliest: earliest, EndInclusiveLastDay: true,
	}}
}

// earliest bounds an open range when the profile says nothing: Fitbit's
// first trackers shipped in 2009.
const earliest = 18 * 365 * 24 * time.Hour

// whoami reads the profile, whose encodedId names the user.
type whoami struct{}

func (whoami) Paginate(ctx context.Context, c *fetch.Client, r fetch.Read, fn func(fetch.Page) error) error {
	return (&fetch.Single{}).Paginate(ctx, c, r, func(pg fetch.Page) error {
		if pg.User == "" && len(pg.Items) == 1 {
			pg.User = encodedID(pg.Items[0])
		}
		return fn(pg)
	})
}

func encodedID(raw json.RawMessage) string {
	var v struct {
		User struct {
			EncodedID string `json:"encodedId"`
		} `json:"user"`
	}
	if json.Unmarshal(raw, &v) != nil {
		return ""
	}
	return v.User.EncodedID
}
