package schema

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	// fastjson parses one item into a reusable arena of values: after the
	// first items it allocates nothing, numbers and strings stay slices of
	// the input until asked for, and keys can be read in any order, which
	// the flattener needs (xid and tzs may come after what depends on them).
	// encoding/json/jsontext would be the stdlib choice, but in Go 1.26 it
	// still needs GOEXPERIMENT=jsonv2. fastjson is maintained (v1.6.10,
	// 2026) and has no dependencies.
	"github.com/valyala/fastjson"
)

// Options tunes a Flattener or Discoverer.
type Options struct {
	// StrictSchema makes a field that no table declares an error instead
	// of an extra column (discovery) or a warned, counted drop (flatten),
	// and text that is not valid UTF-8 an error instead of a counted
	// repair (each invalid byte replaced by U+FFFD).
	StrictSchema bool
	// Lenient turns a value that contradicts its column's type into a null
	// plus a count in Stats.LenientNulls, instead of an error.
	Lenient bool
	// BatchRows is the number of rows per emitted Batch; 0 means 8192.
	BatchRows int
	// Warn, if set, receives each warning once: an unknown field, an
	// unresolvable time zone, the first lenient null of a column.
	Warn func(msg string)
}

// DefaultBatchRows is the batch size when Options.BatchRows is 0.
const DefaultBatchRows = 8192

// Stats counts what a Flattener did.
type Stats struct {
	Items int64            // raw items flattened
	Rows  map[string]int64 // rows emitted per table
	// LenientNulls counts values nulled under Options.Lenient;
	// LenientByColumn splits the count by "table.column".
	LenientNulls    int64
	LenientByColumn map[string]int64
	// UnknownFields counts values of fields no column takes, by
	// "table path". They are only possible without a discovery pass.
	UnknownFields map[string]int64
	// UnresolvedZones counts zone texts that could not be resolved; their
	// tz_offset is null.
	UnresolvedZones map[string]int64
	// InvalidUTF8 counts, by "table.column", texts that were not valid
	// UTF-8 and were repaired (invalid bytes replaced by U+FFFD).
	InvalidUTF8 map[string]int64
}

// Add adds the counts of o to s, for Flatteners that shared the work.
func (s *Stats) Add(o Stats) {
	s.Items += o.Items
	s.LenientNulls += o.LenientNulls
	for _, m := range []struct{ into, from map[string]int64 }{
		{s.Rows, o.Rows}, {s.LenientByColumn, o.LenientByColumn},
		{s.UnknownFields, o.UnknownFields}, {s.UnresolvedZones, o.UnresolvedZones},
		{s.InvalidUTF8, o.InvalidUTF8},
	} {
		for k, n := range m.from {
			m.into[k] += n
		}
	}
}

// ValueError reports a value that contradicts its column's declared type.
type ValueError struct {
	Table  string // table name
	Column string // column name, or JSON path where no column applies
	XID    string // xid of the item (for child rows, the parent's, plus where)
	Value  string // the JSON value, shortened
	Want   string // what the column accepts
}

func (e *ValueError) Error() string {
	return fmt.Sprintf("%s item %s: column %s: value %s is not %s (use --lenient to store null instead)",
		e.Table, e.XID, e.Column, e.Value, e.Want)
}

// EncodingError reports text that is not valid UTF-8, under StrictSchema.
type EncodingError struct {
	Table, Column, XID string
}

func (e *EncodingError) Error() string {
	return fmt.Sprintf("%s item %s: column %s: text is not valid UTF-8 (strict schema; without it invalid bytes become U+FFFD and are counted)",
		e.Table, e.XID, e.Column)
}

// UnknownFieldError reports a field no table declares, under StrictSchema.
type UnknownFieldError struct {
	Table, Path, XID string
}

func (e *UnknownFieldError) Error() string {
	return fmt.Sprintf("%s item %s: field %s is not in the schema (strict schema)", e.Table, e.XID, e.Path)
}

