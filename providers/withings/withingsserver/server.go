// Package withingsserver is an emulator of the Withings Public API: one
// http.Handler that serves the read calls upexport uses (/measure getmeas,
// /v2/measure getactivity, getintradayactivity and getworkouts, /v2/sleep get
// and getsummary, /v2/user getdevice, /v2/heart list) and the token call
// (POST /v2/oauth2 action=requesttoken).
//
// It follows docs/providers/withings.md: every answer is HTTP 200 with the
// {status, body, error} envelope, errors are in-band statuses, collections
// page with offset and more, lastupdate reads incrementally, the intraday and
// sleep series calls are bounded to 24 hours. The data is synthetic, a pure
// function of Config.Seed, Config.Users, Config.Years and Config.End, with
// the quirks the public recordings show (weights in units -4, -3 and -2,
// repeated grpids, manual entries without a device, per-day time zones, hr
// and rr keyed by epoch-second strings).
package withingsserver

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"time"
)

// Paths served by the Server.
const (
	MeasurePath   = "/measure"
	MeasureV2Path = "/v2/measure"
	SleepPath     = "/v2/sleep"
	UserPath      = "/v2/user"
	HeartPath     = "/v2/heart"
	TokenPath     = "/v2/oauth2"
)

// Scopes a Withings token can carry.
const (
	ScopeInfo        = "user.info"
	ScopeMetrics     = "user.metrics"
	ScopeActivity    = "user.activity"
	ScopeSleepEvents = "user.sleepevents"
)

// Defaults used when the Config leaves a field zero.
const (
	DefaultUsers    = 1
	DefaultYears    = 3
	DefaultPageSize = 300 // a recorded getsummary page holds 300 nights
	DefaultWindow   = 24 * time.Hour
	maxYears        = 30
	maxUsers        = 1000
)

// defaultEnd is the last local day of data when Config.End is zero, so the
// data never depends on the wall clock.
var defaultEnd = time.Date(2024, time.March, 31, 0, 0, 0, 0, time.UTC)

// WindowPolicy says what the series calls (getintradayactivity, sleep get)
// do with a window longer than Config.Window.
type WindowPolicy int

const (
	// WindowTruncate answers the first Config.Window after startdate, as
	// the Withings reference documents.
	WindowTruncate WindowPolicy = iota
	// WindowReject refuses the call in-band (status 503, invalid params),
	// so a test can prove that a client never asks for a longer window.
	WindowReject
)

// RateLimit limits each user's data requests to Limit per Window (a fixed
// window that opens with the user's first request after the last one
// closed). A request past the limit is answered in-band with status 601 and
// body.wait_seconds, and is not counted. The zero RateLimit is no limit.
type RateLimit struct {
	Limit  int
	Window time.Duration // default one minute
}

// Faults makes the data API misbehave on purpose. Each Every field counts
// data requests (not token requests), 1-based; 0 turns it off. When several
// fire on the same request, 5xx wins over truncation over the in-band
// timeout.
type Faults struct {
	Every5xx      int           // every Nth request answers HTTP Status5xx with a non-JSON body
	Status5xx     int           // default 502
	EveryTruncate int           // every Nth request sends its headers and half its body, then cuts the connection
	EveryTimeout  int           // every Nth request answers in-band status 522 (the "timeout" family)
	Slow          time.Duration // latency added to every data request
}

// Config configures a Server. The zero value is usable.
type Config struct {
	Seed  int64
	Users int // demo users, default 1; user IDs are UserID(0), UserID(1), ...
	Years int // years of history per user, default 3
	// Days, when set, is the history in days instead of Years.
	Days int
	// End is the last local day of data; zero means 2024-03-31. Only its
	// calendar date is used.
	End time.Time
	// PageSize is the number of items per page of the paged calls;
	// default 300.
	PageSize int
	// Window bounds getintradayactivity and sleep get; default 24 hours.
	Window       time.Duration
	WindowPolicy WindowPolicy
	RateLimit    RateLimit
	Faults       Faults
	// Auth checks the bearer token of data requests. Nil means the
	// built-in TokenServer (see Server.Tokens).
	Auth Authenticator
	// TokenHandler answers POST /v2/oauth2. Nil means the built-in
	// TokenServer, which issues and rotates tokens in the wrapped shape.
	TokenHandler http.Handler
	// ClientID and ClientSecret are what the built-in TokenServer accepts;
	// defaults "withings-demo" and "withings-demo-secret".
	ClientID     string
	ClientSecret string
	// Now is the clock for the rate limit and token expiry; default
	// time.Now. The data does not depend on it, unless Live is set.
	Now func() time.Time
	// Live serves the data as it stood at Now: what was stored later is
	// hidden, and what was edited later is served as it was before the
	// edit. Advancing the clock then makes new and edited items appear,
	// for incremental reads with lastupdate.
	Live bool
}

