package withingsserver

import (
	"math"
	"strconv"
	"time"
)

// activityDay is one element of getactivity's activities.
type activityDay struct {
	date     string
	day      time.Time
	zone     string
	modified int64
	watch    bool // tracked by the watch (brand 1, hr keys), else by the phone

	steps                   int
	distance, elevation     float64
	soft, moderate, intense int
	calories, totalCalories float64
	hrAverage, hrMin, hrMax int
	hrZones                 [4]int
	deviceID                string
}

// The phone step counter the recorded activities came from.
const (
	phoneModel   = "GoogleFit tracker"
	phoneModelID = 1055
)

func (u *userData) genActivity() {
	rng := u.rng(2)
	u.eachDay(func(day time.Time) {
		z, away := u.zoneOn(day)
		a := &activityDay{date: day.Format(time.DateOnly), day: day, zone: z.name, watch: u.worn(day)}
		base := 7000.0
		if away {
			base = 11000 // sightseeing
		}
		if wd := day.Weekday(); wd == time.Saturday || wd == time.Sunday {
			base *= 1.2
		}
		a.steps = max(200, int(base+2500*rng.NormFloat64()))
		a.distance = round(float64(a.steps)*(0.72+0.06*rng.Float64()), 3)
		a.elevation = float64(rng.IntN(int(4 + float64(a.steps)/1500)))
		a.soft = a.steps/3 + rng.IntN(1800)
		a.moderate = a.steps/12 + rng.IntN(600)
		if rng.IntN(3) == 0 {
			a.intense = 300 + rng.IntN(2400)
		}
		a.calories = round(float64(a.steps)*0.045+float64(a.intense)*0.18+rng.Float64()*20, 3)
		a.totalCalories = round(a.calories+1850+120*float64(u.idx%3)+rng.Float64()*50, 3)
		if a.watch {
			a.deviceID = u.devices[roleWatch].DeviceID
			a.hrMin = 48 + rng.IntN(10)
			a.hrMax = 115 + rng.IntN(50)
			a.hrAverage = 66 + rng.IntN(14)
			a.hrZones = [4]int{20000 + rng.IntN(20000), 1200 + rng.IntN(3000), rng.IntN(1500), rng.IntN(400)}
		}
		// Synced the next morning, now and then days later.
		end := at(day.AddDate(0, 0, 1), z, 0)
		a.modified = end + int64(6*3600+rng.IntN(6*3600))
		if rng.IntN(15) == 0 {
			a.modified += int64(86400 * (1 + rng.IntN(5)))
		}
		a.modified = min(a.modified, u.endInstant)
		u.days = append(u.days, a)
	})
}

// fields renders the day, keeping the data fields p asks for. The hr keys
// exist only on watch days, as in the recording where they are present on
// one day and absent on the next.
func (a *activityDay) fields(p params) map[string]any {
	m := map[string]any{
		"date": a.date, "timezone": a.zone, "modified": a.modified,
		"deviceid": nil, "hash_deviceid": nil,
		"brand": 18, "is_tracker": false, "model": phoneModel, "modelid": phoneModelID,
	}
	if a.watch {
		m["deviceid"], m["hash_deviceid"] = a.deviceID, a.deviceID
		m["brand"], m["is_tracker"], m["model"], m["modelid"] = 1, true, "Move ECG", 91
	}
	put := func(k string, v any) {
		if p.wants(k) {
			m[k] = v
		}
	}
	put("steps", a.steps)
	put("distance", a.distance)
	put("elevation", a.elevation)
	put("soft", a.soft)
	put("moderate", a.moderate)
	put("intense", a.intense)
	put("active", a.moderate+a.intense)
	put("calories", a.calories)
	put("totalcalories", a.totalCalories)
	if a.watch {
		put("hr_average", a.hrAverage)
		put("hr_min", a.hrMin)
		put("hr_max", a.hrMax)
		for i, z := range a.hrZones {
			put("hr_zone_"+strconv.Itoa(i), z)
		}
	}
	return m
}

// workout is one element of getworkouts' series.
type workout struct {
	id         int64
	category   int
	zone       string
	model      int
	attrib     int
	start, end int64
	date       string
	modified   int64
	deviceID   *string
	data       map[string]any
}

// Workout categories the generator uses.
var workoutKinds = []struct {
	category int
	name     string
	minutes  int
}{{1, "walk", 50}, {2, "run", 40}, {6, "bicycling", 70}, {7, "swimming", 45}, {28, "yoga", 60}}

