package withingsserver

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// pagedCall is a paged collection and how to name its items.
type pagedCall struct {
	name, path string
	form       url.Values
	list       string                                       // body key of the items
	key        func(t *testing.T, it map[string]any) string // unique item key
	want       func(u *userData) []string                   // every key the call must return
}

var pagedCalls = []pagedCall{
	{
		name: "getmeas", path: MeasurePath, form: form("action", "getmeas"), list: "measuregrps",
		key: func(t *testing.T, it map[string]any) string {
			return fmt.Sprint(num(t, it["grpid"]), "/", num(t, it["attrib"]))
		},
		want: func(u *userData) (ks []string) {
			for _, g := range u.groups {
				ks = append(ks, fmt.Sprint(g.GrpID, "/", g.Attrib))
			}
			return ks
		},
	},
	{
		name: "getactivity", path: MeasureV2Path, list: "activities",
		form: form("action", "getactivity", "startdateymd", "2000-01-01", "enddateymd", "2099-12-31"),
		key:  func(t *testing.T, it map[string]any) string { return it["date"].(string) },
		want: func(u *userData) (ks []string) {
			for _, a := range u.days {
				ks = append(ks, a.date)
			}
			return ks
		},
	},
	{
		name: "getworkouts", path: MeasureV2Path, list: "series",
		form: form("action", "getworkouts", "lastupdate", "0"),
		key:  func(t *testing.T, it map[string]any) string { return fmt.Sprint(num(t, it["id"])) },
		want: func(u *userData) (ks []string) {
			for _, w := range u.workouts {
				ks = append(ks, fmt.Sprint(w.id))
			}
			return ks
		},
	},
	{
		name: "getsummary", path: SleepPath, list: "series",
		form: form("action", "getsummary", "lastupdate", "0"),
		key:  func(t *testing.T, it map[string]any) string { return fmt.Sprint(num(t, it["id"])) },
		want: func(u *userData) (ks []string) {
			for _, n := range u.nights {
				ks = append(ks, fmt.Sprint(n.id))
			}
			return ks
		},
	},
	{
		name: "heart list", path: HeartPath, list: "series", form: form("action", "list"),
		key: func(t *testing.T, it map[string]any) string {
			return fmt.Sprint(num(t, it["ecg"].(map[string]any)["signalid"]))
		},
		want: func(u *userData) (ks []string) {
			for _, e := range u.ecgs {
				ks = append(ks, fmt.Sprint(e.ECG.SignalID))
			}
			return ks
		},
	},
}

// walk pages through a call, returning the item keys in order and the
// offset the last page answered.
func walk(t *testing.T, f *fixture, c pagedCall, extra url.Values) (keys []string, pages int, lastOffset int64) {
	t.Helper()
	offset := int64(0)
	for {
		v := url.Values{}
		for k, vs := range c.form {
			v[k] = vs
		}
		for k, vs := range extra {
			v[k] = vs
		}
		v.Set("offset", strconv.FormatInt(offset, 10))
		a := f.call(c.path, v).ok(t, c.name)
		pages++
		for _, it := range items(t, a.Body, c.list) {
			keys = append(keys, c.key(t, it))
		}
		next := num(t, a.Body["offset"])
		if !more(t, a.Body["more"]) {
			return keys, pages, next
		}
		if next <= offset {
			t.Fatalf("%s: more with offset %d after %d", c.name, next, offset)
		}
		offset = next
		if pages > 10000 {
			t.Fatalf("%s: no end", c.name)
		}
	}
}

