package fitbitserver

import (
	"math"
	"math/rand/v2"
	"strconv"
	"time"
)

func itoa(n int) string { return strconv.Itoa(n) }

// decimal is a time-series number as its string (§6 "Numbers as
// strings"), with at most five decimals.
func decimal(x float64) string {
	return strconv.FormatFloat(math.Round(x*1e5)/1e5, 'f', -1, 64)
}

// minutesOf is day n's minutes: the local day, or with timezone=UTC the
// UTC day (§1).
func (c *call) minutesOf(d *dataset, n int64) *minutes {
	if c.utc {
		return d.utcMinutes(n)
	}
	if !d.has(n) {
		return &minutes{n: n}
	}
	return d.minutes(n)
}

func (c *call) dailyOf(d *dataset, n int64) daily {
	if c.utc {
		return d.dailyOf(d.utcMinutes(n))
	}
	return d.daily(n)
}

// seriesValue is day n's value of an activity time series.
func seriesValue(s daily, res string, u units) string {
	switch res {
	case "steps":
		return itoa(s.steps)
	case "distance":
		return decimal(u.distance(s.distanceKM))
	case "calories":
		return itoa(s.caloriesOut)
	case "caloriesBMR":
		return itoa(s.caloriesBMR)
	case "activityCalories":
		return itoa(s.activeKcal)
	case "floors":
		return itoa(s.floors)
	case "elevation":
		return decimal(u.elevation(s.elevationM))
	case "minutesSedentary":
		return itoa(s.sedentary)
	case "minutesLightlyActive":
		return itoa(s.light)
	case "minutesFairlyActive":
		return itoa(s.fairly)
	case "minutesVeryActive":
		return itoa(s.very)
	}
	return "0"
}

// activitySeries is {"activities-<res>": [{dateTime, value: "..."}]}, a
// day for every date in the range, "0" where there is no data
// (activities_steps_range.json, §7).
func (d *dataset) activitySeries(c *call, key, res, a, b string) (any, *apiError) {
	from, to, e := c.span(a, b, maxSeries, seriesPeriods)
	if e != nil {
		return nil, e
	}
	out := make([]obj, 0, to-from+1)
	for n := from; n <= to; n++ {
		out = append(out, obj{"dateTime": dayText(n), "value": seriesValue(c.dailyOf(d, n), res, c.u)})
	}
	return obj{key: out}, nil
}

// hhmm parses the HH:mm of a /time/ suffix into minutes of the day.
func hhmm(field, v string) (int, *apiError) {
	t, err := time.Parse("15:04", v)
	if err != nil {
		return 0, validation(field, "Invalid time:%s", v)
	}
	return t.Hour()*60 + t.Minute(), nil
}

// window reads an intraday route's optional /time/HH:mm/HH:mm (both ends
// included) as a range of minutes of the day.
func window(rest []string) (lo, hi int, e *apiError) {
	if len(rest) == 0 {
		return 0, 1439, nil
	}
	if lo, e = hhmm("startTime", rest[1]); e != nil {
		return
	}
	if hi, e = hhmm("endTime", rest[2]); e != nil {
		return
	}
	if hi < lo {
		return 0, 0, validation("endTime", "Invalid time range: %s is before %s", rest[2], rest[1])
	}
	return lo, hi, nil
}

func clockTime(i int) string {
	return strconv.Itoa(i/600) + strconv.Itoa(i/60%10) + ":" + strconv.Itoa(i%60/10) + strconv.Itoa(i%10) + ":00"
}

func detail(level string) (size int, ok bool) {
	switch level {
	case "1min":
		return 1, true
	case "5min":
		return 5, true
	case "15min":
		return 15, true
	}
	return 0, false
}

// floorsAt spreads day n's floors over its minutes with steps, one a
// minute, so the intraday floors add up to the daily value.
func (d *dataset) floorsAt(m *minutes, floors int) [1440]bool {
	var at [1440]bool
	var stepping []int
	for i := range 1440 {
		if m.steps[i] > 0 {
			stepping = append(stepping, i)
		}
	}
	r := d.rng("floorsat", m.n)
	r.Shuffle(len(stepping), func(i, j int) { stepping[i], stepping[j] = stepping[j], stepping[i] })
	for _, i := range stepping[:min(floors, len(stepping))] {
		at[i] = true
	}
	return at
}

