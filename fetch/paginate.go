package fetch

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"
)

// A Paginator reads every page of one endpoint, request by request, and
// hands each page to fn in order. Implementations hold only the endpoint's
// declaration; what a run asks for comes in the Read.
type Paginator interface {
	Paginate(ctx context.Context, c *Client, r Read, fn func(Page) error) error
}

// Read is one endpoint's read in one run.
type Read struct {
	Endpoint string     // name, for messages and counters
	Path     string     // relative to the API URL
	Query    url.Values // sent with every request; paginators add theirs
	Window   Window
	// Units keeps the answers of finished units (days) of a per-day read,
	// so that a run that stopped does not ask for them again. Nil keeps
	// nothing.
	Units UnitStore
}

// Window is what a run asks of an endpoint: a range of days and what the
// previous run of an incremental export saw.
type Window struct {
	Since, Until time.Time // first and last day; zero is open
	Now          time.Time
	PageSize     int
	Prev         Cursor // zero on a full run
	// Days are the days (YYYYMMDD) on which the endpoints this one
	// depends on found data: what a per-day endpoint asks about when no
	// Since is given.
	Days []string
}

// Cursor is what an incremental export remembers of an endpoint.
type Cursor struct {
	HighWater   int64 // newest update time of an item, Unix seconds
	LastCreated int64 // newest creation time of an item without update times
	LastDate    int   // newest day, YYYYMMDD
}

// UnitStore keeps finished units of work of a run.
type UnitStore interface {
	Get(key string) ([]byte, bool)
	Put(key string, data []byte) error
}

// Page is one page of an endpoint.
type Page struct {
	Number int    // 1-based
	URL    string // without a password, for messages
	User   string // the user the answer is about, when the envelope says
	Items  []json.RawMessage
}

// itemsAt reads the list of items at path of data (the whole data for an
// empty path). Absent or null is no items.
func itemsAt(dec *pathDecoder, data json.RawMessage) ([]json.RawMessage, []json.RawMessage, error) {
	vals, err := dec.decode(data)
	if err != nil {
		return nil, nil, err
	}
	var items []json.RawMessage
	if raw := vals[0]; len(raw) > 0 && string(raw) != "null" {
		if err := json.Unmarshal(raw, &items); err != nil {
			return nil, nil, fmt.Errorf("%s is not a list of items: %w", orData(dec.all[0]), err)
		}
	}
	return items, vals[1:], nil
}

func orData(path string) string {
	if path == "" {
		return "data"
	}
	return path
}

// linkLoop is a paging loop with a guard against a server that sends an
// earlier page again, and a bound on the number of pages.
type linkLoop struct {
	c    *Client
	r    Read
	seen map[string]bool
	n    int
}

func (l *linkLoop) next(u *url.URL) (*PageError, bool) {
	l.n++
	if l.n > l.c.opts.MaxPages {
		return &PageError{Endpoint: l.r.Endpoint, Page: l.n, URL: redacted(u),
			Err: fmt.Errorf("more than %d pages (raise --max-pages if the account is really that large)", l.c.opts.MaxPages)}, false
	}
	key := canonical(u)
	if l.seen[key] {
		return &PageError{Endpoint: l.r.Endpoint, Page: l.n, URL: redacted(u),
			Err: fmt.Errorf("the server's next link repeats an earlier page: it would loop forever")}, false
	}
	l.seen[key] = true
	return nil, true
}

func (c *Client) firstURL(r Read) (*url.URL, error) {
	u, err := c.resolve(r.Path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", r.Endpoint, err)
	}
	if len(r.Query) > 0 {
		u.RawQuery = r.Query.Encode()
	}
	return u, nil
}

// NextLink pages by a link to the next page in each answer, followed as
// an opaque URL until it is absent, empty or null.
type NextLink struct {
	Items string // path of the items in the payload
	Next  string // path of the next page's link
	dec   *pathDecoder
	once  sync.Once
	err   error
}

func (p *NextLink) decoder() (*pathDecoder, error) {
	p.once.Do(func() { p.dec, p.err = newPathDecoder(p.Items, p.Next) })
	return p.dec, p.err
}

func (p *NextLink) Paginate(ctx context.Context, c *Client, r Read, fn func(Page) error) error {
	dec, err := p.decoder()
	if err != nil {
		return fmt.Errorf("%s: %w", r.Endpoint, err)
	}
	return c.pages(ctx, r, fn, func(data json.RawMessage, _ *url.URL) ([]json.RawMessage, *url.URL, error) {
		items, rest, err := itemsAt(dec, data)
		if err != nil {
			return nil, nil, fmt.Errorf("data is not a collection: %w", err)
		}
		link := textValue(rest[0])
		if link == "" {
			return items, nil, nil
		}
		next, err := c.resolve(link)
		return items, next, err
	})
}

