package upserver

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

// TestAuthCodePKCEWalk is the issue's "curl walk" in Go over loopback:
// authorize with PKCE (auto-approve), exchange, refresh, page all moves.
func TestAuthCodePKCEWalk(t *testing.T) {
	for _, style := range []oauth2.AuthStyle{oauth2.AuthStyleInParams, oauth2.AuthStyleInHeader} {
		t.Run(map[oauth2.AuthStyle]string{oauth2.AuthStyleInParams: "params", oauth2.AuthStyleInHeader: "basic"}[style], func(t *testing.T) {
			s, ts := startServer(t, Config{AutoApprove: true, Days: 30})
			conf := oauthConfig(ts, s, "basic_read", "move_read")
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
			if got := tok.Extra("expires_in"); got != float64(31536000) {
				t.Errorf("expires_in = %v, want 31536000", got)
			}
			// Refresh by forcing expiry.
			old := *tok
			tok.Expiry = time.Now().Add(-time.Hour)
			fresh, err := conf.TokenSource(ctx, tok).Token()
			if err != nil {
				t.Fatalf("refresh: %v", err)
			}
			if fresh.AccessToken == old.AccessToken || fresh.RefreshToken == old.RefreshToken {
				t.Fatal("refresh did not rotate both tokens")
			}
			if st, _, _ := apiGet(t, ts, old.AccessToken, APIPrefix+"/users/@me"); st != http.StatusUnauthorized {
				t.Errorf("old access token after refresh: status %d, want 401", st)
			}
			keys, _ := pageAll(t, ts, fresh.AccessToken, APIPrefix+"/users/@me/moves")
			want, err := s.GroundTruth(0, "moves")
			if err != nil {
				t.Fatal(err)
			}
			slices.Reverse(want)
			if !slices.Equal(keys, want) {
				t.Fatalf("paged %d moves, ground truth %d", len(keys), len(want))
			}
		})
	}
}