// TestPagingReturnsEveryItemOnce walks each paged call with a small page
// and checks that every item comes exactly once.
func TestPagingReturnsEveryItemOnce(t *testing.T) {
	nonZeroLast := false
	for _, c := range pagedCalls {
		t.Run(c.name, func(t *testing.T) {
			pageSize := 37
			if c.name == "heart list" {
				pageSize = 4 // an ECG every few weeks
			}
			f := start(t, Config{Seed: 7, Years: 2, PageSize: pageSize})
			u := f.s.data.users[0]
			keys, pages, last := walk(t, f, c, nil)
			want := c.want(u)
			if len(want) < 2*pageSize {
				t.Fatalf("only %d items: the test needs several pages", len(want))
			}
			seen := map[string]int{}
			for _, k := range keys {
				seen[k]++
			}
			for k, n := range seen {
				if n != 1 {
					t.Errorf("item %s came %d times", k, n)
				}
			}
			for _, k := range want {
				if seen[k] == 0 {
					t.Errorf("item %s never came", k)
				}
			}
			if len(keys) != len(want) {
				t.Errorf("%d items over %d pages, want %d", len(keys), pages, len(want))
			}
			if wantPages := (len(want) + pageSize - 1) / pageSize; pages != wantPages {
				t.Errorf("%d pages, want %d", pages, wantPages)
			}
			if last != 0 {
				nonZeroLast = true
			}
		})
	}
	if !nonZeroLast {
		t.Error("no call ended with more false and a non-zero offset, as the recordings show")
	}
}

// TestLastUpdate checks that lastupdate returns exactly what was modified
// after it, including old measurements edited later.
func TestLastUpdate(t *testing.T) {
	f := start(t, Config{Seed: 3, Years: 2})
	u := f.s.data.users[0]
	mid := u.groups[len(u.groups)/2].Modified
	cases := []struct {
		name   string
		call   pagedCall
		since  int64
		expect func(since int64) []string
	}{
		{"getmeas all", pagedCalls[0], 0, func(int64) []string { return pagedCalls[0].want(u) }},
		{"getmeas mid", pagedCalls[0], mid, func(since int64) (ks []string) {
			for _, g := range u.groups {
				if g.Modified > since {
					ks = append(ks, fmt.Sprint(g.GrpID, "/", g.Attrib))
				}
			}
			return ks
		}},
		{"getmeas end", pagedCalls[0], u.endInstant, func(int64) []string { return nil }},
		{"getsummary mid", pagedCalls[3], mid, func(since int64) (ks []string) {
			for _, n := range u.nights {
				if n.modified > since {
					ks = append(ks, fmt.Sprint(n.id))
				}
			}
			return ks
		}},
		{"getworkouts mid", pagedCalls[2], mid, func(since int64) (ks []string) {
			for _, w := range u.workouts {
				if w.modified > since {
					ks = append(ks, fmt.Sprint(w.id))
				}
			}
			return ks
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			keys, _, _ := walk(t, f, c.call, form("lastupdate", strconv.FormatInt(c.since, 10)))
			want := c.expect(c.since)
			sort.Strings(keys)
			sort.Strings(want)
			if strings.Join(keys, " ") != strings.Join(want, " ") {
				t.Errorf("got %d items, want %d", len(keys), len(want))
			}
		})
	}
	// The middle lastupdate must catch groups measured before it but edited
	// after it, or the case above proves nothing about "updated".
	a := f.call(MeasurePath, form("action", "getmeas", "lastupdate", strconv.FormatInt(mid, 10))).ok(t, "getmeas")
	edited := 0
	for _, g := range items(t, a.Body, "measuregrps") {
		if num(t, g["date"]) < mid {
			edited++
		}
	}
	if edited == 0 {
		t.Error("no group measured before lastupdate and modified after it")
	}
}

