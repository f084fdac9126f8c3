package auth_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/upexport/upexport/fetch/auth"
	"github.com/upexport/upexport/internal/authtest"
	"github.com/upexport/upexport/providers/jawbone/upserver"
)

func TestLoginLoopback(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		edit     func(*auth.Server)
		decision string
		host     string
		wantErr  string
	}{
		{name: "confidential auto-detect", decision: "approve"},
		{name: "confidential params", edit: func(p *auth.Server) { p.AuthStyle = oauth2.AuthStyleInParams }, decision: "approve"},
		{name: "confidential header", edit: func(p *auth.Server) { p.AuthStyle = oauth2.AuthStyleInHeader }, decision: "approve"},
		{name: "public client", edit: func(p *auth.Server) { p.ClientSecret = "" }, decision: "approve"},
		{name: "localhost", decision: "approve", host: "localhost"},
		{name: "ipv6", decision: "approve", host: "[::1]"},
		{name: "no issuer configured", edit: func(p *auth.Server) { p.Issuer = "" }, decision: "approve"},
		{name: "denied", decision: "deny", wantErr: "the server refused the login: access_denied (the user denied the request)"},
		{name: "issuer mismatch", edit: func(p *auth.Server) { p.Issuer = "https://other.example" }, decision: "approve",
			wantErr: "unexpected issuer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := newDemo(t, upserver.Config{})
			p := d.Login
			if tt.edit != nil {
				tt.edit(&p)
			}
			var out logBuf
			var seen string
			open := func(ctx context.Context, u string) error {
				seen = u
				return authtest.Browse(ctx, u, tt.decision)
			}
			open, wait := tracked(open)
			tok, err := auth.LoginLoopback(t.Context(), p, auth.LoopbackOptions{
				OpenURL: open, RedirectHost: tt.host, Out: &out, Logf: out.logf, Timeout: 20 * time.Second,
			})
			if werr := wait(); werr != nil {
				t.Fatal(werr)
			}
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			au, _ := url.Parse(seen)
			q := au.Query()
			if q.Get("code_challenge_method") != "S256" || len(q.Get("state")) < 43 || q.Get("code_challenge") == "" {
				t.Errorf("authorization URL lacks PKCE S256 or a strong state: %v", q)
			}
			if got := strings.Join(auth.Scopes(tok), " "); got != "basic_read move_read" {
				t.Errorf("scopes = %q", got)
			}
			sess, err := auth.NewSession(t.Context(), p, auth.NewMemoryStore(tok), auth.ForAPI(d.APIURL))
			if err != nil {
				t.Fatal(err)
			}
			if code, err := getMe(t.Context(), sess.Client(), d); err != nil || code != 200 {
				t.Fatalf("users/@me: %d %v", code, err)
			}
			assertNoSecrets(t, out.String(), tok.AccessToken, tok.RefreshToken, p.ClientSecret)
		})
	}
}

// TestLoginForgedCallbacks: forged and malformed callbacks get a 400 and
// are logged, the login keeps waiting, and the real callback then wins
// (issue 8 points 2 and 7).
func TestLoginForgedCallbacks(t *testing.T) {
	t.Parallel()
	d := newDemo(t, upserver.Config{})
	var log logBuf
	type probe struct {
		name, method, path, host string
		query                    url.Values
	}
	var results []string
	open := func(ctx context.Context, u string) error {
		au, _ := url.Parse(u)
		redirect, _ := url.Parse(au.Query().Get("redirect_uri"))
		state := au.Query().Get("state")
		probes := []probe{
			{"wrong state", "GET", "/callback", redirect.Host, url.Values{"state": {"forged"}, "code": {"x"}}},
			{"wrong state error", "GET", "/callback", redirect.Host, url.Values{"state": {"forged"}, "error": {"access_denied"}}},
			{"no state", "GET", "/callback", redirect.Host, url.Values{"code": {"x"}}},
			{"wrong path", "GET", "/other", redirect.Host, url.Values{"state": {state}, "code": {"x"}}},
			{"wrong method", "POST", "/callback", redirect.Host, url.Values{"state": {state}, "code": {"x"}}},
			{"dns rebinding", "GET", "/callback", "evil.example:" + redirect.Port(), url.Values{"state": {state}, "code": {"x"}}},
			{"no code", "GET", "/callback", redirect.Host, url.Values{"state": {state}}},
			{"done too early", "GET", "/done", redirect.Host, nil},
		}
		for _, pr := range probes {
			req, _ := http.NewRequestWithContext(ctx, pr.method, "http://"+redirect.Host+pr.path+"?"+pr.query.Encode(), nil)
			req.Host = pr.host
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				return err
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusBadRequest || resp.Header.Get("Cache-Control") != "no-store" {
				results = append(results, pr.name+": "+resp.Status)
			}
			if strings.Contains(string(body), "http://") || strings.Contains(string(body), "https://") {
				results = append(results, pr.name+": page refers to external assets")
			}
		}
		return authtest.Browse(ctx, u, "approve")
	}
	open, wait := tracked(open)
	tok, err := auth.LoginLoopback(t.Context(), d.Login, auth.LoopbackOptions{OpenURL: open, Logf: log.logf, Timeout: 20 * time.Second})
	if err != nil {
		t.Fatalf("login after forged callbacks: %v\n%s", err, log.String())
	}
	if err := wait(); err != nil {
		t.Fatal(err)
	}
	for _, r := range results {
		t.Error(r)
	}
	if n := strings.Count(log.String(), "still waiting"); n != 8 {
		t.Errorf("logged %d rejected requests, want 8:\n%s", n, log.String())
	}
	assertNoSecrets(t, log.String(), tok.AccessToken, tok.RefreshToken)
}

