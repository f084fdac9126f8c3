package main

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"

	"github.com/urfave/cli/v2"
	"golang.org/x/oauth2"
	"golang.org/x/term"

	"github.com/upexport/upexport/fetch/auth"
	"github.com/upexport/upexport/fetch/safehttp"
	"github.com/upexport/upexport/provider"
	"github.com/upexport/upexport/providers/all"
)

// Provider flags, shared by login, logout, status and export.
const (
	flagAPIURL       = "api-url"
	flagAuthURL      = "auth-url"
	flagTokenURL     = "token-url"
	flagDeviceURL    = "device-url"
	flagRevokeURL    = "revoke-url"
	flagIssuer       = "issuer"
	flagClientID     = "client-id"
	flagClientSecret = "client-secret"
	flagScopes       = "scopes"
	flagAuthStyle    = "auth-style"
	flagTokenFile    = "token-file"
	flagProvider     = "provider"

	envClientSecret = "UPEXPORT_CLIENT_SECRET"
)

// providerFlags are --provider and the settings of its OAuth server and
// API. The URLs default to the provider's own; every one can also come
// from UPEXPORT_*.
func providerFlags(reg *provider.Registry) []cli.Flag {
	cat := "Provider (defaults: the provider's own endpoints; see 'upexport providers')"
	str := func(name, env, usage string) *cli.StringFlag {
		return &cli.StringFlag{Name: name, EnvVars: []string{env}, Usage: usage, Category: cat}
	}
	return append([]cli.Flag{
		providerFlag(reg, cat),
		str(flagAPIURL, "UPEXPORT_API_URL", "base URL of the API"),
		str(flagAuthURL, "UPEXPORT_AUTH_URL", "OAuth authorization endpoint"),
		str(flagTokenURL, "UPEXPORT_TOKEN_URL", "OAuth token endpoint"),
		str(flagDeviceURL, "UPEXPORT_DEVICE_URL", "RFC 8628 device authorization endpoint, for login --device"),
		str(flagRevokeURL, "UPEXPORT_REVOKE_URL", "RFC 7009 revocation endpoint, used by logout"),
		str(flagIssuer, "UPEXPORT_ISSUER", "issuer to check RFC 9207 'iss' in the login redirect against"),
		str(flagClientID, "UPEXPORT_CLIENT_ID", "OAuth client id of the app registered with the provider"),
		str(flagClientSecret, envClientSecret, "OAuth client secret; prefer $"+envClientSecret+": other users can see command lines in ps"),
		str(flagScopes, "UPEXPORT_SCOPES", "space- or comma-separated scopes to request (default: the provider's)"),
		&cli.StringFlag{Name: flagAuthStyle, EnvVars: []string{"UPEXPORT_AUTH_STYLE"}, Category: cat,
			Usage: "how the client authenticates at the token endpoint: auto, params (form parameters, as Jawbone did) or header (HTTP Basic); default: the provider's",
			Action: func(_ *cli.Context, v string) error {
				_, err := parseAuthStyle(v)
				return err
			}},
		&cli.PathFlag{Name: flagTokenFile, EnvVars: []string{"UPEXPORT_TOKEN_FILE"}, TakesFile: true, Category: cat,
			Usage: "token file (default: one per provider and client id in the user config directory)"},
	}, networkFlags()...)
}

// providerFlag is --provider, which every command that talks to an API or
// describes one takes.
func providerFlag(reg *provider.Registry, category string) cli.Flag {
	return &cli.StringFlag{Name: flagProvider, EnvVars: []string{"UPEXPORT_PROVIDER"}, Value: all.Default, Category: category,
		Usage: "the API: " + strings.Join(reg.Names(), ", ") + " (see 'upexport providers')",
		Action: func(_ *cli.Context, v string) error {
			if _, err := reg.Lookup(v); err != nil {
				return usageErrorf("--%s: %w", flagProvider, err)
			}
			return nil
		}}
}

// selectedProvider is the provider --provider names.
func selectedProvider(c *cli.Context, reg *provider.Registry) (*provider.Provider, error) {
	name := c.String(flagProvider)
	if name == "" {
		name = all.Default
	}
	p, err := reg.Lookup(name)
	if err != nil {
		return nil, usageErrorf("--%s: %w", flagProvider, err)
	}
	return p, nil
}

func parseAuthStyle(s string) (oauth2.AuthStyle, error) {
	switch strings.ToLower(s) {
	case "":
		return -1, nil // the provider's
	case "auto":
		return oauth2.AuthStyleAutoDetect, nil
	case "params":
		return oauth2.AuthStyleInParams, nil
	case "header":
		return oauth2.AuthStyleInHeader, nil
	}
	return 0, usageErrorf("invalid --%s %q: use auto, params or header", flagAuthStyle, s)
}

