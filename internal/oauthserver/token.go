package oauthserver

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// DeviceGrantType is the RFC 8628 grant_type of a device access token
// request.
const DeviceGrantType = "urn:ietf:params:oauth:grant-type:device_code"

// Error is an OAuth 2.0 error answer: the token endpoint's (RFC 6749
// section 5.2), the device flow's (RFC 8628 section 3.5) and the errors of
// the device and revocation endpoints.
type Error struct {
	Status      int    // the HTTP status RFC 6749 gives it: 400, 401, or 405 for a wrong method
	Code        string // "invalid_grant", "authorization_pending", ...
	Description string
	Allow       string // with a 405: the methods the endpoint accepts
	// Basic is set when the client sent HTTP Basic credentials; a 401 then
	// carries a Basic challenge (RFC 6749 section 5.2).
	Basic bool
}

func (e *Error) Error() string { return e.Code + ": " + e.Description }

func errInvalidRequest(desc string) *Error {
	return &Error{Status: http.StatusBadRequest, Code: "invalid_request", Description: desc}
}
func errInvalidGrant(desc string) *Error {
	return &Error{Status: http.StatusBadRequest, Code: "invalid_grant", Description: desc}
}
func errInvalidClient(desc string) *Error {
	return &Error{Status: http.StatusUnauthorized, Code: "invalid_client", Description: desc}
}
func errInvalidScope(desc string) *Error {
	return &Error{Status: http.StatusBadRequest, Code: "invalid_scope", Description: desc}
}

// Token is a successful token endpoint answer.
type Token struct {
	AccessToken  string
	TokenType    string // "Bearer"
	ExpiresIn    time.Duration
	RefreshToken string
	Scopes       Scopes
	Scope        string // Scopes joined by Config.ScopeSeparator
	UserID       string
	ClientID     string
}

// TokenWriter encodes the token endpoint's answers.
type TokenWriter interface {
	WriteToken(w http.ResponseWriter, r *http.Request, t *Token)
	WriteError(w http.ResponseWriter, r *http.Request, e *Error)
}

// JSONWriter is the RFC 6749 encoding: a JSON object with no-store
// caching, errors with their HTTP status.
type JSONWriter struct {
	Realm string // the realm of the Basic challenge of a 401 to a Basic client
}

// tokenJSON is RFC 6749 section 5.1's answer. refresh_token is always
// sent: every grant of this server has one.
type tokenJSON struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int64  `json:"expires_in"`
	RefreshToken string `json:"refresh_token"`
	Scope        string `json:"scope,omitempty"`
}

// WriteToken writes t as RFC 6749 JSON.
func (j JSONWriter) WriteToken(w http.ResponseWriter, _ *http.Request, t *Token) {
	WriteNoStoreJSON(w, http.StatusOK, tokenJSON{
		AccessToken:  t.AccessToken,
		TokenType:    t.TokenType,
		ExpiresIn:    int64(t.ExpiresIn / time.Second),
		RefreshToken: t.RefreshToken,
		Scope:        t.Scope,
	})
}

// WriteError writes e as RFC 6749 JSON with its status, Allow and
// WWW-Authenticate headers.
func (j JSONWriter) WriteError(w http.ResponseWriter, _ *http.Request, e *Error) {
	if e.Status == http.StatusMethodNotAllowed && e.Allow != "" {
		w.Header().Set("Allow", e.Allow)
	}
	if e.Status == http.StatusUnauthorized && e.Basic {
		w.Header().Set("WWW-Authenticate", `Basic realm="`+j.Realm+`"`)
	}
	WriteNoStoreJSON(w, e.Status, map[string]string{"error": e.Code, "error_description": e.Description})
}

// WriteNoStoreJSON writes v as JSON that no cache may keep, as every
// answer carrying tokens must be.
func WriteNoStoreJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	h.Set("Pragma", "no-cache")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// writeError logs and writes an error of the device or revocation
// endpoint, which always answer RFC 6749 JSON.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, e *Error) {
	s.log.Info("oauth error", "error", e.Code, "description", e.Description)
	JSONWriter{Realm: s.cfg.Realm}.WriteError(w, r, e)
}

