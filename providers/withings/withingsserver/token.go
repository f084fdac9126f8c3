package withingsserver

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Token lifetimes, as docs/providers/withings.md records them.
const (
	AccessTTL  = 3 * time.Hour
	RefreshTTL = 365 * 24 * time.Hour
	// oldRefreshGrace is how long a rotated-out refresh token still works,
	// unless the access token issued with its successor is used first.
	oldRefreshGrace = 8 * time.Hour
	codeTTL         = 30 * time.Second
)

// TokenServer is the built-in token endpoint (POST /v2/oauth2,
// action=requesttoken) and the Authenticator for the tokens it issues.
// Authorization codes come from IssueCode, standing in for the consent page.
type TokenServer struct {
	clientID, clientSecret string
	now                    func() time.Time

	mu      sync.Mutex
	codes   map[string]codeGrant
	access  map[string]accessGrant
	refresh map[string]*refreshGrant
}

type codeGrant struct {
	Grant
	redirectURI string
	expires     time.Time
}

type accessGrant struct {
	Grant
	expires time.Time
	// from is the refresh token issued together with this access token;
	// its first use ends the grace of the refresh token it replaced.
	from string
}

type refreshGrant struct {
	Grant
	expires     time.Time
	predecessor string // the refresh token this one replaced, until its grace ends
}

// NewTokenServer returns a token server accepting one client. now nil means
// time.Now.
func NewTokenServer(clientID, clientSecret string, now func() time.Time) *TokenServer {
	if now == nil {
		now = time.Now
	}
	return &TokenServer{
		clientID: clientID, clientSecret: clientSecret, now: now,
		codes:   map[string]codeGrant{},
		access:  map[string]accessGrant{},
		refresh: map[string]*refreshGrant{},
	}
}

// IssueCode returns an authorization code for userID with scopes, valid 30
// seconds for redirectURI ("" accepts any).
func (t *TokenServer) IssueCode(userID string, scopes []string, redirectURI string) string {
	t.mu.Lock()
	defer t.mu.Unlock()
	c := newSecret()
	t.codes[c] = codeGrant{Grant: Grant{userID, append([]string(nil), scopes...)}, redirectURI: redirectURI, expires: t.now().Add(codeTTL)}
	return c
}

// IssueTokens returns an access and a refresh token for userID without the
// code step, for tests.
func (t *TokenServer) IssueTokens(userID string, scopes []string) (access, refresh string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	b := t.issue(Grant{userID, append([]string(nil), scopes...)}, "")
	return b.AccessToken, b.RefreshToken
}

// Authenticate implements Authenticator.
func (t *TokenServer) Authenticate(r *http.Request) (string, []string, error) {
	tok, ok := bearer(r)
	if !ok {
		return "", nil, ErrNoToken
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	a, ok := t.access[tok]
	if !ok || !t.now().Before(a.expires) {
		return "", nil, ErrUnknownToken
	}
	if rg := t.refresh[a.from]; rg != nil && rg.predecessor != "" {
		delete(t.refresh, rg.predecessor)
		rg.predecessor = ""
	}
	return a.UserID, a.Scopes, nil
}

// tokenBody is the wrapped token answer's body.
type tokenBody struct {
	UserID       string `json:"userid"`
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	ExpiresIn    int    `json:"expires_in"`
	Scope        string `json:"scope"`
	CSRFToken    string `json:"csrf_token"`
	TokenType    string `json:"token_type"`
}

// ServeHTTP answers action=requesttoken with grant_type authorization_code
// or refresh_token, client credentials in the form body.
func (t *TokenServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", "POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	if err := r.ParseForm(); err != nil {
		writeError(w, invalid("%v", err))
		return
	}
	f := r.PostForm
	if f.Get("action") != "requesttoken" {
		writeError(w, inband(statusNotImplemented, "Not implemented: unknown action "+quote(f.Get("action"))))
		return
	}
	if f.Get("client_id") != t.clientID || f.Get("client_secret") != t.clientSecret {
		writeError(w, invalid("invalid client_id or client_secret"))
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	switch f.Get("grant_type") {
	case "authorization_code":
		c, ok := t.codes[f.Get("code")]
		if !ok || !now.Before(c.expires) {
			writeError(w, invalid("invalid code"))
			return
		}
		if c.redirectURI != "" && f.Get("redirect_uri") != c.redirectURI {
			writeError(w, invalid("redirect_uri does not match"))
			return
		}
		delete(t.codes, f.Get("code")) // a code is good once
		writeJSON(w, envelope{Status: statusOK, Body: t.issue(c.Grant, "")})
	case "refresh_token":
		old := f.Get("refresh_token")
		rg, ok := t.refresh[old]
		if !ok || !now.Before(rg.expires) {
			writeError(w, inband(statusAuthFailed, "invalid refresh_token"))
			return
		}
		b := t.issue(rg.Grant, old)
		// The old token keeps working for a grace period or until the new
		// access token is used, whichever comes first.
		rg.expires = minTime(rg.expires, now.Add(oldRefreshGrace))
		writeJSON(w, envelope{Status: statusOK, Body: b})
	default:
		writeError(w, invalid("grant_type must be authorization_code or refresh_token"))
	}
}

// issue mints a token pair; the caller holds t.mu.
func (t *TokenServer) issue(g Grant, replaces string) tokenBody {
	now := t.now()
	at, rt := newSecret(), newSecret()
	t.access[at] = accessGrant{Grant: g, expires: now.Add(AccessTTL), from: rt}
	t.refresh[rt] = &refreshGrant{Grant: g, expires: now.Add(RefreshTTL), predecessor: replaces}
	return tokenBody{
		UserID: g.UserID, AccessToken: at, RefreshToken: rt,
		ExpiresIn: int(AccessTTL / time.Second), Scope: strings.Join(g.Scopes, ","),
		CSRFToken: newSecret()[:32], TokenType: "Bearer",
	}
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// newSecret returns 40 hex digits, the length of Withings tokens.
func newSecret() string {
	var b [20]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read does not fail
	return hex.EncodeToString(b[:])
}
