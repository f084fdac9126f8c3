package oauthserver

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/oauth2"
)

// rig is a running server for one config variant.
type rig struct {
	t  *testing.T
	s  *Server
	ts *httptest.Server
}

const rigRedirect = "http://127.0.0.1:5000/cb"

// authorize sends an authorization request with extra parameters (a
// value "<del>" removes one) and returns the redirect's query.
func (g rig) authorize(extra url.Values) url.Values {
	q := url.Values{"response_type": {"code"}, "client_id": {testClientID}, "redirect_uri": {rigRedirect}, "state": {"s"}}
	for k, v := range extra {
		if v[0] == "<del>" {
			q.Del(k)
		} else {
			q[k] = v
		}
	}
	return authorize(g.t, g.ts.URL+g.s.Paths().Authorize+"?"+q.Encode())
}

// pkce is an authorization request's PKCE parameters for verifier.
func pkce(verifier string) url.Values {
	return url.Values{"code_challenge": {oauth2.S256ChallengeFromVerifier(verifier)}, "code_challenge_method": {"S256"}}
}

// exchange redeems code with the client secret in the form, plus extra
// parameters ("<del>" removes one).
func (g rig) exchange(code string, extra url.Values, basic *[2]string) (int, map[string]any) {
	p := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "client_id": {testClientID},
		"client_secret": {testClientSecret}, "redirect_uri": {rigRedirect}}
	for k, v := range extra {
		if v[0] == "<del>" {
			p.Del(k)
		} else {
			p[k] = v
		}
	}
	return tokenRequest(g.t, "POST", g.ts.URL+g.s.Paths().Token, p, basic)
}

