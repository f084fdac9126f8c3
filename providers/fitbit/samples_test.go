package fitbit_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/upexport/upexport/fetch"
	"github.com/upexport/upexport/providers/fitbit"
)

const date = `\d{4}-\d\d-\d\d`

// sampleRoutes serve each recorded sample at its route.
var sampleRoutes = map[string]string{
	"/1/user/-/profile.json": "profile.json",
	"/1/user/-/activities/steps/date/" + date + "/" + date + ".json": "activities_steps_range.json",
	"/1/user/-/activities/steps/date/" + date + "/1d/1min.json":      "activities_steps_intraday_1min.json",
	"/1/user/-/activities/calories/date/" + date + "/1d/1min.json":   "activities_calories_intraday_no_daily.json",
	"/1/user/-/activities/heart/date/" + date + "/1d/1min.json":      "heart_intraday_1min.json",
	"/1/user/-/activities/heart/date/" + date + "/" + date + ".json": "heart_timeseries_older_shape.json",
	"/1.2/user/-/sleep/date/" + date + "/" + date + ".json":          "sleep_date_stages_and_classic.json",
	"/1/user/-/body/log/weight/date/" + date + "/" + date + ".json":  "weight_logs.json",
	"/1/user/-/body/log/fat/date/" + date + "/" + date + ".json":     "fat_logs.json",
	"/1/user/-/spo2/date/" + date + "/" + date + ".json":             "spo2_summary_interval_bare_array.json",
	"/1/user/-/hrv/date/" + date + "/" + date + ".json":              "hrv_summary.json",
	"/1/user/-/br/date/" + date + "/" + date + ".json":               "br_intraday.json",
	"/1/user/-/temp/skin/date/" + date + "/" + date + ".json":        "temp_skin.json",
	"/1/user/-/cardioscore/date/" + date + "/" + date + ".json":      "cardioscore.json",
}