// Server is the Withings emulator. It is safe for concurrent use.
type Server struct {
	cfg      Config
	data     *dataset
	auth     Authenticator
	tokens   *TokenServer // nil when both Auth and TokenHandler were given
	tokenH   http.Handler
	limiter  *limiter
	requests atomic.Int64
}

// New validates cfg, fills in defaults, generates the data and returns a
// ready Server.
func New(cfg Config) (*Server, error) {
	if err := cfg.normalize(); err != nil {
		return nil, fmt.Errorf("withingsserver: %w", err)
	}
	s := &Server{cfg: cfg, data: newDataset(cfg), auth: cfg.Auth, tokenH: cfg.TokenHandler}
	if s.auth == nil || s.tokenH == nil {
		s.tokens = NewTokenServer(cfg.ClientID, cfg.ClientSecret, cfg.Now)
		if s.auth == nil {
			s.auth = s.tokens
		}
		if s.tokenH == nil {
			s.tokenH = s.tokens
		}
	}
	if cfg.RateLimit.Limit > 0 {
		s.limiter = newLimiter(cfg.RateLimit, cfg.Now)
	}
	return s, nil
}

func (c *Config) normalize() error {
	switch {
	case c.Users < 0 || c.Users > maxUsers:
		return fmt.Errorf("users %d out of range 1..%d", c.Users, maxUsers)
	case c.Years < 0 || c.Years > maxYears:
		return fmt.Errorf("years %d out of range 1..%d", c.Years, maxYears)
	case c.Days < 0 || c.Days > maxYears*366:
		return fmt.Errorf("days %d out of range 1..%d", c.Days, maxYears*366)
	case c.PageSize < 0:
		return fmt.Errorf("page size %d must be positive", c.PageSize)
	case c.Window < 0:
		return errors.New("window must be positive")
	case c.WindowPolicy != WindowTruncate && c.WindowPolicy != WindowReject:
		return fmt.Errorf("window policy %d unknown", c.WindowPolicy)
	case c.RateLimit.Limit < 0 || c.RateLimit.Window < 0:
		return errors.New("rate limit must not be negative")
	case c.Faults.Every5xx < 0 || c.Faults.EveryTruncate < 0 || c.Faults.EveryTimeout < 0 || c.Faults.Slow < 0:
		return errors.New("fault settings must not be negative")
	case c.Faults.Status5xx != 0 && (c.Faults.Status5xx < 500 || c.Faults.Status5xx > 599):
		return fmt.Errorf("fault status %d is not a 5xx", c.Faults.Status5xx)
	}
	if c.Users == 0 {
		c.Users = DefaultUsers
	}
	if c.Years == 0 {
		c.Years = DefaultYears
	}
	if c.End.IsZero() {
		c.End = defaultEnd
	}
	c.End = time.Date(c.End.Year(), c.End.Month(), c.End.Day(), 0, 0, 0, 0, time.UTC)
	if c.PageSize == 0 {
		c.PageSize = DefaultPageSize
	}
	if c.Window == 0 {
		c.Window = DefaultWindow
	}
	if c.RateLimit.Limit > 0 && c.RateLimit.Window == 0 {
		c.RateLimit.Window = time.Minute
	}
	if c.Faults.Status5xx == 0 {
		c.Faults.Status5xx = http.StatusBadGateway
	}
	if c.ClientID == "" {
		c.ClientID = "withings-demo"
	}
	if c.ClientSecret == "" {
		c.ClientSecret = "withings-demo-secret"
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return nil
}

// UserID is the Withings user id of the i-th demo user (0-based).
func UserID(i int) string { return fmt.Sprint(firstUserID + i) }

// firstUserID makes the demo ids look like Withings ones (eight digits).
const firstUserID = 36300001

// Users lists the demo users' ids.
func (s *Server) Users() []string {
	ids := make([]string, len(s.data.users))
	for i, u := range s.data.users {
		ids[i] = u.id
	}
	return ids
}

// Tokens is the built-in token server, or nil when the Config supplied both
// Auth and TokenHandler.
func (s *Server) Tokens() *TokenServer { return s.tokens }

// Requests is the number of data requests served so far (faults included).
func (s *Server) Requests() int64 { return s.requests.Load() }

// ServeHTTP serves the token call and the data API.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == TokenPath {
		s.tokenH.ServeHTTP(w, r)
		return
	}
	route, ok := routes[r.URL.Path]
	if !ok {
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	n := s.requests.Add(1)
	s.serveFaulty(w, r, n, func(w http.ResponseWriter) { s.serveAPI(w, r, route) })
}

