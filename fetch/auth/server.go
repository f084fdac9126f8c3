// Package auth logs a person in to an OAuth 2.0 server and keeps their
// token alive: loopback (RFC 8252) and device (RFC 8628)
// login, a token store that survives concurrent processes, an HTTP client
// that refreshes on expiry and on 401, and RFC 7009 revocation.
//
// Nothing here depends on one server's quirks: every URL, the client
// credentials and the client authentication style come from a Server.
package auth

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/upexport/upexport/fetch/safehttp"
)

// Server holds everything that differs between OAuth servers: the
// endpoints, the client and how it authenticates, and a provider's
// departures from the RFCs. The API the tokens are for is the session's
// (ForAPI), not the server's.
type Server struct {
	AuthURL   string // authorization endpoint
	TokenURL  string // token endpoint
	DeviceURL string // RFC 8628 device authorization endpoint; empty when unsupported
	RevokeURL string // RFC 7009 revocation endpoint; empty when unsupported
	// Issuer is compared with RFC 9207's "iss" parameter of the authorization
	// response when the server sends one. Empty disables the check.
	Issuer string

	ClientID     string
	ClientSecret string // empty for a public client, which relies on PKCE alone
	Scopes       []string
	// AuthStyle is how the client authenticates at the token endpoint:
	// oauth2.AuthStyleAutoDetect (default), AuthStyleInParams or AuthStyleInHeader.
	AuthStyle oauth2.AuthStyle
	// ScopeSeparator joins the scopes of the authorization request; a
	// space (RFC 6749) when empty. Some servers want a comma.
	ScopeSeparator string
	// AuthParams are added to the authorization request.
	AuthParams url.Values
	// TokenParams are added to every token request (code exchange,
	// refresh, device polling), for servers that want more than RFC 6749
	// names (an action=requesttoken).
	TokenParams url.Values
	// TokenResponse, when set, rewrites the token endpoint's answer
	// (status and body) into an RFC 6749 one, for servers that wrap it in
	// an envelope of their own.
	TokenResponse func(status int, body []byte) (int, []byte, error)
	// Unauthorized, when set, reports whether the body of an HTTP 200
	// answer of the API rejects the access token: an API that reports a
	// bad token in-band (a "status": 401 in the body). The session then
	// refreshes and replays the request once, as for an HTTP 401.
	Unauthorized func(body []byte) bool
}

// Validate reports the first setting that makes the server unusable for
// login and token refresh.
func (p Server) Validate() error {
	if err := p.ValidateURLs(); err != nil {
		return err
	}
	if p.TokenURL == "" {
		return errors.New("no token URL: set --token-url or UPEXPORT_TOKEN_URL")
	}
	if p.ClientID == "" {
		return errors.New("no client id: set --client-id or UPEXPORT_CLIENT_ID to the id of the app you registered with the provider")
	}
	return nil
}

// ValidateURLs reports the first malformed URL: all that API calls with an
// access token alone need checked, as they never talk to the token
// endpoint and so need no client id.
func (p Server) ValidateURLs() error {
	for _, f := range []struct{ name, val string }{
		{"auth-url", p.AuthURL}, {"token-url", p.TokenURL},
		{"device-url", p.DeviceURL}, {"revoke-url", p.RevokeURL},
	} {
		if f.val == "" {
			continue
		}
		u, err := url.Parse(f.val)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return fmt.Errorf("--%s %q is not an http(s) URL", f.name, safehttp.Redact(f.val))
		}
	}
	return nil
}

// Key identifies the token chain of this provider and client; tokens of
// different servers or apps must never be mixed up.
func (p Server) Key() string {
	sum := sha256.Sum256([]byte(p.TokenURL + "\x00" + p.ClientID))
	return hex.EncodeToString(sum[:8])
}

