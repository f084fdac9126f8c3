package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/upexport/upexport/internal/termui"
)

// endpointCount is what the progress displays know of one endpoint.
type endpointCount struct {
	pages, items, retries int
	fanDone, fanTotal     int // detail or tick requests: done of total, when known
	started, ended        time.Time
	state                 endpointState
	lastRetry             string
	quotaUntil            time.Time // waiting for the API quota until then
}

type endpointState int

const (
	running endpointState = iota
	finished
	skipped
	failed
	cancelled
)

func (e *endpointCount) String() string {
	var parts []string
	if e.fanTotal > 0 {
		parts = append(parts, fmt.Sprintf("%s of %s", thousands(e.fanDone), thousands(e.fanTotal)))
	}
	parts = append(parts, plural(e.pages, "page"), plural(e.items, "item"))
	if e.retries > 0 {
		parts = append(parts, plural(e.retries, "retry"))
	}
	return strings.Join(parts, ", ")
}

// counts is the state every progress display keeps. Observer calls change
// it under mu and return at once: they never write to a terminal or a log
// while holding it, so the engine never waits for a display.
type counts struct {
	mu    sync.Mutex
	by    map[string]*endpointCount
	order []string
	phase string
	since time.Time // when the phase began
}

func (c *counts) update(ep string, fn func(*endpointCount)) endpointCount {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.by == nil {
		c.by = map[string]*endpointCount{}
	}
	e, ok := c.by[ep]
	if !ok {
		e = &endpointCount{started: time.Now()}
		c.by[ep] = e
		c.order = append(c.order, ep)
	}
	fn(e)
	return *e
}

func (c *counts) setPhase(name string) {
	c.mu.Lock()
	c.phase, c.since = name, time.Now()
	c.mu.Unlock()
}

func (c *counts) start(ep string) { c.update(ep, func(*endpointCount) {}) }

func (c *counts) page(ep string, items int) {
	c.update(ep, func(e *endpointCount) { e.pages++; e.items += items; e.lastRetry = ""; e.quotaUntil = time.Time{} })
}

func (c *counts) fanout(ep string, done, total int) {
	c.update(ep, func(e *endpointCount) { e.fanDone, e.fanTotal = done, total })
}

func (c *counts) retry(ep string, err error, wait time.Duration) endpointCount {
	return c.update(ep, func(e *endpointCount) {
		e.retries++
		e.lastRetry = fmt.Sprintf("retrying in %s: %v", termui.Duration(wait), err)
	})
}

func (c *counts) quotaWait(ep string, until time.Time) {
	c.update(ep, func(e *endpointCount) { e.quotaUntil = until })
}

// quotaNote is "waiting for the API quota until 14:00 (47 min)": the clock
// time in whole minutes for long waits, with seconds for short ones, and
// the weekday when it is not today.
func quotaNote(until, now time.Time) string {
	layout := "15:04"
	if until.Sub(now) < 10*time.Minute {
		layout = "15:04:05"
	}
	u, n := until.Local(), now.Local()
	if u.YearDay() != n.YearDay() || u.Year() != n.Year() {
		layout = "Mon " + layout
	}
	return fmt.Sprintf("waiting for the API quota until %s (%s)", u.Format(layout), termui.Duration(until.Sub(now)))
}

func (c *counts) skip(ep string) endpointCount {
	return c.update(ep, func(e *endpointCount) { e.state, e.ended = skipped, time.Now() })
}

func (c *counts) done(ep string, items int, err error) endpointCount {
	return c.update(ep, func(e *endpointCount) {
		e.ended = time.Now()
		switch {
		case err == nil:
			e.state, e.items = finished, items
		case errors.Is(err, context.Canceled):
			e.state = cancelled
		default:
			e.state = failed
		}
	})
}

// cancel marks an endpoint stopped because another one failed.
func (c *counts) cancel(ep string) {
	c.update(ep, func(e *endpointCount) { e.state, e.ended = cancelled, time.Now() })
}

// liveProgress draws one live line per endpoint on a terminal, with log
// lines above them (the logger writes into the same termui.Live).
type liveProgress struct {
	counts
	live  *termui.Live
	log   *slog.Logger // writes into live: buffered, it never blocks
	color bool
}

var spinner = []string{"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"}

// render is called by the drawing goroutine only.
func (p *liveProgress) render(frame int) []string {
	p.mu.Lock()
	rows := make([]endpointCount, len(p.order))
	width := 0
	for i, n := range p.order {
		rows[i] = *p.by[n]
		width = max(width, len(n))
	}
	names := append([]string(nil), p.order...)
	phase, since := p.phase, p.since
	p.mu.Unlock()

	lines := make([]string, 0, len(rows)+1)
	for i, e := range rows {
		var mark, text string
		switch e.state {
		case running:
			mark, text = spinner[frame%len(spinner)], e.String()
			if now := time.Now(); e.quotaUntil.After(now) {
				text += ", " + quotaNote(e.quotaUntil, now)
			} else if e.lastRetry != "" {
				text += " (" + e.lastRetry + ")"
			}
		case finished:
			mark = p.paint("32", "✓")
			text = fmt.Sprintf("%s in %s", plural(e.items, "item"), termui.Duration(e.ended.Sub(e.started)))
		case skipped:
			mark, text = p.paint("2", "-"), p.paint("2", "skipped: not allowed by the login")
		case failed:
			mark, text = p.paint("31", "✗"), p.paint("31", "failed")+" after "+e.String()
		case cancelled:
			mark, text = p.paint("2", "·"), p.paint("2", "stopped")+" after "+e.String()
		}
		lines = append(lines, fmt.Sprintf("%s %-*s  %s", mark, width, names[i], text))
	}
	switch phase {
	case "fetch":
		lines = append(lines, p.paint("2", "fetching, "+termui.Duration(time.Since(since))))
	case "write":
		lines = append(lines, p.paint("2", "writing the tables, "+termui.Duration(time.Since(since))))
	}
	return lines
}

