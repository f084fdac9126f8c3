package ouraserver

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"strings"
	"time"
	_ "time/tzdata" // the same zone rules on every machine, so answers are byte-identical
)

// The user's zones: home has DST; the trip's offset differs by six hours.
var (
	home = mustZone("Europe/Berlin")
	away = mustZone("America/New_York")
)

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(fmt.Sprintf("ouraserver: zone %s: %v", name, err)) // time/tzdata has it
	}
	return loc
}

// Days are day numbers: days since 1970-01-01 of a local calendar date.
func civil(t time.Time) int64 {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400
}

func dayTime(n int64) time.Time { return time.Unix(n*86400, 0).UTC() }
func dayText(n int64) string    { return dayTime(n).Format(time.DateOnly) }

// at is the instant of a local wall-clock time on day n.
func at(n int64, loc *time.Location, h, m, s int) time.Time {
	y, mo, d := dayTime(n).Date()
	return time.Date(y, mo, d, h, m, s, 0, loc)
}

// The three time forms of §6.
func localText(t time.Time) string  { return t.Format("2006-01-02T15:04:05-07:00") }
func sampleText(t time.Time) string { return t.Format("2006-01-02T15:04:05.000-07:00") }
func utcText(t time.Time) string    { return t.UTC().Format("2006-01-02T15:04:05-07:00") }

// dataset is the synthetic account: a pure function of the seed and a day.
type dataset struct {
	seed        int64
	first, last int64 // day numbers
	userID      string
}

func newDataset(seed, last int64, days int) *dataset {
	d := &dataset{seed: seed, first: last - int64(days) + 1, last: last}
	d.userID = strings.ReplaceAll(d.id("user", 0, 0), "-", "")[:12]
	return d
}

// zone is the user's zone on day n: a week in New York every 182 days,
// the last of them five weeks before the end, else Berlin.
func (d *dataset) zone(n int64) *time.Location {
	if k := (d.last - n) % 182; k >= 38 && k < 45 {
		return away
	}
	return home
}

func (d *dataset) rng(kind string, n int64) *rand.Rand {
	h := fnv.New64a()
	fmt.Fprintf(h, "%d/%s/%d", d.seed, kind, n)
	x := h.Sum64()
	return rand.New(rand.NewPCG(x, x^0x9e3779b97f4a7c15))
}

// id is a document's UUID, stable for (kind, day, k).
func (d *dataset) id(kind string, n int64, k int) string {
	s := sha256.Sum256(fmt.Appendf(nil, "%d/%s/%d/%d", d.seed, kind, n, k))
	a, b := binary.BigEndian.Uint64(s[:8]), binary.BigEndian.Uint64(s[8:16])
	return fmt.Sprintf("%08x-%04x-4%03x-%04x-%012x", a>>32, a>>16&0xffff, a&0xfff, 0x8000|b>>48&0x3fff, b&0xffffffffffff)
}

// doc is one document and the time the date filters read (§5).
type doc struct {
	at  time.Time
	obj map[string]any
}

type obj = map[string]any

func between(r *rand.Rand, lo, hi int) int { return lo + r.IntN(hi-lo+1) }
func round1(x float64) float64             { return math.Round(x*10) / 10 }

func (d *dataset) personalInfo() obj {
	return obj{"id": d.userID, "age": 38, "weight": 71.4, "height": 1.76, "biological_sex": "female",
		"email": "demo@example.invalid"}
}

// ringConfiguration: an old ring whose set-up time is the epoch (§6) and
// the current one, set up on the first day of data.
func (d *dataset) ringConfiguration() []doc {
	first := at(d.first, home, 10, 0, 0)
	return []doc{
		{obj: obj{"id": d.id("ring", 0, 0), "color": "glossy_black", "design": "heritage", "firmware_version": "2.8.10",
			"hardware_type": "gen2", "set_up_at": "1970-01-01T00:00:00+00:00", "size": 9}},
		{obj: obj{"id": d.id("ring", 0, 1), "color": "silver", "design": "horizon", "firmware_version": "2.9.27",
			"hardware_type": "gen3", "set_up_at": utcText(first), "size": 9}},
	}
}

