package fetch

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/upexport/upexport/internal/termui"
)

// pacer shares the API's request quota among a Client's concurrent
// requests, from what the responses' quota headers say.
//
// It sends at full speed while the window has quota left and, once it is
// spent, holds every request until the window resets. The other way, spreading
// the quota evenly over the window, cannot be faster: a window's requests
// are counted the same whenever in the window they come, so waiting before
// they are spent only adds to the run. Sending at once is also what makes
// the wall time match what the quota allows: N requests under Q per window
// W take (⌈N/Q⌉-1)·W plus the time of the last window's requests, the
// least any client can take against a fixed window.
//
// Requests in flight count against what is left: a response says what was
// left when the server counted it, not the requests sent since.
type pacer struct {
	maxWait time.Duration
	onWait  func(endpoint string, until time.Time)
	now     func() time.Time

	mu        sync.Mutex
	answered  bool      // a response has come, quota headers or not
	firstSent time.Time // when the first request went
	known     bool      // a response said how many requests are left
	limit     int       // requests per window; -1 when not said
	remaining int       // left in the window as the responses said
	reset     time.Time // when the window's quota comes back; zero when not said
	notBefore time.Time // a 429's Retry-After holds every request
	inflight  int       // sent and not answered
	changed   chan struct{}
	told      map[string]time.Time // the wait each endpoint was last told of
}

// probeWait is how long the first request, sent alone to learn the quota,
// holds the others back: longer than most APIs take to answer, short
// enough not to matter when one is slow.
const probeWait = time.Second

func newPacer(maxWait time.Duration, onWait func(string, time.Time)) *pacer {
	return &pacer{maxWait: maxWait, onWait: onWait, now: time.Now, limit: -1,
		changed: make(chan struct{}), told: map[string]time.Time{}}
}

// QuotaWaitError is a request that would have to wait for the API's quota
// longer than allowed: past Options.MaxQuotaWait, or past the context's
// deadline.
type QuotaWaitError struct {
	Endpoint string
	Until    time.Time     // when the quota comes back
	Wait     time.Duration // how long that was from when it was asked
	Max      time.Duration // the longest wait allowed; 0 when the deadline stopped it
	Deadline time.Time     // the context's deadline, when that stopped it
}

func (e *QuotaWaitError) Error() string {
	at := e.Until.Local().Format("2006-01-02 15:04:05 MST")
	if !e.Deadline.IsZero() {
		return fmt.Sprintf("the API quota is spent until %s (%s), after the deadline %s",
			at, termui.Duration(e.Wait), e.Deadline.Local().Format("15:04:05"))
	}
	return fmt.Sprintf("the API quota is spent until %s (%s), longer than --max-quota-wait %s allows",
		at, termui.Duration(e.Wait), e.Max)
}

// acquire waits until the quota allows one more request for endpoint, and
// counts it as in flight; done must follow. A wait for a spent quota is
// told to onWait once per endpoint and reset time, and fails at once when
// it would be longer than maxWait or end after ctx's deadline.
func (p *pacer) acquire(ctx context.Context, endpoint string) error {
	for {
		p.mu.Lock()
		now := p.now()
		if p.known && !p.reset.IsZero() && !now.Before(p.reset) {
			p.rollover()
		}
		var until time.Time // a wait for the quota: report it
		var probe time.Time // a wait for the first answer, at most until then
		wait := false       // a wait for an answer in flight
		switch {
		case now.Before(p.notBefore):
			until = p.notBefore
		case p.known && p.remaining <= 0 && !p.reset.IsZero():
			until = p.reset
		case !p.answered && p.inflight > 0 && now.Before(p.firstSent.Add(probeWait)):
			// Until the first answer says what is left, one request at a
			// time: a quota spent by an earlier run costs one 429, not one
			// per request in flight. A slow first answer holds the others
			// only so long.
			probe = p.firstSent.Add(probeWait)
		case p.known && p.remaining-p.inflight <= 0 && p.inflight > 0:
			// What is left may be taken by the requests in flight: their
			// answers will say.
			wait = true
		}
		// A spent quota with no reset and nothing in flight: send, and the
		// server's 429 will say when to come back.
		if until.IsZero() && probe.IsZero() && !wait {
			if p.firstSent.IsZero() {
				p.firstSent = now
			}
			p.inflight++
			p.mu.Unlock()
			return nil
		}
		var tell bool
		if !until.IsZero() {
			d := until.Sub(now)
			// The deadline first: a run that stops for it can go on later.
			if dl, ok := ctx.Deadline(); ok && dl.Before(until) {
				p.mu.Unlock()
				return &QuotaWaitError{Endpoint: endpoint, Until: until, Wait: d, Deadline: dl}
			}
			if d > p.maxWait {
				p.mu.Unlock()
				return &QuotaWaitError{Endpoint: endpoint, Until: until, Wait: d, Max: p.maxWait}
			}
			if last, ok := p.told[endpoint]; !ok || absDuration(last.Sub(until)) >= time.Second {
				p.told[endpoint] = until
				tell = true
			}
		}
		ch := p.changed
		p.mu.Unlock()
		if tell && p.onWait != nil {
			p.onWait(endpoint, until)
		}
		var t *time.Timer
		var timer <-chan time.Time
		if end := until; !end.IsZero() || !probe.IsZero() {
			if end.IsZero() {
				end = probe
			}
			t = time.NewTimer(end.Sub(now))
			timer = t.C
		}
		select {
		case <-ctx.Done():
		case <-ch:
		case <-timer:
		}
		if t != nil {
			t.Stop()
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
}

// rollover starts the next window, as the last one's reset has passed:
// its whole quota is there again, when a response said how much that is.
func (p *pacer) rollover() {
	p.reset = time.Time{}
	if p.limit >= 0 {
		p.remaining = p.limit
	} else {
		p.known = false
	}
}

// done ends a request acquire let through, with what its response (if
// any) said of the quota.
func (p *pacer) done(status int, q Quota) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.inflight--
	if status != 0 {
		p.answered = true
	}
	defer p.wake()
	now := p.now()
	if status == http.StatusTooManyRequests && q.RetryAt.After(p.notBefore) {
		p.notBefore = q.RetryAt
	}
	if q.Limit >= 0 {
		p.limit = q.Limit
	}
	if q.Remaining < 0 {
		return
	}
	if !q.Reset.IsZero() && !q.Reset.After(now) {
		return // an answer from a window that has ended
	}
	ended := !p.known || p.reset.IsZero() || !now.Before(p.reset)
	// Within a window what is left only goes down, and the reset stays
	// put but for the rounding of whole-second headers: a later reset with
	// no less left is the next window.
	next := !q.Reset.IsZero() && q.Reset.Sub(p.reset) >= time.Second && q.Remaining >= p.remaining
	if ended || next {
		p.known, p.remaining, p.reset = true, q.Remaining, q.Reset
		return
	}
	// Answers arrive out of order: keep the least left, and the latest
	// reset, so the pacer never comes back before the server.
	p.remaining = min(p.remaining, q.Remaining)
	if q.Reset.After(p.reset) {
		p.reset = q.Reset
	}
}

// wake tells waiting requests that something changed. p.mu is held.
func (p *pacer) wake() {
	close(p.changed)
	p.changed = make(chan struct{})
}

func absDuration(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}