// target is what the provider flags name: the provider, its OAuth server
// and the API the tokens are for.
type target struct {
	def    *provider.Provider
	server auth.Server
	apiURL string
}

// targetFromFlags builds the target from the provider --provider names,
// overridden by flags and environment. It warns when the client secret
// was given on the command line. apiOnly checks only what API calls need:
// with $UPEXPORT_ACCESS_TOKEN alone there is nothing to refresh, and no
// client id is needed.
func targetFromFlags(c *cli.Context, reg *provider.Registry, apiOnly bool) (target, error) {
	def, err := selectedProvider(c, reg)
	if err != nil {
		return target{}, err
	}
	style, err := parseAuthStyle(c.String(flagAuthStyle))
	if err != nil {
		return target{}, err
	}
	if style < 0 {
		style = def.OAuth.AuthStyle
	}
	or := func(flag, fallback string) string {
		if v := strings.TrimSpace(c.String(flag)); v != "" {
			return v
		}
		return fallback
	}
	scopes := def.OAuth.Scopes
	if v := c.String(flagScopes); strings.TrimSpace(v) != "" {
		scopes = strings.FieldsFunc(v, func(r rune) bool { return r == ' ' || r == ',' })
	}
	t := target{def: def, apiURL: strings.TrimRight(or(flagAPIURL, def.API.BaseURL), "/")}
	t.server = def.OAuth.WithHooks(auth.Server{
		AuthURL:      or(flagAuthURL, def.OAuth.AuthURL),
		TokenURL:     or(flagTokenURL, def.OAuth.TokenURL),
		DeviceURL:    or(flagDeviceURL, def.OAuth.DeviceURL),
		RevokeURL:    or(flagRevokeURL, def.OAuth.RevokeURL),
		Issuer:       or(flagIssuer, ""),
		ClientID:     or(flagClientID, ""),
		ClientSecret: or(flagClientSecret, ""),
		Scopes:       scopes,
		AuthStyle:    style,
	})
	if t.server.ClientSecret != "" && os.Getenv(envClientSecret) == "" {
		fmt.Fprintf(c.App.ErrWriter, "warning: --%s on the command line is visible to other users of this machine (ps); set $%s instead\n",
			flagClientSecret, envClientSecret)
	}
	if u, err := url.Parse(t.apiURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return target{}, usageErrorf("--%s %q is not an http(s) URL", flagAPIURL, safehttp.Redact(t.apiURL))
	}
	validate := t.server.Validate
	if apiOnly {
		validate = t.server.ValidateURLs
	}
	if err := validate(); err != nil {
		return target{}, usageError{err}
	}
	return t, nil
}

// accessTokenOnly reports whether the token comes from $UPEXPORT_ACCESS_TOKEN
// with no refresh token beside it.
func accessTokenOnly() bool {
	return os.Getenv(auth.EnvAccessToken) != "" && os.Getenv(auth.EnvRefreshToken) == ""
}

// fileStoreFromFlags is the token file: --token-file or the per-provider
// default.
func fileStoreFromFlags(c *cli.Context, t target) (*auth.FileStore, error) {
	if path := c.Path(flagTokenFile); path != "" {
		return auth.NewFileStore(path), nil
	}
	path, err := auth.DefaultTokenPath(t.def.Name, t.server)
	if err != nil {
		return nil, err
	}
	return auth.NewFileStore(path), nil
}

// providerAndFile is the provider and its token file, for the commands
// that manage the stored login (login, logout).
func providerAndFile(c *cli.Context, reg *provider.Registry) (target, *auth.FileStore, error) {
	t, err := targetFromFlags(c, reg, false)
	if err != nil {
		return t, nil, err
	}
	store, err := fileStoreFromFlags(c, t)
	return t, store, err
}

// tokenStoreFromFlags prefers a token from the environment (CI) over the
// token file.
func tokenStoreFromFlags(c *cli.Context, t target) (auth.TokenStore, error) {
	if s, ok := auth.NewEnvStore(os.Getenv, noticef(c)); ok {
		return s, nil
	}
	return fileStoreFromFlags(c, t)
}

// newSession is a session of t's login from store.
func newSession(c *cli.Context, t target, store auth.TokenStore) (*auth.Session, error) {
	return auth.NewSession(c.Context, t.server, store, auth.ForAPI(t.apiURL), auth.WithLogf(noticef(c)), auth.WithHTTPClient(httpClient(c)))
}

