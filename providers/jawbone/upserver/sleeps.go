package upserver

import (
	"strconv"
)

// sleepDepth values of sleep ticks (§6.4).
const (
	depthAwake = 1
	depthLight = 2
	depthDeep  = 3
)

type phase struct {
	at    int64
	depth int
}

// sleepPlan is one sleep: its phases, from which details and ticks derive.
type sleepPlan struct {
	idx      int
	subType  int // 0 sleep, 1 power nap, 2 nap
	start    int64
	end      int64
	phases   []phase
	xid      string
	noSleepN bool
}

// sleepPlans are the sleeps that end on day n: the night's sleep (none on
// one day in 29) and, on one day in 6, a nap in the afternoon. The night
// starts 21:30-01:00 local, before the day's own midnight, so day n's
// sleeps always follow day n-1's nap.
func (d *dataset) sleepPlans(c *dayCtx) []sleepPlan {
	r := d.rng(c.user, c.n, "sleep")
	var out []sleepPlan
	if mod(c.n, 29) != 17 {
		start := c.start + int64(-150+r.IntN(211))*60
		end := start + int64(330+r.IntN(231))*60
		out = append(out, sleepPlan{subType: 0, start: start, end: end})
	}
	L := int64(c.minutes())
	if mod(c.n, 6) == 2 && L >= 20*60 {
		start := c.start + (L*55/100+int64(r.IntN(int(L/10))))*60
		end := start + int64(20+r.IntN(71))*60
		sub := 2
		if end-start <= 30*60 {
			sub = 1
		}
		out = append(out, sleepPlan{subType: sub, start: start, end: end})
	}
	for i := range out {
		p := &out[i]
		p.idx = i
		p.xid = d.xids.encode(xidParts{kind: kindSleep, user: c.user, day: c.n, idx: i})
		p.phases = sleepPhases(r, p.start, p.end, p.subType != 0)
	}
	return out
}

// sleepPhases walks light/deep cycles with short awakenings, starting and
// ending awake; each entry marks a phase change.
func sleepPhases(r interface{ IntN(int) int }, start, end int64, nap bool) []phase {
	ph := []phase{{start, depthAwake}}
	t := start + int64(5+r.IntN(21))*60
	for t < end-10*60 {
		ph = append(ph, phase{t, depthLight})
		t += int64(15+r.IntN(26)) * 60
		if t >= end-10*60 {
			break
		}
		if !nap || r.IntN(2) == 0 {
			ph = append(ph, phase{t, depthDeep})
			t += int64(15+r.IntN(31)) * 60
		}
		if t < end-20*60 && r.IntN(4) == 0 {
			ph = append(ph, phase{t, depthAwake})
			t += int64(2+r.IntN(9)) * 60
		}
	}
	last := end - int64(2+r.IntN(6))*60
	if last <= ph[len(ph)-1].at {
		last = ph[len(ph)-1].at + 60
	}
	if last < end {
		ph = append(ph, phase{last, depthAwake})
	}
	return ph
}

// sleeps generates the sleep items of day n.
func (d *dataset) sleeps(c *dayCtx) []item {
	plans := d.sleepPlans(c)
	out := make([]item, 0, len(plans))
	r := d.rng(c.user, c.n, "sleep-meta")
	for _, p := range plans {
		var awake, light, deep, awakenings int64
		asleepAt, wokeAt := int64(0), p.end
		for i, ph := range p.phases {
			next := p.end
			if i+1 < len(p.phases) {
				next = p.phases[i+1].at
			}
			dur := next - ph.at
			switch ph.depth {
			case depthAwake:
				awake += dur
				if i > 0 && i < len(p.phases)-1 {
					awakenings++
				}
				if i == len(p.phases)-1 {
					wokeAt = ph.at
				}
			case depthLight:
				light += dur
			case depthDeep:
				deep += dur
			}
			if asleepAt == 0 && ph.depth != depthAwake {
				asleepAt = ph.at
			}
		}
		duration := p.end - p.start
		// The identity duration == awake+light+sound+rem held in only some
		// real records (§6.3): here awake leaves out the time to
		// fall asleep on one day in four.
		if mod(c.n, 4) == 1 && len(p.phases) > 1 {
			awake -= p.phases[1].at - p.start
		}
		quality := int(min(100, (light+2*deep)*100/max(duration, 1)*100/150))
		det := obj{
			"asleep_time":      asleepAt,
			"awake_time":       wokeAt,
			"duration":         duration,
			"awake":            awake,
			"light":            light,
			"rem":              0,
			"awakenings":       awakenings,
			"quality":          quality,
			"smart_alarm_fire": 0,
			"body":             0,
			"mind":             0,
			"tz":               c.zoneAt(p.start).detailsTZ(),
		}
		// v1.0 "deep" instead of "sound": every sleep before v1.1's release,
		// and one day in 61 after it (records never migrated).
		if c.n < date20140402 || mod(c.n, 61) == 13 {
			det["deep"] = deep
		} else {
			det["sound"] = deep
		}
		if p.subType == 0 && r.IntN(3) == 0 {
			det["smart_alarm_fire"] = p.end - int64(r.IntN(1800))
		}
		switch mod(c.n, 11) {
		case 2:
			det["sunrise"], det["sunset"] = nil, nil
		case 7:
			det["sunrise"], det["sunset"] = 0, 0
		default:
			sr, ss := sunTimes(c)
			det["sunrise"], det["sunset"] = sr, ss
		}
		asleep := light + deep
		updated := p.end + 60 + int64(r.IntN(3600))
		o := obj{
			"xid":            p.xid,
			"title":          "for " + strconv.FormatInt(asleep/3600, 10) + "h " + strconv.FormatInt(asleep%3600/60, 10) + "m",
			"sub_type":       p.subType,
			"time_created":   p.start,
			"time_completed": p.end,
			"time_updated":   updated,
			"date":           c.date,
			"shared":         mod(c.n, 2) == 0,
			"snapshot_image": imagePath(updated, p.xid),
			"details":        det,
		}
		if mod(c.n, 3) != 0 { // "type" is missing in many real sleeps
			o["type"] = "sleep"
		}
		lat, lon := homeCoords(c.user)
		setPlace(o, placeForm(mod(c.n+int64(p.idx), 4)), lat, lon, 25+r.IntN(100), "Home")
		out = append(out, item{created: p.start, completed: p.end, updated: updated, date: c.date, key: p.xid, idx: p.idx, obj: o})
	}
	return out
}

// sleepTicks are the phase changes of a sleep (§6.4).
func sleepTicks(c *dayCtx, p sleepPlan) []item {
	out := make([]item, 0, len(p.phases))
	for _, ph := range p.phases {
		out = append(out, item{created: ph.at, completed: ph.at, updated: ph.at, date: c.date, obj: obj{"time": ph.at, "depth": ph.depth}})
	}
	return out
}

// homeCoords is a plausible home location per user.
func homeCoords(u int) (float64, float64) {
	homes := [][2]float64{{37.451572, -122.180542}, {52.520008, 13.404954}, {40.712776, -74.005974}, {35.689487, 139.691711}, {51.507351, -0.127758}}
	h := homes[u%len(homes)]
	return h[0], h[1]
}
