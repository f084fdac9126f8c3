package fitbitserver

import (
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"strconv"
	"sync"
	"time"
	_ "time/tzdata" // the same zone rules on every machine, so answers are byte-identical
)

// home is the user's zone: the samples' America/Chicago, with two DST
// changes a year.
var home = mustZone("America/Chicago")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(fmt.Sprintf("fitbitserver: zone %s: %v", name, err)) // time/tzdata has it
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

// at is the instant of a local wall-clock time on day n; minutes past 24
// hours run into the next day.
func at(n int64, h, m, s int) time.Time {
	y, mo, d := dayTime(n).Date()
	return time.Date(y, mo, d, h, m, s, 0, home)
}

// The local time forms of §6: without an offset (sleep, SpO2, HRV,
// devices) and with one (activity logs).
func localMillis(t time.Time) string { return t.In(home).Format("2006-01-02T15:04:05.000") }
func localSecs(t time.Time) string   { return t.In(home).Format("2006-01-02T15:04:05") }
func offsetMillis(t time.Time) string {
	return t.In(home).Format("2006-01-02T15:04:05.000-07:00")
}

// dataset is the synthetic account: every value is a pure function of the
// seed and a day number; first and last only say which days have data.
type dataset struct {
	seed        int64
	first, last int64
	userID      string
}

func newDataset(seed, last int64, days int) *dataset {
	d := &dataset{seed: seed, first: last - int64(days) + 1, last: last}
	// encodedId: six characters of Fitbit's alphabet (digits and
	// consonants), as in "7QXK2P".
	const alphabet = "0123456789BCDFGHJKLMNPQRSTVWXYZ"
	x := d.hash("user", 0)
	b := make([]byte, 6)
	for i := range b {
		b[i] = alphabet[x%uint64(len(alphabet))]
		x /= uint64(len(alphabet))
	}
	d.userID = string(b)
	return d
}

func (d *dataset) has(n int64) bool { return n >= d.first && n <= d.last }

// hash is FNV-1a of "seed/kind/n", written without fmt: it runs for
// every value of every day.
func (d *dataset) hash(kind string, n int64) uint64 {
	var buf [64]byte
	b := strconv.AppendInt(buf[:0], d.seed, 10)
	b = append(append(append(b, '/'), kind...), '/')
	b = strconv.AppendInt(b, n, 10)
	h := fnv.New64a()
	h.Write(b)
	return h.Sum64()
}

func (d *dataset) rng(kind string, n int64) *rand.Rand {
	x := d.hash(kind, n)
	return rand.New(rand.NewPCG(x, x^0x9e3779b97f4a7c15))
}

// phase is a seed-dependent phase in [0, 2π) for a slow rhythm.
func (d *dataset) phase(kind string) float64 {
	return float64(d.hash(kind, 0)%6283) / 1000
}

func between(r *rand.Rand, lo, hi int) int { return lo + r.IntN(hi-lo+1) }
func round1(x float64) float64             { return math.Round(x*10) / 10 }
func round2(x float64) float64             { return math.Round(x*100) / 100 }
func round3(x float64) float64             { return math.Round(x*1000) / 1000 }
func round4(x float64) float64             { return math.Round(x*10000) / 10000 }

// weekday is the weekday of day n (1970-01-01 was a Thursday).
func weekday(n int64) time.Weekday { return dayTime(n).Weekday() }

func weekend(n int64) bool { wd := weekday(n); return wd == time.Saturday || wd == time.Sunday }

// The user's body, in metric.
const (
	heightCM      = 168.0
	strideWalkCM  = 69.8
	strideRunCM   = 97.3
	bmrPerDay     = 1546.0 // kcal; the samples' 1.0735 kcal a sedentary minute
	floorMetres   = 3.048  // Fitbit counts a floor as ten feet of climb
	birthYear     = 1987
	birthMonthDay = "05-14"
)

// span is a stretch of time [from, to).
type span struct{ from, to time.Time }

func (s span) has(t time.Time) bool { return !t.Before(s.from) && t.Before(s.to) }
func (s span) overlaps(o span) bool { return s.from.Before(o.to) && o.from.Before(s.to) }

// offDay says the tracker was not worn at all on day n: its activity
// values are "0" and its intraday datasets empty (activities_steps_range.json
// has such a day).
func (d *dataset) offDay(n int64) bool { return d.hash("offday", n)%100 < 3 }

