package withingsserver

import (
	"errors"
	"net/http"
	"strings"
)

// Authenticator checks the credentials of a data request and names the
// user and the scopes they granted. The lead's shared OAuth server plugs in
// here; StaticTokens and TokenServer are the built-in ones.
type Authenticator interface {
	Authenticate(r *http.Request) (userID string, scopes []string, err error)
}

// Errors an Authenticator returns.
var (
	ErrNoToken      = errors.New("withingsserver: no bearer token")
	ErrUnknownToken = errors.New("withingsserver: unknown or expired token")
)

// Grant is what a token stands for.
type Grant struct {
	UserID string
	Scopes []string
}

// AllScopes are the four Withings scopes.
var AllScopes = []string{ScopeInfo, ScopeMetrics, ScopeActivity, ScopeSleepEvents}

// StaticTokens is a fixed token table, for tests that do not exercise
// OAuth.
type StaticTokens map[string]Grant

// Authenticate implements Authenticator.
func (t StaticTokens) Authenticate(r *http.Request) (string, []string, error) {
	tok, ok := bearer(r)
	if !ok {
		return "", nil, ErrNoToken
	}
	g, ok := t[tok]
	if !ok {
		return "", nil, ErrUnknownToken
	}
	return g.UserID, g.Scopes, nil
}

// bearer reads "Authorization: Bearer <token>". Withings documents only the
// header; the scheme is matched without regard to case, as RFC 6750 has it.
func bearer(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	scheme, tok, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	tok = strings.TrimSpace(tok)
	return tok, tok != ""
}