func (u *userData) genWorkouts() {
	rng := u.rng(3)
	id := int64(3_600_000_000) + int64(u.idx)*10_000_000
	u.eachDay(func(day time.Time) {
		watch := u.worn(day)
		if !(watch && rng.IntN(7) < 2 || !watch && rng.IntN(7) == 0) {
			return
		}
		z, _ := u.zoneOn(day)
		k := workoutKinds[rng.IntN(len(workoutKinds))]
		start := at(day, z, 17*3600+rng.IntN(3*3600))
		dur := int64(60 * (k.minutes/2 + rng.IntN(k.minutes)))
		id += int64(1 + rng.IntN(5000))
		w := &workout{id: id, category: k.category, zone: z.name, model: phoneModelID, attrib: 0,
			start: start, end: start + dur, date: day.Format(time.DateOnly)}
		if rng.IntN(10) == 0 {
			w.attrib = 7 // confirmed by the user
		}
		data := map[string]any{
			"calories":            int(float64(dur) / 60 * (4 + 6*rng.Float64())),
			"intensity":           0,
			"manual_distance":     0,
			"manual_calories":     0,
			"pause_duration":      0,
			"algo_pause_duration": nil,
		}
		if rng.IntN(5) == 0 {
			data["intensity"] = 30 + rng.IntN(60)
		}
		if watch {
			w.model, w.deviceID = 91, ptr(u.devices[roleWatch].DeviceID)
			data["hr_average"] = 110 + rng.IntN(40)
			data["hr_min"] = 75 + rng.IntN(20)
			data["hr_max"] = 150 + rng.IntN(35)
			for i := range 4 {
				data["hr_zone_"+strconv.Itoa(i)] = int(dur) / 4
			}
			data["spo2_average"] = nil
		}
		if k.category == 7 {
			laps := int(dur / 90)
			data["pool_laps"], data["strokes"], data["pool_length"] = laps, laps*18, 25
			data["algo_pause_duration"] = rng.IntN(300)
		} else if k.category != 28 {
			steps := int(float64(dur) * (1.2 + 1.5*rng.Float64()))
			data["steps"], data["distance"], data["elevation"] = steps, int(float64(steps)*0.8), rng.IntN(12)
		}
		w.data = data
		w.modified = min(w.end+int64(600+rng.IntN(20000)), u.endInstant)
		u.workouts = append(u.workouts, w)
	})
}

func (w *workout) fields(p params) map[string]any {
	data := map[string]any{}
	for k, v := range w.data {
		if p.wants(k) {
			data[k] = v
		}
	}
	var dev any
	if w.deviceID != nil {
		dev = *w.deviceID
	}
	return map[string]any{
		"id": w.id, "category": w.category, "timezone": w.zone, "model": w.model, "attrib": w.attrib,
		"startdate": w.start, "enddate": w.end, "date": w.date, "deviceid": dev, "data": data,
		"modified": w.modified,
	}
}

// intraday returns getintradayactivity's series for [start, end): entries
// keyed by epoch-second strings, made on demand from the user's hash. Steps
// come in one-minute entries while awake, heart rate every ten minutes, on
// the days the watch was worn.
func (u *userData) intraday(start, end int64, p params) map[string]map[string]any {
	series := map[string]map[string]any{}
	watch := u.devices[roleWatch]
	first := (start + 59) / 60 * 60
	for t := first; t < end && t <= u.endInstant; t += 60 {
		day := civil(t, u.home)
		if !u.worn(day) {
			continue
		}
		z, _ := u.zoneOn(day)
		hour := time.Unix(t, 0).In(z.loc).Hour()
		h := u.hash(21, t)
		e := map[string]any{}
		if hour >= 7 && hour < 23 && unit(h) < 0.3 {
			steps := 20 + int(h>>40)%110
			put(e, p, "steps", steps)
			put(e, p, "distance", round(float64(steps)*0.74, 2))
			put(e, p, "calories", round(float64(steps)*0.04, 3))
			put(e, p, "elevation", float64(int(h>>20)%4/3))
			put(e, p, "duration", 60)
		}
		if t%600 == 0 {
			put(e, p, "heart_rate", u.heartRate(t, hour))
		}
		if len(e) == 0 {
			continue
		}
		e["deviceid"], e["model"], e["model_id"] = watch.DeviceID, watch.Model, watch.ModelID
		series[strconv.FormatInt(t, 10)] = e
	}
	return series
}

func put(m map[string]any, p params, k string, v any) {
	if p.wants(k) {
		m[k] = v
	}
}

// heartRate is the daytime heart rate at t, a pure function of the user.
func (u *userData) heartRate(t int64, hour int) int {
	base := 70.0
	if hour < 7 || hour >= 23 {
		base = 56
	}
	return int(math.Round(base + 8*math.Sin(float64(t)/5400) + 6*unit(u.hash(22, t))))
}
