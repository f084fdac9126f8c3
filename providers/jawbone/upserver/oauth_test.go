package upserver

import (
	"context"
	"encoding/json"
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
	for _, want := range []string{"<title>UP demo server</title>", "access to your UP data", "(" + s.UserXID(1) + ")</option>"} {
		if !strings.Contains(body, want) {
			t.Errorf("consent page lacks %s:\n%s", want, body)
		}
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

// TestOAuthSetup checks what the UP server sets up on the generic
// authorization server (internal/oauthserver tests the rest): the real
// API's GET token endpoint and code exchange without redirect_uri, the
// Basic realm, login_hint by index or xid, and the API's 401 and 403
// envelopes for the tokens it issues.
func TestOAuthSetup(t *testing.T) {
	clock := newFakeClock()
	s, ts := startServer(t, Config{AutoApprove: true, Users: 3, Days: 5, AccessTTL: time.Hour, Now: clock.Now})
	info := s.Info(ts.URL)
	redirect := "http://127.0.0.1:5000/cb"
	code := func(hint string) string {
		q := url.Values{"response_type": {"code"}, "client_id": {info.ClientID}, "redirect_uri": {redirect}, "scope": {"basic_read move_read"}}
		if hint != "" {
			q.Set("login_hint", hint)
		}
		return authorize(t, info.AuthURL+"?"+q.Encode()).Get("code")
	}
	exchange := func(c string) url.Values {
		return url.Values{"grant_type": {"authorization_code"}, "code": {c}, "client_id": {info.ClientID}, "client_secret": {info.ClientSecret}}
	}
	userOf := func(access string) string {
		st, env, _ := apiGet(t, ts, access, APIPrefix+"/users/@me")
		if st != 200 {
			t.Fatalf("users/@me: %d %+v", st, env.Meta)
		}
		return env.Meta.UserXID
	}

	// GET with query parameters and no redirect_uri, as the real clients sent.
	st, body := tokenRequest(t, "GET", info.TokenURL, exchange(code("")), nil)
	if st != 200 || body["expires_in"] != float64(3600) || body["scope"] != "basic_read move_read" {
		t.Fatalf("GET token request: %d %v", st, body)
	}
	if got := userOf(body["access_token"].(string)); got != s.UserXID(0) {
		t.Errorf("default user %s, want user 0 %s", got, s.UserXID(0))
	}
	for hint, user := range map[string]int{"2": 2, s.UserXID(1): 1} {
		_, body := tokenRequest(t, "POST", info.TokenURL, exchange(code(hint)), nil)
		if got := userOf(body["access_token"].(string)); got != s.UserXID(user) {
			t.Errorf("login_hint %s: signed in as %s, want user %d %s", hint, got, user, s.UserXID(user))
		}
	}
	// No scope is basic_read.
	q := url.Values{"response_type": {"code"}, "client_id": {info.ClientID}, "redirect_uri": {redirect}}
	if st, body := tokenRequest(t, "POST", info.TokenURL, exchange(authorize(t, info.AuthURL+"?"+q.Encode()).Get("code")), nil); st != 200 || body["scope"] != "basic_read" {
		t.Errorf("no scope: %d %v, want basic_read", st, body)
	}
	req, _ := http.NewRequest("POST", info.TokenURL, strings.NewReader(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {"x"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(info.ClientID, "wrong")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 || resp.Header.Get("WWW-Authenticate") != `Basic realm="upexport-demo"` {
		t.Errorf("wrong Basic secret: %d %q", resp.StatusCode, resp.Header.Get("WWW-Authenticate"))
	}

	// The API's 401s.
	access, refresh, err := s.IssueToken(0, []string{"basic_read", "move_read"})
	if err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Hour)
	for _, tc := range []struct{ token, detail, challenge string }{
		{"", "You must be logged in to perform that action: no Bearer token", `Bearer realm="UP"`},
		{"garbage", "You must be logged in to perform that action: invalid access token", `Bearer realm="UP", error="invalid_token"`},
		{access, "You must be logged in to perform that action: access token expired", `Bearer realm="UP", error="invalid_token"`},
	} {
		req, _ := http.NewRequest("GET", ts.URL+APIPrefix+"/users/@me", nil)
		if tc.token != "" {
			req.Header.Set("Authorization", "Bearer "+tc.token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var env envelopeJSON
		err = json.NewDecoder(resp.Body).Decode(&env)
		resp.Body.Close()
		if err != nil || resp.StatusCode != 401 || env.Meta.ErrorType != "authentication_error" || env.Meta.ErrorDetail != tc.detail ||
			resp.Header.Get("WWW-Authenticate") != tc.challenge {
			t.Errorf("token %.8q: %d %+v %q (%v)", tc.token, resp.StatusCode, env.Meta, resp.Header.Get("WWW-Authenticate"), err)
		}
	}

	// A refresh rotates both tokens; one narrowed to basic_read cannot read moves.
	p := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refresh}, "client_id": {info.ClientID},
		"client_secret": {info.ClientSecret}, "scope": {"basic_read"}}
	st, body = tokenRequest(t, "POST", info.TokenURL, p, nil)
	if st != 200 || body["refresh_token"] == refresh {
		t.Fatalf("refresh: %d %v", st, body)
	}
	if st, _ := tokenRequest(t, "POST", info.TokenURL, p, nil); st != 400 {
		t.Errorf("rotated-out refresh token: %d", st)
	}
	if st, env, _ := apiGet(t, ts, body["access_token"].(string), APIPrefix+"/users/@me/moves"); st != http.StatusForbidden || env.Meta.ErrorType != "authorization_error" {
		t.Errorf("narrowed token reads moves: %d %+v", st, env.Meta)
	}
}
