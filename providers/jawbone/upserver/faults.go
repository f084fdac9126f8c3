package upserver

import (
	"bytes"
	"net/http"
	"strconv"
	"time"
)

// faultInjector decides, from the API request's sequence number, whether
// the request is answered normally or with a fault.
type faultInjector struct{ cfg Faults }

// serve runs handle for the n-th API request (1-based), or a fault instead.
func (f *faultInjector) serve(w http.ResponseWriter, r *http.Request, n int64, s *Server, handle func(http.ResponseWriter)) {
	if f.cfg.Slow > 0 {
		t := time.NewTimer(f.cfg.Slow)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return // the client went away; nothing to answer
		}
	}
	every := func(k int) bool { return k > 0 && n%int64(k) == 0 }
	switch {
	case every(f.cfg.Every429):
		secs := int64((f.cfg.RetryAfter + time.Second - 1) / time.Second)
		w.Header().Set("Retry-After", strconv.FormatInt(secs, 10))
		s.writeAPIError(w, r, "", apiErr(http.StatusTooManyRequests, "rate_limit", "too many requests (injected fault); retry after "+strconv.FormatInt(secs, 10)+"s"))
	case every(f.cfg.Every500):
		s.writeAPIError(w, r, "", apiErr(http.StatusInternalServerError, "server_error", "internal error (injected fault)"))
	case every(f.cfg.EveryDrop):
		drop(w, handle)
	default:
		handle(w)
	}
}

// drop renders the response in memory, sends its headers with the full
// Content-Length and the first half of the body, then aborts the
// connection, so the client sees an unexpected EOF mid-body.
func drop(w http.ResponseWriter, handle func(http.ResponseWriter)) {
	rec := &recorder{header: make(http.Header), status: http.StatusOK}
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

// recorder is a minimal in-memory ResponseWriter for drop.
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
