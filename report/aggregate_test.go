package report

import (
	"math"
	"slices"
	"testing"
	"time"

	"github.com/upexport/upexport/schema"
)

func d(y int, m time.Month, day int) int64 { return schema.DaysFromYMD(y, m, day) }

func TestChooseUnit(t *testing.T) {
	first := d(2015, 1, 1)
	for _, tc := range []struct {
		days int64
		want unit
	}{
		{1, byDay}, {90, byDay}, {400, byDay}, {401, byWeek}, {3 * 366, byWeek}, {3*366 + 1, byMonth}, {3650, byMonth},
	} {
		if got := chooseUnit(first, first+tc.days-1); got != tc.want {
			t.Errorf("%d days: %s, want %s", tc.days, got, tc.want)
		}
	}
}

func TestBuckets(t *testing.T) {
	for _, tc := range []struct {
		name        string
		first, last int64
		u           unit
		want        []bucket
	}{
		{"days", d(2015, 3, 30), d(2015, 4, 1), byDay,
			[]bucket{{d(2015, 3, 30), d(2015, 3, 30)}, {d(2015, 3, 31), d(2015, 3, 31)}, {d(2015, 4, 1), d(2015, 4, 1)}}},
		// 2015-03-04 is a Wednesday: the first week is clipped to start there.
		{"weeks from a Wednesday", d(2015, 3, 4), d(2015, 3, 17), byWeek,
			[]bucket{{d(2015, 3, 4), d(2015, 3, 8)}, {d(2015, 3, 9), d(2015, 3, 15)}, {d(2015, 3, 16), d(2015, 3, 17)}}},
		{"a week from its Monday", d(2015, 3, 9), d(2015, 3, 15), byWeek,
			[]bucket{{d(2015, 3, 9), d(2015, 3, 15)}}},
		{"weeks before 1970", d(1969, 12, 29), d(1970, 1, 5), byWeek,
			[]bucket{{d(1969, 12, 29), d(1970, 1, 4)}, {d(1970, 1, 5), d(1970, 1, 5)}}},
		{"months over a leap February and a new year", d(2015, 12, 15), d(2016, 3, 2), byMonth,
			[]bucket{{d(2015, 12, 15), d(2015, 12, 31)}, {d(2016, 1, 1), d(2016, 1, 31)}, {d(2016, 2, 1), d(2016, 2, 29)}, {d(2016, 3, 1), d(2016, 3, 2)}}},
		{"one day", d(2015, 5, 5), d(2015, 5, 5), byMonth, []bucket{{d(2015, 5, 5), d(2015, 5, 5)}}},
		{"empty", d(2015, 5, 5), d(2015, 5, 4), byDay, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := buckets(tc.first, tc.last, tc.u)
			if !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
			for i, b := range got {
				if index(got, b.First) != i || index(got, b.Last) != i {
					t.Errorf("index of bucket %d's days is not %d", i, i)
				}
			}
			if len(got) > 0 && (index(got, tc.first-1) != -1 || index(got, tc.last+1) != -1) {
				t.Error("index finds a day outside the range")
			}
		})
	}
}

