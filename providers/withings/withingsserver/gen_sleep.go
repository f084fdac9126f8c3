package withingsserver

import (
	"math"
	"strconv"
	"time"
)

// Sleep states (docs/providers/withings.md).
const (
	stateAwake = 0
	stateLight = 1
	stateDeep  = 2
	stateREM   = 3
)

// Sleep sources: model in summaries and in sleep get's body.
const (
	modelTracker = 16
	modelMonitor = 32
)

// maxSegment is the longest recorded sleep segment: longer runs of one
// state come as several segments.
const maxSegment = 600

type segment struct {
	start, end int64
	state      int
}

// night is one sleep: a summary for getsummary and its segments for get.
type night struct {
	id                int64
	zone              string
	model             int // 16 tracker, 32 monitor
	deviceModel       string
	deviceModelID     int
	hashDeviceID      string
	start, end        int64
	date              string
	created, modified int64
	segs              []segment
	tracker           bool           // a watch night: heart rate only, no rr or snoring
	data              map[string]any // every summary field this night has
}

// defaultSleepFields are the summary fields sent without data_fields, as
// the recording made without data_fields has them.
var defaultSleepFields = []string{
	"wakeupduration", "wakeupcount", "durationtosleep", "remsleepduration", "durationtowakeup",
	"total_timeinbed", "total_sleep_time", "sleep_efficiency", "sleep_latency", "wakeup_latency",
	"waso", "nb_rem_episodes", "out_of_bed_count", "lightsleepduration", "deepsleepduration",
}

func (u *userData) genSleep() {
	rng := u.rng(4)
	id := int64(2_080_000_000) + int64(u.idx)*10_000_000
	for day := u.start; day.Before(u.end); day = day.AddDate(0, 0, 1) {
		z, away := u.zoneOn(day)
		if away && !u.worn(day) || rng.IntN(33) == 0 {
			continue // the mat stays home; some nights are not recorded
		}
		n := &night{zone: z.name, model: modelMonitor, tracker: away}
		if away {
			w := u.devices[roleWatch]
			n.model, n.deviceModel, n.deviceModelID, n.hashDeviceID = modelTracker, w.Model, w.ModelID, w.HashDeviceID
		} else {
			m := u.devices[roleMat]
			n.deviceModel, n.deviceModelID, n.hashDeviceID = m.Model, m.ModelID, m.HashDeviceID
		}
		n.start = at(day, z, 22*3600+15*60+rng.IntN(90*60))
		// Minutes per state run, from getting in bed to getting up.
		type run struct{ state, minutes int }
		runs := []run{{stateAwake, 5 + rng.IntN(26)}}
		target := 330 + rng.IntN(120)
		slept := 0
		for cycle := 0; slept < target; cycle++ {
			deep, rem := 20+rng.IntN(21), 5+rng.IntN(8)
			if cycle >= 2 {
				deep, rem = 5+rng.IntN(11), 10+rng.IntN(16)
			}
			l1, l2 := 20+rng.IntN(21), 10+rng.IntN(16)
			runs = append(runs, run{stateLight, l1}, run{stateDeep, deep}, run{stateLight, l2}, run{stateREM, rem})
			slept += l1 + deep + l2 + rem
			if slept < target && rng.IntN(3) == 0 {
				runs = append(runs, run{stateAwake, 2 + rng.IntN(14)})
			}
		}
		runs = append(runs, run{stateAwake, 5 + rng.IntN(21)})
		t := n.start
		for _, r := range runs {
			for left := int64(r.minutes * 60); left > 0; {
				d := min(left, maxSegment)
				n.segs = append(n.segs, segment{t, t + d, r.state})
				t += d
				left -= d
			}
		}
		n.end = t
		n.date = civil(n.end, z).Format(time.DateOnly)
		n.created = min(n.end+int64(600+rng.IntN(3000)), u.endInstant)
		n.modified = n.created
		if rng.IntN(20) == 0 {
			n.modified = min(n.created+int64(86400*(1+rng.IntN(10))), u.endInstant)
		}
		id += int64(50 + rng.IntN(100))
		n.id = id
		n.data = u.summarize(n)
		u.nights = append(u.nights, n)
	}
}

// Vitals at one minute of a night, pure functions of the user and the
// instant, so sleep get and the summary agree without storing them.
func (u *userData) sleepHR(t int64, state int) int {
	lift := [...]float64{stateAwake: 9, stateLight: 2, stateDeep: 0, stateREM: 6}[state]
	return int(math.Round(53 + lift + 3*math.Sin(float64(t)/3000) + 4*unit(u.hash(31, t))))
}

func (u *userData) sleepRR(t int64, state int) int {
	lift := [...]float64{stateAwake: 2, stateLight: 0, stateDeep: -1, stateREM: 1}[state]
	return int(math.Round(14 + lift + 2*unit(u.hash(32, t))))
}

// sleepSnoring is the seconds snored in the minute from t: snoring comes in
// five-minute spells during light and deep sleep.
func (u *userData) sleepSnoring(t int64, state int) int {
	if state != stateLight && state != stateDeep || unit(u.hash(33, t/300)) >= 0.1 {
		return 0
	}
	return 15 + int(u.hash(34, t)%46)
}

