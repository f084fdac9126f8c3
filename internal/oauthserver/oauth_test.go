package oauthserver

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

// TestAuthCodePKCEWalk logs in with golang.org/x/oauth2 as upexport does:
// authorize with PKCE (auto-approve), exchange, refresh, use the token.
func TestAuthCodePKCEWalk(t *testing.T) {
	for _, style := range []oauth2.AuthStyle{oauth2.AuthStyleInParams, oauth2.AuthStyleInHeader} {
		t.Run(map[oauth2.AuthStyle]string{oauth2.AuthStyleInParams: "params", oauth2.AuthStyleInHeader: "basic"}[style], func(t *testing.T) {
			cfg := testConfig()
			cfg.AutoApprove = true
			cfg.AccessTTL = 7 * time.Hour
			s, ts := startServer(t, cfg)
			conf := oauthConfig(ts, s, "profile", "activity")
			conf.Endpoint.AuthStyle = style
			verifier := oauth2.GenerateVerifier()
			q := authorize(t, conf.AuthCodeURL("st-1", oauth2.S256ChallengeOption(verifier)))
			if q.Get("state") != "st-1" || q.Get("iss") != ts.URL || q.Get("code") == "" {
				t.Fatalf("redirect query %v: want state st-1, iss %s and a code", q, ts.URL)
			}
			ctx := context.Background()
			tok, err := conf.Exchange(ctx, q.Get("code"), oauth2.VerifierOption(verifier))
			if err != nil {
				t.Fatalf("Exchange: %v", err)
			}
			if tok.TokenType != "Bearer" || tok.RefreshToken == "" || tok.Expiry.IsZero() {
				t.Fatalf("token %+v", tok)
			}
			if got := tok.Extra("expires_in"); got != float64(7*3600) {
				t.Errorf("expires_in = %v, want %d", got, 7*3600)
			}
			if got := tok.Extra("scope"); got != "activity profile" {
				t.Errorf("scope = %v, want the granted scopes sorted", got)
			}
			old := *tok
			tok.Expiry = time.Now().Add(-time.Hour) // refresh now
			fresh, err := conf.TokenSource(ctx, tok).Token()
			if err != nil {
				t.Fatalf("refresh: %v", err)
			}
			if fresh.AccessToken == old.AccessToken || fresh.RefreshToken == old.RefreshToken {
				t.Fatal("refresh did not rotate both tokens")
			}
			if st, _ := me(t, ts, old.AccessToken); st != http.StatusUnauthorized {
				t.Errorf("old access token after refresh: status %d, want 401", st)
			}
			if st, body := me(t, ts, fresh.AccessToken); st != 200 || body["user"] != "u0" || body["scopes"] != "activity profile" {
				t.Errorf("new access token: %d %v", st, body)
			}
		})
	}
}