// A Flattener turns the raw JSON items of one endpoint into batches of its
// tables. It is not safe for concurrent use; use one per goroutine.
type Flattener struct {
	endpoint string
	user     string
	opts     Options
	emit     func(*Batch) error

	root     *tableState
	children [numChildKinds]*tableState
	all      []*tableState

	parser  fastjson.Parser
	zones   zones
	tl      timeline
	strs    arena
	scratch []byte
	fixed   []byte // text repaired by setText

	// Per item.
	pending [numChildKinds]*fastjson.Value
	hours   []hourRef
	fail    error // first problem of the current row, reported when its xid is known

	// invalidUTF8 is set by convert when the text it stored was repaired.
	invalidUTF8 bool

	items      int64
	unresolved map[string]int64
	warned     map[string]bool
}

type hourRef struct {
	wall   int64 // local wall clock of the hour, seconds since 1970-01-01 local
	v      *fastjson.Value
	noHour bool // the key was not YYYYMMDDHH (kept under Lenient)
}

// NewFlattener returns a Flattener for one endpoint of c. userID fills
// the DeriveUserID columns. tables are the tables to fill, as returned by
// c.Tables(endpoint) or by a Discoverer (with extra columns); tables of the
// endpoint left out are not emitted, and nil means the declared tables.
// emit receives each full batch, and partly filled ones on Flush; it may
// use the batch only until it returns, because the Flattener then refills
// it.
func (c *Catalog) NewFlattener(endpoint, userID string, tables []*Table, opts Options, emit func(*Batch) error) (*Flattener, error) {
	root, children, all, err := c.bindEndpoint(endpoint, tables)
	if err != nil {
		return nil, err
	}
	if opts.BatchRows <= 0 {
		opts.BatchRows = DefaultBatchRows
	}
	f := &Flattener{
		endpoint: endpoint, user: string(appendValidUTF8(nil, []byte(userID))), opts: opts, emit: emit,
		root: root, children: children, all: all,
		unresolved: map[string]int64{}, warned: map[string]bool{},
	}
	for _, ts := range all {
		if ts.out {
			ts.batch = NewBatch(ts.table, opts.BatchRows)
		}
	}
	return f, nil
}

// Item flattens one raw item: an element of data.items, the data object of
// a single-object endpoint, a [YYYYMMDD, {...}] trends pair, or for the
// tick endpoints {"parent_xid": "...", "items": [...]}. A JSON null is no
// item. After an error the Flattener must not be used further.
func (f *Flattener) Item(raw []byte) error {
	if prep := f.root.decl.Prepare; prep != nil {
		var err error
		if raw, err = prep(raw); err != nil {
			return fmt.Errorf("%s item: %w", f.endpoint, err)
		}
	}
	v, err := f.parser.ParseBytes(raw)
	if err != nil {
		return fmt.Errorf("%s item: %w", f.endpoint, err)
	}
	if v.Type() == fastjson.TypeNull {
		return nil
	}
	f.items++
	switch f.root.decl.Shape {
	case ShapeChildGroup:
		return f.ticks(v)
	case ShapeDatePair:
		return f.pair(v)
	default:
		return f.object(v)
	}
}

// Flush emits the partly filled batches.
func (f *Flattener) Flush() error {
	for _, ts := range f.all {
		if ts.out && ts.batch.Len > 0 {
			if err := f.emitBatch(ts); err != nil {
				return err
			}
		}
	}
	return nil
}

// RowCounts sets counts[table] to the rows emitted so far into each output
// table. Unlike Stats it allocates nothing, so callers can take it around
// every Item to tell which rows an item made.
func (f *Flattener) RowCounts(counts map[string]int64) {
	for _, ts := range f.all {
		if ts.out {
			counts[ts.table.Name] = ts.rows
		}
	}
}

