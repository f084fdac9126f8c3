package ouraserver

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// end is the last day of the test data: its 60 days hold the end of
// summer time in Berlin (2024-10-27) and a week in New York (Oct 2-8).
var end = time.Date(2024, 11, 15, 0, 0, 0, 0, time.UTC)

type client struct {
	t     *testing.T
	srv   *Server
	hs    *httptest.Server
	token string
}

func newClient(t *testing.T, cfg Config, scopes ...string) *client {
	t.Helper()
	if cfg.End.IsZero() {
		cfg.End = end
	}
	if cfg.Days == 0 {
		cfg.Days = 60
	}
	srv, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	tok, _, err := srv.IssueToken(scopes)
	if err != nil {
		t.Fatal(err)
	}
	return &client{t: t, srv: srv, hs: hs, token: tok}
}

type answer struct {
	status int
	header http.Header
	body   []byte
}

func (c *client) get(path string, q url.Values) answer {
	c.t.Helper()
	req, err := http.NewRequest("GET", c.hs.URL+APIPrefix+"/"+path+"?"+q.Encode(), nil)
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	resp, err := c.hs.Client().Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	return answer{resp.StatusCode, resp.Header, b}
}

type listPage struct {
	Data      []map[string]any `json:"data"`
	NextToken *string          `json:"next_token"`
}

// list follows next_token and returns every document and the pages.
func (c *client) list(typ string, q url.Values) ([]map[string]any, int) {
	c.t.Helper()
	var all []map[string]any
	pages := 0
	for {
		a := c.get(typ, q)
		if a.status != http.StatusOK {
			c.t.Fatalf("%s %v: %d %s", typ, q, a.status, a.body)
		}
		var p listPage
		if err := json.Unmarshal(a.body, &p); err != nil {
			c.t.Fatalf("%s: %v", typ, err)
		}
		pages++
		all = append(all, p.Data...)
		if p.NextToken == nil {
			return all, pages
		}
		q = cloneWith(q, "next_token", *p.NextToken)
	}
}

func cloneWith(q url.Values, k, v string) url.Values {
	out := url.Values{}
	for key, vs := range q {
		out[key] = append([]string(nil), vs...)
	}
	out.Set(k, v)
	return out
}

func dates(a, z string) url.Values { return url.Values{"start_date": {a}, "end_date": {z}} }

// TestPagingEveryDocumentOnce reads each collection across all its data
// in small pages: every document comes once, and as many as the data
// set holds.
func TestPagingEveryDocumentOnce(t *testing.T) {
	c := newClient(t, Config{PageSize: 7, SamplePageSize: 500})
	for typ, dt := range types {
		t.Run(typ, func(t *testing.T) {
			c.t = t
			q := dates("2024-01-01", "2025-01-01")
			if dt.filter == byInstant {
				q = url.Values{"start_datetime": {"2024-09-01T00:00:00Z"}, "end_datetime": {"2024-12-01T00:00:00Z"}}
			}
			got, pages := c.list(typ, q)
			want := 2
			if dt.gen != nil {
				want = 0
				for n := c.srv.data.first; n <= c.srv.data.last; n++ {
					want += len(dt.gen(c.srv.data, n))
				}
			}
			if len(got) != want {
				t.Fatalf("%d documents, want %d", len(got), want)
			}
			if size := dt.page(c.srv.cfg); pages != (want+size-1)/size && !(want == 0 && pages == 1) {
				t.Errorf("%d pages of %d for %d documents", pages, size, want)
			}
			seen := map[string]bool{}
			for _, d := range got {
				key, _ := d["id"].(string)
				if key == "" {
					key, _ = d["timestamp"].(string) // heart rate has no id
				}
				if key == "" {
					key, _ = d["day"].(string) // nor does cardiovascular age (§8)
				}
				if seen[key] {
					t.Fatalf("%s twice", key)
				}
				seen[key] = true
			}
		})
	}
}

