package withings_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"testing"
	"time"

	"github.com/upexport/upexport/engine"
	"github.com/upexport/upexport/export"
	"github.com/upexport/upexport/fetch"
	"github.com/upexport/upexport/fetch/auth"
	"github.com/upexport/upexport/provider"
	"github.com/upexport/upexport/providers/withings"
)

// demoExport serves the Withings demo (wrapped by wrap, when set), logs in
// through its browser flow and exports every resource into a new
// directory, which it returns.
func demoExport(t *testing.T, opts provider.DemoOptions, format export.Format, wrap func(api string, next http.Handler) http.Handler) string {
	dir, _ := demoExportRefreshes(t, opts, format, wrap)
	return dir
}

// demoExportRefreshes is demoExport, also counting the token refreshes.
func demoExportRefreshes(t *testing.T, opts provider.DemoOptions, format export.Format, wrap func(api string, next http.Handler) http.Handler) (string, int) {
	t.Helper()
	p := withings.New()
	opts.AutoApprove = true
	if opts.Seed == 0 {
		opts.Seed = 7
	}
	if opts.Days == 0 {
		opts.Days = 60 // a year: the emulator counts whole years
	}
	demo, err := p.NewDemo(opts)
	if err != nil {
		t.Fatal(err)
	}
	var h http.Handler = demo
	var hs *httptest.Server
	hs = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
	t.Cleanup(hs.Close)
	info := demo.Info(hs.URL)
	if wrap != nil {
		u, _ := url.Parse(info.APIURL)
		h = wrap(u.Path, demo)
	}
	server := p.OAuth.WithHooks(auth.Server{
		AuthURL: info.AuthURL, TokenURL: info.TokenURL,
		ClientID: info.ClientID, ClientSecret: info.ClientSecret, AuthStyle: p.OAuth.AuthStyle, Scopes: p.OAuth.Scopes,
	})
	ctx := context.Background()
	tok, err := auth.LoginLoopback(ctx, server, auth.LoopbackOptions{
		OpenURL: auth.HTTPOpener(hs.Client()), Timeout: 30 * time.Second, HTTPClient: hs.Client(),
	})
	if err != nil {
		t.Fatalf("login: %v", err)
	}
	sess, err := auth.NewSession(ctx, server, auth.NewMemoryStore(tok), auth.ForAPI(info.APIURL), auth.WithHTTPClient(hs.Client()))
	if err != nil {
		t.Fatal(err)
	}
	client, err := fetch.NewClient(fetch.Options{HTTPClient: sess.Client(), APIURL: info.APIURL,
		Envelope: p.API.Envelope, Concurrency: 4, Retries: 20, MaxWait: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	resources, err := p.Select(nil, false)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "export")
	if _, err := engine.Run(ctx, engine.Config{Provider: p, Resources: resources, Client: client, Out: dir,
		APIURL: "test:withings", Source: "demo", Export: export.Options{Format: format}}); err != nil {
		t.Fatal(err)
	}
	return dir, sess.Refreshes()
}

func providerOptions() provider.DemoOptions { return provider.DemoOptions{Days: 365} }
