package fitbitserver

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
)

const samples = "../../../testdata/providers/fitbit"

// shape maps every path of a JSON document to the kinds of value found
// there; array elements share the path "<array>[]".
func shape(v any, path string, out map[string]map[string]bool) {
	kind := "null"
	switch x := v.(type) {
	case map[string]any:
		kind = "object"
		for k, e := range x {
			shape(e, path+"."+k, out)
		}
	case []any:
		kind = "array"
		for _, e := range x {
			shape(e, path+"[]", out)
		}
	case string:
		kind = "string"
	case float64:
		kind = "number"
	case bool:
		kind = "bool"
	}
	if out[path] == nil {
		out[path] = map[string]bool{}
	}
	out[path][kind] = true
}

func shapeOf(t *testing.T, b []byte) map[string]map[string]bool {
	t.Helper()
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("%v: %s", err, b)
	}
	out := map[string]map[string]bool{}
	shape(v, "", out)
	return out
}

// sameShape fails unless every path of the sample is served with the
// same kinds of value: a string where the sample has a string ("7390"),
// a bare array where it has one.
func sameShape(t *testing.T, sample string, served []byte) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(samples, sample))
	if err != nil {
		t.Fatal(err)
	}
	want, got := shapeOf(t, b), shapeOf(t, served)
	var bad []string
	for p, kinds := range want {
		for k := range kinds {
			if !got[p][k] {
				bad = append(bad, fmt.Sprintf("%s: %s (served %v)", p, k, keys(got[p])))
			}
		}
	}
	sort.Strings(bad)
	if len(bad) > 0 {
		t.Errorf("%s: served answer lacks\n  %s\nin %.600s", sample, strings.Join(bad, "\n  "), served)
	}
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// findDay is the first served day that has what ok asks for.
func findDay(t *testing.T, s *Server, what string, ok func(d *dataset, n int64) bool) string {
	t.Helper()
	for n := s.data.first; n <= s.data.last; n++ {
		if ok(s.data, n) {
			return dayText(n)
		}
	}
	t.Fatalf("no day with %s in the test data", what)
	return ""
}

func TestShapesMatchSamples(t *testing.T) {
	c := newClient(t, Config{Seed: 1})
	s := c.srv
	stages := func(d *dataset, n int64) bool { _, ok := d.mainStages(n); return ok }
	stagesAndNap := findDay(t, s, "a stage night and a nap", func(d *dataset, n int64) bool {
		_, nap := d.nap(n)
		return stages(d, n) && nap
	})
	napDay := findDay(t, s, "a nap", func(d *dataset, n int64) bool { _, ok := d.nap(n); return ok })
	noDaily := findDay(t, s, "calories without the daily element", func(d *dataset, n int64) bool { return d.hash("nodaily", n)%6 == 0 })
	manual := findDay(t, s, "a weight typed in", func(d *dataset, n int64) bool {
		ws := d.weighIns(n)
		return len(ws) == 2
	})
	resting := findDay(t, s, "a resting heart rate", func(d *dataset, n int64) bool { return d.daily(n).resting > 0 })
	night := findDay(t, s, "a stage night", stages)
	weekBefore := func(day string) string {
		d, _ := time.Parse(time.DateOnly, day)
		return d.AddDate(0, 0, -6).Format(time.DateOnly)
	}
	for _, tc := range []struct{ sample, path string }{
		{"profile.json", "/1/user/-/profile.json"},
		{"activities_steps_range.json", "/1/user/-/activities/steps/date/2024-03-01/2024-03-07.json"},
		{"activities_steps_intraday_1min.json", "/1/user/-/activities/steps/date/2024-03-06/1d/1min.json"},
		{"activities_calories_intraday_no_daily.json", "/1/user/-/activities/calories/date/" + noDaily + "/1d/1min.json"},
		{"heart_intraday_1min.json", "/1/user/-/activities/heart/date/" + resting + "/1d/1min.json"},
		{"sleep_date_stages_and_classic.json", "/1.2/user/-/sleep/date/" + stagesAndNap + ".json"},
		{"sleep_list_page.json", "/1.2/user/-/sleep/list.json?afterDate=" + napDay + "T12:00:00&sort=asc&offset=0&limit=1"},
		{"sleep_pending.json", "/1.2/user/-/sleep/date/today.json"},
		{"weight_logs.json", "/1/user/-/body/log/weight/date/" + weekBefore(manual) + "/" + manual + ".json"},
		{"fat_logs.json", "/1/user/-/body/log/fat/date/" + weekBefore(manual) + "/" + manual + ".json"},
		{"spo2_summary_interval_bare_array.json", "/1/user/-/spo2/date/" + weekBefore(night) + "/" + night + ".json"},
		{"spo2_intraday_date.json", "/1/user/-/spo2/date/" + night + "/all.json"},
		{"hrv_summary.json", "/1/user/-/hrv/date/" + night + ".json"},
		{"hrv_intraday.json", "/1/user/-/hrv/date/" + night + "/all.json"},
		{"br_intraday.json", "/1/user/-/br/date/" + weekBefore(night) + "/" + night + "/all.json"},
		{"cardioscore.json", "/1/user/-/cardioscore/date/2024-03-01/2024-03-14.json"},
		{"temp_skin.json", "/1/user/-/temp/skin/date/" + night + ".json"},
	} {
		t.Run(tc.sample, func(t *testing.T) {
			a := c.get(tc.path)
			if a.status != 200 {
				t.Fatalf("GET %s: %d %s", tc.path, a.status, a.body)
			}
			sameShape(t, tc.sample, a.body)
		})
	}
}

