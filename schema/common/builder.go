package common

import (
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/upexport/upexport/schema"
)

// batchRows is how many rows the Builder gathers before it writes a batch.
const batchRows = 4096

// Builder fills the common tables from the batches of a provider's tables,
// as they are written. Rows of common_daily_activity and common_intraday
// are gathered per day and per minute and written by Close, in time order;
// stage intervals that end where the next one starts wait for Close too.
// Everything else is written as it comes.
type Builder struct {
	provider, user string
	maps           map[string][]Mapping // by source table name
	bound          map[*schema.Table][]*compiled
	tables         map[string]*schema.Table // the common tables, by name
	pending        map[string]*schema.Batch
	write          func(*schema.Batch) error
	minutes        minuteGrid
	days           dayTotals
	open           map[string][]row // stage rows without an end, by session
	sessions       []string         // the keys of open, in first-seen order
	ends           map[string]int64 // a session's end (µs), from common_sleep_sessions
}

// NewBuilder returns a Builder for one person's export from the named
// provider, which writes finished batches of the common tables to write.
func NewBuilder(provider, user string, maps []Mapping, write func(*schema.Batch) error) *Builder {
	b := &Builder{
		provider: provider, user: user, write: write,
		maps:    map[string][]Mapping{},
		bound:   map[*schema.Table][]*compiled{},
		tables:  map[string]*schema.Table{},
		pending: map[string]*schema.Batch{},
		open:    map[string][]row{},
		ends:    map[string]int64{},
	}
	for _, m := range maps {
		b.maps[m.From] = append(b.maps[m.From], m)
	}
	for _, t := range Tables() {
		b.tables[t.Name] = t
	}
	b.minutes.init(b.tables[Intraday])
	b.minutes.provider = value{s: provider, valid: true}
	b.minutes.user = value{s: user, valid: user != ""}
	b.days.init(b.tables[DailyActivity])
	b.days.provider, b.days.user = b.minutes.provider, b.minutes.user
	return b
}

// Tables returns the common tables the Builder writes, which the sink must
// declare.
func (b *Builder) Tables() []*schema.Table {
	out := make([]*schema.Table, 0, len(b.tables))
	for _, name := range Names() {
		out = append(out, b.tables[name])
	}
	return out
}

// Observe reads the rows of one batch of a provider table. It keeps no
// reference to the batch.
func (b *Builder) Observe(batch *schema.Batch) error {
	ms, ok := b.bound[batch.Table]
	if !ok {
		for _, m := range b.maps[batch.Table.Name] {
			c, err := compile(m, batch.Table)
			if err != nil {
				return err
			}
			c.target = b.tables[m.To]
			ms = append(ms, c)
		}
		b.bound[batch.Table] = ms
	}
	for _, m := range ms {
		for i := 0; i < batch.Len; i++ {
			r, keep := b.convert(m, batch, i)
			if !keep {
				continue
			}
			if err := b.add(m.To, r); err != nil {
				return err
			}
		}
	}
	return nil
}

// value is one cell of a common row; the column's type says which field
// holds it.
type value struct {
	i     int64
	f     float64
	s     string
	b     bool
	valid bool
}

type row []value

// convert makes row i of batch a row of m's common table; keep is false
// when the mapping leaves the row out.
func (b *Builder) convert(m *compiled, batch *schema.Batch, i int) (row, bool) {
	for _, w := range m.where {
		if !batch.Cols[w.src].Valid[i] || text(batch, w.src, i) != w.want {
			return nil, false
		}
	}
	for _, w := range m.except {
		if batch.Cols[w.src].Valid[i] && text(batch, w.src, i) == w.want {
			return nil, false
		}
	}
	// One row per mapping is reused: add copies what it keeps.
	if m.scratch == nil {
		m.scratch = make(row, len(m.target.Columns))
	}
	r := m.scratch
	clear(r)
	r[0] = value{s: b.provider, valid: true}
	r[1] = value{s: b.user, valid: b.user != ""}
	for _, c := range m.cols {
		tt := m.target.Columns[c.target].Type
		if c.Const != "" {
			r[c.target], _ = parseConst(c.Const, tt)
			continue
		}
		v, keep := c.read(batch, i, tt)
		if !keep {
			return nil, false
		}
		r[c.target] = v
		if c.stages {
			if si := m.target.ColumnIndex("source_stage"); si >= 0 && !r[si].valid {
				r[si] = value{s: text(batch, c.src[0], i), valid: batch.Cols[c.src[0]].Valid[i]}
			}
		}
	}
	for _, ti := range m.require {
		if !r[ti].valid {
			return nil, false
		}
	}
	if len(m.any) > 0 && !slices.ContainsFunc(m.any, func(ti int) bool { return r[ti].valid }) {
		return nil, false
	}
	return r, true
}

// read gives the column's value for row i, converted to type tt; keep is
// false for a stage the translation does not list.
func (c *compiledColumn) read(batch *schema.Batch, i int, tt schema.Type) (v value, keep bool) {
	first := c.src[0]
	switch {
	case c.Stages != nil:
		if !batch.Cols[first].Valid[i] {
			return value{}, false
		}
		st, ok := c.Stages[text(batch, first, i)]
		return value{s: st, valid: true}, ok
	case c.Equals != "":
		if !batch.Cols[first].Valid[i] {
			return value{}, true
		}
		return value{b: text(batch, first, i) == c.Equals, valid: true}, true
	case tt == schema.Int64 || tt == schema.Float64:
		var total float64
		any := false
		for _, si := range c.src {
			if f, ok := number(batch, si, i); ok {
				total += f
				any = true
			}
		}
		if !any {
			return value{}, true
		}
		if c.Scale != 0 {
			total *= c.Scale
		}
		if tt == schema.Int64 {
			return value{i: int64(math.Round(total)), valid: true}, true
		}
		return value{f: total, valid: true}, true
	case tt == schema.String:
		if !batch.Cols[first].Valid[i] {
			return value{}, true
		}
		return value{s: text(batch, first, i), valid: true}, true
	default: // the same type: timestamp, date or bool
		vec := &batch.Cols[first]
		if !vec.Valid[i] {
			return value{}, true
		}
		if tt == schema.Bool {
			return value{b: vec.Bools[i], valid: true}, true
		}
		return value{i: vec.Ints[i], valid: true}, true
	}
}