// TestLoginResultPage: the callback redirects to a clean path whose page is
// self-contained, uncached and says the outcome (issue 8 point 7).
func TestLoginResultPage(t *testing.T) {
	t.Parallel()
	d := newDemo(t, upserver.Config{AutoApprove: true})
	type hop struct {
		path, location, cache string
		status                int
		body                  string
	}
	var hops []hop
	open := func(ctx context.Context, u string) error {
		hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		for range 5 {
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
			resp, err := hc.Do(req)
			if err != nil {
				return err
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			hops = append(hops, hop{req.URL.Path, resp.Header.Get("Location"), resp.Header.Get("Cache-Control"), resp.StatusCode, string(b)})
			loc, err := resp.Location()
			if err != nil {
				return nil
			}
			u = loc.String()
		}
		return nil
	}
	var log logBuf
	open, wait := tracked(open)
	if _, err := auth.LoginLoopback(t.Context(), d.Login, auth.LoopbackOptions{OpenURL: open, Logf: log.logf, Timeout: 20 * time.Second}); err != nil {
		t.Fatal(err)
	}
	if err := wait(); err != nil {
		t.Fatal(err)
	}
	if len(hops) != 3 {
		t.Log(log.String())
		t.Fatalf("hops = %+v", hops)
	}
	cb, done := hops[1], hops[2]
	if cb.path != "/callback" || cb.status != http.StatusSeeOther || cb.location != "/done" || cb.cache != "no-store" {
		t.Errorf("callback answer = %+v, want 303 to /done, no-store", cb)
	}
	if done.status != 200 || done.cache != "no-store" || !strings.Contains(done.body, "Logged in") {
		t.Errorf("result page = %+v", done)
	}
	for _, ext := range []string{"src=", "http://", "https://", "<script"} {
		if strings.Contains(done.body, ext) {
			t.Errorf("result page is not self-contained: has %q", ext)
		}
	}
}

// TestLoginPaste: no browser; the redirect URL is pasted, after two wrong
// lines, and the listener is never used (issue 3 --no-browser, 8.3).
func TestLoginPaste(t *testing.T) {
	t.Parallel()
	d := newDemo(t, upserver.Config{})
	pr, pw := io.Pipe()
	t.Cleanup(func() { pw.Close() })
	var out logBuf
	// The "browser" on another machine: it gets as far as the redirect to
	// the loopback address, which it cannot reach; the user copies that.
	open := func(ctx context.Context, u string) error {
		hc := &http.Client{CheckRedirect: func(r *http.Request, _ []*http.Request) error {
			if r.URL.Path == "/callback" {
				return http.ErrUseLastResponse
			}
			return nil
		}}
		var final string
		hc.Transport = captureRedirect(&final)
		if err := authtest.BrowseWith(ctx, hc, u, "approve"); err != nil {
			return err
		}
		wrong, _ := url.Parse(final)
		q := wrong.Query()
		q.Set("state", "forged")
		wrong.RawQuery = q.Encode()
		_, err := io.WriteString(pw, "not a url at all\n"+wrong.String()+"\n"+final+"\n")
		return err
	}
	tok, err := auth.LoginLoopback(t.Context(), d.Login, auth.LoopbackOptions{
		OpenURL: open, Paste: pr, Out: &out, Logf: out.logf, Timeout: 20 * time.Second,
	})
	if err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if n := strings.Count(out.String(), "That was not accepted"); n != 2 {
		t.Errorf("%d rejections, want 2:\n%s", n, out.String())
	}
	if !strings.Contains(out.String(), "wrong state") {
		t.Errorf("no reason given:\n%s", out.String())
	}
	assertNoSecrets(t, out.String(), tok.AccessToken, tok.RefreshToken)
}

// captureRedirect records the Location of the redirect to the loopback
// callback, the address the user would copy.
func captureRedirect(final *string) http.RoundTripper {
	return rtFunc(func(r *http.Request) (*http.Response, error) {
		resp, err := http.DefaultTransport.RoundTrip(r)
		if err == nil {
			if loc, lerr := resp.Location(); lerr == nil && loc.Path == "/callback" {
				*final = loc.String()
			}
		}
		return resp, err
	})
}

type rtFunc func(*http.Request) (*http.Response, error)

func (f rtFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestLoginTimeoutAndCancel(t *testing.T) {
	t.Parallel()
	d := newDemo(t, upserver.Config{})
	t.Run("timeout", func(t *testing.T) {
		t.Parallel()
		start := time.Now()
		_, err := auth.LoginLoopback(t.Context(), d.Login, auth.LoopbackOptions{Timeout: 200 * time.Millisecond})
		if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "timed out after 200ms") {
			t.Fatalf("err = %v", err)
		}
		if time.Since(start) > 3*time.Second {
			t.Error("took too long")
		}
	})
	t.Run("cancel", func(t *testing.T) {
		t.Parallel()
		ctx, cancel := context.WithCancel(t.Context())
		time.AfterFunc(100*time.Millisecond, cancel)
		_, err := auth.LoginLoopback(ctx, d.Login, auth.LoopbackOptions{})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("no browser and no terminal fails at once", func(t *testing.T) {
		t.Parallel()
		fail := func(context.Context, string) error { return errors.New("no browser here") }
		_, err := auth.LoginLoopback(t.Context(), d.Login, auth.LoopbackOptions{OpenURL: fail})
		if !errors.Is(err, auth.ErrLoginRequired) {
			t.Fatalf("err = %v", err)
		}
	})
}

// TestLoginDualStack: the listener holds the port on both loopback
// families, so no other program can take [::1]:port while the redirect
// says localhost (issue 8 point 1).
func TestLoginDualStack(t *testing.T) {
	t.Parallel()
	if l, err := net.Listen("tcp6", "[::1]:0"); err != nil {
		t.Skip("no IPv6 loopback here")
	} else {
		l.Close()
	}
	for _, host := range []string{"127.0.0.1", "localhost", "[::1]"} {
		t.Run(host, func(t *testing.T) {
			t.Parallel()
			d := newDemo(t, upserver.Config{})
			var steal []string
			open := func(ctx context.Context, u string) error {
				au, _ := url.Parse(u)
				redirect, _ := url.Parse(au.Query().Get("redirect_uri"))
				for _, addr := range []string{"127.0.0.1", "::1"} {
					if l, err := net.Listen("tcp", net.JoinHostPort(addr, redirect.Port())); err == nil {
						l.Close()
						steal = append(steal, addr)
					}
				}
				// Reach the listener on the IPv6 address with the Host the
				// browser would send.
				req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://[::1]:"+redirect.Port()+"/callback?state=forged", nil)
				req.Host = redirect.Host
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					return err
				}
				resp.Body.Close()
				if resp.StatusCode != http.StatusBadRequest {
					steal = append(steal, "[::1] answered "+resp.Status)
				}
				return authtest.Browse(ctx, u, "approve")
			}
			open, wait := tracked(open)
			if _, err := auth.LoginLoopback(t.Context(), d.Login, auth.LoopbackOptions{OpenURL: open, RedirectHost: host, Timeout: 20 * time.Second}); err != nil {
				t.Fatal(err)
			}
			if err := wait(); err != nil {
				t.Fatal(err)
			}
			if len(steal) > 0 {
				t.Errorf("another program could listen on the callback port at %v", steal)
			}
		})
	}
}
