// Package oura is the Oura API v2: its login, its document collections
// and how each is paged and windowed, its tables (one per document type,
// and long tables of the positional series with computed UTC times), and
// its emulator. docs/providers/oura.md is the API's reference in the
// project's words, with its sources; "§" in this package's comments points
// into it.
package oura

import (
	"time"

	"golang.org/x/oauth2"

	"github.com/upexport/upexport/fetch"
	"github.com/upexport/upexport/provider"
	"github.com/upexport/upexport/schema"
)

// Name is the provider's key.
const Name = "oura"

// Names of resources that tests use.
const (
	PersonalInfo  = "personal_info"
	DailyActivity = "daily_activity"
	Sleep         = "sleep"
	Heartrate     = "heartrate"
)

// scopes are every read scope (§2); the user may switch some off on the
// consent page, and the resources they guard are then skipped.
var scopes = []string{"email", "personal", "daily", "heartrate", "workout", "tag", "session", "spo2Daily"}

// Windows (§5): Oura advises one to three months per request; heart rate
// is dense, so a month. An open range reaches twelve years back, before
// the first rings shipped (2015).
const (
	docSpan     = 90 * 24 * time.Hour
	sampleSpan  = 30 * 24 * time.Hour
	earliest    = 12 * 365 * 24 * time.Hour
	dateLayout  = time.DateOnly
	instantForm = time.RFC3339
)

// New returns the Oura provider. It has no client id: each app registers
// its own. Oura has no device flow, and its revocation (GET with the token
// in the query) is not RFC 7009's, so neither is declared.
func New() *provider.Provider {
	return &provider.Provider{
		Name:  Name,
		Title: "Oura API v2",
		Docs:  "docs/providers/oura.md",
		OAuth: provider.OAuth{
			AuthURL:   "https://cloud.ouraring.com/oauth/authorize",
			TokenURL:  "https://api.ouraring.com/oauth/token",
			AuthStyle: oauth2.AuthStyleInParams, // the secret in the form body, as Oura's examples (§2)
			Scopes:    append([]string(nil), scopes...),
		},
		API: provider.API{
			// The list routes answer {"data": [...], "next_token": ...};
			// personal_info is the bare document (§3).
			BaseURL: "https://api.ouraring.com/v2/usercollection",
			WhoAmI:  PersonalInfo,
		},
		Resources:  resources(),
		Tables:     Catalog(),
		Common:     commonTables,
		Dictionary: schema.DictionaryText{Origin: "Generated from the declarations in providers/oura/tables.go; do not edit.", Conventions: conventions},
		NewDemo:    newDemo,
	}
}

func token() fetch.Paginator {
	return &fetch.Token{Items: "data", Next: "next_token", Param: "next_token"}
}

// daysPaginator reads a collection by start_date/end_date windows, each
// widened by a day.
func daysPaginator() fetch.Paginator {
	return &dated{keys: docKeys, windows: &fetch.DateWindows{
		Inner:      &widen{inner: token(), start: "start_date", end: "end_date"},
		StartParam: "start_date", EndParam: "end_date", Format: dateLayout, Span: docSpan, Earliest: earliest,
	}}
}

func resources() []provider.Resource {
	collection := func(name, path, scope, doc string) provider.Resource {
		return provider.Resource{Name: name, Path: path, Scopes: []string{scope}, Doc: doc,
			Paginator: daysPaginator(), Keys: docKeys, Incremental: provider.ByDayReplace}
	}
	// A series table reads its document's collection again: the seam lets
	// an endpoint have one row-array child table, and these documents
	// have two and four series.
	seriesOf := func(name, path, doc string) provider.Resource {
		return collection(name, path, "daily", doc)
	}
	return []provider.Resource{
		{Name: PersonalInfo, Path: "personal_info", Doc: "the user's profile (id without any scope)",
			Paginator: &whoami{}, Keys: docKeys},
		{Name: "ring_configuration", Path: "ring_configuration", Scopes: []string{"daily"}, Doc: "the user's rings",
			Paginator: token(), Keys: docKeys},
		collection(DailyActivity, "daily_activity", "daily", "activity per day (04:00 to 04:00 local)"),
		seriesOf("activity_class_5min", "daily_activity", "daily_activity's class_5_min as rows"),
		seriesOf("activity_met", "daily_activity", "daily_activity's met as rows"),
		collection("daily_sleep", "daily_sleep", "daily", "sleep score per day"),
		collection("daily_readiness", "daily_readiness", "daily", "readiness score per day"),
		collection("daily_spo2", "daily_spo2", "spo2Daily", "blood oxygen per day"),
		collection("daily_stress", "daily_stress", "daily", "stress per day"),
		collection("daily_resilience", "daily_resilience", "daily", "resilience per day"),
		collection("daily_cardiovascular_age", "daily_cardiovascular_age", "daily", "cardiovascular age per day"),
		collection("vo2_max", "vO2_max", "daily", "VO2 max estimates"),
		collection(Sleep, "sleep", "daily", "sleep periods"),
		seriesOf("sleep_phases_5min", "sleep", "sleep's sleep_phase_5_min as rows"),
		seriesOf("sleep_movement_30s", "sleep", "sleep's movement_30_sec as rows"),
		seriesOf("sleep_heart_rate", "sleep", "sleep's heart_rate as rows"),
		seriesOf("sleep_hrv", "sleep", "sleep's hrv as rows"),
		collection("sleep_time", "sleep_time", "daily", "recommended bedtimes"),
		{Name: Heartrate, Path: "heartrate", Scopes: []string{"heartrate"}, Doc: "heart-rate samples (UTC)",
			Paginator: &dated{keys: docKeys, windows: &fetch.DateWindows{Inner: token(),
				StartParam: "start_datetime", EndParam: "end_datetime", Format: instantForm, Span: sampleSpan, Earliest: earliest}},
			Keys: docKeys, Incremental: provider.ByDayReplace},
		collection("workout", "workout", "workout", "workouts"),
		collection("session", "session", "session", "sessions"),
		collection("tag", "tag", "tag", "tags (deprecated)"),
		collection("enhanced_tag", "enhanced_tag", "tag", "enhanced tags"),
		collection("rest_mode_period", "rest_mode_period", "daily", "rest mode periods"),
	}
}

// conventions head the data dictionary of Oura's tables.
const conventions = `- Every table has ` + "`user_id`" + `, the id of personal_info, so exports of many people concatenate.
- Times are instants in UTC; each has ` + "`<name>_offset`" + `, the UTC offset Oura sent it with, in seconds (local = UTC + offset). Offsets differ between documents (travel, DST).
- ` + "`day`" + ` is Oura's local day; an activity day runs from 04:00 to 04:00 local.
- The positional series become long tables (activity_class_5min, activity_met, sleep_phases_5min, sleep_movement_30s, sleep_heart_rate, sleep_hrv): element i starts at its anchor plus i times its length; a null item is a row with a null value.`