// TestDecodedValuesMatchGenerator decodes every measure of every group as
// value × 10^unit from the HTTP answers and compares it with the quantity
// the generator meant.
func TestDecodedValuesMatchGenerator(t *testing.T) {
	f := start(t, Config{Seed: 11, Years: 3, PageSize: 500})
	u := f.s.data.users[0]
	truth := map[string]*measureGroup{}
	for _, g := range u.groups {
		truth[fmt.Sprint(g.GrpID, "/", g.Attrib)] = g
	}
	units := map[int]map[int]bool{}
	n := 0
	offset := "0"
	for {
		a := f.call(MeasurePath, form("action", "getmeas", "offset", offset)).ok(t, "getmeas")
		for _, g := range items(t, a.Body, "measuregrps") {
			key := fmt.Sprint(num(t, g["grpid"]), "/", num(t, g["attrib"]))
			want := truth[key]
			if want == nil {
				t.Fatalf("group %s is not the generator's", key)
			}
			ms := g["measures"].([]any)
			if len(ms) != len(want.Measures) {
				t.Fatalf("group %s has %d measures, want %d", key, len(ms), len(want.Measures))
			}
			for i, raw := range ms {
				m := raw.(map[string]any)
				typ, unit, value := int(num(t, m["type"])), int(num(t, m["unit"])), num(t, m["value"])
				got := float64(value) * math.Pow10(unit)
				real := want.Measures[i].Real
				if typ != want.Measures[i].Type || math.Abs(got-real) > 0.5*math.Pow10(unit)+1e-9 {
					t.Errorf("group %s measure %d: type %d, %d × 10^%d = %v, want type %d ≈ %v",
						key, i, typ, value, unit, got, want.Measures[i].Type, real)
				}
				if units[typ] == nil {
					units[typ] = map[int]bool{}
				}
				units[typ][unit] = true
				n++
			}
		}
		if !more(t, a.Body["more"]) {
			break
		}
		offset = fmt.Sprint(num(t, a.Body["offset"]))
	}
	if n < 10000 {
		t.Errorf("only %d measures decoded", n)
	}
	// The quirks the recordings show: weight in three units, blood pressure
	// from the cuff (-2) and typed in (0).
	for typ, want := range map[int][]int{typeWeight: {-4, -3, -2}, typeSystolic: {-2, 0}, typeHeartPulse: {-2, 0}} {
		for _, un := range want {
			if !units[typ][un] {
				t.Errorf("type %d never comes in unit %d (units seen: %v)", typ, un, units[typ])
			}
		}
	}
}

// TestWindow checks the 24-hour bound of the series calls under both
// policies.
func TestWindow(t *testing.T) {
	cfgs := map[WindowPolicy]*fixture{
		WindowTruncate: start(t, Config{Seed: 5}),
		WindowReject:   start(t, Config{Seed: 5, WindowPolicy: WindowReject}),
	}
	u := cfgs[WindowTruncate].s.data.users[0]
	// A day the watch was worn and a night was recorded, late in the data.
	n := u.nights[len(u.nights)-3]
	from := n.start - 6*3600
	cases := []struct {
		name   string
		path   string
		action string
		fields string
		span   int64
		policy WindowPolicy
		status int
	}{
		{"intraday 24h", MeasureV2Path, "getintradayactivity", "steps,heart_rate", 86400, WindowReject, 0},
		{"intraday 24h+1s refused", MeasureV2Path, "getintradayactivity", "steps,heart_rate", 86401, WindowReject, statusInvalidParams},
		{"intraday 3 days refused", MeasureV2Path, "getintradayactivity", "", 3 * 86400, WindowReject, statusInvalidParams},
		{"intraday 3 days cut", MeasureV2Path, "getintradayactivity", "heart_rate", 3 * 86400, WindowTruncate, 0},
		{"sleep 24h", SleepPath, "get", "hr", 86400, WindowReject, 0},
		{"sleep 24h+1s refused", SleepPath, "get", "hr", 86401, WindowReject, statusInvalidParams},
		{"sleep 7 days cut", SleepPath, "get", "hr", 7 * 86400, WindowTruncate, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := cfgs[c.policy]
			v := form("action", c.action, "startdate", fmt.Sprint(from), "enddate", fmt.Sprint(from+c.span))
			if c.fields != "" {
				v.Set("data_fields", c.fields)
			}
			a := f.call(c.path, v)
			if a.HTTP != http.StatusOK || a.Status != c.status {
				t.Fatalf("HTTP %d status %d (%q), want HTTP 200 status %d", a.HTTP, a.Status, a.Error, c.status)
			}
			if c.status != 0 {
				if !strings.HasPrefix(a.Error, "Invalid Params") {
					t.Errorf("error %q", a.Error)
				}
				return
			}
			latest := int64(0)
			switch series := a.Body["series"].(type) {
			case map[string]any:
				for k := range series {
					ts, _ := strconv.ParseInt(k, 10, 64)
					latest = max(latest, ts)
				}
			case []any:
				for _, s := range series {
					latest = max(latest, num(t, s.(map[string]any)["startdate"]))
				}
			}
			if latest == 0 {
				t.Fatal("the window holds no data; the test proves nothing")
			}
			if latest > from+86400 {
				t.Errorf("data at %d, more than 24 h after startdate %d", latest, from)
			}
		})
	}
}