// TestDateFilters pins §5's end-date semantics per collection.
func TestDateFilters(t *testing.T) {
	c := newClient(t, Config{})
	days := func(docs []map[string]any, field string) string {
		var out []string
		for _, d := range docs {
			out = append(out, d[field].(string))
		}
		return strings.Join(out, ",")
	}
	for _, tc := range []struct {
		typ, a, z string
		want      string
	}{
		// daily_activity starts 04:00, after the end date's midnight.
		{"daily_activity", "2024-11-11", "2024-11-12", "2024-11-11"},
		{"daily_activity", "2024-11-11", "2024-11-12T23:59:59", "2024-11-11,2024-11-12"},
		// daily_sleep and the day-only ones sit at midnight: inclusive.
		{"daily_sleep", "2024-11-11", "2024-11-12", "2024-11-11,2024-11-12"},
		{"daily_readiness", "2024-11-11", "2024-11-12", "2024-11-11,2024-11-12"},
		{"daily_spo2", "2024-11-11", "2024-11-12", "2024-11-11,2024-11-12"},
		{"daily_cardiovascular_age", "2024-11-11", "2024-11-12", "2024-11-11,2024-11-12"},
		// sleep: start and end exclusive on the day.
		{"sleep", "2024-11-06", "2024-11-08", "2024-11-07"},
		{"sleep", "2024-11-06", "2024-11-07", ""},
		// workouts by start time, end exclusive (every third day number).
		{"workout", "2024-11-01", "2024-11-10", "2024-11-01,2024-11-04,2024-11-07"},
		// lenient: a year-24 start reads the whole history.
		{"vO2_max", "0024-11-11", "2024-10-01", "2024-09-19,2024-09-26"},
	} {
		docs, _ := c.list(tc.typ, dates(tc.a, tc.z))
		if got := days(docs, "day"); got != tc.want {
			t.Errorf("%s %s..%s: days %q, want %q", tc.typ, tc.a, tc.z, got, tc.want)
		}
	}
	// Heart rate: instants, start inclusive, end exclusive, in UTC.
	all, _ := c.list("heartrate", url.Values{"start_datetime": {"2024-11-10T00:00:00Z"}, "end_datetime": {"2024-11-11T00:00:00Z"}})
	if len(all) < 100 {
		t.Fatalf("%d samples in a day", len(all))
	}
	a, z := all[3]["timestamp"].(string), all[10]["timestamp"].(string)
	part, _ := c.list("heartrate", url.Values{"start_datetime": {a}, "end_datetime": {z}})
	if len(part) != 7 || part[0]["timestamp"] != a {
		t.Errorf("[%s, %s): %d samples from %v, want 7 from the first", a, z, len(part), part[0]["timestamp"])
	}
	for _, s := range all {
		if ts := s["timestamp"].(string); !strings.HasSuffix(ts, "+00:00") {
			t.Fatalf("heart-rate sample at %s, not UTC", ts)
		}
	}
	// Start after end: 422 in FastAPI's form.
	ans := c.get("daily_sleep", dates("2024-11-12", "2024-11-10"))
	var v struct {
		Detail []struct {
			Loc []string
			Msg string
		}
	}
	if ans.status != http.StatusUnprocessableEntity || json.Unmarshal(ans.body, &v) != nil || len(v.Detail) != 1 || v.Detail[0].Loc[1] != "start_date" {
		t.Errorf("start after end: %d %s", ans.status, ans.body)
	}
}

