package fitbitserver

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestRangeLimits: one day past a route's limit is a 400 validation
// error (§5), the limit itself is served.
func TestRangeLimits(t *testing.T) {
	c := newClient(t, Config{Seed: 1})
	end := "2024-03-18"
	start := func(days int) string {
		return testNow.AddDate(0, 0, -days).Format(time.DateOnly)
	}
	for _, tc := range []struct {
		path  string // with %s for the start date
		limit int
	}{
		{"/1/user/-/activities/steps/date/%s/" + end + ".json", 1095},
		{"/1/user/-/activities/minutesVeryActive/date/%s/" + end + ".json", 1095},
		{"/1/user/-/activities/tracker/distance/date/%s/" + end + ".json", 1095},
		{"/1/user/-/activities/heart/date/%s/" + end + ".json", 365},
		{"/1.2/user/-/sleep/date/%s/" + end + ".json", 100},
		{"/1/user/-/body/log/weight/date/%s/" + end + ".json", 31},
		{"/1/user/-/body/log/fat/date/%s/" + end + ".json", 30},
		{"/1/user/-/spo2/date/%s/" + end + ".json", 30},
		{"/1/user/-/spo2/date/%s/" + end + "/all.json", 30},
		{"/1/user/-/hrv/date/%s/" + end + ".json", 30},
		{"/1/user/-/hrv/date/%s/" + end + "/all.json", 30},
		{"/1/user/-/br/date/%s/" + end + ".json", 30},
		{"/1/user/-/temp/skin/date/%s/" + end + ".json", 30},
		{"/1/user/-/cardioscore/date/%s/" + end + ".json", 30},
	} {
		t.Run(tc.path, func(t *testing.T) {
			// The range from start(k) to 2024-03-18 has k days.
			if a := c.get(strings.Replace(tc.path, "%s", start(tc.limit), 1)); a.status != 200 {
				t.Errorf("%d days: %d %s", tc.limit, a.status, a.body)
			}
			a := c.get(strings.Replace(tc.path, "%s", start(tc.limit+1), 1))
			if a.status != 400 || fitbitError(t, a) != "validation" {
				t.Errorf("%d days: %d %s", tc.limit+1, a.status, a.body)
			}
		})
	}
}

func TestBadRequests(t *testing.T) {
	c := newClient(t, Config{Seed: 1})
	for _, tc := range []struct {
		path      string
		status    int
		errorType string
	}{
		{"/1/user/-/activities/steps/date/2024-02-30/2024-03-07.json", 400, "validation"},
		{"/1/user/-/activities/steps/date/2024-03-07/2024-03-01.json", 400, "validation"},
		{"/1/user/-/activities/steps/date/2024-03-07/2x.json", 400, "validation"},
		{"/1/user/-/activities/heart/date/2024-03-07/1y.json", 400, "validation"}, // heart periods stop at 1m
		{"/1/user/-/activities/steps/date/2024-03-06/2024-03-07/1min.json", 400, "validation"},
		{"/1/user/-/activities/steps/date/2024-03-06/1d/1min/time/12:00/11:00.json", 400, "validation"},
		{"/1.2/user/-/sleep/list.json?afterDate=2024-03-05&sort=desc&offset=0&limit=10", 400, "validation"},
		{"/1.2/user/-/sleep/list.json?beforeDate=2024-03-05&sort=desc&offset=0&limit=101", 400, "validation"},
		{"/1.2/user/-/sleep/list.json?sort=asc&offset=0&limit=10", 400, "validation"},
		{"/1.2/user/-/sleep/list.json?afterDate=2024-03-05&sort=asc&offset=9223372036854775807&limit=10", 400, "validation"},
		{"/1.2/user/-/sleep/list.json?afterDate=2024-03-05&sort=asc&offset=-1&limit=10", 400, "validation"},
		{"/1/user/-/activities/list.json?afterDate=2024-03-05&beforeDate=2024-03-09&sort=asc&limit=10", 400, "validation"},
		{"/1/user/-/activities/nothing/date/2024-03-01/2024-03-07.json", 404, "not_found"},
		{"/1/user/-/profile", 404, "not_found"},
		{"/2/user/-/profile.json", 404, "not_found"},
		{"/", 404, "not_found"},
		{"/1/user/-/sleep/date/2024-03-06.json", 404, "not_found"}, // sleep is 1.2 here
		{"/1/user/ABCDEF/profile.json", 401, "authorization"},
	} {
		a := c.get(tc.path)
		if a.status != tc.status || fitbitError(t, a) != tc.errorType {
			t.Errorf("GET %s: %d %s, want %d %s", tc.path, a.status, a.body, tc.status, tc.errorType)
		}
	}
	// The user's own id works as "-" does.
	var p struct{ User struct{ EncodedID string } }
	c.ok("/1/user/"+c.srv.UserID()+"/profile.json", &p)
	if p.User.EncodedID != c.srv.UserID() {
		t.Errorf("encodedId %q, want %q", p.User.EncodedID, c.srv.UserID())
	}
	// No token at all.
	c.token = ""
	if a := c.get("/1/user/-/profile.json"); a.status != 400 || fitbitError(t, a) != "invalid_request" {
		t.Errorf("without a token: %d %s", a.status, a.body)
	}
	c.token = "forged"
	if a := c.get("/1/user/-/profile.json"); a.status != 401 || fitbitError(t, a) != "invalid_token" {
		t.Errorf("a forged token: %d %s", a.status, a.body)
	}
}

