package fetch

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestParseQuota(t *testing.T) {
	now := time.Date(2016, 3, 16, 12, 0, 0, 0, time.UTC)
	in := func(d time.Duration) time.Time { return now.Add(d) }
	tests := []struct {
		name    string
		headers []string // name: value
		want    Quota
	}{
		{"none", nil, Quota{Limit: -1, Remaining: -1}},
		{"fitbit", []string{"Fitbit-Rate-Limit-Limit: 150", "Fitbit-Rate-Limit-Remaining: 149", "Fitbit-Rate-Limit-Reset: 2820"},
			Quota{Limit: 150, Remaining: 149, Reset: in(47 * time.Minute)}},
		{"fitbit reset with a fraction", []string{"Fitbit-Rate-Limit-Remaining: 0", "Fitbit-Rate-Limit-Reset: 1.25"},
			Quota{Limit: -1, Remaining: 0, Reset: in(1250 * time.Millisecond)}},
		{"x-ratelimit reset in seconds", []string{"X-RateLimit-Limit: 60", "X-RateLimit-Remaining: 59", "X-RateLimit-Reset: 30"},
			Quota{Limit: 60, Remaining: 59, Reset: in(30 * time.Second)}},
		{"x-ratelimit reset as a Unix time", []string{"X-RateLimit-Limit: 5000", "X-RateLimit-Remaining: 4999", "X-RateLimit-Reset: 1458133200"},
			Quota{Limit: 5000, Remaining: 4999, Reset: time.Unix(1458133200, 0)}},
		{"x-ratelimit reset in Unix milliseconds", []string{"X-RateLimit-Remaining: 3", "X-RateLimit-Reset: 1458133200500"},
			Quota{Limit: -1, Remaining: 3, Reset: time.UnixMilli(1458133200500)}},
		{"x-ratelimit reset as a fractional Unix time", []string{"X-RateLimit-Reset: 1458133200.25"},
			Quota{Limit: -1, Remaining: -1, Reset: time.Unix(1458133200, 250e6)}},
		{"ietf draft fields", []string{"RateLimit-Limit: 100", "RateLimit-Remaining: 50", "RateLimit-Reset: 30"},
			Quota{Limit: 100, Remaining: 50, Reset: in(30 * time.Second)}},
		{"ietf draft limit with a policy", []string{"RateLimit-Limit: 10, 10;w=1, 1000;w=3600", "RateLimit-Remaining: 9", "RateLimit-Reset: 1"},
			Quota{Limit: 10, Remaining: 9, Reset: in(time.Second)}},
		{"ietf structured", []string{`RateLimit: "default";r=50;t=30`, `RateLimit-Policy: "default";q=100;w=60`},
			Quota{Limit: 100, Remaining: 50, Reset: in(30 * time.Second)}},
		{"ietf structured, the policy with least left binds", []string{
			`RateLimit: "hour";r=40;t=1800, "day";r=7;t=40000`, `RateLimit-Policy: "hour";q=100;w=3600, "day";q=1000;w=86400`},
			Quota{Limit: 1000, Remaining: 7, Reset: in(40000 * time.Second)}},
		{"ietf structured, token names and no t", []string{`RateLimit: burst;r=3`, `RateLimit-Policy: burst;q=5;w=1`},
			Quota{Limit: 5, Remaining: 3}},
		{"ietf structured, unnamed policy", []string{`RateLimit: "p";r=3;t=2`, `RateLimit-Policy: "other";q=5;w=1`},
			Quota{Limit: 5, Remaining: 3, Reset: in(2 * time.Second)}},
		{"ietf structured that does not parse falls back", []string{`RateLimit: limit=5, remaining=2`, "X-RateLimit-Remaining: 2"},
			Quota{Limit: -1, Remaining: 2}},
		{"retry-after seconds", []string{"Retry-After: 120"}, Quota{Limit: -1, Remaining: -1, RetryAt: in(2 * time.Minute)}},
		{"retry-after date", []string{"Retry-After: " + in(90*time.Second).Format(http.TimeFormat)},
			Quota{Limit: -1, Remaining: -1, RetryAt: in(90 * time.Second)}},
		{"retry-after with fitbit", []string{"Retry-After: 5", "Fitbit-Rate-Limit-Limit: 150", "Fitbit-Rate-Limit-Remaining: 0", "Fitbit-Rate-Limit-Reset: 4"},
			Quota{Limit: 150, Remaining: 0, Reset: in(4 * time.Second), RetryAt: in(5 * time.Second)}},
		{"fitbit wins over x-ratelimit", []string{"Fitbit-Rate-Limit-Remaining: 10", "X-RateLimit-Remaining: 900"},
			Quota{Limit: -1, Remaining: 10}},
		{"garbage", []string{"X-RateLimit-Limit: many", "X-RateLimit-Remaining: -3", "X-RateLimit-Reset: NaN"},
			Quota{Limit: -1, Remaining: -1}},
		{"a negative reset", []string{"RateLimit-Remaining: 1", "RateLimit-Reset: -5"}, Quota{Limit: -1, Remaining: 1}},
		{"a count too large", []string{"X-RateLimit-Remaining: 99999999999999999999999"}, Quota{Limit: -1, Remaining: 1<<31 - 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			for _, kv := range tt.headers {
				k, v, _ := strings.Cut(kv, ": ")
				h.Add(k, v)
			}
			got := parseQuota(h, now)
			if got.Limit != tt.want.Limit || got.Remaining != tt.want.Remaining ||
				!got.Reset.Equal(tt.want.Reset) || !got.RetryAt.Equal(tt.want.RetryAt) {
				t.Fatalf("parseQuota(%q)\n got %+v\nwant %+v", tt.headers, got, tt.want)
			}
		})
	}
}

