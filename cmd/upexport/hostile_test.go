package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/upexport/upexport/fetch/auth"
	"github.com/upexport/upexport/fetch/safehttp/safehttptest"
	"github.com/upexport/upexport/internal/authtest"
	"github.com/upexport/upexport/providers/jawbone/upserver"
)

// tokenEnvOnly isolates a CLI test that authenticates with the token
// variables alone: no token file, no client id or secret.
func tokenEnvOnly(t *testing.T) {
	t.Helper()
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, ".config"))
	for _, k := range []string{auth.EnvRefreshToken, auth.EnvAccessToken, auth.EnvRefreshTokenOut, "UPEXPORT_TOKEN_FILE",
		"UPEXPORT_CLIENT_ID", envClientSecret, "UPEXPORT_API_URL", "UPEXPORT_TOKEN_URL", "BROWSER"} {
		t.Setenv(k, "") // restored after the test
		os.Unsetenv(k)
	}
}

// Issue 13 item 12: an unknown command is bad usage, not "login needed".
func TestUnknownCommandIsUsage(t *testing.T) {
	for _, args := range [][]string{{"exprot"}, {"help", "exprot"}} {
		code, _, stderr := runCLI(t, args...)
		if code != exitUsage || !strings.Contains(stderr, "exprot") {
			t.Errorf("%v: exit %d, %s", args, code, stderr)
		}
	}
	if code, _, stderr := runCLI(t, "exprot"); !strings.Contains(stderr, "export") {
		t.Errorf("no suggestion (exit %d): %s", code, stderr)
	}
}

// Issue 13 item 12: more bad usage that exits 2.
func TestMoreUsageErrors(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "a-file")
	os.WriteFile(file, []byte("x"), 0o644)
	noArchive := filepath.Join(dir, "not-an-export")
	os.Mkdir(noArchive, 0o755)
	out := filepath.Join(dir, "out")
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"export", "--demo", "--demo-days", "2", "--out", file}, "is a file"},
		{[]string{"export", "--from-raw", noArchive, "--out", out}, "holds no archive"},
		{[]string{"export", "--from-raw", filepath.Join(dir, "missing"), "--out", out}, "holds no archive"},
		{[]string{"export", "--demo", "--demo-days", "2", "--endpoints", ",,,", "--out", out}, "names no endpoint"},
		{[]string{"export", "--demo", "--response-timeout", "0s", "--out", out}, "invalid --response-timeout"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, _, stderr := runCLI(t, tt.args...)
			if code != exitUsage || !strings.Contains(stderr, tt.want) {
				t.Fatalf("exit %d, stderr %q; want exit 2 and %q", code, stderr, tt.want)
			}
		})
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a usage error exported anyway: %v", err)
	}
}

// Issue 13 item 10: $UPEXPORT_ACCESS_TOKEN alone needs no client id.
func TestAccessTokenAloneNeedsNoClientID(t *testing.T) {
	d := authtest.NewDemo(t, upserver.Config{Days: 3})
	tokenEnvOnly(t)
	at, _, err := d.IssueToken(0, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv(auth.EnvAccessToken, at)
	api := []string{"--api-url", d.APIURL, "--token-url", d.Login.TokenURL}
	r := runAuthCLI(t, nil, nil, append([]string{"status"}, api...)...)
	if r.code != 0 || !strings.Contains(r.stdout, "$"+auth.EnvAccessToken) {
		t.Fatalf("status: %+v", r)
	}
	out := filepath.Join(t.TempDir(), "up")
	r = runAuthCLI(t, nil, nil, append([]string{"export", "--endpoints", "user,moves", "--out", out}, api...)...)
	if r.code != 0 || strings.Contains(r.stdout+r.stderr, at) {
		t.Fatalf("export: %+v", r)
	}
}

// Issue 13 item 11: a dead credential is not retried and exits 3, naming
// the variables that give a new one.
func TestDeadCredentialExits3(t *testing.T) {
	d := authtest.NewDemo(t, upserver.Config{Days: 3})
	tests := []struct {
		name, env, value string
	}{
		{"rejected refresh token", auth.EnvRefreshToken, "not-a-refresh-token"},
		{"401 with an access token alone", auth.EnvAccessToken, "not-an-access-token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tokenEnvOnly(t)
			t.Setenv(tt.env, tt.value)
			t.Setenv(envClientSecret, d.Login.ClientSecret)
			before := d.Grants("refresh_token")
			p := d.Login
			start := time.Now()
			r := runAuthCLI(t, nil, nil, "export", "--out", filepath.Join(t.TempDir(), "up"), "--endpoints", "user",
				"--api-url", d.APIURL, "--token-url", p.TokenURL, "--client-id", p.ClientID, "--auth-style", "params")
			if r.code != exitLoginNeeded || !strings.Contains(r.stderr, auth.EnvRefreshToken) || !strings.Contains(r.stderr, auth.EnvAccessToken) {
				t.Fatalf("%+v, want exit 3 naming the variables", r)
			}
			if strings.Contains(r.stderr, "retry") {
				t.Errorf("the dead credential was retried:\n%s", r.stderr)
			}
			if n := d.Grants("refresh_token") - before; tt.env == auth.EnvRefreshToken && n != 1 {
				t.Errorf("%d refresh requests, want 1", n)
			}
			if time.Since(start) > 5*time.Second {
				t.Error("did not fail at once")
			}
		})
	}
}

