package schema

import "slices"

// Conv says how a JSON value becomes a column value, beyond what the
// column's Type implies.
type Conv uint8

const (
	// ConvDefault converts by Type: Int64 takes integers and integral floats,
	// Float64 takes any number, Bool takes true/false (and 0/1), String takes
	// strings and numbers (as their text), Timestamp takes epoch seconds,
	// Date takes a YYYYMMDD integer.
	ConvDefault Conv = iota
	// ConvZeroNull is a Timestamp for which 0 means "unknown" (a sunrise
	// the device never saw): 0 becomes null.
	ConvZeroNull
	// ConvLooseFloat is a Float64 that may arrive as a number or as a
	// numeric string ("" is null).
	ConvLooseFloat
	// ConvZoneText is a time-zone value kept as given: strings as they are,
	// integer offsets as their decimal text.
	ConvZoneText
	// ConvJSON is a String holding any JSON value: strings as they are,
	// objects and arrays as compact JSON text.
	ConvJSON
	// ConvBoolInt is an Int64 that may also arrive as true/false (1/0).
	ConvBoolInt
	numConvs
)

// Derive marks columns that are computed rather than read from one JSON
// path. Their Path in the dictionary names the sources.
type Derive uint8

const (
	// FromJSON is a column read from its Path (and Alt).
	FromJSON Derive = iota
	// DeriveUserID is the exported person's id, given to NewFlattener.
	DeriveUserID
	// DeriveParentID is the id of the parent item: the root row's "xid" for
	// a child table, the group's "parent_xid" for a ShapeChildGroup table.
	DeriveParentID
	// DeriveZoneOffset is the UTC offset, at the row's "time_created", of
	// the zone in force then: the ChildZoneChanges entry that started
	// last before it, else the row's "tz" column.
	DeriveZoneOffset
	// DeriveHourStart (ChildLocalHourKeyed): the UTC instant the local hour
	// of the row's key began, read in the zone in force then.
	DeriveHourStart
	// DeriveHourDate (ChildLocalHourKeyed): the local date of the key.
	DeriveHourDate
	// DeriveLocalHour (ChildLocalHourKeyed): the local hour 0-23 of the key.
	DeriveLocalHour
	// DeriveHourZone (ChildLocalHourKeyed): the zone text the key was read in.
	DeriveHourZone
	// DeriveHourOffset (ChildLocalHourKeyed): the UTC offset the key was
	// read with.
	DeriveHourOffset
	// DeriveZoneChangeStart (ChildZoneChanges): element 0 of the
	// [start, zone] pair, epoch seconds.
	DeriveZoneChangeStart
	// DeriveZoneChangeZone (ChildZoneChanges): element 1, as given.
	DeriveZoneChangeZone
	// DeriveZoneChangeOffset (ChildZoneChanges): the offset of element 1 at
	// element 0.
	DeriveZoneChangeOffset
	// DerivePairDate (ShapeDatePair): element 0 of the [YYYYMMDD, {...}] pair.
	DerivePairDate
	numDerives
)

// Shape is how the raw items of an endpoint look.
type Shape uint8

const (
	// ShapeObject is a JSON object per item.
	ShapeObject Shape = iota
	// ShapeChildGroup is {"parent_xid": "...", "items": [row, ...]}: the
	// rows one request about a parent item returned, grouped by the caller.
	ShapeChildGroup
	// ShapeDatePair is [YYYYMMDD, {...}]: a date and the row's object.
	ShapeDatePair
	numShapes
)

// ChildKind is how a child table's rows sit inside the parent item.
type ChildKind uint8

const (
	// ChildNone is a table that is not a child inside its endpoint's items.
	ChildNone ChildKind = iota
	// ChildZoneChanges is an array of [epoch seconds, zone] pairs, in no
	// particular order: the zones in force during the item. They also set
	// the zone timeline that DeriveZoneOffset and the local hours read.
	ChildZoneChanges
	// ChildLocalHourKeyed is an object keyed by the local hour
	// "YYYYMMDDHH", whose values are the rows; rows come out in hour order.
	ChildLocalHourKeyed
	// ChildRowArray is an array of row objects.
	ChildRowArray
	numChildKinds
)

// ColumnDecl is one declared column plus how it is filled.
type ColumnDecl struct {
	Column
	Conv   Conv
	Derive Derive
	// Alt is a lower-priority path feeding the same column: it fills the
	// column only when the main path is absent (a field the API renamed).
	Alt string
}

// TableDecl is one declared table plus how its rows are found.
type TableDecl struct {
	Name, Endpoint, Parent, Description string
	// TimeColumn names the Timestamp or Date column that drives
	// partitioning; "" if none.
	TimeColumn string
	// RowPath prefixes the Path of every column read from JSON; it
	// addresses one row's object within the item ("" when the item is
	// the row).
	RowPath string
	// Shape of the endpoint's raw items; only the endpoint's root table
	// (its first) may set it.
	Shape Shape
	// Child and Source locate a child table's rows inside the root item:
	// Source is the dot-separated path of the value Child describes.
	Child   ChildKind
	Source  string
	Columns []ColumnDecl
	// Prepare, when set on an endpoint's root table, reshapes each raw
	// item before it is discovered and flattened: the provider's own
	// transform into a shape the flattener knows (values decoded with
	// their unit exponent, objects keyed by timestamps turned into row
	// arrays). The raw archive keeps the item as the API sent it.
	Prepare func(item []byte) ([]byte, error)
}

// table returns a fresh Table for d; callers may modify it freely.
func (d *TableDecl) table() *Table {
	t := &Table{
		Name:        d.Name,
		Description: d.Description,
		Endpoint:    d.Endpoint,
		Parent:      d.Parent,
		TimeColumn:  d.TimeColumn,
		Columns:     make([]Column, len(d.Columns)),
	}
	for i := range d.Columns {
		t.Columns[i] = d.Columns[i].Column
	}
	return t
}

func (d *TableDecl) col(name string) *ColumnDecl {
	i := slices.IndexFunc(d.Columns, func(c ColumnDecl) bool { return c.Name == name })
	if i < 0 {
		return nil
	}
	return &d.Columns[i]
}

// derivedName returns the name of the column derived as dv, or "".
func (d *TableDecl) derivedName(dv Derive) string {
	for _, c := range d.Columns {
		if c.Derive == dv {
			return c.Name
		}
	}
	return ""
}

// Col declares a column read from path (relative to the item, including
// the table's RowPath), converted by its type.
func Col(name string, t Type, unit, path, desc string) ColumnDecl {
	return ColumnDecl{Column: Column{Name: name, Type: t, Unit: unit, Description: desc, Path: path}}
}

// As returns c converted by cv instead of by its type alone.
func (c ColumnDecl) As(cv Conv) ColumnDecl { c.Conv = cv; return c }

// Or returns c also fed by alt when its own path is absent.
func (c ColumnDecl) Or(alt string) ColumnDecl { c.Alt = alt; return c }

// Derived declares a column computed as d says; path only documents
// where the value comes from.
func Derived(name string, t Type, unit, path, desc string, d Derive) ColumnDecl {
	c := Col(name, t, unit, path, desc)
	c.Derive = d
	return c
}