// activityIntraday is the daily element and the dataset of one day
// (activities_steps_intraday_1min.json): minutes without the tracker are
// missing, not zero; calories cover every minute, with level and mets,
// and on some days come without the daily element
// (activities_calories_intraday_no_daily.json).
func (d *dataset) activityIntraday(c *call, res, date, level string, rest []string) (any, *apiError) {
	n, e := c.date("date", date)
	if e != nil {
		return nil, e
	}
	lo, hi, e := window(rest)
	if e != nil {
		return nil, e
	}
	size, _ := detail(level)
	m := c.minutesOf(d, n)
	s := d.dailyOf(m)
	var floors [1440]bool
	if res == "floors" || res == "elevation" {
		floors = d.floorsAt(m, s.floors)
	}
	type bucket struct {
		any           bool
		sum           float64
		level, mets   int
		metsN, stepsN int
	}
	var items []obj
	for start := 0; start < 1440; start += size {
		var b bucket
		for i := start; i < start+size; i++ {
			if i < lo || i > hi || !m.exists[i] {
				continue
			}
			if res == "calories" {
				b.any = true
				b.sum += m.calories(i)
				b.level = max(b.level, int(m.level[i]))
				b.mets += int(m.mets[i])
				b.metsN++
				continue
			}
			if !m.worn[i] {
				continue
			}
			b.any = true
			switch res {
			case "steps":
				b.sum += float64(m.steps[i])
			case "distance":
				b.sum += c.u.distance(m.distanceKM(i))
			case "floors":
				if floors[i] {
					b.sum++
				}
			case "elevation":
				if floors[i] {
					b.sum += c.u.elevation(floorMetres)
				}
			}
		}
		if !b.any {
			continue
		}
		item := obj{"time": clockTime(start)}
		switch res {
		case "steps", "floors":
			item["value"] = int(b.sum)
		case "calories":
			item["value"] = round4(b.sum)
			item["level"] = b.level
			item["mets"] = int(math.Round(float64(b.mets) / float64(b.metsN)))
		default:
			item["value"] = round4(b.sum)
		}
		items = append(items, item)
	}
	if items == nil {
		items = []obj{}
	}
	key := "activities-" + res
	dailyElem := []obj{{"dateTime": dayText(n), "value": seriesValue(s, res, c.u)}}
	if res == "calories" && d.has(n) && d.hash("nodaily", n)%6 == 0 {
		dailyElem = []obj{}
	}
	return obj{key: dailyElem, key + "-intraday": obj{"dataset": items, "datasetInterval": size, "datasetType": "minute"}}, nil
}

// heartValue is the value of an activities-heart element: zones, and the
// resting heart rate when the day had enough data (§7).
func heartValue(s daily) obj {
	zones := make([]obj, len(s.zones))
	for k, z := range s.zones {
		zones[k] = obj{"caloriesOut": z.calories, "max": z.max, "min": z.min, "minutes": z.minutes, "name": z.name}
	}
	v := obj{"customHeartRateZones": []obj{}, "heartRateZones": zones}
	if s.resting > 0 {
		v["restingHeartRate"] = s.resting
	}
	return v
}

// heartSeries is {"activities-heart": [{dateTime, value: {zones...}}]}.
func (d *dataset) heartSeries(c *call, a, b string) (any, *apiError) {
	from, to, e := c.span(a, b, maxHeart, shortPeriods)
	if e != nil {
		return nil, e
	}
	out := make([]obj, 0, to-from+1)
	for n := from; n <= to; n++ {
		out = append(out, obj{"dateTime": dayText(n), "value": heartValue(d.daily(n))})
	}
	return obj{"activities-heart": out}, nil
}