// TestScopes: each route group needs its scope (§2's table).
func TestScopes(t *testing.T) {
	for _, tc := range []struct{ path, scope string }{
		{"/1/user/-/profile.json", "profile"},
		{"/1/user/-/devices.json", "settings"},
		{"/1/user/-/activities/date/2024-03-06.json", "activity"},
		{"/1/user/-/activities/list.json?afterDate=2024-03-05&sort=asc&offset=0&limit=5", "activity"},
		{"/1/user/-/activities/steps/date/2024-03-06/1d/1min.json", "activity"},
		{"/1/user/-/activities/heart/date/2024-03-06/1d/1min.json", "heartrate"},
		{"/1/user/-/hrv/date/2024-03-06.json", "heartrate"},
		{"/1.2/user/-/sleep/date/2024-03-06.json", "sleep"},
		{"/1/user/-/body/log/fat/date/2024-03-06.json", "weight"},
		{"/1/user/-/spo2/date/2024-03-06.json", "oxygen_saturation"},
		{"/1/user/-/br/date/2024-03-06.json", "respiratory_rate"},
		{"/1/user/-/temp/skin/date/2024-03-06.json", "temperature"},
		{"/1/user/-/cardioscore/date/2024-03-06.json", "cardio_fitness"},
	} {
		other := "nutrition"
		with := newClient(t, Config{Seed: 1}, tc.scope)
		without := newClient(t, Config{Seed: 1}, other)
		if a := with.get(tc.path); a.status != 200 {
			t.Errorf("%s with %s: %d %s", tc.path, tc.scope, a.status, a.body)
		}
		if a := without.get(tc.path); a.status != 403 || fitbitError(t, a) != "insufficient_scope" {
			t.Errorf("%s without %s: %d %s", tc.path, tc.scope, a.status, a.body)
		}
	}
}

