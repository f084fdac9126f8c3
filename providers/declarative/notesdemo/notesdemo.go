// Package notesdemo emulates the imagined notes API of
// examples/providers/notes.yaml, the example of a provider declared as
// data (docs/providers/yaml.md): its OAuth server, a profile, tags, notes
// paged by an opaque cursor and filtered by update time, and each note's
// comments paged by page number. Its data is a pure function of the seed,
// the number of days and the date.
package notesdemo

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/upexport/upexport/internal/oauthserver"
	"github.com/upexport/upexport/provider"
)

// The demo app's credentials and the emulator's defaults.
const (
	ClientID     = "notes-demo"
	ClientSecret = "notes-demo-secret"
	DefaultDays  = 60
	// APIPath is where the API is served, below the emulator's base URL.
	APIPath = "/api/v2"
)

// Page sizes: the API's default and its largest.
const (
	defaultLimit   = 20
	maxLimit       = 100
	defaultPerPage = 10
	maxPerPage     = 50
)

var scopes = []string{"profile", "notes.read", "comments.read"}

var oauthPaths = oauthserver.Paths{
	Authorize: "/oauth/authorize",
	Consent:   "/oauth/consent",
	Token:     "/oauth/token",
	Device:    "/oauth/device",
	Verify:    "/oauth/device/verify",
	Revoke:    "/oauth/revoke",
}

// Server is the emulator; it is safe for concurrent use.
type Server struct {
	oauth *oauthserver.Server
	mux   *http.ServeMux
	data  *dataset
	quota provider.Quota
	now   func() time.Time

	mu     sync.Mutex
	window time.Time      // start of the quota window in force
	used   map[string]int // requests per user in it
}

// New makes the emulator for opts (provider.Provider.NewDemo).
func New(opts provider.DemoOptions) (provider.Demo, error) {
	days := opts.Days
	if days == 0 {
		days = DefaultDays
	}
	if days < 1 || days > 36500 {
		return nil, fmt.Errorf("notesdemo: %d days of history: want 1 to 36500", days)
	}
	if opts.Quota.Limit > 0 && opts.Quota.Window <= 0 {
		return nil, errors.New("notesdemo: a quota needs a positive window")
	}
	d := generate(opts.Seed, days, time.Now().UTC())
	o, err := oauthserver.New(oauthserver.Config{
		Clients:             []oauthserver.Client{{ID: ClientID, Secret: ClientSecret, SecretOptional: true}},
		Scopes:              scopes,
		DefaultScopes:       scopes,
		Users:               []oauthserver.User{{ID: d.account.ID, Name: d.account.Name, Tag: d.account.ID}},
		RotateRefreshTokens: true,
		DeviceFlow:          true,
		Revocation:          true,
		AutoApprove:         opts.AutoApprove,
		Paths:               oauthPaths,
		Service:             "Notes",
		Realm:               "notes",
	})
	if err != nil {
		return nil, fmt.Errorf("notesdemo: %w", err)
	}
	s := &Server{oauth: o, mux: http.NewServeMux(), data: d, quota: opts.Quota, now: time.Now, used: map[string]int{}}
	o.Mount(s.mux)
	s.mux.HandleFunc("GET "+APIPath+"/me", s.api("profile", s.profile))
	s.mux.HandleFunc("GET "+APIPath+"/tags", s.api("notes.read", s.tags))
	s.mux.HandleFunc("GET "+APIPath+"/notes", s.api("notes.read", s.notes))
	s.mux.HandleFunc("GET "+APIPath+"/notes/{id}/comments", s.api("comments.read", s.comments))
	s.mux.HandleFunc(APIPath+"/", func(w http.ResponseWriter, r *http.Request) {
		apiError(w, http.StatusNotFound, "not_found", "no such resource: "+r.URL.Path)
	})
	return s, nil
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// Info locates the emulator served at baseURL.
func (s *Server) Info(baseURL string) provider.DemoInfo {
	b := strings.TrimRight(baseURL, "/")
	return provider.DemoInfo{
		APIURL: b + APIPath, AuthURL: b + oauthPaths.Authorize, TokenURL: b + oauthPaths.Token,
		DeviceURL: b + oauthPaths.Device, RevokeURL: b + oauthPaths.Revoke, Issuer: b,
		ClientID: ClientID, ClientSecret: ClientSecret,
	}
}

// api wraps a handler of the API: the bearer token, the scope the
// resource needs, the quota, and the envelope around the answer.
func (s *Server) api(scope string, h func(*http.Request) (any, *httpError)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, err := s.oauth.Authenticate(r)
		if err != nil {
			w.Header().Set("WWW-Authenticate", `Bearer realm="notes", error="invalid_token"`)
			apiError(w, http.StatusUnauthorized, "invalid_token", err.Error())
			return
		}
		if !a.Scopes.Has(scope) {
			apiError(w, http.StatusForbidden, "insufficient_scope", "this resource needs the scope "+scope)
			return
		}
		if wait, ok := s.spend(a.UserID); !ok {
			w.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds()+0.999)))
			apiError(w, http.StatusTooManyRequests, "rate_limited", "request quota spent")
			return
		}
		res, herr := h(r)
		if herr != nil {
			apiError(w, herr.status, herr.kind, herr.msg)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"result": res, "account_id": a.UserID})
	}
}