// heartIntraday is heart_intraday_1min.json's shape: the day's element
// and a dataset of the minutes (or irregular seconds) the tracker was
// worn.
func (d *dataset) heartIntraday(c *call, date, level string, rest []string) (any, *apiError) {
	n, e := c.date("date", date)
	if e != nil {
		return nil, e
	}
	lo, hi, e := window(rest)
	if e != nil {
		return nil, e
	}
	m := c.minutesOf(d, n)
	items := []obj{}
	typ, interval := "minute", 1
	if level == "1sec" {
		typ = "second"
		r := d.rng("heart1s", n)
		for i := lo; i <= hi; i++ {
			if !m.worn[i] {
				continue
			}
			for sec := r.IntN(10); sec < 60; sec += between(r, 3, 15) {
				items = append(items, obj{"time": clockTime(i)[:6] + twoDigits(sec), "value": int(m.heart[i]) + jitter(r)})
			}
		}
	} else {
		size, _ := detail(level)
		interval = size
		for start := 0; start < 1440; start += size {
			sum, k := 0, 0
			for i := max(start, lo); i < start+size && i <= hi; i++ {
				if m.worn[i] {
					sum += int(m.heart[i])
					k++
				}
			}
			if k > 0 {
				items = append(items, obj{"time": clockTime(start), "value": int(math.Round(float64(sum) / float64(k)))})
			}
		}
	}
	return obj{
		"activities-heart":          []obj{{"dateTime": dayText(n), "value": heartValue(d.dailyOf(m))}},
		"activities-heart-intraday": obj{"dataset": items, "datasetInterval": interval, "datasetType": typ},
	}, nil
}

func twoDigits(n int) string { return strconv.Itoa(n/10) + strconv.Itoa(n%10) }

func jitter(r *rand.Rand) int { return r.IntN(5) - 2 }

// activityLog is a walk or run the tracker recognised (TRAILME's logs:
// startTime with an offset, logType auto_detected).
type activityLog struct {
	id  int64
	day int64
	b   bout
}

func (d *dataset) activityLogs(n int64) []activityLog {
	if !d.has(n) {
		return nil
	}
	var out []activityLog
	for k, b := range d.bouts(n) {
		out = append(out, activityLog{id: 50_000_000_000 + int64(d.hash("logid", 0)%1_000_000_000) + n*10 + int64(k), day: n, b: b})
	}
	return out
}

// logStats are the sums over a log's minutes.
type logStats struct {
	steps, heartSum, heartN int
	km, kcal                float64
	levels                  [4]int
	zones                   [4]int
	zoneKcal                [4]float64
}

func (d *dataset) logStats(l activityLog, m *minutes) logStats {
	var st logStats
	from, to := l.b.from.Unix(), l.b.to.Unix()
	for i := range 1440 {
		if !m.exists[i] || m.unix[i] < from || m.unix[i] >= to {
			continue
		}
		st.steps += int(m.steps[i])
		st.km += m.distanceKM(i)
		st.kcal += m.calories(i)
		st.levels[m.level[i]]++
		if m.worn[i] {
			st.heartSum += int(m.heart[i])
			st.heartN++
			k := 0
			for k < 3 && int(m.heart[i]) >= zoneBounds[k+1].min {
				k++
			}
			st.zones[k]++
			st.zoneKcal[k] += m.calories(i)
		}
	}
	return st
}

func activityName(run bool) (string, int) {
	if run {
		return "Run", 90009
	}
	return "Walk", 90013
}

// activityListEntry is a log of the activity log list.
func (d *dataset) activityListEntry(c *call, l activityLog, m *minutes) obj {
	st := d.logStats(l, m)
	name, typeID := activityName(l.b.run)
	dur := l.b.to.Sub(l.b.from)
	dist := c.u.distance(st.km)
	zones := make([]obj, 4)
	for k, z := range zoneBounds {
		zones[k] = obj{"caloriesOut": round1(st.zoneKcal[k]), "max": z.max, "min": z.min, "minutes": st.zones[k], "name": z.name}
	}
	levels := make([]obj, 4)
	for k, nm := range []string{"sedentary", "lightly", "fairly", "very"} {
		levels[k] = obj{"minutes": st.levels[k], "name": nm}
	}
	base := origin(c.r) + "/1/user/-/activities/"
	date := dayText(l.day)
	span := "/time/" + l.b.from.In(home).Format("15:04") + "/" + l.b.to.In(home).Format("15:04") + ".json"
	e := obj{
		"activeDuration":        dur.Milliseconds(),
		"activityLevel":         levels,
		"activityName":          name,
		"activityTypeId":        typeID,
		"calories":              int(math.Round(st.kcal)),
		"caloriesLink":          base + "calories/date/" + date + "/" + date + "/1min" + span,
		"distance":              round4(dist),
		"distanceUnit":          c.u.distanceUnit(),
		"duration":              dur.Milliseconds(),
		"elevationGain":         round2(c.u.elevation(3 * floorMetres)),
		"hasActiveZoneMinutes":  true,
		"heartRateLink":         base + "heart/date/" + date + "/" + date + "/1sec" + span,
		"heartRateZones":        zones,
		"lastModified":          l.b.to.Add(12 * time.Minute).UTC().Format("2006-01-02T15:04:05.000Z"),
		"logId":                 l.id,
		"logType":               "auto_detected",
		"manualValuesSpecified": obj{"calories": false, "distance": false, "steps": false},
		"originalDuration":      dur.Milliseconds(),
		"originalStartTime":     offsetMillis(l.b.from),
		"startTime":             offsetMillis(l.b.from),
		"steps":                 st.steps,
		"tcxLink":               base + strconv.FormatInt(l.id, 10) + ".tcx",
	}
	if st.heartN > 0 {
		e["averageHeartRate"] = int(math.Round(float64(st.heartSum) / float64(st.heartN)))
	}
	if dist > 0 {
		e["speed"] = round4(dist / dur.Hours())
		e["pace"] = round4(dur.Seconds() / dist)
	}
	return e
}

