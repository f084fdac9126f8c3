package auth

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

const (
	callbackPath = "/callback"
	// donePath is where a callback is redirected, so the code does not stay
	// in the address bar, the history or a Referer header.
	donePath = "/done"
	// donePageWait bounds how long the result page waits for the token
	// exchange to finish before it tells the user to look at the terminal.
	donePageWait = 20 * time.Second
)

// callback is the authorization response: a code, or the error that ends
// the flow.
type callback struct {
	code    string
	err     error
	browser bool // came through the listener, so a browser awaits the result page
}

// callbackCheck validates authorization responses (RFC 6749 §4.1.2) from
// the loopback listener and from the terminal alike, and passes the first
// one with the right state on. Anything else is rejected and the login
// keeps waiting, so a local process cannot end somebody's login by sending
// a forged callback.
type callbackCheck struct {
	state  string
	issuer string
	logf   func(string, ...any)

	mu       sync.Mutex
	accepted bool
	result   chan callback // 1-buffered; receives exactly one callback

	outcome    chan struct{} // closed when the login has finished
	outcomeErr error
	shown      chan struct{} // closed when the browser has been shown the outcome
	showOnce   sync.Once
}

func newCallbackCheck(state, issuer string, logf func(string, ...any)) *callbackCheck {
	return &callbackCheck{
		state: state, issuer: issuer, logf: logf,
		result:  make(chan callback, 1),
		outcome: make(chan struct{}),
		shown:   make(chan struct{}),
	}
}

// errRejected marks a callback that is ignored; the login keeps waiting.
var errRejected = errors.New("rejected")

// check validates q (the query of a redirect URL) and, if it carries the
// right state, hands it on and reports nil. A non-nil error wraps
// errRejected and says why; it is safe to show (no values from q but
// cleaned error texts).
func (c *callbackCheck) check(q url.Values, browser bool) error {
	st := q.Get("state")
	if st == "" {
		return fmt.Errorf("%w: no state parameter", errRejected)
	}
	if subtle.ConstantTimeCompare([]byte(st), []byte(c.state)) != 1 {
		return fmt.Errorf("%w: wrong state (not the login this upexport started)", errRejected)
	}
	cb := callback{browser: browser}
	switch {
	case c.issuer != "" && q.Has("iss") && q.Get("iss") != c.issuer:
		cb.err = fmt.Errorf("%w: got %q, expected %q (set --issuer to the server's issuer, or suspect a mix-up attack)",
			ErrIssuerMismatch, clean(q.Get("iss"), 200), c.issuer)
	case q.Get("error") != "":
		cb.err = &AuthorizationError{Code: clean(q.Get("error"), 64), Description: clean(q.Get("error_description"), 300)}
	case q.Get("code") == "":
		return fmt.Errorf("%w: neither code nor error", errRejected)
	default:
		cb.code = q.Get("code")
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.accepted {
		return fmt.Errorf("%w: this login already received its callback", errRejected)
	}
	c.accepted = true
	c.result <- cb
	return nil
}

// finish records how the login ended, for the browser's result page.
func (c *callbackCheck) finish(err error) {
	c.outcomeErr = err
	close(c.outcome)
}

// handler serves the loopback redirect URI. hostPort is the only Host
// header accepted: anything else is a DNS-rebinding page or a confused
// client.
func (c *callbackCheck) handler(hostPort string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Cache-Control", "no-store")
		h.Set("Pragma", "no-cache")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'")

		reject := func(why string) {
			// Never log the query: it may hold a real code.
			c.logf("ignored a request to the login listener (%s %s from %s): %s; still waiting for the real callback",
				r.Method, clean(r.URL.Path, 80), r.RemoteAddr, why)
			page(w, http.StatusBadRequest, "Request rejected", why+". If you are logging in, use the link upexport printed.", false)
		}
		switch {
		case !strings.EqualFold(r.Host, hostPort):
			reject(fmt.Sprintf("unexpected Host header %q", clean(r.Host, 80)))
		case r.Method != http.MethodGet:
			reject("method " + clean(r.Method, 16) + " not allowed")
		case r.URL.Path == donePath && c.isAccepted():
			c.showOutcome(w, r)
		case r.URL.Path != callbackPath:
			reject("unknown path")
		default:
			if err := c.check(r.URL.Query(), true); err != nil {
				reject(strings.TrimPrefix(err.Error(), errRejected.Error()+": "))
				return
			}
			http.Redirect(w, r, donePath, http.StatusSeeOther)
		}
	})
}

func (c *callbackCheck) isAccepted() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.accepted
}

// showOutcome is the page the callback redirects to; it waits for the token
// exchange so it can say whether the login worked.
func (c *callbackCheck) showOutcome(w http.ResponseWriter, r *http.Request) {
	defer c.showOnce.Do(func() { close(c.shown) })
	select {
	case <-c.outcome:
	case <-r.Context().Done():
		return
	case <-time.After(donePageWait):
		page(w, http.StatusOK, "Almost done", "upexport received the authorization. See the terminal for the result.", true)
		return
	}
	if c.outcomeErr != nil {
		page(w, http.StatusOK, "Login failed", clean(c.outcomeErr.Error(), 500), false)
		return
	}
	page(w, http.StatusOK, "Logged in", "upexport is logged in. You can close this tab and return to the terminal.", true)
}

// pageTmpl is self-contained: no scripts, fonts or images from elsewhere,
// and an empty icon so the browser does not request /favicon.ico.
var pageTmpl = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<link rel="icon" href="data:,"><title>upexport: {{.Title}}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:36em;margin:4em auto;padding:0 1em;color:#222}
h1{font-size:1.4em;color:{{if .OK}}#1a7f37{{else}}#b42318{{end}}}</style></head>
<body><h1>{{.Title}}</h1><p>{{.Text}}</p></body></html>
`))

func page(w http.ResponseWriter, status int, title, text string, ok bool) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_ = pageTmpl.Execute(w, struct {
		Title, Text string
		OK          bool
	}{title, text, ok})
}