// Stats returns what the Flattener did so far.
func (f *Flattener) Stats() Stats {
	s := Stats{
		Items:           f.items,
		Rows:            map[string]int64{},
		LenientByColumn: map[string]int64{},
		UnknownFields:   map[string]int64{},
		UnresolvedZones: map[string]int64{},
		InvalidUTF8:     map[string]int64{},
	}
	for _, ts := range f.all {
		if ts.out {
			s.Rows[ts.table.Name] = ts.rows
		}
		for i, n := range ts.lenient {
			if n > 0 {
				s.LenientByColumn[ts.table.Name+"."+ts.table.Columns[i].Name] += n
				s.LenientNulls += n
			}
		}
		for i, n := range ts.utf8 {
			if n > 0 {
				s.InvalidUTF8[ts.table.Name+"."+ts.table.Columns[i].Name] += n
			}
		}
		countUnknown(ts.table.Name, ts.root, s.UnknownFields)
	}
	for k, n := range f.unresolved {
		s.UnresolvedZones[k] = n
	}
	return s
}

func countUnknown(table string, n *node, into map[string]int64) {
	for k, c := range n.unknown {
		into[table+" "+n.path+k] += *c
	}
	for _, e := range n.edges {
		if e.obj != nil {
			countUnknown(table, e.obj, into)
		}
	}
}

// object flattens an item that is a JSON object, with its child tables.
func (f *Flattener) object(v *fastjson.Value) error {
	o, err := v.Object()
	if err != nil {
		return fmt.Errorf("%s item: not a JSON object: %.80s", f.endpoint, v)
	}
	ts := f.root
	f.pending = [numChildKinds]*fastjson.Value{}
	f.walk(ts, ts.root, o)
	xid := ""
	if ts.xid >= 0 {
		xid = ts.cells[ts.xid].s
	}
	if f.fail != nil {
		err := f.takeFail(label(xid, ""))
		clear(ts.cells)
		return err
	}

	var primary *zone
	if ts.tz >= 0 && ts.cells[ts.tz].state == cellSet {
		primary = f.zone(ts.cells[ts.tz].s)
	}
	f.tl.reset(primary)
	if p := f.pending[ChildZoneChanges]; p != nil {
		if err := f.tzs(p, xid); err != nil {
			return err
		}
	}
	if err := f.finishRow(ts, rowCtx{}); err != nil {
		return err
	}
	if p := f.pending[ChildLocalHourKeyed]; p != nil && f.children[ChildLocalHourKeyed].out {
		if err := f.hourly(p, xid); err != nil {
			return err
		}
	}
	if p := f.pending[ChildRowArray]; p != nil && f.children[ChildRowArray].out {
		ts := f.children[ChildRowArray]
		if err := f.rowArray(ts, p, xid, ts.decl.Source); err != nil {
			return err
		}
	}
	return nil
}

// ticks flattens {"parent_xid": "...", "items": [tick, ...]}.
func (f *Flattener) ticks(v *fastjson.Value) error {
	if v.Type() != fastjson.TypeObject {
		return fmt.Errorf("%s item: want {\"parent_xid\", \"items\"}, got %.80s", f.endpoint, v)
	}
	parent := f.parentXID(f.root, v.GetStringBytes("parent_xid"))
	if f.fail != nil {
		return f.takeFail(label(parent, "parent_xid"))
	}
	items := v.Get("items")
	if items == nil {
		return nil
	}
	return f.rowArray(f.root, items, parent, "items")
}

// parentXID is the text of a tick item's parent_xid, which fills the
// table's parent column (sleep_xid, ...): repaired and counted as any text
// when it is not UTF-8.
func (f *Flattener) parentXID(ts *tableState, b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	for _, i := range ts.derived {
		if ts.cols[i].derive == DeriveParentID {
			f.badUTF8(ts, i)
		}
	}
	return string(appendValidUTF8(nil, b))
}