func TestAuthorizeErrors(t *testing.T) {
	s, ts := startServer(t, Config{AutoApprove: true})
	base := s.Info(ts.URL).AuthURL
	good := url.Values{
		"response_type": {"code"}, "client_id": {"upexport-demo"}, "redirect_uri": {"http://127.0.0.1:4242/cb"},
		"scope": {"move_read"}, "state": {"s"},
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
		{"redirect https elsewhere", with("redirect_uri", "https://evil.example/cb"), true, ""},
		{"redirect http non-loopback", with("redirect_uri", "http://192.168.1.2:80/cb"), true, ""},
		{"redirect loopback lookalike", with("redirect_uri", "http://127.0.0.1.evil.example/cb"), true, ""},
		{"redirect with fragment", with("redirect_uri", "http://127.0.0.1:1/cb#x"), true, ""},
		{"redirect missing", with("redirect_uri", "<del>"), true, ""},
		{"unknown client", with("client_id", "other"), true, ""},
		{"bad response_type", with("response_type", "token"), false, "unsupported_response_type"},
		{"unknown scope", with("scope", "move_read everything"), false, "invalid_scope"},
		{"comma scopes", with("scope", "move_read,sleep_read"), false, "invalid_scope"},
		{"plain PKCE refused", with("code_challenge_method", "plain"), false, "invalid_request"},
		{"PKCE without method means plain", with("code_challenge_method", "<del>"), false, "invalid_request"},
		{"bad challenge", with("code_challenge", "short"), false, "invalid_request"},
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

// TestTokenErrors covers each token endpoint error path.
func TestTokenErrors(t *testing.T) {
	clock := newFakeClock()
	s, ts := startServer(t, Config{AutoApprove: true, Now: clock.Now})
	info := s.Info(ts.URL)
	redirect := "http://127.0.0.1:5000/cb"
	newCode := func(t *testing.T, verifier string, scope string) string {
		q := url.Values{"response_type": {"code"}, "client_id": {info.ClientID}, "redirect_uri": {redirect}, "scope": {scope}}
		if verifier != "" {
			q.Set("code_challenge", oauth2.S256ChallengeFromVerifier(verifier))
			q.Set("code_challenge_method", "S256")
		}
		return authorize(t, info.AuthURL+"?"+q.Encode()).Get("code")
	}
	exchange := func(code, verifier string, extra url.Values) url.Values {
		p := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "client_id": {info.ClientID},
			"client_secret": {info.ClientSecret}, "redirect_uri": {redirect}}
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
		{"ok GET with query params (real API)", func(t *testing.T) url.Values { return exchange(newCode(t, "", ""), "", nil) }, nil, "GET", 200, ""},
		{"ok Basic auth", func(t *testing.T) url.Values {
			return exchange(newCode(t, v, ""), v, url.Values{"client_secret": {"<del>"}, "client_id": {"<del>"}})
		}, &[2]string{"upexport-demo", "upexport-demo-secret"}, "POST", 200, ""},
		{"ok public client with PKCE", func(t *testing.T) url.Values {
			return exchange(newCode(t, v, ""), v, url.Values{"client_secret": {"<del>"}})
		}, nil, "POST", 200, ""},
		{"ok without redirect_uri (real clients)", func(t *testing.T) url.Values {
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
		}, &[2]string{"upexport-demo", "nope"}, "POST", 401, "invalid_client"},
		{"unknown client", func(t *testing.T) url.Values {
			return exchange(newCode(t, v, ""), v, url.Values{"client_id": {"x"}})
		}, nil, "POST", 401, "invalid_client"},
		{"two auth methods", func(t *testing.T) url.Values { return exchange(newCode(t, v, ""), v, nil) },
			&[2]string{"upexport-demo", "upexport-demo-secret"}, "POST", 400, "invalid_request"},
		{"unknown code", func(t *testing.T) url.Values { return exchange("nope", v, nil) }, nil, "POST", 400, "invalid_grant"},
		{"reused code", func(t *testing.T) url.Values {
			code := newCode(t, v, "")
			if st, _ := tokenRequest(t, "POST", info.TokenURL, exchange(code, v, nil), nil); st != 200 {
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
			return url.Values{"grant_type": {"password"}, "client_id": {info.ClientID}, "client_secret": {info.ClientSecret}}
		}, nil, "POST", 400, "unsupported_grant_type"},
		{"repeated parameter", func(t *testing.T) url.Values {
			p := exchange(newCode(t, v, ""), v, nil)
			p["code"] = append(p["code"], "again")
			return p
		}, nil, "POST", 400, "invalid_request"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st, body := tokenRequest(t, tc.method, info.TokenURL, tc.params(t), tc.basic)
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

func TestReusedCodeRevokesItsTokens(t *testing.T) {
	s, ts := startServer(t, Config{AutoApprove: true})
	conf := oauthConfig(ts, s, "basic_read")
	v := oauth2.GenerateVerifier()
	code := authorize(t, conf.AuthCodeURL("x", oauth2.S256ChallengeOption(v))).Get("code")
	tok, err := conf.Exchange(context.Background(), code, oauth2.VerifierOption(v))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conf.Exchange(context.Background(), code, oauth2.VerifierOption(v)); !isOAuthErr(err, "invalid_grant") {
		t.Fatalf("replay: %v, want invalid_grant", err)
	}
	if st, _, _ := apiGet(t, ts, tok.AccessToken, APIPrefix+"/users/@me"); st != http.StatusUnauthorized {
		t.Fatalf("token of a replayed code still works: %d", st)
	}
}

func isOAuthErr(err error, code string) bool {
	var re *oauth2.RetrieveError
	return errors.As(err, &re) && re.ErrorCode == code
}

func TestRefreshRotation(t *testing.T) {
	clock := newFakeClock()
	s, ts := startServer(t, Config{AccessTTL: 30 * time.Second, Now: clock.Now})
	info := s.Info(ts.URL)
	access, refresh, err := s.IssueToken(0, []string{"basic_read", "move_read"})
	if err != nil {
		t.Fatal(err)
	}
	if st, _, _ := apiGet(t, ts, access, APIPrefix+"/users/@me"); st != 200 {
		t.Fatalf("fresh token: %d", st)
	}
	clock.Advance(31 * time.Second)
	st, env, _ := apiGet(t, ts, access, APIPrefix+"/users/@me")
	if st != http.StatusUnauthorized || !strings.Contains(env.Meta.ErrorDetail, "expired") {
		t.Fatalf("expired token: %d %+v", st, env.Meta)
	}
	p := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refresh}, "client_id": {info.ClientID}, "client_secret": {info.ClientSecret}}
	st, body := tokenRequest(t, "POST", info.TokenURL, p, nil)
	if st != 200 || body["refresh_token"] == refresh {
		t.Fatalf("refresh: %d %v", st, body)
	}
	if st, _, _ := apiGet(t, ts, body["access_token"].(string), APIPrefix+"/users/@me"); st != 200 {
		t.Fatalf("new token: %d", st)
	}
	// The rotated (old) refresh token is dead.
	if st, body := tokenRequest(t, "POST", info.TokenURL, p, nil); st != 400 || body["error"] != "invalid_grant" {
		t.Fatalf("old refresh token: %d %v", st, body)
	}
	// A confidential grant cannot be refreshed without the secret.
	cur := body["refresh_token"].(string)
	noSecret := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {cur}, "client_id": {info.ClientID}}
	if st, b := tokenRequest(t, "POST", info.TokenURL, noSecret, nil); st != 401 || b["error"] != "invalid_client" {
		t.Fatalf("refresh without secret: %d %v", st, b)
	}
	// Widening the scope is refused; narrowing works.
	wide := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {cur}, "client_id": {info.ClientID},
		"client_secret": {info.ClientSecret}, "scope": {"basic_read sleep_read"}}
	if st, b := tokenRequest(t, "POST", info.TokenURL, wide, nil); st != 400 || b["error"] != "invalid_scope" {
		t.Fatalf("widening refresh: %d %v", st, b)
	}
	wide.Set("scope", "basic_read")
	st, b := tokenRequest(t, "POST", info.TokenURL, wide, nil)
	if st != 200 || b["scope"] != "basic_read" {
		t.Fatalf("narrowing refresh: %d %v", st, b)
	}
	if st, _, _ := apiGet(t, ts, b["access_token"].(string), APIPrefix+"/users/@me/moves"); st != http.StatusForbidden {
		t.Fatalf("narrowed token reads moves: %d", st)
	}
}

func TestScopeEnforcement(t *testing.T) {
	s, ts := startServer(t, Config{Days: 10})
	tok, _, err := s.IssueToken(0, []string{"basic_read"})
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/users/@me/moves", "/users/@me/sleeps", "/users/@me/meals", "/users/@me/heartrates", "/users/@me/bandevents", "/users/@me/friends", "/users/@me/mood"} {
		st, env, _ := apiGet(t, ts, tok, APIPrefix+path)
		if st != http.StatusForbidden || !strings.Contains(env.Meta.ErrorDetail, "_read") || env.Meta.UserXID != s.UserXID(0) {
			t.Errorf("%s with basic_read only: %d %+v", path, st, env.Meta)
		}
	}
	if st, _, _ := apiGet(t, ts, tok, APIPrefix+"/users/@me"); st != 200 {
		t.Errorf("users/@me: %d", st)
	}
	if st, _, _ := apiGet(t, ts, "", APIPrefix+"/users/@me"); st != 401 {
		t.Errorf("no token: %d", st)
	}
	if st, _, _ := apiGet(t, ts, "garbage", APIPrefix+"/users/@me"); st != 401 {
		t.Errorf("bad token: %d", st)
	}
}

