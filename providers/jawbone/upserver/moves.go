package upserver

import (
	"math"
)

// noMoveDay: nothing was synced, the day has no move item at all (real
// pages skip such days: RJ page 2 jumps from 20160223 to 20160106).
func noMoveDay(n int64) bool { return mod(n, 37) == 11 }

var (
	date20140402 = civilDate{2014, 4, 2}.dayNumber() // v1.1 released: sleeps before use "deep"
	date20150101 = civilDate{2015, 1, 1}.dayNumber() // distances become floats (1876.0)
	date20160101 = civilDate{2016, 1, 1}.dayNumber() // steps_3am and series_ids appear
)

// hourAgg is one hourly_totals entry.
type hourAgg struct {
	distance, steps, active, inactive int
	longestActive, longestIdle        int
	runActive, runIdle                int
	calories                          float64
}

// number writes an integral metre count as the era wrote it.
func (d *dataset) number(n int64, v int) any {
	if n >= date20150101 {
		return fnum(v)
	}
	return v
}

// moves generates the move item of day n (none on noMoveDay).
func (d *dataset) moves(c *dayCtx, a *activity) []item {
	if noMoveDay(c.n) {
		return nil
	}
	u := d.user(c.user)
	r := d.rng(c.user, c.n, "move")
	xid := d.xids.encode(xidParts{kind: kindMove, user: c.user, day: c.n})
	L := len(a.steps)

	first, last := -1, -1
	total, dist, activeMin := 0, 0, 0
	var kcal, woKcal float64
	woActive := 0
	hours := map[string]*hourAgg{}
	var key string
	for m := range L {
		t := c.start + int64(m)*60
		if m%15 == 0 { // zone offsets and changes fall on quarter hours
			key = hourKey(t, c.zoneAt(t))
		}
		s := int(a.steps[m])
		h := hours[key]
		if h == nil {
			h = &hourAgg{}
			hours[key] = h
		}
		if s == 0 {
			h.inactive += 60
			h.runIdle += 60
			h.runActive = 0
			h.longestIdle = max(h.longestIdle, h.runIdle)
			continue
		}
		if first < 0 {
			first = m
		}
		last = m
		total += s
		activeMin++
		mt := a.metres(s)
		dist += mt
		k := a.kcal(s)
		kcal += k
		if a.inWorkout(m) {
			woKcal += k
			woActive += 60
		}
		h.steps += s
		h.distance += mt
		h.calories += k
		h.active += 60
		h.runActive += 60
		h.runIdle = 0
		h.longestActive = max(h.longestActive, h.runActive)
	}

	var created, completed int64
	if total == 0 {
		created, completed = c.start, c.end-60
	} else {
		created, completed = c.start+int64(first)*60, c.start+int64(last+1)*60
	}
	updated := completed + 300 + int64(r.IntN(7200))

	age := float64(dayCivil(c.n).y - u.born)
	bmr := 10*u.weight + 625*u.height - 5*age + 5
	if u.gender == 1 {
		bmr -= 166
	}
	det := obj{
		"steps":          total,
		"km":             round(float64(dist)/1000, 3),
		"active_time":    activeMin * 60,
		"calories":       round(kcal, 4),
		"bmr_day":        round(bmr, 4),
		"bmr":            round(bmr, 4),
		"bg_calories":    round(kcal-woKcal, 4),
		"wo_calories":    round(woKcal, 4),
		"wo_count":       len(a.workouts),
		"wo_time":        0,
		"wo_active_time": woActive,
		"wo_longest":     0,
		"tz":             c.startZone().detailsTZ(),
		"tzs":            d.tzsJSON(c),
	}
	woTime, woLongest := 0, 0
	for _, b := range a.workouts {
		woTime += b.length * 60
		woLongest = max(woLongest, b.length*60)
	}
	det["wo_time"], det["wo_longest"] = woTime, woLongest

	longActive, longIdle, runA, runI, inactive := 0, 0, 0, 0, 0
	if total > 0 {
		for m := first; m <= last; m++ {
			if a.steps[m] > 0 {
				runA, runI = runA+60, 0
				longActive = max(longActive, runA)
			} else {
				runA, runI = 0, runI+60
				inactive += 60
				longIdle = max(longIdle, runI)
			}
		}
	}
	det["longest_active"], det["longest_idle"] = longActive, longIdle

	// Sunrise and sunset: 0 when unknown, sometimes absent (§6.1).
	switch mod(c.n, 13) {
	case 4:
		det["sunrise"], det["sunset"] = 0, 0
	case 9:
	default:
		sr, ss := sunTimes(c)
		det["sunrise"], det["sunset"] = sr, ss
	}

	if total > 0 {
		det["distance"] = d.number(c.n, dist)
		det["inactive_time"] = inactive
		ht := make(obj, len(hours))
		for k, h := range hours {
			if h.steps == 0 {
				continue // only hours with data appear
			}
			ht[k] = obj{
				"distance":            d.number(c.n, h.distance),
				"active_time":         h.active,
				"calories":            round(h.calories, 4),
				"inactive_time":       h.inactive,
				"longest_active_time": h.longestActive,
				"longest_idle_time":   h.longestIdle,
				"steps":               h.steps,
			}
		}
		det["hourly_totals"] = ht
		if c.n >= date20160101 {
			s3 := 0
			for m := 0; m < min(180, L); m++ {
				s3 += int(a.steps[m])
			}
			det["steps_3am"] = s3
		}
	}
	if c.n >= date20160101 {
		det["series_ids"] = []int64{int64(r.Uint32()), int64(r.Uint32())}
	}

	title := thousands(total) + " steps"
	if c.n == d.end {
		title += " today"
	}
	o := obj{
		"xid":            xid,
		"title":          title,
		"type":           "move",
		"time_created":   created,
		"time_completed": completed,
		"time_updated":   updated,
		"date":           c.date,
		"snapshot_image": imagePath(updated, xid),
		"details":        det,
	}
	return []item{{created: created, completed: completed, updated: updated, date: c.date, key: xid, obj: o}}
}

