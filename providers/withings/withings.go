// Package withings is the Withings Public API (OAuth2): its login, its
// read calls and how each is paged, its typed tables, and its emulator
// (package withingsserver). docs/providers/withings.md is the API's
// reference in the project's words, with its sources; "§" in this
// package's comments points into it.
package withings

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/upexport/upexport/fetch"
	"github.com/upexport/upexport/provider"
)

// Name is the provider's key.
const Name = "withings"

// Scopes (§1): user.sleepevents guards no read call but bed-in and bed-out
// notifications; it is asked for so that a token serves both.
const (
	scopeInfo     = "user.info"
	scopeMetrics  = "user.metrics"
	scopeActivity = "user.activity"
	scopeEvents   = "user.sleepevents"
)

// In-band statuses (§2) that stand for an HTTP status: the authentication
// family is a 401 (refresh and retry once), 601 a 429 (back off), 522 a
// 504 (retry), the "unauthorized" family a 403 (skip the resource).
var (
	authFailed   = []int{100, 101, 102, 200, 401}
	unauthorized = []int{214, 277, 2553, 2555}
)

func statusMap() map[int]int {
	m := map[int]int{601: http.StatusTooManyRequests, 522: http.StatusGatewayTimeout,
		2554: http.StatusNotImplemented, 524: http.StatusConflict}
	for _, c := range authFailed {
		m[c] = http.StatusUnauthorized
	}
	for _, c := range unauthorized {
		m[c] = http.StatusForbidden
	}
	return m
}

// envelope is every answer: {"status": 0, "body": ...}, errors as HTTP
// 200 with a non-zero status and an "error" text (§2).
var envelope = fetch.Envelope{Data: "body", Code: "status", OK: []int{0}, Status: statusMap(), Message: "error"}

// New returns the Withings provider. It has no client id: every developer
// registers an app of their own. Withings has neither a device flow, nor
// PKCE, nor RFC 7009 revocation (§1).
func New() *provider.Provider {
	return &provider.Provider{
		Name:  Name,
		Title: "Withings Public API (OAuth2)",
		Docs:  "docs/providers/withings.md",
		OAuth: provider.OAuth{
			AuthURL:        "https://account.withings.com/oauth2_user/authorize2",
			TokenURL:       "https://wbsapi.withings.net/v2/oauth2",
			AuthStyle:      oauth2.AuthStyleInParams,
			TokenParams:    url.Values{"action": {"requesttoken"}},
			TokenResponse:  tokenResponse,
			Scopes:         []string{scopeInfo, scopeMetrics, scopeActivity, scopeEvents},
			ScopeSeparator: ",",
			Unauthorized:   rejectsToken,
		},
		// No call answers with the user's id (only the token does), so
		// there is no WhoAmI.
		API:        provider.API{BaseURL: "https://wbsapi.withings.net", Envelope: envelope},
		Resources:  resources(),
		Tables:     Catalog(),
		Common:     commonTables,
		Dictionary: DictionaryText(),
		NewDemo:    newDemo,
	}
}

// Resource names.
const (
	Measures     = "measures"
	Weighings    = "weighings"
	Activity     = "activity"
	Intraday     = "intraday"
	Workouts     = "workouts"
	SleepSummary = "sleep_summary"
	SleepSeries  = "sleep_series"
	Devices      = "devices"
	ECG          = "ecg"
)

// Fields asked for explicitly: without data_fields some calls leave out
// keys (§4: getsummary drops hr, rr, snoring and scores; sleep get every
// series).
var (
	summaryFields = "total_timeinbed,total_sleep_time,asleepduration,lightsleepduration,remsleepduration,deepsleepduration," +
		"sleep_efficiency,sleep_latency,wakeup_latency,wakeupduration,wakeupcount,waso,nb_rem_episodes,out_of_bed_count," +
		"hr_average,hr_min,hr_max,rr_average,rr_min,rr_max,breathing_disturbances_intensity,snoring,snoringepisodecount," +
		"sleep_score,apnea_hypopnea_index,night_events,durationtosleep,durationtowakeup"
	intradayFields = "steps,elevation,calories,distance,stroke,pool_lap,duration,heart_rate,spo2_auto"
	seriesFields   = "hr,rr,snoring"
)

// lateSync is how far back an incremental run asks again by date: a
// device that was out of reach syncs days late.
const lateSync = 7 * 24 * time.Hour

