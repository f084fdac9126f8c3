package withingsserver

import (
	"bytes"
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

// clock is a settable clock for the rate limit and token expiry.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2024, 4, 2, 9, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// fixture is a running emulator with a token for its first user.
type fixture struct {
	t     *testing.T
	s     *Server
	url   string
	token string
}

func start(t *testing.T, cfg Config) *fixture {
	t.Helper()
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(s)
	t.Cleanup(hs.Close)
	f := &fixture{t: t, s: s, url: hs.URL}
	if s.Tokens() != nil {
		f.token, _ = s.Tokens().IssueTokens(s.Users()[0], AllScopes)
	}
	return f
}

// answer is a decoded envelope; numbers stay json.Number.
type answer struct {
	HTTP   int
	Status int
	Body   map[string]any
	Error  string
}

// call posts a form to path with the fixture's token and decodes the
// envelope.
func (f *fixture) call(path string, form url.Values) answer {
	f.t.Helper()
	return f.callAs(f.token, path, form)
}

func (f *fixture) callAs(token, path string, form url.Values) answer {
	f.t.Helper()
	req, err := http.NewRequest(http.MethodPost, f.url+path, strings.NewReader(form.Encode()))
	if err != nil {
		f.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		f.t.Fatalf("%s: %v", path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		f.t.Fatalf("%s: reading: %v", path, err)
	}
	a := answer{HTTP: resp.StatusCode}
	var env struct {
		Status int            `json:"status"`
		Body   map[string]any `json:"body"`
		Error  string         `json:"error"`
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&env); err != nil {
		f.t.Fatalf("%s: not the envelope: %v: %.200s", path, err, raw)
	}
	a.Status, a.Body, a.Error = env.Status, env.Body, env.Error
	return a
}

// ok fails the test unless the answer is a success.
func (a answer) ok(t *testing.T, what string) answer {
	t.Helper()
	if a.HTTP != http.StatusOK || a.Status != 0 {
		t.Fatalf("%s: HTTP %d, status %d, error %q", what, a.HTTP, a.Status, a.Error)
	}
	return a
}

func form(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v
}

func num(t *testing.T, v any) int64 {
	t.Helper()
	n, ok := v.(json.Number)
	if !ok {
		t.Fatalf("%v (%T) is not a number", v, v)
	}
	i, err := n.Int64()
	if err != nil {
		t.Fatalf("%v: %v", v, err)
	}
	return i
}

func items(t *testing.T, body map[string]any, key string) []map[string]any {
	t.Helper()
	raw, ok := body[key].([]any)
	if !ok {
		t.Fatalf("body.%s is %T, not a list", key, body[key])
	}
	out := make([]map[string]any, len(raw))
	for i, r := range raw {
		out[i] = r.(map[string]any)
	}
	return out
}

// more reads more as the call sends it: an integer for getmeas, a boolean
// for the v2 calls.
func more(t *testing.T, v any) bool {
	t.Helper()
	switch m := v.(type) {
	case bool:
		return m
	case json.Number:
		return m.String() != "0"
	}
	t.Fatalf("more is %v (%T)", v, v)
	return false
}
