package upserver

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
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

// startServer runs a Server on a real loopback listener.
func startServer(t *testing.T, cfg Config) (*Server, *httptest.Server) {
	t.Helper()
	s, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return s, ts
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
	info := s.Info(ts.URL)
	return &oauth2.Config{
		ClientID:     info.ClientID,
		ClientSecret: info.ClientSecret,
		Endpoint: oauth2.Endpoint{
			AuthURL: info.AuthURL, TokenURL: info.TokenURL, DeviceAuthURL: info.DeviceURL,
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

// tokenRequest posts form params to the token URL and decodes the reply.
func tokenRequest(t *testing.T, method, tokenURL string, params url.Values, basic *[2]string) (int, map[string]any) {
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
	var body map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatalf("token response is not JSON: %v", err)
	}
	return resp.StatusCode, body
}

// apiGet fetches an API path (absolute or relative to ts.URL) with a
// bearer token and decodes the envelope.
func apiGet(t *testing.T, ts *httptest.Server, token, path string) (int, envelopeJSON, []byte) {
	t.Helper()
	if !strings.HasPrefix(path, "http") {
		path = ts.URL + path
	}
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: reading body: %v", path, err)
	}
	var env envelopeJSON
	if err := json.Unmarshal(raw, &env); err != nil {
		t.Fatalf("GET %s: not JSON: %v: %s", path, err, raw)
	}
	if env.Meta.Code != resp.StatusCode {
		t.Errorf("GET %s: meta.code %d != HTTP %d", path, env.Meta.Code, resp.StatusCode)
	}
	return resp.StatusCode, env, raw
}

type envelopeJSON struct {
	Meta struct {
		UserXID     string `json:"user_xid"`
		Message     string `json:"message"`
		Code        int    `json:"code"`
		Time        int64  `json:"time"`
		ErrorType   string `json:"error_type"`
		ErrorDetail string `json:"error_detail"`
	} `json:"meta"`
	Data json.RawMessage `json:"data"`
}

type pageJSON struct {
	Items []map[string]any `json:"items"`
	Size  int              `json:"size"`
	Links *struct {
		Next string `json:"next"`
	} `json:"links"`
}

// pageAll follows next links from path and returns every item's key.
func pageAll(t *testing.T, ts *httptest.Server, token, path string) (keys []string, pages int) {
	t.Helper()
	for path != "" {
		status, env, raw := apiGet(t, ts, token, path)
		if status != http.StatusOK {
			t.Fatalf("GET %s: status %d: %s", path, status, raw)
		}
		var p pageJSON
		if err := json.Unmarshal(env.Data, &p); err != nil {
			t.Fatalf("page: %v", err)
		}
		if p.Size != len(p.Items) {
			t.Fatalf("size %d but %d items", p.Size, len(p.Items))
		}
		pages++
		for _, it := range p.Items {
			keys = append(keys, itemKey(it))
		}
		path = ""
		if p.Links != nil {
			if p.Links.Next == "" {
				t.Fatalf("links present without next")
			}
			if len(p.Items) == 0 {
				t.Fatalf("empty page with a next link")
			}
			path = p.Links.Next
		}
		if pages > 100000 {
			t.Fatal("paging does not end")
		}
	}
	return keys, pages
}

func itemKey(it map[string]any) string {
	if x, ok := it["xid"].(string); ok {
		return x
	}
	if tc, ok := it["time_created"].(float64); ok {
		return jsonInt(tc) + "/" + it["action"].(string)
	}
	return jsonInt(it["time"].(float64))
}

func jsonInt(f float64) string { return strconv.FormatInt(int64(f), 10) }