func TestAuthorizeErrors(t *testing.T) {
	cfg := testConfig()
	cfg.AutoApprove = true
	s, ts := startServer(t, cfg)
	base := ts.URL + s.Paths().Authorize
	good := url.Values{
		"response_type": {"code"}, "client_id": {testClientID}, "redirect_uri": {"http://127.0.0.1:4242/cb"},
		"scope": {"activity"}, "state": {"s"},
		"code_challenge": {oauth2.S256ChallengeFromVerifier(oauth2.GenerateVerifier())}, "code_challenge_method": {"S256"},
	}
	with := func(k, v string) url.Values {
		q := url.Values{}
		for kk, vv := range good {
			q[kk] = vv
		}
		if v == "<del>" {
			q.Del(k)
		} else {
			q.Set(k, v)
		}
		return q
	}
	tests := []struct {
		name      string
		q         url.Values
		page      bool   // an error page, no redirect
		wantError string // error= in the redirect
	}{
		{"ok", good, false, ""},
		{"ok localhost any path", with("redirect_uri", "http://localhost:1/x/y?z=1"), false, ""},
		{"ok ipv6 loopback", with("redirect_uri", "http://[::1]:8080/cb"), false, ""},
		{"ok login_hint", with("login_hint", "u1"), false, ""},
		{"redirect https elsewhere", with("redirect_uri", "https://evil.example/cb"), true, ""},
		{"redirect http non-loopback", with("redirect_uri", "http://192.168.1.2:80/cb"), true, ""},
		{"redirect loopback lookalike", with("redirect_uri", "http://127.0.0.1.evil.example/cb"), true, ""},
		{"redirect with fragment", with("redirect_uri", "http://127.0.0.1:1/cb#x"), true, ""},
		{"redirect missing", with("redirect_uri", "<del>"), true, ""},
		{"unknown client", with("client_id", "other"), true, ""},
		{"bad response_type", with("response_type", "token"), false, "unsupported_response_type"},
		{"unknown scope", with("scope", "activity everything"), false, "invalid_scope"},
		{"comma scopes", with("scope", "activity,sleep"), false, "invalid_scope"},
		{"double space", with("scope", "activity  sleep"), false, "invalid_scope"},
		{"plain PKCE refused", with("code_challenge_method", "plain"), false, "invalid_request"},
		{"PKCE without method means plain", with("code_challenge_method", "<del>"), false, "invalid_request"},
		{"bad challenge", with("code_challenge", "short"), false, "invalid_request"},
		{"unknown login_hint", with("login_hint", "nobody"), false, "invalid_request"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, err := noRedirect().Get(base + "?" + tc.q.Encode())
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if tc.page {
				if resp.StatusCode != http.StatusBadRequest || resp.Header.Get("Location") != "" {
					t.Fatalf("status %d Location %q: want an error page, no redirect", resp.StatusCode, resp.Header.Get("Location"))
				}
				return
			}
			if resp.StatusCode != http.StatusFound {
				t.Fatalf("status %d, want 302", resp.StatusCode)
			}
			loc, _ := url.Parse(resp.Header.Get("Location"))
			q := loc.Query()
			if q.Get("error") != tc.wantError {
				t.Fatalf("error=%q, want %q (%s)", q.Get("error"), tc.wantError, q.Get("error_description"))
			}
			if q.Get("state") != "s" || q.Get("iss") != ts.URL {
				t.Errorf("state/iss not echoed: %v", q)
			}
		})
	}
}

