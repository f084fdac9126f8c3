package upserver

import (
	"time"
)

// activity is a day's minute-by-minute step record, from which the move,
// its hourly totals, its ticks and the workouts are all derived, so their
// sums agree by construction. It lives only while a request needs it.
type activity struct {
	steps    []uint16 // per minute from dayCtx.start
	workouts []bout
	stride   float64 // metres per step
	kcalStep float64 // kcal per step
}

// bout is a workout: minutes [start, start+length) of the day.
type bout struct {
	start, length int
	subType       int
}

// workoutKinds: sub_type (§6.5), title and typical cadence.
var workoutKinds = []struct {
	subType int
	title   string
	cadence int
}{
	{1, "Walk", 105}, {2, "Run", 160}, {3, "Lift weights", 15}, {4, "Cross train", 70},
	{6, "Yoga", 4}, {13, "Swim", 0}, {14, "Bike", 25}, {15, "Elliptical", 140},
	{23, "Dance", 90}, {24, "Hike", 100}, {29, "Other", 40},
}

// zeroStepDay: the band was not worn. The move exists with 0 steps and
// without hourly_totals, distance, inactive_time and steps_3am.
func zeroStepDay(n int64) bool { return mod(n, 23) == 5 }

// activityOf generates the day's activity.
func (d *dataset) activityOf(c *dayCtx) *activity {
	u := d.user(c.user)
	a := &activity{
		steps:    make([]uint16, c.minutes()),
		stride:   u.height * 0.415,
		kcalStep: u.weight * 0.00053,
	}
	if zeroStepDay(c.n) {
		return a
	}
	r := d.rng(c.user, c.n, "activity")
	L := len(a.steps)
	wake := int(float64(L) * (0.27 + 0.06*r.Float64()))
	bed := int(float64(L) * (0.92 + 0.05*r.Float64()))
	long := L >= 20*60 // no evening workout on short travel days
	// Workouts first, at fixed windows so they never overlap.
	nw := 0
	switch {
	case r.IntN(3) == 0:
	case mod(c.n, 4) == 0 && long:
		nw = 2
	default:
		nw = 1
	}
	for i := range nw {
		k := workoutKinds[r.IntN(len(workoutKinds))]
		var b bout
		if i == 0 {
			b = bout{start: wake + 15 + r.IntN(45), length: 20 + r.IntN(56), subType: k.subType}
		} else {
			b = bout{start: int(float64(L)*0.72) + r.IntN(30), length: 20 + r.IntN(41), subType: k.subType}
		}
		if b.start+b.length >= bed {
			continue
		}
		for m := b.start; m < b.start+b.length; m++ {
			v := k.cadence
			if v > 0 {
				v += r.IntN(v/5+1) - v/10
			}
			a.steps[m] = uint16(max(v, 0))
		}
		a.workouts = append(a.workouts, b)
	}
	// Everyday bouts fill minutes no workout took.
	for range 4 + r.IntN(8) {
		length := 3 + r.IntN(28)
		start := wake + r.IntN(max(bed-wake-length, 1))
		cad := 60 + r.IntN(66)
		for m := start; m < start+length && m < L; m++ {
			if a.steps[m] == 0 && !a.inWorkout(m) {
				a.steps[m] = uint16(cad + r.IntN(cad/5+1) - cad/10)
			}
		}
	}
	// Scattered steps around the house.
	for range 30 + r.IntN(60) {
		m := wake + r.IntN(max(bed-wake, 1))
		if a.steps[m] == 0 && !a.inWorkout(m) {
			a.steps[m] = uint16(3 + r.IntN(28))
		}
	}
	return a
}

func (a *activity) inWorkout(m int) bool {
	for _, b := range a.workouts {
		if m >= b.start && m < b.start+b.length {
			return true
		}
	}
	return false
}

// metres of one minute's steps, whole metres so that sums are exact.
func (a *activity) metres(steps int) int { return int(float64(steps)*a.stride + 0.5) }

func (a *activity) kcal(steps int) float64 { return float64(steps) * a.kcalStep }

// hourKey is the local wall-clock hour "YYYYMMDDHH" of instant t in the
// zone in force (§6.1). On the DST fall-back day two hours share
// a key and their totals are merged; on spring-forward day one is missing.
func hourKey(t int64, z zone) string {
	return time.Unix(t, 0).In(z.loc).Format("2006010215")
}
