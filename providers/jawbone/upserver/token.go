package upserver

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"
)

const deviceGrantType = "urn:ietf:params:oauth:grant-type:device_code"

// oauthError is an RFC 6749 §5.2 error response.
type oauthError struct {
	status int
	code   string
	desc   string
}

func errInvalidRequest(desc string) *oauthError {
	return &oauthError{http.StatusBadRequest, "invalid_request", desc}
}
func errInvalidGrant(desc string) *oauthError {
	return &oauthError{http.StatusBadRequest, "invalid_grant", desc}
}
func errInvalidClient(desc string) *oauthError {
	return &oauthError{http.StatusUnauthorized, "invalid_client", desc}
}

func (s *Server) writeOAuthError(w http.ResponseWriter, e *oauthError, basic bool) {
	if e.status == http.StatusUnauthorized && basic {
		w.Header().Set("WWW-Authenticate", `Basic realm="upexport-demo"`)
	}
	s.log.Info("oauth error", "error", e.code, "description", e.desc)
	writeNoStoreJSON(w, e.status, map[string]string{"error": e.code, "error_description": e.desc})
}

func writeNoStoreJSON(w http.ResponseWriter, status int, v any) {
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

// tokenResponse is the token endpoint's success body: the real API's four
// fields (reference §2) plus the RFC 6749 scope.
type tokenResponse struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int64  `json:"expires_in"`
	RefreshToken string `json:"refresh_token"`
	Scope        string `json:"scope,omitempty"`
}

func (s *Server) tokenResponse(access string, g *grant, scopes scopeSet) tokenResponse {
	return tokenResponse{
		AccessToken:  access,
		TokenType:    "Bearer",
		ExpiresIn:    int64(s.cfg.AccessTTL / time.Second),
		RefreshToken: g.refresh,
		Scope:        scopes.String(),
	}
}

// client is the outcome of client authentication.
type client struct {
	id     string
	public bool // no secret was sent: PKCE stands in for it
	basic  bool // credentials came in the Authorization header
}

// requestParams returns the parameters of a token, device or revocation
// request. The real token endpoint took GET with query parameters as well
// as a POST form (reference §2), so GET is honoured where allowed.
// Repeated parameters are refused (RFC 6749 §3.2).
func requestParams(r *http.Request, allowGET bool) (url.Values, *oauthError) {
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
			return nil, &oauthError{http.StatusMethodNotAllowed, "invalid_request", "use POST"}
		}
		if err := r.ParseForm(); err != nil {
			return nil, errInvalidRequest("unreadable query: " + err.Error())
		}
	default:
		return nil, &oauthError{http.StatusMethodNotAllowed, "invalid_request", "method " + r.Method + " not allowed"}
	}
	for k, vs := range r.Form {
		if len(vs) > 1 {
			return nil, errInvalidRequest("parameter " + k + " is repeated")
		}
	}
	return r.Form, nil
}

// authenticateClient checks the client by HTTP Basic (RFC 6749 §2.3.1,
// form-urlencoded id and secret) or by client_id/client_secret parameters.
// A request that sends no secret is a public client.
// clientRequest reads the parameters of a request to a client-authenticated
// endpoint (token, device, revoke) and authenticates the client. On failure
// it has written the RFC 6749 error and ok is false.
func (s *Server) clientRequest(w http.ResponseWriter, r *http.Request, allowGET bool) (p url.Values, c client, ok bool) {
	p, oe := requestParams(r, allowGET)
	if oe != nil {
		if oe.status == http.StatusMethodNotAllowed {
			allow := "POST"
			if allowGET {
				allow = "GET, POST"
			}
			w.Header().Set("Allow", allow)
		}
		s.writeOAuthError(w, oe, false)
		return nil, c, false
	}
	c, oe = s.authenticateClient(r, p)
	if oe != nil {
		s.writeOAuthError(w, oe, c.basic)
		return nil, c, false
	}
	return p, c, true
}