// night is the main sleep that ends on day n (its dateOfSleep). When !worn
// the person slept but the tracker was charging: no log, no minutes.
type night struct {
	span
	worn    bool
	classic bool // too little heart-rate signal: a classic log (infoCode 1)
}

func (d *dataset) night(n int64) night {
	r := d.rng("night", n)
	// Bed on the evening of day n-1: later before a weekend morning.
	bed := 23*60 + int(r.NormFloat64()*25)
	if weekend(n) {
		bed += 40
	}
	bed = max(21*60+30, min(bed, 26*60))
	wake := 6*60 + 35 + int(r.NormFloat64()*20)
	if weekend(n) {
		wake = 7*60 + 50 + int(r.NormFloat64()*35)
	}
	wake = max(5*60+15, min(wake, 10*60))
	nt := night{span: span{at(n-1, bed/60, bed%60, 0), at(n, wake/60, wake%60, 0)}}
	nt.worn = r.IntN(100) >= 4 && !d.offDay(n) && !d.offDay(n-1)
	nt.classic = r.IntN(100) < 6
	return nt
}

// nap is an afternoon nap on day n, logged as classic (infoCode 2).
func (d *dataset) nap(n int64) (span, bool) {
	r := d.rng("nap", n)
	p := 6
	if weekend(n) {
		p = 30
	}
	if r.IntN(100) >= p || d.offDay(n) {
		return span{}, false
	}
	start := between(r, 13*60, 15*60+30)
	length := between(r, 20, 75)
	return span{at(n, start/60, start%60, 0), at(n, (start+length)/60, (start+length)%60, 0)}, true
}

// bout is a walk or a run: the tracker logs it as an auto-detected
// activity and the minutes carry its cadence.
type bout struct {
	span
	run bool
}

func (d *dataset) bouts(n int64) []bout {
	if d.offDay(n) {
		return nil
	}
	r := d.rng("bouts", n)
	wd := weekday(n)
	var out []bout
	add := func(minute, length int, run bool) {
		b := bout{span: span{at(n, minute/60, minute%60, 0), at(n, (minute+length)/60, (minute+length)%60, 0)}, run: run}
		if nap, ok := d.nap(n); ok && nap.overlaps(b.span) {
			return
		}
		for _, o := range out {
			if o.overlaps(b.span) {
				return
			}
		}
		out = append(out, b)
	}
	if !weekend(n) {
		add(8*60+10+int(r.NormFloat64()*12), between(r, 15, 25), false) // to work
		if r.IntN(2) == 0 {
			add(12*60+15+int(r.NormFloat64()*15), between(r, 15, 30), false)
		}
		add(17*60+40+int(r.NormFloat64()*15), between(r, 15, 25), false) // home
	}
	switch {
	case (wd == time.Tuesday || wd == time.Thursday) && r.IntN(10) < 8:
		add(18*60+45+int(r.NormFloat64()*20), between(r, 30, 50), true)
	case wd == time.Saturday && r.IntN(10) < 7:
		add(9*60+30+int(r.NormFloat64()*30), between(r, 40, 70), true)
	case wd == time.Sunday && r.IntN(10) < 6:
		add(14*60+int(r.NormFloat64()*45), between(r, 45, 90), false)
	}
	// Keep them in time order (the switch may add an earlier one).
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].from.Before(out[j-1].from); j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// offWrist are the stretches of day n while the tracker lay aside: after
// the morning shower, and charging on some evenings. Their minutes are
// missing from the intraday datasets (§7: gaps, not zeros).
func (d *dataset) offWrist(n int64) []span {
	r := d.rng("off", n)
	var out []span
	wake := d.night(n).to
	if r.IntN(10) < 7 {
		from := wake.Add(time.Duration(between(r, 15, 40)) * time.Minute)
		out = append(out, span{from, from.Add(time.Duration(between(r, 10, 25)) * time.Minute)})
	}
	if r.IntN(4) == 0 {
		m := between(r, 19*60, 21*60+30)
		from := at(n, m/60, m%60, 0)
		out = append(out, span{from, from.Add(time.Duration(between(r, 45, 100)) * time.Minute)})
	}
	return out
}

// restingHR is the day's resting heart rate: a slow drift and noise.
func (d *dataset) restingHR(n int64) int {
	r := d.rng("rhr", n)
	return int(math.Round(60 + 2.5*math.Sin(2*math.Pi*float64(n)/61+d.phase("rhr")) + r.NormFloat64()))
}