func parseLocal(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestSeriesLengths checks the positional series of every document
// against their anchors: class_5_min and met span the 04:00-04:00 day (23
// or 25 hours across DST), the sleep series follow §7.4's rule, and the
// offsets change with DST and the trip.
func TestSeriesLengths(t *testing.T) {
	c := newClient(t, Config{PageSize: 100})
	acts, _ := c.list("daily_activity", dates("2024-09-01", "2024-11-16"))
	offsets := map[string]bool{}
	var dstDay bool
	for _, d := range acts {
		start := parseLocal(t, d["timestamp"].(string))
		if h, m, _ := start.Clock(); h != 4 || m != 0 {
			t.Fatalf("%s: day starts at %s", d["day"], start)
		}
		next := start.AddDate(0, 0, 1) // the same offset: the wall clock of 04:00 next day
		loc := c.srv.data.zone(civil(start))
		next = time.Date(next.Year(), next.Month(), next.Day(), 4, 0, 0, 0, loc)
		slots := int(next.Sub(start) / (5 * time.Minute))
		class := d["class_5_min"].(string)
		met := d["met"].(map[string]any)
		if len(class) != slots || len(met["items"].([]any)) != 5*slots {
			t.Errorf("%s: %d classes and %d met items for %d slots", d["day"], len(class), len(met["items"].([]any)), slots)
		}
		if met["timestamp"] != start.Format("2006-01-02T15:04:05.000-07:00") || met["interval"] != 60.0 {
			t.Errorf("%s: met %v at %v", d["day"], met["interval"], met["timestamp"])
		}
		// Summer time ends at 03:00 on 2024-10-27, inside the activity
		// day that began at 04:00 on the 26th.
		if d["day"] == "2024-10-26" {
			dstDay = slots == 300
		}
		_, off := start.Zone()
		offsets[strconv.Itoa(off)] = true
	}
	if !dstDay {
		t.Error("the activity day of 2024-10-26 is not 25 hours long")
	}
	if !offsets["3600"] || !offsets["7200"] || !offsets["-14400"] {
		t.Errorf("offsets %v: want winter, summer and New York", offsets)
	}
	sleeps, _ := c.list("sleep", dates("2024-09-01", "2024-11-16"))
	var naps, split, odd int
	for _, d := range sleeps {
		a, z := parseLocal(t, d["bedtime_start"].(string)), parseLocal(t, d["bedtime_end"].(string))
		s := z.Unix()/30*30 - a.Unix()/30*30
		// The rule, or one off as in a few recordings.
		switch got := len(d["movement_30_sec"].(string)); got {
		case int(s / 30):
		case int(s/30) - 1:
			odd++
		default:
			t.Errorf("%s: %d movements for S=%d", d["id"], got, s)
		}
		switch got := len(d["sleep_phase_5_min"].(string)); got {
		case int((s + 299) / 300):
		case int((s+299)/300) + 1:
			odd++
		default:
			t.Errorf("%s: %d phases for S=%d", d["id"], got, s)
		}
		if int(z.Sub(a)/time.Second) != int(d["time_in_bed"].(float64)) {
			t.Errorf("%s: time_in_bed %v", d["id"], d["time_in_bed"])
		}
		if d["type"] != "long_sleep" {
			naps++
			if d["heart_rate"] != nil || d["lowest_heart_rate"] != 255.0 {
				t.Errorf("nap %s: heart_rate %v, lowest %v", d["id"], d["heart_rate"], d["lowest_heart_rate"])
			}
			continue
		}
		hr := d["heart_rate"].(map[string]any)
		if n := len(hr["items"].([]any)); n != int(float64(s)/300+0.5) {
			t.Errorf("%s: %d heart-rate items for S=%d", d["id"], n, s)
		}
		if parseLocal(t, hr["timestamp"].(string)) != a {
			t.Errorf("%s: heart rate at %v, bedtime at %v", d["id"], hr["timestamp"], a)
		}
		if _, ao := a.Zone(); true {
			if _, zo := z.Zone(); ao != zo {
				split++
			}
		}
		total := d["total_sleep_duration"].(float64)
		if d["deep_sleep_duration"].(float64)+d["light_sleep_duration"].(float64)+d["rem_sleep_duration"].(float64) != total ||
			total+d["awake_time"].(float64) != d["time_in_bed"].(float64) {
			t.Errorf("%s: durations do not add up", d["id"])
		}
	}
	if naps == 0 || split != 1 || odd == 0 {
		t.Errorf("%d naps, %d nights across a DST change, %d series one off: want some, one and some", naps, split, odd)
	}
}

// TestRateLimit: past the limit a request is refused with 429 and the
// five headers of §4, until the rolling window frees a slot.
func TestRateLimit(t *testing.T) {
	var mu sync.Mutex
	now := time.Date(2024, 11, 15, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	c := newClient(t, Config{Now: clock, RateLimit: RateLimit{Limit: 3, Window: time.Minute}})
	q := dates("2024-11-10", "2024-11-12")
	for i := range 3 {
		if a := c.get("daily_sleep", q); a.status != http.StatusOK {
			t.Fatalf("request %d: %d", i+1, a.status)
		}
		mu.Lock()
		now = now.Add(10 * time.Second)
		mu.Unlock()
	}
	a := c.get("daily_sleep", q)
	if a.status != http.StatusTooManyRequests {
		t.Fatalf("request 4: %d, want 429", a.status)
	}
	// The first request (12:00:00) leaves the window at 12:01:00; it is 12:00:30.
	for k, want := range map[string]string{"Retry-After": "30", "X-RateLimit-Limit": "3", "X-RateLimit-Window": "60",
		"X-RateLimit-Reset": strconv.FormatInt(time.Date(2024, 11, 15, 12, 1, 0, 0, time.UTC).Unix(), 10), "X-RateLimit-Tier": "token"} {
		if got := a.header.Get(k); got != want {
			t.Errorf("%s: %q, want %q", k, got, want)
		}
	}
	mu.Lock()
	now = now.Add(31 * time.Second)
	mu.Unlock()
	if a := c.get("daily_sleep", q); a.status != http.StatusOK {
		t.Fatalf("after the wait: %d", a.status)
	}
}

// TestErrors: a bad token is 401, a missing scope 401, an unknown
// document 404 {"detail": "Document not found."}, personal_info is a bare
// document trimmed to the granted scopes.
func TestErrors(t *testing.T) {
	c := newClient(t, Config{}, "daily")
	if a := c.get("heartrate", nil); a.status != http.StatusUnauthorized || !strings.Contains(string(a.body), "heartrate") {
		t.Errorf("heartrate without its scope: %d %s", a.status, a.body)
	}
	if a := c.get("sleep/nope", nil); a.status != http.StatusNotFound || string(a.body) != `{"detail":"Document not found."}` {
		t.Errorf("unknown document: %d %s", a.status, a.body)
	}
	docs, _ := c.list("sleep", dates("2024-11-06", "2024-11-08"))
	if a := c.get("sleep/"+docs[0]["id"].(string), nil); a.status != http.StatusOK || !strings.Contains(string(a.body), `"bedtime_start"`) {
		t.Errorf("one document: %d %.100s", a.status, a.body)
	}
	a := c.get("personal_info", nil)
	var p map[string]any
	if a.status != http.StatusOK || json.Unmarshal(a.body, &p) != nil || p["id"] == nil || p["email"] != nil || p["age"] != nil {
		t.Errorf("personal_info with daily only: %d %s", a.status, a.body)
	}
	c.token = "bogus"
	if a := c.get("daily_sleep", nil); a.status != http.StatusUnauthorized || a.header.Get("WWW-Authenticate") == "" {
		t.Errorf("bogus token: %d %s", a.status, a.body)
	}
}

// TestRefreshTokenWorksOnce: a refresh answers a new refresh token and
// ends the old one (§2); the client secret goes in the form body.
func TestRefreshTokenWorksOnce(t *testing.T) {
	c := newClient(t, Config{})
	_, refresh, err := c.srv.IssueToken(nil)
	if err != nil {
		t.Fatal(err)
	}
	post := func(form url.Values) (int, map[string]any) {
		resp, err := c.hs.Client().PostForm(c.hs.URL+TokenPath, form)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var v map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&v)
		return resp.StatusCode, v
	}
	form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refresh},
		"client_id": {"oura-demo"}, "client_secret": {"oura-demo-secret"}}
	status, v := post(form)
	if status != http.StatusOK || v["refresh_token"] == nil || v["refresh_token"] == refresh || v["expires_in"] != 86400.0 {
		t.Fatalf("first refresh: %d %v", status, v)
	}
	if status, v := post(form); status != http.StatusBadRequest || v["error"] != "invalid_grant" {
		t.Errorf("second refresh with the same token: %d %v", status, v)
	}
}
