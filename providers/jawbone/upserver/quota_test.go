package upserver

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestQuotaFixedWindowPerUser(t *testing.T) {
	clock := newFakeClock()
	s, ts := startServer(t, Config{Users: 2, Quota: Quota{3, 10 * time.Second}, Now: clock.Now})
	tok0, _, _ := s.IssueToken(0, nil)
	tok1, _, _ := s.IssueToken(1, nil)
	get := func(tok string) (int, http.Header) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, ts.URL+APIPrefix+"/users/@me", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode, resp.Header
	}
	type want struct {
		status                       int
		remaining, reset, retryAfter string
	}
	check := func(step string, tok string, w want) {
		t.Helper()
		status, h := get(tok)
		if status != w.status || h.Get("Fitbit-Rate-Limit-Limit") != "3" || h.Get("Fitbit-Rate-Limit-Remaining") != w.remaining ||
			h.Get("Fitbit-Rate-Limit-Reset") != w.reset || h.Get("Retry-After") != w.retryAfter {
			t.Errorf("%s: %d limit %q remaining %q reset %q Retry-After %q; want %+v", step, status,
				h.Get("Fitbit-Rate-Limit-Limit"), h.Get("Fitbit-Rate-Limit-Remaining"), h.Get("Fitbit-Rate-Limit-Reset"), h.Get("Retry-After"), w)
		}
	}
	check("first", tok0, want{200, "2", "10", ""})
	clock.Advance(time.Second)
	check("second", tok0, want{200, "1", "9", ""})
	check("third", tok0, want{200, "0", "9", ""})
	clock.Advance(4500 * time.Millisecond)
	check("spent", tok0, want{429, "0", "4.5", "5"})
	check("another user", tok1, want{200, "2", "10", ""})
	clock.Advance(4400 * time.Millisecond)
	check("still spent", tok0, want{429, "0", "0.1", "1"})
	if got := s.RateLimited(); got != 2 {
		t.Errorf("RateLimited %d, want 2", got)
	}
	clock.Advance(100 * time.Millisecond) // the window ends at 10 s
	check("next window", tok0, want{200, "2", "10", ""})
	status, h := get("")
	if status != http.StatusUnauthorized || h.Get("Fitbit-Rate-Limit-Remaining") != "" {
		t.Errorf("without a token: %d with quota headers %v", status, h)
	}
}

func TestQuotaResetInWholeSecondsForLongWindows(t *testing.T) {
	clock := newFakeClock()
	s, ts := startServer(t, Config{Quota: Quota{150, time.Hour}, Now: clock.Now})
	tok, _, _ := s.IssueToken(0, nil)
	_, _, _ = apiGet(t, ts, tok, APIPrefix+"/users/@me")
	clock.Advance(1500 * time.Millisecond)
	req, _ := http.NewRequest(http.MethodGet, ts.URL+APIPrefix+"/users/@me", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := resp.Header.Get("Fitbit-Rate-Limit-Reset"); got != "3599" || strings.Contains(got, ".") {
		t.Errorf("reset %q, want 3599 (3598.5 rounded up)", got)
	}
}

func TestQuotaConfigRefused(t *testing.T) {
	for _, q := range []Quota{{-1, time.Hour}, {5, 0}, {5, -time.Second}} {
		if _, err := New(Config{Quota: q}); err == nil {
			t.Errorf("New with quota %+v: no error", q)
		}
	}
}
