// Package ouraserver is an emulator of the Oura API v2 (docs/providers/oura.md,
// "§" in this package points into it): GET /v2/usercollection/<type> for
// every document type the reference grounds, paged with next_token and
// filtered by dates as the live API does, personal_info as a single
// document, errors in both of Oura's body forms, the rate limit's 429 with
// its five headers, and OAuth 2.0 through internal/oauthserver.
//
// The data is synthetic and deterministic: every document is a pure
// function of Config.Seed and its local day, so nothing proportional to
// Config.Days is held in memory. The user lives in Europe/Berlin (two DST
// changes a year) and travels to New York for a week every half year.
package ouraserver

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/upexport/upexport/internal/oauthserver"
)

// Paths served by the Server.
const (
	APIPrefix   = "/v2/usercollection"
	AuthPath    = "/oauth/authorize"
	ConsentPath = "/oauth/consent"
	TokenPath   = "/oauth/token"
)

// Oura's scopes (§2). "spo2" is the older spelling of spo2Daily; a grant
// of either reads daily_spo2.
var knownScopes = []string{"email", "personal", "daily", "heartrate", "workout", "tag", "session", "spo2Daily", "spo2"}

// Defaults for zero Config fields.
const (
	DefaultDays           = 90
	DefaultPageSize       = 50   // documents; Oura's is not documented (§5)
	DefaultSamplePageSize = 5000 // heart-rate samples
	DefaultLimit          = 5000 // requests per DefaultWindow (§4)
	DefaultWindow         = 300 * time.Second
	maxDays               = 36500
)

// RateLimit is requests per rolling window per user. The zero value is
// Oura's published 5000 per 300 s; Off disables it.
type RateLimit struct {
	Limit  int
	Window time.Duration
	Off    bool
}

// Config configures a Server. The zero value is usable.
type Config struct {
	Seed int64
	Days int // of history, default 90
	// End is the last local day of data; zero means Now's date in the
	// user's zone. Only its calendar date is used.
	End            time.Time
	PageSize       int // documents per page, default 50
	SamplePageSize int // heart-rate samples per page, default 5000
	RateLimit      RateLimit
	AutoApprove    bool
	// ClientID and ClientSecret of the demo app; defaults "oura-demo" and
	// "oura-demo-secret".
	ClientID, ClientSecret string
	AccessTTL              time.Duration // default 24 hours (§2)
	Now                    func() time.Time
}

// Server is the Oura emulator. It is safe for concurrent use.
type Server struct {
	cfg   Config
	data  *dataset
	oauth *oauthserver.Server
	mux   *http.ServeMux

	mu   sync.Mutex
	seen map[string][]time.Time // requests per user in the rolling window
	hits map[string]int         // requests per document type
}