// dailyActivity: the day runs 04:00 to 04:00 local (§6); class_5_min has
// a character and met an item per 5 and 1 minutes of it, so DST days have
// 276 or 300 characters (§7.1, §7.2).
func (d *dataset) dailyActivity(n int64) []doc {
	r := d.rng("daily_activity", n)
	loc := d.zone(n)
	start, end := at(n, loc, 4, 0, 0), at(n+1, loc, 4, 0, 0)
	slots := int(end.Sub(start) / (5 * time.Minute))
	class := make([]byte, slots)
	offStart, offLen := between(r, 100, 200), between(r, 0, 36) // a stretch of non-wear
	for i := range class {
		h := start.Add(time.Duration(i) * 5 * time.Minute).In(loc).Hour()
		switch {
		case i >= offStart && i < offStart+offLen:
			class[i] = '0'
		case h < 7 || h >= 23:
			class[i] = '1'
		default:
			class[i] = "2222223334445"[r.IntN(13)]
		}
	}
	met := make([]any, slots*5)
	var steps, high, medium, low, sedentary, resting, nonWear int
	var metSum float64
	var metMin [6]float64
	for i := range met {
		c := class[i/5] - '0'
		x := round1([]float64{0.9, 0.9, 1.3, 2.4, 4.2, 7.5}[c] + r.Float64()*0.4)
		met[i] = x
		metSum += x
		metMin[c] += x
		// Steps per minute of each class: about 10,000 a day over the
		// class mix above.
		steps += []int{0, 0, 1, 8, 22, 60}[c] + r.IntN(3)*int(min(c, 1))
	}
	// Two missing minutes in a row, as recorded (§7.2).
	k := between(r, 300, 1000)
	met[k], met[k+1] = nil, nil
	for _, c := range class {
		switch c {
		case '0':
			nonWear += 300
		case '1':
			resting += 300
		case '2':
			sedentary += 300
		case '3':
			low += 300
		case '4':
			medium += 300
		case '5':
			high += 300
		}
	}
	active := int(metSum-float64(len(met))) + between(r, 0, 50)
	var score any = between(r, 55, 98)
	if r.IntN(10) == 0 {
		score = nil
	}
	distance := steps * 3 / 4
	return []doc{{at: start, obj: obj{
		"id": d.id("daily_activity", n, 0), "day": dayText(n), "timestamp": localText(start), "score": score,
		"class_5_min": string(class),
		"met":         obj{"interval": 60.0, "items": met, "timestamp": sampleText(start)},
		"steps":       steps, "active_calories": active, "total_calories": active + 1650, "target_calories": 550,
		"equivalent_walking_distance": distance, "target_meters": 10000, "meters_to_target": 10000 - distance,
		"average_met_minutes":       math.Round(metSum/float64(len(met))*10000) / 10000,
		"high_activity_met_minutes": int(metMin[5]), "medium_activity_met_minutes": int(metMin[4]),
		"low_activity_met_minutes": int(metMin[3]), "sedentary_met_minutes": int(metMin[2]),
		"high_activity_time": high, "medium_activity_time": medium, "low_activity_time": low,
		"sedentary_time": sedentary, "resting_time": resting, "non_wear_time": nonWear,
		"inactivity_alerts": r.IntN(4),
		"contributors": obj{"meet_daily_targets": between(r, 40, 100), "move_every_hour": between(r, 40, 100),
			"recovery_time": between(r, 40, 100), "stay_active": between(r, 40, 100),
			"training_frequency": between(r, 40, 100), "training_volume": between(r, 40, 100)},
	}}}
}

func (d *dataset) midnight(n int64) time.Time { return at(n, d.zone(n), 0, 0, 0) }

func (d *dataset) dailySleep(n int64) []doc {
	r := d.rng("daily_sleep", n)
	t := d.midnight(n)
	return []doc{{at: t, obj: obj{"id": d.id("daily_sleep", n, 0), "day": dayText(n), "timestamp": localText(t),
		"score": between(r, 50, 95),
		"contributors": obj{"deep_sleep": between(r, 40, 100), "efficiency": between(r, 40, 100),
			"latency": between(r, 40, 100), "rem_sleep": between(r, 40, 100), "restfulness": between(r, 40, 100),
			"timing": between(r, 40, 100), "total_sleep": between(r, 40, 100)},
	}}}
}

func (d *dataset) dailyReadiness(n int64) []doc {
	r := d.rng("daily_readiness", n)
	t := d.midnight(n)
	var hrv any = between(r, 40, 100)
	if n-d.first < 14 {
		hrv = nil // no HRV balance before two weeks of data (§8)
	}
	return []doc{{at: t, obj: obj{"id": d.id("daily_readiness", n, 0), "day": dayText(n), "timestamp": localText(t),
		"score": between(r, 50, 95), "temperature_deviation": float64(between(r, -50, 50)) / 100,
		"temperature_trend_deviation": float64(between(r, -30, 30)) / 100,
		"contributors": obj{"activity_balance": between(r, 40, 100), "body_temperature": between(r, 40, 100),
			"hrv_balance": hrv, "previous_day_activity": between(r, 40, 100), "previous_night": between(r, 40, 100),
			"recovery_index": between(r, 40, 100), "resting_heart_rate": between(r, 40, 100),
			"sleep_balance": between(r, 40, 100), "sleep_regularity": between(r, 40, 100)},
	}}}
}

