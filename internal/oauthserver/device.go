package oauthserver

import (
	"crypto/rand"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// deviceAuth is one RFC 8628 device authorization.
type deviceAuth struct {
	deviceCode string
	userCode   string
	clientID   string
	scopes     Scopes
	expires    time.Time
	interval   time.Duration // grows by 5s on every slow_down
	lastPoll   time.Time     // issuance, then every poll
	approved   bool
	denied     bool
	redeemed   bool
	user       string
}

// userCodeAlphabet has no vowels (no words) and no easily confused
// characters, as RFC 8628 section 6.1 suggests.
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

// handleDeviceAuthorization is the RFC 8628 section 3.1 device
// authorization endpoint. With AutoApprove the authorization is approved
// (as Users[0], or login_hint's user) when it is issued, so the first poll
// that waits the interval gets the tokens; polling sooner still gets
// slow_down.
func (s *Server) handleDeviceAuthorization(w http.ResponseWriter, r *http.Request) {
	p, c, e := s.clientRequest(r, false)
	if e != nil {
		s.writeError(w, r, e)
		return
	}
	scopes, err := s.parseScopes(p.Get("scope"))
	if err != nil {
		e := errInvalidScope(err.Error())
		e.Basic = c.basic
		s.writeError(w, r, e)
		return
	}
	user := s.cfg.Users[0].ID
	if hint := p.Get("login_hint"); hint != "" {
		u, ok := s.cfg.LoginHint(hint)
		if !ok || !s.users[u] {
			e := errInvalidRequest("login_hint names no user of this server")
			e.Basic = c.basic
			s.writeError(w, r, e)
			return
		}
		user = u
	}
	now := s.now()
	d := &deviceAuth{
		deviceCode: randomToken(32),
		clientID:   c.id,
		scopes:     scopes,
		expires:    now.Add(s.cfg.CodeTTL),
		interval:   s.cfg.DeviceInterval,
		lastPoll:   now,
		approved:   s.cfg.AutoApprove,
		user:       user,
	}
	st := s.st
	st.mu.Lock()
	st.sweepLocked(now, s.cfg.CodeTTL)
	for {
		d.userCode = newUserCode()
		if _, taken := st.userCodes[d.userCode]; !taken {
			break
		}
	}
	st.devices[d.deviceCode] = d
	st.userCodes[d.userCode] = d
	st.mu.Unlock()
	verify := origin(r) + s.cfg.Paths.Verify
	WriteNoStoreJSON(w, http.StatusOK, map[string]any{
		"device_code":               d.deviceCode,
		"user_code":                 d.userCode,
		"verification_uri":          verify,
		"verification_uri_complete": verify + "?" + url.Values{"user_code": {d.userCode}}.Encode(),
		"expires_in":                int64(s.cfg.CodeTTL / time.Second),
		"interval":                  int64(d.interval / time.Second),
	})
}

// deviceGrant answers a device access token poll (RFC 8628 sections 3.4
// and 3.5).
func (s *Server) deviceGrant(c client, p url.Values) (*Token, *Error) {
	code := p.Get("device_code")
	if code == "" {
		return nil, errInvalidRequest("device_code is missing")
	}
	now := s.now()
	st := s.st
	st.mu.Lock()
	defer st.mu.Unlock()
	d, ok := st.devices[code]
	switch {
	case !ok || d.redeemed:
		return nil, errInvalidGrant("unknown or already used device_code")
	case d.clientID != c.id:
		return nil, errInvalidGrant("device_code was issued to another client")
	case !now.Before(d.expires):
		return nil, &Error{Status: http.StatusBadRequest, Code: "expired_token", Description: "the device code expired; start again"}
	case d.denied:
		return nil, &Error{Status: http.StatusBadRequest, Code: "access_denied", Description: "the user denied the request"}
	}
	early := now.Sub(d.lastPoll) < d.interval
	d.lastPoll = now
	if early {
		d.interval += 5 * time.Second
		return nil, &Error{Status: http.StatusBadRequest, Code: "slow_down", Description: "polling too fast; interval is now " + strconv.Itoa(int(d.interval/time.Second)) + "s"}
	}
	if !d.approved {
		return nil, &Error{Status: http.StatusBadRequest, Code: "authorization_pending", Description: "the user has not answered yet"}
	}
	d.redeemed = true
	delete(st.userCodes, d.userCode)
	g, access := st.newGrantLocked(d.user, c.id, d.scopes, c.public, now, s.cfg.AccessTTL, s.cfg.RefreshTTL)
	return s.token(access, g, d.scopes), nil
}

// handleVerifyPage shows the page where a person enters and answers a
// user code (RFC 8628 section 3.3).
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
	user := s.cfg.Users[0].ID
	if v := r.PostForm.Get("user"); v != "" {
		if !s.users[v] {
			s.verifyPage(w, http.StatusBadRequest, uc, "Unknown user.")
			return
		}
		user = v
	}
	now := s.now()
	st := s.st
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
