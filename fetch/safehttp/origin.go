// Package safehttp builds the HTTP clients upexport talks to the API and
// the token endpoint with: credentials stay on the origin they were meant
// for, URLs in messages carry no passwords, and a server that stops
// answering is given up on instead of waited for forever.
package safehttp

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// MaxRedirects caps the redirects one request may follow.
const MaxRedirects = 5

// ErrCrossOrigin is wrapped by the error of a redirect to another origin.
// Retrying cannot help: the server will redirect again.
var ErrCrossOrigin = errors.New("redirect to another origin refused")

// ErrTooManyRedirects is wrapped when a request was redirected more than
// MaxRedirects times.
var ErrTooManyRedirects = errors.New("too many redirects")

// RedirectError is a redirect the client refused to follow.
type RedirectError struct {
	From, To string // redacted
	Err      error  // ErrCrossOrigin or ErrTooManyRedirects
}

func (e *RedirectError) Error() string {
	if errors.Is(e.Err, ErrTooManyRedirects) {
		return fmt.Sprintf("stopped after %d redirects, at %s to %s", MaxRedirects, e.From, e.To)
	}
	return fmt.Sprintf("refused the redirect from %s to %s: another origin must not receive the credentials", e.From, e.To)
}

func (e *RedirectError) Unwrap() error { return e.Err }

// CheckRedirect is an http.Client CheckRedirect that follows a redirect
// only within the origin (scheme, host and port) of the first request,
// and at most MaxRedirects times. The Authorization header is added by a
// RoundTripper on every hop (golang.org/x/oauth2 does the same), so the
// client's own stripping of it on a host change never happens: the only
// safe place to stop the token is here.
func CheckRedirect(req *http.Request, via []*http.Request) error {
	if len(via) == 0 {
		return nil
	}
	prev := via[len(via)-1].URL
	if !SameOrigin(via[0].URL, req.URL) {
		return &RedirectError{From: Redact(prev.String()), To: Redact(req.URL.String()), Err: ErrCrossOrigin}
	}
	if len(via) >= MaxRedirects {
		return &RedirectError{From: Redact(prev.String()), To: Redact(req.URL.String()), Err: ErrTooManyRedirects}
	}
	return nil
}

// WithCheckRedirect returns a copy of hc (or of a zero client) whose
// redirects are checked by CheckRedirect first, then by hc's own check.
func WithCheckRedirect(hc *http.Client) *http.Client {
	var c http.Client
	if hc != nil {
		c = *hc
	}
	own := c.CheckRedirect
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if err := CheckRedirect(req, via); err != nil {
			return err
		}
		if own != nil {
			return own(req, via)
		}
		return nil
	}
	return &c
}

// SameOrigin reports whether a and b have the same scheme, host and port,
// with a missing port taken as the scheme's default.
func SameOrigin(a, b *url.URL) bool {
	return Origin(a) == Origin(b)
}

// Origin is u's scheme://host:port, lower-cased, with the default port
// made explicit.
func Origin(u *url.URL) string {
	scheme := strings.ToLower(u.Scheme)
	host, port := strings.ToLower(u.Hostname()), u.Port()
	if port == "" {
		switch scheme {
		case "http":
			port = "80"
		case "https":
			port = "443"
		}
	}
	return scheme + "://" + host + ":" + port
}

// RedactError redacts the URL of the *url.Error in err's chain, which
// net/http fills in with only the password hidden (a user name may be a
// token), and returns err.
func RedactError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		ue.URL = Redact(ue.URL)
	}
	return err
}

// Redact returns raw with the password of its userinfo replaced by
// "xxxxx" (url.URL.Redacted), or a user name without password (which may
// be a token) replaced by it. A URL that does not parse loses its whole
// userinfo: url.Parse's own error would repeat it. Anything else is
// returned as it was.
func Redact(raw string) string {
	if u, err := url.Parse(raw); err == nil {
		if u.User == nil {
			return raw
		}
		if _, ok := u.User.Password(); !ok {
			u.User = url.User("xxxxx")
		}
		return u.Redacted()
	}
	i := strings.Index(raw, "://")
	if i < 0 {
		return raw
	}
	rest := raw[i+3:]
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		end = len(rest)
	}
	at := strings.LastIndex(rest[:end], "@")
	if at < 0 {
		return raw
	}
	return raw[:i+3] + "xxxxx@" + rest[at+1:]
}
