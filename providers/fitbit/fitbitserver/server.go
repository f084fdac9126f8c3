package fitbitserver

import (
	"bytes"
	"cmp"
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

// Paths served by the Server besides the API under /1/ and /1.2/.
const (
	AuthPath    = "/oauth2/authorize"
	ConsentPath = "/oauth2/consent"
	TokenPath   = "/oauth2/token"
	RevokePath  = "/oauth2/revoke"
)

// knownScopes are Fitbit's scope names (§2).
var knownScopes = []string{"activity", "cardio_fitness", "electrocardiogram", "heartrate",
	"irregular_rhythm_notifications", "location", "nutrition", "oxygen_saturation", "profile",
	"respiratory_rate", "settings", "sleep", "social", "temperature", "weight"}

// Defaults for zero Config fields.
const (
	DefaultDays   = 90
	DefaultLimit  = 150 // requests per user per DefaultWindow (§4)
	DefaultWindow = time.Hour
	AccessTTL     = 8 * time.Hour // code-flow tokens (§2)
	// ConflictWindow is how long after a refresh token was used a second
	// use of it answers 409 (two clients refreshing at once, §2) rather
	// than 400 invalid_grant.
	ConflictWindow = time.Minute
	maxDays        = 36500

	// ClientID and ClientSecret are the demo app's credentials (a
	// "server" app: the secret goes in HTTP Basic).
	ClientID     = "23FITB"
	ClientSecret = "fitbit-demo-secret"
)

// RateLimit is requests per fixed window per user; windows start at
// multiples of Window since the Unix epoch, so an hour's starts at the top
// of the hour as Fitbit's does. The zero value is Fitbit's 150 per hour;
// Off disables it.
type RateLimit struct {
	Limit  int
	Window time.Duration
	Off    bool
}

// Config configures a Server. The zero value is usable.
type Config struct {
	Seed int64
	// Days of history, ending yesterday in the user's zone; default 90.
	Days        int
	AutoApprove bool
	RateLimit   RateLimit
	// Now is the clock of the data's last day, of token expiry and of the
	// quota; default time.Now.
	Now func() time.Time
	// End, when set, stands for Now in the data: the history ends the day
	// before End's day in the user's zone, and that day is "today".
	End time.Time
}

// Server is the Fitbit emulator. It is safe for concurrent use.
type Server struct {
	cfg   Config
	data  *dataset
	oauth *oauthserver.Server
	mux   *http.ServeMux

	mu       sync.Mutex
	windows  map[string]*quotaWindow // per user
	limited  int                     // 429 answers
	requests int                     // API requests
	used     map[string]time.Time    // refresh tokens used, for ConflictWindow
}

type quotaWindow struct {
	end  time.Time
	used int
}

// New checks cfg, fills in defaults and returns a Server.
func New(cfg Config) (*Server, error) {
	if cfg.Days == 0 {
		cfg.Days = DefaultDays
	}
	if cfg.Days < 0 || cfg.Days > maxDays {
		return nil, fmt.Errorf("fitbitserver: %d days of history: want 1 to %d", cfg.Days, maxDays)
	}
	if cfg.RateLimit.Limit == 0 {
		cfg.RateLimit.Limit = DefaultLimit
	}
	if cfg.RateLimit.Window == 0 {
		cfg.RateLimit.Window = DefaultWindow
	}
	if cfg.RateLimit.Limit < 0 || cfg.RateLimit.Window < 0 {
		return nil, errors.New("fitbitserver: the rate limit must be positive")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	yesterday := civil(cmp.Or(cfg.End, cfg.Now()).In(home)) - 1
	s := &Server{cfg: cfg, data: newDataset(cfg.Seed, yesterday, cfg.Days),
		windows: map[string]*quotaWindow{}, used: map[string]time.Time{}}
	var err error
	s.oauth, err = oauthserver.New(oauthserver.Config{
		Clients: []oauthserver.Client{{ID: ClientID, Secret: ClientSecret}},
		Scopes:  knownScopes,
		DefaultScopes: []string{"activity", "heartrate", "profile", "sleep", "weight", "oxygen_saturation",
			"respiratory_rate", "temperature", "cardio_fitness", "settings"},
		Users:     []oauthserver.User{{ID: s.data.userID, Name: "Fitbit demo user", Tag: s.data.userID}},
		AccessTTL: AccessTTL,
		// Every refresh answers a new refresh token and ends the old one
		// (§2).
		RotateRefreshTokens: true,
		PKCE:                oauthserver.PKCEAllowed,
		// A server app authenticates with HTTP Basic (§2).
		ClientAuth: oauthserver.ClientAuthBasic,
		// redirect_uri is needed at the exchange only if it was sent to
		// authorize; this server always gets one there, and checks it
		// when it comes back.
		RedirectURIOptional: true,
		Revocation:          true,
		AutoApprove:         cfg.AutoApprove,
		Paths:               oauthserver.Paths{Authorize: AuthPath, Consent: ConsentPath, Revoke: RevokePath},
		Service:             "Fitbit",
		Realm:               "api.fitbit.com",
		Now:                 cfg.Now,
	})
	if err != nil {
		return nil, fmt.Errorf("fitbitserver: %w", err)
	}
	s.mux = http.NewServeMux()
	s.oauth.Mount(s.mux)
	s.mux.Handle(TokenPath, s.tokenEndpoint())
	s.mux.HandleFunc("/1/", s.handleAPI)
	s.mux.HandleFunc("/1.2/", s.handleAPI)
	// Any other path: Fitbit's 404 body rather than the mux's text.
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { notFound.write(w) })
	return s, nil
}

// ServeHTTP serves the OAuth endpoints and the API.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// Info locates a served emulator.
type Info struct {
	BaseURL, APIURL, AuthURL, TokenURL, RevokeURL string
	ClientID, ClientSecret                        string
}

// Info describes the server as reachable at baseURL. APIURL is the root
// the API's paths (/1/user/-/..., /1.2/user/-/...) are relative to, as
// https://api.fitbit.com is.
func (s *Server) Info(baseURL string) Info {
	b := strings.TrimRight(baseURL, "/")
	return Info{BaseURL: b, APIURL: b, AuthURL: b + AuthPath, TokenURL: b + TokenPath, RevokeURL: b + RevokePath,
		ClientID: ClientID, ClientSecret: ClientSecret}
}

// UserID is the user's encodedId.
func (s *Server) UserID() string { return s.data.userID }

// IssueToken creates a grant without the browser flow, for tests; no
// scopes means every scope.
func (s *Server) IssueToken(scopes []string) (access, refresh string, err error) {
	return s.oauth.IssueToken(s.data.userID, ClientID, scopes)
}

// RateLimited is the number of API requests answered 429.
func (s *Server) RateLimited() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.limited
}