// TokenHandler is the token endpoint with answers encoded by tw, for a
// provider whose token endpoint differs from RFC 6749's in its path or
// encoding. The handler may be wrapped to check the provider's own
// parameters first.
func (s *Server) TokenHandler(tw TokenWriter) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t, e := s.Token(r)
		if e != nil {
			s.log.Info("oauth error", "error", e.Code, "description", e.Description)
			tw.WriteError(w, r, e)
			return
		}
		tw.WriteToken(w, r, t)
	})
}

// client is the outcome of client authentication.
type client struct {
	id     string
	public bool // no secret was sent: PKCE stands in for it
	basic  bool // credentials came in the Authorization header
}

// requestParams returns the parameters of a token, device or revocation
// request: a POST form, or the query of a GET where allowed. Repeated
// parameters are refused (RFC 6749 section 3.2).
func requestParams(r *http.Request, allowGET bool) (url.Values, *Error) {
	allow := "POST"
	if allowGET {
		allow = "GET, POST"
	}
	switch r.Method {
	case http.MethodPost:
		ct := r.Header.Get("Content-Type")
		var err error
		if strings.HasPrefix(ct, "multipart/form-data") {
			err = r.ParseMultipartForm(1 << 20)
		} else {
			err = r.ParseForm()
		}
		if err != nil {
			return nil, errInvalidRequest("unreadable form body: " + err.Error())
		}
	case http.MethodGet:
		if !allowGET {
			return nil, &Error{Status: http.StatusMethodNotAllowed, Code: "invalid_request", Description: "use POST", Allow: allow}
		}
		if err := r.ParseForm(); err != nil {
			return nil, errInvalidRequest("unreadable query: " + err.Error())
		}
	default:
		return nil, &Error{Status: http.StatusMethodNotAllowed, Code: "invalid_request", Description: "method " + r.Method + " not allowed", Allow: allow}
	}
	for k, vs := range r.Form {
		if len(vs) > 1 {
			return nil, errInvalidRequest("parameter " + k + " is repeated")
		}
	}
	return r.Form, nil
}

// clientRequest reads the parameters of a request to a client-authenticated
// endpoint (token, device, revoke) and authenticates the client.
func (s *Server) clientRequest(r *http.Request, allowGET bool) (url.Values, client, *Error) {
	p, e := requestParams(r, allowGET)
	if e != nil {
		return nil, client{}, e
	}
	c, e := s.authenticateClient(r, p)
	if e != nil {
		e.Basic = c.basic
		return nil, c, e
	}
	return p, c, nil
}

// authenticateClient checks the client by HTTP Basic (RFC 6749 section
// 2.3.1, form-urlencoded id and secret) or by client_id and client_secret
// parameters, as Config.ClientAuth allows. A request that sends no secret
// is a public client's.
func (s *Server) authenticateClient(r *http.Request, p url.Values) (client, *Error) {
	var c client
	id, secret := p.Get("client_id"), p.Get("client_secret")
	if user, pass, ok := r.BasicAuth(); ok {
		c.basic = true
		if p.Has("client_secret") {
			return c, errInvalidRequest("client credentials sent both in the Authorization header and in the body")
		}
		if s.cfg.ClientAuth == ClientAuthParams {
			return c, errInvalidClient("HTTP Basic client authentication is not accepted: send client_id and client_secret in the form")
		}
		bid, err1 := url.QueryUnescape(user)
		bsecret, err2 := url.QueryUnescape(pass)
		if err := errors.Join(err1, err2); err != nil {
			return c, errInvalidClient("malformed Basic credentials")
		}
		if id != "" && id != bid {
			return c, errInvalidClient("client_id differs from the Basic credentials")
		}
		id, secret = bid, bsecret
	} else if p.Has("client_secret") && s.cfg.ClientAuth == ClientAuthBasic {
		return c, errInvalidClient("client_secret in the form is not accepted: use HTTP Basic")
	}
	c.id = id
	reg, known := s.clients[id]
	switch {
	case id == "":
		return c, errInvalidClient("client_id is missing")
	case !known:
		return c, errInvalidClient("unknown client")
	case secret == "" && reg.Secret != "" && !reg.SecretOptional:
		return c, errInvalidClient("client_secret is missing")
	case secret == "":
		c.public = true
	case subtle.ConstantTimeCompare([]byte(secret), []byte(reg.Secret)) != 1:
		return c, errInvalidClient("client authentication failed")
	}
	return c, nil
}

