package fetch

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/upexport/upexport/providers/jawbone/upserver"
)

// quotaDemo runs the demo server with a quota and returns a client of it.
func quotaDemo(tb testing.TB, q upserver.Quota, o Options) (*upserver.Server, *Client) {
	tb.Helper()
	srv, err := upserver.New(upserver.Config{Quota: q})
	if err != nil {
		tb.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	tb.Cleanup(ts.Close)
	tok, _, err := srv.IssueToken(0, nil)
	if err != nil {
		tb.Fatal(err)
	}
	ctx := context.WithValue(context.Background(), oauth2.HTTPClient, ts.Client())
	o.HTTPClient = oauth2.NewClient(ctx, oauth2.StaticTokenSource(&oauth2.Token{AccessToken: tok}))
	o.APIURL = srv.Info(ts.URL).APIURL
	o.Envelope = upEnvelope
	if o.Retries == 0 {
		o.Retries = DefaultRetries
	}
	c, err := NewClient(o)
	if err != nil {
		tb.Fatal(err)
	}
	return srv, c
}

// getMany sends n GETs of the user endpoint from as many goroutines as the
// client lets run at once.
func getMany(ctx context.Context, c *Client, n int) error {
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, _, err := c.Get(ctx, "users/@me", "users/@me", nil); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	return <-errs
}

// quotaFloor is the least time n requests take under q per window: the
// first window's requests go at once, each further window after a reset.
func quotaFloor(n int, q upserver.Quota) time.Duration {
	return time.Duration((n+q.Limit-1)/q.Limit-1) * q.Window
}

// TestPacerKeepsToTheQuota: concurrent requests against a fixed-window
// quota get no 429 at all, and take the time the quota allows: not less
// (which would take 429s), and less than half a window more (a pacer
// that waited a window too many, or spread the quota instead of spending
// it, is slower).
func TestPacerKeepsToTheQuota(t *testing.T) {
	q := upserver.Quota{Limit: 50, Window: 2 * time.Second}
	const n = 120
	var waits []time.Time
	var mu sync.Mutex
	srv, c := quotaDemo(t, q, Options{Concurrency: 8, OnQuotaWait: func(ep string, until time.Time) {
		mu.Lock()
		waits = append(waits, until)
		mu.Unlock()
	}})
	start := time.Now()
	if err := getMany(context.Background(), c, n); err != nil {
		t.Fatal(err)
	}
	elapsed := time.Since(start)
	floor := quotaFloor(n, q)
	t.Logf("%d requests under %s: %v, %.3fx the %v the quota allows", n, q, elapsed.Round(time.Millisecond),
		elapsed.Seconds()/floor.Seconds(), floor)
	if got := srv.RateLimited(); got != 0 || c.Stats.RateLimited.Load() != 0 {
		t.Errorf("%d requests refused with 429", got)
	}
	if got := srv.APIRequests(); got != n {
		t.Errorf("%d requests sent, want %d", got, n)
	}
	if elapsed < floor || elapsed > floor+q.Window/2 {
		t.Errorf("took %v, want %v to %v", elapsed, floor, floor+q.Window/2)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(waits) != n/q.Limit {
		t.Errorf("told of %d quota waits (%v), want one per spent window: %d", len(waits), waits, n/q.Limit)
	}
}

// BenchmarkQuotaPacing reports how close to what the quota allows a run
// of requests comes; the issue's bound is 1.1x.
func BenchmarkQuotaPacing(b *testing.B) {
	q := upserver.Quota{Limit: 300, Window: 2 * time.Second}
	const n = 1000
	for b.Loop() {
		_, c := quotaDemo(b, q, Options{Concurrency: 4})
		start := time.Now()
		if err := getMany(context.Background(), c, n); err != nil {
			b.Fatal(err)
		}
		ratio := time.Since(start).Seconds() / quotaFloor(n, q).Seconds()
		b.ReportMetric(ratio, "x-floor")
		if n := c.Stats.RateLimited.Load(); n != 0 {
			b.Fatalf("%d 429s", n)
		}
		if ratio > 1.1 {
			b.Errorf("%.3fx what the quota allows", ratio)
		}
	}
}

// quotaAnswers answers the first request with fail, the others with a page.
func quotaAnswers(t *testing.T, o Options, fail func(w http.ResponseWriter)) (*Client, *int) {
	t.Helper()
	var mu sync.Mutex
	n := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		n++
		first := n == 1
		mu.Unlock()
		if first {
			fail(w)
			return
		}
		fmt.Fprint(w, page(`{"xid":"a"}`, ""))
	}))
	t.Cleanup(srv.Close)
	o.HTTPClient, o.APIURL = srv.Client(), srv.URL+"/nudge/api/v.1.1"
	o.Envelope = upEnvelope
	if o.Retries == 0 {
		o.Retries = DefaultRetries
	}
	c, err := NewClient(o)
	if err != nil {
		t.Fatal(err)
	}
	return c, &n
}

