package auth_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/upexport/upexport/fetch/auth"
	"github.com/upexport/upexport/internal/authtest"
	"github.com/upexport/upexport/providers/jawbone/upserver"
)

// TestLoginDevice runs RFC 8628 against the demo server: a person opens the
// verification URL elsewhere and approves or denies.
func TestLoginDevice(t *testing.T) {
	t.Parallel()
	for _, decision := range []string{"approve", "deny"} {
		t.Run(decision, func(t *testing.T) {
			t.Parallel()
			d := newDemo(t, upserver.Config{DeviceInterval: time.Second})
			pr := &devicePrompt{decision: decision, ctx: t.Context()}
			tok, err := auth.LoginDevice(t.Context(), d.Login, auth.DeviceOptions{Out: pr})
			if err := pr.wait(); err != nil {
				t.Fatal(err)
			}
			if decision == "deny" {
				var ae *auth.AuthorizationError
				if !errors.As(err, &ae) || ae.Code != "access_denied" {
					t.Fatalf("err = %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(pr.text(), "enter the code") {
				t.Errorf("prompt: %s", pr.text())
			}
			sess, _ := auth.NewSession(t.Context(), d.Login, auth.NewMemoryStore(tok), auth.ForAPI(d.APIURL))
			if code, err := getMe(t.Context(), sess.Client(), d); code != 200 || err != nil {
				t.Fatalf("users/@me: %d %v", code, err)
			}
			assertNoSecrets(t, pr.text(), tok.AccessToken, tok.RefreshToken)
		})
	}
}

// devicePrompt reads the verification URL from the prompt and has a person
// approve it in a browser.
type devicePrompt struct {
	logBuf
	decision string
	ctx      context.Context
	started  atomic.Bool
	done     chan error
}

func (p *devicePrompt) Write(b []byte) (int, error) {
	n, _ := p.logBuf.Write(b)
	if i := strings.Index(p.text(), "(or open "); i >= 0 && p.started.CompareAndSwap(false, true) {
		u := strings.Fields(p.text()[i+len("(or open "):])[0]
		u = strings.TrimSuffix(u, ",")
		p.done = make(chan error, 1)
		go func() { p.done <- authtest.Browse(p.ctx, u, p.decision) }()
	}
	return n, nil
}

func (p *devicePrompt) text() string { return p.logBuf.String() }

func (p *devicePrompt) wait() error {
	if p.done == nil {
		return errors.New("no verification URL was shown")
	}
	return <-p.done
}

// TestLoginDeviceErrors: the polling answers of RFC 8628 §3.5, scripted.
func TestLoginDeviceErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		polls   []string // error codes answered in turn; "" = token
		want    string
		minWait time.Duration
	}{
		{name: "pending then token", polls: []string{"authorization_pending", ""}},
		{name: "slow down", polls: []string{"slow_down", ""}, minWait: 6 * time.Second},
		{name: "expired", polls: []string{"authorization_pending", "expired_token"}, want: "device code expired"},
		{name: "denied", polls: []string{"access_denied"}, want: "access_denied"},
		{name: "other error hides body", polls: []string{"server_error"}, want: "device login failed: the server said server_error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var n atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				if r.URL.Path == "/device" {
					json.NewEncoder(w).Encode(map[string]any{"device_code": "dc-secret", "user_code": "ABCD-EFGH",
						"verification_uri": "http://x/verify", "expires_in": 60, "interval": 1})
					return
				}
				code := tt.polls[min(int(n.Add(1))-1, len(tt.polls)-1)]
				if code == "" {
					json.NewEncoder(w).Encode(map[string]any{"access_token": "at-secret", "token_type": "Bearer", "expires_in": 3600})
					return
				}
				w.WriteHeader(http.StatusBadRequest)
				json.NewEncoder(w).Encode(map[string]any{"error": code, "echo": "client_secret=cs-secret"})
			}))
			t.Cleanup(srv.Close)
			p := auth.Server{TokenURL: srv.URL + "/token", DeviceURL: srv.URL + "/device", ClientID: "id", ClientSecret: "cs-secret", AuthStyle: 1}
			start := time.Now()
			var out logBuf
			tok, err := auth.LoginDevice(t.Context(), p, auth.DeviceOptions{Out: &out})
			if tt.want == "" {
				if err != nil || tok.AccessToken != "at-secret" {
					t.Fatalf("tok=%v err=%v", tok, err)
				}
			} else if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
			if time.Since(start) < tt.minWait {
				t.Errorf("polled too fast after slow_down: %v", time.Since(start))
			}
			if err != nil {
				assertNoSecrets(t, err.Error()+out.String(), "dc-secret", "cs-secret")
			}
		})
	}
}
