package fitbitserver

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
)

// FuzzAPI serves arbitrary paths and queries: the router and the date,
// period, time and list parameter parsers must answer every request with
// JSON, a 200 or one of Fitbit's error bodies, and never panic.
func FuzzAPI(f *testing.F) {
	for _, p := range []string{
		"/1/user/-/activities/steps/date/2024-03-01/2024-03-07.json",
		"/1/user/-/activities/heart/date/today/1d/1sec/time/23:59/00:00.json",
		"/1/user/-/activities/calories/date/2024-03-06/2024-03-06/15min/time/08:00/09:00.json",
		"/1/user/-/activities/steps/date/2024-03-06/1y.json",
		"/1.2/user/-/sleep/list.json?afterDate=2024-03-05T23:59:59&sort=asc&offset=7&limit=100",
		"/1/user/-/activities/list.json?beforeDate=9999-12-31&sort=desc&offset=0&limit=1",
		"/1/user/-/spo2/date/2024-03-05/2024-03-06/all.json",
		"/1/user/-/body/log/fat/date/0001-01-01/1m.json",
		"/1/user//profile.json",
		"/1.2/user/-/sleep/date/2024-03-06/x/y.json",
	} {
		u, _ := url.Parse(p)
		f.Add(u.Path, u.RawQuery)
	}
	s, err := New(Config{Seed: 1, Days: 30, RateLimit: RateLimit{Off: true}, Now: fixedClock(testNow).Now})
	if err != nil {
		f.Fatal(err)
	}
	tok, _, err := s.IssueToken(nil)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, path, query string) {
		if path == "" || path[0] != '/' {
			path = "/" + path
		}
		req := httptest.NewRequest("GET", "/", nil)
		req.URL = &url.URL{Path: path, RawQuery: query}
		req.Header.Set("Authorization", "Bearer "+tok)
		w := httptest.NewRecorder()
		s.ServeHTTP(w, req)
		if w.Code == http.StatusMovedPermanently || w.Code == http.StatusTemporaryRedirect {
			return // ServeMux cleaning the path
		}
		var v any
		if err := json.Unmarshal(w.Body.Bytes(), &v); err != nil {
			t.Fatalf("%s?%s: %d, not JSON: %.200s", path, query, w.Code, w.Body.Bytes())
		}
		if w.Code != http.StatusOK {
			fitbitError(t, answer{status: w.Code, body: w.Body.Bytes()})
		}
	})
}
