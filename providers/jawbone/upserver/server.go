// Package upserver is an embedded, faithful stand-in for the Jawbone UP
// platform: one http.Handler that is both the OAuth2 authorization server
// (/auth/oauth2/..., internal/oauthserver set up as UP's in oauth.go) and
// the UP REST API (/nudge/api/v.1.1/...).
//
// It follows docs/providers/jawbone.md (the API's reference in the
// project's words, which "§" in this package's comments points into) and
// the OAuth RFCs a modern client relies on (6749, 7636, 8252, 8628, 7009,
// 9207). The data it serves is synthetic, a pure function of Config.Seed,
// Config.Users and the calendar date, so two servers with the same
// configuration serve byte-identical pages, and any day can be generated on
// its own: nothing proportional to Config.Days is held in memory.
package upserver

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/upexport/upexport/internal/oauthserver"
)

// Faults makes the API misbehave on purpose, for reliability tests. Each
// field counts API requests (paths under /nudge/api/) only; 0 turns it off.
// When several would fire on the same request, 429 wins over 500 over drop.
type Faults struct {
	Every429  int           // every Nth API request answers 429 with Retry-After
	Every500  int           // every Nth API request answers 500 with the UP error envelope
	EveryDrop int           // every Nth API request sends headers and half the body, then cuts the connection
	Slow      time.Duration // latency added to every API request
	// RetryAfter is the Retry-After value sent with a fault's 429, in whole
	// seconds (rounded up); default 0, "come back at once": a client waits
	// out what a 429 names, and a fault is there to be survived, not to
	// slow the run down.
	RetryAfter time.Duration
}

// Config configures a Server. The zero value is usable.
type Config struct {
	Seed  int64 // data is a pure function of Seed, Users, the date and the Touch calls
	Days  int   // days of history per user; default 90; at most 36500
	Users int   // default 1
	// End is the last local day of data. Zero means 2016-03-16 (the day the
	// reference's recordings were made), so output never depends on the
	// wall clock. Only its calendar date (year, month, day) is used.
	End time.Time
	// AccessTTL is the access-token lifetime; default one year, as the real
	// API (expires_in 31536000).
	AccessTTL time.Duration
	// AutoApprove makes the consent page and the device verification approve
	// at once, as user 0 (or the user named by login_hint), without a person.
	AutoApprove  bool
	ClientID     string // default "upexport-demo"
	ClientSecret string // default "upexport-demo-secret"
	// DeviceInterval is the RFC 8628 polling interval announced by the device
	// endpoint; default 5s, whole seconds, at least 1s.
	DeviceInterval time.Duration
	Faults         Faults
	// Quota limits each user's API requests per window, with Fitbit-style
	// quota headers; zero is no limit.
	Quota Quota
	// Now is the clock for token, code and device-code expiry and for
	// meta.time; default time.Now.
	Now    func() time.Time
	Logger *slog.Logger // optional; default discards
}

// Defaults used when the Config leaves a field zero.
const (
	DefaultDays         = 90
	DefaultUsers        = 1
	DefaultAccessTTL    = 365 * 24 * time.Hour
	DefaultClientID     = "upexport-demo"
	DefaultClientSecret = "upexport-demo-secret"
	maxDays             = 36500
)

// defaultEnd is the last day of data when Config.End is zero.
var defaultEnd = civilDate{2016, time.March, 16}

// Paths served by the Server.
const (
	APIPrefix    = "/nudge/api/v.1.1"
	AuthPath     = "/auth/oauth2/auth"
	ConsentPath  = "/auth/oauth2/consent"
	TokenPath    = "/auth/oauth2/token"
	DevicePath   = "/auth/oauth2/device"
	VerifyPath   = "/auth/oauth2/device/verify"
	RevokePath   = "/auth/oauth2/revoke"
	apiRootPath  = "/nudge/api/"
	codeLifetime = 10 * time.Minute // §2: "auth code lifetime 10 minutes"
)

// Server is the demo UP server. It is safe for concurrent use.
type Server struct {
	cfg    Config
	log    *slog.Logger
	mux    *http.ServeMux
	api    *http.ServeMux // API routes only, to tell 404 from 405
	oauth  *oauthserver.Server
	data   *dataset
	faults *faultInjector
	quota  *quotaKeeper // nil without a quota

	apiRequests atomic.Int64
	countMu     sync.Mutex
	perEndpoint map[string]int64
}

