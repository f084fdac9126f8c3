package oauthserver

import (
	"crypto/rand"
	"encoding/base64"
	"sync"
	"time"
)

// store holds every live OAuth artefact: pending consents, codes, grants
// (one per login, the family of tokens it produced), access and refresh
// tokens, device authorizations. It is small and bounded by the number of
// logins.
type store struct {
	mu        sync.Mutex
	pending   map[string]*authRequest // consent page request id -> request
	codes     map[string]*authCode
	access    map[string]*accessToken
	refresh   map[string]*grant // only the current refresh token of each grant
	devices   map[string]*deviceAuth
	userCodes map[string]*deviceAuth
}

func newStore() *store {
	return &store{
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
	scopes    Scopes
	state     string
	challenge string // S256 code_challenge, or "" without PKCE
	issuer    string
	user      string // preselected by login_hint
	expires   time.Time
}

// authCode is an issued authorization code.
type authCode struct {
	clientID  string
	redirect  string
	scopes    Scopes
	challenge string
	user      string
	expires   time.Time
	used      bool
	grant     *grant // set once exchanged, so a replay can revoke it
}

// grant is one authorization: the tokens issued from one code or device
// approval and all their refreshes.
type grant struct {
	user           string
	clientID       string
	scopes         Scopes
	public         bool      // obtained without a client secret; may refresh without one
	refresh        string    // current refresh token, "" once revoked
	refreshExpires time.Time // zero: never
	revoked        bool
	accesses       map[string]bool
}

type accessToken struct {
	grant   *grant
	scopes  Scopes // the grant's scopes, or fewer after a narrowing refresh
	expires time.Time
}

// randomToken returns n random bytes, base64url without padding.
func randomToken(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return base64.RawURLEncoding.EncodeToString(b)
}

// newGrantLocked issues a fresh access/refresh pair for a new grant. The
// caller holds st.mu.
func (st *store) newGrantLocked(user, clientID string, scopes Scopes, public bool, now time.Time, ttl, refreshTTL time.Duration) (*grant, string) {
	g := &grant{user: user, clientID: clientID, scopes: scopes, public: public, accesses: make(map[string]bool)}
	return g, st.rotateLocked(g, scopes, now, ttl, refreshTTL)
}

// rotateLocked replaces the grant's tokens with a new pair and returns the
// access token. The old access and refresh tokens stop working at once.
func (st *store) rotateLocked(g *grant, scopes Scopes, now time.Time, ttl, refreshTTL time.Duration) string {
	for a := range g.accesses {
		delete(st.access, a)
	}
	clear(g.accesses)
	if g.refresh != "" {
		delete(st.refresh, g.refresh)
	}
	g.refresh = randomToken(32)
	g.refreshExpires = time.Time{}
	if refreshTTL > 0 {
		g.refreshExpires = now.Add(refreshTTL)
	}
	st.refresh[g.refresh] = g
	return st.addAccessLocked(g, scopes, now, ttl)
}

// addAccessLocked issues one more access token of g, leaving the others.
func (st *store) addAccessLocked(g *grant, scopes Scopes, now time.Time, ttl time.Duration) string {
	access := randomToken(32)
	g.accesses[access] = true
	st.access[access] = &accessToken{grant: g, scopes: scopes, expires: now.Add(ttl)}
	return access
}

// revokeGrantLocked kills every token of g.
func (st *store) revokeGrantLocked(g *grant) {
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

// sweepLocked drops expired codes, consents, device authorizations, access
// tokens and refresh tokens so a long-running server does not grow.
// Codes and device codes are kept one more lifetime after they expire, so
// a late use is told "expired", not "unknown".
func (st *store) sweepLocked(now time.Time, codeTTL time.Duration) {
	for k, c := range st.codes {
		if now.After(c.expires.Add(codeTTL)) {
			delete(st.codes, k)
		}
	}
	for k, p := range st.pending {
		if now.After(p.expires) {
			delete(st.pending, k)
		}
	}
	for k, d := range st.devices {
		if now.After(d.expires.Add(codeTTL)) {
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
	for k, g := range st.refresh {
		if !g.refreshExpires.IsZero() && now.After(g.refreshExpires.Add(codeTTL)) {
			delete(st.refresh, k)
		}
	}
}

// lookupAccess resolves an access token. expired tells an expired token
// from an unknown one, for the error detail.
func (st *store) lookupAccess(token string, now time.Time) (a accessToken, ok, expired bool) {
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