// TestRateLimit checks the in-band 601 and that it is per user and per
// window.
func TestRateLimit(t *testing.T) {
	clk := newClock()
	f := start(t, Config{Seed: 1, Users: 2, Now: clk.Now, RateLimit: RateLimit{Limit: 3, Window: time.Minute}})
	other, _ := f.s.Tokens().IssueTokens(f.s.Users()[1], AllScopes)
	dev := form("action", "getdevice")
	for i := range 3 {
		f.call(UserPath, dev).ok(t, fmt.Sprint("request ", i+1))
	}
	a := f.call(UserPath, dev)
	if a.HTTP != http.StatusOK || a.Status != statusTooManyRequests {
		t.Fatalf("4th request: HTTP %d status %d, want HTTP 200 status 601", a.HTTP, a.Status)
	}
	if w := num(t, a.Body["wait_seconds"]); w < 1 || w > 60 {
		t.Errorf("wait_seconds %d", w)
	}
	f.callAs(other, UserPath, dev).ok(t, "another user")
	clk.Advance(61 * time.Second)
	f.call(UserPath, dev).ok(t, "after the window")
}

// TestInBandErrors checks that errors come as HTTP 200 with a non-zero
// status.
func TestInBandErrors(t *testing.T) {
	f := start(t, Config{Seed: 1})
	metricsOnly, _ := f.s.Tokens().IssueTokens(f.s.Users()[0], []string{ScopeMetrics})
	cases := []struct {
		name   string
		token  string
		path   string
		form   url.Values
		status int
	}{
		{"no token", "", MeasurePath, form("action", "getmeas"), statusAuthFailed},
		{"unknown token", "0123456789", MeasurePath, form("action", "getmeas"), statusAuthFailed},
		{"missing scope", metricsOnly, SleepPath, form("action", "getsummary", "lastupdate", "0"), statusUnauthorized},
		{"unknown action", f.token, MeasurePath, form("action", "getnothing"), statusNotImplemented},
		{"no action", f.token, MeasurePath, form(), statusInvalidParams},
		{"bad offset", f.token, MeasurePath, form("action", "getmeas", "offset", "-1"), statusInvalidParams},
		{"bad date", f.token, MeasureV2Path, form("action", "getactivity", "startdateymd", "2024-13-01", "enddateymd", "2024-12-01"), statusInvalidParams},
		{"no range", f.token, MeasureV2Path, form("action", "getactivity"), statusInvalidParams},
		{"sleep get without dates", f.token, SleepPath, form("action", "get"), statusInvalidParams},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := f.callAs(c.token, c.path, c.form)
			if a.HTTP != http.StatusOK || a.Status != c.status || a.Error == "" {
				t.Errorf("HTTP %d status %d error %q, want HTTP 200 status %d with a message", a.HTTP, a.Status, a.Error, c.status)
			}
		})
	}
}