// New validates cfg, fills in defaults and returns a ready Server.
func New(cfg Config) (*Server, error) {
	if err := cfg.normalize(); err != nil {
		return nil, fmt.Errorf("upserver: %w", err)
	}
	data, err := newDataset(cfg)
	if err != nil {
		return nil, fmt.Errorf("upserver: %w", err)
	}
	oauth, err := newOAuth(cfg, data)
	if err != nil {
		return nil, fmt.Errorf("upserver: %w", err)
	}
	s := &Server{
		cfg:         cfg,
		log:         cfg.Logger,
		oauth:       oauth,
		data:        data,
		faults:      &faultInjector{cfg: cfg.Faults},
		perEndpoint: make(map[string]int64),
	}
	if cfg.Quota.Limit > 0 {
		s.quota = &quotaKeeper{q: cfg.Quota, windows: map[int]*quotaWindow{}}
	}
	s.routes()
	return s, nil
}

func (c *Config) normalize() error {
	switch {
	case c.Days < 0 || c.Days > maxDays:
		return fmt.Errorf("days %d out of range 1..%d", c.Days, maxDays)
	case c.Users < 0:
		return fmt.Errorf("users %d must be positive", c.Users)
	case c.AccessTTL < 0:
		return errors.New("access TTL must be positive")
	case c.DeviceInterval < 0:
		return errors.New("device interval must be positive")
	case c.Faults.Every429 < 0 || c.Faults.Every500 < 0 || c.Faults.EveryDrop < 0 || c.Faults.Slow < 0 || c.Faults.RetryAfter < 0:
		return errors.New("fault settings must not be negative")
	case c.Quota.Limit < 0 || c.Quota.Limit > 0 && c.Quota.Window <= 0:
		return fmt.Errorf("quota %s: the limit and the window must be positive", c.Quota)
	}
	if c.Days == 0 {
		c.Days = DefaultDays
	}
	if c.Users == 0 {
		c.Users = DefaultUsers
	}
	if c.AccessTTL == 0 {
		c.AccessTTL = DefaultAccessTTL
	}
	if c.ClientID == "" {
		c.ClientID = DefaultClientID
	}
	if c.ClientSecret == "" {
		c.ClientSecret = DefaultClientSecret
	}
	if c.DeviceInterval == 0 {
		c.DeviceInterval = 5 * time.Second
	}
	if c.DeviceInterval < time.Second {
		c.DeviceInterval = time.Second
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

// ServeHTTP serves the OAuth2 endpoints and the UP API.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mux.ServeHTTP(w, r)
}

// Info is what `upexport demo-server` prints on stdout, one JSON line.
type Info struct {
	BaseURL      string `json:"base_url"`
	APIURL       string `json:"api_url"`
	AuthURL      string `json:"auth_url"`
	TokenURL     string `json:"token_url"`
	DeviceURL    string `json:"device_url"`
	RevokeURL    string `json:"revoke_url"`
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret"`
}

// Info describes the server as reachable at baseURL, e.g.
// "http://127.0.0.1:43210".
func (s *Server) Info(baseURL string) Info {
	b := strings.TrimRight(baseURL, "/")
	return Info{
		BaseURL:      b,
		APIURL:       b + APIPrefix,
		AuthURL:      b + AuthPath,
		TokenURL:     b + TokenPath,
		DeviceURL:    b + DevicePath,
		RevokeURL:    b + RevokePath,
		ClientID:     s.cfg.ClientID,
		ClientSecret: s.cfg.ClientSecret,
	}
}

// APIRequests is the number of API requests (paths under /nudge/api/)
// received so far, faulted ones included.
func (s *Server) APIRequests() int64 { return s.apiRequests.Load() }

// APIRequestsFor is the number of API requests received so far for one
// endpoint name: "moves", "moves/ticks", "users/@me", "meals/{xid}", ... as
// listed by Endpoints; unknown paths count under "other".
func (s *Server) APIRequestsFor(endpoint string) int64 {
	s.countMu.Lock()
	defer s.countMu.Unlock()
	return s.perEndpoint[endpoint]
}

func (s *Server) countEndpoint(name string) {
	s.countMu.Lock()
	s.perEndpoint[name]++
	s.countMu.Unlock()
}