// TestShapesOfErrors checks the error answers against the samples' bodies.
func TestShapesOfErrors(t *testing.T) {
	c := newClient(t, Config{Seed: 1, RateLimit: RateLimit{Limit: 1, Window: time.Hour}}, "activity")
	path := "/1/user/-/activities/steps/date/2024-03-01/2024-03-07.json"
	if a := c.get(path); a.status != 200 {
		t.Fatalf("first request: %d %s", a.status, a.body)
	}
	a := c.get(path)
	if a.status != 429 || fitbitError(t, a) != "system" {
		t.Fatalf("past the quota: %d %s", a.status, a.body)
	}
	sameShape(t, "error_rate_limit.json", a.body)

	c.clock.Add(time.Hour)
	a = c.get("/1.2/user/-/sleep/date/2024-03-06.json")
	if a.status != 403 || fitbitError(t, a) != "insufficient_scope" {
		t.Fatalf("without the sleep scope: %d %s", a.status, a.body)
	}
	sameShape(t, "error_insufficient_scope.json", a.body)

	c.clock.Add(AccessTTL)
	a = c.get(path)
	if a.status != 401 || fitbitError(t, a) != "expired_token" {
		t.Fatalf("after 8 hours: %d %s", a.status, a.body)
	}
	sameShape(t, "error_expired_token.json", a.body)
}

// TestShapesWithoutSamples checks the routes that have no sample against
// the fields §7 lists for them.
func TestShapesWithoutSamples(t *testing.T) {
	c := newClient(t, Config{Seed: 1})
	has := func(what string, v any, fields ...string) {
		t.Helper()
		m, ok := v.(map[string]any)
		if !ok {
			t.Fatalf("%s is %T, want an object", what, v)
		}
		for _, f := range fields {
			if _, ok := m[f]; !ok {
				t.Errorf("%s lacks %s: %v", what, f, keys(toSet(m)))
			}
		}
	}
	var summary map[string]any
	c.ok("/1/user/-/activities/date/2024-03-06.json", &summary)
	has("daily summary", summary, "activities", "goals", "summary")
	has("goals", summary["goals"], "activeMinutes", "caloriesOut", "distance", "floors", "steps")
	has("summary", summary["summary"], "steps", "caloriesOut", "activityCalories", "caloriesBMR", "marginalCalories",
		"distances", "elevation", "floors", "sedentaryMinutes", "lightlyActiveMinutes", "fairlyActiveMinutes",
		"veryActiveMinutes", "restingHeartRate", "heartRateZones", "activeScore")
	if summary["summary"].(map[string]any)["activeScore"] != -1.0 {
		t.Errorf("activeScore %v, want -1", summary["summary"].(map[string]any)["activeScore"])
	}
	for _, a := range summary["activities"].([]any) {
		has("logged activity", a, "activityId", "calories", "distance", "duration", "logId", "name", "startDate", "startTime", "steps")
	}

	var devices []any
	c.ok("/1/user/-/devices.json", &devices)
	if len(devices) == 0 {
		t.Fatal("no devices")
	}
	for _, d := range devices {
		has("device", d, "id", "deviceVersion", "type", "battery", "batteryLevel", "lastSyncTime")
	}

	var list struct{ Activities []any }
	c.ok("/1/user/-/activities/list.json?afterDate=2024-03-01&sort=asc&offset=0&limit=10", &list)
	if len(list.Activities) == 0 {
		t.Fatal("no activity logs")
	}
	for _, a := range list.Activities {
		has("activity log", a, "logId", "activityName", "activityTypeId", "logType", "startTime", "originalStartTime",
			"duration", "activeDuration", "originalDuration", "calories", "steps", "distance", "distanceUnit",
			"averageHeartRate", "heartRateZones", "activityLevel", "elevationGain", "speed", "pace",
			"manualValuesSpecified", "lastModified", "caloriesLink", "heartRateLink", "tcxLink")
	}
	// The logs' links are served.
	a := list.Activities[0].(map[string]any)
	for _, link := range []string{"caloriesLink", "heartRateLink"} {
		u := strings.TrimPrefix(a[link].(string), c.hs.URL)
		if r := c.get(u); r.status != 200 {
			t.Errorf("%s %s: %d %s", link, u, r.status, r.body)
		}
	}

	var heart map[string]any
	c.ok("/1/user/-/activities/heart/date/2024-03-01/2024-03-03.json", &heart)
	for _, d := range heart["activities-heart"].([]any) {
		has("heart day", d, "dateTime", "value")
		has("heart value", d.(map[string]any)["value"], "customHeartRateZones", "heartRateZones")
	}
}

func toSet(m map[string]any) map[string]bool {
	out := map[string]bool{}
	for k := range m {
		out[k] = true
	}
	return out
}