// spend counts a request against the user's quota: false, and how long
// until the window ends, when it is spent.
func (s *Server) spend(user string) (time.Duration, bool) {
	if s.quota.Limit <= 0 {
		return 0, true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	if now.Sub(s.window) >= s.quota.Window {
		s.window, s.used = now, map[string]int{}
	}
	if s.used[user] >= s.quota.Limit {
		return s.window.Add(s.quota.Window).Sub(now), false
	}
	s.used[user]++
	return 0, true
}

type httpError struct {
	status    int
	kind, msg string
}

func badRequest(format string, a ...any) *httpError {
	return &httpError{http.StatusBadRequest, "invalid_request", fmt.Sprintf(format, a...)}
}

// apiError answers with the API's error object: its status is also in
// the body, where the envelope's code reads it.
func apiError(w http.ResponseWriter, status int, kind, msg string) {
	writeJSON(w, status, map[string]any{"error": map[string]any{"status": status, "type": kind, "message": msg}})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	w.Write(b)
}

func (s *Server) profile(*http.Request) (any, *httpError) { return s.data.account, nil }

func (s *Server) tags(*http.Request) (any, *httpError) {
	return map[string]any{"tags": s.data.tags}, nil
}

// notes pages by cursor: an opaque token naming the last note of the
// previous page, which the next request sends back as ?cursor=. The
// filters (updated_since, created_after, created_before) and order are
// sent with every page.
func (s *Server) notes(r *http.Request) (any, *httpError) {
	q := r.URL.Query()
	limit, herr := intParam(q.Get("limit"), "limit", defaultLimit, maxLimit)
	if herr != nil {
		return nil, herr
	}
	if o := q.Get("order"); o != "" && o != "id" {
		return nil, badRequest("order %q: notes are ordered by id only", o)
	}
	var after string
	if c := q.Get("cursor"); c != "" {
		b, err := base64.RawURLEncoding.DecodeString(c)
		id, ok := strings.CutPrefix(string(b), "after:")
		if err != nil || !ok {
			return nil, badRequest("cursor %q is not one this server gave", c)
		}
		after = id
	}
	var updatedSince int64 = -1 << 62
	if v := q.Get("updated_since"); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			return nil, badRequest("updated_since %q: want an RFC 3339 time", v)
		}
		updatedSince = t.Unix()
	}
	dayParam := func(name string) (string, *httpError) {
		v := q.Get(name)
		if v == "" {
			return "", nil
		}
		if _, err := time.Parse(time.DateOnly, v); err != nil {
			return "", badRequest("%s %q: want YYYY-MM-DD", name, v)
		}
		return v, nil
	}
	from, herr := dayParam("created_after")
	if herr != nil {
		return nil, herr
	}
	to, herr := dayParam("created_before")
	if herr != nil {
		return nil, herr
	}
	page := []note{}
	next := ""
	for _, n := range s.data.notes {
		if n.ID <= after || n.UpdatedAt <= updatedSince {
			continue
		}
		day := time.Unix(n.CreatedAt, 0).UTC().Format(time.DateOnly)
		if (from != "" && day < from) || (to != "" && day > to) {
			continue
		}
		if len(page) == limit {
			next = base64.RawURLEncoding.EncodeToString([]byte("after:" + page[len(page)-1].ID))
			break
		}
		page = append(page, n)
	}
	res := map[string]any{"notes": page}
	if next != "" {
		res["next_cursor"] = next
	}
	return res, nil
}

// comments pages by page number from 1; a page past the last is empty.
func (s *Server) comments(r *http.Request) (any, *httpError) {
	id := r.PathValue("id")
	cs, ok := s.data.comments[id]
	if !ok {
		return nil, &httpError{http.StatusNotFound, "not_found", "no note " + id}
	}
	q := r.URL.Query()
	page, herr := intParam(q.Get("page"), "page", 1, 1<<20)
	if herr != nil {
		return nil, herr
	}
	per, herr := intParam(q.Get("per_page"), "per_page", defaultPerPage, maxPerPage)
	if herr != nil {
		return nil, herr
	}
	start := min((page-1)*per, len(cs))
	end := min(start+per, len(cs))
	return map[string]any{"comments": cs[start:end], "page": page}, nil
}

// intParam reads a positive integer parameter, def when absent; above
// hi it is hi, as real APIs clamp page sizes.
func intParam(v, name string, def, hi int) (int, *httpError) {
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, badRequest("%s %q: want a positive integer", name, v)
	}
	return min(n, hi), nil
}

