package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"sync"
	"time"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"
)

// endpointCount is what the progress displays know of one endpoint.
type endpointCount struct {
	pages, items, retries int
	started               time.Time
	done                  bool
	note                  string
}

// counts is the state shared by both progress displays.
type counts struct {
	mu   sync.Mutex
	by   map[string]*endpointCount
	name []string
}

func (c *counts) get(ep string) *endpointCount {
	if c.by == nil {
		c.by = map[string]*endpointCount{}
	}
	e, ok := c.by[ep]
	if !ok {
		e = &endpointCount{started: time.Now()}
		c.by[ep] = e
		c.name = append(c.name, ep)
	}
	return e
}

func (c *counts) update(ep string, fn func(*endpointCount)) *endpointCount {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.get(ep)
	fn(e)
	return e
}

func (e *endpointCount) String() string {
	s := fmt.Sprintf("%d pages, %d items", e.pages, e.items)
	if e.retries > 0 {
		s += fmt.Sprintf(", %d retries", e.retries)
	}
	return s
}

// barProgress draws a live line per endpoint on a terminal.
type barProgress struct {
	counts
	p    *mpb.Progress
	bars map[string]*mpb.Bar
}

func newBarProgress(ctx context.Context, w io.Writer) *barProgress {
	return &barProgress{p: mpb.NewWithContext(ctx, mpb.WithOutput(w), mpb.WithWidth(24),
		mpb.WithRefreshRate(150*time.Millisecond)), bars: map[string]*mpb.Bar{}}
}

func (b *barProgress) Phase(name string) {}

func (b *barProgress) Start(ep string) {
	b.update(ep, func(*endpointCount) {})
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, ok := b.bars[ep]; ok {
		return
	}
	b.bars[ep] = b.p.New(0, mpb.SpinnerStyle(),
		mpb.PrependDecorators(decor.Name(ep, decor.WC{W: 16, C: decor.DindentRight})),
		mpb.AppendDecorators(decor.Any(func(decor.Statistics) string {
			b.mu.Lock()
			defer b.mu.Unlock()
			e := b.by[ep]
			if e.note != "" {
				return e.note
			}
			return e.String()
		})),
		mpb.BarFillerClearOnComplete())
}

func (b *barProgress) Page(ep string, items int) {
	b.update(ep, func(e *endpointCount) { e.pages++; e.items += items })
}

func (b *barProgress) Retry(ep string, err error, wait time.Duration) {
	b.update(ep, func(e *endpointCount) { e.retries++ })
}

func (b *barProgress) Skip(ep, reason string) {
	b.Start(ep)
	b.update(ep, func(e *endpointCount) { e.note = "skipped: not allowed by the login" })
	b.finish(ep)
}

func (b *barProgress) Done(ep string, items int, err error) {
	b.update(ep, func(e *endpointCount) {
		e.done = true
		e.items = items
		if err != nil {
			e.note = "failed"
		} else {
			e.note = fmt.Sprintf("%d items, %s", items, time.Since(e.started).Round(100*time.Millisecond))
		}
	})
	b.finish(ep)
}

func (b *barProgress) finish(ep string) {
	b.mu.Lock()
	bar := b.bars[ep]
	b.mu.Unlock()
	if bar != nil {
		bar.SetTotal(-1, true)
	}
}

// Close stops drawing and leaves the last frame on screen.
func (b *barProgress) Close() {
	b.mu.Lock()
	bars := b.bars
	b.mu.Unlock()
	for _, bar := range bars {
		if !bar.Completed() {
			bar.Abort(false)
		}
	}
	b.p.Wait()
}

// lineProgress logs plain lines, for CI logs and pipes: one when an
// endpoint starts and ends, and a summary of the running ones every few
// seconds. No control codes.
type lineProgress struct {
	counts
	log  *slog.Logger
	stop chan struct{}
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
	names := append([]string(nil), l.name...)
	sort.Strings(names)
	type row struct {
		name string
		e    endpointCount
	}
	var running []row
	for _, n := range names {
		if e := l.by[n]; !e.done {
			running = append(running, row{n, *e})
		}
	}
	l.mu.Unlock()
	for _, r := range running {
		l.log.Info("fetching", "endpoint", r.name, "pages", r.e.pages, "items", r.e.items, "retries", r.e.retries)
	}
}

func (l *lineProgress) Phase(name string) { l.log.Info("phase", "name", name) }

func (l *lineProgress) Start(ep string) {
	l.update(ep, func(*endpointCount) {})
	l.log.Info("start", "endpoint", ep)
}

func (l *lineProgress) Page(ep string, items int) {
	l.update(ep, func(e *endpointCount) { e.pages++; e.items += items })
}

func (l *lineProgress) Retry(ep string, err error, wait time.Duration) {
	l.update(ep, func(e *endpointCount) { e.retries++ })
	l.log.Info("retry", "endpoint", ep, "error", err.Error(), "wait", wait.Round(time.Millisecond).String())
}

func (l *lineProgress) Skip(ep, reason string) {
	l.update(ep, func(e *endpointCount) { e.done = true })
	// The engine logs the reason as a warning; here it is one line of progress.
	l.log.Info("skipped", "endpoint", ep)
}

func (l *lineProgress) Done(ep string, items int, err error) {
	e := l.update(ep, func(e *endpointCount) { e.done = true; e.items = items })
	if err != nil {
		l.log.Info("failed", "endpoint", ep, "pages", e.pages)
		return
	}
	l.log.Info("done", "endpoint", ep, "items", items, "pages", e.pages, "retries", e.retries,
		"elapsed", time.Since(e.started).Round(time.Millisecond).String())
}

func (l *lineProgress) Close() {
	close(l.stop)
	l.wg.Wait()
}
