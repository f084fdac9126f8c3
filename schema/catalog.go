package schema

import (
	"errors"
	"fmt"
	"slices"
)

// A Catalog is the declared tables of one API, each endpoint's root table
// before its children. It is immutable once built, so one Catalog serves
// any number of Flatteners and Discoverers at once; Tables and AllTables
// hand out copies.
type Catalog struct {
	decls     []*TableDecl
	endpoints []string
	byName    map[string]*TableDecl
	// byEndpoint holds each endpoint's declarations, root first.
	byEndpoint map[string][]*TableDecl
}

// NewCatalog checks decls and returns their catalog. The order of decls is
// the order of AllTables and of the data dictionary: an endpoint's first
// table is its root, which its child tables follow; a table's Parent must
// come before it. NewCatalog copies decls: changing them later does not
// change the catalog.
func NewCatalog(decls ...*TableDecl) (*Catalog, error) {
	c := &Catalog{byName: map[string]*TableDecl{}, byEndpoint: map[string][]*TableDecl{}}
	for i, d := range decls {
		if d == nil {
			return nil, fmt.Errorf("schema: table %d is nil", i)
		}
		d = &TableDecl{
			Name: d.Name, Endpoint: d.Endpoint, Parent: d.Parent, Description: d.Description,
			TimeColumn: d.TimeColumn, RowPath: d.RowPath, Shape: d.Shape, Child: d.Child, Source: d.Source,
			Columns: slices.Clone(d.Columns), Prepare: d.Prepare,
		}
		if d.Prepare != nil && len(c.byEndpoint[d.Endpoint]) > 0 {
			return nil, fmt.Errorf("schema: table %q: only an endpoint's root table may set Prepare", d.Name)
		}
		if err := c.check(d); err != nil {
			return nil, fmt.Errorf("schema: table %q: %w", d.Name, err)
		}
		c.decls = append(c.decls, d)
		c.byName[d.Name] = d
		if !slices.Contains(c.endpoints, d.Endpoint) {
			c.endpoints = append(c.endpoints, d.Endpoint)
		}
		c.byEndpoint[d.Endpoint] = append(c.byEndpoint[d.Endpoint], d)
	}
	// Binding finds what only the whole endpoint shows: a path bound
	// twice, a value that is also an object, a child source that clashes
	// with a column.
	for _, ep := range c.endpoints {
		if _, _, _, err := c.bindEndpoint(ep, nil); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// check validates d against itself and the tables declared before it.
func (c *Catalog) check(d *TableDecl) error {
	switch {
	case d.Name == "":
		return errors.New("no name")
	case d.Endpoint == "":
		return errors.New("no endpoint")
	case c.byName[d.Name] != nil:
		return errors.New("declared twice")
	case d.Shape >= numShapes:
		return fmt.Errorf("unknown shape %d", d.Shape)
	case d.Child >= numChildKinds:
		return fmt.Errorf("unknown child kind %d", d.Child)
	}
	if d.Parent != "" && c.byName[d.Parent] == nil {
		return fmt.Errorf("parent %q is not declared before it", d.Parent)
	}
	siblings := c.byEndpoint[d.Endpoint]
	if len(siblings) == 0 {
		// The endpoint's root table: its items are this table's rows.
		if d.Child != ChildNone {
			return fmt.Errorf("the first table of endpoint %q must be its root, not a child", d.Endpoint)
		}
		if d.Shape == ShapeChildGroup && d.Parent == "" {
			return errors.New("rows grouped by parent_xid need a parent table")
		}
	} else {
		root := siblings[0]
		switch {
		case d.Child == ChildNone:
			return fmt.Errorf("endpoint %q already has root table %q; a further table must be a child", d.Endpoint, root.Name)
		case d.Shape != ShapeObject:
			return errors.New("only an endpoint's root table has a shape")
		case root.Shape != ShapeObject:
			return fmt.Errorf("root table %q has no object items to hold child rows", root.Name)
		case d.Parent != root.Name:
			return fmt.Errorf("a child of endpoint %q must have its root table %q as parent, not %q", d.Endpoint, root.Name, d.Parent)
		case d.Source == "":
			return errors.New("child table without a source path")
		}
		for _, s := range siblings[1:] {
			if s.Child == d.Child {
				return fmt.Errorf("endpoint %q already has child table %q of the same kind", d.Endpoint, s.Name)
			}
		}
	}
	if d.Child == ChildNone && d.Source != "" {
		return errors.New("a source path without a child kind")
	}
	names := map[string]bool{}
	for _, cd := range d.Columns {
		if err := checkColumn(d, cd); err != nil {
			return fmt.Errorf("column %q: %w", cd.Name, err)
		}
		if names[cd.Name] {
			return fmt.Errorf("column %q declared twice", cd.Name)
		}
		names[cd.Name] = true
	}
	if d.TimeColumn != "" {
		cd := d.col(d.TimeColumn)
		if cd == nil || (cd.Type != Timestamp && cd.Type != Date) {
			return fmt.Errorf("time column %q is not a timestamp or date column", d.TimeColumn)
		}
	}
	return nil
}

// checkColumn validates one column of d: its type, conversion and where
// its derivation is possible.
func checkColumn(d *TableDecl, cd ColumnDecl) error {
	switch {
	case cd.Name == "":
		return errors.New("no name")
	case cd.Extra:
		return errors.New("a declared column cannot be extra")
	case cd.Type < Int64 || cd.Type > Date:
		return fmt.Errorf("unknown type %d", cd.Type)
	case cd.Conv >= numConvs:
		return fmt.Errorf("unknown conversion %d", cd.Conv)
	case cd.Derive >= numDerives:
		return fmt.Errorf("unknown derivation %d", cd.Derive)
	case cd.Derive == FromJSON && cd.Path == "":
		return errors.New("no path")
	case cd.Derive != FromJSON && cd.Alt != "":
		return errors.New("a derived column has no alternative path")
	}
	var ok bool
	switch cd.Derive {
	case FromJSON, DeriveUserID, DeriveZoneOffset:
		ok = true
	case DeriveParentID:
		ok = d.Child != ChildNone || d.Shape == ShapeChildGroup
	case DeriveHourStart, DeriveHourDate, DeriveLocalHour, DeriveHourZone, DeriveHourOffset:
		ok = d.Child == ChildLocalHourKeyed
	case DeriveZoneChangeStart, DeriveZoneChangeZone, DeriveZoneChangeOffset:
		ok = d.Child == ChildZoneChanges
	case DerivePairDate:
		ok = d.Shape == ShapeDatePair
	}
	if !ok {
		return fmt.Errorf("derivation %d does not apply to this table's shape and child kind", cd.Derive)
	}
	return nil
}

// Endpoints lists the endpoints the catalog has tables for, in the order
// of AllTables.
func (c *Catalog) Endpoints() []string {
	if c == nil {
		return nil
	}
	return slices.Clone(c.endpoints)
}

// Tables returns the declared tables fed by one endpoint, root table
// first (for Jawbone, "moves" feeds moves, moves_hourly and moves_tzs). It
// returns nil for an unknown endpoint. The tables are fresh copies.
func (c *Catalog) Tables(endpoint string) []*Table {
	if c == nil {
		return nil
	}
	var out []*Table
	for _, d := range c.byEndpoint[endpoint] {
		out = append(out, d.table())
	}
	return out
}

// AllTables returns every declared table, as fresh copies.
func (c *Catalog) AllTables() []*Table {
	if c == nil {
		return nil
	}
	out := make([]*Table, len(c.decls))
	for i, d := range c.decls {
		out[i] = d.table()
	}
	return out
}

// declsFor returns the declarations of an endpoint, root first.
func (c *Catalog) declsFor(endpoint string) []*TableDecl {
	if c == nil {
		return nil
	}
	return c.byEndpoint[endpoint]
}

func (c *Catalog) declNamed(name string) *TableDecl {
	if c == nil {
		return nil
	}
	return c.byName[name]
}