// TestSamples reads every recorded sample through its resource's
// paginator (dates in the path, items cut out of Fitbit's per-route keys
// or bare lists, the profile's zone and the day asked for written in)
// and its tables, and checks the cells the samples' README computed by
// hand (America/Chicago, UTC-06:00 on these dates).
func TestSamples(t *testing.T) {
	srv, c := newSampleServer(t, sampleRoutes)
	w := fetch.Window{Since: day("2024-03-06"), Until: day("2024-03-07")}
	one := fetch.Window{Since: day("2024-03-06"), Until: day("2024-03-06")}

	prof := flatten(t, fitbit.Profile, read(t, c, fitbit.Profile, w)...)
	check(t, "profile", prof["profile"], 0, row{"user_id": "7QXK2P", "encoded_id": "7QXK2P", "timezone": "America/Chicago",
		"offset_from_utc_ms": int64(-21600000), "member_since": int64(20190203), "height_cm": 168.0, "distance_unit": "en_US"})

	steps := flatten(t, "activity_steps", read(t, c, "activity_steps", w)...)["activity_steps"]
	if len(steps) != 7 {
		t.Fatalf("activity_steps: %d rows, want 7", len(steps))
	}
	check(t, "activity_steps", steps, 2, row{"date": int64(20240303), "steps": int64(0)})
	check(t, "activity_steps", steps, 4, row{"date": int64(20240305), "steps": int64(7390)})

	in := flatten(t, fitbit.IntradaySteps, read(t, c, fitbit.IntradaySteps, one)...)
	check(t, "intraday_steps_days", in["intraday_steps_days"], 0, row{"date": int64(20240306), "steps": int64(8412),
		"timezone": "America/Chicago", "dataset_interval": int64(1), "dataset_type": "minute"})
	is := in["intraday_steps"]
	check(t, "intraday_steps", is, 0, row{"time_utc": utc("2024-03-06T06:00:00Z"), "time_local": "2024-03-06T00:00:00", "steps": int64(0), "interval_s": int64(60)})
	check(t, "intraday_steps", is, 5, row{"time_utc": utc("2024-03-06T13:30:00Z"), "steps": int64(103)})
	check(t, "intraday_steps", is, len(is)-1, row{"time_utc": utc("2024-03-07T05:59:00Z")})
	if n := in["intraday_steps_days"][0]["elements"]; n != int64(len(is)) {
		t.Errorf("elements = %v, want %d rows", n, len(is))
	}

	// The calories answer has no daily element: the day comes from the
	// request.
	cal := flatten(t, fitbit.IntradayCalories, read(t, c, fitbit.IntradayCalories, one)...)
	check(t, "intraday_calories_days", cal["intraday_calories_days"], 0, row{"date": int64(20240306), "calories_kcal": nil})
	check(t, "intraday_calories", cal["intraday_calories"], 2, row{"time_utc": utc("2024-03-06T13:31:00Z"), "calories_kcal": 4.9381,
		"level": int64(2), "mets": int64(46)})

	heart := flatten(t, fitbit.IntradayHeart, read(t, c, fitbit.IntradayHeart, one)...)
	check(t, "intraday_heart_days", heart["intraday_heart_days"], 0, row{"date": int64(20240306), "resting_heart_rate_bpm": int64(61)})
	if len(heart["intraday_heart"]) == 0 {
		t.Error("intraday_heart: no rows")
	}

	// The older heart shape: zones beside dateTime, value a string.
	hd := flatten(t, fitbit.Heart, read(t, c, fitbit.Heart, w)...)
	check(t, "heart_daily", hd["heart_daily"], 0, row{"date": int64(20160502), "average_heart_rate_bpm": 64.12, "resting_heart_rate_bpm": nil})
	check(t, "heart_zones", hd["heart_zones"], 1, row{"date": int64(20160502), "name": "Fat Burn", "min_bpm": int64(113),
		"max_bpm": int64(138), "minutes": int64(58), "calories_out_kcal": 290.5, "custom": false})

	sl := flatten(t, fitbit.Sleep, read(t, c, fitbit.Sleep, w)...)
	check(t, "sleep", sl["sleep"], 0, row{"start_time_utc": utc("2024-03-06T05:10:00Z"), "end_time_utc": utc("2024-03-06T12:32:00Z"),
		"start_time_local": "2024-03-05T23:10:00.000", "time_in_bed_min": int64(442), "type": "stages", "timezone": "America/Chicago"})
	check(t, "sleep", sl["sleep"], 1, row{"start_time_utc": utc("2024-03-06T20:05:00Z"), "end_time_utc": utc("2024-03-06T20:52:00Z"),
		"type": "classic", "deep_minutes": nil})
	totals := map[string]float64{}
	var main []row
	for _, r := range sl["sleep_stages"] {
		if r["log_id"] == sl["sleep"][0]["log_id"] {
			totals[r["level"].(string)] += r["seconds"].(float64) / 60
			main = append(main, r)
		}
	}
	if want := map[string]float64{"deep": 74, "light": 259, "rem": 76, "wake": 33}; !equalMaps(totals, want) {
		t.Errorf("stage minutes after the overlay = %v, want %v (levels.summary)", totals, want)
	}
	for i := 1; i < len(main); i++ {
		if !main[i]["start_utc"].(time.Time).Equal(main[i-1]["end_utc"].(time.Time)) {
			t.Errorf("sleep_stages[%d] starts at %v, not where the one before ended (%v)", i, main[i]["start_utc"], main[i-1]["end_utc"])
		}
	}
	found := false
	for i, r := range main {
		if r["start_utc"].(time.Time).Equal(utc("2024-03-06T06:26:00Z")) {
			found = true
			check(t, "sleep_stages", main, i, row{"level": "light", "end_utc": utc("2024-03-06T07:14:30Z"), "short": false})
			check(t, "sleep_stages", main, i+1, row{"level": "wake", "start_utc": utc("2024-03-06T07:14:30Z"), "end_utc": utc("2024-03-06T07:15:30Z"), "short": true})
			check(t, "sleep_stages", main, i+2, row{"level": "light", "start_utc": utc("2024-03-06T07:15:30Z"), "end_utc": utc("2024-03-06T07:36:30Z")})
		}
	}
	if !found {
		t.Error("sleep_stages: no light interval from 06:26:00Z")
	}

	wl := flatten(t, fitbit.WeightLogs, read(t, c, fitbit.WeightLogs, w)...)["weight_logs"]
	check(t, "weight_logs", wl, 0, row{"time_utc": utc("2024-03-06T13:12:45Z"), "weight_kg": 63.2, "fat_pct": 27.4, "log_id": "1709730765000"})
	check(t, "weight_logs", wl, 1, row{"time_local": "2024-03-07T23:59:59", "fat_pct": nil})
	fl := flatten(t, fitbit.FatLogs, read(t, c, fitbit.FatLogs, w)...)["fat_logs"]
	check(t, "fat_logs", fl, 0, row{"log_id": "1709730765000", "fat_pct": 27.4})

	sp := flatten(t, fitbit.SpO2, read(t, c, fitbit.SpO2, w)...)["spo2"]
	check(t, "spo2", sp, 1, row{"date": int64(20240306), "avg_pct": 95.8, "min_pct": 92.0, "max_pct": 98.9})
	check(t, "hrv", flatten(t, fitbit.HRV, read(t, c, fitbit.HRV, w)...)["hrv"], 0, row{"daily_rmssd_ms": 38.412, "deep_rmssd_ms": 44.905})
	check(t, "breathing_rate", flatten(t, fitbit.BreathingRate, read(t, c, fitbit.BreathingRate, w)...)["breathing_rate"], 0,
		row{"full_sleep_breathing_rate": 15.2, "rem_sleep_breathing_rate": nil, "breathing_rate": nil})
	check(t, "skin_temperature", flatten(t, fitbit.SkinTemperature, read(t, c, fitbit.SkinTemperature, w)...)["skin_temperature"], 0,
		row{"nightly_relative_c": -0.4, "log_type": "dedicated_temp_sensor"})
	cs := flatten(t, fitbit.CardioScore, read(t, c, fitbit.CardioScore, w)...)["cardio_score"]
	check(t, "cardio_score", cs, 0, row{"vo2_max": "39-43", "vo2_max_low": 39.0, "vo2_max_high": 43.0})
	check(t, "cardio_score", cs, 1, row{"vo2_max": "41.7", "vo2_max_low": 41.7, "vo2_max_high": 41.7})

	// Dates go in the path, and every request asks for metric units.
	paths := srv.paths()
	if !contains(paths, "/1/user/-/activities/steps/date/2024-03-06/2024-03-07.json") ||
		!contains(paths, "/1/user/-/activities/steps/date/2024-03-06/1d/1min.json") {
		t.Errorf("requests = %v", paths)
	}
	for _, r := range srv.reqs {
		if r.Header.Get("Accept-Language") != fitbit.AcceptLanguage || r.URL.RawQuery != "" {
			t.Errorf("%s: Accept-Language %q, query %q", r.URL.Path, r.Header.Get("Accept-Language"), r.URL.RawQuery)
		}
	}
}