func (s *Server) authenticateClient(r *http.Request, p url.Values) (client, *oauthError) {
	var c client
	id, secret := p.Get("client_id"), p.Get("client_secret")
	if user, pass, ok := r.BasicAuth(); ok {
		c.basic = true
		if p.Has("client_secret") {
			return c, errInvalidRequest("client credentials sent both in the Authorization header and in the body")
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
	}
	c.id = id
	switch {
	case id == "":
		return c, errInvalidClient("client_id is missing")
	case id != s.cfg.ClientID:
		return c, errInvalidClient("unknown client")
	case secret == "":
		c.public = true
	case subtle.ConstantTimeCompare([]byte(secret), []byte(s.cfg.ClientSecret)) != 1:
		return c, errInvalidClient("client authentication failed")
	}
	return c, nil
}

// handleToken is the token endpoint.
func (s *Server) handleToken(w http.ResponseWriter, r *http.Request) {
	p, c, ok := s.clientRequest(w, r, true)
	if !ok {
		return
	}
	var resp tokenResponse
	var oe *oauthError
	switch gt := p.Get("grant_type"); gt {
	case "authorization_code":
		resp, oe = s.exchangeCode(c, p)
	case "refresh_token":
		resp, oe = s.refreshGrant(c, p)
	case deviceGrantType:
		resp, oe = s.deviceGrant(c, p)
	case "":
		oe = errInvalidRequest("grant_type is missing")
	default:
		oe = &oauthError{http.StatusBadRequest, "unsupported_grant_type", "grant_type " + gt + " is not supported"}
	}
	if oe != nil {
		s.writeOAuthError(w, oe, c.basic)
		return
	}
	writeNoStoreJSON(w, http.StatusOK, resp)
}

// pkceVerifier is the RFC 7636 §4.1 code_verifier syntax.
var pkceVerifier = regexp.MustCompile(`^[A-Za-z0-9._~-]{43,128}$`)

// exchangeCode redeems an authorization code. A code is burnt by the first
// attempt to redeem it, good or bad; a replay also revokes the tokens the
// code produced (RFC 6749 §4.1.2).
func (s *Server) exchangeCode(c client, p url.Values) (tokenResponse, *oauthError) {
	code := p.Get("code")
	if code == "" {
		return tokenResponse{}, errInvalidRequest("code is missing")
	}
	now := s.now()
	st := s.auth
	st.mu.Lock()
	defer st.mu.Unlock()
	ac, ok := st.codes[code]
	switch {
	case !ok:
		return tokenResponse{}, errInvalidGrant("unknown authorization code")
	case ac.used:
		if ac.grant != nil {
			st.revokeGrantLocked(ac.grant)
		}
		return tokenResponse{}, errInvalidGrant("authorization code was already used")
	}
	ac.used = true
	switch {
	case codeExpired(ac, now):
		return tokenResponse{}, errInvalidGrant("authorization code expired")
	case ac.clientID != c.id:
		return tokenResponse{}, errInvalidGrant("authorization code was issued to another client")
	case p.Has("redirect_uri") && p.Get("redirect_uri") != ac.redirect:
		// Absent is accepted: no real UP client sent it (reference §11.6).
		return tokenResponse{}, errInvalidGrant("redirect_uri differs from the authorization request")
	}
	verifier := p.Get("code_verifier")
	if ac.challenge == "" {
		if verifier != "" {
			return tokenResponse{}, errInvalidGrant("code_verifier sent, but the authorization request had no code_challenge")
		}
		if c.public {
			return tokenResponse{}, errInvalidClient("a client without a secret must use PKCE")
		}
	} else {
		switch {
		case verifier == "":
			return tokenResponse{}, errInvalidGrant("code_verifier is missing")
		case !pkceVerifier.MatchString(verifier):
			return tokenResponse{}, errInvalidGrant("code_verifier is not 43-128 unreserved characters")
		case subtle.ConstantTimeCompare([]byte(s256(verifier)), []byte(ac.challenge)) != 1:
			return tokenResponse{}, errInvalidGrant("code_verifier does not match the code_challenge")
		}
	}
	g, access := st.newGrantLocked(ac.user, c.id, ac.scopes, c.public, now, s.cfg.AccessTTL)
	ac.grant = g
	return s.tokenResponse(access, g, ac.scopes), nil
}

func s256(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// refreshGrant rotates a refresh token: the old refresh token and every
// access token of the grant stop working.
func (s *Server) refreshGrant(c client, p url.Values) (tokenResponse, *oauthError) {
	rt := p.Get("refresh_token")
	if rt == "" {
		return tokenResponse{}, errInvalidRequest("refresh_token is missing")
	}
	var narrowed scopeSet
	if p.Has("scope") {
		sc, err := parseScopes(p.Get("scope"))
		if err != nil {
			return tokenResponse{}, &oauthError{http.StatusBadRequest, "invalid_scope", err.Error()}
		}
		narrowed = sc
	}
	st := s.auth
	st.mu.Lock()
	defer st.mu.Unlock()
	g, ok := st.refresh[rt]
	switch {
	case !ok || g.revoked:
		return tokenResponse{}, errInvalidGrant("refresh token is invalid, revoked or already used")
	case g.clientID != c.id:
		return tokenResponse{}, errInvalidGrant("refresh token was issued to another client")
	case c.public && !g.public:
		return tokenResponse{}, errInvalidClient("this grant belongs to a confidential client: send client_secret")
	}
	scopes := g.scopes
	if narrowed != nil {
		if !narrowed.subsetOf(g.scopes) {
			return tokenResponse{}, &oauthError{http.StatusBadRequest, "invalid_scope", "scope exceeds the original grant"}
		}
		scopes = narrowed
	}
	access := st.rotateLocked(g, scopes, s.now(), s.cfg.AccessTTL)
	return s.tokenResponse(access, g, scopes), nil
}

// IssueToken creates a grant for user (0-based) without the browser flow,
// for tests of other packages. No scopes means every scope. The grant is a
// confidential client's: refreshing it needs the client secret.
func (s *Server) IssueToken(user int, scopes []string) (access, refresh string, err error) {
	if user < 0 || user >= s.cfg.Users {
		return "", "", errors.New("upserver: IssueToken: no such user")
	}
	if len(scopes) == 0 {
		scopes = knownScopes
	}
	sc, err := parseScopes(strings.Join(scopes, " "))
	if err != nil {
		return "", "", errors.Join(errors.New("upserver: IssueToken"), err)
	}
	st := s.auth
	st.mu.Lock()
	defer st.mu.Unlock()
	g, access := st.newGrantLocked(user, s.cfg.ClientID, sc, false, s.now(), s.cfg.AccessTTL)
	return access, g.refresh, nil
}
