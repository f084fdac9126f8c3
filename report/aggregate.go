package report

import (
	"cmp"
	"maps"
	"math"
	"slices"
	"time"
)

// unit is the width of one bar or cell of a chart: a day, a week (Monday
// to Sunday) or a calendar month. Long ranges use wider units so ten years
// stay a few hundred shapes per chart.
type unit int

const (
	byDay unit = iota
	byWeek
	byMonth
)

func (u unit) String() string {
	return [...]string{"day", "week", "month"}[u]
}

// Ranges up to these many days are drawn per day, then per week; longer
// ones per month.
const (
	maxDailySpan  = 400
	maxWeeklySpan = 3 * 366
)

// chooseUnit picks the unit for days first to last (inclusive).
func chooseUnit(first, last int64) unit {
	switch span := last - first + 1; {
	case span <= maxDailySpan:
		return byDay
	case span <= maxWeeklySpan:
		return byWeek
	}
	return byMonth
}

// dayTime is the UTC midnight of day number d.
func dayTime(d int64) time.Time { return time.Unix(d*secPerDay, 0).UTC() }

// dayNumber is the day number of t's calendar date.
func dayNumber(t time.Time) int64 {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / secPerDay
}

func dayString(d int64) string { return dayTime(d).Format(time.DateOnly) }

// bucketStart is the first day of the unit holding day d.
func bucketStart(d int64, u unit) int64 {
	switch u {
	case byWeek:
		// 1970-01-01 was a Thursday: day 4 is Monday 1970-01-05.
		return d - mod(d-4, 7)
	case byMonth:
		t := dayTime(d)
		return dayNumber(time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC))
	}
	return d
}

func mod(a, b int64) int64 { return ((a % b) + b) % b }

// nextStart is the first day of the unit after the one starting at s.
func nextStart(s int64, u unit) int64 {
	switch u {
	case byWeek:
		return s + 7
	case byMonth:
		t := dayTime(s)
		return dayNumber(time.Date(t.Year(), t.Month()+1, 1, 0, 0, 0, 0, time.UTC))
	}
	return s + 1
}

// bucket is one bar or cell: days First to Last, inclusive, clipped to the
// report's range.
type bucket struct{ First, Last int64 }

func (b bucket) days() int64 { return b.Last - b.First + 1 }

// buckets divides days first to last into units.
func buckets(first, last int64, u unit) []bucket {
	if last < first {
		return nil
	}
	var bs []bucket
	for s := bucketStart(first, u); s <= last; s = nextStart(s, u) {
		b := bucket{max(s, first), min(nextStart(s, u)-1, last)}
		bs = append(bs, b)
	}
	return bs
}

// index returns the bucket holding day d, or -1.
func index(bs []bucket, d int64) int {
	lo, hi := 0, len(bs)
	for lo < hi {
		m := (lo + hi) / 2
		switch {
		case d < bs[m].First:
			hi = m
		case d > bs[m].Last:
			lo = m + 1
		default:
			return m
		}
	}
	return -1
}

// daySet is the set of days a table has rows on.
type daySet map[int64]bool

// span returns the first and last day of s; ok is false when s is empty.
func (s daySet) span() (first, last int64, ok bool) {
	for d := range s {
		if !ok || d < first {
			first = d
		}
		if !ok || d > last {
			last = d
		}
		ok = true
	}
	return first, last, ok
}

// cover is, per bucket, the fraction of its days that have rows.
func cover(s daySet, bs []bucket) []float64 {
	out := make([]float64, len(bs))
	for d := range s {
		if i := index(bs, d); i >= 0 {
			out[i]++
		}
	}
	for i, b := range bs {
		out[i] /= float64(b.days())
	}
	return out
}

// combine says how rows of one day make that day's value.
type combine int

const (
	sum  combine = iota // steps, sleep: a day's rows add up
	mean                // heart rate, weight: a day's readings average
)

// perDay folds values into one per day; rows with a null day or value
// are left out.
func perDay(dayCol []float64, dayType string, vals []float64, how combine) map[int64]float64 {
	total := map[int64]float64{}
	n := map[int64]int{}
	for i, v := range vals {
		d, ok := day(dayType, dayCol[i])
		if !ok || math.IsNaN(v) {
			continue
		}
		total[d] += v
		n[d]++
	}
	if how == mean {
		for d := range total {
			total[d] /= float64(n[d])
		}
	}
	return total
}

// bucketMean is, per bucket, the mean of the daily values of the days that
// have one, or NaN for a bucket without any. Per day it is the day's value.
func bucketMean(daily map[int64]float64, bs []bucket) []float64 {
	total := make([]float64, len(bs))
	n := make([]int, len(bs))
	// Sorted, so sums come out the same to the last bit every time: the same
	// export makes the same report.
	for _, d := range slices.Sorted(maps.Keys(daily)) {
		if i := index(bs, d); i >= 0 {
			total[i] += daily[d]
			n[i]++
		}
	}
	for i := range total {
		if n[i] == 0 {
			total[i] = math.NaN()
		} else {
			total[i] /= float64(n[i])
		}
	}
	return total
}

// hourGrid is, per bucket and hour of the day (0-23), the mean over the
// bucket's days with data of the hour's total; NaN where a bucket has no
// data at all.
func hourGrid(dayCol []float64, dayType string, hours, vals []float64, bs []bucket) [][24]float64 {
	type key struct {
		day  int64
		hour int
	}
	cells := map[key]float64{}
	days := map[int64]bool{}
	for i, v := range vals {
		d, ok := day(dayType, dayCol[i])
		h := hours[i]
		if !ok || math.IsNaN(v) || math.IsNaN(h) || h < 0 || h > 23 {
			continue
		}
		cells[key{d, int(h)}] += v
		days[d] = true
	}
	grid := make([][24]float64, len(bs))
	n := make([]int, len(bs))
	for d := range days {
		if i := index(bs, d); i >= 0 {
			n[i]++
		}
	}
	keys := slices.SortedFunc(maps.Keys(cells), func(a, b key) int {
		return cmp.Or(cmp.Compare(a.day, b.day), cmp.Compare(a.hour, b.hour))
	})
	for _, k := range keys {
		if i := index(bs, k.day); i >= 0 {
			grid[i][k.hour] += cells[k]
		}
	}
	for i := range grid {
		for h := range grid[i] {
			if n[i] == 0 {
				grid[i][h] = math.NaN()
			} else {
				grid[i][h] /= float64(n[i])
			}
		}
	}
	return grid
}
