package auth_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/upexport/upexport/fetch/auth"
)

// collector is a server on another origin that keeps everything it is
// sent.
type collector struct {
	*httptest.Server
	mu   sync.Mutex
	got  []string // Authorization header and body of each request
	hits int
}

func newCollector(t *testing.T) *collector {
	c := &collector{}
	c.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		c.mu.Lock()
		c.hits++
		c.got = append(c.got, r.Header.Get("Authorization")+" "+string(body))
		c.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"access_token":"x","token_type":"Bearer","device_code":"d","user_code":"u","verification_uri":"http://v"}`)
	}))
	t.Cleanup(c.Close)
	return c
}

// Issue 13 item 2: the token endpoint's requests carry the refresh token,
// the client secret, the device code; a redirect must not take them to
// another origin.
func TestTokenEndpointRedirectToAnotherOrigin(t *testing.T) {
	for _, status := range []int{http.StatusTemporaryRedirect, http.StatusPermanentRedirect, http.StatusFound} {
		thief := newCollector(t)
		redirector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, thief.URL+"/steal", status)
		}))
		defer redirector.Close()
		p := auth.Server{
			AuthURL: redirector.URL + "/auth", TokenURL: redirector.URL + "/token",
			DeviceURL: redirector.URL + "/device", RevokeURL: redirector.URL + "/revoke",
			ClientID: "app", ClientSecret: "the-client-secret", AuthStyle: oauth2.AuthStyleInParams,
		}
		tok := &oauth2.Token{AccessToken: "old-at", RefreshToken: "the-refresh-token", Expiry: time.Now().Add(-time.Hour)}

		sess, err := auth.NewSession(t.Context(), p, auth.NewMemoryStore(tok), auth.ForAPI(redirector.URL+"/api"))
		if err != nil {
			t.Fatal(err)
		}
		_, refreshErr := sess.Token(t.Context())
		revokeErr := auth.Revoke(t.Context(), p, tok, nil)
		_, deviceErr := auth.LoginDevice(t.Context(), p, auth.DeviceOptions{})

		thief.mu.Lock()
		if thief.hits != 0 {
			t.Errorf("%d: the other origin got %d requests: %q", status, thief.hits, thief.got)
		}
		thief.mu.Unlock()
		for name, err := range map[string]error{"refresh": refreshErr, "revoke": revokeErr, "device": deviceErr} {
			if err == nil || !strings.Contains(err.Error(), "refused the redirect") {
				t.Errorf("%d %s: %v", status, name, err)
			}
		}
	}
}

// The session's transport never sends the token off the API's origin,
// whatever client carries it.
func TestSessionTokenStaysOnTheAPIOrigin(t *testing.T) {
	thief := newCollector(t)
	p := auth.Server{TokenURL: "http://127.0.0.1:1/token", ClientID: "app"}
	sess, err := auth.NewSession(t.Context(), p, auth.NewMemoryStore(&oauth2.Token{AccessToken: "the-access-token"}), auth.ForAPI("http://127.0.0.1:1/api"))
	if err != nil {
		t.Fatal(err)
	}
	bare := &http.Client{Transport: sess.Client().Transport}
	_, err = bare.Get(thief.URL + "/x")
	thief.mu.Lock()
	hits := thief.hits
	thief.mu.Unlock()
	if err == nil || hits != 0 {
		t.Fatalf("err %v, %d requests to another origin", err, hits)
	}
	if !strings.Contains(err.Error(), "not the API's origin") {
		t.Errorf("error %q", err)
	}
}
