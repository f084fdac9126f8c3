package main

import (
	"bytes"
	"context"
	"flag"
	"io"
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

// TestHelperBrowser is not a test: it is the $BROWSER program of the login
// tests, the test binary run again with the URL as its last argument. It
// follows the URL and answers the consent page like a person would.
func TestHelperBrowser(t *testing.T) {
	decision := os.Getenv("UPEXPORT_TEST_BROWSER_DECISION")
	if decision == "" || flag.NArg() == 0 {
		t.Skip("only run as the $BROWSER of a login test")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := authtest.Browse(ctx, flag.Arg(flag.NArg()-1), decision); err != nil {
		t.Fatal(err)
	}
}

// browserEnv makes the test binary the $BROWSER.
func browserEnv(t *testing.T, decision string) {
	t.Setenv("BROWSER", os.Args[0]+" -test.run=^TestHelperBrowser$ --")
	t.Setenv("UPEXPORT_TEST_BROWSER_DECISION", decision)
}

// cliEnv isolates a CLI test: no token or config of the real user, and the
// demo server's client secret in the environment.
func cliEnv(t *testing.T, d *authtest.Demo) (tokenFile string, args []string) {
	t.Helper()
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, ".config"))
	for _, k := range []string{auth.EnvRefreshToken, auth.EnvAccessToken, auth.EnvRefreshTokenOut, "UPEXPORT_TOKEN_FILE", "BROWSER"} {
		t.Setenv(k, "")
	}
	t.Setenv(envClientSecret, d.Login.ClientSecret)
	tokenFile = filepath.Join(home, "token.json")
	p := d.Login
	return tokenFile, []string{
		"--api-url", d.APIURL, "--auth-url", p.AuthURL, "--token-url", p.TokenURL, "--device-url", p.DeviceURL,
		"--revoke-url", p.RevokeURL, "--issuer", p.Issuer, "--client-id", p.ClientID, "--token-file", tokenFile,
	}
}

type cliResult struct {
	code           int
	stdout, stderr string
}

func runAuthCLI(t *testing.T, stdin io.Reader, stderr io.Writer, args ...string) cliResult {
	t.Helper()
	if stdin == nil {
		stdin = strings.NewReader("")
	}
	var out, errb bytes.Buffer
	var ew io.Writer = &errb
	if stderr != nil {
		ew = io.MultiWriter(&errb, stderr)
	}
	code := run(t.Context(), append([]string{"upexport"}, args...), stdin, &out, ew)
	return cliResult{code, out.String(), errb.String()}
}

// TestLoginStatusLogout: the whole lifecycle through the CLI with a real
// $BROWSER program and the consent page, over loopback HTTP.
func TestLoginStatusLogout(t *testing.T) {
	d := authtest.NewDemo(t, upserver.Config{})
	tokenFile, args := cliEnv(t, d)
	browserEnv(t, "approve")

	r := runAuthCLI(t, nil, nil, append([]string{"login"}, args...)...)
	if r.code != 0 || !strings.Contains(r.stderr, "logged in as") || !strings.Contains(r.stderr, "token saved to "+tokenFile) {
		t.Fatalf("login: %+v", r)
	}
	st, err := os.Stat(tokenFile)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("token file: %v %v", st, err)
	}
	tok, err := auth.NewFileStore(tokenFile).Load(t.Context())
	if err != nil {
		t.Fatal(err)
	}

	s := runAuthCLI(t, nil, nil, append([]string{"status"}, args...)...)
	for _, want := range []string{"(user ", "scopes:", "expires:", tokenFile} {
		if s.code != 0 || !strings.Contains(s.stdout, want) {
			t.Fatalf("status lacks %q: %+v", want, s)
		}
	}

	l := runAuthCLI(t, nil, nil, append([]string{"logout"}, args...)...)
	if l.code != 0 || !strings.Contains(l.stderr, "revoked") || d.RevokeHits.Load() == 0 {
		t.Fatalf("logout: %+v (revocations %d)", l, d.RevokeHits.Load())
	}
	if _, err := os.Stat(tokenFile); !os.IsNotExist(err) {
		t.Errorf("token file still there: %v", err)
	}
	// The grant is dead at the server too.
	sess, _ := auth.NewSession(t.Context(), d.Login, auth.NewMemoryStore(tok), auth.ForAPI(d.APIURL))
	if _, err := sess.Client().Get(d.APIURL + "/users/@me"); err == nil {
		t.Error("the revoked token still works")
	}

	again := runAuthCLI(t, nil, nil, append([]string{"status"}, args...)...)
	if again.code != exitLoginNeeded || !strings.Contains(again.stderr, auth.EnvRefreshToken) {
		t.Errorf("status after logout: %+v", again)
	}
	all := r.stdout + r.stderr + s.stdout + s.stderr + l.stdout + l.stderr + again.stderr
	for _, secret := range []string{tok.AccessToken, tok.RefreshToken, d.Login.ClientSecret} {
		if strings.Contains(all, secret) {
			t.Errorf("output leaks a secret:\n%s", all)
		}
	}
}

func TestLoginDeniedCLI(t *testing.T) {
	d := authtest.NewDemo(t, upserver.Config{})
	_, args := cliEnv(t, d)
	browserEnv(t, "deny")
	r := runAuthCLI(t, nil, nil, append([]string{"login"}, args...)...)
	if r.code != exitFailure || !strings.Contains(r.stderr, "the server refused the login: access_denied") {
		t.Fatalf("%+v", r)
	}
}

// promptWatcher plays the user at an SSH session: when the login URL is
// printed it approves in a browser that cannot reach this machine and
// pastes the address the browser ended on.
type promptWatcher struct {
	t    *testing.T
	once sync.Once
	buf  bytes.Buffer
	mu   sync.Mutex
	w    io.Writer
}