// minutes calls f for each minute key of a segment.
func (s segment) minutes(f func(t int64)) {
	for t := s.start; t < s.end; t += 60 {
		f(t)
	}
}

// summarize computes a night's summary from its segments and vitals, with
// the identities the recording satisfies: total_sleep_time is light + deep
// + REM, total_timeinbed is enddate - startdate and equals total_sleep_time
// + wakeupduration, and wakeupduration is sleep_latency + waso +
// wakeup_latency.
func (u *userData) summarize(n *night) map[string]any {
	var dur [4]int64
	var awakeRuns []int64
	remRuns := 0
	prev := -1
	for _, s := range n.segs {
		d := s.end - s.start
		dur[s.state] += d
		if s.state == stateAwake {
			if prev == stateAwake {
				awakeRuns[len(awakeRuns)-1] += d
			} else {
				awakeRuns = append(awakeRuns, d)
			}
		}
		if s.state == stateREM && prev != stateREM {
			remRuns++
		}
		prev = s.state
	}
	latency, wakeLatency := awakeRuns[0], awakeRuns[len(awakeRuns)-1]
	var waso int64
	for _, r := range awakeRuns[1 : len(awakeRuns)-1] {
		waso += r
	}
	tst := dur[stateLight] + dur[stateDeep] + dur[stateREM]
	tib := n.end - n.start
	eff := round(float64(tst)/float64(tib), 2)
	m := map[string]any{
		"total_timeinbed": tib, "total_sleep_time": tst,
		"lightsleepduration": dur[stateLight], "deepsleepduration": dur[stateDeep], "remsleepduration": dur[stateREM],
		"wakeupduration": dur[stateAwake], "wakeupcount": len(awakeRuns) - 2, "waso": waso,
		"sleep_latency": latency, "wakeup_latency": wakeLatency,
		"durationtosleep": latency, "durationtowakeup": wakeLatency,
		"sleep_efficiency": eff, "nb_rem_episodes": remRuns, "out_of_bed_count": 0,
	}
	hr := stats{min: math.MaxInt}
	rr := stats{min: math.MaxInt}
	var snoring, episodes int
	inEpisode := false
	for _, s := range n.segs {
		s.minutes(func(t int64) {
			hr.add(u.sleepHR(t, s.state))
			rr.add(u.sleepRR(t, s.state))
			sn := u.sleepSnoring(t, s.state)
			snoring += sn
			if sn > 0 && !inEpisode {
				episodes++
			}
			inEpisode = sn > 0
		})
	}
	m["hr_average"], m["hr_min"], m["hr_max"] = hr.average(), hr.min, hr.max
	score := 15 + 50*eff + float64(tst)/3600*3.5 - float64(len(awakeRuns)-2)*3
	m["sleep_score"] = int(math.Max(0, math.Min(100, math.Round(score))))
	if !n.tracker {
		m["rr_average"], m["rr_min"], m["rr_max"] = rr.average(), rr.min, rr.max
		m["snoring"], m["snoringepisodecount"] = snoring, episodes
		m["breathing_disturbances_intensity"] = int(u.hash(35, n.start) % 25)
		m["apnea_hypopnea_index"] = int(u.hash(36, n.start) % 8)
	}
	return m
}

type stats struct{ sum, n, min, max int }

func (s *stats) add(v int) {
	s.sum += v
	s.n++
	s.min = min(s.min, v)
	s.max = max(s.max, v)
}

func (s *stats) average() int { return int(math.Round(float64(s.sum) / float64(s.n))) }

// summary renders getsummary's element for the night.
func (n *night) summary(p params) map[string]any {
	data := map[string]any{}
	if p.DataFields == nil {
		for _, k := range defaultSleepFields {
			data[k] = n.data[k]
		}
	} else {
		for _, k := range p.DataFields {
			if v, ok := n.data[k]; ok {
				data[k] = v
			}
		}
	}
	return map[string]any{
		"id": n.id, "timezone": n.zone, "model": n.model, "model_id": n.deviceModelID,
		"hash_deviceid": n.hashDeviceID, "startdate": n.start, "enddate": n.end, "date": n.date,
		"data": data, "created": n.created, "modified": n.modified,
	}
}

// series renders sleep get's element for one segment, with the vitals p
// asks for keyed by epoch-second strings. Without data_fields there are
// none, as in the recording made without them.
func (u *userData) series(n *night, s segment, p params) map[string]any {
	m := map[string]any{
		"startdate": s.start, "enddate": s.end, "state": s.state,
		"model": n.deviceModel, "model_id": n.deviceModelID, "hash_deviceid": n.hashDeviceID,
	}
	vital := func(name string, f func(int64, int) int) {
		if p.DataFields == nil || !p.wants(name) {
			return
		}
		v := map[string]int{}
		s.minutes(func(t int64) { v[strconv.FormatInt(t, 10)] = f(t, s.state) })
		m[name] = v
	}
	vital("hr", u.sleepHR)
	if !n.tracker {
		vital("rr", u.sleepRR)
		vital("snoring", u.sleepSnoring)
	}
	return m
}
