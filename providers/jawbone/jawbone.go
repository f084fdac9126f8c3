// Package jawbone is the Jawbone UP API v1.1, the project's reference
// provider: its login, its resources and how each is paged, its tables,
// and its emulator. docs/providers/jawbone.md is the API's reference in
// the project's words, with its sources; "§" in this package's comments
// points into it.
package jawbone

import (
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/upexport/upexport/fetch"
	"github.com/upexport/upexport/provider"
)

// Name is the provider's key.
const Name = "jawbone"

// Names of the resources that other packages' tests use.
const (
	Moves  = "moves"
	Sleeps = "sleeps"
)

// scopes are the read scopes an export asks for (§2). extended_read and
// location_read guard no resource but unlock fields (weight, place_*).
// cardiac_read is not among them (the SDKs' list); a demo login asks for
// every scope a resource needs.
var scopes = []string{
	"basic_read", "extended_read", "location_read", "friends_read", "mood_read",
	"move_read", "sleep_read", "meal_read", "weight_read", "generic_event_read",
	"heartrate_read",
}

// envelope is the UP answer: {"meta": {...}, "data": ...} (§3); an error
// may come as HTTP 200 with meta.code set (§8).
var envelope = fetch.Envelope{
	Data: "data", User: "meta.user_xid", Code: "meta.code", OK: []int{200},
	Message: "meta.message", ErrorType: "meta.error_type", ErrorDetail: "meta.error_detail",
}

// New returns the Jawbone UP provider. It has no client id: every app
// registered its own, so the user supplies one. Jawbone had neither a
// device endpoint nor RFC 7009 revocation.
func New() *provider.Provider {
	return &provider.Provider{
		Name:  Name,
		Title: "Jawbone UP API v1.1",
		Docs:  "docs/providers/jawbone.md",
		OAuth: provider.OAuth{
			AuthURL:  "https://jawbone.com/auth/oauth2/auth",
			TokenURL: "https://jawbone.com/auth/oauth2/token",
			Scopes:   append([]string(nil), scopes...),
		},
		API: provider.API{
			BaseURL:  "https://jawbone.com/nudge/api/v.1.1",
			Envelope: envelope,
			WhoAmI:   "user",
			UserName: userName,
		},
		Resources:  resources(),
		Tables:     Catalog(),
		Common:     commonTables,
		Dictionary: DictionaryText(),
		NewDemo:    newDemo,
	}
}

// Page sizes: collections ask for 100 items a page; a day of minute ticks
// is 1,440, so most parents' ticks take one request.
const tickPageSize = 1440

