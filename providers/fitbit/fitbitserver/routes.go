package fitbitserver

import (
	"cmp"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

type obj = map[string]any

// call is one API request after authentication.
type call struct {
	r     *http.Request
	u     units
	q     url.Values
	now   time.Time
	today int64 // the user's local date now
	// utc: timezone=UTC on a route that takes it (activity time series
	// and intraday, heart-rate intraday): days and times on the UTC clock.
	utc bool
}

// handler answers a call with a body to encode as JSON, or an error.
type handler func(c *call) (any, *apiError)

// route is what a path names: the scope it needs and its handler.
type route struct {
	scope string
	serve handler
}

// Per-route date-range limits in days (§5).
const (
	maxSeries     = 1095
	maxHeart      = 365
	maxSleep      = 100
	maxWeight     = 31
	maxFat        = 30
	maxNightly    = 30 // SpO2, HRV, breathing rate, temperature, cardio score
	maxListLimit  = 100
	activityScope = "activity"
)

// seriesResources are the activity time series (§5).
var seriesResources = []string{"steps", "distance", "calories", "caloriesBMR", "activityCalories", "floors",
	"elevation", "minutesSedentary", "minutesLightlyActive", "minutesFairlyActive", "minutesVeryActive"}

// intradayResources are the activity intraday series served.
var intradayResources = []string{"steps", "calories", "distance", "floors", "elevation"}

// handleAPI serves /1/... and /1.2/...: token, quota, path, scope, then
// the route's handler.
func (s *Server) handleAPI(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.requests++
	s.mu.Unlock()
	at, e := s.authenticate(r)
	if e != nil {
		if e.status == http.StatusUnauthorized {
			w.Header().Set("WWW-Authenticate", `Bearer realm="api.fitbit.com"`)
		}
		e.write(w)
		return
	}
	if e := s.take(w, at.UserID); e != nil {
		e.write(w)
		return
	}
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", "GET")
		(&apiError{http.StatusMethodNotAllowed, "request", "n/a", "Method not allowed: " + r.Method}).write(w)
		return
	}
	rt, user, ok := s.match(r.URL.Path)
	if !ok {
		notFound.write(w)
		return
	}
	if user != "-" && user != at.UserID {
		(&apiError{http.StatusUnauthorized, "authorization", "n/a",
			"The caller is not authorized to access the resources of user " + user + "."}).write(w)
		return
	}
	if !at.Scopes.Has(rt.scope) {
		(&apiError{http.StatusForbidden, "insufficient_scope", "n/a",
			"This application does not have permission to access " + scopeData[rt.scope] + " data."}).write(w)
		return
	}
	now := s.cfg.Now()
	c := &call{r: r, u: unitsOf(r), q: r.URL.Query(), now: now, today: civil(cmp.Or(s.cfg.End, now).In(home))}
	body, e := rt.serve(c)
	if e != nil {
		e.write(w)
		return
	}
	writeJSON(w, http.StatusOK, body)
}

var notFound = &apiError{http.StatusNotFound, "not_found", "n/a", "The API you are requesting could not be found."}

// scopeData names a scope's data in the 403 message
// (error_insufficient_scope.json).
var scopeData = map[string]string{
	"activity": "activity", "heartrate": "heart rate", "sleep": "sleep", "weight": "weight", "profile": "profile",
	"settings": "settings", "oxygen_saturation": "oxygen saturation", "respiratory_rate": "respiratory rate",
	"temperature": "temperature", "cardio_fitness": "cardio fitness",
}

