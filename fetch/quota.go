package fetch

import (
	"errors"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/dunglas/httpsfv"
)

// Quota is what one response said about the caller's request quota. APIs
// say it in several dialects; parseQuota reads them all into this.
type Quota struct {
	Limit     int       // requests allowed per window; -1 when not said
	Remaining int       // requests left in the current window; -1 when not said
	Reset     time.Time // when the window's quota comes back; zero when not said
	RetryAt   time.Time // Retry-After: send nothing before; zero when not said
}

// Known reports whether the response said anything about the quota.
func (q Quota) Known() bool {
	return q.Limit >= 0 || q.Remaining >= 0 || !q.Reset.IsZero() || !q.RetryAt.IsZero()
}

// comeBack is when a 429 with these headers says to try again: the later
// of its Retry-After and, when the quota is spent, its reset.
func (q Quota) comeBack() (time.Time, bool) {
	t := q.RetryAt
	if q.Remaining == 0 && q.Reset.After(t) {
		t = q.Reset
	}
	return t, !t.IsZero()
}

// quotaFamilies are the header dialects of a quota, most specific first:
// a response that speaks one of them is read in that one only, since
// mixing the fields of two (say an hourly and a daily limit) would pair a
// remaining count with another window's reset.
var quotaFamilies = []struct{ limit, remaining, reset string }{
	{"Fitbit-Rate-Limit-Limit", "Fitbit-Rate-Limit-Remaining", "Fitbit-Rate-Limit-Reset"},
	{"RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"}, // the IETF draft's first form
	{"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"},
}

// parseQuota reads the quota headers of a response received at now.
// Fields it cannot read are left unknown; it never fails.
func parseQuota(h http.Header, now time.Time) Quota {
	q := Quota{Limit: -1, Remaining: -1}
	if d, ok := retryAfter(h.Get("Retry-After"), now); ok {
		q.RetryAt = now.Add(d)
	}
	if v := h.Values("RateLimit"); len(v) > 0 {
		if structuredQuota(&q, v, h.Values("RateLimit-Policy"), now) {
			return q
		}
	}
	for _, f := range quotaFamilies {
		limit, lok := count(h.Get(f.limit))
		remaining, rok := count(h.Get(f.remaining))
		reset, sok := resetTime(h.Get(f.reset), now)
		if !lok && !rok && !sok {
			continue
		}
		if lok {
			q.Limit = limit
		}
		if rok {
			q.Remaining = remaining
		}
		if sok {
			q.Reset = reset
		}
		return q
	}
	return q
}

// structuredQuota reads the IETF structured form,
//
//	RateLimit: "default";r=50;t=30
//	RateLimit-Policy: "default";q=100;w=60
//
// where r is what is left, t the seconds until it comes back and q the
// policy's quota. Of several policies the one with the least left binds.
func structuredQuota(q *Quota, rl, policy []string, now time.Time) bool {
	list, err := httpsfv.UnmarshalList(rl)
	if err != nil {
		return false
	}
	var best *httpsfv.Item
	bestR := int64(math.MaxInt64)
	for _, m := range list {
		it, ok := m.(httpsfv.Item)
		if !ok || it.Params == nil {
			continue
		}
		r, ok := intParam(it.Params, "r")
		if !ok || r >= bestR {
			continue
		}
		best, bestR = &it, r
	}
	if best == nil {
		return false
	}
	q.Remaining = clampInt(bestR)
	if t, ok := intParam(best.Params, "t"); ok {
		q.Reset = now.Add(seconds(float64(t)))
	}
	if pl, err := httpsfv.UnmarshalList(policy); err == nil {
		var only *httpsfv.Item
		for _, m := range pl {
			it, ok := m.(httpsfv.Item)
			if !ok || it.Params == nil {
				continue
			}
			if only == nil {
				only = &it
			}
			if samePolicy(it.Value, best.Value) {
				only = &it
				break
			}
		}
		if only != nil && (len(pl) == 1 || samePolicy(only.Value, best.Value)) {
			if l, ok := intParam(only.Params, "q"); ok {
				q.Limit = clampInt(l)
			}
		}
	}
	return true
}

func samePolicy(a, b any) bool {
	name := func(v any) (string, bool) {
		switch v := v.(type) {
		case string:
			return v, true
		case httpsfv.Token:
			return string(v), true
		}
		return "", false
	}
	an, aok := name(a)
	bn, bok := name(b)
	return aok && bok && an == bn
}

func intParam(p *httpsfv.Params, key string) (int64, bool) {
	v, ok := p.Get(key)
	if !ok {
		return 0, false
	}
	n, ok := v.(int64)
	return n, ok && n >= 0
}

// count reads a limit or remaining count. The IETF draft's first form may
// follow the number with a policy ("100, 100;w=60"): the first number is
// the one that binds.
func count(v string) (int, bool) {
	if i := strings.IndexAny(v, ",;"); i >= 0 {
		v = v[:i]
	}
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil && !(errors.Is(err, strconv.ErrRange) && n > 0) || n < 0 {
		return 0, false
	}
	return clampInt(n), true
}

func clampInt(n int64) int {
	if n > math.MaxInt32 {
		return math.MaxInt32
	}
	return int(n)
}

// Magnitudes that tell a reset's form apart: a delay of more than 30
// years is no delay, so a number that large is a Unix time, and one that
// large again a Unix time in milliseconds.
const (
	epochSeconds = 1e9
	epochMillis  = 1e12
	maxReset     = 1e15 // beyond even milliseconds of any plausible date
)

// resetTime reads a reset field: seconds until the reset (the Fitbit and
// IETF forms, and many X-RateLimit APIs) or the Unix time of the reset
// (GitHub's X-RateLimit-Reset), told apart by magnitude. Fractions of a
// second are kept.
func resetTime(v string, now time.Time) (time.Time, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}, false
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsNaN(f) || f < 0 || f > maxReset {
		return time.Time{}, false
	}
	switch {
	case f >= epochMillis:
		return time.UnixMilli(int64(f)), true
	case f >= epochSeconds:
		sec, frac := math.Modf(f)
		return time.Unix(int64(sec), int64(frac*1e9)), true
	}
	return now.Add(seconds(f)), true
}

func seconds(f float64) time.Duration {
	if f >= float64(math.MaxInt64/time.Second) {
		return time.Duration(math.MaxInt64)
	}
	return time.Duration(f * float64(time.Second))
}
