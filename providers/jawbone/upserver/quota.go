package upserver

import (
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Quota limits each user's API requests to Limit per Window, as Fitbit
// does (150 an hour): a fixed window that starts with the user's first
// request after the last window ended. Every API response of an
// authenticated user carries Fitbit-Rate-Limit-Limit, -Remaining and
// -Reset (seconds until the window ends); a request past the limit gets a
// 429 with Retry-After and is not counted. The zero Quota is no limit.
type Quota struct {
	Limit  int
	Window time.Duration
}

func (q Quota) String() string {
	if q.Limit == 0 {
		return "none"
	}
	return fmt.Sprintf("%d/%s", q.Limit, q.Window)
}

// quotaKeeper counts each user's requests in the current window.
type quotaKeeper struct {
	q        Quota
	mu       sync.Mutex
	windows  map[int]*quotaWindow
	rejected int64
}

type quotaWindow struct {
	end  time.Time
	used int
}

// take counts a request of user at now, unless the window's quota is
// spent. It says what is left and when the window ends.
func (k *quotaKeeper) take(user int, now time.Time) (remaining int, end time.Time, ok bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	w := k.windows[user]
	if w == nil || !now.Before(w.end) {
		w = &quotaWindow{end: now.Add(k.q.Window)}
		k.windows[user] = w
	}
	if w.used >= k.q.Limit {
		k.rejected++
		return 0, w.end, false
	}
	w.used++
	return k.q.Limit - w.used, w.end, true
}

// serve applies the quota to one request of user: it sets the quota
// headers and reports whether the request may be answered; if not, it
// has set Retry-After and returns the 429 to send.
func (k *quotaKeeper) serve(w http.ResponseWriter, user int, now time.Time) *apiError {
	remaining, end, ok := k.take(user, now)
	h := w.Header()
	h.Set("Fitbit-Rate-Limit-Limit", strconv.Itoa(k.q.Limit))
	h.Set("Fitbit-Rate-Limit-Remaining", strconv.Itoa(remaining))
	h.Set("Fitbit-Rate-Limit-Reset", resetSeconds(end.Sub(now), k.q.Window < time.Minute))
	if ok {
		return nil
	}
	secs := int64((end.Sub(now) + time.Second - 1) / time.Second)
	h.Set("Retry-After", strconv.FormatInt(secs, 10))
	return apiErr(http.StatusTooManyRequests, "rate_limit",
		fmt.Sprintf("the quota of %d requests per %s is spent; it comes back in %ds", k.q.Limit, k.q.Window, secs))
}

// resetSeconds is a wait in seconds, rounded up. Fitbit sends whole
// seconds, which is exact enough for its hour; a demo window of a few
// seconds would be overrun by most of a second each time, so with fraction
// the wait keeps its milliseconds.
func resetSeconds(d time.Duration, fraction bool) string {
	if !fraction {
		return strconv.FormatInt(int64((d+time.Second-1)/time.Second), 10)
	}
	ms := (d + time.Millisecond - 1) / time.Millisecond
	if ms%1000 == 0 {
		return strconv.FormatInt(int64(ms/1000), 10)
	}
	return strconv.FormatFloat(float64(ms)/1000, 'f', -1, 64)
}

// RateLimited is the number of API requests refused with a 429 because
// the user's quota was spent (faults not included).
func (s *Server) RateLimited() int64 {
	if s.quota == nil {
		return 0
	}
	s.quota.mu.Lock()
	defer s.quota.mu.Unlock()
	return s.quota.rejected
}
