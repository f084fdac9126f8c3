package fitbitserver

import (
	"math"
	"strconv"
	"time"
)

// The nightly series (§7 SpO2, HRV, breathing rate, skin temperature)
// come from the main sleep that ended on the day, and only from a stage
// log: a classic night has too little heart-rate signal for them.

// spo2Minute is one SpO2 value: a five-minute moving average reported
// every minute at the night's own second (spo2_intraday_date.json).
type spo2Minute struct {
	t     time.Time
	value float64
}

func (d *dataset) spo2(n int64) []spo2Minute {
	l, ok := d.mainStages(n)
	if !ok {
		return nil
	}
	r := d.rng("spo2", n)
	sec := time.Duration(between(r, 1, 59)) * time.Second
	base := 95.6 + r.NormFloat64()*0.5
	var out []spo2Minute
	v := base
	// Values start once the five-minute window is full.
	for t := l.span.from.Add(5*time.Minute + sec); t.Before(l.span.to); t = t.Add(time.Minute) {
		v += (base-v)*0.2 + r.NormFloat64()*0.6
		out = append(out, spo2Minute{t, round1(max(88, min(100, v)))})
	}
	return out
}

func spo2Summary(ms []spo2Minute) obj {
	lo, hi, sum := 100.0, 0.0, 0.0
	for _, m := range ms {
		lo, hi, sum = min(lo, m.value), max(hi, m.value), sum+m.value
	}
	return obj{"avg": round1(sum / float64(len(ms))), "min": lo, "max": hi}
}

// hrvMinute is one five-minute HRV value (hrv_intraday.json).
type hrvMinute struct {
	t                       time.Time
	rmssd, coverage, hf, lf float64
	deep                    bool
}

func (d *dataset) hrv(n int64) []hrvMinute {
	l, ok := d.mainStages(n)
	if !ok {
		return nil
	}
	r := d.rng("hrv", n)
	base := 38 + 6*math.Sin(2*math.Pi*float64(n)/45+d.phase("hrv")) + r.NormFloat64()*3
	// On the five-minute grid of the wall clock, from the first full
	// five minutes of the night.
	t := l.span.from.Truncate(5 * time.Minute).Add(5 * time.Minute)
	var out []hrvMinute
	for ; !t.After(l.span.to); t = t.Add(5 * time.Minute) {
		deep := levelAt(l.data, t) == "deep"
		v := base + r.NormFloat64()*5
		if deep {
			v += 7
		}
		out = append(out, hrvMinute{t: t, rmssd: round3(max(8, v)), coverage: round3(0.85 + r.Float64()*0.149),
			hf: round1(150 + r.Float64()*250), lf: round1(400 + r.Float64()*400), deep: deep})
	}
	return out
}

func levelAt(data []segment, t time.Time) string {
	for _, s := range data {
		if !t.Before(s.from) && t.Before(s.from.Add(time.Duration(s.secs)*time.Second)) {
			return s.level
		}
	}
	return ""
}

func hrvSummary(ms []hrvMinute) obj {
	var all, deep float64
	nd := 0
	for _, m := range ms {
		all += m.rmssd
		if m.deep {
			deep += m.rmssd
			nd++
		}
	}
	v := obj{"dailyRmssd": round3(all / float64(len(ms)))}
	if nd > 0 {
		v["deepRmssd"] = round3(deep / float64(nd))
	} else {
		v["deepRmssd"] = v["dailyRmssd"]
	}
	return v
}

// breathing is a night's breathing rates per stage; -1 means no value
// (br_intraday.json).
type breathing struct{ full, deep, light, rem float64 }

func (d *dataset) breathing(n int64) (breathing, bool) {
	if _, ok := d.mainStages(n); !ok {
		return breathing{}, false
	}
	r := d.rng("br", n)
	full := 15 + r.NormFloat64()*0.6
	b := breathing{full: round1(full), deep: round1(full - 0.6 + r.NormFloat64()*0.2),
		light: round1(full + 0.2 + r.NormFloat64()*0.2), rem: round1(full + 0.5 + r.NormFloat64()*0.3)}
	if r.IntN(5) == 0 {
		b.rem = -1
	}
	return b, true
}

// skinTemp is the night's skin temperature relative to the personal
// baseline in °C (temp_skin.json): a monthly cycle and noise.
func (d *dataset) skinTemp(n int64) (float64, bool) {
	if _, ok := d.mainStages(n); !ok {
		return 0, false
	}
	r := d.rng("temp", n)
	return round1(0.35*math.Sin(2*math.Pi*float64(n)/28+d.phase("temp")) + r.NormFloat64()*0.2), true
}

// vo2Max is the day's cardio fitness score: a range on most days, a
// single value on a day with a run (cardioscore.json).
func (d *dataset) vo2Max(n int64) (string, bool) {
	if !d.has(n) || d.offDay(n) {
		return "", false
	}
	v := 42 + 1.5*math.Sin(2*math.Pi*float64(n)/180+d.phase("vo2")) + d.rng("vo2", n).NormFloat64()*0.3
	for _, b := range d.bouts(n) {
		if b.run {
			return strconv.FormatFloat(round1(v), 'f', 1, 64), true
		}
	}
	lo := int(math.Round(v)) - 2
	return strconv.Itoa(lo) + "-" + strconv.Itoa(lo+4), true
}

// weighIn is one weight log: a scale measurement with body fat in the
// morning, or a value typed in without a time (23:59:59, §7).
type weighIn struct {
	id     int64
	t      time.Time
	kg     float64
	fat    float64 // percent; 0 without
	source string
}

func (d *dataset) weighIns(n int64) []weighIn {
	if !d.has(n) {
		return nil
	}
	r := d.rng("weight", n)
	// A slow yearly rhythm, a few months' drift and the day's noise.
	x := float64(n)
	kg := 63.6 + 1.1*math.Sin(2*math.Pi*x/365.25+d.phase("wy")) + 0.7*math.Sin(2*math.Pi*x/97+d.phase("wq")) +
		r.NormFloat64()*0.25
	var out []weighIn
	if p := r.IntN(100); p < 55 && !d.offDay(n) {
		t := d.night(n).to.Add(time.Duration(between(r, 5, 40))*time.Minute + time.Duration(r.IntN(60))*time.Second)
		fat := 27.2 + 0.8*math.Sin(2*math.Pi*x/120+d.phase("fat")) + r.NormFloat64()*0.4
		out = append(out, weighIn{id: t.UnixMilli(), t: t, kg: round1(kg), fat: round1(fat), source: "Aria"})
	}
	if r.IntN(100) < 5 {
		t := at(n, 23, 59, 59)
		out = append(out, weighIn{id: t.UnixMilli(), t: t, kg: round1(kg + 0.3), source: "API"})
	}
	return out
}