// Token runs the token endpoint on r: it reads the parameters (a POST
// form, or a GET query with Config.TokenAllowGET), authenticates the
// client and redeems the grant: authorization_code, refresh_token, or the
// device code with Config.DeviceFlow. Extra parameters are ignored, so a
// provider's own (an action=...) can travel in the same form.
func (s *Server) Token(r *http.Request) (*Token, *Error) {
	p, c, e := s.clientRequest(r, s.cfg.TokenAllowGET)
	if e != nil {
		return nil, e
	}
	var t *Token
	switch gt := p.Get("grant_type"); {
	case gt == "authorization_code":
		t, e = s.exchangeCode(c, p)
	case gt == "refresh_token":
		t, e = s.refreshGrant(c, p)
	case gt == DeviceGrantType && s.cfg.DeviceFlow:
		t, e = s.deviceGrant(c, p)
	case gt == "":
		e = errInvalidRequest("grant_type is missing")
	default:
		e = &Error{Status: http.StatusBadRequest, Code: "unsupported_grant_type", Description: "grant_type " + gt + " is not supported"}
	}
	if e != nil {
		e.Basic = c.basic
		return nil, e
	}
	return t, nil
}

func (s *Server) token(access string, g *grant, scopes Scopes) *Token {
	return &Token{
		AccessToken:  access,
		TokenType:    "Bearer",
		ExpiresIn:    s.cfg.AccessTTL,
		RefreshToken: g.refresh,
		Scopes:       scopes,
		Scope:        s.scopeString(scopes),
		UserID:       g.user,
		ClientID:     g.clientID,
	}
}

// pkceVerifier is the RFC 7636 section 4.1 code_verifier syntax.
var pkceVerifier = regexp.MustCompile(`^[A-Za-z0-9._~-]{43,128}$`)

// exchangeCode redeems an authorization code. A code is burnt by the first
// attempt to redeem it, good or bad; a replay also revokes the tokens the
// code produced (RFC 6749 section 4.1.2).
func (s *Server) exchangeCode(c client, p url.Values) (*Token, *Error) {
	code := p.Get("code")
	if code == "" {
		return nil, errInvalidRequest("code is missing")
	}
	now := s.now()
	st := s.st
	st.mu.Lock()
	defer st.mu.Unlock()
	ac, ok := st.codes[code]
	switch {
	case !ok:
		return nil, errInvalidGrant("unknown authorization code")
	case ac.used:
		if ac.grant != nil {
			st.revokeGrantLocked(ac.grant)
		}
		return nil, errInvalidGrant("authorization code was already used")
	}
	ac.used = true
	switch {
	case codeExpired(ac, now):
		return nil, errInvalidGrant("authorization code expired")
	case ac.clientID != c.id:
		return nil, errInvalidGrant("authorization code was issued to another client")
	case !p.Has("redirect_uri") && !s.cfg.RedirectURIOptional:
		return nil, errInvalidRequest("redirect_uri is missing (it was in the authorization request)")
	case p.Has("redirect_uri") && p.Get("redirect_uri") != ac.redirect:
		return nil, errInvalidGrant("redirect_uri differs from the authorization request")
	}
	verifier := p.Get("code_verifier")
	switch {
	case s.cfg.PKCE == PKCEIgnored:
		if c.public {
			return nil, errInvalidClient("this server has no PKCE: send client_secret")
		}
	case ac.challenge == "":
		if verifier != "" {
			return nil, errInvalidGrant("code_verifier sent, but the authorization request had no code_challenge")
		}
		if c.public {
			return nil, errInvalidClient("a client without a secret must use PKCE")
		}
	case verifier == "":
		return nil, errInvalidGrant("code_verifier is missing")
	case !pkceVerifier.MatchString(verifier):
		return nil, errInvalidGrant("code_verifier is not 43-128 unreserved characters")
	case subtle.ConstantTimeCompare([]byte(s256(verifier)), []byte(ac.challenge)) != 1:
		return nil, errInvalidGrant("code_verifier does not match the code_challenge")
	}
	g, access := st.newGrantLocked(ac.user, c.id, ac.scopes, c.public, now, s.cfg.AccessTTL, s.cfg.RefreshTTL)
	ac.grant = g
	return s.token(access, g, ac.scopes), nil
}

