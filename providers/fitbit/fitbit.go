// Package fitbit is the (legacy) Fitbit Web API: its login, its routes and
// how each is windowed or paged, its tables (the daily series, intraday
// datasets and sleep stages as long tables with UTC times resolved in the
// profile's zone), and its emulator. Google switched the API off in late
// 2026; the provider serves the emulator and those who still hold tokens
// or answers in its format. docs/providers/fitbit.md is the API's
// reference in the project's words, with its sources; "§" in this
// package's comments points into it.
package fitbit

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"golang.org/x/oauth2"

	"github.com/upexport/upexport/fetch"
	"github.com/upexport/upexport/provider"
	"github.com/upexport/upexport/schema"
)

// Name is the provider's key.
const Name = "fitbit"

// Names of resources.
const (
	Profile          = "profile"
	Devices          = "devices"
	ActivitySteps    = "activity_steps"
	Heart            = "heart"
	IntradaySteps    = "intraday_steps"
	IntradayCalories = "intraday_calories"
	IntradayDistance = "intraday_distance"
	IntradayHeart    = "intraday_heart"
	Sleep            = "sleep"
	WeightLogs       = "weight_logs"
	FatLogs          = "fat_logs"
	SpO2             = "spo2"
	HRV              = "hrv"
	BreathingRate    = "breathing_rate"
	SkinTemperature  = "skin_temperature"
	CardioScore      = "cardio_score"
	ActivityLogs     = "activity_logs"
)

// AcceptLanguage is the Accept-Language every request sends: it picks the
// unit system of every number (§6), and anything but en_US and en_GB is
// metric. Sent explicitly, so that no default of a library or a proxy
// decides the units; the manifest records it.
const AcceptLanguage = "metric"

// scopes are the read scopes the resources need (§2).
var scopes = []string{"activity", "cardio_fitness", "heartrate", "oxygen_saturation", "profile", "respiratory_rate",
	"settings", "sleep", "temperature", "weight"}

// Date-range limits per call (§5).
const (
	activityDays = 1095
	heartDays    = 365
	sleepDays    = 100
	weightDays   = 31
	shortDays    = 30 // fat, SpO2, HRV, breathing rate, temperature, cardio score
)

// New returns the Fitbit provider. It has no client id: each app
// registers its own.
func New() *provider.Provider {
	return &provider.Provider{
		Name:  Name,
		Title: "Fitbit Web API (legacy; switched off in late 2026)",
		Docs:  "docs/providers/fitbit.md",
		OAuth: provider.OAuth{
			AuthURL:       "https://www.fitbit.com/oauth2/authorize",
			TokenURL:      "https://api.fitbit.com/oauth2/token",
			RevokeURL:     "https://api.fitbit.com/oauth2/revoke",
			AuthStyle:     oauth2.AuthStyleInHeader, // server apps: Basic client_id:secret (§2)
			PKCE:          true,
			Scopes:        append([]string(nil), scopes...),
			TokenResponse: tokenResponse,
		},
		API: provider.API{
			BaseURL: "https://api.fitbit.com",
			// No envelope (§3): the payload is the whole body; errors are
			// {"errors": [{"errorType", "fieldName", "message"}]}.
			Envelope: fetch.Envelope{Message: "errors.message", ErrorType: "errors.errorType", ErrorDetail: "errors.fieldName"},
			WhoAmI:   Profile,
			UserName: userName,
			Header:   http.Header{"Accept-Language": {AcceptLanguage}},
		},
		Resources:  resources(),
		Tables:     Catalog(),
		Common:     commonTables,
		Dictionary: schema.DictionaryText{Origin: "Generated from the declarations in providers/fitbit/tables.go; do not edit.", Conventions: conventions},
		NewDemo:    newDemo,
	}
}

func userName(raw json.RawMessage) string {
	var v struct {
		User struct {
			DisplayName string `json:"displayName"`
			FullName    string `json:"fullName"`
		} `json:"user"`
	}
	if json.Unmarshal(raw, &v) != nil {
		return ""
	}
	if v.User.FullName != "" {
		return v.User.FullName
	}
	return v.User.DisplayName
}

// tokenResponse rewrites Fitbit's error answers of the token endpoint
// ({"errors": [{"errorType": "invalid_grant", "message": ...}]}) into RFC
// 6749's {"error", "error_description"}, so that a dead refresh token
// asks for a new login (§2). Successes pass as they are.
func tokenResponse(status int, body []byte) (int, []byte, error) {
	if status == http.StatusOK {
		return status, body, nil
	}
	var v struct {
		Errors []struct {
			ErrorType string `json:"errorType"`
			Message   string `json:"message"`
		} `json:"errors"`
	}
	if json.Unmarshal(body, &v) != nil || len(v.Errors) == 0 || v.Errors[0].ErrorType == "" {
		return status, body, nil
	}
	out, err := json.Marshal(map[string]string{"error": v.Errors[0].ErrorType, "error_description": v.Errors[0].Message})
	return status, out, err
}