func resources() []provider.Resource {
	collection := func(name, scope, doc string) provider.Resource {
		return provider.Resource{
			Name: name, Path: "users/@me/" + name, Scopes: []string{scope}, Doc: doc,
			Query: rangeQuery, Paginator: nextLink(), Keys: itemKeys, Incremental: provider.ByUpdate,
		}
	}
	object := func(name, path, doc string) provider.Resource {
		return provider.Resource{Name: name, Path: path, Scopes: []string{"basic_read"}, Doc: doc,
			Paginator: &fetch.Single{}, Keys: itemKeys}
	}
	ticks := func(parent, scope, doc string) provider.Resource {
		return provider.Resource{
			Name: parent + "_ticks", Path: parent + "/{id}/ticks", Scopes: []string{scope}, Doc: doc,
			Parent: parent, Optional: true, Paginator: nextLink(), Keys: itemKeys,
			Query: func(fetch.Window) url.Values { return url.Values{"limit": {strconv.Itoa(tickPageSize)}} },
		}
	}
	moves := collection(Moves, "move_read", "one summary per local day of steps, distance, calories and activity")
	sleeps := collection(Sleeps, "sleep_read", "sleeps and naps with their phases")
	workouts := collection("workouts", "move_read", "logged and detected workouts")
	meals := collection("meals", "meal_read", "meals with their nutrition and food items")
	meals.Detail = "meals/{id}" // the food items come only with the single meal (§6.10)
	bandevents := collection("bandevents", "move_read", "band mode changes (sleep, stopwatch)")
	bandevents.Scopes = []string{"move_read", "sleep_read"}
	friends := collection("friends", "friends_read", "xids of the user's friends")
	friends.Query = func(w fetch.Window) url.Values { return url.Values{"limit": {strconv.Itoa(w.PageSize)}} }
	friends.Incremental = provider.Whole
	return []provider.Resource{
		object("user", "users/@me", "the user's profile"),
		friends,
		moves,
		sleeps,
		workouts,
		collection("heartrates", "heartrate_read", "resting heart rate per day"),
		collection("body_events", "weight_read", "weight, body fat and BMI entries"),
		collection("cardiac_events", "cardiac_read", "heart rate and blood pressure readings"),
		collection("generic_events", "generic_event_read", "custom events"),
		meals,
		{
			Name: "mood", Path: "users/@me/mood", Scopes: []string{"mood_read"},
			Doc: "the mood logged for a day (one request per day)",
			// Asked day by day about the days moves and sleeps found; a day
			// without a mood answers 404. One object per day is what the
			// SDKs read; a list or a collection is taken as well (§6.11).
			Paginator:   &fetch.PerDay{Param: "date", Format: "20060102", NotFoundIsEmpty: true, Lookback: lateSync},
			Keys:        itemKeys,
			Incremental: provider.ByDay,
			DependsOn:   []string{Moves, Sleeps},
		},
		bandevents,
		{
			// Trends need no scope of their own: the server filters their
			// keys by move_read, sleep_read and meal_read (§2).
			Name: "trends", Path: "users/@me/trends", Doc: "daily aggregates of body, move, sleep and eat",
			Paginator: &trendsPaginator{}, Keys: trendKeys, Incremental: provider.ByDayReplace,
		},
		object("goals", "users/@me/goals", "the user's current goals"),
		object("settings", "users/@me/settings", "the user's sharing settings"),
		{
			Name: "timezone", Path: "users/@me/timezone", Scopes: []string{"basic_read"}, Doc: "the user's time-zone history",
			// The real shape was never recorded: take a list, a
			// collection or one object (§6.13).
			Query:     func(fetch.Window) url.Values { return url.Values{"start_time": {"0"}} },
			Paginator: &fetch.Single{Items: fetch.AnyItems}, Keys: itemKeys,
		},
		ticks("moves", "move_read", "minute ticks of each move (with --ticks)"),
		ticks("sleeps", "sleep_read", "phase changes of each sleep (with --ticks)"),
		ticks("workouts", "move_read", "minute ticks of each workout (with --ticks)"),
	}
}

// userName is the name in users/@me (first and last).
func userName(data json.RawMessage) string {
	var u struct{ First, Last string }
	if json.Unmarshal(data, &u) != nil {
		return ""
	}
	return strings.TrimSpace(u.First + " " + u.Last)
}

func nextLink() fetch.Paginator { return &fetch.NextLink{Items: "items", Next: "links.next"} }

// lateSync is how far back an incremental run asks again for items that
// carry no time_updated, and for per-day resources: a band that was out of
// reach uploads its days late.
const lateSync = 7 * 24 * time.Hour

// rangeQuery is the query of a ranged collection (§4): the page size, the
// time range, and on an incremental run what changed since the last.
func rangeQuery(w fetch.Window) url.Values {
	q := url.Values{"limit": {strconv.Itoa(w.PageSize)}}
	// Without --since start_time is 1, not 0: a server may take 0 for
	// "not given" and ignore updated_after.
	start := int64(1)
	if !w.Since.IsZero() {
		start = w.Since.Unix()
	}
	// The end is --until's last second, or a day past now so that no
	// time-zone edge drops today's items.
	end := w.Now.Add(24 * time.Hour).Unix()
	if !w.Until.IsZero() {
		end = w.Until.Add(24*time.Hour).Unix() - 1
	}
	q.Set("start_time", strconv.FormatInt(start, 10))
	q.Set("end_time", strconv.FormatInt(end, 10))
	switch {
	case w.Prev.HighWater > 0:
		// One second of overlap: an item updated in the same second as
		// the last run's newest is fetched again rather than missed.
		q.Set("updated_after", strconv.FormatInt(w.Prev.HighWater-1, 10))
	case w.Prev.LastCreated > 0:
		// Items that are never updated (band events) have no time_updated
		// to pass; ask again from a week before the newest, since a band
		// syncs late, and let the merge drop repeats.
		q.Set("start_time", strconv.FormatInt(max(start, w.Prev.LastCreated-int64(lateSync/time.Second)), 10))
	}
	return q
}
