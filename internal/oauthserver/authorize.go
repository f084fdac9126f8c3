package oauthserver

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"time"
)

// pkceChallenge matches an S256 code_challenge: base64url of a SHA-256
// digest, 43 characters without padding (RFC 7636 section 4.2).
var pkceChallenge = regexp.MustCompile(`^[A-Za-z0-9_-]{43}$`)

// handleAuthorize is the authorization endpoint (RFC 6749 section 4.1.1
// with PKCE, RFC 7636). Errors about the client or the redirect URI are
// shown on a page, never redirected, so the endpoint cannot be used as an
// open redirector; every later error is redirected with state and iss.
func (s *Server) handleAuthorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	for _, k := range []string{"client_id", "redirect_uri"} {
		if len(q[k]) > 1 {
			s.errorPage(w, http.StatusBadRequest, "The request repeats the parameter "+k+".")
			return
		}
	}
	id := q.Get("client_id")
	client, known := s.clients[id]
	switch {
	case id == "":
		s.errorPage(w, http.StatusBadRequest, "The request has no client_id.")
		return
	case !known:
		s.errorPage(w, http.StatusBadRequest, "Unknown client_id "+strconv.Quote(id)+".")
		return
	}
	redirect, err := checkRedirectURI(q.Get("redirect_uri"))
	if err != nil {
		s.errorPage(w, http.StatusBadRequest, "Invalid redirect_uri: "+err.Error()+".")
		return
	}
	state := q.Get("state")
	issuer := s.issuer(r)
	fail := func(code, desc string) {
		s.redirectError(w, r, redirect, code, desc, state, issuer)
	}
	for k, vs := range q {
		if len(vs) > 1 {
			fail("invalid_request", "parameter "+k+" is repeated")
			return
		}
	}
	switch rt := q.Get("response_type"); rt {
	case "code":
	case "":
		fail("invalid_request", "response_type is missing")
		return
	default:
		fail("unsupported_response_type", "only response_type=code is supported")
		return
	}
	scopes, err := s.parseScopes(q.Get("scope"))
	if err != nil {
		fail("invalid_scope", err.Error())
		return
	}
	challenge, method := q.Get("code_challenge"), q.Get("code_challenge_method")
	if s.cfg.PKCE == PKCEIgnored {
		challenge, method = "", "" // not looked at, as by a server without PKCE
	}
	switch {
	case challenge == "" && method != "":
		fail("invalid_request", "code_challenge_method without code_challenge")
		return
	case challenge == "" && s.cfg.PKCE == PKCERequired:
		fail("invalid_request", "code_challenge is required (PKCE with S256)")
		return
	case challenge == "" && client.Secret == "":
		fail("invalid_request", "a public client must send a code_challenge (PKCE with S256)")
		return
	case challenge != "" && method != "S256":
		// A missing method means "plain" (RFC 7636 section 4.3), which is refused.
		fail("invalid_request", "transform algorithm not supported: code_challenge_method must be S256")
		return
	case challenge != "" && !pkceChallenge.MatchString(challenge):
		fail("invalid_request", "code_challenge is not 43 base64url characters")
		return
	}
	user := s.cfg.Users[0].ID
	if hint := q.Get("login_hint"); hint != "" {
		u, ok := s.cfg.LoginHint(hint)
		if !ok || !s.users[u] {
			fail("invalid_request", "login_hint names no user of this server")
			return
		}
		user = u
	}
	req := &authRequest{
		clientID:  id,
		redirect:  q.Get("redirect_uri"),
		scopes:    scopes,
		state:     state,
		challenge: challenge,
		issuer:    issuer,
		user:      user,
		expires:   s.now().Add(s.cfg.CodeTTL),
	}
	if s.cfg.AutoApprove {
		s.approve(w, r, req, redirect, user)
		return
	}
	reqID := randomToken(24)
	s.st.mu.Lock()
	s.st.sweepLocked(s.now(), s.cfg.CodeTTL)
	s.st.pending[reqID] = req
	s.st.mu.Unlock()
	s.consentPage(w, reqID, req)
}

// handleConsent receives the consent form.
func (s *Server) handleConsent(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.errorPage(w, http.StatusBadRequest, "Unreadable form: "+err.Error())
		return
	}
	id := r.PostForm.Get("request_id")
	s.st.mu.Lock()
	req, ok := s.st.pending[id]
	delete(s.st.pending, id) // one answer per consent page
	s.st.mu.Unlock()
	if !ok || !s.now().Before(req.expires) {
		s.errorPage(w, http.StatusBadRequest, "This authorization request is unknown, already answered or expired. Start the login again.")
		return
	}
	redirect, err := url.Parse(req.redirect)
	if err != nil { // validated when the request was stored
		s.errorPage(w, http.StatusInternalServerError, "stored redirect_uri unparsable")
		return
	}
	if r.PostForm.Get("decision") != "approve" {
		s.redirectError(w, r, redirect, "access_denied", "the user denied the request", req.state, req.issuer)
		return
	}
	user := req.user
	if v := r.PostForm.Get("user"); v != "" {
		if !s.users[v] {
			s.errorPage(w, http.StatusBadRequest, "Unknown user.")
			return
		}
		user = v
	}
	s.approve(w, r, req, redirect, user)
}

// approve issues a code for req and redirects to the client.
func (s *Server) approve(w http.ResponseWriter, r *http.Request, req *authRequest, redirect *url.URL, user string) {
	code := randomToken(32)
	now := s.now()
	s.st.mu.Lock()
	s.st.sweepLocked(now, s.cfg.CodeTTL)
	s.st.codes[code] = &authCode{
		clientID:  req.clientID,
		redirect:  req.redirect,
		scopes:    req.scopes,
		challenge: req.challenge,
		user:      user,
		expires:   now.Add(s.cfg.CodeTTL),
	}
	s.st.mu.Unlock()
	s.log.Info("authorization approved", "user", user, "scopes", s.scopeString(req.scopes))
	params := url.Values{"code": {code}, "iss": {req.issuer}}
	if req.state != "" {
		params.Set("state", req.state)
	}
	http.Redirect(w, r, withParams(redirect, params), http.StatusFound)
}

// redirectError sends an RFC 6749 section 4.1.2.1 error to the client's
// redirect URI, with the RFC 9207 issuer.
func (s *Server) redirectError(w http.ResponseWriter, r *http.Request, redirect *url.URL, code, desc, state, issuer string) {
	params := url.Values{"error": {code}, "error_description": {desc}, "iss": {issuer}}
	if state != "" {
		params.Set("state", state)
	}
	http.Redirect(w, r, withParams(redirect, params), http.StatusFound)
}

// codeExpired reports whether an authorization code can no longer be used.
func codeExpired(c *authCode, now time.Time) bool { return !now.Before(c.expires) }
