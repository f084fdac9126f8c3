package upserver

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// parseTZ reads every zone form of §7, as a client would.
func parseTZ(t *testing.T, v any) *time.Location {
	t.Helper()
	switch x := v.(type) {
	case float64:
		return time.FixedZone("", int(x))
	case string:
		if m := regexp.MustCompile(`^GMT([+-])(\d\d)(\d\d)$`).FindStringSubmatch(x); m != nil {
			h, _ := strconv.Atoi(m[2])
			mm, _ := strconv.Atoi(m[3])
			off := h*3600 + mm*60
			if m[1] == "-" {
				off = -off
			}
			return time.FixedZone(x, off)
		}
		loc, err := time.LoadLocation(strings.ReplaceAll(x, " ", "_"))
		if err != nil {
			t.Fatalf("zone %q: %v", x, err)
		}
		return loc
	}
	return time.UTC
}

// zoneAtJSON applies §7: the latest tzs entry at or before ts,
// tzs not assumed sorted.
func zoneAtJSON(t *testing.T, det map[string]any, ts int64) *time.Location {
	tzs, _ := det["tzs"].([]any)
	sorted := make([][]any, 0, len(tzs))
	for _, e := range tzs {
		sorted = append(sorted, e.([]any))
	}
	sort.Slice(sorted, func(i, j int) bool { return sorted[i][0].(float64) < sorted[j][0].(float64) })
	loc := parseTZ(t, det["tz"])
	for _, e := range sorted {
		if int64(e[0].(float64)) <= ts {
			loc = parseTZ(t, e[1])
		}
	}
	return loc
}

// TestMoveConsistency checks, as a client sees the JSON: details.steps ==
// sum of hourly_totals steps == sum of ticks; hourly keys are the local
// wall-clock hours of the tzs in force; 0-step days lack the fields.
func TestMoveConsistency(t *testing.T) {
	// 400 days cover both DST changes and a dozen trips.
	s, ts := startServer(t, Config{Days: 400, Seed: 3})
	tok, _, _ := s.IssueToken(0, nil)
	_, env, _ := apiGet(t, ts, tok, APIPrefix+"/users/@me/moves?limit=1000")
	var p pageJSON
	if err := json.Unmarshal(env.Data, &p); err != nil {
		t.Fatal(err)
	}
	if len(p.Items) < 350 {
		t.Fatalf("%d moves", len(p.Items))
	}
	for i, mv := range p.Items {
		det := mv["details"].(map[string]any)
		steps := int(det["steps"].(float64))
		ht, hasHT := det["hourly_totals"].(map[string]any)
		if steps == 0 {
			for _, k := range []string{"hourly_totals", "distance", "inactive_time", "steps_3am"} {
				if _, ok := det[k]; ok {
					t.Errorf("%v: 0-step day has %s", mv["date"], k)
				}
			}
			continue
		}
		if !hasHT {
			t.Fatalf("%v: no hourly_totals", mv["date"])
		}
		sum := 0
		for key, h := range ht {
			sum += int(h.(map[string]any)["steps"].(float64))
			if len(key) != 10 {
				t.Fatalf("hourly key %q", key)
			}
		}
		if sum != steps {
			t.Errorf("%v: details.steps %d, hourly sum %d", mv["date"], steps, sum)
		}
		// The first activity's local hour is a key.
		created := int64(mv["time_created"].(float64))
		first := time.Unix(created, 0).In(zoneAtJSON(t, det, created)).Format("2006010215")
		if _, ok := ht[first]; !ok {
			t.Errorf("%v: first activity's local hour %s is not a key of %v", mv["date"], first, keys(ht))
		}
		// Ticks over HTTP for a sample of days (all of them in-process below).
		if i%40 == 0 {
			ticks := 0
			path := APIPrefix + "/moves/" + mv["xid"].(string) + "/ticks?limit=500"
			n := 0
			for path != "" {
				_, env, _ := apiGet(t, ts, tok, path)
				var tp pageJSON
				_ = json.Unmarshal(env.Data, &tp)
				for _, tk := range tp.Items {
					ticks += int(tk["steps"].(float64))
					n++
				}
				path = ""
				if tp.Links != nil {
					path = tp.Links.Next
				}
			}
			if ticks != steps || n < 1000 {
				t.Errorf("%v: ticks sum %d (of %d ticks), steps %d", mv["date"], ticks, n, steps)
			}
		}
	}
	// Every day in-process: ticks sum to steps; workouts' ticks to theirs.
	for n := s.data.first; n <= s.data.end; n++ {
		for _, ep := range []string{"moves", "workouts"} {
			for _, it := range s.data.dayItems(ep, 0, n) {
				ticks, ok := s.data.ticks(ep, 0, it.key)
				if !ok {
					t.Fatalf("no ticks for %s %s", ep, it.key)
				}
				sum := 0
				for _, tk := range ticks {
					sum += tk.tick.Steps
				}
				if want := it.obj["details"].(obj)["steps"].(int); sum != want {
					t.Errorf("%s %d: ticks %d, steps %d", ep, n, sum, want)
				}
			}
		}
	}
}

