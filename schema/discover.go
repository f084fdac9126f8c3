package schema

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/valyala/fastjson"
)

// A Discoverer is the first of two passes over an endpoint's items. Parquet
// needs a file's schema before its first row, so the export engine first
// feeds every item to a Discoverer, which finds the fields no table
// declares, and then flattens with the tables it returns: the declared
// columns plus one extra column per unknown field.
type Discoverer struct {
	endpoint string
	opts     Options
	all      []*tableState
	children [numChildKinds]*tableState
	parser   fastjson.Parser
	err      error
	// found maps table name -> JSON path -> inferred type (0: only nulls seen).
	found map[string]map[string]Type
}

// NewDiscoverer returns a Discoverer for one endpoint of c. An unknown
// endpoint makes every Item fail.
func (c *Catalog) NewDiscoverer(endpoint string, opts Options) *Discoverer {
	d := &Discoverer{endpoint: endpoint, opts: opts, found: map[string]map[string]Type{}}
	_, d.children, d.all, d.err = c.bindEndpoint(endpoint, nil)
	return d
}

// Item inspects one raw item, in the same forms Flattener.Item takes.
// Under Options.StrictSchema an unknown field is an error.
func (d *Discoverer) Item(raw []byte) error {
	if d.err != nil {
		return d.err
	}
	root := d.all[0]
	if prep := root.decl.Prepare; prep != nil {
		var err error
		if raw, err = prep(raw); err != nil {
			return fmt.Errorf("%s item: %w", d.endpoint, err)
		}
	}
	v, err := d.parser.ParseBytes(raw)
	if err != nil {
		return fmt.Errorf("%s item: %w", d.endpoint, err)
	}
	var ferr error
	switch root.decl.Shape {
	case ShapeChildGroup:
		for _, t := range v.GetArray("items") {
			if ferr == nil {
				ferr = d.row(root, t)
			}
		}
	case ShapeDatePair:
		if a, err := v.Array(); err == nil && len(a) == 2 {
			ferr = d.row(root, a[1])
		}
	default:
		ferr = d.row(root, v)
	}
	if ferr != nil {
		xid := string(v.GetStringBytes("xid"))
		if xid == "" {
			xid = string(v.GetStringBytes("parent_xid"))
		}
		var ue *UnknownFieldError
		if errors.As(ferr, &ue) {
			ue.XID = label(xid, "")
			return ue
		}
		return fmt.Errorf("%s item %s: %w", d.endpoint, label(xid, ""), ferr)
	}
	return nil
}

// row inspects one row object of ts and the child rows it holds.
func (d *Discoverer) row(ts *tableState, v *fastjson.Value) error {
	o, err := v.Object()
	if err != nil {
		return nil // not an object: the flatten pass reports it
	}
	return d.walk(ts, ts.root, o)
}

func (d *Discoverer) walk(ts *tableState, n *node, o *fastjson.Object) error {
	var err error
	pos := 0
	o.Visit(func(k []byte, v *fastjson.Value) {
		if err != nil {
			return
		}
		e := n.lookup(pos, k)
		pos++
		switch {
		case e == nil && !d.opts.StrictSchema && (len(k) == 0 || bytes.IndexByte(k, '.') >= 0):
			// No column path can name an empty key or one with a dot
			// (paths join keys with dots): the flatten pass drops the
			// field, with a warning, rather than bind a column to the
			// wrong place.
		case e == nil:
			err = d.unknown(ts, n.path+string(k), v)
		case e.obj != nil:
			if oo, oerr := v.Object(); oerr == nil {
				err = d.walk(ts, e.obj, oo)
			}
		case e.child == ChildLocalHourKeyed:
			if oo, oerr := v.Object(); oerr == nil {
				oo.Visit(func(_ []byte, hv *fastjson.Value) {
					if err == nil {
						err = d.row(d.children[ChildLocalHourKeyed], hv)
					}
				})
			}
		case e.child == ChildRowArray:
			for _, it := range v.GetArray() {
				if err == nil {
					err = d.row(d.children[ChildRowArray], it)
				}
			}
		}
	})
	return err
}