func resources() []provider.Resource {
	return []provider.Resource{
		{
			Name: Measures, Path: "measure", Scopes: []string{scopeMetrics},
			Doc:   "body measures (getmeas): weighings, body composition, blood pressure, pulse, ECG results",
			Query: func(w fetch.Window) url.Values { return unixRange("getmeas", w) },
			// Groups carry no zone: the answer's timezone goes into each.
			Paginator: &offsetPages{Items: "measuregrps", Zone: true},
			Keys:      groupKeys, Incremental: provider.ByUpdate,
		},
		{
			Name: Weighings, Path: "measure", Scopes: []string{scopeMetrics},
			Doc: "weighings (getmeas of the body-composition types), one wide row each",
			Query: func(w fetch.Window) url.Values {
				q := unixRange("getmeas", w)
				q.Set("meastypes", joinInts(bodyTypes))
				q.Set("category", "1")
				return q
			},
			Paginator: &offsetPages{Items: "measuregrps", Zone: true, Keep: isWeighing},
			Keys:      groupKeys, Incremental: provider.ByUpdate,
		},
		{
			Name: Activity, Path: "v2/measure", Scopes: []string{scopeActivity},
			Doc:       "daily activity summaries (getactivity), one per local day",
			Query:     func(w fetch.Window) url.Values { return ymdRange("getactivity", w) },
			Paginator: &offsetPages{Items: "activities"}, Keys: activityKeys, Incremental: provider.ByUpdate,
		},
		{
			Name: Intraday, Path: "v2/measure", Scopes: []string{scopeActivity},
			Doc: "minute activity and heart rate (getintradayactivity), asked 24 hours at a time on the days with activity",
			Query: func(fetch.Window) url.Values {
				return url.Values{"action": {"getintradayactivity"}, "data_fields": {intradayFields}}
			},
			Paginator: &dayWindows{Keyed: "series"}, Keys: timestampKeys("timestamp"),
			Incremental: provider.ByUpdate, DependsOn: []string{Activity},
		},
		{
			Name: Workouts, Path: "v2/measure", Scopes: []string{scopeActivity},
			Doc:       "workouts (getworkouts)",
			Query:     func(w fetch.Window) url.Values { return ymdRange("getworkouts", w) },
			Paginator: &offsetPages{Items: "series"}, Keys: idKeys, Incremental: provider.ByUpdate,
		},
		{
			Name: SleepSummary, Path: "v2/sleep", Scopes: []string{scopeActivity},
			Doc: "sleep summaries (sleep getsummary), one per night",
			Query: func(w fetch.Window) url.Values {
				q := ymdRange("getsummary", w)
				q.Set("data_fields", summaryFields)
				return q
			},
			Paginator: &offsetPages{Items: "series"}, Keys: idKeys, Incremental: provider.ByUpdate,
		},
		{
			Name: SleepSeries, Path: "v2/sleep", Scopes: []string{scopeActivity},
			Doc: "sleep states with heart rate, respiration and snoring per minute (sleep get), asked 24 hours at a time on the nights summarised",
			Query: func(fetch.Window) url.Values {
				return url.Values{"action": {"get"}, "data_fields": {seriesFields}}
			},
			Paginator: &dayWindows{Items: "series"}, Keys: timestampKeys("startdate"),
			Incremental: provider.ByUpdate, DependsOn: []string{SleepSummary},
		},
		{
			Name: Devices, Path: "v2/user", Scopes: []string{scopeInfo}, Doc: "the user's devices (user getdevice)",
			Query:     func(fetch.Window) url.Values { return url.Values{"action": {"getdevice"}} },
			Paginator: &fetch.Single{Items: "devices"}, Keys: deviceKeys,
		},
		{
			Name: ECG, Path: "v2/heart", Scopes: []string{scopeMetrics}, Doc: "ECG recordings (heart list), without their signals",
			Query: func(w fetch.Window) url.Values {
				q := unixRange("list", w)
				q.Del("lastupdate") // heart list has none (§4)
				return q
			},
			Paginator: &offsetPages{Items: "series"}, Keys: ecgKeys,
		},
	}
}

// unixRange is the query of a call ranged in Unix seconds: --since and
// --until as startdate and enddate, and on an incremental run lastupdate,
// which replaces a range (§3).
func unixRange(action string, w fetch.Window) url.Values {
	q := url.Values{"action": {action}}
	if w.Prev.HighWater > 0 {
		// One second of overlap: whether the bound is strict is not
		// documented; the merge drops what comes twice.
		q.Set("lastupdate", strconv.FormatInt(w.Prev.HighWater-1, 10))
		return q
	}
	if !w.Since.IsZero() {
		q.Set("startdate", strconv.FormatInt(w.Since.Unix(), 10))
	}
	if !w.Until.IsZero() {
		q.Set("enddate", strconv.FormatInt(w.Until.Add(24*time.Hour).Unix()-1, 10))
	}
	return q
}