func (d *dataset) dailySpO2(n int64) []doc {
	r := d.rng("daily_spo2", n)
	var spo2 any = obj{"average": float64(between(r, 95000, 99000)) / 1000}
	if r.IntN(20) == 0 {
		spo2 = nil
	}
	return []doc{{at: d.midnight(n), obj: obj{"id": d.id("daily_spo2", n, 0), "day": dayText(n),
		"spo2_percentage": spo2, "breathing_disturbance_index": between(r, 0, 20)}}}
}

func (d *dataset) dailyStress(n int64) []doc {
	r := d.rng("daily_stress", n)
	var summary any = []string{"restored", "normal", "stressful"}[r.IntN(3)]
	if r.IntN(10) == 0 {
		summary = nil // a day without data (§8)
	}
	return []doc{{at: d.midnight(n), obj: obj{"id": d.id("daily_stress", n, 0), "day": dayText(n),
		"stress_high": between(r, 0, 120) * 60, "recovery_high": between(r, 0, 180) * 60, "day_summary": summary}}}
}

func (d *dataset) dailyResilience(n int64) []doc {
	r := d.rng("daily_resilience", n)
	levels := []string{"limited", "adequate", "solid", "strong", "exceptional"}
	return []doc{{at: d.midnight(n), obj: obj{"id": d.id("daily_resilience", n, 0), "day": dayText(n),
		"level": levels[r.IntN(len(levels))],
		"contributors": obj{"sleep_recovery": round1(r.Float64() * 100), "daytime_recovery": round1(r.Float64() * 100),
			"stress": round1(r.Float64() * 100)}}}}
}

// dailyCardiovascularAge has no id, as recorded (§8).
func (d *dataset) dailyCardiovascularAge(n int64) []doc {
	r := d.rng("daily_cardiovascular_age", n)
	return []doc{{at: d.midnight(n), obj: obj{"day": dayText(n), "vascular_age": between(r, 36, 44)}}}
}

// vO2Max is weekly.
func (d *dataset) vO2Max(n int64) []doc {
	if n%7 != 0 {
		return nil
	}
	r := d.rng("vO2_max", n)
	t := at(n, d.zone(n), 9, 30, 0)
	return []doc{{at: t, obj: obj{"id": d.id("vO2_max", n, 0), "day": dayText(n), "timestamp": localText(t),
		"vo2_max": between(r, 38, 46)}}}
}

// seriesLengths are §7.4's rule: S between the 30-second floors of the
// bedtimes, S/30 movements, ceil(S/300) phases, round(S/300) samples.
func seriesLengths(start, end time.Time) (movements, phases, samples int) {
	s := end.Unix()/30*30 - start.Unix()/30*30
	return int(s / 30), int((s + 299) / 300), int(math.Round(float64(s) / 300))
}

// sleep: the night's long sleep, from the evening before, with every
// series of §7; on some days a short nap without heart rate whose lowest
// heart rate is the 255 sentinel (§8).
func (d *dataset) sleep(n int64) []doc {
	r := d.rng("sleep", n)
	loc := d.zone(n - 1)
	start := at(n-1, loc, 22, 30, 0).Add(time.Duration(r.IntN(7200)) * time.Second)
	end := start.Add(time.Duration(between(r, 6*3600, 8*3600+1800)) * time.Second)
	docs := []doc{{at: d.midnight(n), obj: d.sleepDoc(r, n, 0, start, end, "long_sleep")}}
	if r.IntN(6) == 0 {
		nl := d.zone(n)
		ns := at(n, nl, 13, 0, 0).Add(time.Duration(r.IntN(3600)) * time.Second)
		ne := ns.Add(time.Duration(between(r, 15*60, 40*60)) * time.Second)
		docs = append(docs, doc{at: d.midnight(n), obj: d.sleepDoc(r, n, 1, ns, ne, "sleep")})
	}
	return docs
}