// TestTokenErrors covers each token endpoint error path, on a server that
// also takes GET and a code exchange without redirect_uri (as UP's did).
func TestTokenErrors(t *testing.T) {
	clock := newFakeClock()
	cfg := testConfig()
	cfg.AutoApprove, cfg.Now, cfg.TokenAllowGET, cfg.RedirectURIOptional = true, clock.Now, true, true
	s, ts := startServer(t, cfg)
	authURL, tokenURL := ts.URL+s.Paths().Authorize, ts.URL+s.Paths().Token
	redirect := "http://127.0.0.1:5000/cb"
	newCode := func(t *testing.T, verifier string, scope string) string {
		q := url.Values{"response_type": {"code"}, "client_id": {testClientID}, "redirect_uri": {redirect}, "scope": {scope}}
		if verifier != "" {
			q.Set("code_challenge", oauth2.S256ChallengeFromVerifier(verifier))
			q.Set("code_challenge_method", "S256")
		}
		return authorize(t, authURL+"?"+q.Encode()).Get("code")
	}
	exchange := func(code, verifier string, extra url.Values) url.Values {
		p := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "client_id": {testClientID},
			"client_secret": {testClientSecret}, "redirect_uri": {redirect}}
		if verifier != "" {
			p.Set("code_verifier", verifier)
		}
		for k, v := range extra {
			if v[0] == "<del>" {
				p.Del(k)
			} else {
				p[k] = v
			}
		}
		return p
	}
	v := oauth2.GenerateVerifier()

	tests := []struct {
		name   string
		params func(t *testing.T) url.Values
		basic  *[2]string
		method string
		status int
		err    string
	}{
		{"ok confidential with PKCE", func(t *testing.T) url.Values { return exchange(newCode(t, v, ""), v, nil) }, nil, "POST", 200, ""},
		{"ok GET with query params", func(t *testing.T) url.Values { return exchange(newCode(t, "", ""), "", nil) }, nil, "GET", 200, ""},
		{"ok Basic auth", func(t *testing.T) url.Values {
			return exchange(newCode(t, v, ""), v, url.Values{"client_secret": {"<del>"}, "client_id": {"<del>"}})
		}, &[2]string{testClientID, testClientSecret}, "POST", 200, ""},
		{"ok public client with PKCE", func(t *testing.T) url.Values {
			return exchange(newCode(t, v, ""), v, url.Values{"client_secret": {"<del>"}})
		}, nil, "POST", 200, ""},
		{"ok without redirect_uri", func(t *testing.T) url.Values {
			return exchange(newCode(t, v, ""), v, url.Values{"redirect_uri": {"<del>"}})
		}, nil, "POST", 200, ""},
		{"public client without PKCE", func(t *testing.T) url.Values {
			return exchange(newCode(t, "", ""), "", url.Values{"client_secret": {"<del>"}})
		}, nil, "POST", 401, "invalid_client"},
		{"wrong verifier", func(t *testing.T) url.Values { return exchange(newCode(t, v, ""), oauth2.GenerateVerifier(), nil) }, nil, "POST", 400, "invalid_grant"},
		{"missing verifier", func(t *testing.T) url.Values { return exchange(newCode(t, v, ""), "", nil) }, nil, "POST", 400, "invalid_grant"},
		{"verifier without challenge", func(t *testing.T) url.Values { return exchange(newCode(t, "", ""), v, nil) }, nil, "POST", 400, "invalid_grant"},
		{"wrong redirect_uri", func(t *testing.T) url.Values {
			return exchange(newCode(t, v, ""), v, url.Values{"redirect_uri": {"http://127.0.0.1:5001/cb"}})
		}, nil, "POST", 400, "invalid_grant"},
		{"wrong secret", func(t *testing.T) url.Values {
			return exchange(newCode(t, v, ""), v, url.Values{"client_secret": {"nope"}})
		}, nil, "POST", 401, "invalid_client"},
		{"wrong secret Basic", func(t *testing.T) url.Values {
			return exchange(newCode(t, v, ""), v, url.Values{"client_secret": {"<del>"}})
		}, &[2]string{testClientID, "nope"}, "POST", 401, "invalid_client"},
		{"unknown client", func(t *testing.T) url.Values {
			return exchange(newCode(t, v, ""), v, url.Values{"client_id": {"x"}})
		}, nil, "POST", 401, "invalid_client"},
		{"two auth methods", func(t *testing.T) url.Values { return exchange(newCode(t, v, ""), v, nil) },
			&[2]string{testClientID, testClientSecret}, "POST", 400, "invalid_request"},
		{"unknown code", func(t *testing.T) url.Values { return exchange("nope", v, nil) }, nil, "POST", 400, "invalid_grant"},
		{"reused code", func(t *testing.T) url.Values {
			code := newCode(t, v, "")
			if st, _ := tokenRequest(t, "POST", tokenURL, exchange(code, v, nil), nil); st != 200 {
				t.Fatalf("first exchange: %d", st)
			}
			return exchange(code, v, nil)
		}, nil, "POST", 400, "invalid_grant"},
		{"expired code", func(t *testing.T) url.Values {
			code := newCode(t, v, "")
			clock.Advance(10*time.Minute + time.Second)
			return exchange(code, v, nil)
		}, nil, "POST", 400, "invalid_grant"},
		{"unsupported grant", func(t *testing.T) url.Values {
			return url.Values{"grant_type": {"password"}, "client_id": {testClientID}, "client_secret": {testClientSecret}}
		}, nil, "POST", 400, "unsupported_grant_type"},
		{"missing grant_type", func(t *testing.T) url.Values {
			return url.Values{"client_id": {testClientID}, "client_secret": {testClientSecret}}
		}, nil, "POST", 400, "invalid_request"},
		{"repeated parameter", func(t *testing.T) url.Values {
			p := exchange(newCode(t, v, ""), v, nil)
			p["code"] = append(p["code"], "again")
			return p
		}, nil, "POST", 400, "invalid_request"},
		{"wrong method", func(t *testing.T) url.Values { return exchange(newCode(t, v, ""), v, nil) }, nil, "PUT", 405, "invalid_request"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st, body := tokenRequest(t, tc.method, tokenURL, tc.params(t), tc.basic)
			if st != tc.status || (tc.err != "" && body["error"] != tc.err) {
				t.Fatalf("status %d body %v; want %d %q", st, body, tc.status, tc.err)
			}
			if tc.err == "" && (body["access_token"] == "" || body["token_type"] != "Bearer" || body["refresh_token"] == "") {
				t.Fatalf("token body %v", body)
			}
			if tc.err != "" && body["error_description"] == "" {
				t.Errorf("no error_description")
			}
		})
	}
}