// pair flattens a [YYYYMMDD, {...}] pair (ShapeDatePair).
func (f *Flattener) pair(v *fastjson.Value) error {
	a, err := v.Array()
	if err != nil || len(a) != 2 {
		return fmt.Errorf("%s item: want a [YYYYMMDD, {...}] pair, got %.80s", f.endpoint, v)
	}
	ts := f.root
	if i := ts.derivedCol(DerivePairDate); i >= 0 {
		if want := f.convert(&ts.cells[i], Date, ConvDefault, a[0]); want != "" {
			f.bad(ts, i, a[0], want)
		}
	}
	switch a[1].Type() {
	case fastjson.TypeObject:
		o, _ := a[1].Object()
		f.walk(ts, ts.root, o)
	case fastjson.TypeNull:
	default:
		f.badPath(ts, strings.TrimSuffix(ts.decl.RowPath, "."), a[1], "an object")
	}
	if f.fail != nil {
		err := f.takeFail(string(a[0].MarshalTo(nil)))
		clear(ts.cells)
		return err
	}
	return f.finishRow(ts, rowCtx{})
}

// rowArray flattens an array of row objects into ts (meal items, ticks).
func (f *Flattener) rowArray(ts *tableState, v *fastjson.Value, parentXID, path string) error {
	if v.Type() == fastjson.TypeNull {
		return nil
	}
	a, err := v.Array()
	if err != nil {
		f.badPath(ts, path, v, "an array")
		return f.takeFail(label(parentXID, ""))
	}
	for i, e := range a {
		switch e.Type() {
		case fastjson.TypeObject:
			o, _ := e.Object()
			f.walk(ts, ts.root, o)
		case fastjson.TypeNull:
			continue
		default:
			f.badPath(ts, fmt.Sprintf("%s[%d]", path, i), e, "an object")
		}
		if f.fail != nil {
			err := f.takeFail(label(parentXID, fmt.Sprintf("%s[%d]", path, i)))
			clear(ts.cells)
			return err
		}
		if err := f.finishRow(ts, rowCtx{parentXID: parentXID}); err != nil {
			return err
		}
	}
	return nil
}

// walk fills the cells of ts from the keys of o, as bound by n.
func (f *Flattener) walk(ts *tableState, n *node, o *fastjson.Object) {
	pos := 0
	o.Visit(func(k []byte, v *fastjson.Value) {
		e := n.lookup(pos, k)
		pos++
		switch {
		case e == nil:
			f.unknownField(ts, n, k, v)
		case e.col >= 0:
			f.set(ts, e, v)
		case e.obj != nil:
			switch v.Type() {
			case fastjson.TypeObject:
				oo, _ := v.Object()
				f.walk(ts, e.obj, oo)
			case fastjson.TypeNull:
			default:
				f.badPath(ts, n.path+string(k), v, "an object")
			}
		case e.child != ChildNone:
			f.pending[e.child] = v
		}
	})
}

// set converts v into the cell of e's column.
func (f *Flattener) set(ts *tableState, e *edge, v *fastjson.Value) {
	c := &ts.cells[e.col]
	if e.alt && c.state == cellSet {
		return // the main path has a value
	}
	if !e.alt && c.state == cellSetAlt && v.Type() == fastjson.TypeNull {
		return // a null main path does not hide the alternative's value
	}
	cb := &ts.cols[e.col]
	if cb.any {
		f.convertAny(c, v)
		if f.invalidUTF8 {
			f.badUTF8(ts, e.col)
		}
	} else if want := f.convert(c, cb.typ, cb.conv, v); want != "" {
		f.bad(ts, e.col, v, want)
		return
	} else if cb.typ == String && f.invalidUTF8 {
		f.badUTF8(ts, e.col)
	}
	if e.alt && c.state == cellSet {
		c.state = cellSetAlt
	}
}

