package fitbitserver

import (
	"math"
	"math/rand/v2"
	"time"
)

// segment is one entry of levels.data or levels.shortData.
type segment struct {
	from  time.Time
	level string
	secs  int
}

func (s segment) obj() obj {
	return obj{"dateTime": localMillis(s.from), "level": s.level, "seconds": s.secs}
}

// sleepLog is one log of sleep v1.2 (§7, sleep_date_stages_and_classic.json).
type sleepLog struct {
	id        int64
	day       int64 // dateOfSleep: the local day it ended
	span      span
	main      bool
	classic   bool
	infoCode  int
	data      []segment
	shortData []segment
}

// Stage and classic levels, in the order of levels.summary.
var (
	stageLevels   = []string{"deep", "light", "rem", "wake"}
	classicLevels = []string{"asleep", "restless", "awake"}
)

// sleepLogs are the logs that end on day n: the main sleep (if the
// tracker was worn) and a nap, in start order.
func (d *dataset) sleepLogs(n int64) []sleepLog {
	if !d.has(n) {
		return nil
	}
	return d.logsOn(n)
}

// logsOn is sleepLogs whether or not day n is in the served range.
func (d *dataset) logsOn(n int64) []sleepLog {
	var out []sleepLog
	if nt := d.night(n); nt.worn {
		l := sleepLog{id: d.sleepID(n, 1), day: n, span: nt.span, main: true, classic: nt.classic}
		if nt.classic {
			l.infoCode = 1
			l.data = classicSegments(d.rng("classic", n), nt.span)
		} else {
			l.data, l.shortData = stageSegments(d.rng("stages", n), nt.span)
		}
		out = append(out, l)
	}
	if nap, ok := d.nap(n); ok {
		out = append(out, sleepLog{id: d.sleepID(n, 2), day: n, span: nap, classic: true, infoCode: 2,
			data: classicSegments(d.rng("napstages", n), nap)})
	}
	return out
}

// sleepID is a log id of the size the samples show (46811273401).
func (d *dataset) sleepID(n int64, k int64) int64 {
	return 40_000_000_000 + int64(d.hash("sleepid", 0)%1_000_000_000) + n*10 + k
}

// stageSegments cuts a night into stages on a 30-second grid: data
// segments that follow each other without gaps, and short wakes (30 to 180
// seconds) inside long light segments, as the PASTEBIN recording shows.
func stageSegments(r *rand.Rand, s span) (data, short []segment) {
	total := int(s.to.Sub(s.from) / (30 * time.Second))             // units of 30 s
	units := func(lo, hi int) int { return between(r, lo*2, hi*2) } // minutes to units
	var seq []struct {
		level string
		u     int
	}
	push := func(level string, u int) {
		if n := len(seq); n > 0 && seq[n-1].level == level {
			seq[n-1].u += u
			return
		}
		seq = append(seq, struct {
			level string
			u     int
		}{level, u})
	}
	push("wake", units(3, 9))
	used := seq[0].u
	for cycle := 0; used < total; cycle++ {
		deepMax := max(8, 40-cycle*9)
		remLo := 6 + cycle*5
		parts := []struct {
			level string
			u     int
		}{
			{"light", units(12, 30)},
			{"deep", units(4, deepMax)},
			{"light", units(8, 22)},
			{"rem", units(remLo, remLo+14)},
		}
		if r.IntN(3) == 0 {
			parts = append(parts, struct {
				level string
				u     int
			}{"wake", units(3, 8)})
		}
		for _, p := range parts {
			if used >= total {
				break
			}
			push(p.level, p.u)
			used += p.u
		}
	}
	// The morning: a last wake of 3 to 20 minutes, then trim to the end.
	last := units(3, 20)
	for used > total-last && len(seq) > 0 {
		n := len(seq) - 1
		cut := min(seq[n].u, used-(total-last))
		seq[n].u -= cut
		used -= cut
		if seq[n].u == 0 {
			seq = seq[:n]
		}
	}
	push("wake", total-used)
	t := s.from
	for _, p := range seq {
		seg := segment{from: t, level: p.level, secs: p.u * 30}
		data = append(data, seg)
		if p.level == "light" && p.u >= 20 && r.IntN(2) == 0 {
			w := between(r, 1, 6) // units of 30 s
			off := between(r, 4, p.u-4-w)
			short = append(short, segment{from: t.Add(time.Duration(off*30) * time.Second), level: "wake", secs: w * 30})
		}
		t = t.Add(time.Duration(p.u*30) * time.Second)
	}
	return data, short
}

// classicSegments cuts a sleep into asleep, restless and awake by the
// minute.
func classicSegments(r *rand.Rand, s span) []segment {
	total := int(s.to.Sub(s.from) / time.Minute)
	var out []segment
	t, used := s.from, 0
	for used < total {
		level, n := "asleep", between(r, 8, 50)
		if len(out) > 0 && out[len(out)-1].level == "asleep" {
			level, n = "restless", between(r, 1, 5)
			if r.IntN(3) == 0 {
				level, n = "awake", between(r, 1, 3)
			}
		}
		n = min(n, total-used)
		out = append(out, segment{from: t, level: level, secs: n * 60})
		t = t.Add(time.Duration(n) * time.Minute)
		used += n
	}
	return out
}