func s256(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// refreshGrant answers a refresh. With Config.RotateRefreshTokens the old
// refresh token and every access token of the grant stop working;
// without, the refresh token stays and the new access token joins the
// others. A scope parameter may narrow the new access token's scopes.
func (s *Server) refreshGrant(c client, p url.Values) (*Token, *Error) {
	rt := p.Get("refresh_token")
	if rt == "" {
		return nil, errInvalidRequest("refresh_token is missing")
	}
	var narrowed Scopes
	if p.Has("scope") {
		sc, err := s.parseScopes(p.Get("scope"))
		if err != nil {
			return nil, errInvalidScope(err.Error())
		}
		narrowed = sc
	}
	now := s.now()
	st := s.st
	st.mu.Lock()
	defer st.mu.Unlock()
	g, ok := st.refresh[rt]
	switch {
	case !ok || g.revoked:
		return nil, errInvalidGrant("refresh token is invalid, revoked or already used")
	case !g.refreshExpires.IsZero() && !now.Before(g.refreshExpires):
		return nil, errInvalidGrant("refresh token expired")
	case g.clientID != c.id:
		return nil, errInvalidGrant("refresh token was issued to another client")
	case c.public && !g.public:
		return nil, errInvalidClient("this grant belongs to a confidential client: send client_secret")
	}
	scopes := g.scopes
	if narrowed != nil {
		if !narrowed.SubsetOf(g.scopes) {
			return nil, errInvalidScope("scope exceeds the original grant")
		}
		scopes = narrowed
	}
	var access string
	if s.cfg.RotateRefreshTokens {
		access = st.rotateLocked(g, scopes, now, s.cfg.AccessTTL, s.cfg.RefreshTTL)
	} else {
		access = st.addAccessLocked(g, scopes, now, s.cfg.AccessTTL)
	}
	return s.token(access, g, scopes), nil
}

// IssueToken creates a grant for a user without the browser flow, for
// tests and for emulators that hand out a token. No scopes means every
// scope of Config.Scopes. The grant is a confidential client's: refreshing
// it needs the client secret (if the client has one).
func (s *Server) IssueToken(userID, clientID string, scopes []string) (access, refresh string, err error) {
	if !s.users[userID] {
		return "", "", fmt.Errorf("no user %q", userID)
	}
	reg, ok := s.clients[clientID]
	if !ok {
		return "", "", fmt.Errorf("no client %q", clientID)
	}
	if len(scopes) == 0 {
		scopes = s.cfg.Scopes
	}
	sc, err := s.parseScopes(s.scopeString(scopes))
	if err != nil {
		return "", "", err
	}
	st := s.st
	st.mu.Lock()
	defer st.mu.Unlock()
	g, access := st.newGrantLocked(userID, clientID, sc, reg.Secret == "", s.now(), s.cfg.AccessTTL, s.cfg.RefreshTTL)
	return access, g.refresh, nil
}
