package fetch

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/upexport/upexport/fetch/auth"
)

// thief is a server on another origin that records every Authorization
// header it is sent.
type thief struct {
	*httptest.Server
	hits  atomic.Int64
	auths atomic.Value // string
}

func newThief(t *testing.T) *thief {
	th := &thief{}
	th.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		th.hits.Add(1)
		if a := r.Header.Get("Authorization"); a != "" {
			th.auths.Store(a)
		}
		fmt.Fprint(w, page(`{"xid":"stolen"}`, ""))
	}))
	t.Cleanup(th.Close)
	return th
}

// sessionClient is a Client whose requests carry a bearer token the way
// upexport's are: through an auth.Session.
func sessionClient(t *testing.T, apiURL string, retries int) *Client {
	t.Helper()
	p := auth.Server{TokenURL: apiURL + "/token", ClientID: "app"}
	sess, err := auth.NewSession(t.Context(), p, auth.NewMemoryStore(&oauth2.Token{AccessToken: "the-access-token", TokenType: "Bearer"}),
		auth.ForAPI(apiURL))
	if err != nil {
		t.Fatal(err)
	}
	c, err := NewClient(Options{Envelope: upEnvelope, HTTPClient: sess.Client(), APIURL: apiURL, Retries: retries, MaxWait: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Issue 13 item 1: a redirect must not take the token to another origin.
func TestRedirectToAnotherOriginKeepsTheToken(t *testing.T) {
	for _, status := range []int{http.StatusFound, http.StatusTemporaryRedirect, http.StatusPermanentRedirect} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			th := newThief(t)
			var apiHits atomic.Int64
			api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				apiHits.Add(1)
				http.Redirect(w, r, th.URL+"/steal?x=1", status)
			}))
			defer api.Close()
			c := sessionClient(t, api.URL+"/nudge/api/v.1.1", 3)
			_, err := collect(c)
			if th.hits.Load() != 0 || th.auths.Load() != nil {
				t.Fatalf("the other origin got %d requests, Authorization %v", th.hits.Load(), th.auths.Load())
			}
			if err == nil {
				t.Fatal("no error")
			}
			for _, want := range []string{"refused the redirect", api.URL + "/nudge/api/v.1.1/users/@me/moves", th.URL + "/steal?x=1", "moves page 1"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q lacks %q", err, want)
				}
			}
			if apiHits.Load() != 1 {
				t.Errorf("%d requests to the API: a refused redirect was retried", apiHits.Load())
			}
		})
	}
}

// A redirect within the API's origin is followed, with the token.
func TestRedirectWithinTheOriginIsFollowed(t *testing.T) {
	var auths atomic.Int64
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") == "Bearer the-access-token" {
			auths.Add(1)
		}
		if strings.HasSuffix(r.URL.Path, "/moves") {
			http.Redirect(w, r, "/nudge/api/v.1.1/moved", http.StatusTemporaryRedirect)
			return
		}
		fmt.Fprint(w, page(`{"xid":"a"}`, ""))
	}))
	defer api.Close()
	got, err := collect(sessionClient(t, api.URL+"/nudge/api/v.1.1", 0))
	if err != nil || len(got) != 1 || auths.Load() != 2 {
		t.Fatalf("items %v, err %v, authorized requests %d", got, err, auths.Load())
	}
}

// Issue 13 item 3: a password in the API URL never shows in an error.
func TestAPIURLPasswordIsNotPrinted(t *testing.T) {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "down", http.StatusBadGateway)
	}))
	defer api.Close()
	u, _ := url.Parse(api.URL)
	u.User = url.UserPassword("me", "pw-secret")
	c, err := NewClient(Options{Envelope: upEnvelope, HTTPClient: api.Client(), APIURL: u.String() + "/nudge/api/v.1.1", Retries: -1})
	if err != nil {
		t.Fatal(err)
	}
	var pageURL string
	_, err = collect(c)
	_ = upPages(c, t.Context(), "moves", "users/@me/moves", nil, func(p Page) error { pageURL = p.URL; return nil })
	if err == nil || strings.Contains(err.Error()+pageURL, "pw-secret") || !strings.Contains(err.Error(), "me:xxxxx@") {
		t.Fatalf("error %q", err)
	}
	// A user name alone may be a token; net/http's own url.Error shows it.
	refused, err := NewClient(Options{Envelope: upEnvelope, HTTPClient: api.Client(), APIURL: "http://tok-secret@127.0.0.1:1/api", Retries: -1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := collect(refused); err == nil || strings.Contains(err.Error(), "tok-secret") {
		t.Errorf("error %q", err)
	}
	for _, bad := range []string{"http://me:pw-secret@[::1", "ftp://me:pw-secret@host/x", "http://me:pw-secret@"} {
		_, err := NewClient(Options{Envelope: upEnvelope, HTTPClient: api.Client(), APIURL: bad})
		if err == nil || strings.Contains(err.Error(), "pw-secret") {
			t.Errorf("NewClient(%q): %v", bad, err)
		}
	}
}

// Issue 13 item 11: a 401 with no refresh token left is final.
func TestLoginRequiredIsNotRetried(t *testing.T) {
	var hits atomic.Int64
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		http.Error(w, `{"meta":{"code":401,"message":"Unauthorized"}}`, http.StatusUnauthorized)
	}))
	defer api.Close()
	_, err := collect(sessionClient(t, api.URL+"/nudge/api/v.1.1", 3))
	if err == nil || !strings.Contains(err.Error(), "login required") || hits.Load() != 1 {
		t.Fatalf("%d requests, err %v", hits.Load(), err)
	}
}

// Issue 13 item 17: --verbose logs every request once, without the
// password, and a retry once.
func TestRequestsAreLogged(t *testing.T) {
	var n atomic.Int64
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprint(w, page(`{"xid":"a"}`, ""))
	}))
	defer api.Close()
	u, _ := url.Parse(api.URL)
	u.User = url.UserPassword("me", "pw-secret")
	var log strings.Builder
	c, err := NewClient(Options{Envelope: upEnvelope, HTTPClient: api.Client(), APIURL: u.String() + "/nudge/api/v.1.1", MaxWait: time.Millisecond,
		Retries: DefaultRetries, Logger: newTextLogger(&log)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := collect(c); err != nil {
		t.Fatal(err)
	}
	out := log.String()
	if strings.Count(out, "msg=request method=GET url=http://me:xxxxx@") != 2 || !strings.Contains(out, "status=503") ||
		!strings.Contains(out, "status=200") || !strings.Contains(out, "duration=") || strings.Contains(out, "pw-secret") {
		t.Errorf("log:\n%s", out)
	}
	if strings.Count(out, "msg=retry") != 1 {
		t.Errorf("want one retry line:\n%s", out)
	}
}

func TestRetryAfterOverflow(t *testing.T) {
	now := time.Now()
	for _, v := range []string{"9223372037", "99999999999999999999999"} {
		d, ok := retryAfter(v, now)
		if !ok || d <= 0 {
			t.Errorf("retryAfter(%q) = %v, %v", v, d, ok)
		}
	}
}

func newTextLogger(w *strings.Builder) *slog.Logger {
	return slog.New(slog.NewTextHandler(&lockedWriter{w: w}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type lockedWriter struct {
	mu sync.Mutex
	w  *strings.Builder
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