func equalMaps(a, b map[string]float64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// TestShapes: every plausible shape where sources disagree (§7) reads
// the same.
func TestShapes(t *testing.T) {
	for _, tc := range []struct {
		name, endpoint, body string
		want                 row
		table                string
	}{
		{"spo2 wrapped", fitbit.SpO2, `{"spo2":[{"dateTime":"2024-03-06","value":{"avg":95.8,"min":92,"max":98.9}}]}`,
			row{"date": int64(20240306), "avg_pct": 95.8}, "spo2"},
		{"spo2 one object", fitbit.SpO2, `{"dateTime":"2024-03-06","value":{"avg":95.8,"min":92,"max":98.9}}`,
			row{"date": int64(20240306), "max_pct": 98.9}, "spo2"},
		{"cardioscore lower-case", fitbit.CardioScore, `{"cardioscore":[{"dateTime":"2024-03-06","value":{"vo2Max":"44"}}]}`,
			row{"vo2_max_low": 44.0}, "cardio_score"},
		{"heart current shape", fitbit.Heart, `{"activities-heart":[{"dateTime":"2024-03-06","value":{"customHeartRateZones":[],"heartRateZones":[],"restingHeartRate":"58"}}]}`,
			row{"resting_heart_rate_bpm": int64(58), "average_heart_rate_bpm": nil}, "heart_daily"},
		{"breathing-rate summary", fitbit.BreathingRate, `{"br":[{"dateTime":"2024-03-06","value":{"breathingRate":14.8}}]}`,
			row{"breathing_rate": 14.8}, "breathing_rate"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rows := flatten(t, tc.endpoint, itemsThrough(t, tc.endpoint, tc.body)...)[tc.table]
			if len(rows) != 1 {
				t.Fatalf("%d rows, want 1", len(rows))
			}
			check(t, tc.table, rows, 0, tc.want)
		})
	}
}