// TestTokenFlow exchanges a code and rotates refresh tokens.
func TestTokenFlow(t *testing.T) {
	clk := newClock()
	f := start(t, Config{Seed: 1, Now: clk.Now})
	ts := f.s.Tokens()
	tokenCall := func(v url.Values) answer {
		v.Set("action", "requesttoken")
		v.Set("client_id", "withings-demo")
		v.Set("client_secret", "withings-demo-secret")
		return f.callAs("", TokenPath, v)
	}
	code := ts.IssueCode(f.s.Users()[0], []string{ScopeMetrics, ScopeInfo}, "http://127.0.0.1:9/cb")
	if a := tokenCall(form("grant_type", "authorization_code", "code", code, "redirect_uri", "http://127.0.0.1:9/other")); a.Status != statusInvalidParams {
		t.Errorf("wrong redirect_uri: status %d", a.Status)
	}
	a := tokenCall(form("grant_type", "authorization_code", "code", code, "redirect_uri", "http://127.0.0.1:9/cb")).ok(t, "code exchange")
	for _, k := range []string{"userid", "access_token", "refresh_token", "expires_in", "scope", "token_type"} {
		if a.Body[k] == nil {
			t.Errorf("token body lacks %s", k)
		}
	}
	if a.Body["scope"] != "user.metrics,user.info" || num(t, a.Body["expires_in"]) != 10800 || a.Body["userid"] != f.s.Users()[0] {
		t.Errorf("token body %v", a.Body)
	}
	if b := tokenCall(form("grant_type", "authorization_code", "code", code)); b.Status != statusInvalidParams {
		t.Errorf("code used twice: status %d", b.Status)
	}
	rt1 := a.Body["refresh_token"].(string)
	b := tokenCall(form("grant_type", "refresh_token", "refresh_token", rt1)).ok(t, "refresh")
	rt2, at2 := b.Body["refresh_token"].(string), b.Body["access_token"].(string)
	if rt2 == rt1 {
		t.Fatal("the refresh token did not rotate")
	}
	// The old refresh token keeps working until the new access token is used.
	c := tokenCall(form("grant_type", "refresh_token", "refresh_token", rt1)).ok(t, "old refresh token in its grace")
	at3 := c.Body["access_token"].(string)
	f.callAs(at3, UserPath, form("action", "getdevice")).ok(t, "new access token")
	if d := tokenCall(form("grant_type", "refresh_token", "refresh_token", rt1)); d.Status != statusAuthFailed {
		t.Errorf("old refresh token after the new access token was used: status %d", d.Status)
	}
	tokenCall(form("grant_type", "refresh_token", "refresh_token", rt2)).ok(t, "the other rotated token")
	clk.Advance(AccessTTL + time.Second)
	if e := f.callAs(at2, UserPath, form("action", "getdevice")); e.Status != statusAuthFailed {
		t.Errorf("expired access token: status %d", e.Status)
	}
}

// TestFaults checks the injected 5xx, truncation and in-band timeout.
func TestFaults(t *testing.T) {
	f := start(t, Config{Seed: 1, Faults: Faults{Every5xx: 3, EveryTruncate: 2, EveryTimeout: 5}})
	get := func() (*http.Response, []byte, error) {
		req, _ := http.NewRequest(http.MethodGet, f.url+UserPath+"?action=getdevice", nil)
		req.Header.Set("Authorization", "Bearer "+f.token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return nil, nil, err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		return resp, b, err
	}
	for n := 1; n <= 6; n++ {
		resp, body, err := get()
		switch {
		case n%3 == 0: // 5xx wins over truncation on the 6th
			if err != nil || resp.StatusCode != http.StatusBadGateway || json.Valid(body) {
				t.Errorf("request %d: want a non-JSON 502, got %v %v", n, resp, err)
			}
		case n%2 == 0:
			if !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Errorf("request %d: want a cut body, got err %v", n, err)
			}
		case n == 5:
			var env envelope
			if err != nil || json.Unmarshal(body, &env) != nil || env.Status != statusTimeout {
				t.Errorf("request %d: want in-band 522, got %s %v", n, body, err)
			}
		default:
			if err != nil || !bytes.Contains(body, []byte(`"status":0`)) {
				t.Errorf("request %d: want a success, got %s %v", n, body, err)
			}
		}
	}
}

// TestDeterministic checks that the data is a function of the seed.
func TestDeterministic(t *testing.T) {
	page := func(seed int64) string {
		f := start(t, Config{Seed: seed, Years: 1})
		return fmt.Sprint(f.call(MeasurePath, form("action", "getmeas")).ok(t, "getmeas").Body)
	}
	if page(4) != page(4) {
		t.Error("two servers with one seed answer differently")
	}
	if page(4) == page(5) {
		t.Error("two seeds answer the same")
	}
}