// bad handles a value that contradicts column i: a null and a count under
// Lenient, else the row's error.
func (f *Flattener) bad(ts *tableState, i int, v *fastjson.Value, want string) {
	name := ts.table.Columns[i].Name
	if f.opts.Lenient {
		ts.cells[i].setNull()
		ts.lenient[i]++
		f.warnOnce("lenient "+ts.table.Name+"."+name, fmt.Sprintf(
			"%s.%s: value %s is not %s; stored null (lenient)", ts.table.Name, name, shorten(v), want))
		return
	}
	if f.fail == nil {
		f.fail = &ValueError{Table: ts.table.Name, Column: name, Value: shorten(v), Want: want}
	}
}

// badUTF8 handles text of column i that convert repaired: the row's error
// under StrictSchema, else a count.
func (f *Flattener) badUTF8(ts *tableState, i int) {
	f.invalidUTF8 = false
	if f.opts.StrictSchema {
		if f.fail == nil {
			f.fail = &EncodingError{Table: ts.table.Name, Column: ts.table.Columns[i].Name}
		}
		return
	}
	ts.utf8[i]++
}

// badPath is bad for a value at a path that is not a column (an object
// expected, a child array malformed).
func (f *Flattener) badPath(ts *tableState, path string, v *fastjson.Value, want string) {
	if f.opts.Lenient {
		f.warnOnce("lenient "+ts.table.Name+" "+path, fmt.Sprintf(
			"%s: %s: value %s is not %s; ignored (lenient)", ts.table.Name, path, shorten(v), want))
		return
	}
	if f.fail == nil {
		f.fail = &ValueError{Table: ts.table.Name, Column: path, Value: shorten(v), Want: want}
	}
}

// unknownField handles a key no column takes.
func (f *Flattener) unknownField(ts *tableState, n *node, k []byte, v *fastjson.Value) {
	if f.opts.StrictSchema {
		if f.fail == nil {
			f.fail = &UnknownFieldError{Table: ts.table.Name, Path: n.path + string(k)}
		}
		return
	}
	if c, ok := n.unknown[string(k)]; ok {
		*c++
		return
	}
	if n.unknown == nil {
		n.unknown = map[string]*int64{}
	}
	one := int64(1)
	n.unknown[string(k)] = &one
	f.warnOnce("unknown "+ts.table.Name+" "+n.path+string(k), fmt.Sprintf(
		"%s: field %s%s is not in the schema and is dropped; a discovery pass keeps it as an extra column",
		ts.table.Name, n.path, k))
}

// takeFail returns the row's pending error, completed with where it was.
// Callers test f.fail first, so the label is built only on failure.
func (f *Flattener) takeFail(where string) error {
	err := f.fail
	if err == nil {
		return nil
	}
	f.fail = nil
	var ve *ValueError
	var ue *UnknownFieldError
	var ee *EncodingError
	switch {
	case errors.As(err, &ve):
		ve.XID = where
	case errors.As(err, &ue):
		ue.XID = where
	case errors.As(err, &ee):
		ee.XID = where
	}
	return err
}

func label(xid, where string) string {
	if xid == "" {
		xid = "(no xid)"
	}
	if where != "" {
		return xid + " " + where
	}
	return xid
}

// shorten renders a JSON value for a message.
func shorten(v *fastjson.Value) string {
	s := string(v.MarshalTo(nil))
	if len(s) > 60 {
		s = s[:57] + "..."
	}
	return s
}

func (f *Flattener) warnOnce(key, msg string) {
	if f.opts.Warn == nil || f.warned[key] {
		return
	}
	f.warned[key] = true
	f.opts.Warn(msg)
}

// zone resolves a zone text, counting and warning about unresolvable ones.
func (f *Flattener) zone(text string) *zone {
	z := f.zones.get(text)
	if z != nil && !z.ok {
		f.unresolved[z.text]++
		f.warnOnce("zone "+z.text, fmt.Sprintf("%s: time zone %q is not recognised; its offset is null", f.endpoint, z.text))
	}
	return z
}