// itemsThrough serves body at every route and reads endpoint through it.
func itemsThrough(t *testing.T, endpoint, body string) []json.RawMessage {
	t.Helper()
	s, c := newSampleServer(t, map[string]string{"/1/user/-/profile.json": "profile.json"})
	s.body = body
	return read(t, c, endpoint, fetch.Window{Since: day("2024-03-06"), Until: day("2024-03-06")})
}

// TestHeartSeconds: a 1sec heart dataset is irregular, each element at
// its own time, one second long.
func TestHeartSeconds(t *testing.T) {
	body := `{"activities-heart":[{"dateTime":"2024-03-06","value":{"customHeartRateZones":[],"heartRateZones":[],"restingHeartRate":60}}],
	 "activities-heart-intraday":{"dataset":[{"time":"00:00:07","value":61},{"time":"00:00:12","value":"62"},{"time":"13:05:59","value":90}],
	 "datasetInterval":1,"datasetType":"second"}}`
	rows := flatten(t, fitbit.IntradayHeart, itemsThrough(t, fitbit.IntradayHeart, body)...)
	check(t, "intraday_heart_days", rows["intraday_heart_days"], 0, row{"dataset_type": "second", "elements": int64(3), "resting_heart_rate_bpm": int64(60)})
	hr := rows["intraday_heart"]
	if len(hr) != 3 {
		t.Fatalf("intraday_heart: %d rows, want 3", len(hr))
	}
	check(t, "intraday_heart", hr, 0, row{"time_utc": utc("2024-03-06T06:00:07Z"), "interval_s": int64(1), "bpm": int64(61)})
	check(t, "intraday_heart", hr, 1, row{"time_utc": utc("2024-03-06T06:00:12Z"), "bpm": int64(62)})
	check(t, "intraday_heart", hr, 2, row{"time_utc": utc("2024-03-06T19:05:59Z"), "bpm": int64(90)})
}

// TestSleepPending: a sleep answer still being processed (meta.state
// pending) is asked again after retryDuration, and its logs are read
// from the answer that has them.
func TestSleepPending(t *testing.T) {
	var asked atomic.Int64
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.HasSuffix(r.URL.Path, "/profile.json"):
			w.Write(sampleFile(t, "profile.json"))
		case asked.Add(1) == 1:
			w.Write([]byte(`{"sleep":[],"meta":{"state":"pending","retryDuration":10}}`))
		default:
			w.Write(sampleFile(t, "sleep_date_stages_and_classic.json"))
		}
	}))
	defer hs.Close()
	p := fitbit.New()
	c, err := fetch.NewClient(fetch.Options{HTTPClient: hs.Client(), APIURL: hs.URL, Envelope: p.API.Envelope, Retries: -1})
	if err != nil {
		t.Fatal(err)
	}
	items := read(t, c, fitbit.Sleep, fetch.Window{Since: day("2024-03-06"), Until: day("2024-03-06")})
	if len(items) != 2 || asked.Load() != 2 {
		t.Errorf("%d logs after %d sleep requests, want 2 after 2", len(items), asked.Load())
	}
}