// Token pages by a token (a cursor) in each answer, sent back as the
// query parameter Param, until the token is absent, empty or null.
type Token struct {
	Items, Next string // paths in the payload
	Param       string // query parameter that carries the token
	dec         *pathDecoder
	once        sync.Once
	err         error
}

func (p *Token) Paginate(ctx context.Context, c *Client, r Read, fn func(Page) error) error {
	p.once.Do(func() { p.dec, p.err = newPathDecoder(p.Items, p.Next) })
	if p.err != nil {
		return fmt.Errorf("%s: %w", r.Endpoint, p.err)
	}
	return c.follow(ctx, r, fn, func(data json.RawMessage, q url.Values) ([]json.RawMessage, bool, error) {
		items, rest, err := itemsAt(p.dec, data)
		if err != nil {
			return nil, false, err
		}
		token := textValue(rest[0])
		if token == "" {
			return items, false, nil
		}
		q.Set(p.Param, token)
		return items, true, nil
	})
}

// Offset pages by an offset and a "more" flag in each answer (a boolean
// or 0/1): the next request sends Param set to the answer's offset, or to
// the items read so far when the answer has none. more false ends the
// read whatever the offset says.
type Offset struct {
	Items, More, Offset string // paths in the payload
	Param               string // query parameter of the offset
	dec                 *pathDecoder
	once                sync.Once
	err                 error
}

func (p *Offset) Paginate(ctx context.Context, c *Client, r Read, fn func(Page) error) error {
	p.once.Do(func() { p.dec, p.err = newPathDecoder(p.Items, p.More, p.Offset) })
	if p.err != nil {
		return fmt.Errorf("%s: %w", r.Endpoint, p.err)
	}
	read := 0
	return c.follow(ctx, r, fn, func(data json.RawMessage, q url.Values) ([]json.RawMessage, bool, error) {
		items, rest, err := itemsAt(p.dec, data)
		if err != nil {
			return nil, false, err
		}
		read += len(items)
		more, err := Flag(rest[0])
		if err != nil || !more {
			return items, false, err
		}
		next := read
		if n, ok := intValue(rest[1]); ok {
			next = n
		}
		q.Set(p.Param, strconv.Itoa(next))
		return items, true, nil
	})
}

// Flag reads a flag that may be true/false, 0/1 (as numbers or strings)
// or absent (false), as APIs send "more".
func Flag(raw json.RawMessage) (bool, error) {
	switch s := string(raw); s {
	case "", "null", "false", "0", `"false"`, `"0"`:
		return false, nil
	case "true", "1", `"true"`, `"1"`:
		return true, nil
	}
	return false, fmt.Errorf("the flag is %.40s, not a boolean", raw)
}

// PageNumber pages by a page number sent as Param, from First, until a
// page has no items.
type PageNumber struct {
	Items string
	Param string
	First int
	dec   *pathDecoder
	once  sync.Once
	err   error
}

func (p *PageNumber) Paginate(ctx context.Context, c *Client, r Read, fn func(Page) error) error {
	p.once.Do(func() { p.dec, p.err = newPathDecoder(p.Items) })
	if p.err != nil {
		return fmt.Errorf("%s: %w", r.Endpoint, p.err)
	}
	page := p.First
	q := url.Values{}
	for k, v := range r.Query {
		q[k] = v
	}
	q.Set(p.Param, strconv.Itoa(page))
	r.Query = q
	return c.follow(ctx, r, fn, func(data json.RawMessage, q url.Values) ([]json.RawMessage, bool, error) {
		items, _, err := itemsAt(p.dec, data)
		if err != nil || len(items) == 0 {
			return items, false, err
		}
		page++
		q.Set(p.Param, strconv.Itoa(page))
		return items, true, nil
	})
}

// follow runs a paging loop whose next request is the first one with its
// query changed by next, which also reads the page's items and says
// whether there is a next page.
func (c *Client) follow(ctx context.Context, r Read, fn func(Page) error,
	next func(data json.RawMessage, q url.Values) ([]json.RawMessage, bool, error)) error {
	var q url.Values
	return c.pages(ctx, r, fn, func(data json.RawMessage, u *url.URL) ([]json.RawMessage, *url.URL, error) {
		if q == nil {
			q = u.Query()
		}
		items, more, err := next(data, q)
		if err != nil || !more {
			if err != nil {
				err = fmt.Errorf("data is not a collection: %w", err)
			}
			return items, nil, err
		}
		nu := *u
		nu.RawQuery = q.Encode()
		return items, &nu, nil
	})
}