func TestRevocation(t *testing.T) {
	s, ts := startServer(t, Config{Days: 5})
	info := s.Info(ts.URL)
	revoke := func(tok string) int {
		resp, err := http.PostForm(info.RevokeURL, url.Values{"token": {tok}, "client_id": {info.ClientID}, "client_secret": {info.ClientSecret}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	a1, r1, _ := s.IssueToken(0, nil)
	a2, r2, _ := s.IssueToken(0, nil)
	if revoke(a1) != 200 || revoke("unknown-token") != 200 {
		t.Fatal("revocation status")
	}
	if st, _, _ := apiGet(t, ts, a1, APIPrefix+"/users/@me"); st != 401 {
		t.Errorf("revoked access token works: %d", st)
	}
	// Revoking an access token leaves its refresh token.
	p := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {r1}, "client_id": {info.ClientID}, "client_secret": {info.ClientSecret}}
	if st, _ := tokenRequest(t, "POST", info.TokenURL, p, nil); st != 200 {
		t.Errorf("refresh after access revocation: %d", st)
	}
	// Revoking a refresh token kills its access tokens too.
	if revoke(r2) != 200 {
		t.Fatal("revoke refresh")
	}
	if st, _, _ := apiGet(t, ts, a2, APIPrefix+"/users/@me"); st != 401 {
		t.Errorf("access token of a revoked refresh token works: %d", st)
	}
	p.Set("refresh_token", r2)
	if st, body := tokenRequest(t, "POST", info.TokenURL, p, nil); st != 400 || body["error"] != "invalid_grant" {
		t.Errorf("revoked refresh token: %d %v", st, body)
	}
	// Wrong secret: 401.
	resp, err := http.PostForm(info.RevokeURL, url.Values{"token": {a2}, "client_id": {info.ClientID}, "client_secret": {"x"}})
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
		s, ts := startServer(t, Config{AutoApprove: true, DeviceInterval: time.Second})
		conf := oauthConfig(ts, s, "basic_read", "move_read")
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
		if st, _, _ := apiGet(t, ts, tok.AccessToken, APIPrefix+"/users/@me/moves"); st != 200 {
			t.Fatalf("device token: %d", st)
		}
	})
	t.Run("person approves or denies, pending, slow_down, expiry", func(t *testing.T) {
		clock := newFakeClock()
		s, ts := startServer(t, Config{Now: clock.Now, DeviceInterval: 5 * time.Second})
		info := s.Info(ts.URL)
		start := func() map[string]any {
			st, body := tokenRequest(t, "POST", info.DeviceURL, url.Values{"client_id": {info.ClientID}, "scope": {"basic_read"}}, nil)
			if st != 200 {
				t.Fatalf("device endpoint: %d %v", st, body)
			}
			return body
		}
		poll := func(dc string) (int, map[string]any) {
			return tokenRequest(t, "POST", info.TokenURL, url.Values{"grant_type": {deviceGrantType}, "device_code": {dc}, "client_id": {info.ClientID}}, nil)
		}
		answer := func(userCode, decision string) int {
			resp, err := http.PostForm(ts.URL+VerifyPath, url.Values{"user_code": {strings.ToLower(userCode)}, "decision": {decision}})
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
		if answer(uc, "approve") != 200 {
			t.Fatal("approve")
		}
		if answer(uc, "approve") != 400 {
			t.Fatal("second answer accepted")
		}
		clock.Advance(11 * time.Second)
		if st, body := poll(dc); st != 200 || body["access_token"] == nil {
			t.Fatalf("approved poll: %d %v", st, body)
		}
		if _, body := poll(dc); body["error"] != "invalid_grant" {
			t.Fatalf("redeemed device code: %v", body)
		}

		d = start()
		answer(d["user_code"].(string), "deny")
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
	s, ts := startServer(t, Config{Users: 2})
	conf := oauthConfig(ts, s, "basic_read")
	v := oauth2.GenerateVerifier()
	resp, err := noRedirect().Get(conf.AuthCodeURL("<script>", oauth2.S256ChallengeOption(v)))
	if err != nil {
		t.Fatal(err)
	}
	body := readAll(t, resp)
	if resp.StatusCode != 200 || !strings.Contains(body, `name="request_id"`) || strings.Contains(body, "<script>") {
		t.Fatalf("consent page %d: %s", resp.StatusCode, body)
	}
	id := between(body, `name="request_id" value="`, `"`)
	post := func(decision string) url.Values {
		resp, err := noRedirect().PostForm(ts.URL+ConsentPath, url.Values{"request_id": {id}, "decision": {decision}, "user": {"1"}})
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
	_, env, _ := apiGet(t, ts, tok.AccessToken, APIPrefix+"/users/@me")
	if env.Meta.UserXID != s.UserXID(1) {
		t.Fatalf("signed in as %s, want user 1 %s", env.Meta.UserXID, s.UserXID(1))
	}
	// Deny on a new consent page.
	resp, _ = noRedirect().Get(conf.AuthCodeURL("st", oauth2.S256ChallengeOption(v)))
	id = between(readAll(t, resp), `name="request_id" value="`, `"`)
	if q := post("deny"); q.Get("error") != "access_denied" || q.Get("state") != "st" || q.Get("iss") != ts.URL {
		t.Fatalf("deny: %v", q)
	}
}

func readAll(t *testing.T, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	var sb strings.Builder
	buf := make([]byte, 4096)
	for {
		n, err := resp.Body.Read(buf)
		sb.Write(buf[:n])
		if err != nil {
			return sb.String()
		}
	}
}

func between(s, a, b string) string {
	_, after, ok := strings.Cut(s, a)
	if !ok {
		return ""
	}
	v, _, _ := strings.Cut(after, b)
	return v
}
