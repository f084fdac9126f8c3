package schema

import (
	"fmt"
	"strings"
)

// node maps the keys of one JSON object to what they feed. Nodes are built
// once per Flattener or Discoverer from the column paths, so the hot path
// is a map lookup per key.
type node struct {
	path  string // JSON path of this object with a trailing ".", e.g. "details."
	edges map[string]*edge
	// order remembers the edge met at each key position. Items from one
	// producer list their keys in the same order, so a string compare
	// usually replaces the map lookup.
	order []*edge
	// unknown counts values of keys that no column takes (flatten pass
	// without discovery). Pointers so that counting does not allocate.
	unknown map[string]*int64
}

// edge is what one key of an object feeds.
type edge struct {
	key   string    // the JSON key
	col   int       // column index in the row, or -1
	alt   bool      // lower-priority path of col (details.deep)
	obj   *node     // the value is an object with keys of its own
	child ChildKind // the value holds the rows of a child table
}

func newNode(path string) *node { return &node{path: path, edges: map[string]*edge{}} }

// lookup returns the edge of key k met at position pos of its object, or nil.
func (n *node) lookup(pos int, k []byte) *edge {
	if pos < len(n.order) {
		if e := n.order[pos]; e != nil && e.key == string(k) {
			return e
		}
	}
	e := n.edges[string(k)]
	switch {
	case e == nil:
	case pos < len(n.order):
		n.order[pos] = e
	case pos == len(n.order) && pos < 64:
		n.order = append(n.order, e)
	}
	return e
}

// insert binds rel, a dot-separated path below n, to e.
func (n *node) insert(rel string, e *edge) error {
	seg, rest, deeper := strings.Cut(rel, ".")
	if !deeper {
		if _, ok := n.edges[seg]; ok {
			return fmt.Errorf("path %s%s bound twice", n.path, seg)
		}
		e.key = seg
		n.edges[seg] = e
		return nil
	}
	next, ok := n.edges[seg]
	if !ok {
		next = &edge{key: seg, col: -1, obj: newNode(n.path + seg + ".")}
		n.edges[seg] = next
	}
	if next.obj == nil {
		return fmt.Errorf("path %s%s is both a value and an object", n.path, seg)
	}
	return next.obj.insert(rest, e)
}

// colBind is how one column of a table is filled.
type colBind struct {
	typ    Type
	conv   Conv
	derive Derive
	any    bool // extra column typed String: any JSON value as text
}

// tableState is one table of a Flattener or Discoverer: its binding, the
// row being built and the batch being filled.
type tableState struct {
	decl  *TableDecl
	table *Table
	out   bool // requested: rows are emitted
	cols  []colBind
	root  *node
	// derived lists the derived columns in order.
	derived []int
	// Indexes of columns the flattener reads back (-1 when absent).
	xid, tz, timeCreated int

	cells   []cell
	batch   *Batch
	rows    int64
	lenient []int64 // per column: values nulled under Options.Lenient
	utf8    []int64 // per column: texts whose invalid UTF-8 was replaced
}

// derivedCol returns the index of the column derived as d, or -1 when
// the caller's table left it out.
func (ts *tableState) derivedCol(d Derive) int {
	for _, i := range ts.derived {
		if ts.cols[i].derive == d {
			return i
		}
	}
	return -1
}

// bindTable builds the state of one table. t is the caller's table (maybe
// with extra columns) or nil when the table is not requested.
func bindTable(d *TableDecl, t *Table) (*tableState, error) {
	ts := &tableState{decl: d, table: t, out: t != nil, root: newNode(d.RowPath)}
	if t == nil {
		ts.table = d.table()
	}
	t = ts.table
	ts.cols = make([]colBind, len(t.Columns))
	ts.cells = make([]cell, len(t.Columns))
	ts.lenient = make([]int64, len(t.Columns))
	ts.utf8 = make([]int64, len(t.Columns))
	ts.xid, ts.tz, ts.timeCreated = t.ColumnIndex("xid"), t.ColumnIndex("tz"), t.ColumnIndex("time_created")
	bind := func(path string, e *edge) error {
		rel, ok := strings.CutPrefix(path, d.RowPath)
		if !ok || rel == "" {
			return fmt.Errorf("table %s: path %q is not below %q", d.Name, path, d.RowPath)
		}
		return ts.root.insert(rel, e)
	}
	for i, c := range t.Columns {
		if c.Extra {
			cb := colBind{typ: c.Type, any: c.Type == String}
			ts.cols[i] = cb
			if err := bind(c.Path, &edge{col: i}); err != nil {
				return nil, err
			}
			continue
		}
		cd := d.col(c.Name)
		if cd == nil {
			return nil, fmt.Errorf("table %s: column %s is neither declared nor marked extra", d.Name, c.Name)
		}
		if c.Type != cd.Type {
			return nil, fmt.Errorf("table %s: column %s: type %s, declared %s", d.Name, c.Name, c.Type, cd.Type)
		}
		ts.cols[i] = colBind{typ: cd.Type, conv: cd.Conv, derive: cd.Derive}
		if cd.Derive != FromJSON {
			ts.derived = append(ts.derived, i)
			continue
		}
		if err := bind(cd.Path, &edge{col: i}); err != nil {
			return nil, err
		}
		if cd.Alt != "" {
			if err := bind(cd.Alt, &edge{col: i, alt: true}); err != nil {
				return nil, err
			}
		}
	}
	// Declared columns the caller left out are still known fields: bind
	// them to nothing so they are not reported as unknown.
	for _, cd := range d.Columns {
		if cd.Derive != FromJSON || t.ColumnIndex(cd.Name) >= 0 {
			continue
		}
		for _, p := range []string{cd.Path, cd.Alt} {
			if p == "" {
				continue
			}
			if err := bind(p, &edge{col: -1}); err != nil {
				return nil, err
			}
		}
	}
	return ts, nil
}

// bindEndpoint builds the states of every table of an endpoint, root
// first, and links the child tables' sources into the root's node tree.
// tables are the caller's (requested) tables; nil requests all declared.
func (c *Catalog) bindEndpoint(endpoint string, tables []*Table) (root *tableState, children [numChildKinds]*tableState, all []*tableState, err error) {
	decls := c.declsFor(endpoint)
	if len(decls) == 0 {
		return nil, children, nil, fmt.Errorf("schema: unknown endpoint %q", endpoint)
	}
	requested := map[string]*Table{}
	for _, t := range tables {
		d := c.declNamed(t.Name)
		if d == nil || d.Endpoint != endpoint {
			return nil, children, nil, fmt.Errorf("schema: table %q is not fed by endpoint %q", t.Name, endpoint)
		}
		requested[t.Name] = t
	}
	for _, d := range decls {
		t := requested[d.Name]
		if tables == nil {
			t = d.table()
		}
		ts, err := bindTable(d, t)
		if err != nil {
			return nil, children, nil, fmt.Errorf("schema: %w", err)
		}
		all = append(all, ts)
		if d.Child != ChildNone {
			children[d.Child] = ts
		}
	}
	root = all[0]
	for _, ts := range all[1:] {
		d := ts.decl
		if d.Child == ChildNone {
			continue
		}
		if err := root.root.insert(d.Source, &edge{col: -1, child: d.Child}); err != nil {
			return nil, children, nil, fmt.Errorf("schema: %s: %w", d.Name, err)
		}
	}
	return root, children, all, nil
}