// pages is the paging loop: it asks for r's first page, hands each page
// to fn, and asks for the page next names until it names none. It
// refuses a page asked for before (a server that loops) and one past
// MaxPages.
func (c *Client) pages(ctx context.Context, r Read, fn func(Page) error,
	next func(data json.RawMessage, u *url.URL) ([]json.RawMessage, *url.URL, error)) error {
	u, err := c.firstURL(r)
	if err != nil {
		return err
	}
	loop := linkLoop{c: c, r: r, seen: map[string]bool{}}
	for u != nil {
		if pe, ok := loop.next(u); !ok {
			return pe
		}
		data, user, err := c.get(ctx, r.Endpoint, u)
		if err != nil {
			return &PageError{Endpoint: r.Endpoint, Page: loop.n, URL: redacted(u), Err: err}
		}
		items, nu, err := next(data, u)
		if err != nil {
			return &PageError{Endpoint: r.Endpoint, Page: loop.n, URL: redacted(u), Err: err}
		}
		if err := fn(Page{Number: loop.n, URL: redacted(u), User: user, Items: items}); err != nil {
			return err
		}
		u = nu
	}
	return nil
}

// Single reads an endpoint that answers with one value. With Items unset
// the payload is the one item; with Items set it holds the items at that
// path, or (for "*") whatever OpenItems takes: a list, a collection or an
// object.
type Single struct {
	Items string
	dec   *pathDecoder
	once  sync.Once
	err   error
}

// AnyItems is Single.Items for a payload whose shape is not known.
const AnyItems = "*"

func (p *Single) Paginate(ctx context.Context, c *Client, r Read, fn func(Page) error) error {
	u, err := c.firstURL(r)
	if err != nil {
		return err
	}
	data, user, err := c.get(ctx, r.Endpoint, u)
	if err != nil {
		return &PageError{Endpoint: r.Endpoint, Page: 1, URL: redacted(u), Err: err}
	}
	var items []json.RawMessage
	switch p.Items {
	case "":
		items = []json.RawMessage{data}
	case AnyItems:
		items, err = OpenItems(data)
	default:
		p.once.Do(func() { p.dec, p.err = newPathDecoder(p.Items) })
		if err = p.err; err == nil {
			items, _, err = itemsAt(p.dec, data)
		}
	}
	if err != nil {
		return &PageError{Endpoint: r.Endpoint, Page: 1, URL: redacted(u), Err: err}
	}
	return fn(Page{Number: 1, URL: redacted(u), User: user, Items: items})
}

// PerDay asks about one day per request, Param set to the day in Format
// (a Go time layout), or "{Param}" in the path replaced by it, for each day from Window.Since to Window.Until, or
// without Since for the days in Window.Days. Each day's answer is read by
// Inner, or as OpenItems reads it when Inner is nil. Days are asked
// Concurrency at a time and handed to fn in order. On an incremental run
// days before the last run's last day less Lookback are not asked again.
type PerDay struct {
	Param, Format string
	// NotFoundIsEmpty takes a 404 for a day without data.
	NotFoundIsEmpty bool
	Lookback        time.Duration
}

