package auth

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync/atomic"
	"testing"

	"golang.org/x/oauth2"
)

// TestTokenHooks: a token endpoint that wants action=requesttoken and
// wraps its answer as {"status":0,"body":{...}} (errors as HTTP 200 with
// another status) is reached through Server.TokenParams and
// TokenResponse, for the code exchange and for a refresh.
func TestTokenHooks(t *testing.T) {
	var refreshes atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil || r.PostForm.Get("action") != "requesttoken" {
			fmt.Fprint(w, `{"status":503,"error":"Invalid Params: action"}`)
			return
		}
		switch r.PostForm.Get("grant_type") {
		case "authorization_code":
			fmt.Fprint(w, `{"status":0,"body":{"userid":42,"access_token":"a1","refresh_token":"r1","expires_in":-10,"scope":"user.metrics","token_type":"Bearer"}}`)
		case "refresh_token":
			if r.PostForm.Get("refresh_token") != "r1" {
				fmt.Fprint(w, `{"status":503,"error":"Invalid Params: invalid refresh_token"}`)
				return
			}
			refreshes.Add(1)
			fmt.Fprint(w, `{"status":0,"body":{"userid":42,"access_token":"a2","refresh_token":"r2","expires_in":10800,"token_type":"Bearer"}}`)
		}
	}))
	defer srv.Close()
	unwrap := func(status int, body []byte) (int, []byte, error) {
		var env struct {
			Status int             `json:"status"`
			Body   json.RawMessage `json:"body"`
			Error  string          `json:"error"`
		}
		if err := json.Unmarshal(body, &env); err != nil {
			return 0, nil, err
		}
		if env.Status != 0 {
			b, _ := json.Marshal(map[string]string{"error": "invalid_grant", "error_description": env.Error})
			return http.StatusBadRequest, b, nil
		}
		return http.StatusOK, env.Body, nil
	}
	p := Server{TokenURL: srv.URL + "/v2/oauth2", ClientID: "c", ClientSecret: "s", AuthStyle: oauth2.AuthStyleInParams,
		TokenParams: url.Values{"action": {"requesttoken"}}, TokenResponse: unwrap}
	ctx := context.Background()
	tok, err := p.config("http://127.0.0.1/cb").Exchange(p.withClient(ctx, srv.Client()), "code")
	if err != nil {
		t.Fatal(err)
	}
	if tok.AccessToken != "a1" || tok.RefreshToken != "r1" {
		t.Fatalf("token = %+v", tok)
	}
	sess, err := NewSession(ctx, p, NewMemoryStore(tok), WithHTTPClient(srv.Client()))
	if err != nil {
		t.Fatal(err)
	}
	got, err := sess.Token(ctx) // expired: refreshes through the hooks
	if err != nil {
		t.Fatal(err)
	}
	if got.AccessToken != "a2" || refreshes.Load() != 1 {
		t.Fatalf("after refresh: %+v, %d refreshes", got, refreshes.Load())
	}
	// A refused refresh (in-band 503) is an OAuth error, not a token.
	bad := p
	bad.TokenParams = nil
	if _, err := bad.config("").Exchange(bad.withClient(ctx, srv.Client()), "code"); err == nil {
		t.Fatal("an in-band error was taken for a token")
	}
}

func TestScopeSeparator(t *testing.T) {
	p := Server{AuthURL: "https://example.com/auth", Scopes: []string{"a", "b"}, ScopeSeparator: ","}
	u, _ := url.Parse(p.config("").AuthCodeURL("s", p.authURLOptions()...))
	if got := u.Query().Get("scope"); got != "a,b" {
		t.Errorf("scope = %q, want a,b", got)
	}
	p.AuthParams = url.Values{"mode": {"demo"}}
	u, _ = url.Parse(p.config("").AuthCodeURL("s", p.authURLOptions()...))
	if u.Query().Get("mode") != "demo" {
		t.Errorf("auth params missing: %s", u)
	}
}