type account struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Email     string `json:"email"`
	Plan      string `json:"plan"`
	CreatedAt int64  `json:"created_at"`
}

type tag struct {
	Name  string `json:"name"`
	Color string `json:"color"`
	Notes int    `json:"notes"`
}

type note struct {
	ID          string       `json:"id"`
	Title       string       `json:"title"`
	Body        string       `json:"body"`
	Pinned      bool         `json:"pinned"`
	Words       int          `json:"word_count"`
	Tags        []string     `json:"tags"`
	Attachments []attachment `json:"attachments,omitempty"`
	CreatedAt   int64        `json:"created_at"`
	UpdatedAt   int64        `json:"updated_at"`
}

type attachment struct {
	Name  string `json:"name"`
	Bytes int64  `json:"bytes"`
	Mime  string `json:"mime"`
}

type comment struct {
	ID       string `json:"id"`
	Author   string `json:"author"`
	Text     string `json:"text"`
	PostedAt int64  `json:"posted_at"`
}

type dataset struct {
	account  account
	tags     []tag
	notes    []note // by id
	comments map[string][]comment
}

var (
	words     = strings.Fields("garden invoice recipe trip meeting draft budget plan idea list book film call review bug release train coffee gift quote")
	tagNames  = []string{"home", "ideas", "reading", "travel", "work"}
	colors    = []string{"blue", "green", "orange", "purple", "red"}
	people    = []string{"Ada", "Grace", "Linus", "Margaret", "Ken"}
	mimeTypes = []string{"image/png", "application/pdf", "text/plain"}
)

// generate makes the account's data: about one note every second day
// over days before today (UTC), each changed up to two days after it was
// written, and none later than yesterday, so that the data served does
// not change during a day.
func generate(seed int64, days int, now time.Time) *dataset {
	rng := rand.New(rand.NewPCG(uint64(seed), 0x6e6f746573))
	today := now.Truncate(24 * time.Hour)
	start := today.AddDate(0, 0, -days)
	d := &dataset{comments: map[string][]comment{}}
	d.account = account{
		ID:        fmt.Sprintf("acct-%06d", rng.IntN(1000000)),
		Name:      people[rng.IntN(len(people))] + " Example",
		Plan:      []string{"free", "pro"}[rng.IntN(2)],
		CreatedAt: start.Add(-time.Duration(rng.IntN(1000)) * time.Hour).Unix(),
	}
	d.account.Email = strings.ToLower(strings.Fields(d.account.Name)[0]) + "@notes.example"
	count := map[string]int{}
	n := max(days/2, 4)
	for i := range n {
		created := start.Add(time.Duration(rng.Int64N(int64(days)*86400)) * time.Second)
		updated := created.Add(time.Duration(rng.Int64N(2*86400)) * time.Second)
		if last := today.Add(-time.Second); updated.After(last) {
			updated = last
		}
		title := words[rng.IntN(len(words))] + " " + words[rng.IntN(len(words))]
		nt := note{
			ID: fmt.Sprintf("note-%05d", i+1), Title: title, Pinned: rng.IntN(5) == 0,
			CreatedAt: created.Unix(), UpdatedAt: updated.Unix(), Tags: []string{},
		}
		var body []string
		for range 3 + rng.IntN(30) {
			body = append(body, words[rng.IntN(len(words))])
		}
		nt.Body, nt.Words = strings.Join(body, " "), len(body)
		for _, t := range rng.Perm(len(tagNames))[:rng.IntN(3)] {
			nt.Tags = append(nt.Tags, tagNames[t])
			count[tagNames[t]]++
		}
		sort.Strings(nt.Tags)
		// Every third note has attachments, so that their table has rows.
		if i%3 == 0 {
			for k := range 1 + rng.IntN(2) {
				m := mimeTypes[rng.IntN(len(mimeTypes))]
				nt.Attachments = append(nt.Attachments, attachment{
					Name:  fmt.Sprintf("%s-%d.%s", strings.Fields(title)[0], k+1, m[strings.LastIndex(m, "/")+1:]),
					Bytes: 1000 + rng.Int64N(5_000_000), Mime: m,
				})
			}
		}
		var cs []comment
		for k := range rng.IntN(5) {
			posted := created.Add(time.Duration(1+rng.Int64N(86400)) * time.Second)
			if posted.After(updated) {
				posted = updated
			}
			cs = append(cs, comment{ID: fmt.Sprintf("%s-c%d", nt.ID, k+1), Author: people[rng.IntN(len(people))],
				Text: words[rng.IntN(len(words))] + "?", PostedAt: posted.Unix()})
		}
		d.comments[nt.ID] = cs
		d.notes = append(d.notes, nt)
	}
	for i, name := range tagNames {
		d.tags = append(d.tags, tag{Name: name, Color: colors[i], Notes: count[name]})
	}
	return d
}