// serveAPI authenticates, rate-limits and dispatches one data request.
func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request, route map[string]action) {
	user, scopes, err := s.auth.Authenticate(r)
	if err != nil {
		writeError(w, inband(statusAuthFailed, "invalid_token: The access token provided is invalid"))
		return
	}
	u := s.data.user(user)
	if u == nil {
		writeError(w, inband(statusAuthFailed, "invalid_token: unknown user "+user))
		return
	}
	if s.limiter != nil {
		if wait, ok := s.limiter.allow(user); !ok {
			writeJSON(w, envelope{Status: statusTooManyRequests, Body: map[string]int64{"wait_seconds": wait}, Error: "Too many requests"})
			return
		}
	}
	if err := r.ParseForm(); err != nil {
		writeError(w, inband(statusInvalidParams, "Invalid Params: "+err.Error()))
		return
	}
	p, perr := parseParams(r.Form)
	if perr != nil {
		writeError(w, perr)
		return
	}
	a, ok := route[p.Action]
	if !ok {
		writeError(w, inband(statusNotImplemented, "Not implemented: unknown action "+quote(p.Action)))
		return
	}
	if !hasScope(scopes, a.scope) {
		writeError(w, inband(statusUnauthorized, "Unauthorized: the token lacks scope "+a.scope))
		return
	}
	body, aerr := a.serve(s, u, p)
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	writeJSON(w, envelope{Status: statusOK, Body: body})
}

// In-band statuses the emulator answers with; docs/providers/withings.md
// lists the families they come from.
const (
	statusOK              = 0
	statusAuthFailed      = 401
	statusInvalidParams   = 503
	statusTimeout         = 522
	statusTooManyRequests = 601
	statusNotImplemented  = 2554
	statusUnauthorized    = 2555
)

// apiError is an in-band error: HTTP 200 with a non-zero status.
type apiError struct {
	Status  int
	Message string
}

func (e *apiError) Error() string { return fmt.Sprintf("withings status %d: %s", e.Status, e.Message) }

func inband(status int, msg string) *apiError { return &apiError{Status: status, Message: msg} }

func invalid(format string, args ...any) *apiError {
	return inband(statusInvalidParams, "Invalid Params: "+fmt.Sprintf(format, args...))
}

// envelope is the shape of every answer.
type envelope struct {
	Status int    `json:"status"`
	Body   any    `json:"body"`
	Error  string `json:"error,omitempty"`
}

func writeError(w http.ResponseWriter, e *apiError) {
	writeJSON(w, envelope{Status: e.Status, Body: struct{}{}, Error: e.Message})
}

func writeJSON(w http.ResponseWriter, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		// Only the emulator's own types are marshalled; failing here is a bug.
		http.Error(w, "withingsserver: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(b)
}

func hasScope(scopes []string, want string) bool {
	for _, s := range scopes {
		if s == want {
			return true
		}
	}
	return false
}

func quote(s string) string {
	if len(s) > 40 {
		s = s[:40] + "..."
	}
	return `"` + strings.ToValidUTF8(s, "?") + `"`
}
