package fitbitserver

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// testNow is noon on 2024-03-19 in the user's zone: the default 90 days
// end on 2024-03-18 and hold the samples' dates and the spring-forward
// night of 2024-03-10.
var testNow = time.Date(2024, 3, 19, 12, 0, 0, 0, home)

// clock is a settable clock for tokens and the quota.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func fixedClock(t time.Time) *clock { return &clock{t: t} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

type client struct {
	t     *testing.T
	srv   *Server
	hs    *httptest.Server
	clock *clock
	token string
	lang  string // Accept-Language
}

// newClient serves a Server with cfg (Now testNow unless set, the quota
// off unless set) and holds a token with scopes (none: all).
func newClient(t *testing.T, cfg Config, scopes ...string) *client {
	t.Helper()
	c := &client{t: t, clock: fixedClock(testNow)}
	if cfg.Now == nil {
		cfg.Now = c.clock.Now
	}
	if cfg.RateLimit == (RateLimit{}) {
		cfg.RateLimit.Off = true
	}
	srv, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	c.srv = srv
	c.hs = httptest.NewServer(srv)
	t.Cleanup(c.hs.Close)
	if c.token, _, err = srv.IssueToken(scopes); err != nil {
		t.Fatal(err)
	}
	return c
}

type answer struct {
	status int
	header http.Header
	body   []byte
}

func (c *client) get(path string) answer {
	c.t.Helper()
	req, err := http.NewRequest("GET", c.hs.URL+path, nil)
	if err != nil {
		c.t.Fatal(err)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	if c.lang != "" {
		req.Header.Set("Accept-Language", c.lang)
	}
	return c.do(req)
}

func (c *client) do(req *http.Request) answer {
	c.t.Helper()
	resp, err := c.hs.Client().Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	return answer{resp.StatusCode, resp.Header, b}
}

// ok gets path, wants 200 and decodes the body into v.
func (c *client) ok(path string, v any) {
	c.t.Helper()
	a := c.get(path)
	if a.status != http.StatusOK {
		c.t.Fatalf("GET %s: %d %s", path, a.status, a.body)
	}
	if err := json.Unmarshal(a.body, v); err != nil {
		c.t.Fatalf("GET %s: %v in %s", path, err, a.body)
	}
}

// postForm posts a token request with the demo app's Basic credentials.
func (c *client) postToken(form url.Values) answer {
	c.t.Helper()
	req, err := http.NewRequest("POST", c.hs.URL+TokenPath, strings.NewReader(form.Encode()))
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(ClientID, ClientSecret)
	return c.do(req)
}

// fitbitError decodes Fitbit's error body and returns the first
// errorType.
func fitbitError(t *testing.T, a answer) string {
	t.Helper()
	var e struct {
		Errors []struct {
			ErrorType string `json:"errorType"`
			Message   string `json:"message"`
		} `json:"errors"`
		Success *bool `json:"success"`
	}
	if err := json.Unmarshal(a.body, &e); err != nil || len(e.Errors) == 0 || e.Success == nil || *e.Success {
		t.Fatalf("not a Fitbit error body (%v): %s", err, a.body)
	}
	return e.Errors[0].ErrorType
}