// minutes is the tracker's record of one local day, a minute per entry
// by wall clock (00:00 to 23:59). Built on demand for a request and then
// dropped.
type minutes struct {
	n      int64
	exists [1440]bool  // false for the hour a spring-forward skips
	unix   [1440]int64 // the minute's start
	worn   [1440]bool
	asleep [1440]bool
	run    [1440]bool
	steps  [1440]uint8
	heart  [1440]uint8
	mets   [1440]uint8 // tenths of a MET
	level  [1440]uint8 // 0 sedentary, 1 light, 2 fairly, 3 very active
}

// bmrMinute is the calories of a minute at rest.
const bmrMinute = bmrPerDay / 1440

func (m *minutes) calories(i int) float64 { return round4(bmrMinute * float64(m.mets[i]) / 10) }

// distanceKM is the distance of minute i.
func (m *minutes) distanceKM(i int) float64 {
	stride := strideWalkCM
	if m.run[i] {
		stride = strideRunCM
	}
	return float64(m.steps[i]) * stride / 100000
}

func (d *dataset) minutes(n int64) *minutes {
	m := &minutes{}
	d.fill(m, n)
	return m
}

// minutesPool recycles the minutes of the daily values: a time series of
// three years would otherwise make 30 MB of garbage.
var minutesPool = sync.Pool{New: func() any { return new(minutes) }}

// fill sets m to day n's minutes.
func (d *dataset) fill(m *minutes, n int64) {
	*m = minutes{n: n}
	if !d.has(n) {
		return
	}
	r := d.rng("minutes", n)
	off := d.offDay(n)
	type stretch struct {
		from, to int64 // Unix seconds, [from, to)
		worn     bool  // sleeps: the tracker was on
		run      bool  // bouts
	}
	in := func(ss []stretch, u int64) *stretch {
		for i := range ss {
			if u >= ss[i].from && u < ss[i].to {
				return &ss[i]
			}
		}
		return nil
	}
	var sleeps, bouts, aside []stretch
	for _, nt := range []night{d.night(n), d.night(n + 1)} {
		sleeps = append(sleeps, stretch{from: nt.from.Unix(), to: nt.to.Unix(), worn: nt.worn})
	}
	if nap, ok := d.nap(n); ok {
		sleeps = append(sleeps, stretch{from: nap.from.Unix(), to: nap.to.Unix(), worn: true})
	}
	for _, b := range d.bouts(n) {
		bouts = append(bouts, stretch{from: b.from.Unix(), to: b.to.Unix(), run: b.run})
	}
	for _, a := range d.offWrist(n) {
		aside = append(aside, stretch{from: a.from.Unix(), to: a.to.Unix()})
	}
	rest := float64(d.restingHR(n))
	y, mo, dd := dayTime(n).Date()
	t0 := time.Date(y, mo, dd, 0, 0, 0, 0, home)
	// A day of 24 hours has no DST change: its minutes follow from
	// midnight. The two others a year take the slow way.
	regular := time.Date(y, mo, dd+1, 0, 0, 0, 0, home).Sub(t0) == 24*time.Hour
	for i := range 1440 {
		u := t0.Unix() + int64(i)*60
		if !regular {
			t := time.Date(y, mo, dd, i/60, i%60, 0, 0, home)
			if t.Hour() != i/60 || t.Minute() != i%60 {
				continue // the skipped hour of a spring-forward day
			}
			u = t.Unix()
		}
		m.exists[i] = true
		m.unix[i] = u
		m.mets[i] = 10
		worn, asleep := !off, false
		for _, s := range sleeps {
			if u >= s.from && u < s.to {
				asleep, worn = true, worn && s.worn
			}
		}
		b := in(bouts, u)
		if !asleep && b == nil && in(aside, u) != nil {
			worn = false
		}
		m.asleep[i] = asleep
		if !worn {
			continue
		}
		m.worn[i] = true
		hr := rest + 12 + r.NormFloat64()*4
		h := i / 60
		switch {
		case asleep:
			hr = rest - 4 + r.NormFloat64()*2.5
		case b != nil && b.run:
			m.run[i] = true
			m.steps[i] = uint8(between(r, 150, 176))
			m.level[i], m.mets[i] = 3, uint8(between(r, 85, 115))
			hr = 150 + r.NormFloat64()*7
		case b != nil:
			m.steps[i] = uint8(between(r, 92, 124))
			m.level[i], m.mets[i] = 2, uint8(between(r, 35, 52))
			hr = 102 + r.NormFloat64()*6
		default:
			// The day's rhythm: pottering about, most in working hours,
			// less in the evening, more on weekends around midday.
			p := 0.03
			switch {
			case h >= 9 && h < 18:
				p = 0.18
				if weekend(n) && h >= 10 && h < 16 {
					p = 0.28
				}
			case h >= 7 && h < 22:
				p = 0.12
			}
			if r.Float64() < p {
				s := between(r, 4, 60)
				m.steps[i] = uint8(s)
				m.level[i], m.mets[i] = 1, uint8(20+s/6)
				hr += float64(s) / 3
			} else {
				m.mets[i] = uint8(10 + r.IntN(3))
			}
		}
		m.heart[i] = uint8(max(38, min(195, math.Round(hr))))
	}
}

