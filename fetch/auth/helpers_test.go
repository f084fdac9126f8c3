package auth_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/upexport/upexport/fetch/auth"
	"github.com/upexport/upexport/internal/authtest"
	"github.com/upexport/upexport/providers/jawbone/upserver"
)

// logBuf collects everything a flow logs or prints, for assertions and for
// the check that no secret leaks.
type logBuf struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *logBuf) logf(format string, a ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	fmt.Fprintf(&l.b, format+"\n", a...)
}

func (l *logBuf) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuf) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func browser(decision string) func(context.Context, string) error {
	return func(ctx context.Context, u string) error { return authtest.Browse(ctx, u, decision) }
}

func newDemo(t *testing.T, cfg upserver.Config) *authtest.Demo {
	return authtest.NewDemo(t, cfg)
}

// login runs a loopback login against d and fails the test on error.
func login(t *testing.T, d *authtest.Demo) *oauth2.Token {
	t.Helper()
	tok, err := auth.LoginLoopback(t.Context(), d.Login, auth.LoopbackOptions{OpenURL: browser("approve"), Timeout: 20 * time.Second})
	if err != nil {
		t.Fatalf("login: %v", err)
	}
	return tok
}

// getMe calls users/@me through c.
func getMe(ctx context.Context, c *http.Client, d *authtest.Demo) (int, error) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, d.APIURL+"/users/@me", nil)
	resp, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}

// assertNoSecrets fails if out contains any of the secrets.
func assertNoSecrets(t *testing.T, out string, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		if s != "" && strings.Contains(out, s) {
			t.Errorf("output leaks a secret %.6s…:\n%s", s, out)
		}
	}
}

// fakeClock is a settable clock shared by the demo server and sessions.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// tracked wraps an OpenURL stub so the test can wait for it: LoginLoopback
// does not wait for OpenURL (a real browser may outlive the login).
func tracked(open func(context.Context, string) error) (func(context.Context, string) error, func() error) {
	done := make(chan error, 1)
	return func(ctx context.Context, u string) error {
			err := open(ctx, u)
			done <- err
			return err
		}, func() error {
			select {
			case err := <-done:
				return err
			case <-time.After(10 * time.Second):
				return errors.New("OpenURL stub did not finish")
			}
		}
}