// number reads a numeric source cell.
func number(batch *schema.Batch, col, i int) (float64, bool) {
	vec := &batch.Cols[col]
	if !vec.Valid[i] {
		return 0, false
	}
	if batch.Table.Columns[col].Type == schema.Float64 {
		return vec.Floats[i], true
	}
	return float64(vec.Ints[i]), true
}

// text reads a source cell as text: stage codes and ids may be numbers.
func text(batch *schema.Batch, col, i int) string {
	vec := &batch.Cols[col]
	if !vec.Valid[i] {
		return ""
	}
	switch batch.Table.Columns[col].Type {
	case schema.String:
		return vec.Strs[i]
	case schema.Float64:
		return strconv.FormatFloat(vec.Floats[i], 'g', -1, 64)
	case schema.Bool:
		return strconv.FormatBool(vec.Bools[i])
	default:
		return strconv.FormatInt(vec.Ints[i], 10)
	}
}

// parseConst reads a Const in the type of its column.
func parseConst(s string, t schema.Type) (value, error) {
	switch t {
	case schema.String:
		return value{s: s, valid: true}, nil
	case schema.Bool:
		b, err := strconv.ParseBool(s)
		return value{b: b, valid: true}, err
	case schema.Int64:
		n, err := strconv.ParseInt(s, 10, 64)
		return value{i: n, valid: true}, err
	case schema.Float64:
		f, err := strconv.ParseFloat(s, 64)
		return value{f: f, valid: true}, err
	}
	return value{}, fmt.Errorf("a constant cannot fill a %s column", t)
}

// add routes a finished common row.
func (b *Builder) add(table string, r row) error {
	t := b.tables[table]
	switch table {
	case Intraday:
		b.minutes.add(r)
		return nil
	case DailyActivity:
		b.days.add(r)
		return nil
	case SleepSessions:
		id, end := r[t.ColumnIndex("session_id")], r[t.ColumnIndex("end_time")]
		if id.valid && end.valid {
			b.ends[id.s] = end.i
		}
	case SleepStages:
		if end := r[t.ColumnIndex("end_time")]; end.valid && end.i <= r[t.ColumnIndex("start_time")].i {
			return nil // no interval: a phase past the session's end, or reversed times
		}
		if !r[t.ColumnIndex("end_time")].valid {
			id := r[t.ColumnIndex("session_id")]
			if _, seen := b.open[id.s]; !seen {
				b.sessions = append(b.sessions, id.s)
			}
			b.open[id.s] = append(b.open[id.s], slices.Clone(r))
			return nil
		}
	}
	return b.append(t, r)
}

// append adds r to its table's pending batch, writing the batch when full.
func (b *Builder) append(t *schema.Table, r row) error {
	batch := b.pending[t.Name]
	if batch == nil {
		batch = schema.NewBatch(t, batchRows)
		b.pending[t.Name] = batch
	}
	for ci, c := range t.Columns {
		vec, v := &batch.Cols[ci], r[ci]
		vec.Valid = append(vec.Valid, v.valid)
		switch c.Type {
		case schema.String:
			vec.Strs = append(vec.Strs, v.s)
		case schema.Float64:
			vec.Floats = append(vec.Floats, v.f)
		case schema.Bool:
			vec.Bools = append(vec.Bools, v.b)
		default:
			vec.Ints = append(vec.Ints, v.i)
		}
	}
	batch.Len++
	if batch.Len >= batchRows {
		return b.flush(t.Name)
	}
	return nil
}

func (b *Builder) flush(name string) error {
	batch := b.pending[name]
	if batch == nil || batch.Len == 0 {
		return nil
	}
	if err := b.write(batch); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	batch.Reset()
	return nil
}

// Close writes what waited for the end: the minutes in time order, and
// the stage intervals that end at the next one of their session (the last
// at the session's end, or unknown if no session says). It then writes
// every pending batch.
func (b *Builder) Close() error {
	stages := b.tables[SleepStages]
	start, end := stages.ColumnIndex("start_time"), stages.ColumnIndex("end_time")
	for _, id := range b.sessions {
		rows := b.open[id]
		slices.SortStableFunc(rows, func(x, y row) int { return compareInt(x[start].i, y[start].i) })
		for i, r := range rows {
			switch {
			case i+1 < len(rows):
				if rows[i+1][start].i == r[start].i {
					continue // two changes at one instant: the later holds
				}
				r[end] = value{i: rows[i+1][start].i, valid: true}
			default:
				e, ok := b.ends[id]
				if ok && e == r[start].i {
					continue // a change at the session's end: no interval
				}
				if ok && e > r[start].i {
					r[end] = value{i: e, valid: true}
				}
			}
			if err := b.append(stages, r); err != nil {
				return err
			}
		}
	}
	b.open, b.sessions = map[string][]row{}, nil
	if err := b.days.each(func(r row) error { return b.append(b.tables[DailyActivity], r) }); err != nil {
		return err
	}
	if err := b.minutes.each(func(r row) error { return b.append(b.tables[Intraday], r) }); err != nil {
		return err
	}
	for _, name := range Names() {
		if err := b.flush(name); err != nil {
			return err
		}
	}
	return nil
}

func compareInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