// TestTimeZones checks that a trip shows as days and nights in another zone
// and that the local dates stay contiguous.
func TestTimeZones(t *testing.T) {
	f := start(t, Config{Seed: 2, Years: 3, PageSize: 2000})
	days := items(t, f.call(MeasureV2Path, form("action", "getactivity", "lastupdate", "0")).ok(t, "getactivity").Body, "activities")
	zones := map[string]int{}
	var prev time.Time
	for _, d := range days {
		zones[d["timezone"].(string)]++
		day, err := time.Parse(time.DateOnly, d["date"].(string))
		if err != nil {
			t.Fatal(err)
		}
		if !prev.IsZero() && day.Sub(prev) != 24*time.Hour {
			t.Errorf("days %s then %s", prev.Format(time.DateOnly), day.Format(time.DateOnly))
		}
		prev = day
	}
	if len(zones) < 3 || zones["Europe/Paris"] < len(days)/2 {
		t.Errorf("zones %v", zones)
	}
	nights := items(t, f.call(SleepPath, form("action", "getsummary", "lastupdate", "0")).ok(t, "getsummary").Body, "series")
	away := 0
	for _, n := range nights {
		if n["timezone"] != "Europe/Paris" {
			away++
			if num(t, n["model"]) != modelTracker {
				t.Errorf("a night away from home not from the watch: %v", n)
			}
		}
	}
	if away == 0 {
		t.Error("no night away from home")
	}
}

// TestSleepSummaryMatchesSeries recomputes summaries from sleep get's raw
// segments and vitals, the way an analyst would by hand.
func TestSleepSummaryMatchesSeries(t *testing.T) {
	f := start(t, Config{Seed: 9, Years: 1})
	nights := items(t, f.call(SleepPath, form("action", "getsummary", "lastupdate", "0", "data_fields",
		"lightsleepduration,deepsleepduration,remsleepduration,wakeupduration,total_timeinbed,hr_average,hr_min,hr_max,snoring")).ok(t, "getsummary").Body, "series")
	for _, n := range nights[:20] {
		start, end := num(t, n["startdate"]), num(t, n["enddate"])
		a := f.call(SleepPath, form("action", "get", "startdate", fmt.Sprint(start), "enddate", fmt.Sprint(end-1),
			"data_fields", "hr,rr,snoring")).ok(t, "sleep get")
		var dur [4]int64
		var hrSum, hrN, hrMin, hrMax, snoring int64 = 0, 0, math.MaxInt64, 0, 0
		for _, raw := range a.Body["series"].([]any) {
			s := raw.(map[string]any)
			st := num(t, s["state"])
			dur[st] += num(t, s["enddate"]) - num(t, s["startdate"])
			for _, v := range s["hr"].(map[string]any) {
				h := num(t, v)
				hrSum, hrN, hrMin, hrMax = hrSum+h, hrN+1, min(hrMin, h), max(hrMax, h)
			}
			if sn, ok := s["snoring"].(map[string]any); ok {
				for _, v := range sn {
					snoring += num(t, v)
				}
			}
		}
		d := n["data"].(map[string]any)
		check := func(k string, got int64) {
			if want := num(t, d[k]); got != want {
				t.Errorf("night %s: %s from the series %d, summary %d", n["date"], k, got, want)
			}
		}
		check("wakeupduration", dur[stateAwake])
		check("lightsleepduration", dur[stateLight])
		check("deepsleepduration", dur[stateDeep])
		check("remsleepduration", dur[stateREM])
		check("total_timeinbed", dur[0]+dur[1]+dur[2]+dur[3])
		check("hr_average", int64(math.Round(float64(hrSum)/float64(hrN))))
		check("hr_min", hrMin)
		check("hr_max", hrMax)
		if _, ok := d["snoring"]; ok {
			check("snoring", snoring)
		}
	}
}

