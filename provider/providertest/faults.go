package providertest

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
)

// faults wraps an emulator and misbehaves on API requests as a real
// network and server do: errors, cut bodies, a revoked access token, a
// resource that always fails. Requests outside the API (the login) pass.
type faults struct {
	next    http.Handler
	apiPath string

	mu sync.Mutex
	n  int // API requests so far
	// every500 and everyDrop fail every Nth API request (0: never).
	every500, everyDrop int
	// unauthorizedAt answers the API request with this number 401 once.
	unauthorizedAt int
	// failPath makes every API request whose path holds it answer 500.
	failPath string
	// after, when set, is called once the API request with this number
	// arrives (before it is served): a test stops its run there.
	afterN int
	after  func()
	served int // API requests answered with the emulator's own answer
}

func (f *faults) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !strings.HasPrefix(r.URL.Path, f.apiPath) {
		f.next.ServeHTTP(w, r)
		return
	}
	f.mu.Lock()
	f.n++
	n := f.n
	after := f.after
	if after != nil && n == f.afterN {
		f.after = nil
	} else {
		after = nil
	}
	f.mu.Unlock()
	if after != nil {
		after()
	}
	switch {
	case f.failPath != "" && strings.Contains(r.URL.Path, f.failPath):
		http.Error(w, `{"error":"injected"}`, http.StatusInternalServerError)
		return
	case n == f.unauthorizedAt:
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
		http.Error(w, `{"error":"invalid_token"}`, http.StatusUnauthorized)
		return
	case f.every500 > 0 && n%f.every500 == 0:
		http.Error(w, `{"error":"injected"}`, http.StatusInternalServerError)
		return
	case f.everyDrop > 0 && n%f.everyDrop == 0:
		// The emulator's answer, cut in the middle of its body.
		rec := httptest.NewRecorder()
		f.next.ServeHTTP(rec, r)
		body := rec.Body.Bytes()
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(rec.Code)
		w.Write(body[:len(body)/2])
		if fl, ok := w.(http.Flusher); ok {
			fl.Flush()
		}
		panic(http.ErrAbortHandler) // closes the connection mid-body
	}
	f.mu.Lock()
	f.served++
	f.mu.Unlock()
	f.next.ServeHTTP(w, r)
}