// TestUnits: Accept-Language en_US answers miles, feet, pounds and
// inches, en_GB stone for body weight and metric otherwise, everything
// else metric (§6).
func TestUnits(t *testing.T) {
	c := newClient(t, Config{Seed: 1})
	type series struct {
		Distance []struct{ Value string } `json:"activities-distance"`
		Elev     []struct{ Value string } `json:"activities-elevation"`
	}
	type weights struct {
		Weight []struct {
			Weight, BMI float64
		}
	}
	type profile struct {
		User struct{ Height, Weight, StrideLengthWalking float64 }
	}
	read := func(lang string) (km, m float64, w weights, p profile) {
		c.lang = lang
		var s series
		c.ok("/1/user/-/activities/distance/date/2024-03-01/2024-03-07.json", &s)
		km, _ = strconv.ParseFloat(s.Distance[3].Value, 64)
		c.ok("/1/user/-/activities/elevation/date/2024-03-01/2024-03-07.json", &s)
		m, _ = strconv.ParseFloat(s.Elev[3].Value, 64)
		c.ok("/1/user/-/body/log/weight/date/2024-02-20/2024-03-18.json", &w)
		c.ok("/1/user/-/profile.json", &p)
		return
	}
	km, m, w, p := read("")
	if km == 0 || m == 0 || len(w.Weight) == 0 || w.Weight[0].Weight < 40 || w.Weight[0].Weight > 90 || p.User.Height != heightCM {
		t.Fatalf("metric: %v km, %v m, %+v, %+v", km, m, w, p)
	}
	near := func(what string, got, want, tol float64) {
		t.Helper()
		if math.Abs(got-want) > tol {
			t.Errorf("%s: %v, want %v", what, got, want)
		}
	}
	for _, tc := range []struct {
		lang                     string
		dist, elev, weight, size float64 // divisors of the metric value
	}{
		{"en_US", kmPerMile, metresPerFt, kgPerPound, cmPerInch},
		{"en_GB", 1, 1, kgPerStone, 1},
		{"de_DE", 1, 1, 1, 1},
		{"en_US;q=0.9", kmPerMile, metresPerFt, kgPerPound, cmPerInch},
		{"metric", 1, 1, 1, 1},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			km2, m2, w2, p2 := read(tc.lang)
			near("distance", km2, km/tc.dist, 1e-4)
			near("elevation", m2, m/tc.elev, 0.01)
			near("weight", w2.Weight[0].Weight, w.Weight[0].Weight/tc.weight, 0.01)
			near("bmi", w2.Weight[0].BMI, w.Weight[0].BMI, 0)
			near("height", p2.User.Height, p.User.Height/tc.size, 0.1)
		})
	}
}

// TestPaging follows pagination.next through both list routes and finds
// every log once, in order, the same as the routes by date serve.
func TestPaging(t *testing.T) {
	c := newClient(t, Config{Seed: 1, Days: 40})
	type page struct {
		Sleep      []map[string]any
		Activities []map[string]any
		Pagination struct {
			Next, Previous, Sort string
			Offset, Limit        int
		}
	}
	follow := func(path, key string) (ids []float64, starts []string, pages int) {
		for next := c.hs.URL + path; next != ""; pages++ {
			u, err := url.Parse(next)
			if err != nil {
				t.Fatal(err)
			}
			if u.Host != c.hs.Listener.Addr().String() {
				t.Fatalf("next %s is not on the emulator's host", next)
			}
			var p page
			c.ok(u.RequestURI(), &p)
			items := p.Sleep
			if key == "activities" {
				items = p.Activities
			}
			if len(items) > p.Pagination.Limit || p.Pagination.Limit != 3 {
				t.Fatalf("%d items on a page of %d", len(items), p.Pagination.Limit)
			}
			if (p.Pagination.Offset == 0) != (p.Pagination.Previous == "") {
				t.Errorf("offset %d with previous %q", p.Pagination.Offset, p.Pagination.Previous)
			}
			for _, it := range items {
				ids = append(ids, it["logId"].(float64))
				starts = append(starts, it["startTime"].(string))
			}
			next = p.Pagination.Next
			if pages > 100 {
				t.Fatal("paging does not end")
			}
		}
		return
	}
	d := c.srv.data
	first := dayText(d.first)
	ids, starts, pages := follow("/1.2/user/-/sleep/list.json?afterDate="+first+"&sort=asc&offset=0&limit=3", "sleep")
	// What the list should hold: every log that started after the first
	// day, whichever day it is dated.
	bound := at(d.first+1, 0, 0, 0)
	var want []float64
	for n := d.first; n <= d.last; n++ {
		for _, l := range d.sleepLogs(n) {
			if !l.span.from.Before(bound) {
				want = append(want, float64(l.id))
			}
		}
	}
	if len(ids) != len(want) || pages < 10 {
		t.Fatalf("the list has %d logs in %d pages, want %d", len(ids), pages, len(want))
	}
	for i := range want {
		if ids[i] != want[i] {
			t.Fatalf("log %d: %v, want %v", i, ids[i], want[i])
		}
	}
	// The date route serves the same logs.
	var byDate struct{ Sleep []map[string]any }
	c.ok("/1.2/user/-/sleep/date/"+dayText(d.first)+"/"+dayText(d.last)+".json", &byDate)
	k := len(byDate.Sleep) - len(want)
	for i, l := range byDate.Sleep[k:] {
		if l["logId"].(float64) != want[i] {
			t.Fatalf("by date, log %d is %v, want %v", i, l["logId"], want[i])
		}
	}
	for i := 1; i < len(starts); i++ {
		if starts[i] <= starts[i-1] {
			t.Fatalf("not ascending: %s after %s", starts[i], starts[i-1])
		}
	}
	// Backwards from the end: the same logs and those of the first day,
	// newest first.
	back, _, _ := follow("/1.2/user/-/sleep/list.json?beforeDate="+dayText(d.last+1)+"&sort=desc&offset=0&limit=3", "sleep")
	if len(back) != len(byDate.Sleep) {
		t.Errorf("descending list: %d logs, want %d", len(back), len(byDate.Sleep))
	}
	for i := range back {
		if back[i] != byDate.Sleep[len(byDate.Sleep)-1-i]["logId"].(float64) {
			t.Fatalf("descending list differs at %d", i)
		}
	}

	acts, astarts, _ := follow("/1/user/-/activities/list.json?afterDate="+first+"&sort=asc&offset=0&limit=3", "activities")
	nacts := 0
	for n := d.first + 1; n <= d.last; n++ {
		nacts += len(d.activityLogs(n))
	}
	if len(acts) != nacts || nacts == 0 {
		t.Errorf("activity list: %d logs, want %d", len(acts), nacts)
	}
	seen := map[float64]bool{}
	for i, id := range acts {
		if seen[id] {
			t.Errorf("log %v twice", id)
		}
		seen[id] = true
		if _, err := time.Parse("2006-01-02T15:04:05.000-07:00", astarts[i]); err != nil {
			t.Errorf("activity startTime without an offset: %v", err)
		}
	}
}

