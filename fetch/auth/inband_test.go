package auth_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"golang.org/x/oauth2"

	"github.com/upexport/upexport/fetch/auth"
)

// inBandServer answers API requests as Withings does: HTTP 200 always, a
// "status" of 401 in the body for a token it no longer accepts. Its token
// endpoint is RFC 6749's and hands out "fresh".
func inBandServer(t *testing.T, data string) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var refreshes atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("POST /token", func(w http.ResponseWriter, r *http.Request) {
		if r.FormValue("grant_type") != "refresh_token" || r.FormValue("refresh_token") != "rt" {
			http.Error(w, `{"error":"invalid_grant"}`, http.StatusBadRequest)
			return
		}
		refreshes.Add(1)
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"access_token": "fresh", "refresh_token": "rt2", "token_type": "Bearer", "expires_in": 3600})
	})
	mux.HandleFunc("/api/data", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.Header.Get("Authorization") != "Bearer fresh" {
			io.WriteString(w, `{"status":401,"body":{},"error":"invalid_token: The access token provided is invalid"}`)
			return
		}
		io.WriteString(w, data)
	})
	hs := httptest.NewServer(mux)
	t.Cleanup(hs.Close)
	return hs, &refreshes
}

func withingsLike(body []byte) bool {
	var e struct{ Status int }
	return json.Unmarshal(body, &e) == nil && e.Status == 401
}

// TestSessionRefreshOnInBand401: an API that rejects the token in the body
// of an HTTP 200 answer gets the same refresh-and-replay as an HTTP 401,
// when the provider says how to read the rejection; answers longer than an
// error pass through whole.
func TestSessionRefreshOnInBand401(t *testing.T) {
	t.Parallel()
	long := `{"status":0,"body":{"pad":"` + strings.Repeat("x", 100<<10) + `"}}`
	tests := []struct {
		name          string
		hook          func([]byte) bool
		data          string
		want          string
		wantRefreshes int32
	}{
		{"in-band 401 refreshes", withingsLike, `{"status":0,"body":{"n":1}}`, `{"status":0,"body":{"n":1}}`, 1},
		{"long answer after refresh", withingsLike, long, long, 1},
		{"without the hook the rejection is the answer", nil, `{"status":0,"body":{"n":1}}`,
			`{"status":401,"body":{},"error":"invalid_token: The access token provided is invalid"}`, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			hs, refreshes := inBandServer(t, tt.data)
			p := auth.Server{TokenURL: hs.URL + "/token", AuthURL: hs.URL + "/auth",
				ClientID: "c", ClientSecret: "s", AuthStyle: oauth2.AuthStyleInParams, Unauthorized: tt.hook}
			store := auth.NewMemoryStore(&oauth2.Token{AccessToken: "stale", RefreshToken: "rt", TokenType: "Bearer"})
			sess, err := auth.NewSession(t.Context(), p, store, auth.ForAPI(hs.URL+"/api"), auth.WithHTTPClient(hs.Client()))
			if err != nil {
				t.Fatal(err)
			}
			resp, err := sess.Client().Get(hs.URL + "/api/data")
			if err != nil {
				t.Fatal(err)
			}
			b, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != tt.want {
				t.Errorf("body = %.120s (%d bytes), want %.120s (%d bytes)", b, len(b), tt.want, len(tt.want))
			}
			if n := refreshes.Load(); n != tt.wantRefreshes {
				t.Errorf("%d refreshes, want %d", n, tt.wantRefreshes)
			}
		})
	}
}

// TestSessionInBandLongAnswerNotRead: a long answer is not taken for a
// rejection, even when its start looks like one, and no refresh happens.
func TestSessionInBandLongAnswerNotRead(t *testing.T) {
	t.Parallel()
	long := `{"status":0,"body":{"pad":"` + strings.Repeat("y", 10<<10) + `"}}`
	hs, refreshes := inBandServer(t, long)
	calls := 0
	p := auth.Server{TokenURL: hs.URL + "/token", ClientID: "c", ClientSecret: "s",
		Unauthorized: func(b []byte) bool { calls++; return withingsLike(b) }}
	store := auth.NewMemoryStore(&oauth2.Token{AccessToken: "fresh", RefreshToken: "rt", TokenType: "Bearer"})
	sess, err := auth.NewSession(t.Context(), p, store, auth.ForAPI(hs.URL+"/api"), auth.WithHTTPClient(hs.Client()))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := sess.Client().Get(hs.URL + "/api/data")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(b) != long || calls != 0 || refreshes.Load() != 0 {
		t.Errorf("got %d bytes, hook called %d times, %d refreshes; want the %d-byte answer untouched", len(b), calls, refreshes.Load(), len(long))
	}
}