func (d *dataset) sleepDoc(r *rand.Rand, n int64, period int, start, end time.Time, typ string) obj {
	nm, np, ns := seriesLengths(start, end)
	// A few recorded series were one element longer or shorter than the
	// rule (§7.4): clients must take them.
	if r.IntN(10) == 0 {
		np++
	}
	if r.IntN(10) == 0 {
		nm--
	}
	phases := make([]byte, np)
	for i := range phases {
		switch {
		case i < 2 || i == np-1 || r.IntN(12) == 0:
			phases[i] = '4'
		default:
			phases[i] = "1222233"[(i/6+r.IntN(2))%7]
		}
	}
	moves := make([]byte, nm)
	for i := range moves {
		moves[i] = "1111111223"[r.IntN(10)]
		if phases[i/10] == '4' && r.IntN(2) == 0 {
			moves[i] = '4'
		}
	}
	var deep, light, rem int
	for _, p := range phases {
		switch p {
		case '1':
			deep += 300
		case '2':
			light += 300
		case '3':
			rem += 300
		}
	}
	tib := int(end.Sub(start) / time.Second)
	total := min(deep+light+rem, tib)
	light = total - deep - rem
	o := obj{
		"id": d.id("sleep", n, period), "day": dayText(n), "type": typ, "period": period,
		"bedtime_start": localText(start), "bedtime_end": localText(end.In(start.Location())),
		"time_in_bed": tib, "total_sleep_duration": total, "awake_time": tib - total,
		"deep_sleep_duration": deep, "light_sleep_duration": light, "rem_sleep_duration": rem,
		"latency": between(r, 2, 20) * 60, "efficiency": max(1, total*100/tib),
		"average_breath": float64(between(r, 130, 160)) / 10, "restless_periods": between(r, 50, 300),
		"low_battery_alert": false, "sleep_algorithm_version": "v2",
		"sleep_phase_5_min": string(phases), "movement_30_sec": string(moves),
	}
	if typ != "long_sleep" {
		o["heart_rate"], o["hrv"], o["readiness"] = nil, nil, nil
		o["readiness_score_delta"], o["sleep_score_delta"] = nil, nil
		o["average_heart_rate"], o["average_hrv"], o["lowest_heart_rate"] = float64(between(r, 60, 70)), nil, 255
		return o
	}
	hr, hrv := make([]any, ns), make([]any, ns)
	low, sum, cnt := 255, 0, 0
	for i := range hr {
		if r.IntN(25) == 0 {
			continue // a missing sample stays null (§7.3)
		}
		b := between(r, 50, 68)
		hr[i], hrv[i] = b, between(r, 20, 90)
		low, sum, cnt = min(low, b), sum+b, cnt+1
	}
	o["heart_rate"] = obj{"interval": 300.0, "items": hr, "timestamp": sampleText(start)}
	o["hrv"] = obj{"interval": 300.0, "items": hrv, "timestamp": sampleText(start)}
	o["lowest_heart_rate"], o["average_heart_rate"], o["average_hrv"] = low, float64(sum*10/max(cnt, 1))/10, between(r, 30, 60)
	o["readiness"] = obj{"score": between(r, 50, 95), "temperature_deviation": float64(between(r, -50, 50)) / 100,
		"temperature_trend_deviation": float64(between(r, -30, 30)) / 100,
		"contributors": obj{"activity_balance": between(r, 40, 100), "body_temperature": between(r, 40, 100),
			"hrv_balance": between(r, 40, 100), "previous_day_activity": between(r, 40, 100),
			"previous_night": between(r, 40, 100), "recovery_index": between(r, 40, 100),
			"resting_heart_rate": between(r, 40, 100), "sleep_balance": between(r, 40, 100)}}
	o["readiness_score_delta"], o["sleep_score_delta"] = between(r, -2, 2), between(r, -2, 2)
	return o
}

// sleepTime: recorded days skip some dates (§8).
func (d *dataset) sleepTime(n int64) []doc {
	r := d.rng("sleep_time", n)
	if r.IntN(5) == 0 {
		return nil
	}
	t := d.midnight(n)
	_, off := t.Zone()
	return []doc{{at: t, obj: obj{"id": d.id("sleep_time", n, 0), "day": dayText(n),
		"optimal_bedtime": obj{"day_tz": off, "start_offset": -between(r, 60, 120) * 60, "end_offset": between(r, 0, 60) * 60},
		"recommendation":  []string{"improve_efficiency", "earlier_bedtime", "follow_optimal_bedtime"}[r.IntN(3)],
		"status":          []string{"optimal_found", "not_enough_nights", "only_recommended_found"}[r.IntN(3)],
	}}}
}