// TestQuota429IsNoRetry: with no retries at all, a 429 that says when to
// come back is waited out and the request succeeds.
func TestQuota429IsNoRetry(t *testing.T) {
	tests := []struct {
		name string
		wait time.Duration
		fail func(w http.ResponseWriter)
	}{
		{"Retry-After", time.Second, func(w http.ResponseWriter) {
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
		}},
		{"Fitbit reset", 300 * time.Millisecond, func(w http.ResponseWriter) {
			w.Header().Set("Fitbit-Rate-Limit-Limit", "150")
			w.Header().Set("Fitbit-Rate-Limit-Remaining", "0")
			w.Header().Set("Fitbit-Rate-Limit-Reset", "0.3")
			w.WriteHeader(http.StatusTooManyRequests)
		}},
		{"X-RateLimit reset without remaining", 300 * time.Millisecond, func(w http.ResponseWriter) {
			w.Header().Set("X-RateLimit-Reset", "0.3")
			w.WriteHeader(http.StatusTooManyRequests)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var told []time.Time
			c, n := quotaAnswers(t, Options{Retries: -1, OnQuotaWait: func(_ string, until time.Time) { told = append(told, until) }}, tt.fail)
			start := time.Now()
			got, err := collect(c)
			if err != nil || len(got) != 1 {
				t.Fatalf("got %v, %v", got, err)
			}
			if *n != 2 || c.Stats.Retries.Load() != 0 || c.Stats.RateLimited.Load() != 1 {
				t.Errorf("%d requests, %d retries, %d 429s; want 2, 0, 1", *n, c.Stats.Retries.Load(), c.Stats.RateLimited.Load())
			}
			if d := time.Since(start); d < tt.wait-50*time.Millisecond {
				t.Errorf("came back after %v, want %v", d, tt.wait)
			}
			if len(told) != 1 || told[0].Before(start.Add(tt.wait-50*time.Millisecond)) {
				t.Errorf("told of waits %v, want one until %v", told, start.Add(tt.wait))
			}
		})
	}
}

// TestQuotaWaitCap: a wait longer than MaxQuotaWait fails at once, naming
// the endpoint, the reset and the flag; so does one past the context's
// deadline.
func TestQuotaWaitCap(t *testing.T) {
	spent := func(w http.ResponseWriter) {
		w.Header().Set("Retry-After", "7200")
		w.WriteHeader(http.StatusTooManyRequests)
	}
	c, n := quotaAnswers(t, Options{MaxQuotaWait: time.Minute}, spent)
	start := time.Now()
	_, err := collect(c)
	var qe *QuotaWaitError
	if !errors.As(err, &qe) || qe.Max != time.Minute || qe.Until.Before(start.Add(2*time.Hour-time.Second)) {
		t.Fatalf("error %v, want a QuotaWaitError for 2 h", err)
	}
	for _, want := range []string{"moves page 1", "the API quota is spent until " + qe.Until.Local().Format("2006-01-02 15:04"),
		"(2 h)", "longer than --max-quota-wait 1m0s allows"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	if time.Since(start) > 5*time.Second || *n != 1 {
		t.Errorf("%d requests in %v: the cap must fail at once", *n, time.Since(start))
	}

	c, _ = quotaAnswers(t, Options{}, spent)
	ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
	defer cancel()
	start = time.Now()
	err = upPages(c, ctx, "moves", "users/@me/moves", nil, func(Page) error { return nil })
	if !errors.As(err, &qe) || qe.Deadline.IsZero() || !strings.Contains(err.Error(), "after the deadline") {
		t.Fatalf("error %v, want a QuotaWaitError naming the deadline", err)
	}
	if time.Since(start) > 5*time.Second {
		t.Errorf("took %v: a wait past the deadline must fail at once", time.Since(start))
	}
}

// TestQuotaWaitEndsWithTheContext: a request waiting for the quota stops
// when its context ends.
func TestQuotaWaitEndsWithTheContext(t *testing.T) {
	c, _ := quotaAnswers(t, Options{}, func(w http.ResponseWriter) {
		w.Header().Set("Retry-After", "600")
		w.WriteHeader(http.StatusTooManyRequests)
	})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel)
	start := time.Now()
	err := upPages(c, ctx, "moves", "users/@me/moves", nil, func(Page) error { return nil })
	if !errors.Is(err, context.Canceled) || time.Since(start) > 5*time.Second {
		t.Fatalf("error %v after %v, want context.Canceled soon", err, time.Since(start))
	}
}

