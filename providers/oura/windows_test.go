package oura_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/upexport/upexport/fetch"
	"github.com/upexport/upexport/provider"
	"github.com/upexport/upexport/providers/oura"
	"github.com/upexport/upexport/providers/oura/ouraserver"
)

// bearer adds an access token to every request.
type bearer struct {
	token string
	next  http.RoundTripper
}

func (b bearer) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+b.token)
	return b.next.RoundTrip(r)
}

// read runs a resource's paginator against an emulator whose data ends
// on 2024-11-15 and returns the days of its items, in order, each once.
func read(t *testing.T, srv *ouraserver.Server, r provider.Resource, w fetch.Window) []int64 {
	t.Helper()
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	tok, _, err := srv.IssueToken(nil)
	if err != nil {
		t.Fatal(err)
	}
	hc := hs.Client()
	hc.Transport = bearer{tok, hc.Transport}
	c, err := fetch.NewClient(fetch.Options{HTTPClient: hc, APIURL: srv.Info(hs.URL).APIURL, Retries: 1, MaxWait: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	var days []int64
	err = r.Paginator.Paginate(context.Background(), c, fetch.Read{Endpoint: r.Name, Path: r.Path, Window: w}, func(pg fetch.Page) error {
		for _, it := range pg.Items {
			k, err := r.Keys(it)
			if err != nil {
				return err
			}
			if !slices.Contains(days, k.Day) {
				days = append(days, k.Day)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(days)
	return days
}

// TestWindowsKeepEdgeDays reads five months, which take two 90-day
// windows, of the collections whose date filters drop edge days (§5):
// every day of the range comes, and none outside it.
func TestWindowsKeepEdgeDays(t *testing.T) {
	end := time.Date(2024, 11, 15, 0, 0, 0, 0, time.UTC)
	srv, err := ouraserver.New(ouraserver.Config{End: end, Days: 400, RateLimit: ouraserver.RateLimit{Off: true}})
	if err != nil {
		t.Fatal(err)
	}
	since, until := time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC), time.Date(2024, 11, 10, 0, 0, 0, 0, time.UTC)
	var want []int64
	for d := since; !d.After(until); d = d.AddDate(0, 0, 1) {
		y, m, dd := d.Date()
		want = append(want, int64(y)*10000+int64(m)*100+int64(dd))
	}
	p := oura.New()
	for _, name := range []string{oura.DailyActivity, oura.Sleep, "daily_sleep", "daily_readiness", "sleep_hrv"} {
		r, _ := p.Lookup(name)
		got := read(t, srv, r, fetch.Window{Since: since, Until: until, Now: end})
		if !slices.Equal(got, want) {
			t.Errorf("%s: %d days from %v to %v, want the %d from %d to %d (missing %v)", name, len(got), first(got), last(got),
				len(want), want[0], want[len(want)-1], missing(want, got))
		}
	}
}

func first(s []int64) any {
	if len(s) == 0 {
		return nil
	}
	return s[0]
}

func last(s []int64) any {
	if len(s) == 0 {
		return nil
	}
	return s[len(s)-1]
}

func missing(want, got []int64) []int64 {
	var out []int64
	for _, w := range want {
		if !slices.Contains(got, w) {
			out = append(out, w)
		}
	}
	return out
}

// TestDemoQuota: a quota given to the demo becomes the emulator's rate
// limit, announced with Oura's five headers.
func TestDemoQuota(t *testing.T) {
	demo, err := oura.New().NewDemo(provider.DemoOptions{Seed: 1, Days: 5, Quota: provider.Quota{Limit: 2, Window: time.Minute}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(demo)
	defer srv.Close()
	info := demo.Info(srv.URL)
	// The login with the demo's client, as export --demo does it, is the
	// conformance suite's; here a request without a token is enough to
	// show it is not counted, and two with one are.
	resp, err := http.Get(info.APIURL + "/daily_sleep")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("without a token: %d", resp.StatusCode)
	}
	tok := issue(t, demo)
	var last *http.Response
	for range 3 {
		req, _ := http.NewRequest("GET", info.APIURL+"/daily_sleep", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		if last, err = http.DefaultClient.Do(req); err != nil {
			t.Fatal(err)
		}
		var body json.RawMessage
		_ = json.NewDecoder(last.Body).Decode(&body)
		last.Body.Close()
	}
	if last.StatusCode != http.StatusTooManyRequests || last.Header.Get("X-RateLimit-Limit") != "2" || last.Header.Get("X-RateLimit-Window") != "60" {
		t.Errorf("third request: %d, headers %v", last.StatusCode, last.Header)
	}
}

// issue gets a token from the demo's emulator without the browser flow.
func issue(t *testing.T, demo provider.Demo) string {
	t.Helper()
	is, ok := demo.(interface {
		IssueToken([]string) (string, string, error)
	})
	if !ok {
		t.Fatalf("%T cannot issue tokens", demo)
	}
	tok, _, err := is.IssueToken(nil)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}
