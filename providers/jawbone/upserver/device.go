package upserver

import (
	"crypto/rand"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// deviceLifetime is how long a device code and its user code stay valid.
const deviceLifetime = codeLifetime

// deviceAuth is one RFC 8628 device authorization.
type deviceAuth struct {
	deviceCode string
	userCode   string
	clientID   string
	scopes     scopeSet
	expires    time.Time
	interval   time.Duration // grows by 5s on every slow_down
	lastPoll   time.Time     // issuance, then every poll
	approved   bool
	denied     bool
	redeemed   bool
	user       int
}

// userCodeAlphabet has no vowels (no words) and no easily confused
// characters, as RFC 8628 §6.1 suggests.
const userCodeAlphabet = "BCDFGHJKLMNPQRSTVWXZ"

func newUserCode() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	var sb strings.Builder
	for i, c := range b {
		if i == 4 {
			sb.WriteByte('-')
		}
		sb.WriteByte(userCodeAlphabet[int(c)%len(userCodeAlphabet)])
	}
	return sb.String()
}

// normalizeUserCode lets a person type the code in any case, with or
// without the dash.
func normalizeUserCode(s string) string {
	s = strings.ToUpper(strings.NewReplacer("-", "", " ", "").Replace(s))
	if len(s) != 8 {
		return s
	}
	return s[:4] + "-" + s[4:]
}

// handleDeviceAuthorization is the RFC 8628 §3.1 device authorization
// endpoint. With AutoApprove the authorization is approved (as user 0, or
// login_hint) when it is issued, so the first poll that waits the interval
// gets the tokens; polling sooner still gets slow_down.
func (s *Server) handleDeviceAuthorization(w http.ResponseWriter, r *http.Request) {
	p, c, ok := s.clientRequest(w, r, false)
	if !ok {
		return
	}
	scopes, err := parseScopes(p.Get("scope"))
	if err != nil {
		s.writeOAuthError(w, &oauthError{http.StatusBadRequest, "invalid_scope", err.Error()}, c.basic)
		return
	}
	user := 0
	if hint := p.Get("login_hint"); hint != "" {
		u, ok := s.data.userByHint(hint)
		if !ok {
			s.writeOAuthError(w, errInvalidRequest("login_hint names no user of this server"), c.basic)
			return
		}
		user = u
	}
	now := s.now()
	d := &deviceAuth{
		deviceCode: randomToken(32),
		clientID:   c.id,
		scopes:     scopes,
		expires:    now.Add(deviceLifetime),
		interval:   s.cfg.DeviceInterval,
		lastPoll:   now,
		approved:   s.cfg.AutoApprove,
		user:       user,
	}
	st := s.auth
	st.mu.Lock()
	st.sweepLocked(now)
	for {
		d.userCode = newUserCode()
		if _, taken := st.userCodes[d.userCode]; !taken {
			break
		}
	}
	st.devices[d.deviceCode] = d
	st.userCodes[d.userCode] = d
	st.mu.Unlock()
	verify := baseURL(r) + VerifyPath
	writeNoStoreJSON(w, http.StatusOK, map[string]any{
		"device_code":               d.deviceCode,
		"user_code":                 d.userCode,
		"verification_uri":          verify,
		"verification_uri_complete": verify + "?" + url.Values{"user_code": {d.userCode}}.Encode(),
		"expires_in":                int64(deviceLifetime / time.Second),
		"interval":                  int64(d.interval / time.Second),
	})
}

// deviceGrant answers a device access token poll (RFC 8628 §3.4, §3.5).
func (s *Server) deviceGrant(c client, p url.Values) (tokenResponse, *oauthError) {
	code := p.Get("device_code")
	if code == "" {
		return tokenResponse{}, errInvalidRequest("device_code is missing")
	}
	now := s.now()
	st := s.auth
	st.mu.Lock()
	defer st.mu.Unlock()
	d, ok := st.devices[code]
	switch {
	case !ok || d.redeemed:
		return tokenResponse{}, errInvalidGrant("unknown or already used device_code")
	case d.clientID != c.id:
		return tokenResponse{}, errInvalidGrant("device_code was issued to another client")
	case !now.Before(d.expires):
		return tokenResponse{}, &oauthError{http.StatusBadRequest, "expired_token", "the device code expired; start again"}
	case d.denied:
		return tokenResponse{}, &oauthError{http.StatusBadRequest, "access_denied", "the user denied the request"}
	}
	early := now.Sub(d.lastPoll) < d.interval
	d.lastPoll = now
	if early {
		d.interval += 5 * time.Second
		return tokenResponse{}, &oauthError{http.StatusBadRequest, "slow_down", "polling too fast; interval is now " + strconv.Itoa(int(d.interval/time.Second)) + "s"}
	}
	if !d.approved {
		return tokenResponse{}, &oauthError{http.StatusBadRequest, "authorization_pending", "the user has not answered yet"}
	}
	d.redeemed = true
	delete(st.userCodes, d.userCode)
	g, access := st.newGrantLocked(d.user, c.id, d.scopes, c.public, now, s.cfg.AccessTTL)
	return s.tokenResponse(access, g, d.scopes), nil
}

// handleVerifyPage shows the page where a person enters and answers a
// user code (RFC 8628 §3.3).
func (s *Server) handleVerifyPage(w http.ResponseWriter, r *http.Request) {
	s.verifyPage(w, http.StatusOK, normalizeUserCode(r.URL.Query().Get("user_code")), "")
}

// handleVerifySubmit records the person's answer for a user code.
func (s *Server) handleVerifySubmit(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.errorPage(w, http.StatusBadRequest, "Unreadable form: "+err.Error())
		return
	}
	uc := normalizeUserCode(r.PostForm.Get("user_code"))
	user := 0
	if v := r.PostForm.Get("user"); v != "" {
		u, err := strconv.Atoi(v)
		if err != nil || u < 0 || u >= s.cfg.Users {
			s.verifyPage(w, http.StatusBadRequest, uc, "Unknown user.")
			return
		}
		user = u
	}
	now := s.now()
	st := s.auth
	st.mu.Lock()
	d, ok := st.userCodes[uc]
	if ok && (d.redeemed || d.approved || d.denied || !now.Before(d.expires)) {
		ok = false
	}
	approved := r.PostForm.Get("decision") == "approve"
	if ok {
		if approved {
			d.approved, d.user = true, user
		} else {
			d.denied = true
		}
	}
	st.mu.Unlock()
	if !ok {
		s.verifyPage(w, http.StatusBadRequest, uc, "That code is unknown, expired or already answered.")
		return
	}
	msg := "Access denied. You can close this page."
	if approved {
		msg = "Device approved. You can close this page and return to your device."
	}
	s.messagePage(w, http.StatusOK, msg)
}