func keys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// TestVariantsPresent checks that the default 90 days exercise every
// variant the reference lists, so the schema tests can rely on them.
func TestVariantsPresent(t *testing.T) {
	s, ts := startServer(t, Config{})
	tok, _, _ := s.IssueToken(0, nil)
	raw := map[string]string{}
	for _, ep := range allListEndpoints {
		_, _, body := apiGet(t, ts, tok, APIPrefix+"/users/@me/"+ep+"?limit=100000")
		raw[ep] = string(body)
	}
	checks := []struct {
		name, ep string
		re       string
	}{
		{"tzs integer offset", "moves", `"tzs":\[[^{]*\[\d+,-21600\]`},
		{"tzs GMT string", "moves", `\[\d+,"GMT\+0330"\]`},
		{"tzs two entries", "moves", `"tzs":\[\[\d+,[^\]]+\],\[\d+,[^\]]+\]\]`},
		{"details.tz GMT form", "moves", `"tz":"GMT-0600"`},
		{"float distance", "moves", `"distance":\d+\.0,`},
		{"0-step day", "moves", `"steps":0,`},
		{"today title", "moves", `steps today"`},
		{"sunrise 0", "moves", `"sunrise":0,`},
		{"steps_3am", "moves", `"steps_3am":`},
		{"sleep deep (v1.0)", "sleeps", `"deep":\d+`},
		{"sleep sound (v1.1)", "sleeps", `"sound":\d+`},
		{"sleep sunrise null", "sleeps", `"sunrise":null`},
		{"sleep place string", "sleeps", `"place_lat":"\d`},
		{"sleep place empty", "sleeps", `"place_lat":""`},
		{"sleep place number", "sleeps", `"place_lat":\d`},
		{"nap", "sleeps", `"sub_type":[12],`},
		{"workout intensity null", "workouts", `"intensity":null`},
		{"workout unicode title", "workouts", `"title":"[^"]*[^\x00-\x7f]`},
		{"workout newline title", "workouts", `\\n`},
		{"body tz null", "body_events", `"details":\{"tz":null\}`},
		{"body tz GMT", "body_events", `"tz":"GMT[+-]\d{4}"`},
		{"body weight null", "body_events", `"weight":null`},
		{"body title null", "body_events", `"title":null`},
		{"LA typo", "heartrates", `"tz":"America/Los Angeles"`},
		{"resting hr 0", "heartrates", `"resting_heartrate":0,`},
		{"meal LA typo", "meals", `"tz":"America/Los Angeles"`},
		{"meal place number", "meals", `"place_lat":\d+\.\d+`},
		{"meal quote", "meals", `\\"`},
		{"meal emoji", "meals", `😋`},
		{"meal food_score null", "meals", `"food_score":null`},
		{"generic missing tz", "generic_events", `"details":\{\}`},
		{"generic CJK", "generic_events", `頭痛`},
		{"band sleep mode", "bandevents", `enter_sleep_mode`},
	}
	for _, c := range checks {
		if !regexp.MustCompile(c.re).MatchString(raw[c.ep]) {
			t.Errorf("%s: %s has no match for %s", c.name, c.ep, c.re)
		}
	}
	// Items without "type" among sleeps and workouts.
	for _, ep := range []string{"sleeps", "workouts"} {
		var env struct {
			Data pageJSON `json:"data"`
		}
		_ = json.Unmarshal([]byte(raw[ep]), &env)
		missing := 0
		for _, it := range env.Data.Items {
			if _, ok := it["type"]; !ok {
				missing++
			}
		}
		if missing == 0 || missing == len(env.Data.Items) {
			t.Errorf("%s: %d of %d items lack type; want some", ep, missing, len(env.Data.Items))
		}
	}
	// Unsorted tzs on some travel day.
	var env struct {
		Data pageJSON `json:"data"`
	}
	_ = json.Unmarshal([]byte(raw["moves"]), &env)
	unsorted, dst := false, false
	for _, it := range env.Data.Items {
		det := it["details"].(map[string]any)
		if tzs := det["tzs"].([]any); len(tzs) == 2 && tzs[0].([]any)[0].(float64) > tzs[1].([]any)[0].(float64) {
			unsorted = true
		}
		if it["date"].(float64) == 20160313 { // US spring-forward day: 23 hours, no 02:00 key
			ht := det["hourly_totals"].(map[string]any)
			_, has02 := ht["2016031302"]
			dst = !has02
		}
	}
	if !unsorted || !dst {
		t.Errorf("unsorted tzs %v, DST day %v", unsorted, dst)
	}
	// A meal with food items.
	meals, _ := s.GroundTruth(0, "meals")
	_, me, _ := apiGet(t, ts, tok, APIPrefix+"/meals/"+meals[0])
	var meal struct {
		Items struct {
			Items []map[string]any `json:"items"`
		} `json:"items"`
	}
	if err := json.Unmarshal(me.Data, &meal); err != nil || len(meal.Items.Items) == 0 || meal.Items.Items[0]["name"] == nil {
		t.Errorf("meal food items: %v %s", err, me.Data)
	}
	// Without location_read, no place_*.
	noLoc, _, _ := s.IssueToken(0, []string{"sleep_read"})
	_, _, body := apiGet(t, ts, noLoc, APIPrefix+"/users/@me/sleeps?limit=50")
	if bytes.Contains(body, []byte("place_")) {
		t.Error("place_* served without location_read")
	}
}