// TestQuota: a fixed window per user, reset on the hour, the three
// headers on every answer, 429 with Retry-After when spent (§4).
func TestQuota(t *testing.T) {
	c := newClient(t, Config{Seed: 1, RateLimit: RateLimit{Limit: 3, Window: time.Hour}})
	c.clock.t = time.Date(2024, 3, 19, 17, 45, 30, 0, time.UTC) // 14:30 to the next hour
	paths := []string{"/1/user/-/profile.json", "/1/user/-/nothing.json", "/1/user/-/activities/steps/date/x/y.json"}
	for i, p := range paths {
		a := c.get(p)
		h := a.header
		if h.Get("Fitbit-Rate-Limit-Limit") != "3" || h.Get("Fitbit-Rate-Limit-Remaining") != strconv.Itoa(2-i) ||
			h.Get("Fitbit-Rate-Limit-Reset") != "870" {
			t.Errorf("request %d (%d): headers %v", i, a.status, h)
		}
	}
	a := c.get(paths[0])
	if a.status != 429 || a.header.Get("Retry-After") != "870" || a.header.Get("Fitbit-Rate-Limit-Remaining") != "0" {
		t.Fatalf("past the quota: %d %v %s", a.status, a.header, a.body)
	}
	if c.srv.RateLimited() != 1 {
		t.Errorf("RateLimited %d", c.srv.RateLimited())
	}
	c.clock.Add(869 * time.Second)
	if a := c.get(paths[0]); a.status != 429 || a.header.Get("Fitbit-Rate-Limit-Reset") != "1" {
		t.Fatalf("a second before the hour: %d %v", a.status, a.header)
	}
	c.clock.Add(time.Second)
	if a := c.get(paths[0]); a.status != 200 || a.header.Get("Fitbit-Rate-Limit-Remaining") != "2" ||
		a.header.Get("Fitbit-Rate-Limit-Reset") != "3600" {
		t.Fatalf("on the hour: %d %v", a.status, a.header)
	}

	// The default is Fitbit's 150 an hour; a short demo window keeps the
	// fraction of its reset.
	if s, _ := New(Config{}); s.cfg.RateLimit.Limit != 150 || s.cfg.RateLimit.Window != time.Hour {
		t.Errorf("zero RateLimit is %+v", s.cfg.RateLimit)
	}
	e := newClient(t, Config{Seed: 1, RateLimit: RateLimit{Limit: 10, Window: 10 * time.Second}})
	e.clock.t = time.Date(2024, 3, 19, 17, 45, 32, 250e6, time.UTC)
	if a := e.get(paths[0]); a.header.Get("Fitbit-Rate-Limit-Reset") != "7.75" {
		t.Errorf("10 s window: reset %q", a.header.Get("Fitbit-Rate-Limit-Reset"))
	}
	// Concurrent requests share the window: exactly Limit get through.
	many := newClient(t, Config{Seed: 1, RateLimit: RateLimit{Limit: 25, Window: time.Hour}})
	codes := make(chan int, 60)
	var wg sync.WaitGroup
	for range 60 {
		wg.Go(func() { codes <- many.get(paths[0]).status })
	}
	wg.Wait()
	close(codes)
	served := 0
	for code := range codes {
		if code == 200 {
			served++
		} else if code != 429 {
			t.Errorf("status %d", code)
		}
	}
	if served != 25 || many.srv.RateLimited() != 35 || many.srv.Requests() != 60 {
		t.Errorf("60 concurrent requests for a quota of 25: %d served, %d limited, %d counted",
			served, many.srv.RateLimited(), many.srv.Requests())
	}
	off := newClient(t, Config{Seed: 1})
	if a := off.get(paths[0]); a.header.Get("Fitbit-Rate-Limit-Limit") != "" {
		t.Errorf("quota off: %v", a.header)
	}
}

