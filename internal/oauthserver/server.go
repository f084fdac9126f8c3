// Package oauthserver is the OAuth 2.0 authorization server the providers'
// emulators share: the authorization code grant with PKCE (RFC 6749,
// RFC 7636) for loopback redirects (RFC 8252), refresh, the device
// authorization grant (RFC 8628), revocation (RFC 7009) and the issuer in
// authorization responses (RFC 9207).
//
// A Config says what one provider does differently: its clients, scopes,
// token lifetimes, refresh rotation, PKCE, client authentication styles and
// paths. A provider whose token endpoint is not RFC 6749's (another path,
// extra parameters, a wrapped answer) mounts Server.TokenHandler with its
// own TokenWriter, or calls Server.Token itself. API handlers resolve
// bearer tokens with Server.Authenticate.
//
// Everything lives in memory, bounded by the number of logins.
package oauthserver

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"
)

// Client is a registered OAuth client.
type Client struct {
	ID string
	// Secret authenticates a confidential client; "" registers a public
	// client, which proves itself with PKCE alone.
	Secret string
	// SecretOptional lets a confidential client also act as a public one:
	// a request without the secret must use PKCE, and the grant it gets
	// refreshes without the secret (one client id for a desktop app and
	// for a job that cannot keep a secret).
	SecretOptional bool
}

// User is a person who can sign in on the consent and verification pages.
type User struct {
	ID   string // what a grant and Access.UserID carry; the pages' form value
	Name string // shown on the pages
	Tag  string // shown after the name in parentheses, e.g. the API's user id
}

// PKCEMode is how the server treats RFC 7636 PKCE.
type PKCEMode int

const (
	// PKCEAllowed checks a code_challenge (S256 only) when the
	// authorization request has one; a public client must send one.
	PKCEAllowed PKCEMode = iota
	// PKCERequired refuses authorization requests without a code_challenge.
	PKCERequired
	// PKCEIgnored is a server that never implemented PKCE: code_challenge
	// and code_verifier are ignored, so public clients cannot log in.
	PKCEIgnored
)

// ClientAuth is which client authentication styles the token, device and
// revocation endpoints accept (RFC 6749 section 2.3.1).
type ClientAuth int

const (
	ClientAuthAny    ClientAuth = iota // form parameters or HTTP Basic
	ClientAuthParams                   // client_id and client_secret in the form only
	ClientAuthBasic                    // the secret in HTTP Basic only
)

// Paths are the endpoints' paths. Mount registers every path that is set;
// Authorize and Consent are required, Device and Verify with DeviceFlow,
// Revoke with Revocation. An empty Token is not mounted: the emulator
// mounts TokenHandler at a path and with an encoding of its own.
type Paths struct {
	Authorize string // GET: the authorization endpoint
	Consent   string // POST: the consent page's answer
	Token     string // GET (if Config.TokenAllowGET) and POST
	Device    string // POST: the device authorization endpoint
	Verify    string // GET and POST: the page where a person enters a user code
	Revoke    string // POST
}

// DefaultPaths are the paths of a Config whose Paths is zero.
func DefaultPaths() Paths {
	return Paths{
		Authorize: "/oauth2/authorize",
		Consent:   "/oauth2/consent",
		Token:     "/oauth2/token",
		Device:    "/oauth2/device",
		Verify:    "/oauth2/device/verify",
		Revoke:    "/oauth2/revoke",
	}
}

// Config configures a Server. Zero fields take the defaults named.
type Config struct {
	// Issuer is the RFC 9207 iss of authorization responses; "" is the
	// origin the request was addressed to.
	Issuer  string
	Clients []Client // at least one
	// Scopes are the scopes the server knows; requests naming others are
	// refused with invalid_scope.
	Scopes []string
	// DefaultScopes are granted when a request names none.
	DefaultScopes []string
	// ScopeSeparator separates scopes in requests and answers; default a
	// space, as RFC 6749 has it (some providers use a comma).
	ScopeSeparator string
	// Users can sign in; Users[0] is signed in when nobody chooses. At
	// least one.
	Users []User
	// LoginHint resolves a login_hint parameter to a user ID; default: the
	// hint is a user's ID.
	LoginHint func(hint string) (userID string, ok bool)

	AccessTTL  time.Duration // access-token lifetime; default one hour
	RefreshTTL time.Duration // refresh-token lifetime from its issue; 0 never expires
	// CodeTTL bounds authorization codes, open consent pages and device
	// codes; default 10 minutes.
	CodeTTL time.Duration
	// RotateRefreshTokens makes every refresh issue a new refresh token
	// and end the old one and every access token of the grant. Without it
	// the refresh token stays and older access tokens live out their TTL.
	RotateRefreshTokens bool
	PKCE                PKCEMode
	ClientAuth          ClientAuth
	// TokenAllowGET accepts token requests as GET with query parameters.
	TokenAllowGET bool
	// RedirectURIOptional lets a code exchange leave out redirect_uri; a
	// redirect_uri that is sent must still match.
	RedirectURIOptional bool
	// DeviceFlow serves the RFC 8628 device authorization endpoint and
	// verification page and accepts the device_code grant.
	DeviceFlow bool
	// DeviceInterval is the polling interval the device endpoint
	// announces; default 5s, whole seconds, at least 1s.
	DeviceInterval time.Duration
	Revocation     bool // serve the RFC 7009 revocation endpoint
	// AutoApprove approves every authorization request and device code
	// at once, as Users[0] or the login_hint's user, without a person.
	AutoApprove bool
	Paths       Paths  // zero is DefaultPaths()
	Service     string // names the service on the pages, "<Service> demo server"; default "OAuth"
	Realm       string // the realm of HTTP Basic challenges; default "oauthserver"
	// Now is the clock of every expiry; default time.Now.
	Now    func() time.Time
	Logger *slog.Logger // default discards
}