func resources() []provider.Resource {
	pr := &profiles{}
	ranged := func(name, path, scope, doc string, days int, keys ...string) provider.Resource {
		return provider.Resource{Name: name, Path: path, Scopes: []string{scope}, Doc: doc,
			Paginator: &split{inner: rangedRoute(days, pr), keys: keys, object: true, profiles: pr},
			Keys:      itemKeys, Incremental: provider.ByDayReplace}
	}
	logs := func(name, path, scope, doc string, days int, keys ...string) provider.Resource {
		r := ranged(name, path, scope, doc, days, keys...)
		r.Paginator.(*split).zone = true
		r.Paginator.(*split).object = false
		return r
	}
	perDay := func(name, res, scope, dependsOn string) provider.Resource {
		return provider.Resource{Name: name, Path: "1/user/-/activities/" + res + "/date/{date}/1d/1min.json",
			Scopes: []string{scope}, Doc: res + " per minute, one local day per request",
			Paginator: &split{inner: &fetch.PerDay{Param: "date", Format: time.DateOnly, Lookback: 2 * 24 * time.Hour},
				object: true, zone: true, day: true, profiles: pr},
			Keys: itemKeys, Incremental: provider.ByDayReplace, DependsOn: []string{dependsOn}}
	}
	rs := []provider.Resource{
		{Name: Profile, Path: profilePath, Scopes: []string{"profile"}, Doc: "the user's profile: id, time zone",
			Paginator: whoami{}, Keys: itemKeys},
		{Name: Devices, Path: "1/user/-/devices.json", Scopes: []string{"settings"}, Doc: "trackers and scales",
			Paginator: &split{inner: whole{}, zone: true, profiles: pr}, Keys: itemKeys},
	}
	for _, s := range activitySeries {
		r := ranged(s.resource, "1/user/-/activities/"+s.res+"/date/{start}/{end}.json", "activity",
			s.res+" per day", activityDays, "activities-"+s.res)
		if s.resource == ActivitySteps {
			r.Keys = activeDayKeys
		}
		rs = append(rs, r)
	}
	heart := ranged(Heart, "1/user/-/activities/heart/date/{start}/{end}.json", "heartrate", "heart-rate zones and resting heart rate per day",
		heartDays, "activities-heart")
	heart.Keys = activeDayKeys
	rs = append(rs,
		heart,
		perDay(IntradaySteps, "steps", "activity", ActivitySteps),
		perDay(IntradayCalories, "calories", "activity", ActivitySteps),
		perDay(IntradayDistance, "distance", "activity", ActivitySteps),
		perDay(IntradayHeart, "heart", "heartrate", Heart),
		logs(Sleep, "1.2/user/-/sleep/date/{start}/{end}.json", "sleep", "sleep logs (v1.2) with their stages", sleepDays, "sleep"),
		logs(WeightLogs, "1/user/-/body/log/weight/date/{start}/{end}.json", "weight", "weight logs", weightDays, "weight"),
		logs(FatLogs, "1/user/-/body/log/fat/date/{start}/{end}.json", "weight", "body-fat logs", shortDays, "fat"),
		ranged(SpO2, "1/user/-/spo2/date/{start}/{end}.json", "oxygen_saturation", "SpO2 per night", shortDays, "spo2"),
		ranged(HRV, "1/user/-/hrv/date/{start}/{end}.json", "heartrate", "heart-rate variability per night", shortDays, "hrv"),
		ranged(BreathingRate, "1/user/-/br/date/{start}/{end}.json", "respiratory_rate", "breathing rate per night", shortDays, "br"),
		ranged(SkinTemperature, "1/user/-/temp/skin/date/{start}/{end}.json", "temperature", "relative skin temperature per night",
			shortDays, "tempSkin"),
		ranged(CardioScore, "1/user/-/cardioscore/date/{start}/{end}.json", "cardio_fitness", "cardio fitness score (VO2 max)",
			shortDays, "cardioScore", "cardioscore"),
		provider.Resource{Name: ActivityLogs, Path: "1/user/-/activities/list.json", Scopes: []string{"activity"}, Doc: "logged and detected activities",
			Query:     activityLogQuery,
			Paginator: &fetch.NextLink{Items: "activities", Next: "pagination.next"}, Keys: itemKeys, Incremental: provider.ByDay},
	)
	return rs
}

// activityLogQuery asks for the entries after a day, oldest first, as
// the list allows (§5: afterDate with sort=asc, offset 0, limit ≤ 100).
func activityLogQuery(w fetch.Window) url.Values {
	after := time.Date(2008, 1, 1, 0, 0, 0, 0, time.UTC) // before Fitbit's first tracker
	if !w.Since.IsZero() {
		after = w.Since.AddDate(0, 0, -1)
	}
	if w.Prev.LastDate > 0 {
		if last, err := time.Parse("20060102", strconv.Itoa(w.Prev.LastDate)); err == nil && last.Add(-lateSync).After(after) {
			after = last.Add(-lateSync)
		}
	}
	return url.Values{"afterDate": {after.Format(time.DateOnly)}, "sort": {"asc"}, "offset": {"0"}, "limit": {"100"}}
}

// conventions head the data dictionary of Fitbit's tables.
const conventions = `- Every table has ` + "`user_id`" + `, the profile's encodedId, so exports of many people concatenate.
- Every request sent ` + "`Accept-Language: " + AcceptLanguage + "`" + ` (the manifest records it): numbers are metric (km, m, kg, cm, kcal, ms).
- Fitbit sends local times without an offset. Each becomes ` + "`<name>_utc`" + `, resolved in the profile's IANA zone (column ` + "`timezone`" + `), beside ` + "`<name>_local`" + ` as sent. The profile holds the current zone only: data recorded while travelling resolve with it. A wall time a DST fall-back repeats is the first instant at or after the previous element's.
- Numbers Fitbit sends as strings ("7390") are numbers; vo2Max ranges ("39-43") are split into low and high.
- Intraday datasets and sleep stages are long tables: one row per element with its UTC instant; a missing minute has no row.`