// stageSeconds is the time per level after shortData is laid over data
// (README "Timestamps computed by hand").
func (l *sleepLog) stageSeconds() map[string]int {
	sec := map[string]int{}
	for _, s := range l.data {
		sec[s.level] += s.secs
	}
	for _, s := range l.shortData {
		for _, u := range l.data {
			end := u.from.Add(time.Duration(u.secs) * time.Second)
			if !s.from.Before(u.from) && s.from.Before(end) {
				sec[u.level] -= s.secs
			}
		}
		sec[s.level] += s.secs
	}
	return sec
}

// levelMinutes rounds the seconds per level to minutes that add up to the
// time in bed (largest remainder), as Fitbit's summaries do.
func (l *sleepLog) levelMinutes() map[string]int {
	levels := stageLevels
	if l.classic {
		levels = classicLevels
	}
	sec := l.stageSeconds()
	total := l.timeInBed()
	out := map[string]int{}
	sum := 0
	for _, lv := range levels {
		out[lv] = sec[lv] / 60
		sum += out[lv]
	}
	for sum < total {
		best, bestRem := "", -1
		for _, lv := range levels {
			if rem := sec[lv] - out[lv]*60; rem > bestRem {
				best, bestRem = lv, rem
			}
		}
		out[best]++
		sum++
	}
	return out
}

func (l *sleepLog) timeInBed() int { return int(math.Round(l.span.to.Sub(l.span.from).Minutes())) }

func (l *sleepLog) counts() map[string]int {
	c := map[string]int{}
	for _, s := range l.data {
		c[s.level]++
	}
	for _, s := range l.shortData {
		c[s.level]++
	}
	return c
}

// sleepObj is the log as the sleep routes answer it.
func (d *dataset) sleepObj(memo stageMemo, l sleepLog) obj {
	mins, counts := l.levelMinutes(), l.counts()
	inBed := l.timeInBed()
	summary := obj{}
	awake := 0
	if l.classic {
		for _, lv := range classicLevels {
			summary[lv] = obj{"count": counts[lv], "minutes": mins[lv]}
		}
		awake = mins["restless"] + mins["awake"]
	} else {
		avg := d.thirtyDayAverage(memo, l.day)
		for _, lv := range stageLevels {
			summary[lv] = obj{"count": counts[lv], "minutes": mins[lv], "thirtyDayAvgMinutes": avg[lv]}
		}
		awake = mins["wake"]
	}
	levels := obj{"data": segmentObjs(l.data), "summary": summary}
	if !l.classic {
		levels["shortData"] = segmentObjs(l.shortData)
	}
	asleep := inBed - awake
	typ := "stages"
	if l.classic {
		typ = "classic"
	}
	return obj{
		"dateOfSleep":         dayText(l.day),
		"duration":            l.span.to.Sub(l.span.from).Milliseconds(),
		"efficiency":          int(math.Round(100 * float64(asleep) / float64(max(inBed, 1)))),
		"endTime":             localMillis(l.span.to),
		"infoCode":            l.infoCode,
		"isMainSleep":         l.main,
		"levels":              levels,
		"logId":               l.id,
		"logType":             "auto_detected",
		"minutesAfterWakeup":  0,
		"minutesAsleep":       asleep,
		"minutesAwake":        awake,
		"minutesToFallAsleep": 0,
		"startTime":           localMillis(l.span.from),
		"timeInBed":           inBed,
		"type":                typ,
	}
}

func segmentObjs(ss []segment) []obj {
	out := make([]obj, len(ss))
	for i, s := range ss {
		out[i] = s.obj()
	}
	return out
}

// stageMemo keeps the stage minutes of main sleeps by day for one
// request, so that the thirty-day averages of a range of logs share their
// nights; nil for a day without a stage log.
type stageMemo map[int64]map[string]int

func (d *dataset) stageMinutes(memo stageMemo, n int64) map[string]int {
	if m, ok := memo[n]; ok {
		return m
	}
	var out map[string]int
	for _, l := range d.logsOn(n) {
		if l.main && !l.classic {
			out = l.levelMinutes()
		}
	}
	memo[n] = out
	return out
}

// thirtyDayAverage is the average stage minutes of the stage logs of the
// thirty days before day n (0 without any), whether or not those days are
// served, so a log does not depend on Config.Days.
func (d *dataset) thirtyDayAverage(memo stageMemo, n int64) map[string]int {
	sum := map[string]int{}
	nights := 0
	for k := n - 30; k < n; k++ {
		if m := d.stageMinutes(memo, k); m != nil {
			for lv, v := range m {
				sum[lv] += v
			}
			nights++
		}
	}
	out := map[string]int{}
	for _, lv := range stageLevels {
		if nights > 0 {
			out[lv] = int(math.Round(float64(sum[lv]) / float64(nights)))
		}
	}
	return out
}

// mainStages is day n's main sleep when it is a stage log: the nightly
// series (SpO2, HRV, breathing rate, skin temperature) exist only then.
func (d *dataset) mainStages(n int64) (sleepLog, bool) {
	for _, l := range d.sleepLogs(n) {
		if l.main && !l.classic {
			return l, true
		}
	}
	return sleepLog{}, false
}