// TestPacerHoldsWhenTheQuotaIsSpent: a response that says nothing is left
// holds the next request until the reset, without a 429.
func TestPacerHoldsWhenTheQuotaIsSpent(t *testing.T) {
	var mu sync.Mutex
	var sent []time.Time
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		sent = append(sent, time.Now())
		first := len(sent) == 1
		mu.Unlock()
		if first {
			w.Header().Set("X-RateLimit-Limit", "1")
			w.Header().Set("X-RateLimit-Remaining", "0")
			w.Header().Set("X-RateLimit-Reset", "0.5")
			fmt.Fprint(w, page(`{"xid":"a"}`, "/nudge/api/v.1.1/users/@me/moves?page_token=2"))
			return
		}
		fmt.Fprint(w, page(`{"xid":"b"}`, ""))
	}))
	defer srv.Close()
	c, err := NewClient(Options{Envelope: upEnvelope, HTTPClient: srv.Client(), APIURL: srv.URL + "/nudge/api/v.1.1", Retries: DefaultRetries})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := collect(c); err != nil || len(got) != 2 {
		t.Fatalf("got %v, %v", got, err)
	}
	mu.Lock()
	defer mu.Unlock()
	if d := sent[1].Sub(sent[0]); d < 450*time.Millisecond {
		t.Errorf("second request %v after the first, want after the reset in 0.5 s", d)
	}
}

// TestPacerOne429WhenTheQuotaIsAlreadySpent: a run that starts with the
// quota spent by an earlier one gets a single 429, not one per request in
// flight, and then keeps to the quota.
func TestPacerOne429WhenTheQuotaIsAlreadySpent(t *testing.T) {
	q := upserver.Quota{Limit: 5, Window: time.Second}
	srv, earlier := quotaDemo(t, q, Options{})
	if err := getMany(context.Background(), earlier, q.Limit); err != nil {
		t.Fatal(err)
	}
	c, err := NewClient(Options{Envelope: upEnvelope, HTTPClient: earlier.http, APIURL: earlier.base.String(), Concurrency: 8, Retries: -1})
	if err != nil {
		t.Fatal(err)
	}
	if err := getMany(context.Background(), c, 12); err != nil {
		t.Fatal(err)
	}
	if got := srv.RateLimited(); got != 1 {
		t.Errorf("%d requests refused with 429, want 1", got)
	}
	if c.Stats.Retries.Load() != 0 {
		t.Errorf("%d retries, want none", c.Stats.Retries.Load())
	}
}

// TestPacerSlowFirstAnswer: the first request goes alone to learn the
// quota, but a first answer that is slow in coming holds the others only
// for a moment: a server may answer it only after others arrive.
func TestPacerSlowFirstAnswer(t *testing.T) {
	var n atomic.Int64
	second := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			select {
			case <-second:
			case <-time.After(10 * time.Second):
				w.WriteHeader(http.StatusInternalServerError)
				fmt.Fprint(w, `{"meta":{"code":500,"message":"no other request came"},"data":{}}`)
				return
			}
		} else {
			close(second)
		}
		fmt.Fprint(w, page(`{"xid":"a"}`, ""))
	}))
	defer srv.Close()
	c, err := NewClient(Options{Envelope: upEnvelope, HTTPClient: srv.Client(), APIURL: srv.URL + "/nudge/api/v.1.1", Concurrency: 2, Retries: -1})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if err := getMany(context.Background(), c, 2); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < probeWait-50*time.Millisecond || d > probeWait+2*time.Second {
		t.Errorf("took %v, want about %v", d, probeWait)
	}
}
