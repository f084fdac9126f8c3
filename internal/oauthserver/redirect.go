package oauthserver

import (
	"errors"
	"fmt"
	"net/url"
)

// checkRedirectURI accepts the redirect URIs every client is registered
// with: loopback HTTP on any port and any path (RFC 8252 section 7.3), what
// a native app such as upexport registers. Anything else is refused, and
// the caller must not redirect to it.
func checkRedirectURI(raw string) (*url.URL, error) {
	if raw == "" {
		return nil, errors.New("redirect_uri is missing")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("redirect_uri is not a URL: %w", err)
	}
	switch {
	case u.Scheme != "http":
		return nil, fmt.Errorf("redirect_uri %q: only loopback http:// redirects are registered for this client", raw)
	case u.Opaque != "" || u.User != nil:
		return nil, fmt.Errorf("redirect_uri %q is not an absolute http URL without user info", raw)
	case u.Fragment != "" || u.RawFragment != "":
		return nil, fmt.Errorf("redirect_uri %q must not have a fragment (RFC 6749 §3.1.2)", raw)
	}
	switch u.Hostname() {
	case "127.0.0.1", "::1", "localhost":
	default:
		return nil, fmt.Errorf("redirect_uri %q: host must be 127.0.0.1, [::1] or localhost (RFC 8252 §7.3)", raw)
	}
	if h := u.Host; h == "::1" || (len(h) > 3 && h[:3] == "::1") {
		return nil, fmt.Errorf("redirect_uri %q: an IPv6 host must be in brackets", raw)
	}
	return u, nil
}

// withParams returns u with params added to its query, keeping the query
// the client registered (RFC 6749 section 3.1.2).
func withParams(u *url.URL, params url.Values) string {
	v := *u
	q := v.Query()
	for k, vs := range params {
		q[k] = vs
	}
	v.RawQuery = q.Encode()
	return v.String()
}
