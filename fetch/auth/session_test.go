package auth_test

import (
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/upexport/upexport/fetch/auth"
	"github.com/upexport/upexport/internal/authtest"
	"github.com/upexport/upexport/providers/jawbone/upserver"
)

// issued returns a token of the demo server's user 0 as a login would have
// stored it, expiring after ttl by clock.
func issued(t *testing.T, d *authtest.Demo, now time.Time, ttl time.Duration) *oauth2.Token {
	t.Helper()
	at, rt, err := d.IssueToken(0, nil)
	if err != nil {
		t.Fatal(err)
	}
	return &oauth2.Token{AccessToken: at, RefreshToken: rt, TokenType: "Bearer", Expiry: now.Add(ttl), ExpiresIn: int64(ttl / time.Second)}
}

func TestSessionRefresh(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		// lie makes the stored token look valid although the server has
		// expired it: only the 401 reveals it.
		lie       bool
		wantGrant int
	}{
		{name: "on expiry", wantGrant: 1},
		{name: "on 401", lie: true, wantGrant: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			clock := &fakeClock{t: time.Date(2016, 3, 16, 12, 0, 0, 0, time.UTC)}
			d := newDemo(t, upserver.Config{AccessTTL: time.Hour, Now: clock.Now})
			tok := issued(t, d, clock.Now(), time.Hour)
			if tt.lie {
				tok.Expiry, tok.ExpiresIn = time.Time{}, 0
			}
			path := filepath.Join(t.TempDir(), "token.json")
			store := auth.NewFileStore(path)
			if err := store.Save(t.Context(), tok); err != nil {
				t.Fatal(err)
			}
			var log logBuf
			sess, err := auth.NewSession(t.Context(), d.Login, store, auth.ForAPI(d.APIURL), auth.WithClock(clock.Now), auth.WithLogf(log.logf))
			if err != nil {
				t.Fatal(err)
			}
			if code, err := getMe(t.Context(), sess.Client(), d); code != 200 || err != nil {
				t.Fatalf("before expiry: %d %v", code, err)
			}
			clock.Add(2 * time.Hour)
			before := d.APIRequests()
			if code, err := getMe(t.Context(), sess.Client(), d); code != 200 || err != nil {
				t.Fatalf("after expiry: %d %v", code, err)
			}
			if got := d.Grants("refresh_token"); got != tt.wantGrant {
				t.Errorf("refresh requests = %d, want %d", got, tt.wantGrant)
			}
			wantAPI := int64(1) // refreshed before sending
			if tt.lie {
				wantAPI = 2 // 401, then the replay
			}
			if got := d.APIRequests() - before; got != wantAPI {
				t.Errorf("API requests = %d, want %d", got, wantAPI)
			}
			// Rotation persisted at once, atomically, 0600.
			saved, err := store.Load(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			if saved.RefreshToken == tok.RefreshToken || saved.AccessToken == tok.AccessToken {
				t.Error("the rotated token was not saved")
			}
			if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
				t.Errorf("token file mode %v", st.Mode())
			}
			// The old refresh token is dead at the server: a second session
			// that kept it must be told to log in again.
			old, _ := auth.NewSession(t.Context(), d.Login, auth.NewMemoryStore(&oauth2.Token{RefreshToken: tok.RefreshToken}), auth.ForAPI(d.APIURL))
			if _, err := getMe(t.Context(), old.Client(), d); !errors.Is(err, auth.ErrLoginRequired) {
				t.Errorf("reusing the old refresh token: %v, want ErrLoginRequired", err)
			}
			assertNoSecrets(t, log.String(), tok.AccessToken, tok.RefreshToken, saved.AccessToken, saved.RefreshToken)
		})
	}
}

// TestSessionConcurrentRefresh: 16 requests find the token expired at once;
// the token endpoint sees one refresh.
func TestSessionConcurrentRefresh(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{t: time.Date(2016, 3, 16, 12, 0, 0, 0, time.UTC)}
	d := newDemo(t, upserver.Config{AccessTTL: time.Hour, Now: clock.Now})
	d.TokenDelay = 100 * time.Millisecond
	tok := issued(t, d, clock.Now(), time.Hour)
	clock.Add(2 * time.Hour)
	for _, lie := range []bool{false, true} {
		store := auth.NewMemoryStore(tok)
		if lie { // every request gets a 401 first
			at, rt, _ := d.IssueToken(0, nil)
			clock.Add(2 * time.Hour)
			store = auth.NewMemoryStore(&oauth2.Token{AccessToken: at, RefreshToken: rt})
		}
		sess, err := auth.NewSession(t.Context(), d.Login, store, auth.ForAPI(d.APIURL), auth.WithClock(clock.Now))
		if err != nil {
			t.Fatal(err)
		}
		before := d.Grants("refresh_token")
		var wg sync.WaitGroup
		errs := make(chan error, 16)
		for range 16 {
			wg.Go(func() {
				code, err := getMe(t.Context(), sess.Client(), d)
				if err == nil && code != 200 {
					err = errors.New(http.StatusText(code))
				}
				errs <- err
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Error(err)
			}
		}
		if got := d.Grants("refresh_token") - before; got != 1 {
			t.Errorf("lie=%v: %d refreshes for 16 concurrent requests, want 1", lie, got)
		}
	}
}

func TestTokenFilePermissions(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "sub", "token.json")
	store := auth.NewFileStore(path)
	if err := store.Save(t.Context(), &oauth2.Token{AccessToken: "a", RefreshToken: "r"}); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(filepath.Dir(path)); st.Mode().Perm() != 0o700 {
		t.Errorf("directory mode %v, want 0700", st.Mode().Perm())
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := auth.NewSession(t.Context(), auth.Server{}, store)
	if err == nil || !strings.Contains(err.Error(), "chmod 600 "+path) {
		t.Fatalf("err = %v, want the chmod advice", err)
	}
	if _, err := auth.NewSession(t.Context(), auth.Server{}, auth.NewFileStore(filepath.Join(dir, "none.json"))); !errors.Is(err, auth.ErrLoginRequired) {
		t.Fatalf("missing file: %v, want ErrLoginRequired", err)
	}
	// No temporary files are left behind by the atomic writes.
	if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) != 2 { // token.json, token.json.lock
		t.Errorf("directory holds %d entries", len(entries))
	}
}