// TestTokenErrorHeaders checks the headers RFC 6749 asks of an error:
// a Basic challenge on a 401 to a Basic client, Allow on a 405, no-store.
func TestTokenErrorHeaders(t *testing.T) {
	cfg := testConfig()
	cfg.Realm = "test-realm"
	s, ts := startServer(t, cfg)
	tokenURL := ts.URL + s.Paths().Token
	p := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {"x"}}
	st, h, _ := tokenRequestHeader(t, "POST", tokenURL, p, &[2]string{testClientID, "nope"})
	if st != 401 || h.Get("WWW-Authenticate") != `Basic realm="test-realm"` || h.Get("Cache-Control") != "no-store" {
		t.Errorf("401 to Basic: %d %v", st, h)
	}
	p.Set("client_id", testClientID)
	p.Set("client_secret", "nope")
	if st, h, _ := tokenRequestHeader(t, "POST", tokenURL, p, nil); st != 401 || h.Get("WWW-Authenticate") != "" {
		t.Errorf("401 to form credentials: %d %v", st, h)
	}
	if st, h, _ := tokenRequestHeader(t, "GET", tokenURL, p, nil); st != 405 || h.Get("Allow") != "POST" {
		t.Errorf("GET without TokenAllowGET: %d Allow %q", st, h.Get("Allow"))
	}
}

func TestReusedCodeRevokesItsTokens(t *testing.T) {
	cfg := testConfig()
	cfg.AutoApprove = true
	s, ts := startServer(t, cfg)
	conf := oauthConfig(ts, s, "profile")
	v := oauth2.GenerateVerifier()
	code := authorize(t, conf.AuthCodeURL("x", oauth2.S256ChallengeOption(v))).Get("code")
	tok, err := conf.Exchange(context.Background(), code, oauth2.VerifierOption(v))
	if err != nil {
		t.Fatal(err)
	}
	if st, _ := me(t, ts, tok.AccessToken); st != 200 {
		t.Fatalf("fresh token: %d", st)
	}
	if _, err := conf.Exchange(context.Background(), code, oauth2.VerifierOption(v)); !isOAuthErr(err, "invalid_grant") {
		t.Fatalf("replay: %v, want invalid_grant", err)
	}
	if st, _ := me(t, ts, tok.AccessToken); st != http.StatusUnauthorized {
		t.Fatalf("token of a replayed code still works: %d", st)
	}
}

func TestRefreshRotation(t *testing.T) {
	clock := newFakeClock()
	cfg := testConfig()
	cfg.AccessTTL, cfg.Now = 30*time.Second, clock.Now
	s, ts := startServer(t, cfg)
	tokenURL := ts.URL + s.Paths().Token
	access, refresh, err := s.IssueToken("u0", testClientID, []string{"profile", "activity"})
	if err != nil {
		t.Fatal(err)
	}
	if st, _ := me(t, ts, access); st != 200 {
		t.Fatalf("fresh token: %d", st)
	}
	clock.Advance(31 * time.Second)
	if st, body := me(t, ts, access); st != http.StatusUnauthorized || body["error"] != ErrExpiredToken.Error() {
		t.Fatalf("expired token: %d %v", st, body)
	}
	p := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refresh}, "client_id": {testClientID}, "client_secret": {testClientSecret}}
	st, body := tokenRequest(t, "POST", tokenURL, p, nil)
	if st != 200 || body["refresh_token"] == refresh {
		t.Fatalf("refresh: %d %v", st, body)
	}
	if st, _ := me(t, ts, body["access_token"].(string)); st != 200 {
		t.Fatalf("new token: %d", st)
	}
	// The rotated (old) refresh token is dead.
	if st, body := tokenRequest(t, "POST", tokenURL, p, nil); st != 400 || body["error"] != "invalid_grant" {
		t.Fatalf("old refresh token: %d %v", st, body)
	}
	// A confidential grant cannot be refreshed without the secret.
	cur := body["refresh_token"].(string)
	noSecret := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {cur}, "client_id": {testClientID}}
	if st, b := tokenRequest(t, "POST", tokenURL, noSecret, nil); st != 401 || b["error"] != "invalid_client" {
		t.Fatalf("refresh without secret: %d %v", st, b)
	}
	// Widening the scope is refused; narrowing works.
	wide := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {cur}, "client_id": {testClientID},
		"client_secret": {testClientSecret}, "scope": {"profile sleep"}}
	if st, b := tokenRequest(t, "POST", tokenURL, wide, nil); st != 400 || b["error"] != "invalid_scope" {
		t.Fatalf("widening refresh: %d %v", st, b)
	}
	wide.Set("scope", "profile")
	st, b := tokenRequest(t, "POST", tokenURL, wide, nil)
	if st != 200 || b["scope"] != "profile" {
		t.Fatalf("narrowing refresh: %d %v", st, b)
	}
	if st, body := me(t, ts, b["access_token"].(string)); st != 200 || body["scopes"] != "profile" {
		t.Fatalf("narrowed token: %d %v", st, body)
	}
}