func (p Server) config(redirectURL string) *oauth2.Config {
	scopes := p.Scopes
	if p.ScopeSeparator != "" && len(scopes) > 1 {
		scopes = []string{strings.Join(scopes, p.ScopeSeparator)}
	}
	return &oauth2.Config{
		ClientID:     p.ClientID,
		ClientSecret: p.ClientSecret,
		Endpoint: oauth2.Endpoint{
			AuthURL:       p.AuthURL,
			TokenURL:      p.TokenURL,
			DeviceAuthURL: p.DeviceURL,
			AuthStyle:     p.AuthStyle,
		},
		RedirectURL: redirectURL,
		Scopes:      scopes,
	}
}

// authURLOptions are the extra parameters of the authorization request.
func (p Server) authURLOptions() []oauth2.AuthCodeOption {
	var opts []oauth2.AuthCodeOption
	for k, vs := range p.AuthParams {
		for _, v := range vs {
			opts = append(opts, oauth2.SetAuthURLParam(k, v))
		}
	}
	return opts
}

// withClient puts hc where golang.org/x/oauth2 looks for the client of
// token-endpoint requests (code exchange, refresh, device authorization
// and polling), with p's token hooks around it.
func (p Server) withClient(ctx context.Context, hc *http.Client) context.Context {
	c := tokenClient(hc)
	if len(p.TokenParams) > 0 || p.TokenResponse != nil {
		wrapped := *c
		base := c.Transport
		if base == nil {
			base = http.DefaultTransport
		}
		wrapped.Transport = &tokenHooks{base: base, tokenURL: p.TokenURL, params: p.TokenParams, rewrite: p.TokenResponse}
		c = &wrapped
	}
	return context.WithValue(ctx, oauth2.HTTPClient, c)
}

// tokenTimeout bounds one request to the token endpoint.
const tokenTimeout = 30 * time.Second

// tokenClient is hc, or a client with a 30 s timeout and bounded phases,
// made to refuse redirects to another origin: requests to the token and
// revocation endpoints carry the refresh token and the client secret in
// their bodies, and net/http replays a POST body on a 307 or 308.
func tokenClient(hc *http.Client) *http.Client {
	if hc == nil {
		hc = &http.Client{Timeout: tokenTimeout, Transport: safehttp.NewTransport(safehttp.Timeouts{})}
	}
	return safehttp.WithCheckRedirect(hc)
}

// Scopes returns the scopes granted with tok: the "scope" of the token
// response, or, when the server left it out (RFC 6749 §5.1: then the
// requested scopes were granted), nil.
func Scopes(tok *oauth2.Token) []string {
	if tok == nil {
		return nil
	}
	s, _ := tok.Extra("scope").(string)
	return strings.Fields(s)
}

// User returns the id of the person tok belongs to when the token answer
// named it ("user_id", as Fitbit's does; a provider's TokenResponse hook
// renames another field to it), or "".
func User(tok *oauth2.Token) string {
	if tok == nil {
		return ""
	}
	switch v := tok.Extra("user_id").(type) {
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return ""
}

// withScopes returns tok carrying scopes as its "scope" extra, unless the
// server already said which scopes it granted.
func withScopes(tok *oauth2.Token, scopes []string) *oauth2.Token {
	return withExtras(tok, scopes, "")
}

// withExtras returns tok carrying the scopes and user its answer left out,
// as a refreshed token inherits them from the one it replaces.
func withExtras(tok *oauth2.Token, scopes []string, user string) *oauth2.Token {
	if tok == nil {
		return tok
	}
	has, id := Scopes(tok), User(tok)
	if (len(has) > 0 || len(scopes) == 0) && (id != "" || user == "") {
		return tok
	}
	if len(has) == 0 {
		has = scopes
	}
	if id == "" {
		id = user
	}
	extra := map[string]any{}
	if len(has) > 0 {
		extra["scope"] = strings.Join(has, " ")
	}
	if id != "" {
		extra["user_id"] = id
	}
	return tok.WithExtra(extra)
}