func (p *PerDay) Paginate(ctx context.Context, c *Client, r Read, fn func(Page) error) error {
	days := p.days(r.Window)
	type result struct {
		page Page
		done bool
	}
	results := make([]result, len(days))
	var mu sync.Mutex
	next := 0 // the first day not yet handed to fn
	var fnErr error
	deliver := func(i int, pg Page) {
		mu.Lock()
		defer mu.Unlock()
		results[i] = result{page: pg, done: true}
		for next < len(results) && results[next].done && fnErr == nil {
			if pg := results[next].page; len(pg.Items) > 0 {
				fnErr = fn(pg)
			}
			results[next] = result{done: true}
			next++
		}
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(c.Concurrency())
	for i, d := range days {
		g.Go(func() error {
			day := d.Format(p.Format)
			q := url.Values{}
			for k, v := range r.Query {
				q[k] = v
			}
			path := r.Path
			if ph := "{" + p.Param + "}"; strings.Contains(path, ph) {
				// The day goes in the path (.../date/2024-03-06/1d.json).
				path = strings.ReplaceAll(path, ph, url.PathEscape(day))
			} else {
				q.Set(p.Param, day)
			}
			u, err := c.firstURL(Read{Endpoint: r.Endpoint, Path: path, Query: q})
			if err != nil {
				return err
			}
			pg := Page{Number: i + 1, URL: redacted(u)}
			if r.Units != nil {
				if b, ok := r.Units.Get(day); ok && json.Unmarshal(b, &pg.Items) == nil {
					deliver(i, pg)
					return nil
				}
			}
			data, user, err := c.get(gctx, r.Endpoint, u)
			pg.User = user
			var ae *APIError
			switch {
			case p.NotFoundIsEmpty && errors.As(err, &ae) && ae.Status == http.StatusNotFound:
				data = json.RawMessage("null")
			case err != nil:
				return &PageError{Endpoint: r.Endpoint, Page: i + 1, URL: pg.URL, Err: err}
			}
			raws, err := OpenItems(data)
			if err != nil {
				return &PageError{Endpoint: r.Endpoint, Page: i + 1, URL: pg.URL, Err: err}
			}
			for k, raw := range raws {
				if raws[k], err = Compact(raw); err != nil {
					return &PageError{Endpoint: r.Endpoint, Page: i + 1, URL: pg.URL, Err: err}
				}
			}
			pg.Items = raws
			if r.Units != nil {
				// The items as they are: json.Marshal would escape < and >.
				b := []byte{'['}
				for k, raw := range raws {
					if k > 0 {
						b = append(b, ',')
					}
					b = append(b, raw...)
				}
				if err := r.Units.Put(day, append(b, ']')); err != nil {
					return err
				}
			}
			deliver(i, pg)
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	return fnErr
}

// days lists the days to ask about.
func (p *PerDay) days(w Window) []time.Time {
	var days []time.Time
	if !w.Since.IsZero() {
		until := w.Until
		if until.IsZero() {
			until = w.Now.UTC()
		}
		for d := w.Since; !d.After(until); d = d.AddDate(0, 0, 1) {
			days = append(days, d)
		}
	} else {
		for _, s := range w.Days {
			if d, err := time.Parse("20060102", s); err == nil {
				days = append(days, d)
			}
		}
	}
	if w.Prev.LastDate > 0 {
		if last, err := time.Parse("20060102", strconv.Itoa(w.Prev.LastDate)); err == nil {
			cut := last.Add(-p.Lookback)
			kept := days[:0]
			for _, d := range days {
				if !d.Before(cut) {
					kept = append(kept, d)
				}
			}
			days = kept
		}
	}
	return days
}

// DateWindows reads a range of days in windows of at most Span each, the
// newest first, by Inner with StartParam and EndParam set to each
// window's bounds in Format (a Go time layout, or "unix" for Unix
// seconds). The range is Window.Since (or, without it, the first of
// Window.Days, or Earliest before Now) to Window.Until or Now.
type DateWindows struct {
	Inner                Paginator
	StartParam, EndParam string
	Format               string
	Span                 time.Duration
	Earliest             time.Duration // how far back an open range starts
	EndInclusiveLastDay  bool          // the end bound is the window's last day, not the next day's start
}

func (p *DateWindows) Paginate(ctx context.Context, c *Client, r Read, fn func(Page) error) error {
	if p.Span <= 0 {
		return fmt.Errorf("%s: date windows of no span", r.Endpoint)
	}
	from, to := p.bounds(r.Window)
	n := 0
	for end := to; end.After(from); end = end.Add(-p.Span) {
		start := end.Add(-p.Span)
		if start.Before(from) {
			start = from
		}
		q := url.Values{}
		for k, v := range r.Query {
			q[k] = v
		}
		last := end
		if p.EndInclusiveLastDay {
			last = end.AddDate(0, 0, -1)
		}
		q.Set(p.StartParam, p.format(start))
		q.Set(p.EndParam, p.format(last))
		inner := r
		inner.Query = q
		err := p.Inner.Paginate(ctx, c, inner, func(pg Page) error {
			n++
			pg.Number = n
			return fn(pg)
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func (p *DateWindows) format(t time.Time) string {
	if p.Format == "unix" {
		return strconv.FormatInt(t.Unix(), 10)
	}
	return t.Format(p.Format)
}

// bounds is the range to read, from its first instant to the instant
// after it.
func (p *DateWindows) bounds(w Window) (time.Time, time.Time) {
	now := w.Now
	if now.IsZero() {
		now = time.Now()
	}
	to := now.UTC().Truncate(24*time.Hour).AddDate(0, 0, 1)
	if !w.Until.IsZero() {
		to = w.Until.AddDate(0, 0, 1)
	}
	from := w.Since
	if from.IsZero() && len(w.Days) > 0 {
		if d, err := time.Parse("20060102", w.Days[0]); err == nil {
			from = d
		}
	}
	if from.IsZero() {
		from = to.Add(-p.Earliest)
	}
	if w.Prev.HighWater > 0 {
		if t := time.Unix(w.Prev.HighWater, 0).UTC().Truncate(24 * time.Hour); t.After(from) {
			from = t
		}
	}
	return from, to
}
