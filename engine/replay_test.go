package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"github.com/upexport/upexport/providers/jawbone"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/upexport/upexport/export"
	"github.com/upexport/upexport/fetch"
)

// replay serves the recorded-style pages of testdata/schema as an API would:
// collections page by page through their recorded (or added) next links,
// ticks and meal details by xid, mood by date, and every request can be hit
// by a fault. All pages answer for one user, as a real account does.
type replay struct {
	t        testing.TB
	pages    map[string][][]byte // collection endpoint -> its pages, in order
	next     map[string]int      // canonical next link -> page index
	objects  map[string][]byte   // object endpoint -> envelope
	ticks    map[string][]byte   // "moves/xid" -> envelope of its ticks
	details  map[string][]byte   // meal xid -> envelope
	moods    map[string][]byte   // YYYYMMDD -> envelope
	requests atomic.Int64
	faults   bool
	// mutate, if set, changes a response body before it is sent.
	mutate func(path string, body []byte) []byte
	// fail, if set, answers a request with its status when not 0.
	fail func(path string) int
}

const replayUser = "DsuZ913vOJkIiRJil7IXqA"

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", "schema", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// envelopeOf wraps data as the API's response for replayUser.
func envelopeOf(t testing.TB, data any) []byte {
	t.Helper()
	b, err := json.Marshal(map[string]any{
		"meta": map[string]any{"user_xid": replayUser, "message": "OK", "code": 200, "time": 1458148350},
		"data": data,
	})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

type fixtureEnvelope struct {
	Data json.RawMessage `json:"data"`
}

func fixtureData(t testing.TB, name string) json.RawMessage {
	t.Helper()
	var e fixtureEnvelope
	if err := json.Unmarshal(readFixture(t, name), &e); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return e.Data
}

// canonicalLink is path?sorted-query, as both the recorded link and the
// client's request spell it.
func canonicalLink(path string, q url.Values) string {
	return path + "?" + q.Encode()
}

// newReplay builds the page set; timezone is served as the data given.
func newReplay(t testing.TB, timezone any) *replay {
	rp := &replay{t: t, pages: map[string][][]byte{}, next: map[string]int{}, objects: map[string][]byte{},
		ticks: map[string][]byte{}, details: map[string][]byte{}, moods: map[string][]byte{}}
	collections := map[string][]string{
		jawbone.Moves:    {"moves_2016.json", "moves_dst.json", "moves_travel.json", "moves_zones.json", "moves_unknown.json", "moves_empty.json"},
		jawbone.Sleeps:   {"sleeps_v11.json", "sleeps_v10.json"},
		"workouts":       {"workouts.json"},
		"heartrates":     {"heartrates.json"},
		"body_events":    {"body_events.json"},
		"cardiac_events": {"cardiac_events.json"},
		"generic_events": {"generic_events.json"},
		"bandevents":     {"bandevents.json"},
		"friends":        {"friends.json"},
	}
	for ep, files := range collections {
		for i, f := range files {
			var data map[string]json.RawMessage
			if err := json.Unmarshal(fixtureData(t, f), &data); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			var links struct {
				Next string `json:"next"`
			}
			if raw, ok := data["links"]; ok {
				_ = json.Unmarshal(raw, &links)
			}
			switch {
			case i == len(files)-1:
				delete(data, "links")
			case links.Next != "":
				// The recorded link leads to the next recorded page.
				u, err := url.Parse(links.Next)
				if err != nil {
					t.Fatal(err)
				}
				rp.next[canonicalLink(u.Path, u.Query())] = i + 1
			default:
				link := fmt.Sprintf("/nudge/api/v.1.1/users/%s/%s?limit=10&replay_page=%d", replayUser, ep, i+1)
				data["links"], _ = json.Marshal(map[string]string{"next": link})
				u, _ := url.Parse(link)
				rp.next[canonicalLink(u.Path, u.Query())] = i + 1
			}
			rp.pages[ep] = append(rp.pages[ep], envelopeOf(t, data))
		}
	}
	for _, ep := range []string{"user", "goals", "settings", "trends"} {
		rp.objects[ep] = envelopeOf(t, fixtureData(t, ep+".json"))
	}
	rp.objects["timezone"] = envelopeOf(t, timezone)
	var mood struct {
		Date int `json:"date"`
	}
	moodData := fixtureData(t, "mood.json")
	if err := json.Unmarshal(moodData, &mood); err != nil {
		t.Fatal(err)
	}
	rp.moods[fmt.Sprint(mood.Date)] = envelopeOf(t, moodData)

	var meals []fixtureEnvelope
	if err := json.Unmarshal(readFixture(t, "meals.json"), &meals); err != nil {
		t.Fatal(err)
	}
	var list []json.RawMessage
	for _, m := range meals {
		var head struct {
			XID string `json:"xid"`
		}
		if err := json.Unmarshal(m.Data, &head); err != nil {
			t.Fatal(err)
		}
		rp.details[head.XID] = envelopeOf(t, m.Data)
		list = append(list, m.Data)
	}
	rp.pages["meals"] = [][]byte{envelopeOf(t, map[string]any{"items": list, "size": len(list)})}

	for parent, file := range map[string]string{jawbone.Moves: "moves_ticks.json", jawbone.Sleeps: "sleeps_ticks.json", "workouts": "workouts_ticks.json"} {
		var recs []struct {
			ParentXID string          `json:"parent_xid"`
			Response  fixtureEnvelope `json:"response"`
		}
		if err := json.Unmarshal(readFixture(t, file), &recs); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		for _, r := range recs {
			rp.ticks[parent+"/"+r.ParentXID] = envelopeOf(t, r.Response.Data)
		}
	}
	return rp
}

func (rp *replay) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n := rp.requests.Add(1)
	if rp.faults {
		switch {
		case n%4 == 0:
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusInternalServerError)
			fmt.Fprint(w, `{"meta": {"code": 500, "message": "Internal Server Error", "error_type": "server_error"}, "data": {}}`)
			return
		case n%7 == 0:
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(http.StatusTooManyRequests)
			fmt.Fprint(w, `{"meta": {"code": 429, "message": "Too Many Requests"}, "data": {}}`)
			return
		case n%9 == 0:
			// Headers and half the body, then the connection is cut.
			w.Header().Set("Content-Length", "1000")
			w.WriteHeader(http.StatusOK)
			fmt.Fprint(w, `{"meta": {"code": 200}, "data": {"ite`)
			panic(http.ErrAbortHandler)
		}
	}
	if rp.fail != nil {
		if status := rp.fail(r.URL.Path); status != 0 {
			w.WriteHeader(status)
			fmt.Fprintf(w, `{"meta": {"code": %d, "message": "failed on purpose"}, "data": {}}`, status)
			return
		}
	}
	body, status := rp.answer(r)
	if rp.mutate != nil {
		body = rp.mutate(r.URL.Path, body)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(body)
}