// match resolves a path to its route and the user id in it.
func (s *Server) match(path string) (route, string, bool) {
	var version string
	switch {
	case strings.HasPrefix(path, "/1/user/"):
		version, path = "1", strings.TrimPrefix(path, "/1/user/")
	case strings.HasPrefix(path, "/1.2/user/"):
		version, path = "1.2", strings.TrimPrefix(path, "/1.2/user/")
	default:
		return route{}, "", false
	}
	if !strings.HasSuffix(path, ".json") {
		return route{}, "", false
	}
	seg := strings.Split(strings.TrimSuffix(path, ".json"), "/")
	user, seg := seg[0], seg[1:]
	if user == "" {
		return route{}, "", false
	}
	d := s.data
	n := len(seg)
	is := func(i int, v string) bool { return i < n && seg[i] == v }
	var rt route
	switch {
	case version == "1.2":
		switch {
		case n == 3 && is(0, "sleep") && is(1, "date"):
			rt = route{"sleep", func(c *call) (any, *apiError) { return d.sleepByDate(c, seg[2]) }}
		case n == 4 && is(0, "sleep") && is(1, "date"):
			rt = route{"sleep", func(c *call) (any, *apiError) { return d.sleepByRange(c, seg[2], seg[3]) }}
		case n == 2 && is(0, "sleep") && is(1, "list"):
			rt = route{"sleep", func(c *call) (any, *apiError) { return d.sleepList(c, "/1.2/user/"+user+"/sleep/list.json") }}
		}
	case n == 1 && is(0, "profile"):
		rt = route{"profile", d.profile}
	case n == 1 && is(0, "devices"):
		rt = route{"settings", d.devices}
	case n == 3 && is(0, "activities") && is(1, "date"):
		rt = route{activityScope, func(c *call) (any, *apiError) { return d.dailySummary(c, seg[2]) }}
	case n == 2 && is(0, "activities") && is(1, "list"):
		rt = route{activityScope, func(c *call) (any, *apiError) {
			return d.activityList(c, "/1/user/"+user+"/activities/list.json")
		}}
	case n == 5 && is(0, "activities") && is(1, "heart") && is(2, "date"):
		rt = route{"heartrate", func(c *call) (any, *apiError) { return d.heartSeries(c, seg[3], seg[4]) }}
	case (n == 6 || n == 9) && is(0, "activities") && is(1, "heart") && is(2, "date") &&
		slices.Contains([]string{"1sec", "1min", "5min", "15min"}, seg[5]) && (n == 6 || is(6, "time")):
		rt = route{"heartrate", utcAllowed(func(c *call) (any, *apiError) {
			if e := c.oneDay(seg[3], seg[4]); e != nil {
				return nil, e
			}
			return d.heartIntraday(c, seg[3], seg[5], seg[6:])
		})}
	case n == 5 && is(0, "activities") && is(2, "date") && slices.Contains(seriesResources, seg[1]):
		rt = route{activityScope, utcAllowed(func(c *call) (any, *apiError) {
			return d.activitySeries(c, "activities-"+seg[1], seg[1], seg[3], seg[4])
		})}
	case n == 6 && is(0, "activities") && is(1, "tracker") && is(3, "date") && slices.Contains(seriesResources, seg[2]):
		rt = route{activityScope, utcAllowed(func(c *call) (any, *apiError) {
			return d.activitySeries(c, "activities-tracker-"+seg[2], seg[2], seg[4], seg[5])
		})}
	case (n == 6 || n == 9) && is(0, "activities") && is(2, "date") &&
		slices.Contains(intradayResources, seg[1]) && slices.Contains([]string{"1min", "5min", "15min"}, seg[5]) &&
		(n == 6 || is(6, "time")):
		rt = route{activityScope, utcAllowed(func(c *call) (any, *apiError) {
			if e := c.oneDay(seg[3], seg[4]); e != nil {
				return nil, e
			}
			return d.activityIntraday(c, seg[1], seg[3], seg[5], seg[6:])
		})}
	case (n == 5 || n == 6) && is(0, "body") && is(1, "log") && (is(2, "weight") || is(2, "fat")) && is(3, "date"):
		rt = route{"weight", func(c *call) (any, *apiError) { return d.bodyLogs(c, seg[2], seg[4:]) }}
	case (n == 3 || n == 4 || n == 5) && (is(0, "spo2") || is(0, "hrv") || is(0, "br")) && is(1, "date"):
		args := seg[2:]
		all := args[len(args)-1] == "all"
		if all {
			args = args[:len(args)-1]
		}
		if len(args) < 1 || len(args) > 2 {
			return route{}, "", false
		}
		scope := map[string]string{"spo2": "oxygen_saturation", "hrv": "heartrate", "br": "respiratory_rate"}[seg[0]]
		rt = route{scope, func(c *call) (any, *apiError) { return d.nightly(c, seg[0], args, all) }}
	case (n == 4 || n == 5) && is(0, "temp") && is(1, "skin") && is(2, "date"):
		rt = route{"temperature", func(c *call) (any, *apiError) { return d.nightly(c, "tempSkin", seg[3:], false) }}
	case (n == 3 || n == 4) && is(0, "cardioscore") && is(1, "date"):
		rt = route{"cardio_fitness", func(c *call) (any, *apiError) { return d.nightly(c, "cardioScore", seg[2:], false) }}
	}
	return rt, user, rt.serve != nil
}