// TestDeterminism: the same seed serves the same bytes, another seed
// other bytes, and a day's data does not depend on how many days are
// served.
func TestDeterminism(t *testing.T) {
	paths := []string{
		"/1/user/-/profile.json",
		"/1/user/-/activities/calories/date/2024-03-01/2024-03-18.json",
		"/1/user/-/activities/steps/date/2024-03-10/1d/1min.json",
		"/1/user/-/activities/heart/date/2024-03-06/1d/1sec.json",
		"/1.2/user/-/sleep/date/2024-03-04/2024-03-18.json",
		"/1/user/-/body/log/weight/date/2024-03-01/2024-03-18.json",
		"/1/user/-/spo2/date/2024-03-01/2024-03-18/all.json",
		"/1/user/-/activities/list.json?afterDate=2024-03-01&sort=asc&offset=0&limit=20",
	}
	a, b, other, longer := newClient(t, Config{Seed: 7}), newClient(t, Config{Seed: 7}),
		newClient(t, Config{Seed: 8}), newClient(t, Config{Seed: 7, Days: 400})
	for _, p := range paths {
		x, y, z, w := a.get(p), b.get(p), other.get(p), longer.get(p)
		// Links carry the host the request was addressed to.
		x.body = bytes.ReplaceAll(x.body, []byte(a.hs.URL), []byte("HOST"))
		y.body = bytes.ReplaceAll(y.body, []byte(b.hs.URL), []byte("HOST"))
		w.body = bytes.ReplaceAll(w.body, []byte(longer.hs.URL), []byte("HOST"))
		if x.status != 200 || !bytes.Equal(x.body, y.body) {
			t.Errorf("%s: two servers of one seed differ", p)
		}
		if bytes.Equal(x.body, z.body) {
			t.Errorf("%s: seeds 7 and 8 serve the same bytes", p)
		}
		if !strings.Contains(p, "profile") && !bytes.Equal(x.body, w.body) {
			t.Errorf("%s: 90 and 400 days of history differ", p)
		}
	}
}