// TestEnvTokens: CI tokens from the environment, no token file, and a
// rotated refresh token written to UPEXPORT_REFRESH_TOKEN_OUT (issue 8.6).
func TestEnvTokens(t *testing.T) {
	t.Parallel()
	d := newDemo(t, upserver.Config{})
	tests := []struct {
		name     string
		env      func(at, rt string) map[string]string
		wantLog  string
		wantOut  bool
		wantCode int
		wantErr  error
	}{
		{name: "refresh token with out file", env: func(_, rt string) map[string]string {
			return map[string]string{auth.EnvRefreshToken: rt, auth.EnvRefreshTokenOut: "OUT"}
		}, wantLog: "the new one was written to", wantOut: true, wantCode: 200},
		{name: "refresh token without out file", env: func(_, rt string) map[string]string {
			return map[string]string{auth.EnvRefreshToken: rt}
		}, wantLog: "WARNING: the server rotated the refresh token", wantCode: 200},
		{name: "access token only", env: func(at, _ string) map[string]string {
			return map[string]string{auth.EnvAccessToken: at}
		}, wantCode: 200},
		{name: "dead access token only", env: func(string, string) map[string]string {
			return map[string]string{auth.EnvAccessToken: "dead"}
		}, wantErr: auth.ErrLoginRequired},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			at, rt, _ := d.IssueToken(0, nil)
			env := tt.env(at, rt)
			out := filepath.Join(t.TempDir(), "rt-out")
			if env[auth.EnvRefreshTokenOut] != "" {
				env[auth.EnvRefreshTokenOut] = out
			}
			var log logBuf
			store, ok := auth.NewEnvStore(func(k string) string { return env[k] }, log.logf)
			if !ok {
				t.Fatal("env store not used")
			}
			sess, err := auth.NewSession(t.Context(), d.Login, store, auth.ForAPI(d.APIURL), auth.WithLogf(log.logf))
			if err != nil {
				t.Fatal(err)
			}
			code, err := getMe(t.Context(), sess.Client(), d)
			if !errors.Is(err, tt.wantErr) || code != tt.wantCode {
				t.Fatalf("users/@me = %d, %v", code, err)
			}
			if !strings.Contains(log.String(), tt.wantLog) {
				t.Errorf("log lacks %q:\n%s", tt.wantLog, log.String())
			}
			data, err := os.ReadFile(out)
			if tt.wantOut {
				st, _ := os.Stat(out)
				newRT := strings.TrimSpace(string(data))
				if err != nil || newRT == "" || newRT == rt || st.Mode().Perm() != 0o600 {
					t.Fatalf("out file: %q %v", data, err)
				}
				assertNoSecrets(t, log.String(), newRT)
			}
			assertNoSecrets(t, log.String(), at, rt)
		})
	}
	if _, ok := auth.NewEnvStore(func(string) string { return "" }, nil); ok {
		t.Error("empty environment must not give an env store")
	}
}

func TestRevoke(t *testing.T) {
	t.Parallel()
	for _, style := range []oauth2.AuthStyle{oauth2.AuthStyleAutoDetect, oauth2.AuthStyleInParams, oauth2.AuthStyleInHeader} {
		d := newDemo(t, upserver.Config{})
		d.Login.AuthStyle = style
		tok := issued(t, d, time.Now(), time.Hour)
		if err := auth.Revoke(t.Context(), d.Login, tok, nil); err != nil {
			t.Fatalf("style %v: %v", style, err)
		}
		sess, _ := auth.NewSession(t.Context(), d.Login, auth.NewMemoryStore(tok), auth.ForAPI(d.APIURL))
		if _, err := getMe(t.Context(), sess.Client(), d); !errors.Is(err, auth.ErrLoginRequired) {
			t.Errorf("style %v: after revocation: %v, want ErrLoginRequired", style, err)
		}
	}
}
