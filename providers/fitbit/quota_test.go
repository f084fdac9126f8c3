package fitbit_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/upexport/upexport/engine"
	"github.com/upexport/upexport/export"
	"github.com/upexport/upexport/fetch"
	"github.com/upexport/upexport/fetch/auth"
	"github.com/upexport/upexport/provider"
	"github.com/upexport/upexport/providers/fitbit"
)

// demoServer is a Fitbit demo served for a test, counting the API's
// answers by status.
type demoServer struct {
	p        *provider.Provider
	info     provider.DemoInfo
	hs       *httptest.Server
	requests atomic.Int64
	limited  atomic.Int64 // 429 answers
}

func newDemoServer(t *testing.T, opts provider.DemoOptions) *demoServer {
	t.Helper()
	d := &demoServer{p: fitbit.New()}
	opts.AutoApprove = true
	if opts.Seed == 0 {
		opts.Seed = 3
	}
	demo, err := d.p.NewDemo(opts)
	if err != nil {
		t.Fatal(err)
	}
	d.hs = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		demo.ServeHTTP(rec, r)
		if r.Header.Get("Authorization") != "" && r.URL.Path != "/oauth2/token" {
			d.requests.Add(1)
			if rec.status == http.StatusTooManyRequests {
				d.limited.Add(1)
			}
		}
	}))
	t.Cleanup(d.hs.Close)
	d.info = demo.Info(d.hs.URL)
	return d
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

// export logs in through the demo's browser flow and exports every
// resource into out as CSV, stopping at deadline when it is set.
func (d *demoServer) export(t *testing.T, out string, deadline time.Time) (*fetch.Client, error) {
	t.Helper()
	p := d.p
	server := p.OAuth.WithHooks(auth.Server{AuthURL: d.info.AuthURL, TokenURL: d.info.TokenURL,
		ClientID: d.info.ClientID, ClientSecret: d.info.ClientSecret, AuthStyle: p.OAuth.AuthStyle,
		Scopes: p.AllScopes()})
	ctx := context.Background()
	tok, err := auth.LoginLoopback(ctx, server, auth.LoopbackOptions{
		OpenURL: auth.HTTPOpener(d.hs.Client()), Timeout: 30 * time.Second, HTTPClient: d.hs.Client()})
	if err != nil {
		t.Fatalf("login: %v", err)
	}
	sess, err := auth.NewSession(ctx, server, auth.NewMemoryStore(tok), auth.ForAPI(d.info.APIURL), auth.WithHTTPClient(d.hs.Client()))
	if err != nil {
		t.Fatal(err)
	}
	c, err := fetch.NewClient(fetch.Options{HTTPClient: sess.Client(), APIURL: d.info.APIURL, Envelope: p.API.Envelope,
		Header: p.API.Header, Concurrency: 4, Retries: 5, MaxWait: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	resources, err := p.Select(nil, false)
	if err != nil {
		t.Fatal(err)
	}
	_, err = engine.Run(ctx, engine.Config{Provider: p, Resources: resources, Client: c, Out: out,
		APIURL: "test:fitbit", Source: "demo", Deadline: deadline, Export: export.Options{Format: export.CSV}})
	return c, err
}

// TestQuota: a demo export under Fitbit's 150 requests per (compressed)
// hour paces itself by the Fitbit-Rate-Limit-* headers: it needs several
// windows, meets at most the one 429 that tells it the quota, and
// finishes.
func TestQuota(t *testing.T) {
	d := newDemoServer(t, provider.DemoOptions{Days: 60, Quota: provider.Quota{Limit: 150, Window: 2 * time.Second}})
	out := filepath.Join(t.TempDir(), "out")
	c, err := d.export(t, out, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	// The manifest says which units were asked for.
	var m struct {
		RequestHeaders map[string]string `json:"request_headers"`
	}
	if b, err := os.ReadFile(filepath.Join(out, "manifest.json")); err != nil || json.Unmarshal(b, &m) != nil ||
		m.RequestHeaders["Accept-Language"] != fitbit.AcceptLanguage {
		t.Errorf("manifest request_headers = %v (%v), want Accept-Language %s", m.RequestHeaders, err, fitbit.AcceptLanguage)
	}
	n := d.requests.Load()
	t.Logf("%d API requests, %d answered 429", n, d.limited.Load())
	if n <= 150 {
		t.Fatalf("%d requests: the export fits in one window and tests no pacing", n)
	}
	if l := d.limited.Load(); l > 1 || c.Stats.RateLimited.Load() > 1 {
		t.Errorf("%d answers were 429 (the client saw %d): the export did not pace itself", l, c.Stats.RateLimited.Load())
	}
}

// TestDeadlineResumes: an export that its deadline stops while the quota
// holds it back keeps what it fetched; the same export run again
// continues it and ends equal to an export that was not stopped. The stop
// does not depend on the machine's speed: the quota's window outlasts the
// deadline, so the run stops when its 150 requests are spent (or, on a
// machine too slow to spend them, at the deadline, with fewer made). The
// emulator's windows are aligned to the clock, so one may reset early:
// the export is longer than two windows, so some of it is always left.
func TestDeadlineResumes(t *testing.T) {
	const days = 90
	clean := filepath.Join(t.TempDir(), "clean")
	full := newDemoServer(t, provider.DemoOptions{Days: days, Quota: provider.Quota{Limit: 100_000, Window: time.Hour}})
	if _, err := full.export(t, clean, time.Time{}); err != nil {
		t.Fatal(err)
	}
	total := full.requests.Load()
	if total <= 300 {
		t.Fatalf("%d requests: two windows of the quota hold the whole export", total)
	}

	d := newDemoServer(t, provider.DemoOptions{Days: days, Quota: provider.Quota{Limit: 150, Window: 12 * time.Second}})
	out := filepath.Join(t.TempDir(), "out")
	_, err := d.export(t, out, time.Now().Add(6*time.Second))
	var ie *engine.IncompleteError
	first := d.requests.Load()
	if !errors.As(err, &ie) || ie.Done >= ie.Total {
		t.Fatalf("err %v after %d of %d requests, want an IncompleteError with resources left", err, first, total)
	}
	if _, err := d.export(t, out, time.Time{}); err != nil { // waits for the window's reset
		t.Fatal(err)
	}
	second := d.requests.Load() - first
	t.Logf("stopped after %d requests, resumed with %d; an uninterrupted export took %d", first, second, total)
	if first < 20 || second >= total-first/2 {
		t.Errorf("stopped after %d requests, the resumed export asked %d of %d: it did not continue", first, second, total)
	}
	want, err := filepath.Glob(filepath.Join(clean, "*.csv"))
	if err != nil || len(want) < 30 {
		t.Fatalf("clean export: %d CSV tables (%v)", len(want), err)
	}
	for _, f := range want {
		a, _ := os.ReadFile(f)
		b, err := os.ReadFile(filepath.Join(out, filepath.Base(f)))
		if err != nil || !bytes.Equal(a, b) {
			t.Errorf("%s differs from the uninterrupted export's (%v)", filepath.Base(f), err)
		}
	}
}