// TestRefreshWithoutRotation: the refresh token stays, and the access
// tokens issued before a refresh keep working until they expire.
func TestRefreshWithoutRotation(t *testing.T) {
	clock := newFakeClock()
	cfg := testConfig()
	cfg.RotateRefreshTokens, cfg.AccessTTL, cfg.Now = false, time.Minute, clock.Now
	s, ts := startServer(t, cfg)
	tokenURL := ts.URL + s.Paths().Token
	a1, refresh, err := s.IssueToken("u1", testClientID, nil)
	if err != nil {
		t.Fatal(err)
	}
	p := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refresh}, "client_id": {testClientID}, "client_secret": {testClientSecret}}
	clock.Advance(30 * time.Second)
	st, body := tokenRequest(t, "POST", tokenURL, p, nil)
	if st != 200 || body["refresh_token"] != refresh || body["access_token"] == a1 {
		t.Fatalf("refresh: %d %v; want the same refresh token and a new access token", st, body)
	}
	a2 := body["access_token"].(string)
	if st, body := me(t, ts, a1); st != 200 || body["user"] != "u1" {
		t.Errorf("access token from before the refresh: %d %v", st, body)
	}
	if st, body := tokenRequest(t, "POST", tokenURL, p, nil); st != 200 || body["refresh_token"] != refresh {
		t.Errorf("second refresh with the same token: %d %v", st, body)
	}
	clock.Advance(31 * time.Second)
	if st, _ := me(t, ts, a1); st != 401 {
		t.Errorf("first access token after its TTL: %d", st)
	}
	if st, _ := me(t, ts, a2); st != 200 {
		t.Errorf("second access token within its TTL: %d", st)
	}
}

func TestRefreshTTL(t *testing.T) {
	clock := newFakeClock()
	cfg := testConfig()
	cfg.RefreshTTL, cfg.Now = time.Hour, clock.Now
	s, ts := startServer(t, cfg)
	tokenURL := ts.URL + s.Paths().Token
	_, refresh, err := s.IssueToken("u0", testClientID, nil)
	if err != nil {
		t.Fatal(err)
	}
	p := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refresh}, "client_id": {testClientID}, "client_secret": {testClientSecret}}
	clock.Advance(59 * time.Minute)
	st, body := tokenRequest(t, "POST", tokenURL, p, nil)
	if st != 200 {
		t.Fatalf("refresh within the TTL: %d %v", st, body)
	}
	// The rotated refresh token has a TTL of its own, from its issue.
	p.Set("refresh_token", body["refresh_token"].(string))
	clock.Advance(time.Hour)
	if st, body := tokenRequest(t, "POST", tokenURL, p, nil); st != 400 || body["error"] != "invalid_grant" {
		t.Fatalf("refresh after the TTL: %d %v", st, body)
	}
}