func TestCover(t *testing.T) {
	bs := buckets(d(2015, 3, 4), d(2015, 3, 17), byWeek) // 5, 7 and 2 days
	for _, tc := range []struct {
		name string
		days []int64
		want []float64
	}{
		{"none", nil, []float64{0, 0, 0}},
		{"every day", func() (ds []int64) {
			for x := d(2015, 3, 4); x <= d(2015, 3, 17); x++ {
				ds = append(ds, x)
			}
			return
		}(), []float64{1, 1, 1}},
		{"some", []int64{d(2015, 3, 4), d(2015, 3, 10), d(2015, 3, 11), d(2015, 3, 12), d(2015, 3, 17)}, []float64{0.2, 3.0 / 7, 0.5}},
		{"outside the range", []int64{d(2015, 3, 1), d(2015, 3, 18)}, []float64{0, 0, 0}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := daySet{}
			for _, x := range tc.days {
				s[x] = true
			}
			if got := cover(s, bs); !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestDaySetSpan(t *testing.T) {
	if _, _, ok := (daySet{}).span(); ok {
		t.Error("an empty set has a span")
	}
	f, l, ok := daySet{5: true, -3: true, 9: true}.span()
	if !ok || f != -3 || l != 9 {
		t.Errorf("span %d..%d %v, want -3..9", f, l, ok)
	}
}

func TestPerDay(t *testing.T) {
	nan := math.NaN()
	day1, day2 := float64(d(2015, 1, 1)), float64(d(2015, 1, 2))
	for _, tc := range []struct {
		name    string
		dayType string
		days    []float64
		vals    []float64
		how     combine
		want    map[int64]float64
	}{
		{"dates summed", "date", []float64{day1, day1, day2}, []float64{1, 2, 4}, sum,
			map[int64]float64{d(2015, 1, 1): 3, d(2015, 1, 2): 4}},
		{"dates averaged", "date", []float64{day1, day1, day2}, []float64{1, 2, 4}, mean,
			map[int64]float64{d(2015, 1, 1): 1.5, d(2015, 1, 2): 4}},
		{"nulls left out", "date", []float64{day1, nan, day2}, []float64{nan, 2, 4}, mean,
			map[int64]float64{d(2015, 1, 2): 4}},
		// 23:59:59 and 00:00 the next day, in seconds since the epoch.
		{"timestamps by UTC day", "timestamp", []float64{day1*86400 + 86399, day2 * 86400}, []float64{1, 2}, sum,
			map[int64]float64{d(2015, 1, 1): 1, d(2015, 1, 2): 2}},
		{"timestamps before 1970", "timestamp", []float64{-1}, []float64{7}, sum,
			map[int64]float64{-1: 7}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := perDay(tc.days, tc.dayType, tc.vals, tc.how)
			if len(got) != len(tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			for k, v := range tc.want {
				if got[k] != v {
					t.Errorf("got %v, want %v", got, tc.want)
				}
			}
		})
	}
}

func TestBucketMean(t *testing.T) {
	bs := buckets(d(2016, 1, 30), d(2016, 3, 2), byMonth)
	daily := map[int64]float64{d(2016, 1, 30): 10, d(2016, 1, 31): 20, d(2016, 3, 1): 7, d(2016, 4, 1): 99}
	got := bucketMean(daily, bs)
	if len(got) != 3 || got[0] != 15 || !math.IsNaN(got[1]) || got[2] != 7 {
		t.Errorf("got %v, want [15 NaN 7]", got)
	}
	// Per day, a bucket's mean is the day's value.
	bs = buckets(d(2016, 1, 30), d(2016, 1, 31), byDay)
	if got := bucketMean(daily, bs); !slices.Equal(got, []float64{10, 20}) {
		t.Errorf("per day: got %v, want [10 20]", got)
	}
}

func TestHourGrid(t *testing.T) {
	bs := buckets(d(2015, 3, 9), d(2015, 3, 22), byWeek)
	day := func(y int, m time.Month, dd int) float64 { return float64(d(y, m, dd)) }
	days := []float64{day(2015, 3, 9), day(2015, 3, 9), day(2015, 3, 10), day(2015, 3, 10), day(2015, 3, 10), day(2015, 3, 30)}
	hours := []float64{8, 9, 8, 8, 25, 8}
	steps := []float64{100, 50, 200, 100, 1, 5}
	g := hourGrid(days, "date", hours, steps, bs)
	if len(g) != 2 {
		t.Fatalf("%d columns, want 2", len(g))
	}
	// Week 1 has two days with data: hour 8 is (100 + 300) / 2, hour 9 is
	// 50 / 2, the rest 0; the hour 25 row is dropped and 03-30 is outside.
	if g[0][8] != 200 || g[0][9] != 25 || g[0][0] != 0 {
		t.Errorf("week 1: %v", g[0])
	}
	for h, v := range g[1] {
		if !math.IsNaN(v) {
			t.Errorf("week 2 has no data, but hour %d is %v", h, v)
		}
	}
}
