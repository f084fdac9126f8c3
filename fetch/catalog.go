// Package fetch reads every endpoint of a UP-compatible API: the endpoint
// catalog, an HTTP client with retries and a request-rate limit, and paging
// that follows the server's next links. Authentication is the job of the
// http.Client it is given (see fetch/auth).
package fetch

import (
	"fmt"
	"sort"
	"strings"
)

// Kind says how an endpoint's data is shaped and read.
type Kind uint8

const (
	// Collection is a paged list: data.items, data.links.next (§3, §4).
	Collection Kind = iota + 1
	// Object is one object as data (users/@me, goals, settings).
	Object
	// PerDate is one object per local date, asked for with ?date= (mood).
	PerDate
	// Trends is {earliest, data: [[YYYYMMDD, {...}], ...]} (§6.12).
	Trends
	// List is a plain array as data (timezone).
	List
)

// Endpoint is one readable endpoint of the catalog (reference §5).
type Endpoint struct {
	Name string // catalog name, also the raw archive's and the schema's key
	Path string // relative to the API URL
	Kind Kind
	// Scopes the token needs: all of them.
	Scopes []string
	// TimeRange is set for collections that take start_time, end_time and
	// updated_after, and so can be fetched incrementally.
	TimeRange bool
	// Ticks names the tick endpoint fed by each item ("moves_ticks"); the
	// ticks of item X are read from <TicksPath>/X/ticks.
	Ticks     string
	TicksPath string
	// DetailPath, when set, is fetched for every item (DetailPath/X) and the
	// detailed object replaces the list item: meals carry their food items
	// only there.
	DetailPath string
	// Parent is set on tick endpoints: the endpoint whose items own them.
	Parent string
	Doc    string
}

// Catalog is every readable endpoint, in export order.
var catalog = []Endpoint{
	{Name: "user", Path: "users/@me", Kind: Object, Scopes: []string{"basic_read"}, Doc: "the user's profile"},
	{Name: "friends", Path: "users/@me/friends", Kind: Collection, Scopes: []string{"friends_read"}, Doc: "xids of the user's friends"},
	{Name: "moves", Path: "users/@me/moves", Kind: Collection, Scopes: []string{"move_read"}, TimeRange: true,
		Ticks: "moves_ticks", TicksPath: "moves", Doc: "one summary per local day of steps, distance, calories and activity"},
	{Name: "sleeps", Path: "users/@me/sleeps", Kind: Collection, Scopes: []string{"sleep_read"}, TimeRange: true,
		Ticks: "sleeps_ticks", TicksPath: "sleeps", Doc: "sleeps and naps with their phases"},
	{Name: "workouts", Path: "users/@me/workouts", Kind: Collection, Scopes: []string{"move_read"}, TimeRange: true,
		Ticks: "workouts_ticks", TicksPath: "workouts", Doc: "logged and detected workouts"},
	{Name: "heartrates", Path: "users/@me/heartrates", Kind: Collection, Scopes: []string{"heartrate_read"}, TimeRange: true, Doc: "resting heart rate per day"},
	{Name: "body_events", Path: "users/@me/body_events", Kind: Collection, Scopes: []string{"weight_read"}, TimeRange: true, Doc: "weight, body fat and BMI entries"},
	{Name: "cardiac_events", Path: "users/@me/cardiac_events", Kind: Collection, Scopes: []string{"cardiac_read"}, TimeRange: true, Doc: "heart rate and blood pressure readings"},
	{Name: "generic_events", Path: "users/@me/generic_events", Kind: Collection, Scopes: []string{"generic_event_read"}, TimeRange: true, Doc: "custom events"},
	{Name: "meals", Path: "users/@me/meals", Kind: Collection, Scopes: []string{"meal_read"}, TimeRange: true,
		DetailPath: "meals", Doc: "meals with their nutrition and food items"},
	{Name: "mood", Path: "users/@me/mood", Kind: PerDate, Scopes: []string{"mood_read"}, Doc: "the mood logged for a day (one request per day)"},
	{Name: "bandevents", Path: "users/@me/bandevents", Kind: Collection, Scopes: []string{"move_read", "sleep_read"}, TimeRange: true, Doc: "band mode changes (sleep, stopwatch)"},
	// Trends need no scope of their own: the server filters their keys by
	// move_read, sleep_read and meal_read (reference §2).
	{Name: "trends", Path: "users/@me/trends", Kind: Trends, Doc: "daily aggregates of body, move, sleep and eat"},
	{Name: "goals", Path: "users/@me/goals", Kind: Object, Scopes: []string{"basic_read"}, Doc: "the user's current goals"},
	{Name: "settings", Path: "users/@me/settings", Kind: Object, Scopes: []string{"basic_read"}, Doc: "the user's sharing settings"},
	{Name: "timezone", Path: "users/@me/timezone", Kind: List, Scopes: []string{"basic_read"}, Doc: "the user's time-zone history"},
	{Name: "moves_ticks", Kind: Collection, Scopes: []string{"move_read"}, Parent: "moves", Doc: "minute ticks of each move (with --ticks)"},
	{Name: "sleeps_ticks", Kind: Collection, Scopes: []string{"sleep_read"}, Parent: "sleeps", Doc: "phase changes of each sleep (with --ticks)"},
	{Name: "workouts_ticks", Kind: Collection, Scopes: []string{"move_read"}, Parent: "workouts", Doc: "minute ticks of each workout (with --ticks)"},
}

// Catalog returns every endpoint, in export order. The slice is a copy.
func Catalog() []Endpoint {
	out := make([]Endpoint, len(catalog))
	copy(out, catalog)
	return out
}

// Lookup returns the named endpoint.
func Lookup(name string) (Endpoint, bool) {
	for _, e := range catalog {
		if e.Name == name {
			return e, true
		}
	}
	return Endpoint{}, false
}

// Select returns the endpoints to export for the names given (all top-level
// endpoints when names is empty) plus, when ticks is set, the tick endpoints
// of those selected. Unknown names are an error that lists the known ones.
func Select(names []string, ticks bool) ([]Endpoint, error) {
	want := map[string]bool{}
	for _, n := range names {
		n = strings.TrimSpace(n)
		if n == "" {
			continue
		}
		e, ok := Lookup(n)
		if !ok {
			return nil, fmt.Errorf("unknown endpoint %q (known: %s)", n, strings.Join(names0(), ", "))
		}
		want[e.Name] = true
		if e.Parent != "" {
			want[e.Parent] = true // ticks need their parents' xids
		}
	}
	all := len(want) == 0
	var out []Endpoint
	for _, e := range catalog {
		switch {
		case e.Parent != "":
			if want[e.Name] || (ticks && (all || want[e.Parent])) {
				out = append(out, e)
			}
		case all || want[e.Name]:
			out = append(out, e)
		}
	}
	return out, nil
}

func names0() []string {
	var n []string
	for _, e := range catalog {
		n = append(n, e.Name)
	}
	sort.Strings(n)
	return n
}

// Allowed reports whether granted scopes allow the endpoint. A nil granted
// set means the server did not say, so everything is tried.
func (e Endpoint) Allowed(granted map[string]bool) bool {
	if granted == nil {
		return true
	}
	for _, s := range e.Scopes {
		if !granted[s] {
			return false
		}
	}
	return true
}
