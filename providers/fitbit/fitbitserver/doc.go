// Package fitbitserver is an emulator of the legacy Fitbit Web API
// (docs/providers/fitbit.md; "§" in this package points into it, and file
// names ending in .json are the samples in testdata/providers/fitbit). It
// serves the read routes an export uses, with Fitbit's shapes and quirks,
// its errors, its hourly quota and OAuth 2.0 through internal/oauthserver.
// The section "What the emulator does" of the reference names the sample
// or section that grounds each behaviour, and what was chosen without one.
//
// # Paths
//
// The API's root is Info.APIURL (the base URL itself, as
// https://api.fitbit.com is); every route is GET, takes the user id "-"
// or the user's encodedId, a Bearer token, and a date "yyyy-MM-dd" or
// "today" wherever a date goes:
//
//	/1/user/-/profile.json                                  profile   {"user": {...}}
//	/1/user/-/devices.json                                  settings  a bare array
//	/1/user/-/activities/date/<date>.json                   activity  {"activities", "goals", "summary"}
//	/1/user/-/activities/<res>/date/<start>/<end>.json      activity  {"activities-<res>": [{dateTime, value: "..."}]}, ≤1095 days
//	/1/user/-/activities/<res>/date/<date>/<period>.json    activity  period 1d 7d 30d 1w 1m 3m 6m 1y
//	/1/user/-/activities/tracker/<res>/date/<start>/<end>.json        "activities-tracker-<res>", the same values
//	/1/user/-/activities/<ires>/date/<date>/1d/<level>.json activity  intraday, level 1min 5min 15min
//	/1/user/-/activities/heart/date/<start>/<end>.json      heartrate ≤365 days; or <date>/<period>, period 1d 7d 30d 1w 1m
//	/1/user/-/activities/heart/date/<date>/1d/<level>.json  heartrate intraday, level 1sec 1min 5min 15min
//	/1/user/-/activities/list.json                          activity  paged, see below
//	/1.2/user/-/sleep/date/<date>.json                      sleep     {"sleep", "summary"}; today: "meta": {"state": "pending"}
//	/1.2/user/-/sleep/date/<start>/<end>.json               sleep     {"sleep"}, by dateOfSleep, ≤100 days
//	/1.2/user/-/sleep/list.json                             sleep     paged, see below
//	/1/user/-/body/log/weight/date/<start>/<end>.json       weight    {"weight"}, ≤31 days; or <date>, or <date>/<period>
//	/1/user/-/body/log/fat/date/<start>/<end>.json          weight    {"fat"}, ≤30 days; likewise
//	/1/user/-/spo2/date/<date>[/all].json                   oxygen_saturation  a bare object, {} without data
//	/1/user/-/spo2/date/<start>/<end>[/all].json            oxygen_saturation  a bare array, ≤30 days
//	/1/user/-/hrv/date/<date or start/end>[/all].json       heartrate          {"hrv"}, ≤30 days
//	/1/user/-/br/date/<date or start/end>[/all].json        respiratory_rate   {"br"}, ≤30 days, -1 = no value
//	/1/user/-/temp/skin/date/<date or start/end>.json       temperature        {"tempSkin"}, ≤30 days
//	/1/user/-/cardioscore/date/<date or start/end>.json     cardio_fitness     {"cardioScore"}, vo2Max "42-46" or "44.5"
//
// <res> is steps, distance, calories, caloriesBMR, activityCalories,
// floors, elevation, minutesSedentary, minutesLightlyActive,
// minutesFairlyActive or minutesVeryActive; <ires> is steps, calories,
// distance, floors or elevation. Intraday routes also take
// /time/HH:mm/HH:mm after the level (both ends included), and the form
// date/<date>/<date>/<level> with the same date twice (the activity logs'
// links use it). timezone=UTC on the activity time series and intraday
// and the heart-rate intraday routes answers UTC days and times; any
// other timezone value is a 400.
//
// # Paging
//
// The two list routes take exactly one of afterDate (with sort=asc) and
// beforeDate (with sort=desc), as yyyy-MM-dd or yyyy-MM-ddTHH:mm:ss local
// time, offset (0 on the first request) and limit (1 to 100). A date alone
// stands for the whole day: afterDate=2024-03-05 lists what started from
// 2024-03-06 00:00 on, beforeDate=2024-03-05 what started before
// 2024-03-05 00:00. pagination.next is the full URL of the next page (on
// the host the request was addressed to), "" after the last.
//
// # Times and units
//
// The user lives in America/Chicago (profile timezone and
// offsetFromUTCMillis, the latter for the server's Now). Dates in paths
// are the user's local days; data exists for Config.Days local days ending
// yesterday, from the profile's memberSince on; earlier and later days
// answer "0" in time series and nothing elsewhere. Times are local without an offset (sleep startTime,
// endTime and levels, SpO2 and HRV minutes, weight time, intraday time,
// devices lastSyncTime) except activity log startTime, which carries the
// offset. Sleep segments follow each other in real time, so on a DST night
// their local clock jumps by the hour.
//
// Accept-Language en_US answers miles, feet, pounds and inches; en_GB
// answers body weight in stone; anything else, or none, metric.
//
// # Errors and quota
//
// Errors have Fitbit's body {"errors": [{"errorType", "fieldName",
// "message"}], "success": false}: 400 validation (a bad date, a range past
// the route's limit, bad list parameters), 400 invalid_request without an
// Authorization header, 401 expired_token after 8 hours or invalid_token,
// 403 insufficient_scope, 404 not_found for a path not served, 429 over
// the quota. Each user has Config.RateLimit requests per fixed window
// (default 150 per hour, windows start at multiples of the window since
// the Unix epoch, so on the hour); every response to an authenticated
// request carries Fitbit-Rate-Limit-Limit, -Remaining and -Reset (seconds
// to the window's end; with a fraction for windows under a minute), and
// a 429 also Retry-After.
//
// # OAuth
//
// The demo app is ClientID with ClientSecret, a "server" app.
// Authorization code with PKCE (S256, optional) at /oauth2/authorize,
// token at /oauth2/token with the client's credentials in HTTP Basic
// only; the answer adds user_id and the granted scopes, space-separated.
// Access tokens live 8 hours. Every refresh answers a new refresh token
// and ends the old one: a second use of the old one within ConflictWindow
// answers 409, later 400 invalid_grant. Token errors, too, have Fitbit's
// errors body, not RFC 6749's "error" field: a client reads
// errors[0].errorType. Revocation at /oauth2/revoke.
//
// # Data
//
// The data is synthetic and deterministic: every value is a pure function
// of Config.Seed and its local day, and nothing proportional to
// Config.Days is held in memory. Walks to and from work on weekdays, runs
// on Tuesday, Thursday and Saturday, later nights before weekends, naps
// mostly on weekends, a tracker left off after the shower and while
// charging (gaps in the intraday data), some nights and days without it,
// a slowly drifting weight with morning scale readings.
package fitbitserver
