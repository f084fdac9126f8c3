package authtest

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/upexport/upexport/fetch/auth"
	"github.com/upexport/upexport/providers/jawbone/upserver"
)

// Demo is a demo server on a loopback port, with counters of the OAuth
// requests it received.
type Demo struct {
	*upserver.Server
	URL    string
	APIURL string      // the API the tokens are for
	Login  auth.Server // a confidential client with every URL set

	TokenHits  atomic.Int64 // requests to the token endpoint
	RevokeHits atomic.Int64
	// TokenDelay slows every token request, to widen refresh races.
	TokenDelay time.Duration

	mu        sync.Mutex
	grantType map[string]int
}

// NewDemo starts a demo server for the test.
func NewDemo(t testing.TB, cfg upserver.Config) *Demo {
	t.Helper()
	s, err := upserver.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	d := &Demo{Server: s, grantType: map[string]int{}}
	ts := httptest.NewServer(http.HandlerFunc(d.serve))
	t.Cleanup(ts.Close)
	d.URL = ts.URL
	info := s.Info(ts.URL)
	d.APIURL = info.APIURL
	d.Login = auth.Server{
		AuthURL: info.AuthURL, TokenURL: info.TokenURL,
		DeviceURL: info.DeviceURL, RevokeURL: info.RevokeURL, Issuer: info.BaseURL,
		ClientID: info.ClientID, ClientSecret: info.ClientSecret,
		Scopes: []string{"basic_read", "move_read"},
	}
	return d
}

func (d *Demo) serve(w http.ResponseWriter, r *http.Request) {
	switch {
	case strings.HasSuffix(r.URL.Path, upserver.TokenPath):
		d.TokenHits.Add(1)
		// Read the form without consuming it: the server parses it again.
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		form, _ := url.ParseQuery(string(body))
		gt := form.Get("grant_type")
		if gt == "" {
			gt = r.URL.Query().Get("grant_type")
		}
		d.mu.Lock()
		d.grantType[gt]++
		d.mu.Unlock()
		if d.TokenDelay > 0 {
			time.Sleep(d.TokenDelay)
		}
	case strings.HasSuffix(r.URL.Path, upserver.RevokePath):
		d.RevokeHits.Add(1)
	}
	d.Server.ServeHTTP(w, r)
}

// Grants is how many token requests had the given grant_type.
func (d *Demo) Grants(grantType string) int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.grantType[grantType]
}