func (p *liveProgress) paint(code, s string) string {
	if !p.color {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}

func (p *liveProgress) Phase(name string)          { p.setPhase(name); p.live.Kick() }
func (p *liveProgress) Start(ep string)            { p.start(ep) }
func (p *liveProgress) Page(ep string, items int)  { p.page(ep, items) }
func (p *liveProgress) Fanout(ep string, d, t int) { p.fanout(ep, d, t) }
func (p *liveProgress) Skip(ep, reason string)     { p.skip(ep); p.live.Kick() }
func (p *liveProgress) Done(ep string, n int, err error) {
	p.done(ep, n, err)
	p.live.Kick()
}
func (p *liveProgress) Cancelled(ep string)                            { p.cancel(ep); p.live.Kick() }
func (p *liveProgress) Retry(ep string, err error, wait time.Duration) { p.retry(ep, err, wait) }

// QuotaWait shows the wait on the endpoint's line and logs it above.
func (p *liveProgress) QuotaWait(ep string, until time.Time) {
	p.quotaWait(ep, until)
	if p.log != nil {
		p.log.Info(quotaNote(until, time.Now()), "endpoint", ep)
	}
	p.live.Kick()
}

// Close draws the last frame and leaves it on screen.
func (p *liveProgress) Close() {
	p.setPhase("")
	p.live.Close()
}

// lineProgress logs plain lines, for CI logs and pipes: one when an
// endpoint starts and ends, and a summary of the running ones every few
// seconds. No control codes.
type lineProgress struct {
	counts
	log  *slog.Logger
	stop chan struct{}
	once sync.Once
	wg   sync.WaitGroup
}

func newLineProgress(log *slog.Logger, every time.Duration) *lineProgress {
	l := &lineProgress{log: log, stop: make(chan struct{})}
	l.wg.Add(1)
	go func() {
		defer l.wg.Done()
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				l.tick()
			case <-l.stop:
				return
			}
		}
	}()
	return l
}

func (l *lineProgress) tick() {
	l.mu.Lock()
	names := append([]string(nil), l.order...)
	sort.Strings(names)
	type row struct {
		name string
		e    endpointCount
	}
	var active []row
	for _, n := range names {
		if e := l.by[n]; e.state == running {
			active = append(active, row{n, *e})
		}
	}
	l.mu.Unlock()
	for _, r := range active {
		args := []any{"endpoint", r.name, "pages", r.e.pages, "items", r.e.items, "retries", r.e.retries}
		if r.e.fanTotal > 0 {
			args = append(args, "done", r.e.fanDone, "of", r.e.fanTotal)
		}
		l.log.Info("fetching", args...)
	}
}

func (l *lineProgress) Phase(name string) {
	l.setPhase(name)
	l.log.Info("phase", "name", name)
}

func (l *lineProgress) Start(ep string) {
	l.start(ep)
	l.log.Info("start", "endpoint", ep)
}

func (l *lineProgress) Page(ep string, items int)  { l.page(ep, items) }
func (l *lineProgress) Fanout(ep string, d, t int) { l.fanout(ep, d, t) }

// Retry logs each retry once (the fetch client leaves that to its
// observer when it has one).
func (l *lineProgress) Retry(ep string, err error, wait time.Duration) {
	l.retry(ep, err, wait)
	l.log.Info("retry", "endpoint", ep, "error", err.Error(), "wait", wait.Round(time.Millisecond).String())
}

// QuotaWait logs the wait; the fetch client tells of it once per endpoint
// and reset.
func (l *lineProgress) QuotaWait(ep string, until time.Time) {
	l.quotaWait(ep, until)
	l.log.Info(quotaNote(until, time.Now()), "endpoint", ep)
}

func (l *lineProgress) Skip(ep, reason string) {
	l.skip(ep)
	// The engine logs the reason as a warning; here it is one line of progress.
	l.log.Info("skipped", "endpoint", ep)
}

func (l *lineProgress) Done(ep string, items int, err error) {
	e := l.done(ep, items, err)
	switch e.state {
	case cancelled:
		l.log.Info("stopped", "endpoint", ep, "pages", e.pages)
	case failed:
		l.log.Info("failed", "endpoint", ep, "pages", e.pages)
	default:
		l.log.Info("done", "endpoint", ep, "items", items, "pages", e.pages, "retries", e.retries,
			"elapsed", e.ended.Sub(e.started).Round(time.Millisecond).String())
	}
}

// Cancelled only counts: the engine logs the cancellation itself.
func (l *lineProgress) Cancelled(ep string) { l.cancel(ep) }

func (l *lineProgress) Close() {
	l.once.Do(func() { close(l.stop) })
	l.wg.Wait()
}

type quietProgress struct{}

func (quietProgress) Phase(string)                       {}
func (quietProgress) Start(string)                       {}
func (quietProgress) Page(string, int)                   {}
func (quietProgress) Fanout(string, int, int)            {}
func (quietProgress) Skip(string, string)                {}
func (quietProgress) Done(string, int, error)            {}
func (quietProgress) Retry(string, error, time.Duration) {}
func (quietProgress) QuotaWait(string, time.Time)        {}
func (quietProgress) Close()                             {}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	if strings.HasSuffix(word, "y") {
		word = strings.TrimSuffix(word, "y") + "ie"
	}
	return thousands(n) + " " + word + "s"
}

// thousands writes n with comma separators: 12,345.
func thousands(n int) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + thousands(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