// stalled is a server that accepts connections and then, per stall,
// never answers or sends headers and stops.
func stalled(t *testing.T, sendHeaders bool) string {
	addr := safehttptest.StallServer(t, func(c net.Conn) {
		buf := make([]byte, 8192)
		c.Read(buf)
		if sendHeaders {
			io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"meta\":{")
		}
	})
	return "http://" + addr + "/nudge/api/v.1.1"
}

// Issue 13 item 4: a stalled server fails the run, retriably and naming
// the URL and the timeout, instead of hanging it.
func TestStalledServerTimesOut(t *testing.T) {
	for _, tt := range []struct {
		name        string
		sendHeaders bool
		want        string
	}{
		{"never answers", false, "no response headers within 200ms (response timeout)"},
		{"stalls in the body", true, "no data for 200ms (idle timeout)"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tokenEnvOnly(t)
			t.Setenv(auth.EnvAccessToken, "some-access-token")
			api := stalled(t, tt.sendHeaders)
			start := time.Now()
			r := runAuthCLI(t, nil, nil, "export", "--out", filepath.Join(t.TempDir(), "up"), "--endpoints", "user",
				"--api-url", api, "--retries", "1", "--response-timeout", "200ms", "--idle-timeout", "200ms")
			if r.code != exitFailure || !strings.Contains(r.stderr, tt.want) || !strings.Contains(r.stderr, api+"/users/@me") ||
				!strings.Contains(r.stderr, "user page 1") {
				t.Fatalf("%+v", r)
			}
			if strings.Count(r.stderr, "msg=retry") != 1 {
				t.Errorf("the timeout was not retried once:\n%s", r.stderr)
			}
			if el := time.Since(start); el > 10*time.Second {
				t.Errorf("took %v", el)
			}
		})
	}
}

// Issue 13 item 3: a password in --api-url is never printed.
func TestAPIURLPasswordNeverPrinted(t *testing.T) {
	tokenEnvOnly(t)
	t.Setenv(auth.EnvAccessToken, "some-access-token")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "broken", http.StatusInternalServerError)
	}))
	defer srv.Close()
	u, _ := url.Parse(srv.URL + "/nudge/api/v.1.1")
	u.User = url.UserPassword("me", "pw-secret")
	out := filepath.Join(t.TempDir(), "up")
	for _, args := range [][]string{
		// A client id, so that this does not depend on item 10.
		{"export", "-v", "--retries", "1", "--out", out, "--api-url", u.String(), "--client-id", "x"},
		{"status", "--api-url", u.String(), "--client-id", "x"},
		{"export", "--out", out, "--api-url", "http://me:pw-secret@[::1/api"},
		{"export", "--out", out, "--api-url", "ftp://me:pw-secret@host/api"},
		{"login", "--token-url", "http://me:pw-secret@[::1/token", "--client-id", "x"},
	} {
		r := runAuthCLI(t, nil, nil, args...)
		if r.code == 0 || strings.Contains(r.stdout+r.stderr, "pw-secret") {
			t.Errorf("%v: %+v", args, r)
		}
	}
}

// Issue 13 item 17: -v logs every request (method, URL, status, duration)
// and each retry once; never the token.
func TestVerboseLogsRequests(t *testing.T) {
	tokenEnvOnly(t)
	s, err := upserver.New(upserver.Config{Days: 3})
	if err != nil {
		t.Fatal(err)
	}
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		s.ServeHTTP(w, r)
	}))
	defer srv.Close()
	at, _, err := s.IssueToken(0, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv(auth.EnvAccessToken, at)
	api := s.Info(srv.URL).APIURL
	r := runAuthCLI(t, nil, nil, "export", "-v", "--endpoints", "user", "--out", filepath.Join(t.TempDir(), "up"), "--api-url", api,
		"--client-id", "x")
	if r.code != 0 {
		t.Fatalf("%+v", r)
	}
	for _, want := range []string{
		fmt.Sprintf("msg=request method=GET url=%s/users/@me status=503 duration=", api),
		fmt.Sprintf("msg=request method=GET url=%s/users/@me status=200 duration=", api),
	} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("no %q in\n%s", want, r.stderr)
		}
	}
	if c := strings.Count(r.stderr, "msg=retry"); c != 1 {
		t.Errorf("%d retry lines, want 1:\n%s", c, r.stderr)
	}
	if strings.Contains(r.stderr, at) {
		t.Error("the token was logged")
	}
}

// Issue 13 item 1: an API that redirects to another origin gets no token
// from the export, which fails at once naming both URLs.
func TestExportRefusesRedirectToAnotherOrigin(t *testing.T) {
	tokenEnvOnly(t)
	t.Setenv(auth.EnvAccessToken, "the-access-token")
	var stolen atomic.Int64
	thief := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		stolen.Add(1)
	}))
	defer thief.Close()
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, thief.URL+"/steal", http.StatusFound)
	}))
	defer api.Close()
	r := runAuthCLI(t, nil, nil, "export", "--out", filepath.Join(t.TempDir(), "up"), "--endpoints", "user",
		"--api-url", api.URL+"/nudge/api/v.1.1", "--client-id", "x")
	if stolen.Load() != 0 {
		t.Fatalf("the other origin got %d requests", stolen.Load())
	}
	if r.code != exitFailure || !strings.Contains(r.stderr, "refused the redirect from "+api.URL+"/nudge/api/v.1.1/users/@me to "+thief.URL+"/steal") ||
		strings.Contains(r.stderr, "retry") {
		t.Fatalf("%+v", r)
	}
}