// New checks cfg, fills in defaults and returns a Server.
func New(cfg Config) (*Server, error) {
	if cfg.Days == 0 {
		cfg.Days = DefaultDays
	}
	if cfg.Days < 0 || cfg.Days > maxDays {
		return nil, fmt.Errorf("ouraserver: %d days of history: want 1 to %d", cfg.Days, maxDays)
	}
	if cfg.PageSize == 0 {
		cfg.PageSize = DefaultPageSize
	}
	if cfg.SamplePageSize == 0 {
		cfg.SamplePageSize = DefaultSamplePageSize
	}
	if cfg.PageSize < 0 || cfg.SamplePageSize < 0 {
		return nil, errors.New("ouraserver: page sizes must be positive")
	}
	if cfg.RateLimit.Limit == 0 {
		cfg.RateLimit.Limit = DefaultLimit
	}
	if cfg.RateLimit.Window == 0 {
		cfg.RateLimit.Window = DefaultWindow
	}
	if cfg.RateLimit.Limit < 0 || cfg.RateLimit.Window < 0 {
		return nil, errors.New("ouraserver: the rate limit must be positive")
	}
	if cfg.ClientID == "" {
		cfg.ClientID = "oura-demo"
	}
	if cfg.ClientSecret == "" {
		cfg.ClientSecret = "oura-demo-secret"
	}
	if cfg.AccessTTL == 0 {
		cfg.AccessTTL = 24 * time.Hour
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	end := cfg.End
	if end.IsZero() {
		end = cfg.Now().In(home)
	}
	s := &Server{cfg: cfg, data: newDataset(cfg.Seed, civil(end), cfg.Days),
		seen: map[string][]time.Time{}, hits: map[string]int{}}
	var err error
	s.oauth, err = oauthserver.New(oauthserver.Config{
		Clients:       []oauthserver.Client{{ID: cfg.ClientID, Secret: cfg.ClientSecret}},
		Scopes:        knownScopes,
		DefaultScopes: []string{"email", "personal", "daily", "heartrate", "workout", "tag", "session", "spo2Daily"},
		Users:         []oauthserver.User{{ID: s.data.userID, Name: "Oura demo user", Tag: s.data.userID}},
		AccessTTL:     cfg.AccessTTL,
		// A refresh token works once; the reply carries the next (§2).
		RotateRefreshTokens: true,
		// Oura's examples send the secret in the form body; PKCE is not
		// Oura's and is ignored (§2).
		ClientAuth:  oauthserver.ClientAuthParams,
		PKCE:        oauthserver.PKCEIgnored,
		AutoApprove: cfg.AutoApprove,
		Paths:       oauthserver.Paths{Authorize: AuthPath, Consent: ConsentPath, Token: TokenPath},
		Service:     "Oura",
		Realm:       "oura-demo",
		Now:         cfg.Now,
	})
	if err != nil {
		return nil, fmt.Errorf("ouraserver: %w", err)
	}
	s.mux = http.NewServeMux()
	s.oauth.Mount(s.mux)
	s.mux.HandleFunc("GET "+APIPrefix+"/{type}", s.handleList)
	s.mux.HandleFunc("GET "+APIPrefix+"/{type}/{id}", s.handleOne)
	return s, nil
}

// ServeHTTP serves the OAuth endpoints and the API.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// Info locates a served emulator.
type Info struct {
	BaseURL, APIURL, AuthURL, TokenURL string
	ClientID, ClientSecret             string
}

// Info describes the server as reachable at baseURL.
func (s *Server) Info(baseURL string) Info {
	b := strings.TrimRight(baseURL, "/")
	return Info{BaseURL: b, APIURL: b + APIPrefix, AuthURL: b + AuthPath, TokenURL: b + TokenPath,
		ClientID: s.cfg.ClientID, ClientSecret: s.cfg.ClientSecret}
}

// IssueToken creates a grant without the browser flow, for tests; no
// scopes means the default ones.
func (s *Server) IssueToken(scopes []string) (access, refresh string, err error) {
	return s.oauth.IssueToken(s.data.userID, s.cfg.ClientID, scopes)
}

// Requests is the number of API requests served for a document type,
// 429s and errors included.
func (s *Server) Requests(typ string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits[typ]
}

// problem writes an RFC 7807 body, the form Oura's error page describes.
func problem(w http.ResponseWriter, status int, title, detail string) {
	writeJSON(w, status, map[string]any{"status": status, "title": title, "detail": detail})
}

// detail writes FastAPI's {"detail": ...}, the form the recordings show.
func detail(w http.ResponseWriter, status int, d any) {
	writeJSON(w, status, map[string]any{"detail": d})
}

// validation is a 422 in FastAPI's form for one query parameter.
func validation(w http.ResponseWriter, param, typ, msg, input string) {
	detail(w, http.StatusUnprocessableEntity, []map[string]any{{
		"type": typ, "loc": []string{"query", param}, "msg": msg, "input": input,
	}})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// authorize checks the token, the rate limit and the route's scope; it
// answers and returns false when the request may not go on.
func (s *Server) authorize(w http.ResponseWriter, r *http.Request, typ string) bool {
	s.mu.Lock()
	s.hits[typ]++
	s.mu.Unlock()
	at, err := s.oauth.Authenticate(r)
	if err != nil {
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
		title := "Invalid Token"
		if errors.Is(err, oauthserver.ErrExpiredToken) {
			title = "Expired Token"
		}
		problem(w, http.StatusUnauthorized, title, err.Error())
		return false
	}
	if !s.allow(w, at.UserID) {
		return false
	}
	if need := scopeOf[typ]; need != "" && !at.Scopes.Has(need) && !(need == "spo2Daily" && at.Scopes.Has("spo2")) {
		problem(w, http.StatusUnauthorized, "Missing Scopes", "the access token lacks the scope "+need)
		return false
	}
	return true
}

// allow counts a request in the user's rolling window, or answers 429
// with the five headers of §4.
func (s *Server) allow(w http.ResponseWriter, user string) bool {
	rl := s.cfg.RateLimit
	if rl.Off {
		return true
	}
	now := s.cfg.Now()
	s.mu.Lock()
	seen := s.seen[user]
	i := 0
	for i < len(seen) && !seen[i].After(now.Add(-rl.Window)) {
		i++
	}
	seen = seen[i:]
	ok := len(seen) < rl.Limit
	if ok {
		seen = append(seen, now)
	}
	s.seen[user] = seen
	var free time.Time
	if !ok {
		free = seen[0].Add(rl.Window)
	}
	s.mu.Unlock()
	if ok {
		return true
	}
	wait := max(int64((free.Sub(now)+time.Second-1)/time.Second), 1)
	h := w.Header()
	h.Set("Retry-After", strconv.FormatInt(wait, 10))
	h.Set("X-RateLimit-Limit", strconv.Itoa(rl.Limit))
	h.Set("X-RateLimit-Window", strconv.FormatInt(int64(rl.Window/time.Second), 10))
	h.Set("X-RateLimit-Reset", strconv.FormatInt(free.Unix()+boolInt(free.Nanosecond() > 0), 10))
	h.Set("X-RateLimit-Tier", "token")
	problem(w, http.StatusTooManyRequests, "Too Many Requests", "Rate limit exceeded")
	return false
}

func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}