var notFound = []byte(`{"meta": {"code": 404, "message": "Not Found", "error_type": "not_found"}, "data": {}}`)

func (rp *replay) answer(r *http.Request) ([]byte, int) {
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	if len(parts) < 4 || parts[0] != "nudge" || parts[1] != "api" {
		return notFound, http.StatusNotFound
	}
	parts = parts[3:] // after the version
	switch {
	case len(parts) == 3 && parts[2] == "ticks":
		if b, ok := rp.ticks[parts[0]+"/"+parts[1]]; ok {
			return b, http.StatusOK
		}
		return envelopeOf(rp.t, map[string]any{"items": []any{}, "size": 0}), http.StatusOK
	case len(parts) == 2 && parts[0] == "meals":
		if b, ok := rp.details[parts[1]]; ok {
			return b, http.StatusOK
		}
		return notFound, http.StatusNotFound
	case len(parts) == 2 && parts[0] == "users":
		return rp.objects["user"], http.StatusOK
	case len(parts) == 3 && parts[0] == "users":
		ep := parts[2]
		if ep == "mood" {
			if b, ok := rp.moods[r.URL.Query().Get("date")]; ok {
				return b, http.StatusOK
			}
			return notFound, http.StatusNotFound
		}
		if b, ok := rp.objects[ep]; ok {
			return b, http.StatusOK
		}
		pages, ok := rp.pages[ep]
		if !ok {
			return notFound, http.StatusNotFound
		}
		i, ok := rp.next[canonicalLink(r.URL.Path, r.URL.Query())]
		if !ok {
			i = 0 // the first request, with the client's own parameters
		}
		return pages[i], http.StatusOK
	}
	return notFound, http.StatusNotFound
}

func (rp *replay) config(t testing.TB, apiURL, out string) Config {
	t.Helper()
	hc := oauth2.NewClient(context.Background(), oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "replay"}))
	c, err := fetch.NewClient(fetch.Options{Envelope: up.API.Envelope, HTTPClient: hc, APIURL: apiURL, Concurrency: 4, MaxWait: 20 * time.Millisecond, Retries: 20})
	if err != nil {
		t.Fatal(err)
	}
	eps, err := up.Select(nil, true) // every endpoint, with ticks: no --endpoints
	if err != nil {
		t.Fatal(err)
	}
	end := time.Date(2016, 3, 16, 12, 0, 0, 0, time.UTC)
	return Config{Client: c, Out: out, Resources: eps, Provider: up, APIURL: apiURL, Source: "replay",
		Export: export.Options{Format: export.CSV}, Now: func() time.Time { return end }}
}

