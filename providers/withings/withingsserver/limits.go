package withingsserver

import (
	"bytes"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// limiter counts each user's requests in the current window.
type limiter struct {
	cfg RateLimit
	now func() time.Time

	mu      sync.Mutex
	windows map[string]*window
}

type window struct {
	end  time.Time
	used int
}

func newLimiter(cfg RateLimit, now func() time.Time) *limiter {
	return &limiter{cfg: cfg, now: now, windows: map[string]*window{}}
}

// allow counts a request of user, or refuses it with the whole seconds to
// wait until the window closes (at least 1).
func (l *limiter) allow(user string) (wait int64, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	w := l.windows[user]
	if w == nil || !now.Before(w.end) {
		w = &window{end: now.Add(l.cfg.Window)}
		l.windows[user] = w
	}
	if w.used >= l.cfg.Limit {
		secs := int64((w.end.Sub(now) + time.Second - 1) / time.Second)
		return max(secs, 1), false
	}
	w.used++
	return 0, true
}

// serveFaulty runs handle for the n-th data request, or a fault instead.
func (s *Server) serveFaulty(w http.ResponseWriter, r *http.Request, n int64, handle func(http.ResponseWriter)) {
	f := s.cfg.Faults
	if f.Slow > 0 {
		t := time.NewTimer(f.Slow)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return // the client went away; nothing to answer
		}
	}
	every := func(k int) bool { return k > 0 && n%int64(k) == 0 }
	switch {
	case every(f.Every5xx):
		// What a proxy in front of the API sends: not the JSON envelope.
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(f.Status5xx)
		_, _ = w.Write([]byte("<html><body><h1>" + strconv.Itoa(f.Status5xx) + " " + http.StatusText(f.Status5xx) + "</h1></body></html>\n"))
	case every(f.EveryTruncate):
		truncate(w, handle)
	case every(f.EveryTimeout):
		writeError(w, inband(statusTimeout, "Timeout (injected fault)"))
	default:
		handle(w)
	}
}

// truncate renders the answer in memory, sends its headers with the full
// Content-Length and the first half of the body, then aborts the
// connection, so the client sees an unexpected EOF mid-body.
func truncate(w http.ResponseWriter, handle func(http.ResponseWriter)) {
	rec := &recorder{header: http.Header{}, status: http.StatusOK}
	handle(rec)
	for k, vs := range rec.header {
		w.Header()[k] = vs
	}
	body := rec.body.Bytes()
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(rec.status)
	_, _ = w.Write(body[:len(body)/2])
	if fl, ok := w.(http.Flusher); ok {
		fl.Flush()
	}
	// net/http closes the connection without logging for this value.
	panic(http.ErrAbortHandler)
}

// recorder is a minimal in-memory ResponseWriter for truncate.
type recorder struct {
	header http.Header
	status int
	wrote  bool
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header { return r.header }
func (r *recorder) WriteHeader(code int) {
	if !r.wrote {
		r.status, r.wrote = code, true
	}
}
func (r *recorder) Write(b []byte) (int, error) {
	r.wrote = true
	return r.body.Write(b)
}
