package oauthserver

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

// fakeClock is a settable clock for Config.Now.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{t: time.Date(2016, 3, 17, 12, 0, 0, 0, time.UTC)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

const (
	testClientID     = "demo-client"
	testClientSecret = "demo-secret"
	mePath           = "/api/me"
)

// testConfig is a server set up as the UP emulator's: one client that may
// also act as a public one, rotation, every endpoint. Tests change what
// they test.
func testConfig() Config {
	return Config{
		Clients:             []Client{{ID: testClientID, Secret: testClientSecret, SecretOptional: true}},
		Scopes:              []string{"profile", "activity", "sleep", "heart"},
		DefaultScopes:       []string{"profile"},
		Users:               []User{{ID: "u0", Name: "Ada Lovelace", Tag: "ada"}, {ID: "u1", Name: "Alan Turing", Tag: "alan"}},
		RotateRefreshTokens: true,
		DeviceFlow:          true,
		Revocation:          true,
	}
}

// startServer runs a Server on a loopback listener with the endpoints of
// Mount and a protected resource at mePath that answers the token's user
// and scopes.
func startServer(t *testing.T, cfg Config) (*Server, *httptest.Server) {
	t.Helper()
	s, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	mux := http.NewServeMux()
	s.Mount(mux)
	mux.HandleFunc("GET "+mePath, func(w http.ResponseWriter, r *http.Request) {
		a, err := s.Authenticate(r)
		if err != nil {
			w.WriteHeader(http.StatusUnauthorized)
			_ = json.NewEncoder(w).Encode(map[string]string{"error": err.Error()})
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"user": a.UserID, "scopes": strings.Join(a.Scopes, " ")})
	})
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	return s, ts
}

// me calls the protected resource with token; body has "user" and
// "scopes", or "error".
func me(t *testing.T, ts *httptest.Server, token string) (int, map[string]string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, ts.URL+mePath, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", mePath, err)
	}
	defer resp.Body.Close()
	var body map[string]string
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatalf("GET %s: not JSON: %v", mePath, err)
	}
	return resp.StatusCode, body
}

// noRedirect is a client that stops at the redirect to the loopback
// callback, so tests can read Location.
func noRedirect() *http.Client {
	return &http.Client{
		Timeout:       10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

func oauthConfig(ts *httptest.Server, s *Server, scopes ...string) *oauth2.Config {
	p := s.Paths()
	return &oauth2.Config{
		ClientID:     testClientID,
		ClientSecret: testClientSecret,
		Endpoint: oauth2.Endpoint{
			AuthURL: ts.URL + p.Authorize, TokenURL: ts.URL + p.Token, DeviceAuthURL: ts.URL + p.Device,
			AuthStyle: oauth2.AuthStyleInParams,
		},
		RedirectURL: "http://127.0.0.1:53682/callback",
		Scopes:      scopes,
	}
}

// authorize GETs the authorization URL and returns the redirect's query.
func authorize(t *testing.T, authURL string) url.Values {
	t.Helper()
	resp, err := noRedirect().Get(authURL)
	if err != nil {
		t.Fatalf("GET auth URL: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		body, _ := io.ReadAll(resp.Body)
		t.Fatalf("auth URL: status %d, want 302; body %s", resp.StatusCode, body)
	}
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		t.Fatalf("Location: %v", err)
	}
	return loc.Query()
}

// tokenRequest sends params to a token, device or revocation URL and
// decodes the JSON reply.
func tokenRequest(t *testing.T, method, tokenURL string, params url.Values, basic *[2]string) (int, map[string]any) {
	t.Helper()
	st, _, body := tokenRequestHeader(t, method, tokenURL, params, basic)
	return st, body
}

func tokenRequestHeader(t *testing.T, method, tokenURL string, params url.Values, basic *[2]string) (int, http.Header, map[string]any) {
	t.Helper()
	var req *http.Request
	var err error
	if method == http.MethodGet {
		req, err = http.NewRequest(method, tokenURL+"?"+params.Encode(), nil)
	} else {
		req, err = http.NewRequest(method, tokenURL, strings.NewReader(params.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if err != nil {
		t.Fatal(err)
	}
	if basic != nil {
		req.SetBasicAuth(url.QueryEscape(basic[0]), url.QueryEscape(basic[1]))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("token request: %v", err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	var body map[string]any
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &body); err != nil {
			t.Fatalf("response is not JSON: %v: %s", err, raw)
		}
	}
	return resp.StatusCode, resp.Header, body
}

func isOAuthErr(err error, code string) bool {
	var re *oauth2.RetrieveError
	return errors.As(err, &re) && re.ErrorCode == code
}

func readAll(t *testing.T, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func between(s, a, b string) string {
	_, after, ok := strings.Cut(s, a)
	if !ok {
		return ""
	}
	v, _, _ := strings.Cut(after, b)
	return v
}