// TestRecordedPagesWithFaults replays the recorded pages of every endpoint,
// with no endpoint left out, through 500s, 429s and cut connections, with
// the timezone endpoint in each shape it might have: nothing may fail.
func TestRecordedPagesWithFaults(t *testing.T) {
	zones := []any{
		map[string]any{"tz": "America/Los_Angeles", "time": 1388534400},
		map[string]any{"tz": "Europe/Berlin", "time": 1420070400},
	}
	for _, tc := range []struct {
		name     string
		timezone any
		rows     int
	}{
		{"bare list", zones, 2},
		{"collection", map[string]any{"items": zones, "size": 2}, 2},
		{"single object", zones[1], 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rp := newReplay(t, tc.timezone)
			rp.faults = true
			hs := httptest.NewServer(rp)
			t.Cleanup(hs.Close)
			out := filepath.Join(t.TempDir(), "out")
			res, err := Run(context.Background(), rp.config(t, hs.URL+"/nudge/api/v.1.1", out))
			if err != nil {
				t.Fatalf("the recorded pages did not export: %v", err)
			}
			if res.Retries == 0 {
				t.Fatal("no retries: the faults were not exercised")
			}
			rows := map[string]int64{}
			for _, tb := range res.Tables {
				rows[tb.Name] = tb.Rows
			}
			if got := rows["timezone"]; got != int64(tc.rows) {
				t.Errorf("timezone has %d rows, want %d", got, tc.rows)
			}
			if got := column(t, out, "timezone", "tz"); !slices.Contains(got, "Europe/Berlin") {
				t.Errorf("timezone tz column %q", got)
			}
			// Every endpoint's recorded items arrive, on every page. Mood
			// (-1) is asked about the active days, on which none was
			// recorded: its table only has to exist.
			want := map[string]int64{jawbone.Moves: 0, jawbone.Sleeps: 0, "workouts": 0, "heartrates": 0, "body_events": 0,
				"cardiac_events": 0, "generic_events": 0, "meals": 0, "meal_items": 0, "mood": -1, "bandevents": 0,
				"trends": 0, "user": 1, "goals": 1, "settings": 1, "friends": 2, "moves_ticks": 0,
				"sleeps_ticks": 0, "workouts_ticks": 0, "moves_hourly": 0}
			for name, n := range want {
				got, ok := rows[name]
				switch {
				case !ok:
					t.Errorf("no table %s", name)
				case n == 0 && got == 0:
					t.Errorf("%s is empty", name)
				case n > 0 && got != n:
					t.Errorf("%s has %d rows, want %d", name, got, n)
				}
			}
			if got, want := rows[jawbone.Moves], int64(countItems(t, "moves_2016.json", "moves_dst.json",
				"moves_travel.json", "moves_zones.json", "moves_unknown.json")); got != want {
				t.Errorf("moves: %d rows, want %d (every page)", got, want)
			}
			if got, want := rows[jawbone.Sleeps], int64(countItems(t, "sleeps_v11.json", "sleeps_v10.json")); got != want {
				t.Errorf("sleeps: %d rows, want %d (every page)", got, want)
			}
		})
	}
}

func countItems(t testing.TB, files ...string) int {
	n := 0
	for _, f := range files {
		var d struct {
			Items []json.RawMessage `json:"items"`
		}
		if err := json.Unmarshal(fixtureData(t, f), &d); err != nil {
			t.Fatal(err)
		}
		n += len(d.Items)
	}
	return n
}

// TestMoodShapes: the per-day mood endpoint takes the SDKs' one object, a
// list or a collection of the day's moods.
func TestMoodShapes(t *testing.T) {
	mood := fixtureData(t, "mood.json")
	other := json.RawMessage(strings.Replace(string(mood), `"HD3Y2lAy5Oi5JBi6SXAnJg"`, `"second-mood-of-the-day"`, 1))
	for _, tc := range []struct {
		name string
		data any
		rows int64
	}{
		{"single object", mood, 1},
		{"bare list", []json.RawMessage{mood, other}, 2},
		{"collection", map[string]any{"items": []json.RawMessage{mood, other}, "size": 2}, 2},
		{"empty list", []any{}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rp := newReplay(t, []any{})
			rp.moods["20160314"] = envelopeOf(t, tc.data)
			hs := httptest.NewServer(rp)
			t.Cleanup(hs.Close)
			cfg := rp.config(t, hs.URL+"/nudge/api/v.1.1", filepath.Join(t.TempDir(), "out"))
			cfg.Resources, _ = up.Select([]string{"mood"}, false)
			cfg.Since = time.Date(2016, 3, 14, 0, 0, 0, 0, time.UTC)
			cfg.Until = cfg.Since
			res, err := Run(context.Background(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Tables) != 1 || res.Tables[0].Rows != tc.rows {
				t.Errorf("tables %+v, want mood with %d rows", res.Tables, tc.rows)
			}
		})
	}
}