// TestRefreshRotation: the code flow with PKCE and Basic client
// authentication, the token answer of token_response.json, 8-hour access
// tokens, and refresh tokens that work once (§2).
func TestRefreshRotation(t *testing.T) {
	c := newClient(t, Config{Seed: 1, AutoApprove: true})
	verifier := strings.Repeat("v", 50)
	sum := sha256.Sum256([]byte(verifier))
	redirect := "http://127.0.0.1:5555/callback"
	q := url.Values{"client_id": {ClientID}, "response_type": {"code"}, "scope": {"activity sleep profile"},
		"redirect_uri": {redirect}, "state": {"s1"}, "code_challenge": {base64.RawURLEncoding.EncodeToString(sum[:])},
		"code_challenge_method": {"S256"}}
	hc := *c.hs.Client()
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := hc.Get(c.hs.URL + AuthPath + "?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || loc.Query().Get("code") == "" {
		t.Fatalf("authorize: %d, Location %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	a := c.postToken(url.Values{"grant_type": {"authorization_code"}, "code": {loc.Query().Get("code")},
		"redirect_uri": {redirect}, "code_verifier": {verifier}})
	if a.status != 200 {
		t.Fatalf("code exchange: %d %s", a.status, a.body)
	}
	sameShape(t, "token_response.json", a.body)
	var tok struct {
		AccessToken  string `json:"access_token"`
		RefreshToken string `json:"refresh_token"`
		ExpiresIn    int    `json:"expires_in"`
		Scope        string `json:"scope"`
		UserID       string `json:"user_id"`
	}
	if err := json.Unmarshal(a.body, &tok); err != nil {
		t.Fatal(err)
	}
	if tok.ExpiresIn != 28800 || tok.Scope != "activity profile sleep" || tok.UserID != c.srv.UserID() {
		t.Errorf("token answer %s", a.body)
	}
	c.token = tok.AccessToken
	if a := c.get("/1/user/-/profile.json"); a.status != 200 {
		t.Fatalf("with the new token: %d %s", a.status, a.body)
	}

	first := tok.RefreshToken
	a = c.postToken(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {first}})
	if a.status != 200 {
		t.Fatalf("refresh: %d %s", a.status, a.body)
	}
	old := c.token
	if err := json.Unmarshal(a.body, &tok); err != nil || tok.RefreshToken == first {
		t.Fatalf("refresh answered %s", a.body)
	}
	if a := c.get("/1/user/-/profile.json"); a.status != 401 || fitbitError(t, a) != "invalid_token" {
		t.Errorf("the access token before the refresh: %d %s", a.status, a.body)
	}
	c.token = tok.AccessToken
	if a := c.get("/1/user/-/profile.json"); a.status != 200 {
		t.Errorf("the refreshed access token: %d", a.status)
	}
	_ = old
	// The spent refresh token: at once a conflict, later invalid.
	a = c.postToken(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {first}})
	if a.status != 409 || fitbitError(t, a) != "invalid_grant" {
		t.Errorf("second use at once: %d %s", a.status, a.body)
	}
	c.clock.Add(ConflictWindow)
	a = c.postToken(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {first}})
	if a.status != 400 || fitbitError(t, a) != "invalid_grant" {
		t.Errorf("second use later: %d %s", a.status, a.body)
	}
	// The secret goes in HTTP Basic only.
	req, _ := http.NewRequest("POST", c.hs.URL+TokenPath, strings.NewReader(url.Values{"grant_type": {"refresh_token"},
		"refresh_token": {tok.RefreshToken}, "client_id": {ClientID}, "client_secret": {ClientSecret}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if a := c.do(req); a.status != 401 || fitbitError(t, a) != "invalid_client" {
		t.Errorf("secret in the form: %d %s", a.status, a.body)
	}
	// Eight hours later the access token has expired.
	c.clock.Add(AccessTTL - ConflictWindow - time.Second)
	if a := c.get("/1/user/-/profile.json"); a.status != 200 {
		t.Errorf("a second before 8 hours: %d %s", a.status, a.body)
	}
	c.clock.Add(time.Second)
	if a := c.get("/1/user/-/profile.json"); a.status != 401 || fitbitError(t, a) != "expired_token" {
		t.Errorf("after 8 hours: %d %s", a.status, a.body)
	}
}

// TestEndPinsTheData: with End set, servers made on either side of the
// user's midnight serve the same days (the conformance suite makes a
// server per export); without it, the later one has a day more.
func TestEndPinsTheData(t *testing.T) {
	chicago, err := time.LoadLocation("America/Chicago")
	if err != nil {
		t.Fatal(err)
	}
	before := time.Date(2024, 3, 19, 23, 59, 0, 0, chicago)
	after := before.Add(2 * time.Minute)
	clock := func(at time.Time) func() time.Time { return func() time.Time { return at } }
	const path = "/1/user/-/activities/steps/date/2024-03-17/2024-03-19.json"
	pinned := []*client{
		newClient(t, Config{Seed: 3, Now: clock(before), End: before}),
		newClient(t, Config{Seed: 3, Now: clock(after), End: before}),
	}
	a, b := pinned[0].get(path), pinned[1].get(path)
	if a.status != 200 || !bytes.Equal(a.body, b.body) {
		t.Errorf("End pinned, clocks a midnight apart: %s vs %s", a.body, b.body)
	}
	unpinned := newClient(t, Config{Seed: 3, Now: clock(after)}).get(path)
	if bytes.Equal(a.body, unpinned.body) {
		t.Errorf("without End the later server serves the same days: the test cannot tell")
	}
}
