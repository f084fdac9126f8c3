// Package schema is upexport's typed-table machinery: tables of typed
// columns, batches of rows, and the Flattener and Discoverer that turn an
// API's JSON items into them. It knows no API. Each provider declares its
// tables (TableDecl, ColumnDecl) and builds a Catalog of them, the single
// source of truth that the flattener, every writer and the data dictionary
// read.
//
// The declarations say where each column's value is (a JSON path, an
// alternative path, a conversion) and which of the row shapes and
// derivations the flattener knows a table uses. They are generic across
// providers:
//
//   - item shapes: an object per item (ShapeObject); the rows of a request
//     about one parent item, {"parent_xid", "items"} (ShapeChildGroup); a
//     date and its row, [YYYYMMDD, {...}] (ShapeDatePair);
//   - child tables inside an item: an array of row objects (ChildRowArray);
//     a zone timeline, [[start, zone], ...] (ChildZoneChanges); rows keyed
//     by local hour, {"YYYYMMDDHH": {...}} (ChildLocalHourKeyed);
//   - derived columns: the person's and the parent's id, the UTC offset of
//     the zone in force at a row's time, the UTC instant, date, hour, zone
//     and offset of a local-hour key, the fields of a zone change.
//
// The zone timeline and local-hour keys serve every API that reports local
// times with a zone beside them (Jawbone, Withings, Fitbit). The flattener
// reads three columns of a root row back by name: "xid" (the item's id,
// for its child rows and for errors), and "tz" and "time_created" (the
// zone and instant of DeriveZoneOffset).
package schema

import (
	"fmt"
	"time"
)

// Version is the version of the table definitions. It changes when a column
// is renamed, retyped or removed, so that exports and archives can tell.
const Version = 1

// Type is the logical type of a column. Writers map it to their own types
// (Parquet INT64/DOUBLE/BOOLEAN/BYTE_ARRAY/TIMESTAMP(MICROS,UTC)/DATE, ...).
type Type uint8

const (
	Int64     Type = iota + 1 // 64-bit signed integer
	Float64                   // IEEE double
	Bool                      // true/false
	String                    // UTF-8 text
	Timestamp                 // an instant, stored as microseconds since the Unix epoch, UTC
	Date                      // a calendar date, stored as days since 1970-01-01
)

var typeNames = map[Type]string{
	Int64: "int64", Float64: "float64", Bool: "bool", String: "string",
	Timestamp: "timestamp", Date: "date",
}

// String returns the name used in the manifest and the data dictionary.
func (t Type) String() string {
	if n, ok := typeNames[t]; ok {
		return n
	}
	return fmt.Sprintf("Type(%d)", uint8(t))
}

// ParseType is the inverse of Type.String.
func ParseType(s string) (Type, error) {
	for t, n := range typeNames {
		if n == s {
			return t, nil
		}
	}
	return 0, fmt.Errorf("unknown column type %q", s)
}

// Column describes one column of a table.
type Column struct {
	Name        string `json:"name"`
	Type        Type   `json:"-"`
	Unit        string `json:"unit"`            // s, m, km, kcal, kg, bpm, %, ... or ""
	Description string `json:"description"`     // one line
	Path        string `json:"path"`            // JSON path in the source item, e.g. "details.steps"
	Extra       bool   `json:"extra,omitempty"` // not declared: found in the data and typed by inference
}

// Table describes one output table.
type Table struct {
	Name        string   `json:"name"`
	Description string   `json:"description"`
	Endpoint    string   `json:"endpoint"`         // catalog endpoint whose items feed it
	Parent      string   `json:"parent,omitempty"` // parent table for child tables
	Columns     []Column `json:"columns"`
	// TimeColumn names the column whose year/month drives --partition-by; "" if none.
	TimeColumn string `json:"time_column,omitempty"`
}

// ColumnIndex returns the index of the named column, or -1.
func (t *Table) ColumnIndex(name string) int {
	for i := range t.Columns {
		if t.Columns[i].Name == name {
			return i
		}
	}
	return -1
}

// Vector holds the values of one column of a Batch. Exactly one of the value
// slices is used, chosen by the column's Type:
//
//	Int64, Timestamp (µs since epoch), Date (days since epoch) -> Ints
//	Float64 -> Floats, Bool -> Bools, String -> Strs
//
// Valid[i] is false where the value is null; the value slot then holds the
// zero value and must be ignored.
type Vector struct {
	Ints   []int64
	Floats []float64
	Bools  []bool
	Strs   []string
	Valid  []bool
}

// Batch is a run of rows of one table, stored column by column so the hot
// path appends plain values and writers read them without conversion.
type Batch struct {
	Table *Table
	Cols  []Vector
	Len   int
}

// NewBatch returns an empty batch for t with room for capacity rows.
func NewBatch(t *Table, capacity int) *Batch {
	b := &Batch{Table: t, Cols: make([]Vector, len(t.Columns))}
	for i, c := range t.Columns {
		v := &b.Cols[i]
		v.Valid = make([]bool, 0, capacity)
		switch c.Type {
		case Int64, Timestamp, Date:
			v.Ints = make([]int64, 0, capacity)
		case Float64:
			v.Floats = make([]float64, 0, capacity)
		case Bool:
			v.Bools = make([]bool, 0, capacity)
		case String:
			v.Strs = make([]string, 0, capacity)
		}
	}
	return b
}

// CopyTo makes dst (a batch of the same table) a copy of b, reusing dst's
// memory, for a consumer that keeps rows past the emit. Strings are
// immutable, so they are shared.
func (b *Batch) CopyTo(dst *Batch) {
	dst.Table, dst.Len = b.Table, b.Len
	for i, v := range b.Cols {
		d := &dst.Cols[i]
		d.Ints = append(d.Ints[:0], v.Ints...)
		d.Floats = append(d.Floats[:0], v.Floats...)
		d.Bools = append(d.Bools[:0], v.Bools...)
		d.Strs = append(d.Strs[:0], v.Strs...)
		d.Valid = append(d.Valid[:0], v.Valid...)
	}
}

// Reset empties the batch, keeping its memory.
func (b *Batch) Reset() {
	for i := range b.Cols {
		v := &b.Cols[i]
		v.Ints, v.Floats, v.Bools, v.Strs, v.Valid = v.Ints[:0], v.Floats[:0], v.Bools[:0], v.Strs[:0], v.Valid[:0]
	}
	b.Len = 0
}

// Epoch conversions shared by the flattener and the writers.

// TimestampMicros converts a time to the Timestamp representation.
func TimestampMicros(t time.Time) int64 { return t.UnixMicro() }

// TimeFromMicros converts a Timestamp value back to a UTC time.
func TimeFromMicros(us int64) time.Time { return time.UnixMicro(us).UTC() }

// DaysFromYMD converts a calendar date to the Date representation.
func DaysFromYMD(year int, month time.Month, day int) int64 {
	return time.Date(year, month, day, 0, 0, 0, 0, time.UTC).Unix() / 86400
}

// DateFromDays converts a Date value back to a UTC midnight time.
func DateFromDays(days int64) time.Time { return time.Unix(days*86400, 0).UTC() }