func inBout(bs []bout, t time.Time) *bout {
	for i := range bs {
		if bs[i].has(t) {
			return &bs[i]
		}
	}
	return nil
}

// daily is one day's activity summary in metric units.
type daily struct {
	steps                                int
	distanceKM                           float64
	caloriesOut, caloriesBMR, activeKcal int
	floors                               int
	elevationM                           float64
	sedentary, light, fairly, very       int
	resting                              int // 0: not enough heart-rate data
	zones                                [4]zone
	worn                                 int // minutes
}

type zone struct {
	name     string
	min, max int
	minutes  int
	calories float64
}

// Heart-rate zones as the samples have them.
var zoneBounds = [4]struct {
	name     string
	min, max int
}{{"Out of Range", 30, 113}, {"Fat Burn", 113, 138}, {"Cardio", 138, 167}, {"Peak", 167, 220}}

func (d *dataset) daily(n int64) daily {
	m := minutesPool.Get().(*minutes)
	defer minutesPool.Put(m)
	d.fill(m, n)
	return d.dailyOf(m)
}

// dailyOf sums the minutes of a day: a local one, or the UTC day of
// utcMinutes.
func (d *dataset) dailyOf(m *minutes) daily {
	var s daily
	for k, z := range zoneBounds {
		s.zones[k] = zone{name: z.name, min: z.min, max: z.max}
	}
	n := m.n
	var cal, active, dist float64
	present := 0
	for i := range 1440 {
		if !m.exists[i] {
			continue
		}
		present++
		c := m.calories(i)
		cal += c
		s.steps += int(m.steps[i])
		dist += m.distanceKM(i)
		switch m.level[i] {
		case 0:
			if !m.asleep[i] {
				s.sedentary++
			}
		case 1:
			s.light++
		case 2:
			s.fairly++
		case 3:
			s.very++
		}
		if m.level[i] > 0 {
			active += c - bmrMinute
		}
		if m.worn[i] {
			s.worn++
			k := 0
			for k < 3 && int(m.heart[i]) >= zoneBounds[k+1].min {
				k++
			}
			s.zones[k].minutes++
			s.zones[k].calories += c
		}
	}
	for k := range s.zones {
		s.zones[k].calories = round1(s.zones[k].calories)
	}
	s.distanceKM = round3(dist)
	s.caloriesOut = int(math.Round(cal))
	s.caloriesBMR = int(math.Round(bmrMinute * float64(present)))
	s.activeKcal = int(math.Round(active))
	if s.steps > 0 {
		r := d.rng("floors", n)
		s.floors = between(r, 2, 9) + 3*len(d.bouts(n))
		s.elevationM = round2(float64(s.floors) * floorMetres)
	}
	if s.worn >= 12*60 {
		s.resting = d.restingHR(n)
	}
	return s
}

// utcMinutes is the UTC day n on the minute, taken from the local days it
// overlaps, for the routes that take timezone=UTC (§1). The second pass
// of a fall-back hour has no minutes, as in the local days.
func (d *dataset) utcMinutes(n int64) *minutes {
	out := &minutes{n: n}
	local := map[int64]*minutes{}
	for i := range 1440 {
		u := n*86400 + int64(i)*60
		t := time.Unix(u, 0).In(home)
		day := civil(t)
		m := local[day]
		if m == nil {
			m = d.minutes(day)
			local[day] = m
		}
		j := t.Hour()*60 + t.Minute()
		if !m.exists[j] || m.unix[j] != u {
			continue
		}
		out.exists[i], out.unix[i], out.worn[i], out.asleep[i], out.run[i] = true, u, m.worn[j], m.asleep[j], m.run[j]
		out.steps[i], out.heart[i], out.mets[i], out.level[i] = m.steps[j], m.heart[j], m.mets[j], m.level[j]
	}
	return out
}