// tzsJSON writes details.tzs; on odd travel days the entries come in
// reverse order, since real arrays were not always sorted (§7).
func (d *dataset) tzsJSON(c *dayCtx) [][]any {
	out := make([][]any, 0, len(c.tzs))
	for _, ch := range c.tzs {
		out = append(out, []any{ch.at, ch.z.tzsValue(ch.at)})
	}
	if c.travel && mod(c.n, 2) == 1 {
		for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
			out[i], out[j] = out[j], out[i]
		}
	}
	return out
}

// sunTimes approximates sunrise and sunset for a mid-latitude home: a
// seasonal swing around 06:00 and 18:00 local.
func sunTimes(c *dayCtx) (int64, int64) {
	doy := float64(dayCivil(c.n).dayOfYear())
	swing := math.Cos(2 * math.Pi * (doy - 172) / 365.25) // 1 at midsummer
	sr := c.start + int64((6.3-1.3*swing)*3600)
	ss := c.start + int64((18.1+1.8*swing)*3600)
	if ss >= c.end {
		ss = c.end - 1
	}
	return sr, ss
}

// minuteTicks are the ticks of minutes [from, to) of the day: one per
// minute, ~1,440 for a whole move. They sum to the move's steps.
func (d *dataset) minuteTicks(c *dayCtx, a *activity, from, to int) []item {
	out := make([]item, 0, to-from)
	for m := from; m < to; m++ {
		s := int(a.steps[m])
		t := c.start + int64(m)*60
		mt := a.metres(s)
		active := 0
		if s > 0 {
			active = 60
		}
		out = append(out, item{created: t, completed: t + 60, updated: t + 60, date: c.date, tick: &minuteTick{
			Time: t, TimeCompleted: t + 60, Steps: s, Distance: d.number(c.n, mt),
			ActiveTime: active, Calories: round(a.kcal(s), 4), Speed: round(float64(mt)/60, 3),
		}})
	}
	return out
}
