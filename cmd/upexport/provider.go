package main

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/urfave/cli/v2"
	"golang.org/x/oauth2"
	"golang.org/x/term"

	"github.com/upexport/upexport/fetch/auth"
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

	envClientSecret = "UPEXPORT_CLIENT_SECRET"
)

// providerFlags are the settings of the OAuth server and the API. Defaults
// are the real Jawbone endpoints; every one can also come from UPEXPORT_*.
func providerFlags() []cli.Flag {
	def := auth.JawboneProvider()
	cat := "Provider (defaults: the real Jawbone UP API)"
	str := func(name, env, usage, value string) *cli.StringFlag {
		return &cli.StringFlag{Name: name, EnvVars: []string{env}, Usage: usage, Value: value, Category: cat}
	}
	return append([]cli.Flag{
		str(flagAPIURL, "UPEXPORT_API_URL", "base URL of the API", def.APIURL),
		str(flagAuthURL, "UPEXPORT_AUTH_URL", "OAuth authorization endpoint", def.AuthURL),
		str(flagTokenURL, "UPEXPORT_TOKEN_URL", "OAuth token endpoint", def.TokenURL),
		str(flagDeviceURL, "UPEXPORT_DEVICE_URL", "RFC 8628 device authorization endpoint, for login --device", def.DeviceURL),
		str(flagRevokeURL, "UPEXPORT_REVOKE_URL", "RFC 7009 revocation endpoint, used by logout", def.RevokeURL),
		str(flagIssuer, "UPEXPORT_ISSUER", "issuer to check RFC 9207 'iss' in the login redirect against", def.Issuer),
		str(flagClientID, "UPEXPORT_CLIENT_ID", "OAuth client id of the app registered with the provider", def.ClientID),
		str(flagClientSecret, envClientSecret, "OAuth client secret; prefer $"+envClientSecret+": other users can see command lines in ps", ""),
		str(flagScopes, "UPEXPORT_SCOPES", "space- or comma-separated scopes to request", strings.Join(def.Scopes, " ")),
		&cli.StringFlag{Name: flagAuthStyle, EnvVars: []string{"UPEXPORT_AUTH_STYLE"}, Value: "auto", Category: cat,
			Usage: "how the client authenticates at the token endpoint: auto, params (form parameters, as Jawbone did) or header (HTTP Basic)",
			Action: func(_ *cli.Context, v string) error {
				_, err := parseAuthStyle(v)
				return err
			}},
		&cli.PathFlag{Name: flagTokenFile, EnvVars: []string{"UPEXPORT_TOKEN_FILE"}, TakesFile: true, Category: cat,
			Usage: "token file (default: one per provider and client id in the user config directory)"},
	}, networkFlags()...)
}

func parseAuthStyle(s string) (oauth2.AuthStyle, error) {
	switch strings.ToLower(s) {
	case "", "auto":
		return oauth2.AuthStyleAutoDetect, nil
	case "params":
		return oauth2.AuthStyleInParams, nil
	case "header":
		return oauth2.AuthStyleInHeader, nil
	}
	return 0, usageErrorf("invalid --%s %q: use auto, params or header", flagAuthStyle, s)
}

// providerFromFlags builds the Provider from flags and environment. It
// warns when the client secret was given on the command line. apiOnly
// checks only what API calls need: with $UPEXPORT_ACCESS_TOKEN alone there
// is nothing to refresh, and no client id is needed.
func providerFromFlags(c *cli.Context, apiOnly bool) (auth.Provider, error) {
	style, err := parseAuthStyle(c.String(flagAuthStyle))
	if err != nil {
		return auth.Provider{}, err
	}
	p := auth.Provider{
		APIURL:       strings.TrimRight(strings.TrimSpace(c.String(flagAPIURL)), "/"),
		AuthURL:      strings.TrimSpace(c.String(flagAuthURL)),
		TokenURL:     strings.TrimSpace(c.String(flagTokenURL)),
		DeviceURL:    strings.TrimSpace(c.String(flagDeviceURL)),
		RevokeURL:    strings.TrimSpace(c.String(flagRevokeURL)),
		Issuer:       strings.TrimSpace(c.String(flagIssuer)),
		ClientID:     strings.TrimSpace(c.String(flagClientID)),
		ClientSecret: strings.TrimSpace(c.String(flagClientSecret)),
		Scopes:       strings.FieldsFunc(c.String(flagScopes), func(r rune) bool { return r == ' ' || r == ',' }),
		AuthStyle:    style,
	}
	if p.ClientSecret != "" && os.Getenv(envClientSecret) == "" {
		fmt.Fprintf(c.App.ErrWriter, "warning: --%s on the command line is visible to other users of this machine (ps); set $%s instead\n",
			flagClientSecret, envClientSecret)
	}
	validate := p.Validate
	if apiOnly {
		validate = p.ValidateAPI
	}
	if err := validate(); err != nil {
		return auth.Provider{}, usageError{err}
	}
	return p, nil
}

// accessTokenOnly reports whether the token comes from $UPEXPORT_ACCESS_TOKEN
// with no refresh token beside it.
func accessTokenOnly() bool {
	return os.Getenv(auth.EnvAccessToken) != "" && os.Getenv(auth.EnvRefreshToken) == ""
}

// fileStoreFromFlags is the token file: --token-file or the per-provider
// default.
func fileStoreFromFlags(c *cli.Context, p auth.Provider) (*auth.FileStore, error) {
	if path := c.Path(flagTokenFile); path != "" {
		return auth.NewFileStore(path), nil
	}
	path, err := auth.DefaultTokenPath(p)
	if err != nil {
		return nil, err
	}
	return auth.NewFileStore(path), nil
}

// providerAndFile is the provider and its token file, for the commands
// that manage the stored login (login, logout).
func providerAndFile(c *cli.Context) (auth.Provider, *auth.FileStore, error) {
	p, err := providerFromFlags(c, false)
	if err != nil {
		return p, nil, err
	}
	store, err := fileStoreFromFlags(c, p)
	return p, store, err
}

// tokenStoreFromFlags prefers a token from the environment (CI) over the
// token file.
func tokenStoreFromFlags(c *cli.Context, p auth.Provider) (auth.TokenStore, error) {
	if s, ok := auth.NewEnvStore(os.Getenv, noticef(c)); ok {
		return s, nil
	}
	return fileStoreFromFlags(c, p)
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
func sessionFromFlags(c *cli.Context) (*auth.Session, error) {
	p, err := providerFromFlags(c, accessTokenOnly())
	if err != nil {
		return nil, err
	}
	store, err := tokenStoreFromFlags(c, p)
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
	sess, err := auth.NewSession(ctx, p, store, auth.WithLogf(noticef(c)), auth.WithHTTPClient(hc))
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
	return auth.NewSession(ctx, p, store, auth.WithLogf(noticef(c)), auth.WithHTTPClient(hc))
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