// noticef prints notices for the user on stderr.
func noticef(c *cli.Context) func(string, ...any) {
	w := c.App.ErrWriter
	return func(format string, a ...any) { fmt.Fprintf(w, "upexport: "+format+"\n", a...) }
}

// sessionFromFlags turns the provider flags and UPEXPORT_* variables into
// an authenticated session; export and status use it. With no stored token
// it logs in through the browser when there is a terminal to interact on,
// and otherwise fails at once with exit code 3.
func sessionFromFlags(c *cli.Context, reg *provider.Registry) (*auth.Session, error) {
	t, err := targetFromFlags(c, reg, accessTokenOnly())
	if err != nil {
		return nil, err
	}
	p := t.server
	store, err := tokenStoreFromFlags(c, t)
	if err != nil {
		return nil, err
	}
	if env, ok := store.(*auth.EnvStore); ok {
		// Before the refresh token is spent: a rotated one that cannot be
		// written out would be lost.
		if err := env.CheckOut(); err != nil {
			return nil, usageErrorf("%w; nothing was sent to the server, so $%s still works", err, auth.EnvRefreshToken)
		}
	}
	ctx := c.Context
	hc := httpClient(c)
	sess, err := newSession(c, t, store)
	if !errors.Is(err, auth.ErrLoginRequired) {
		return sess, loginNeeded(err)
	}
	if !interactive(c) {
		return nil, loginNeeded(err)
	}
	fmt.Fprintf(c.App.ErrWriter, "Not logged in yet; starting the login.\n")
	// Not loopbackOptions(c, ...): the login flags exist only on login.
	tok, lerr := auth.LoginLoopback(ctx, p, auth.LoopbackOptions{
		OpenURL:    auth.BrowserOpener(os.Getenv),
		Paste:      c.App.Reader,
		Out:        c.App.ErrWriter,
		Logf:       noticef(c),
		HTTPClient: hc,
	})
	if lerr != nil {
		return nil, loginNeeded(lerr)
	}
	if err := store.Save(ctx, tok); err != nil {
		return nil, err
	}
	return newSession(c, t, store)
}

// loginNeededHelp names every way out of exit code 3.
const loginNeededHelp = "run 'upexport login' (or 'upexport login --device' / '--no-browser' over SSH); " +
	"in CI set " + auth.EnvRefreshToken + " (with UPEXPORT_CLIENT_ID and " + envClientSecret + ") or " + auth.EnvAccessToken +
	", and " + auth.EnvRefreshTokenOut + " to receive a rotated refresh token"

// spentTokenHelp is the way back when the refresh token of a CI secret was
// refused: most often an earlier run rotated it and the new one was not
// stored back.
const spentTokenHelp = "The refresh token in $" + auth.EnvRefreshToken + " was refused. The server replaces the refresh token " +
	"at every refresh and the old one stops working, so each run must store the new one (written to $" + auth.EnvRefreshTokenOut +
	") back as the secret; if a run did not, the chain is broken. To recover: run 'upexport login' on your own machine, " +
	"then copy the new refresh token (jq -r .refresh_token <the token file 'upexport status' names>) into the CI secret."

// loginNeededError exits with code 3.
type loginNeededError struct {
	err error
	ci  bool // the server refused the refresh token of $UPEXPORT_REFRESH_TOKEN
}

func (e loginNeededError) Error() string {
	if e.ci {
		return e.err.Error() + "\n" + spentTokenHelp + "\nOther ways to log in: " + loginNeededHelp
	}
	return e.err.Error() + "\n" + loginNeededHelp
}
func (e loginNeededError) Unwrap() error { return e.err }
func (e loginNeededError) ExitCode() int { return exitLoginNeeded }

// loginNeeded maps errors wrapping auth.ErrLoginRequired to exit code 3,
// with the help text; export uses it on errors from API calls too.
func loginNeeded(err error) error {
	if err == nil || !errors.Is(err, auth.ErrLoginRequired) {
		return err
	}
	var already loginNeededError
	if errors.As(err, &already) {
		return err
	}
	var se *auth.ServerError
	refused := errors.As(err, &se) && se.Code == "invalid_grant"
	return loginNeededError{err: err, ci: refused && os.Getenv(auth.EnvRefreshToken) != ""}
}

// interactive reports whether the user can be asked: stdin and stderr are
// terminals.
func interactive(c *cli.Context) bool {
	return isTerminal(c.App.Reader) && isTerminal(c.App.ErrWriter)
}

func isTerminal(v any) bool {
	f, ok := v.(interface{ Fd() uintptr })
	return ok && term.IsTerminal(int(f.Fd()))
}