// TestDeterminism: two servers with the same config and clock serve
// byte-identical pages; another seed serves other data.
func TestDeterminism(t *testing.T) {
	clock := newFakeClock()
	cfg := Config{Seed: 42, Days: 60, Users: 2, Now: clock.Now}
	s1, ts1 := startServer(t, cfg)
	s2, ts2 := startServer(t, cfg)
	cfg.Seed = 43
	s3, ts3 := startServer(t, cfg)
	tok1, _, _ := s1.IssueToken(1, nil)
	tok2, _, _ := s2.IssueToken(1, nil)
	tok3, _, _ := s3.IssueToken(1, nil)
	moves, _ := s1.GroundTruth(1, "moves")
	sleeps, _ := s1.GroundTruth(1, "sleeps")
	meals, _ := s1.GroundTruth(1, "meals")
	paths := []string{"/users/@me", "/users/@me/friends", "/users/@me/trends?bucket_size=w&num_buckets=10",
		"/users/@me/goals", "/users/@me/settings", "/users/@me/timezone?start_time=0", "/users/@me/mood",
		"/moves/" + moves[3], "/moves/" + moves[3] + "/ticks?limit=2000", "/sleeps/" + sleeps[2] + "/ticks",
		"/meals/" + meals[1]}
	for _, ep := range allListEndpoints {
		paths = append(paths, "/users/@me/"+ep+"?limit=1000", "/users/@me/"+ep+"?start_time=0&limit=7")
	}
	for _, p := range paths {
		_, _, a := apiGet(t, ts1, tok1, APIPrefix+p)
		_, _, b := apiGet(t, ts2, tok2, APIPrefix+p)
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs between two servers with the same seed", p)
		}
		if strings.HasPrefix(p, "/users/@me/moves") {
			_, _, c := apiGet(t, ts3, tok3, APIPrefix+p)
			if bytes.Equal(a, c) {
				t.Errorf("%s: seed 43 serves the same bytes as seed 42", p)
			}
		}
	}
	if _, env, _ := apiGet(t, ts1, tok1, APIPrefix+"/users/@me"); env.Meta.Time != clock.Now().Unix() {
		t.Errorf("meta.time %d, want the server clock %d", env.Meta.Time, clock.Now().Unix())
	}
	// Day data does not depend on Days: the last 60 of 3650 days are the same.
	big, tsBig := startServer(t, Config{Seed: 42, Days: 3650, Users: 2, Now: clock.Now})
	tokBig, _, _ := big.IssueToken(1, nil)
	_, _, a := apiGet(t, ts1, tok1, APIPrefix+"/users/@me/sleeps?limit=30")
	_, _, b := apiGet(t, tsBig, tokBig, APIPrefix+"/users/@me/sleeps?limit=30")
	if !bytes.Equal(a, b) {
		t.Error("the newest sleeps differ between Days=60 and Days=3650")
	}
}