// ymdRange is the query of a call ranged in local dates (§3): a date
// range or lastupdate is required, so a full run without --since asks for
// everything updated since 1970.
func ymdRange(action string, w fetch.Window) url.Values {
	q := url.Values{"action": {action}}
	switch {
	case w.Prev.HighWater > 0:
		q.Set("lastupdate", strconv.FormatInt(w.Prev.HighWater-1, 10))
	case !w.Since.IsZero() || !w.Until.IsZero():
		since, until := w.Since, w.Until
		if since.IsZero() {
			since = time.Date(2008, 1, 1, 0, 0, 0, 0, time.UTC) // before the first Withings device
		}
		if until.IsZero() {
			until = w.Now.UTC().AddDate(0, 0, 1) // a zone ahead of UTC is already in tomorrow
		}
		q.Set("startdateymd", since.Format(time.DateOnly))
		q.Set("enddateymd", until.Format(time.DateOnly))
	default:
		q.Set("lastupdate", "1")
	}
	return q
}

// tokenResponse turns the wrapped token answer (§1) into RFC 6749's:
// {"status": 0, "body": {...}} becomes the body, with userid as text and
// the comma-separated scope space-separated; a non-zero status becomes
// the OAuth error it is.
func tokenResponse(status int, body []byte) (int, []byte, error) {
	if status != http.StatusOK {
		return status, body, nil // a proxy's failure: the client reports it
	}
	var w struct {
		Status *int                       `json:"status"`
		Body   map[string]json.RawMessage `json:"body"`
		Error  string                     `json:"error"`
	}
	if err := json.Unmarshal(body, &w); err != nil || w.Status == nil {
		return 0, nil, fmt.Errorf("not a Withings answer: %.80q", body)
	}
	if *w.Status != 0 {
		code, httpStatus := oauthError(*w.Status)
		b, _ := json.Marshal(map[string]string{"error": code,
			"error_description": fmt.Sprintf("Withings status %d: %s", *w.Status, w.Error)})
		return httpStatus, b, nil
	}
	out := map[string]any{}
	for k, v := range w.Body {
		out[k] = v
	}
	if id, ok := w.Body["userid"]; ok {
		// Documented as a number, shown as text by a client (§1); user_id
		// is where the session keeps the user.
		out["userid"] = strings.Trim(string(id), `"`)
		out["user_id"] = out["userid"]
	}
	if sc, ok := w.Body["scope"]; ok {
		var s string
		if json.Unmarshal(sc, &s) == nil {
			out["scope"] = strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' }), " ")
		}
	}
	if _, ok := out["token_type"]; !ok {
		out["token_type"] = "Bearer"
	}
	b, err := json.Marshal(out)
	return http.StatusOK, b, err
}

// oauthError is the RFC 6749 error and HTTP status an in-band status of
// the token call stands for.
func oauthError(status int) (string, int) {
	switch {
	case status == 601:
		return "slow_down", http.StatusTooManyRequests
	case status == 522:
		return "temporarily_unavailable", http.StatusServiceUnavailable
	case contains(unauthorized, status):
		return "unauthorized_client", http.StatusBadRequest
	}
	// A bad code, a bad or rotated-out refresh token and bad parameters
	// all come as the authentication or invalid-params families.
	return "invalid_grant", http.StatusBadRequest
}

// rejectsToken reports whether an answer is an in-band authentication
// failure (§2), so the login refreshes the token and tries again.
func rejectsToken(body []byte) bool {
	var e struct {
		Status int `json:"status"`
	}
	return json.Unmarshal(body, &e) == nil && contains(authFailed, e.Status)
}

func contains(list []int, n int) bool {
	for _, v := range list {
		if v == n {
			return true
		}
	}
	return false
}

func joinInts(ns []int) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, ",")
}

// number reads an integer that may come as a number or a string (§6).
func number(raw json.RawMessage) int64 {
	raw = bytes.Trim(bytes.TrimSpace(raw), `"`)
	n, err := strconv.ParseInt(string(raw), 10, 64)
	if err != nil {
		if f, ferr := strconv.ParseFloat(string(raw), 64); ferr == nil {
			return int64(f)
		}
	}
	return n
}