func (g rig) status(method, path string) int {
	req, _ := http.NewRequest(method, g.ts.URL+path, strings.NewReader(""))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		g.t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func wantToken(t *testing.T, what string, st int, body map[string]any) {
	t.Helper()
	if st != 200 || body["access_token"] == nil {
		t.Fatalf("%s: %d %v, want a token", what, st, body)
	}
}

func wantError(t *testing.T, what string, st int, body map[string]any, status int, code string) {
	t.Helper()
	if st != status || body["error"] != code {
		t.Fatalf("%s: %d %v, want %d %s", what, st, body, status, code)
	}
}

// TestConfigVariants runs each Config knob against a server that has it.
func TestConfigVariants(t *testing.T) {
	v := oauth2.GenerateVerifier()
	tests := []struct {
		name  string
		cfg   func(*Config)
		check func(t *testing.T, g rig)
	}{
		{"PKCE required", func(c *Config) { c.PKCE = PKCERequired }, func(t *testing.T, g rig) {
			if q := g.authorize(nil); q.Get("error") != "invalid_request" {
				t.Fatalf("no code_challenge: %v", q)
			}
			st, body := g.exchange(g.authorize(pkce(v)).Get("code"), url.Values{"code_verifier": {v}}, nil)
			wantToken(t, "with PKCE", st, body)
		}},
		{"PKCE ignored", func(c *Config) { c.PKCE = PKCEIgnored }, func(t *testing.T, g rig) {
			code := g.authorize(url.Values{"code_challenge": {"not-checked"}, "code_challenge_method": {"plain"}}).Get("code")
			st, body := g.exchange(code, url.Values{"code_verifier": {"anything"}}, nil)
			wantToken(t, "challenge and verifier ignored", st, body)
			st, body = g.exchange(g.authorize(pkce(v)).Get("code"), url.Values{"code_verifier": {v}, "client_secret": {"<del>"}}, nil)
			wantError(t, "no secret", st, body, 401, "invalid_client")
		}},
		{"form credentials only", func(c *Config) { c.ClientAuth = ClientAuthParams }, func(t *testing.T, g rig) {
			st, body := g.exchange(g.authorize(nil).Get("code"), url.Values{"client_secret": {"<del>"}}, &[2]string{testClientID, testClientSecret})
			wantError(t, "Basic", st, body, 401, "invalid_client")
			st, body = g.exchange(g.authorize(nil).Get("code"), nil, nil)
			wantToken(t, "form", st, body)
		}},
		{"HTTP Basic only", func(c *Config) { c.ClientAuth = ClientAuthBasic }, func(t *testing.T, g rig) {
			st, body := g.exchange(g.authorize(nil).Get("code"), nil, nil)
			wantError(t, "form", st, body, 401, "invalid_client")
			st, body = g.exchange(g.authorize(nil).Get("code"), url.Values{"client_secret": {"<del>"}}, &[2]string{testClientID, testClientSecret})
			wantToken(t, "Basic", st, body)
			// A public client sends no secret at all: its client_id in the form is no authentication.
			st, body = g.exchange(g.authorize(pkce(v)).Get("code"), url.Values{"client_secret": {"<del>"}, "code_verifier": {v}}, nil)
			wantToken(t, "public client", st, body)
		}},
		{"redirect_uri required at the token endpoint", func(c *Config) {}, func(t *testing.T, g rig) {
			st, body := g.exchange(g.authorize(nil).Get("code"), url.Values{"redirect_uri": {"<del>"}}, nil)
			wantError(t, "without redirect_uri", st, body, 400, "invalid_request")
		}},
		{"confidential client, secret required", func(c *Config) { c.Clients[0].SecretOptional = false }, func(t *testing.T, g rig) {
			st, body := g.exchange(g.authorize(pkce(v)).Get("code"), url.Values{"code_verifier": {v}, "client_secret": {"<del>"}}, nil)
			wantError(t, "without secret", st, body, 401, "invalid_client")
		}},
		{"public client", func(c *Config) { c.Clients[0].Secret = "" }, func(t *testing.T, g rig) {
			if q := g.authorize(nil); q.Get("error") != "invalid_request" {
				t.Fatalf("public client without code_challenge: %v", q)
			}
			st, body := g.exchange(g.authorize(pkce(v)).Get("code"), url.Values{"code_verifier": {v}}, nil)
			wantError(t, "public client sending a secret", st, body, 401, "invalid_client")
			st, body = g.exchange(g.authorize(pkce(v)).Get("code"), url.Values{"code_verifier": {v}, "client_secret": {"<del>"}}, nil)
			wantToken(t, "public client with PKCE", st, body)
			p := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {body["refresh_token"].(string)}, "client_id": {testClientID}}
			st, body = tokenRequest(t, "POST", g.ts.URL+g.s.Paths().Token, p, nil)
			wantToken(t, "public client's refresh", st, body)
		}},
		{"no device flow, no revocation", func(c *Config) { c.DeviceFlow, c.Revocation = false, false }, func(t *testing.T, g rig) {
			p := DefaultPaths()
			for _, path := range []string{p.Device, p.Revoke, p.Verify} {
				if st := g.status("POST", path); st != http.StatusNotFound {
					t.Errorf("POST %s: %d, want 404", path, st)
				}
			}
			pp := url.Values{"grant_type": {DeviceGrantType}, "device_code": {"x"}, "client_id": {testClientID}, "client_secret": {testClientSecret}}
			st, body := tokenRequest(t, "POST", g.ts.URL+p.Token, pp, nil)
			wantError(t, "device grant", st, body, 400, "unsupported_grant_type")
		}},
		{"comma-separated scopes", func(c *Config) { c.ScopeSeparator = "," }, func(t *testing.T, g rig) {
			if q := g.authorize(url.Values{"scope": {"activity profile"}}); q.Get("error") != "invalid_scope" {
				t.Fatalf("space-separated scopes: %v", q)
			}
			st, body := g.exchange(g.authorize(url.Values{"scope": {"sleep,activity"}}).Get("code"), nil, nil)
			wantToken(t, "comma scopes", st, body)
			if body["scope"] != "activity,sleep" {
				t.Errorf("scope %v, want activity,sleep", body["scope"])
			}
		}},
		{"default scopes", func(c *Config) { c.DefaultScopes = []string{"sleep", "profile"} }, func(t *testing.T, g rig) {
			st, body := g.exchange(g.authorize(nil).Get("code"), nil, nil)
			wantToken(t, "no scope", st, body)
			if body["scope"] != "profile sleep" {
				t.Errorf("scope %v, want the default scopes", body["scope"])
			}
		}},
		{"fixed issuer", func(c *Config) { c.Issuer = "https://issuer.test" }, func(t *testing.T, g rig) {
			if q := g.authorize(nil); q.Get("iss") != "https://issuer.test" {
				t.Fatalf("iss %q", q.Get("iss"))
			}
		}},
		{"own paths", func(c *Config) {
			c.Paths = Paths{Authorize: "/a", Consent: "/c", Token: "/t", Device: "/d", Verify: "/v", Revoke: "/r"}
		}, func(t *testing.T, g rig) {
			st, body := tokenRequest(t, "POST", g.ts.URL+"/t", url.Values{"grant_type": {"authorization_code"}, "code": {g.authorize(nil).Get("code")},
				"client_id": {testClientID}, "client_secret": {testClientSecret}, "redirect_uri": {rigRedirect}}, nil)
			wantToken(t, "token at /t", st, body)
			if st := g.status("POST", DefaultPaths().Token); st != http.StatusNotFound {
				t.Errorf("default token path: %d, want 404", st)
			}
			st, body = tokenRequest(t, "POST", g.ts.URL+"/d", url.Values{"client_id": {testClientID}, "client_secret": {testClientSecret}}, nil)
			if st != 200 || !strings.HasSuffix(body["verification_uri"].(string), "/v") {
				t.Errorf("device endpoint at /d: %d %v", st, body)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := testConfig()
			cfg.AutoApprove = true
			tc.cfg(&cfg)
			s, ts := startServer(t, cfg)
			tc.check(t, rig{t: t, s: s, ts: ts})
		})
	}
}

func TestNewRefusesBadConfig(t *testing.T) {
	tests := []struct {
		name string
		cfg  func(*Config)
	}{
		{"no client", func(c *Config) { c.Clients = nil }},
		{"client without id", func(c *Config) { c.Clients[0].ID = "" }},
		{"no user", func(c *Config) { c.Users = nil }},
		{"public client without PKCE", func(c *Config) { c.Clients[0].Secret, c.PKCE = "", PKCEIgnored }},
		{"unknown default scope", func(c *Config) { c.DefaultScopes = []string{"everything"} }},
		{"negative TTL", func(c *Config) { c.AccessTTL = -1 }},
		{"device flow without paths", func(c *Config) { c.Paths = Paths{Authorize: "/a", Consent: "/c"} }},
		{"no authorize path", func(c *Config) { c.DeviceFlow, c.Revocation, c.Paths = false, false, Paths{Token: "/t"} }},
		{"unknown PKCE mode", func(c *Config) { c.PKCE = 7 }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := testConfig()
			tc.cfg(&cfg)
			if _, err := New(cfg); err == nil {
				t.Fatal("New accepted it")
			}
		})
	}
	if _, err := New(testConfig()); err != nil {
		t.Fatalf("New refuses the test config: %v", err)
	}
}