// utcAllowed reads timezone=UTC, the one value the routes that take the
// parameter accept (§1); other routes ignore it.
func utcAllowed(h handler) handler {
	return func(c *call) (any, *apiError) {
		switch tz := c.q.Get("timezone"); tz {
		case "":
		case "UTC":
			c.utc = true
		default:
			return nil, validation("timezone", "Invalid timezone: %s; only UTC is supported", tz)
		}
		return h(c)
	}
}

// date parses a date of a path: yyyy-MM-dd or "today" (§5).
func (c *call) date(field, v string) (int64, *apiError) {
	if v == "today" {
		return c.today, nil
	}
	t, err := time.Parse(time.DateOnly, v)
	if err != nil {
		return 0, validation(field, "Invalid date:%s", v)
	}
	return civil(t), nil
}

// oneDay checks the second date of an intraday path: "1d", or the form
// with an end date that the activity logs' links use, which this emulator
// serves for one day only (the live API allows up to 24 hours across
// midnight).
func (c *call) oneDay(start, end string) *apiError {
	if end == "1d" {
		return nil
	}
	a, e := c.date("date", start)
	if e != nil {
		return e
	}
	b, e := c.date("endDate", end)
	if e != nil {
		return e
	}
	if a != b {
		return validation("endDate", "This emulator serves intraday data for one date per request: %s differs from %s", end, start)
	}
	return nil
}

// span parses a start and an end date, or a date and a period (§5), and
// checks the route's limit.
func (c *call) span(a, b string, limit int, periods []string) (from, to int64, e *apiError) {
	if to, e = c.date("date", a); e != nil {
		return
	}
	if slices.Contains(periods, b) {
		end := dayTime(to)
		var start time.Time
		switch b {
		case "1d":
			start = end
		case "7d", "1w":
			start = end.AddDate(0, 0, -6)
		case "30d":
			start = end.AddDate(0, 0, -29)
		case "1m":
			start = end.AddDate(0, -1, 1)
		case "3m":
			start = end.AddDate(0, -3, 1)
		case "6m":
			start = end.AddDate(0, -6, 1)
		case "1y":
			start = end.AddDate(-1, 0, 1)
		}
		return civil(start), to, nil
	}
	from = to
	if to, e = c.date("endDate", b); e != nil {
		if len(b) < 8 || strings.Count(b, "-") != 2 {
			return 0, 0, validation("period", "Invalid period: %s", b)
		}
		return
	}
	if to < from {
		return 0, 0, validation("endDate", "Invalid date range: the end date %s is before the start date %s", dayText(to), dayText(from))
	}
	if days := to - from + 1; days > int64(limit) {
		return 0, 0, validation("endDate", "The date range from %s to %s is %d days; the maximum for this resource is %d days",
			dayText(from), dayText(to), days, limit)
	}
	return from, to, nil
}

var (
	seriesPeriods = []string{"1d", "7d", "30d", "1w", "1m", "3m", "6m", "1y"}
	shortPeriods  = []string{"1d", "7d", "30d", "1w", "1m"}
)
