package common

import (
	"maps"
	"math"
	"slices"
	"time"

	"github.com/upexport/upexport/schema"
)

const (
	minuteMicros = int64(60_000_000)
	dayMinutes   = 1440
)

// minuteGrid gathers common_intraday's values per UTC minute: a person's
// minute series arrive one source table at a time (steps, then heart rate,
// ...), so a minute's row is complete only at the end. A day holds one
// array of 1,440 sums per column that has values that day (about 14 KB a
// column), which keeps years of minutes in tens of megabytes, not a map
// entry per minute.
type minuteGrid struct {
	table   *schema.Table
	minute  int           // index of the minute column
	metrics []int         // indexes of the value columns
	agg     []aggregation // per metric
	ints    []bool        // per metric: the column is Int64
	days    map[int64]*minuteDay
	// provider and user fill every row's identity columns.
	provider, user value
}

type minuteDay struct {
	sums   [][]float64 // per metric, nil until the day has a value of it
	counts [][]uint16
}

func (g *minuteGrid) init(t *schema.Table) {
	g.table, g.days = t, map[int64]*minuteDay{}
	g.minute = t.ColumnIndex("minute")
	d, _ := decl(Intraday)
	for _, c := range d.columns {
		if c.Name == "minute" {
			continue
		}
		g.metrics = append(g.metrics, t.ColumnIndex(c.Name))
		g.agg = append(g.agg, c.agg)
		g.ints = append(g.ints, c.Type == schema.Int64)
	}
}

// add files r's values under its minute. A row without a minute is left
// out: it has no place in the series.
func (g *minuteGrid) add(r row) {
	at := r[g.minute]
	if !at.valid {
		return
	}
	minute := schema.TimeFromMicros(at.i).Truncate(time.Minute)
	midnight := minute.Truncate(24 * time.Hour) // UTC: Go's zero time is a UTC midnight
	day, slot := midnight.Unix()/86400, int(minute.Sub(midnight)/time.Minute)
	d := g.days[day]
	if d == nil {
		d = &minuteDay{sums: make([][]float64, len(g.metrics)), counts: make([][]uint16, len(g.metrics))}
		g.days[day] = d
	}
	for k, ci := range g.metrics {
		v := r[ci]
		if !v.valid {
			continue
		}
		if d.sums[k] == nil {
			d.sums[k], d.counts[k] = make([]float64, dayMinutes), make([]uint16, dayMinutes)
		}
		f := v.f
		if g.ints[k] {
			f = float64(v.i)
		}
		if d.counts[k][slot] < math.MaxUint16 {
			d.sums[k][slot] += f
			d.counts[k][slot]++
		}
	}
}

// each calls fn with every minute that has a value, in time order, and
// empties the grid.
func (g *minuteGrid) each(fn func(row) error) error {
	r := make(row, len(g.table.Columns)) // reused: fn copies it
	for _, day := range slices.Sorted(maps.Keys(g.days)) {
		d := g.days[day]
		for slot := 0; slot < dayMinutes; slot++ {
			clear(r)
			any := false
			for k, ci := range g.metrics {
				if d.counts[k] == nil || d.counts[k][slot] == 0 {
					continue
				}
				any = true
				s := d.sums[k][slot]
				if g.agg[k] == mean {
					s /= float64(d.counts[k][slot])
				}
				if g.ints[k] {
					r[ci] = value{i: int64(math.Round(s)), valid: true}
				} else {
					r[ci] = value{f: s, valid: true}
				}
			}
			if !any {
				continue
			}
			r[0], r[1] = g.provider, g.user
			r[g.minute] = value{i: (day*dayMinutes + int64(slot)) * minuteMicros, valid: true}
			if err := fn(r); err != nil {
				return err
			}
		}
	}
	g.days = map[int64]*minuteDay{}
	return nil
}

// dayTotals gathers common_daily_activity per day: a provider may spread
// a day's totals over several tables (Fitbit has one per measure), and a
// day is one row. The values the tables give for the same column and day
// are added up.
type dayTotals struct {
	table          *schema.Table
	date           int   // index of the date column
	metrics        []int // indexes of the value columns
	ints           []bool
	days           map[int64]*dayTotal
	provider, user value
}

type dayTotal struct {
	sums []float64
	set  []bool
}

func (d *dayTotals) init(t *schema.Table) {
	d.table, d.days = t, map[int64]*dayTotal{}
	d.date = t.ColumnIndex("date")
	for ci, c := range t.Columns {
		if ci < len(identity) || ci == d.date {
			continue
		}
		d.metrics = append(d.metrics, ci)
		d.ints = append(d.ints, c.Type == schema.Int64)
	}
}

// add adds r's values to its day's; a row without a date is left out.
func (d *dayTotals) add(r row) {
	at := r[d.date]
	if !at.valid {
		return
	}
	t := d.days[at.i]
	if t == nil {
		t = &dayTotal{sums: make([]float64, len(d.metrics)), set: make([]bool, len(d.metrics))}
		d.days[at.i] = t
	}
	for k, ci := range d.metrics {
		if v := r[ci]; v.valid {
			if d.ints[k] {
				t.sums[k] += float64(v.i)
			} else {
				t.sums[k] += v.f
			}
			t.set[k] = true
		}
	}
}

// each calls fn with every day, in date order, and empties the totals.
func (d *dayTotals) each(fn func(row) error) error {
	r := make(row, len(d.table.Columns)) // reused: fn copies it
	for _, day := range slices.Sorted(maps.Keys(d.days)) {
		t := d.days[day]
		clear(r)
		r[0], r[1] = d.provider, d.user
		r[d.date] = value{i: day, valid: true}
		for k, ci := range d.metrics {
			switch {
			case !t.set[k]:
			case d.ints[k]:
				r[ci] = value{i: int64(math.Round(t.sums[k])), valid: true}
			default:
				r[ci] = value{f: t.sums[k], valid: true}
			}
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	d.days = map[int64]*dayTotal{}
	return nil
}