// unknown records a field no column takes, widening its inferred type.
func (d *Discoverer) unknown(ts *tableState, path string, v *fastjson.Value) error {
	name := ts.table.Name
	if d.opts.StrictSchema {
		return &UnknownFieldError{Table: name, Path: path}
	}
	m := d.found[name]
	if m == nil {
		m = map[string]Type{}
		d.found[name] = m
	}
	old, seen := m[path]
	m[path] = widen(old, v)
	if !seen && d.opts.Warn != nil {
		d.opts.Warn(fmt.Sprintf("%s: field %s is not in the API reference; kept as an extra column", name, path))
	}
	return nil
}

// widen returns the type that holds both values typed cur and v:
// int -> float -> string; bool stays bool unless mixed (then string);
// objects and arrays are JSON text (string); null changes nothing.
func widen(cur Type, v *fastjson.Value) Type {
	var t Type
	switch v.Type() {
	case fastjson.TypeNull:
		return cur
	case fastjson.TypeTrue, fastjson.TypeFalse:
		t = Bool
	case fastjson.TypeNumber:
		t = Float64
		if _, ok := parseDecimal(v.MarshalTo(nil)); ok {
			t = Int64
		}
	default:
		t = String
	}
	return join(cur, t)
}

// join is the narrowest type that holds values of types a and b (0: no
// value yet). It is commutative and associative, so the order in which
// values, or Discoverers (Merge), are combined does not matter.
func join(a, b Type) Type {
	switch {
	case a == 0 || a == b:
		return b
	case b == 0:
		return a
	case (a == Int64 || a == Float64) && (b == Int64 || b == Float64):
		return Float64
	default:
		return String
	}
}

// Merge adds what o found to d, as if d had seen o's items too: several
// Discoverers can inspect parts of one endpoint's items in parallel. o
// must be for the same endpoint and is not to be used afterwards.
func (d *Discoverer) Merge(o *Discoverer) error {
	if d.endpoint != o.endpoint {
		return fmt.Errorf("schema: merge discoveries of %s and %s", d.endpoint, o.endpoint)
	}
	if d.err == nil {
		d.err = o.err
	}
	for table, paths := range o.found {
		m := d.found[table]
		if m == nil {
			m = map[string]Type{}
			d.found[table] = m
		}
		for p, t := range paths {
			m[p] = join(m[p], t)
		}
	}
	return nil
}

// Tables returns the endpoint's tables: the declared columns first, then
// one extra column (Column.Extra) per unknown field, sorted by name. A
// field's column is named like declared ones: its path without "details."
// and with dots as underscores, or with the details_ prefix on a clash.
func (d *Discoverer) Tables() []*Table {
	var out []*Table
	for _, ts := range d.all {
		t := ts.decl.table()
		paths := make([]string, 0, len(d.found[t.Name]))
		for p := range d.found[t.Name] {
			paths = append(paths, p)
		}
		slices.Sort(paths)
		var extras []Column
		taken := func(name string) bool {
			return t.ColumnIndex(name) >= 0 || slices.ContainsFunc(extras, func(c Column) bool { return c.Name == name })
		}
		for _, p := range paths {
			typ := d.found[t.Name][p]
			if typ == 0 {
				typ = String // only nulls seen
			}
			extras = append(extras, Column{
				Name:        extraName(strings.TrimPrefix(p, ts.decl.RowPath), taken),
				Type:        typ,
				Description: "Not in the API reference: found in the data, type inferred.",
				Path:        p,
				Extra:       true,
			})
		}
		slices.SortFunc(extras, func(a, b Column) int { return strings.Compare(a.Name, b.Name) })
		t.Columns = append(t.Columns, extras...)
		out = append(out, t)
	}
	return out
}

// extraName names an extra column after its path relative to the row.
func extraName(rel string, taken func(string) bool) string {
	// A key is bytes from the server; a column name must be UTF-8 text.
	full := strings.NewReplacer(".", "_", "[", "", "]", "").Replace(string(appendValidUTF8(nil, []byte(rel))))
	short := strings.TrimPrefix(full, "details_")
	for _, c := range []string{short, full, "extra_" + full} {
		if !taken(c) {
			return c
		}
	}
	for i := 2; ; i++ {
		if c := fmt.Sprintf("extra_%s_%d", full, i); !taken(c) {
			return c
		}
	}
}
