package upserver

import (
	"crypto/rand"
	"encoding/base64"
	"sync"
	"time"
)

// authStore holds every live OAuth artefact: pending consents, codes,
// grants (one per login, the family of tokens it produced), access and
// refresh tokens, device authorizations. It is small and bounded by the
// number of logins, not by the amount of data.
type authStore struct {
	mu        sync.Mutex
	pending   map[string]*authRequest // consent page request id -> request
	codes     map[string]*authCode
	access    map[string]*accessToken
	refresh   map[string]*grant // only the current refresh token of each grant
	devices   map[string]*deviceAuth
	userCodes map[string]*deviceAuth
}

func newAuthStore() *authStore {
	return &authStore{
		pending:   make(map[string]*authRequest),
		codes:     make(map[string]*authCode),
		access:    make(map[string]*accessToken),
		refresh:   make(map[string]*grant),
		devices:   make(map[string]*deviceAuth),
		userCodes: make(map[string]*deviceAuth),
	}
}

// authRequest is a validated authorization request waiting for consent.
type authRequest struct {
	clientID  string
	redirect  string // exactly as sent; the code is bound to it
	scopes    scopeSet
	state     string
	challenge string // S256 code_challenge, or "" without PKCE
	issuer    string
	user      int // preselected by login_hint
	expires   time.Time
}

// authCode is an issued authorization code.
type authCode struct {
	clientID  string
	redirect  string
	scopes    scopeSet
	challenge string
	user      int
	expires   time.Time
	used      bool
	grant     *grant // set once exchanged, so a replay can revoke it
}

// grant is one authorization: the tokens issued from one code or device
// approval and all their refreshes.
type grant struct {
	user     int
	clientID string
	scopes   scopeSet
	public   bool   // obtained without a client secret; may refresh without one
	refresh  string // current refresh token, "" once revoked
	revoked  bool
	accesses map[string]bool
}

type accessToken struct {
	grant   *grant
	scopes  scopeSet // the grant's scopes, or fewer after a narrowing refresh
	expires time.Time
}

// randomToken returns n random bytes, base64url without padding.
func randomToken(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return base64.RawURLEncoding.EncodeToString(b)
}

// newGrant issues a fresh access/refresh pair for a new grant. The caller
// holds st.mu.
func (st *authStore) newGrantLocked(user int, clientID string, scopes scopeSet, public bool, now time.Time, ttl time.Duration) (*grant, string) {
	g := &grant{user: user, clientID: clientID, scopes: scopes, public: public, accesses: make(map[string]bool)}
	return g, st.rotateLocked(g, scopes, now, ttl)
}

// rotateLocked replaces the grant's tokens with a new pair and returns the
// access token. The old access and refresh tokens stop working at once: the
// reference §2 quotes the SDK README, "After refresh, the old values will
// stop working, so you should save the new ones".
func (st *authStore) rotateLocked(g *grant, scopes scopeSet, now time.Time, ttl time.Duration) string {
	for a := range g.accesses {
		delete(st.access, a)
	}
	clear(g.accesses)
	if g.refresh != "" {
		delete(st.refresh, g.refresh)
	}
	access := randomToken(32)
	g.refresh = randomToken(32)
	g.accesses[access] = true
	st.access[access] = &accessToken{grant: g, scopes: scopes, expires: now.Add(ttl)}
	st.refresh[g.refresh] = g
	return access
}

// revokeGrantLocked kills every token of g.
func (st *authStore) revokeGrantLocked(g *grant) {
	g.revoked = true
	for a := range g.accesses {
		delete(st.access, a)
	}
	clear(g.accesses)
	if g.refresh != "" {
		delete(st.refresh, g.refresh)
		g.refresh = ""
	}
}

// sweepLocked drops expired codes, consents and device authorizations so
// a long-running demo server does not grow.
func (st *authStore) sweepLocked(now time.Time) {
	for k, c := range st.codes {
		if now.After(c.expires.Add(codeLifetime)) {
			delete(st.codes, k)
		}
	}
	for k, p := range st.pending {
		if now.After(p.expires) {
			delete(st.pending, k)
		}
	}
	for k, d := range st.devices {
		if now.After(d.expires.Add(codeLifetime)) {
			delete(st.devices, k)
			delete(st.userCodes, d.userCode)
		}
	}
	for k, a := range st.access {
		if now.After(a.expires) {
			delete(st.access, k)
			delete(a.grant.accesses, k)
		}
	}
}

// lookupAccess resolves a bearer token. expired tells an expired token from
// an unknown one, for the error detail.
func (st *authStore) lookupAccess(token string, now time.Time) (a accessToken, ok, expired bool) {
	st.mu.Lock()
	defer st.mu.Unlock()
	t, found := st.access[token]
	if !found || t.grant.revoked {
		return accessToken{}, false, false
	}
	if !now.Before(t.expires) {
		return accessToken{}, false, true
	}
	return *t, true, false
}