// heartrate: UTC samples at irregular steps through the local day (§8).
func (d *dataset) heartrate(n int64) []doc {
	r := d.rng("heartrate", n)
	loc := d.zone(n)
	t, end := at(n, loc, 0, 0, 0), at(n+1, loc, 0, 0, 0)
	var out []doc
	for t = t.Add(time.Duration(r.IntN(300)) * time.Second); t.Before(end); t = t.Add(time.Duration(between(r, 7, 900)) * time.Second) {
		h := t.In(loc).Hour()
		src, bpm := "awake", between(r, 62, 105)
		switch {
		case h < 7:
			src, bpm = "rest", between(r, 48, 62)
		case h == 18 && n%3 == 0:
			src, bpm = "workout", between(r, 110, 165)
		}
		out = append(out, doc{at: t, obj: obj{"bpm": bpm, "source": src, "timestamp": utcText(t)}})
	}
	return out
}

func (d *dataset) workout(n int64) []doc {
	if n%3 != 0 {
		return nil
	}
	r := d.rng("workout", n)
	loc := d.zone(n)
	start := at(n, loc, 18, between(r, 0, 20), between(r, 0, 59))
	end := start.Add(time.Duration(between(r, 25, 70)) * time.Minute)
	act := []string{"walking", "running", "cycling"}[r.IntN(3)]
	return []doc{{at: start, obj: obj{"id": d.id("workout", n, 0), "day": dayText(n), "activity": act,
		"calories": round1(r.Float64()*400 + 100), "distance": r.Float64()*8000 + 1000,
		"start_datetime": localText(start), "end_datetime": localText(end), "intensity": []string{"easy", "moderate", "hard"}[r.IntN(3)],
		"label": nil, "source": []string{"manual", "autodetected", "confirmed"}[r.IntN(3)]}}}
}

// session: a 5-second series that runs past the end (§7.6), starting with
// nulls.
func (d *dataset) session(n int64) []doc {
	if n%5 != 1 {
		return nil
	}
	r := d.rng("session", n)
	start := at(n, d.zone(n), 21, between(r, 0, 50), 0)
	dur := between(r, 8, 15) * 60
	end := start.Add(time.Duration(dur) * time.Second)
	items := dur/5 + 5
	hr, hrv, motion := make([]any, items), make([]any, items), make([]any, items)
	for i := range hr {
		motion[i] = r.IntN(3)
		if i < 3 {
			continue
		}
		hr[i], hrv[i] = between(r, 55, 75), between(r, 20, 80)
	}
	sample := func(items []any) obj { return obj{"interval": 5.0, "items": items, "timestamp": sampleText(start)} }
	return []doc{{at: start, obj: obj{"id": d.id("session", n, 0), "day": dayText(n),
		"start_datetime": localText(start), "end_datetime": localText(end),
		"type":       []string{"breathing", "meditation", "relaxation"}[r.IntN(3)],
		"mood":       []any{"good", "same", "great", nil}[r.IntN(4)],
		"heart_rate": sample(hr), "heart_rate_variability": sample(hrv), "motion_count": sample(motion)}}}
}

func (d *dataset) tag(n int64) []doc {
	// Counted from the end, so that a short history has some.
	if (d.last-n)%20 != 3 {
		return nil
	}
	t := at(n, d.zone(n), 20, 15, 1)
	return []doc{{at: t, obj: obj{"id": d.id("tag", n, 0), "day": dayText(n), "text": "late dinner",
		"timestamp": localText(t), "tags": []string{"tag_generic_late_meal", "tag_generic_alcohol"}}}}
}

func (d *dataset) enhancedTag(n int64) []doc {
	if n%7 != 2 {
		return nil
	}
	r := d.rng("enhanced_tag", n)
	loc := d.zone(n)
	start := at(n, loc, 19, between(r, 0, 59), 0)
	o := obj{"id": d.id("enhanced_tag", n, 0), "tag_type_code": "tag_generic_fasting",
		"start_time": localText(start), "end_time": localText(start.Add(16 * time.Hour)),
		"start_day": dayText(n), "end_day": dayText(civil(start.Add(16 * time.Hour).In(loc))), "comment": "", "custom_name": nil}
	if r.IntN(3) == 0 {
		o["tag_type_code"], o["custom_name"], o["end_time"], o["end_day"] = "custom", "sauna", nil, nil
	}
	return []doc{{at: start, obj: o}}
}

func (d *dataset) restModePeriod(n int64) []doc {
	if (d.last-n)%60 != 10 {
		return nil
	}
	loc := d.zone(n)
	start, end := at(n, loc, 8, 12, 0), at(n+2, loc, 7, 40, 0)
	return []doc{{at: start, obj: obj{"id": d.id("rest_mode_period", n, 0), "start_day": dayText(n), "end_day": dayText(n + 2),
		"start_time": localText(start), "end_time": localText(end),
		"episodes": []obj{{"tags": []string{"rest_mode_sick"}, "timestamp": localText(start)}}}}}
}