// TestStaticTokens plugs a fixed token table in as the Authenticator, as
// the lead's OAuth server will be plugged in.
func TestStaticTokens(t *testing.T) {
	f := start(t, Config{Seed: 1, Users: 2, Auth: StaticTokens{
		"all":   {UserID: UserID(1), Scopes: AllScopes},
		"info":  {UserID: UserID(0), Scopes: []string{ScopeInfo}},
		"ghost": {UserID: "99", Scopes: AllScopes},
	}})
	a := f.callAs("all", UserPath, form("action", "getdevice")).ok(t, "static token")
	if len(items(t, a.Body, "devices")) != 5 {
		t.Errorf("devices %v", a.Body)
	}
	for _, c := range []struct {
		token, path string
		form        url.Values
		status      int
	}{
		{"info", MeasurePath, form("action", "getmeas"), statusUnauthorized},
		{"ghost", UserPath, form("action", "getdevice"), statusAuthFailed},
		{"nope", UserPath, form("action", "getdevice"), statusAuthFailed},
	} {
		if got := f.callAs(c.token, c.path, c.form); got.HTTP != http.StatusOK || got.Status != c.status {
			t.Errorf("token %q: HTTP %d status %d, want 200 and %d", c.token, got.HTTP, got.Status, c.status)
		}
	}
	// Both users' data differ: the token names the user.
	m1 := f.callAs("all", MeasurePath, form("action", "getmeas")).ok(t, "user 1")
	if m1.Body["timezone"] == "Europe/Paris" {
		t.Errorf("user 1 has user 0's zone")
	}
}

// TestLiveIncremental reads everything at one instant, advances the clock,
// reads again with lastupdate, and checks that the two reads together hold
// exactly what was stored by the second instant, edits included.
func TestLiveIncremental(t *testing.T) {
	clk := newClock()
	f := start(t, Config{Seed: 6, Years: 2, Live: true, Now: clk.Now, PageSize: 200})
	u := f.s.data.users[0]
	// t1 is just after an edit's original storing, t2 after the edit.
	var edited *measureGroup
	for _, g := range u.groups {
		if g.Modified-g.Created > 40*86400 && g.Created > u.groups[len(u.groups)/3].Created {
			edited = g
			break
		}
	}
	if edited == nil {
		t.Fatal("no group edited long after it was stored")
	}
	t1, t2 := edited.Created+1, edited.Modified+1
	clk.t = time.Unix(t1, 0)
	first, _, _ := walk(t, f, pagedCalls[0], form("lastupdate", "0"))
	// At t1 nothing may look modified in the future: the edited group is
	// served as it was before the edit.
	recent := f.call(MeasurePath, form("action", "getmeas", "lastupdate", strconv.FormatInt(edited.Created-1, 10))).ok(t, "getmeas at t1")
	for _, g := range items(t, recent.Body, "measuregrps") {
		if m := num(t, g["modified"]); m > t1 {
			t.Errorf("group %v served at %d with modified %d", g["grpid"], t1, m)
		}
	}
	clk.t = time.Unix(t2, 0)
	second, _, _ := walk(t, f, pagedCalls[0], form("lastupdate", strconv.FormatInt(t1, 10)))

	key := fmt.Sprint(edited.GrpID, "/", edited.Attrib)
	in := func(ks []string, k string) bool {
		for _, x := range ks {
			if x == k {
				return true
			}
		}
		return false
	}
	if !in(first, key) || !in(second, key) {
		t.Errorf("the edited group %s: in the first read %v, in the second %v; want both", key, in(first, key), in(second, key))
	}
	union := map[string]bool{}
	for _, k := range append(first, second...) {
		union[k] = true
	}
	for _, g := range u.groups {
		k := fmt.Sprint(g.GrpID, "/", g.Attrib)
		switch {
		case g.Created <= t2 && !union[k]:
			t.Errorf("group %s stored at %d is in neither read", k, g.Created)
		case g.Created > t2 && union[k]:
			t.Errorf("group %s stored at %d, after the second read", k, g.Created)
		case g.Created <= t1 && g.Modified <= t1 && in(second, k):
			t.Errorf("group %s unchanged since the first read came again", k)
		}
	}
	if len(first) == 0 || len(second) == 0 || len(first) >= len(u.groups) {
		t.Errorf("reads of %d and %d groups out of %d", len(first), len(second), len(u.groups))
	}
}