// Requests is the number of API requests served, 429s and errors
// included.
func (s *Server) Requests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests
}

// apiError is an answer in Fitbit's error form (§3).
type apiError struct {
	status                    int
	errorType, field, message string
}

func (e *apiError) write(w http.ResponseWriter) {
	item := map[string]string{"errorType": e.errorType, "message": e.message}
	if e.field != "" {
		item["fieldName"] = e.field
	}
	writeJSON(w, e.status, map[string]any{"errors": []any{item}, "success": false})
}

func validation(field, format string, args ...any) *apiError {
	return &apiError{http.StatusBadRequest, "validation", field, fmt.Sprintf(format, args...)}
}

// writeJSON writes v without HTML escaping, so the & of a
// pagination.next URL stays a plain & as in sleep_list_page.json.
func writeJSON(w http.ResponseWriter, status int, v any) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(status)
	_, _ = w.Write(bytes.TrimSuffix(b.Bytes(), []byte("\n")))
}

// authenticate resolves the bearer token: 401 expired_token or
// invalid_token in Fitbit's form (error_expired_token.json); a request
// without one is a 400 (§3's status table).
func (s *Server) authenticate(r *http.Request) (oauthserver.Access, *apiError) {
	tok, ok := oauthserver.BearerToken(r)
	if !ok {
		return oauthserver.Access{}, &apiError{http.StatusBadRequest, "invalid_request", "n/a", "Authorization header required."}
	}
	at, err := s.oauth.Lookup(tok)
	switch {
	case errors.Is(err, oauthserver.ErrExpiredToken):
		return at, &apiError{http.StatusUnauthorized, "expired_token", "", "Access token expired: " + tok}
	case err != nil:
		return at, &apiError{http.StatusUnauthorized, "invalid_token", "", "Access token invalid: " + tok}
	}
	return at, nil
}

// take counts a request of user in its fixed window and sets the three
// Fitbit-Rate-Limit headers (§4); past the limit it answers the 429 of
// error_rate_limit.json with Retry-After, and does not count it.
func (s *Server) take(w http.ResponseWriter, user string) *apiError {
	rl := s.cfg.RateLimit
	if rl.Off {
		return nil
	}
	now := s.cfg.Now()
	s.mu.Lock()
	win := s.windows[user]
	if win == nil || !now.Before(win.end) {
		win = &quotaWindow{end: now.Truncate(rl.Window).Add(rl.Window)}
		s.windows[user] = win
	}
	ok := win.used < rl.Limit
	if ok {
		win.used++
	} else {
		s.limited++
	}
	remaining, end := rl.Limit-win.used, win.end
	s.mu.Unlock()
	h := w.Header()
	h.Set("Fitbit-Rate-Limit-Limit", strconv.Itoa(rl.Limit))
	h.Set("Fitbit-Rate-Limit-Remaining", strconv.Itoa(remaining))
	h.Set("Fitbit-Rate-Limit-Reset", resetSeconds(end.Sub(now), rl.Window < time.Minute))
	if ok {
		return nil
	}
	h.Set("Retry-After", strconv.FormatInt(int64((end.Sub(now)+time.Second-1)/time.Second), 10))
	return &apiError{http.StatusTooManyRequests, "system", "n/a", "Too Many Requests"}
}

// resetSeconds is the wait until the window ends in whole seconds, rounded
// up, as Fitbit sends it. A compressed demo window of a few seconds would
// be overrun by most of a second each time, so below a minute the wait
// keeps its milliseconds.
func resetSeconds(d time.Duration, fraction bool) string {
	if !fraction {
		return strconv.FormatInt(int64((d+time.Second-1)/time.Second), 10)
	}
	ms := (d + time.Millisecond - 1) / time.Millisecond
	return strconv.FormatFloat(float64(ms)/1000, 'f', -1, 64)
}