// Defaults for zero Config fields.
const (
	DefaultAccessTTL      = time.Hour
	DefaultCodeTTL        = 10 * time.Minute
	DefaultDeviceInterval = 5 * time.Second
)

// Server is an OAuth 2.0 authorization server. It is safe for concurrent
// use.
type Server struct {
	cfg     Config
	log     *slog.Logger
	st      *store
	clients map[string]Client
	users   map[string]bool
	known   map[string]bool // Config.Scopes
}

// New checks cfg, fills in defaults and returns a Server.
func New(cfg Config) (*Server, error) {
	if err := cfg.normalize(); err != nil {
		return nil, fmt.Errorf("oauthserver: %w", err)
	}
	s := &Server{
		cfg:     cfg,
		log:     cfg.Logger,
		st:      newStore(),
		clients: make(map[string]Client, len(cfg.Clients)),
		users:   make(map[string]bool, len(cfg.Users)),
		known:   make(map[string]bool, len(cfg.Scopes)),
	}
	for _, c := range cfg.Clients {
		if c.ID == "" {
			return nil, errors.New("oauthserver: a client has no ID")
		}
		if c.Secret == "" && cfg.PKCE == PKCEIgnored {
			return nil, fmt.Errorf("oauthserver: public client %q cannot log in without PKCE", c.ID)
		}
		s.clients[c.ID] = c
	}
	for _, u := range cfg.Users {
		s.users[u.ID] = true
	}
	for _, sc := range cfg.Scopes {
		s.known[sc] = true
	}
	if _, err := s.parseScopes(joinScopes(cfg.DefaultScopes, cfg.ScopeSeparator)); len(cfg.DefaultScopes) > 0 && err != nil {
		return nil, fmt.Errorf("oauthserver: default scopes: %w", err)
	}
	return s, nil
}

func (c *Config) normalize() error {
	switch {
	case len(c.Clients) == 0:
		return errors.New("no client")
	case len(c.Users) == 0:
		return errors.New("no user")
	case c.AccessTTL < 0 || c.RefreshTTL < 0 || c.CodeTTL < 0:
		return errors.New("token lifetimes must not be negative")
	case c.DeviceInterval < 0:
		return errors.New("device interval must not be negative")
	case c.PKCE < PKCEAllowed || c.PKCE > PKCEIgnored:
		return fmt.Errorf("unknown PKCE mode %d", c.PKCE)
	case c.ClientAuth < ClientAuthAny || c.ClientAuth > ClientAuthBasic:
		return fmt.Errorf("unknown client authentication style %d", c.ClientAuth)
	}
	if c.Paths == (Paths{}) {
		c.Paths = DefaultPaths()
	}
	switch p := c.Paths; {
	case p.Authorize == "" || p.Consent == "":
		return errors.New("the authorize and consent paths are required")
	case c.DeviceFlow && (p.Device == "" || p.Verify == ""):
		return errors.New("the device flow needs the device and verify paths")
	case c.Revocation && p.Revoke == "":
		return errors.New("revocation needs the revoke path")
	}
	if c.ScopeSeparator == "" {
		c.ScopeSeparator = " "
	}
	if c.LoginHint == nil {
		c.LoginHint = func(hint string) (string, bool) {
			for _, u := range c.Users {
				if u.ID == hint {
					return u.ID, true
				}
			}
			return "", false
		}
	}
	if c.AccessTTL == 0 {
		c.AccessTTL = DefaultAccessTTL
	}
	if c.CodeTTL == 0 {
		c.CodeTTL = DefaultCodeTTL
	}
	if c.DeviceInterval == 0 {
		c.DeviceInterval = DefaultDeviceInterval
	}
	if c.DeviceInterval < time.Second {
		c.DeviceInterval = time.Second
	}
	if c.Service == "" {
		c.Service = "OAuth"
	}
	if c.Realm == "" {
		c.Realm = "oauthserver"
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return nil
}

func (s *Server) now() time.Time { return s.cfg.Now() }

// Paths are the paths the server answers on, defaults filled in.
func (s *Server) Paths() Paths { return s.cfg.Paths }

// Mount registers the endpoints on mux: authorize and consent; the token
// endpoint with RFC 6749 JSON answers unless Paths.Token is empty; the
// device endpoint and verification page with DeviceFlow; revocation with
// Revocation.
func (s *Server) Mount(mux *http.ServeMux) {
	p := s.cfg.Paths
	mux.HandleFunc("GET "+p.Authorize, s.handleAuthorize)
	mux.HandleFunc("POST "+p.Consent, s.handleConsent)
	if p.Token != "" {
		mux.Handle(p.Token, s.TokenHandler(JSONWriter{Realm: s.cfg.Realm})) // the handler answers 405 to other methods
	}
	if s.cfg.DeviceFlow {
		mux.HandleFunc(p.Device, s.handleDeviceAuthorization)
		mux.HandleFunc("GET "+p.Verify, s.handleVerifyPage)
		mux.HandleFunc("POST "+p.Verify, s.handleVerifySubmit)
	}
	if s.cfg.Revocation {
		mux.HandleFunc(p.Revoke, s.handleRevoke)
	}
}

// Handler serves the endpoints Mount registers, and nothing else.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	s.Mount(mux)
	return mux
}

// issuer is the RFC 9207 iss for a request.
func (s *Server) issuer(r *http.Request) string {
	if s.cfg.Issuer != "" {
		return s.cfg.Issuer
	}
	return origin(r)
}

// origin is the scheme and host the request was addressed to.
func origin(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}