func TestFaults(t *testing.T) {
	get := func(t *testing.T, ts string, tok string) (*http.Response, []byte, error) {
		req, _ := http.NewRequest(http.MethodGet, ts+APIPrefix+"/users/@me/moves?limit=50", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return nil, nil, err
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		return resp, body, err
	}
	tests := []struct {
		name   string
		faults Faults
		check  func(t *testing.T, i int, resp *http.Response, body []byte, err error)
	}{
		{"429", Faults{Every429: 3}, func(t *testing.T, i int, resp *http.Response, body []byte, err error) {
			if err != nil {
				t.Fatal(err)
			}
			want := 200
			if i%3 == 0 {
				want = 429
				if resp.Header.Get("Retry-After") != "0" || !bytes.Contains(body, []byte(`"code":429`)) {
					t.Errorf("429 without Retry-After or envelope: %v %s", resp.Header, body)
				}
			}
			if resp.StatusCode != want {
				t.Errorf("request %d: %d, want %d", i, resp.StatusCode, want)
			}
		}},
		{"429 with a wait", Faults{Every429: 2, RetryAfter: 1500 * time.Millisecond}, func(t *testing.T, i int, resp *http.Response, body []byte, err error) {
			if err != nil {
				t.Fatal(err)
			}
			if got := resp.Header.Get("Retry-After"); i%2 == 0 && (resp.StatusCode != 429 || got != "2") {
				t.Errorf("request %d: %d with Retry-After %q, want 429 with 2 (1.5 s rounded up)", i, resp.StatusCode, got)
			}
		}},
		{"500", Faults{Every500: 2}, func(t *testing.T, i int, resp *http.Response, body []byte, err error) {
			if err != nil {
				t.Fatal(err)
			}
			want := 200
			if i%2 == 0 {
				want = 500
				if !bytes.Contains(body, []byte(`"code":500`)) || !bytes.Contains(body, []byte(`"error_type"`)) {
					t.Errorf("500 body %s", body)
				}
			}
			if resp.StatusCode != want {
				t.Errorf("request %d: %d, want %d", i, resp.StatusCode, want)
			}
		}},
		{"drop", Faults{EveryDrop: 2}, func(t *testing.T, i int, resp *http.Response, body []byte, err error) {
			if i%2 == 0 {
				if err == nil {
					t.Errorf("request %d: read %d bytes without error, want a cut body", i, len(body))
				} else if resp != nil && resp.StatusCode != 200 {
					t.Errorf("dropped request status %d", resp.StatusCode)
				}
				return
			}
			if err != nil || resp.StatusCode != 200 {
				t.Errorf("request %d: %v", i, err)
			}
		}},
		{"slow", Faults{Slow: 150 * time.Millisecond}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, ts := startServer(t, Config{Days: 20, Faults: tc.faults})
			tok, _, _ := s.IssueToken(0, nil)
			// OAuth requests do not count.
			if st, _ := tokenRequest(t, "POST", ts.URL+TokenPath, nil, nil); st != 401 {
				t.Fatalf("token endpoint: %d", st)
			}
			for i := 1; i <= 6; i++ {
				start := time.Now()
				var resp *http.Response
				var body []byte
				var err error
				func() {
					resp, body, err = get(t, ts.URL, tok)
				}()
				if tc.check != nil {
					tc.check(t, i, resp, body, err)
				} else if el := time.Since(start); el < tc.faults.Slow || err != nil {
					t.Errorf("request %d took %v (err %v), want at least %v", i, el, err, tc.faults.Slow)
				}
			}
			if got := s.APIRequests(); got != 6 {
				t.Errorf("APIRequests %d, want 6", got)
			}
		})
	}
}

func TestTouch(t *testing.T) {
	clock := newFakeClock()
	s, ts := startServer(t, Config{Days: 30, Now: clock.Now})
	tok, _, _ := s.IssueToken(0, nil)
	for _, ep := range []string{"moves", "meals", "workouts", "sleeps", "heartrates"} {
		t.Run(ep, func(t *testing.T) {
			before, _ := s.GroundTruth(0, ep)
			clock.Advance(time.Hour)
			since := clock.Now().Unix() - 1
			if err := s.Touch(0, ep, 3, 2); err != nil {
				t.Fatal(err)
			}
			after, _ := s.GroundTruth(0, ep)
			if len(after) != len(before)+3 || fmt.Sprint(after[:len(before)]) != fmt.Sprint(before) {
				t.Fatalf("after Touch: %d items, want %d + 3 appended", len(after), len(before))
			}
			got, _ := pageAll(t, ts, tok, APIPrefix+"/users/@me/"+ep+fmt.Sprintf("?start_time=0&updated_after=%d&limit=2", since))
			if len(got) != 5 {
				t.Fatalf("updated_after after Touch: %d items, want 3 new + 2 edited: %v", len(got), got)
			}
			for _, k := range after[len(before):] {
				if !contains(got, k) {
					t.Errorf("new item %s not in the incremental page", k)
				}
			}
			// The new items are reachable by xid.
			if ep != "heartrates" {
				if st, _, _ := apiGet(t, ts, tok, APIPrefix+"/"+ep+"/"+after[len(after)-1]); st != 200 {
					t.Errorf("new item by xid: %d", st)
				}
			}
		})
	}
	if err := s.Touch(0, "friends", 1, 0); err == nil {
		t.Error("Touch friends: no error")
	}
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}
