package auth

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/oauth2"
)

func TestCallbackCheck(t *testing.T) {
	t.Parallel()
	const state = "the-state"
	tests := []struct {
		name     string
		q        url.Values
		rejected string // reason, if rejected (the flow keeps waiting)
		final    string // error that ends the flow
	}{
		{name: "good", q: url.Values{"state": {state}, "code": {"c"}}},
		{name: "good with iss", q: url.Values{"state": {state}, "code": {"c"}, "iss": {"https://issuer"}}},
		{name: "no state", q: url.Values{"code": {"c"}}, rejected: "no state"},
		{name: "wrong state", q: url.Values{"state": {"x"}, "code": {"c"}}, rejected: "wrong state"},
		{name: "wrong state with error", q: url.Values{"state": {"x"}, "error": {"access_denied"}}, rejected: "wrong state"},
		{name: "no code", q: url.Values{"state": {state}}, rejected: "neither code nor error"},
		{name: "error", q: url.Values{"state": {state}, "error": {"access_denied"}, "error_description": {"no\x1b[2J way"}},
			final: "the server refused the login: access_denied (no[2J way)"},
		{name: "iss mismatch", q: url.Values{"state": {state}, "code": {"c"}, "iss": {"https://evil"}}, final: "unexpected issuer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := newCallbackCheck(state, "https://issuer", t.Logf)
			err := c.check(tt.q, true)
			if tt.rejected != "" {
				if !errors.Is(err, errRejected) || !strings.Contains(err.Error(), tt.rejected) {
					t.Fatalf("err = %v, want rejection %q", err, tt.rejected)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			cb := <-c.result
			if tt.final == "" && (cb.err != nil || cb.code != "c") {
				t.Fatalf("callback = %+v", cb)
			}
			if tt.final != "" && (cb.err == nil || !strings.Contains(cb.err.Error(), tt.final)) {
				t.Fatalf("callback err = %v, want %q", cb.err, tt.final)
			}
			// A second callback, even a perfect one, is rejected.
			if err := c.check(url.Values{"state": {state}, "code": {"c2"}}, true); !errors.Is(err, errRejected) {
				t.Errorf("second callback: %v", err)
			}
		})
	}
}

func TestCallbackHandlerSecondCallback(t *testing.T) {
	t.Parallel()
	c := newCallbackCheck("s", "", t.Logf)
	h := c.handler("127.0.0.1:1234")
	get := func(target string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(http.MethodGet, "http://127.0.0.1:1234"+target, nil)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}
	if w := get("/callback?state=s&code=c"); w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/done" {
		t.Fatalf("first: %d %v", w.Code, w.Header())
	}
	if w := get("/callback?state=s&code=c"); w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "already received") {
		t.Fatalf("second: %d %s", w.Code, w.Body)
	}
	c.finish(errors.New("token exchange failed: the server said invalid_grant"))
	if w := get("/done"); !strings.Contains(w.Body.String(), "invalid_grant") || w.Header().Get("Cache-Control") != "no-store" {
		t.Fatalf("done page: %s", w.Body)
	}
}

func TestPastedQuery(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		ok   bool
		code string
	}{
		{"http://127.0.0.1:5000/callback?code=c&state=s", true, "c"},
		{"http://localhost:5000/callback?code=c&state=s&iss=x", true, "c"},
		{"?code=c&state=s", true, "c"},
		{"code=c&state=s", true, "c"},
		{"http://127.0.0.1:5000/other?code=c&state=s", false, ""},
		{"hello", false, ""},
		{"http://127.0.0.1:5000/callback", false, ""},
	}
	for _, tt := range tests {
		q, err := pastedQuery(tt.in)
		if (err == nil) != tt.ok || (tt.ok && q.Get("code") != tt.code) {
			t.Errorf("pastedQuery(%q) = %v, %v", tt.in, q, err)
		}
	}
}

// TestServerErrorHidesBody: a token endpoint that echoes the request must
// not get the client secret or code into an error message.
func TestServerErrorHidesBody(t *testing.T) {
	t.Parallel()
	for _, re := range []*oauth2.RetrieveError{
		{Response: &http.Response{StatusCode: 500, Status: "500"}, Body: []byte("code=SECRETCODE&client_secret=SECRET")},
		{Response: &http.Response{StatusCode: 400}, Body: []byte(`{"error":"invalid_grant","client_secret":"SECRET"}`), ErrorCode: "invalid_grant"},
	} {
		msg := serverError("token exchange", re).Error()
		if strings.Contains(msg, "SECRET") {
			t.Errorf("error leaks the body: %s", msg)
		}
		if !strings.Contains(msg, "token exchange failed") {
			t.Errorf("error lacks context: %s", msg)
		}
	}
}