func (p *promptWatcher) Write(b []byte) (int, error) {
	p.mu.Lock()
	p.buf.Write(b)
	text := p.buf.String()
	p.mu.Unlock()
	i := strings.Index(text, "  http")
	if i < 0 {
		return len(b), nil
	}
	u := strings.Fields(text[i:])[0]
	p.once.Do(func() {
		go func() {
			var final string
			hc := &http.Client{CheckRedirect: func(r *http.Request, _ []*http.Request) error {
				if r.URL.Path == "/callback" {
					final = r.URL.String()
					return http.ErrUseLastResponse
				}
				return nil
			}}
			if err := authtest.BrowseWith(context.Background(), hc, u, "approve"); err != nil {
				p.t.Error(err)
			}
			io.WriteString(p.w, final+"\n")
		}()
	})
	return len(b), nil
}

func TestLoginNoBrowserPaste(t *testing.T) {
	d := authtest.NewDemo(t, upserver.Config{})
	tokenFile, args := cliEnv(t, d)
	t.Setenv("BROWSER", "false") // must not be used
	pr, pw := io.Pipe()
	defer pw.Close()
	r := runAuthCLI(t, pr, &promptWatcher{t: t, w: pw}, append([]string{"login", "--no-browser"}, args...)...)
	if r.code != 0 {
		t.Fatalf("%+v", r)
	}
	if _, err := os.Stat(tokenFile); err != nil {
		t.Fatal(err)
	}
}

// TestCIRefreshToken: UPEXPORT_REFRESH_TOKEN works with no token file and
// no prompt; the rotated token lands in UPEXPORT_REFRESH_TOKEN_OUT.
func TestCIRefreshToken(t *testing.T) {
	d := authtest.NewDemo(t, upserver.Config{})
	tokenFile, args := cliEnv(t, d)
	_, rt, _ := d.IssueToken(0, nil)
	out := filepath.Join(t.TempDir(), "new-refresh-token")
	t.Setenv(auth.EnvRefreshToken, rt)
	t.Setenv(auth.EnvRefreshTokenOut, out)
	r := runAuthCLI(t, nil, nil, append([]string{"status"}, args...)...)
	if r.code != 0 || !strings.Contains(r.stderr, "written to "+out) || !strings.Contains(r.stdout, "$"+auth.EnvRefreshToken) {
		t.Fatalf("%+v", r)
	}
	// Issue 13 item 17: the refresh notice names where the token went.
	if want := "saved to " + out + " ($" + auth.EnvRefreshTokenOut + ")"; !strings.Contains(r.stderr, want) {
		t.Errorf("no %q in %q", want, r.stderr)
	}
	newRT, err := os.ReadFile(out)
	if err != nil || len(bytes.TrimSpace(newRT)) == 0 || strings.Contains(r.stdout+r.stderr, strings.TrimSpace(string(newRT))) || strings.Contains(r.stdout+r.stderr, rt) {
		t.Fatalf("out file %q, %v; output:\n%+v", newRT, err, r)
	}
	if _, err := os.Stat(tokenFile); !os.IsNotExist(err) {
		t.Error("a token file was written in CI mode")
	}
}

func TestCLIErrors(t *testing.T) {
	d := authtest.NewDemo(t, upserver.Config{})
	tokenFile, args := cliEnv(t, d)
	tests := []struct {
		name     string
		setup    func()
		args     []string
		wantCode int
		want     string
	}{
		{name: "not logged in, no terminal", args: []string{"status"}, wantCode: exitLoginNeeded, want: auth.EnvRefreshToken},
		{name: "token file readable by others", setup: func() {
			auth.NewFileStore(tokenFile).Save(t.Context(), issuedToken(t, d))
			os.Chmod(tokenFile, 0o644)
		}, args: []string{"status"}, wantCode: exitFailure, want: "chmod 600 " + tokenFile},
		{name: "bad auth style", args: []string{"status", "--auth-style", "magic"}, wantCode: exitUsage, want: "auth-style"},
		{name: "secret on the command line", setup: func() {
			os.Remove(tokenFile)
			auth.NewFileStore(tokenFile).Save(t.Context(), issuedToken(t, d))
		}, args: []string{"status", "--client-secret", d.Login.ClientSecret}, wantCode: 0, want: "visible to other users"},
		{name: "device login needs a device URL", args: []string{"login", "--device", "--device-url", ""}, wantCode: exitFailure, want: "no device authorization endpoint"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.setup != nil {
				tt.setup()
			}
			t.Setenv(envClientSecret, "")
			if tt.name != "secret on the command line" {
				t.Setenv(envClientSecret, d.Login.ClientSecret)
			}
			start := time.Now()
			// Flags given later win: the test's own go after the defaults.
			all := append(append([]string{tt.args[0]}, args...), tt.args[1:]...)
			r := runAuthCLI(t, nil, nil, all...)
			if r.code != tt.wantCode || !strings.Contains(r.stderr, tt.want) {
				t.Fatalf("%+v, want exit %d and %q", r, tt.wantCode, tt.want)
			}
			if time.Since(start) > 5*time.Second {
				t.Error("did not fail at once")
			}
		})
	}
}

func issuedToken(t *testing.T, d *authtest.Demo) *oauth2.Token {
	at, rt, err := d.IssueToken(0, nil)
	if err != nil {
		t.Fatal(err)
	}
	return &oauth2.Token{AccessToken: at, RefreshToken: rt, TokenType: "Bearer", Expiry: time.Now().Add(time.Hour)}
}
