package schema

import "slices"

// conv says how a JSON value becomes a column value, beyond what the
// column's Type implies.
type conv uint8

const (
	// convDefault converts by Type: Int64 takes integers and integral floats,
	// Float64 takes any number, Bool takes true/false (and 0/1), String takes
	// strings and numbers (as their text), Timestamp takes epoch seconds,
	// Date takes a YYYYMMDD integer.
	convDefault conv = iota
	// convZeroNull is a Timestamp for which 0 means "unknown" (sunrise,
	// sunset, smart_alarm_fire): 0 becomes null.
	convZeroNull
	// convLooseFloat is a Float64 that may arrive as a number or as a numeric
	// string (place_lat, place_lon, place_acc).
	convLooseFloat
	// convTZText is a time-zone value kept as given: strings as they are,
	// integer offsets as their decimal text.
	convTZText
	// convJSON is a String holding any JSON value: strings as they are,
	// objects and arrays as compact JSON text.
	convJSON
	// convBoolInt is an Int64 that may also arrive as true/false (1/0).
	convBoolInt
)

// derive marks columns that are computed rather than read from one JSON
// path. Their Path in the dictionary names the sources.
type derive uint8

const (
	fromJSON         derive = iota
	deriveUserXID           // the exported person's xid, given to NewFlattener
	deriveParentXID         // xid of the parent item (child tables)
	deriveTZOffset          // UTC offset of the row's zone at the row's time
	deriveHourStart         // moves_hourly: the UTC instant the local hour began
	deriveHourDate          // moves_hourly: the local date of the hour key
	deriveLocalHour         // moves_hourly: the local hour 0-23 of the key
	deriveHourTZ            // moves_hourly: the zone text the key was read in
	deriveHourOffset        // moves_hourly: the UTC offset the key was read with
	deriveTzsStart          // <parent>_tzs: element 0, epoch seconds
	deriveTzsTZ             // <parent>_tzs: element 1, as given
	deriveTzsOffset         // <parent>_tzs: offset of element 1 at element 0
	deriveTrendDate         // trends: element 0 of the [YYYYMMDD, {...}] pair
)

// shape is how the raw items of an endpoint look.
type shape uint8

const (
	shapeObject shape = iota // a JSON object per item
	shapeTicks               // {"parent_xid": "...", "items": [tick, ...]}
	shapePair                // [YYYYMMDD, {...}] (trends)
)

// childKind is how a child table's rows sit inside the parent item.
type childKind uint8

const (
	childNone   childKind = iota
	childTzs              // an array of [epoch, tz] pairs
	childHourly           // an object keyed by "YYYYMMDDHH", values are rows
	childItems            // an array of row objects (meal food items)
	numChildKinds
)

// colDecl is one declared column plus how it is filled.
type colDecl struct {
	Column
	conv   conv
	derive derive
	// alt is a lower-priority path feeding the same column: it fills the
	// column only when the main path is absent (v1.0 details.deep -> sound).
	alt string
}

// tableDecl is one declared table plus how its rows are found.
type tableDecl struct {
	name, endpoint, parent, desc, timeColumn string
	// rowPath prefixes the Path of every column read from JSON; it addresses
	// one row's object within the item ("" when the item is the row).
	rowPath string
	// shape of the endpoint's raw items; meaningful on the endpoint's root table.
	shape shape
	// kind and source locate a child table's rows inside the parent item.
	kind   childKind
	source string
	cols   []colDecl
}

// table returns a fresh Table for d; callers may modify it freely.
func (d *tableDecl) table() *Table {
	t := &Table{
		Name:        d.name,
		Description: d.desc,
		Endpoint:    d.endpoint,
		Parent:      d.parent,
		TimeColumn:  d.timeColumn,
		Columns:     make([]Column, len(d.cols)),
	}
	for i := range d.cols {
		t.Columns[i] = d.cols[i].Column
	}
	return t
}

func (d *tableDecl) col(name string) *colDecl {
	i := slices.IndexFunc(d.cols, func(c colDecl) bool { return c.Name == name })
	if i < 0 {
		return nil
	}
	return &d.cols[i]
}

// Helpers that keep the declarations one line per column.

func col(name string, t Type, unit, path, desc string) colDecl {
	return colDecl{Column: Column{Name: name, Type: t, Unit: unit, Description: desc, Path: path}}
}

func (c colDecl) as(cv conv) colDecl { c.conv = cv; return c }

func (c colDecl) or(alt string) colDecl { c.alt = alt; return c }

func derived(name string, t Type, unit, path, desc string, d derive) colDecl {
	c := col(name, t, unit, path, desc)
	c.derive = d
	return c
}