// dailySummary is /1/user/-/activities/date/<date>.json (§7): the day's
// logs in their short form, goals and the summary, numbers as numbers.
func (d *dataset) dailySummary(c *call, date string) (any, *apiError) {
	n, e := c.date("date", date)
	if e != nil {
		return nil, e
	}
	s := d.daily(n)
	m := d.minutes(n)
	var byLevel [4]float64
	for i := range 1440 {
		if m.exists[i] {
			byLevel[m.level[i]] += m.distanceKM(i)
		}
	}
	acts := []obj{}
	for _, l := range d.activityLogs(n) {
		st := d.logStats(l, m)
		name, typeID := activityName(l.b.run)
		acts = append(acts, obj{
			"activityId": typeID, "activityParentId": typeID, "activityParentName": name, "name": name,
			"calories": int(math.Round(st.kcal)), "description": "", "distance": round4(c.u.distance(st.km)),
			"duration": l.b.to.Sub(l.b.from).Milliseconds(), "hasActiveZoneMinutes": true, "hasStartTime": true,
			"isFavorite": false, "lastModified": l.b.to.Add(12 * time.Minute).UTC().Format("2006-01-02T15:04:05.000Z"),
			"logId": l.id, "startDate": dayText(n), "startTime": l.b.from.In(home).Format("15:04"), "steps": st.steps,
		})
	}
	dist := func(km float64) float64 { return round4(c.u.distance(km)) }
	summary := obj{
		"activeScore":      -1,
		"activityCalories": s.activeKcal,
		"caloriesBMR":      s.caloriesBMR,
		"caloriesOut":      s.caloriesOut,
		"distances": []obj{
			{"activity": "total", "distance": dist(s.distanceKM)},
			{"activity": "tracker", "distance": dist(s.distanceKM)},
			{"activity": "loggedActivities", "distance": 0},
			{"activity": "veryActive", "distance": dist(byLevel[3])},
			{"activity": "moderatelyActive", "distance": dist(byLevel[2])},
			{"activity": "lightlyActive", "distance": dist(byLevel[1])},
			{"activity": "sedentaryActive", "distance": dist(byLevel[0])},
		},
		"elevation":            round2(c.u.elevation(s.elevationM)),
		"fairlyActiveMinutes":  s.fairly,
		"floors":               s.floors,
		"heartRateZones":       heartValue(s)["heartRateZones"],
		"lightlyActiveMinutes": s.light,
		"marginalCalories":     int(math.Round(float64(s.activeKcal) * 0.6)),
		"sedentaryMinutes":     s.sedentary,
		"steps":                s.steps,
		"veryActiveMinutes":    s.very,
	}
	if s.resting > 0 {
		summary["restingHeartRate"] = s.resting
	}
	goals := obj{"activeMinutes": 30, "caloriesOut": 2200, "distance": round2(c.u.distance(8.05)), "floors": 10, "steps": 10000}
	return obj{"activities": acts, "goals": goals, "summary": summary}, nil
}