func TestRevocation(t *testing.T) {
	s, ts := startServer(t, testConfig())
	tokenURL, revokeURL := ts.URL+s.Paths().Token, ts.URL+s.Paths().Revoke
	revoke := func(tok string) int {
		resp, err := http.PostForm(revokeURL, url.Values{"token": {tok}, "client_id": {testClientID}, "client_secret": {testClientSecret}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	a1, r1, _ := s.IssueToken("u0", testClientID, nil)
	a2, r2, _ := s.IssueToken("u0", testClientID, nil)
	if revoke(a1) != 200 || revoke("unknown-token") != 200 {
		t.Fatal("revocation status")
	}
	if st, body := me(t, ts, a1); st != 401 || body["error"] != ErrInvalidToken.Error() {
		t.Errorf("revoked access token works: %d %v", st, body)
	}
	// Revoking an access token leaves its refresh token.
	p := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {r1}, "client_id": {testClientID}, "client_secret": {testClientSecret}}
	if st, _ := tokenRequest(t, "POST", tokenURL, p, nil); st != 200 {
		t.Errorf("refresh after access revocation: %d", st)
	}
	// Revoking a refresh token kills its access tokens too.
	if revoke(r2) != 200 {
		t.Fatal("revoke refresh")
	}
	if st, _ := me(t, ts, a2); st != 401 {
		t.Errorf("access token of a revoked refresh token works: %d", st)
	}
	p.Set("refresh_token", r2)
	if st, body := tokenRequest(t, "POST", tokenURL, p, nil); st != 400 || body["error"] != "invalid_grant" {
		t.Errorf("revoked refresh token: %d %v", st, body)
	}
	// Wrong secret: 401.
	resp, err := http.PostForm(revokeURL, url.Values{"token": {a2}, "client_id": {testClientID}, "client_secret": {"x"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Errorf("revoke with wrong secret: %d", resp.StatusCode)
	}
}

func TestDeviceFlow(t *testing.T) {
	t.Run("x/oauth2 client, auto-approve", func(t *testing.T) {
		cfg := testConfig()
		cfg.AutoApprove, cfg.DeviceInterval = true, time.Second
		s, ts := startServer(t, cfg)
		conf := oauthConfig(ts, s, "profile", "activity")
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		da, err := conf.DeviceAuth(ctx)
		if err != nil {
			t.Fatalf("DeviceAuth: %v", err)
		}
		if da.UserCode == "" || !strings.HasPrefix(da.VerificationURI, ts.URL) || !strings.Contains(da.VerificationURIComplete, "user_code=") || da.Interval != 1 {
			t.Fatalf("device auth response %+v", da)
		}
		tok, err := conf.DeviceAccessToken(ctx, da)
		if err != nil {
			t.Fatalf("DeviceAccessToken: %v", err)
		}
		if st, body := me(t, ts, tok.AccessToken); st != 200 || body["scopes"] != "activity profile" {
			t.Fatalf("device token: %d %v", st, body)
		}
	})
	t.Run("person approves or denies, pending, slow_down, expiry", func(t *testing.T) {
		clock := newFakeClock()
		cfg := testConfig()
		cfg.Now, cfg.DeviceInterval = clock.Now, 5*time.Second
		s, ts := startServer(t, cfg)
		deviceURL, tokenURL := ts.URL+s.Paths().Device, ts.URL+s.Paths().Token
		start := func() map[string]any {
			st, body := tokenRequest(t, "POST", deviceURL, url.Values{"client_id": {testClientID}, "scope": {"profile"}}, nil)
			if st != 200 {
				t.Fatalf("device endpoint: %d %v", st, body)
			}
			return body
		}
		poll := func(dc string) (int, map[string]any) {
			return tokenRequest(t, "POST", tokenURL, url.Values{"grant_type": {DeviceGrantType}, "device_code": {dc}, "client_id": {testClientID}}, nil)
		}
		answer := func(userCode, decision, user string) int {
			resp, err := http.PostForm(ts.URL+s.Paths().Verify, url.Values{"user_code": {strings.ToLower(userCode)}, "decision": {decision}, "user": {user}})
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			return resp.StatusCode
		}
		d := start()
		dc, uc := d["device_code"].(string), d["user_code"].(string)
		if _, body := poll(dc); body["error"] != "slow_down" {
			t.Fatalf("immediate poll: %v, want slow_down", body)
		}
		clock.Advance(11 * time.Second) // interval is now 10s
		if _, body := poll(dc); body["error"] != "authorization_pending" {
			t.Fatalf("poll: %v, want authorization_pending", body)
		}
		if resp, err := http.Get(d["verification_uri_complete"].(string)); err != nil || resp.StatusCode != 200 {
			t.Fatalf("verification page: %v %v", resp, err)
		}
		if answer(uc, "approve", "nobody") != 400 {
			t.Fatal("unknown user accepted")
		}
		if answer(uc, "approve", "u1") != 200 {
			t.Fatal("approve")
		}
		if answer(uc, "approve", "u1") != 400 {
			t.Fatal("second answer accepted")
		}
		clock.Advance(11 * time.Second)
		st, body := poll(dc)
		if st != 200 || body["access_token"] == nil {
			t.Fatalf("approved poll: %d %v", st, body)
		}
		if st, who := me(t, ts, body["access_token"].(string)); st != 200 || who["user"] != "u1" {
			t.Fatalf("device token's user: %d %v, want u1", st, who)
		}
		if _, body := poll(dc); body["error"] != "invalid_grant" {
			t.Fatalf("redeemed device code: %v", body)
		}

		d = start()
		answer(d["user_code"].(string), "deny", "")
		clock.Advance(6 * time.Second)
		if _, body := poll(d["device_code"].(string)); body["error"] != "access_denied" {
			t.Fatalf("denied: %v", body)
		}
		d = start()
		clock.Advance(11 * time.Minute)
		if _, body := poll(d["device_code"].(string)); body["error"] != "expired_token" {
			t.Fatalf("expired: %v", body)
		}
	})
}

func TestConsentPage(t *testing.T) {
	cfg := testConfig()
	cfg.Service = "Test<API>"
	s, ts := startServer(t, cfg)
	conf := oauthConfig(ts, s, "profile")
	v := oauth2.GenerateVerifier()
	resp, err := noRedirect().Get(conf.AuthCodeURL("<script>", oauth2.S256ChallengeOption(v)))
	if err != nil {
		t.Fatal(err)
	}
	body := readAll(t, resp)
	if resp.StatusCode != 200 || !strings.Contains(body, `name="request_id"`) || strings.Contains(body, "<script>") {
		t.Fatalf("consent page %d: %s", resp.StatusCode, body)
	}
	for _, want := range []string{"<title>Test&lt;API&gt; demo server</title>", "access to your Test&lt;API&gt; data", `<option value="u1">Alan Turing (alan)</option>`, `action="` + s.Paths().Consent + `"`} {
		if !strings.Contains(body, want) {
			t.Errorf("consent page lacks %s:\n%s", want, body)
		}
	}
	id := between(body, `name="request_id" value="`, `"`)
	post := func(decision string) url.Values {
		resp, err := noRedirect().PostForm(ts.URL+s.Paths().Consent, url.Values{"request_id": {id}, "decision": {decision}, "user": {"u1"}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusFound {
			t.Fatalf("consent %s: %d", decision, resp.StatusCode)
		}
		loc, _ := url.Parse(resp.Header.Get("Location"))
		return loc.Query()
	}
	q := post("approve")
	tok, err := conf.Exchange(context.Background(), q.Get("code"), oauth2.VerifierOption(v))
	if err != nil {
		t.Fatal(err)
	}
	if st, who := me(t, ts, tok.AccessToken); st != 200 || who["user"] != "u1" {
		t.Fatalf("signed in as %v, want u1", who)
	}
	// The same consent page cannot be answered twice.
	resp, err = noRedirect().PostForm(ts.URL+s.Paths().Consent, url.Values{"request_id": {id}, "decision": {"approve"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("second answer to a consent page: %d", resp.StatusCode)
	}
	// Deny on a new consent page.
	resp, _ = noRedirect().Get(conf.AuthCodeURL("st", oauth2.S256ChallengeOption(v)))
	id = between(readAll(t, resp), `name="request_id" value="`, `"`)
	if q := post("deny"); q.Get("error") != "access_denied" || q.Get("state") != "st" || q.Get("iss") != ts.URL {
		t.Fatalf("deny: %v", q)
	}
}