func TestQuotaComeBack(t *testing.T) {
	now := time.Date(2016, 3, 16, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		q    Quota
		want time.Time
		ok   bool
	}{
		{Quota{Limit: -1, Remaining: -1}, time.Time{}, false},
		{Quota{Limit: 5, Remaining: 2, Reset: now.Add(time.Minute)}, time.Time{}, false}, // not spent: no hint
		{Quota{Limit: 5, Remaining: 0, Reset: now.Add(time.Minute)}, now.Add(time.Minute), true},
		{Quota{Limit: -1, Remaining: -1, RetryAt: now.Add(time.Second)}, now.Add(time.Second), true},
		{Quota{Remaining: 0, Reset: now.Add(time.Second), RetryAt: now.Add(time.Minute)}, now.Add(time.Minute), true},
		{Quota{Remaining: 0, Reset: now.Add(time.Minute), RetryAt: now.Add(time.Second)}, now.Add(time.Minute), true},
	}
	for _, tt := range tests {
		got, ok := tt.q.comeBack()
		if !got.Equal(tt.want) || ok != tt.ok {
			t.Errorf("%+v.comeBack() = %v, %v; want %v, %v", tt.q, got, ok, tt.want, tt.ok)
		}
	}
}

// FuzzQuotaHeaders: whatever the headers say, the quota read from them is
// consistent: counts are -1 or not negative, and no reset or Retry-After
// lies before the response when it was given as a delay.
func FuzzQuotaHeaders(f *testing.F) {
	now := time.Date(2016, 3, 16, 12, 0, 0, 0, time.UTC)
	f.Add("Fitbit-Rate-Limit", "150", "0", "2820", "", "", "7")
	f.Add("X-RateLimit", "5000", "4999", "1458133200", "", "", "")
	f.Add("X-RateLimit", "60", "59", "1458133200500.5", "", "", "")
	f.Add("RateLimit", "10, 10;w=1", "9", "1", "", "", "")
	f.Add("", "", "", "", `"default";r=50;t=30`, `"default";q=100;w=60`, "")
	f.Add("", "", "", "", `a;r=1;t=9999999999999, b;r=0`, `b;q=-1`, "Wed, 21 Oct 2015 07:28:00 GMT")
	f.Add("X-RateLimit", "-1", "1e400", "1e15", `"x";r=?1`, `;;`, "-5")
	f.Fuzz(func(t *testing.T, family, limit, remaining, reset, rl, policy, retry string) {
		h := http.Header{}
		if family != "" {
			h.Set(family+"-Limit", limit)
			h.Set(family+"-Remaining", remaining)
			h.Set(family+"-Reset", reset)
		}
		if rl != "" {
			h.Set("RateLimit", rl)
		}
		if policy != "" {
			h.Set("RateLimit-Policy", policy)
		}
		if retry != "" {
			h.Set("Retry-After", retry)
		}
		q := parseQuota(h, now)
		if q.Limit < -1 || q.Remaining < -1 {
			t.Fatalf("negative count: %+v", q)
		}
		if !q.RetryAt.IsZero() && q.RetryAt.Before(now) {
			t.Fatalf("Retry-After before the response: %+v", q)
		}
		// A reset before the response can only be a Unix time.
		if !q.Reset.IsZero() && q.Reset.Before(now) && q.Reset.Before(time.Unix(epochSeconds, 0)) {
			t.Fatalf("reset before the response: %+v", q)
		}
		if until, ok := q.comeBack(); ok != !until.IsZero() {
			t.Fatalf("comeBack %v, %v", until, ok)
		}
	})
}
