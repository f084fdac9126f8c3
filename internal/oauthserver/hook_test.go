package oauthserver

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// withingsWriter answers as Withings' token endpoint does: HTTP 200
// always, a status of 0 and the token in body, or a non-zero status.
type withingsWriter struct{}

func (withingsWriter) WriteToken(w http.ResponseWriter, _ *http.Request, t *Token) {
	WriteNoStoreJSON(w, http.StatusOK, map[string]any{"status": 0, "body": map[string]any{
		"userid":        t.UserID,
		"access_token":  t.AccessToken,
		"refresh_token": t.RefreshToken,
		"expires_in":    int64(t.ExpiresIn / time.Second),
		"scope":         t.Scope,
		"token_type":    t.TokenType,
	}})
}

func (withingsWriter) WriteError(w http.ResponseWriter, _ *http.Request, e *Error) {
	status := 503 // "invalid params"
	if e.Code == "invalid_client" {
		status = 401
	}
	WriteNoStoreJSON(w, http.StatusOK, map[string]any{"status": status, "error": e.Code + ": " + e.Description})
}

// withingsAnswer is the wrapped answer.
type withingsAnswer struct {
	Status int    `json:"status"`
	Error  string `json:"error"`
	Body   struct {
		UserID       string `json:"userid"`
		AccessToken  string `json:"access_token"`
		RefreshToken string `json:"refresh_token"`
		ExpiresIn    int64  `json:"expires_in"`
		Scope        string `json:"scope"`
		TokenType    string `json:"token_type"`
	} `json:"body"`
}

// TestTokenHookWrappedAnswer mounts the token logic the way a Withings
// emulator would: at its own path, behind its own action parameter, with
// a wrapped answer, and runs a code exchange and a rotating refresh
// through it.
func TestTokenHookWrappedAnswer(t *testing.T) {
	s, err := New(Config{
		Clients:             []Client{{ID: "wclient", Secret: "wsecret"}},
		Scopes:              []string{"user.info", "user.metrics", "user.activity"},
		ScopeSeparator:      ",",
		Users:               []User{{ID: "4242", Name: "Ada Lovelace"}},
		AccessTTL:           3 * time.Hour,
		RotateRefreshTokens: true,
		PKCE:                PKCEIgnored,
		ClientAuth:          ClientAuthParams,
		AutoApprove:         true,
		Paths:               Paths{Authorize: "/oauth2_user/authorize2", Consent: "/oauth2_user/consent"},
	})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	s.Mount(mux)
	tokens := s.TokenHandler(withingsWriter{})
	mux.HandleFunc("POST /v2/oauth2", func(w http.ResponseWriter, r *http.Request) {
		if r.FormValue("action") != "requesttoken" {
			WriteNoStoreJSON(w, http.StatusOK, map[string]any{"status": 2555, "error": "unknown action"})
			return
		}
		tokens.ServeHTTP(w, r)
	})
	mux.HandleFunc("GET /measure", func(w http.ResponseWriter, r *http.Request) {
		a, err := s.Authenticate(r)
		if err != nil {
			WriteNoStoreJSON(w, http.StatusOK, map[string]any{"status": 401, "error": err.Error()})
			return
		}
		WriteNoStoreJSON(w, http.StatusOK, map[string]any{"status": 0, "body": map[string]string{"user": a.UserID, "scopes": strings.Join(a.Scopes, ",")}})
	})
	if _, pattern := mux.Handler(httptest.NewRequest("POST", "/oauth2/token", nil)); pattern != "" {
		t.Fatalf("the RFC 6749 token endpoint is mounted at %s; an empty Paths.Token must leave it out", pattern)
	}
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)

	post := func(p url.Values) withingsAnswer {
		t.Helper()
		resp, err := http.PostForm(ts.URL+"/v2/oauth2", p)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var a withingsAnswer
		if err := json.NewDecoder(resp.Body).Decode(&a); err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("HTTP %d, want 200 always", resp.StatusCode)
		}
		return a
	}
	measure := func(token string) (status int, user string) {
		t.Helper()
		req, _ := http.NewRequest("GET", ts.URL+"/measure", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var a struct {
			Status int               `json:"status"`
			Body   map[string]string `json:"body"`
		}
		if err := json.NewDecoder(resp.Body).Decode(&a); err != nil {
			t.Fatal(err)
		}
		return a.Status, a.Body["user"]
	}

	redirect := "http://127.0.0.1:5000/cb"
	q := authorize(t, ts.URL+"/oauth2_user/authorize2?"+url.Values{
		"response_type": {"code"}, "client_id": {"wclient"}, "redirect_uri": {redirect},
		"scope": {"user.metrics,user.info"}, "state": {"s"},
	}.Encode())
	code := q.Get("code")
	if code == "" {
		t.Fatalf("authorize: %v", q)
	}
	exchange := url.Values{"action": {"requesttoken"}, "grant_type": {"authorization_code"}, "client_id": {"wclient"},
		"client_secret": {"wsecret"}, "code": {code}, "redirect_uri": {redirect}}

	noAction := url.Values{}
	for k, v := range exchange {
		noAction[k] = v
	}
	noAction.Del("action")
	if a := post(noAction); a.Status != 2555 || a.Body.AccessToken != "" {
		t.Fatalf("without action=requesttoken: %+v", a)
	}

	a := post(exchange)
	if a.Status != 0 || a.Body.UserID != "4242" || a.Body.AccessToken == "" || a.Body.RefreshToken == "" ||
		a.Body.ExpiresIn != 10800 || a.Body.Scope != "user.info,user.metrics" || a.Body.TokenType != "Bearer" {
		t.Fatalf("code exchange: %+v", a)
	}
	if st, user := measure(a.Body.AccessToken); st != 0 || user != "4242" {
		t.Fatalf("API with the exchanged token: status %d user %q", st, user)
	}

	refresh := url.Values{"action": {"requesttoken"}, "grant_type": {"refresh_token"}, "client_id": {"wclient"},
		"client_secret": {"wsecret"}, "refresh_token": {a.Body.RefreshToken}}
	r := post(refresh)
	if r.Status != 0 || r.Body.UserID != "4242" || r.Body.AccessToken == "" ||
		r.Body.AccessToken == a.Body.AccessToken || r.Body.RefreshToken == a.Body.RefreshToken {
		t.Fatalf("refresh: %+v; want a new access and refresh token", r)
	}
	if st, _ := measure(a.Body.AccessToken); st != 401 {
		t.Errorf("access token from before the rotation: status %d, want 401", st)
	}
	if st, user := measure(r.Body.AccessToken); st != 0 || user != "4242" {
		t.Errorf("refreshed token: status %d user %q", st, user)
	}
	if old := post(refresh); old.Status != 503 || !strings.HasPrefix(old.Error, "invalid_grant") {
		t.Errorf("rotated-out refresh token: %+v", old)
	}
	refresh.Set("refresh_token", r.Body.RefreshToken)
	refresh.Set("client_secret", "wrong")
	if bad := post(refresh); bad.Status != 401 {
		t.Errorf("wrong secret: %+v", bad)
	}
	// A replayed code ends the grant it produced, refreshed tokens included.
	if again := post(exchange); again.Status != 503 || !strings.HasPrefix(again.Error, "invalid_grant") {
		t.Fatalf("replayed code: %+v", again)
	}
	if st, _ := measure(r.Body.AccessToken); st != 401 {
		t.Errorf("token of a replayed code's grant: status %d, want 401", st)
	}
}