// rowCtx carries what derived columns need beyond the row's own cells.
type rowCtx struct {
	parentXID string
	// noHour marks an hourly row whose key was unreadable: its hour
	// columns stay null.
	noHour   bool
	hourWall int64
	hourUTC  int64
	hourZone *zone
	tzsZone  *zone
	tzsStart int64 // seconds
	// tzsStartOK says tzsStart holds a value.
	tzsStartOK bool
}

// finishRow fills the derived columns and appends the row to the batch.
// Callers report the row's error (takeFail) first, where they know the
// row's xid.
func (f *Flattener) finishRow(ts *tableState, rc rowCtx) error {
	for _, i := range ts.derived {
		c := &ts.cells[i]
		switch ts.cols[i].derive {
		case DeriveUserID:
			c.s, c.state = f.user, setIf(f.user != "")
		case DeriveParentID:
			c.s, c.state = rc.parentXID, setIf(rc.parentXID != "")
		case DeriveZoneOffset:
			f.tzOffset(ts, c)
		case DeriveHourStart:
			c.i, c.state = rc.hourUTC*1e6, setIf(!rc.noHour)
		case DeriveHourDate:
			c.i, c.state = floorDiv(rc.hourWall, 86400), setIf(!rc.noHour)
		case DeriveLocalHour:
			c.i, c.state = (rc.hourWall-floorDiv(rc.hourWall, 86400)*86400)/3600, setIf(!rc.noHour)
		case DeriveHourZone:
			if rc.hourZone != nil {
				c.s, c.state = rc.hourZone.text, cellSet
			}
		case DeriveHourOffset:
			c.i, c.state = rc.hourWall-rc.hourUTC, setIf(!rc.noHour)
		case DeriveZoneChangeOffset:
			if rc.tzsZone != nil && rc.tzsZone.ok && rc.tzsStartOK {
				c.i, c.state = rc.tzsZone.offsetAt(rc.tzsStart), cellSet
			}
		}
	}
	if !ts.out {
		clear(ts.cells)
		return nil
	}
	b := ts.batch
	for i := range ts.cells {
		c := &ts.cells[i]
		vec := &b.Cols[i]
		ok := c.state == cellSet || c.state == cellSetAlt
		if !ok {
			*c = cell{}
		}
		switch ts.cols[i].typ {
		case Int64, Timestamp, Date:
			vec.Ints = append(vec.Ints, c.i)
		case Float64:
			vec.Floats = append(vec.Floats, c.f)
		case Bool:
			vec.Bools = append(vec.Bools, c.b)
		case String:
			vec.Strs = append(vec.Strs, c.s)
		}
		vec.Valid = append(vec.Valid, ok)
	}
	clear(ts.cells)
	b.Len++
	ts.rows++
	if b.Len >= f.opts.BatchRows {
		return f.emitBatch(ts)
	}
	return nil
}

func (f *Flattener) emitBatch(ts *tableState) error {
	if err := f.emit(ts.batch); err != nil {
		return fmt.Errorf("%s: emit %d rows: %w", ts.table.Name, ts.batch.Len, err)
	}
	ts.batch.Reset()
	return nil
}

// tzOffset derives tz_offset: the offset at time_created of the zone in
// force then (tzs, else tz).
func (f *Flattener) tzOffset(ts *tableState, c *cell) {
	if ts.timeCreated < 0 || ts.cells[ts.timeCreated].state != cellSet {
		// Without an instant only a fixed offset is known.
		if ts.tz >= 0 && ts.cells[ts.tz].state == cellSet {
			if z := f.zones.get(ts.cells[ts.tz].s); z != nil && z.ok && z.loc == nil {
				c.i, c.state = z.fixed, cellSet
			}
		}
		return
	}
	t := floorDiv(ts.cells[ts.timeCreated].i, 1e6)
	if z := f.tl.at(t); z != nil && z.ok {
		c.i, c.state = z.offsetAt(t), cellSet
	}
}

func setIf(ok bool) cellState {
	if ok {
		return cellSet
	}
	return cellUnset
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}
