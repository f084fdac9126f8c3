package schema_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/upexport/upexport/schema"
)

// A small API, declared here so the generic machinery is tested without
// any provider: readings with their local-hour counts, zone changes and
// notes; readings' samples grouped by parent; daily summaries as date pairs.
// Derived columns have names of their own: the flattener finds them by
// their derivation.
func tinyDecls() []*schema.TableDecl {
	userCol := func() schema.ColumnDecl {
		return schema.Derived("user_id", schema.String, "", "user", "The person.", schema.DeriveUserID)
	}
	parentCol := func() schema.ColumnDecl {
		return schema.Derived("reading_id", schema.String, "", "parent id", "The reading.", schema.DeriveParentID)
	}
	return []*schema.TableDecl{
		{
			Name: "readings", Endpoint: "readings", Description: "Readings.", TimeColumn: "time_created",
			Columns: []schema.ColumnDecl{
				userCol(),
				schema.Col("xid", schema.String, "", "id", "Id."),
				schema.Col("time_created", schema.Timestamp, "", "at", "When."),
				schema.Col("value", schema.Float64, "", "measure.value", "Value.").As(schema.ConvLooseFloat).Or("measure.old_value"),
				schema.Col("tz", schema.String, "", "zone", "Zone.").As(schema.ConvZoneText),
				schema.Derived("tz_offset", schema.Int64, "s", "zone at at", "Offset.", schema.DeriveZoneOffset),
			},
		},
		{
			Name: "reading_hours", Endpoint: "readings", Parent: "readings", Description: "Per local hour.", TimeColumn: "hour_start",
			RowPath: "by_hour.{H}.", Child: schema.ChildLocalHourKeyed, Source: "by_hour",
			Columns: []schema.ColumnDecl{
				userCol(), parentCol(),
				schema.Derived("hour_start", schema.Timestamp, "", "key", "Start.", schema.DeriveHourStart),
				schema.Derived("date", schema.Date, "", "key", "Date.", schema.DeriveHourDate),
				schema.Derived("hour", schema.Int64, "", "key", "Hour.", schema.DeriveLocalHour),
				schema.Derived("tz", schema.String, "", "zones", "Zone.", schema.DeriveHourZone),
				schema.Derived("tz_offset", schema.Int64, "s", "zones", "Offset.", schema.DeriveHourOffset),
				schema.Col("n", schema.Int64, "", "by_hour.{H}.n", "Count."),
			},
		},
		{
			Name: "reading_zones", Endpoint: "readings", Parent: "readings", Description: "Zone changes.",
			RowPath: "zones[]", Child: schema.ChildZoneChanges, Source: "zones",
			Columns: []schema.ColumnDecl{
				userCol(), parentCol(),
				schema.Derived("since", schema.Timestamp, "", "zones[][0]", "Start.", schema.DeriveZoneChangeStart),
				schema.Derived("zone", schema.String, "", "zones[][1]", "Zone.", schema.DeriveZoneChangeZone),
				schema.Derived("tz_offset", schema.Int64, "s", "zones[][1] at [0]", "Offset.", schema.DeriveZoneChangeOffset),
			},
		},
		{
			Name: "reading_notes", Endpoint: "readings", Parent: "readings", Description: "Notes.",
			RowPath: "notes[].", Child: schema.ChildRowArray, Source: "notes",
			Columns: []schema.ColumnDecl{
				userCol(), parentCol(),
				schema.Col("text", schema.String, "", "notes[].text", "Text."),
			},
		},
		{
			Name: "samples", Endpoint: "samples", Parent: "readings", Description: "Samples.", Shape: schema.ShapeChildGroup,
			Columns: []schema.ColumnDecl{
				userCol(), parentCol(),
				schema.Col("v", schema.Int64, "", "v", "Value."),
			},
		},
		{
			Name: "daily", Endpoint: "daily", Description: "Days.", Shape: schema.ShapeDatePair, RowPath: "days[][1].",
			Columns: []schema.ColumnDecl{
				userCol(),
				schema.Derived("day", schema.Date, "", "days[][0]", "Day.", schema.DerivePairDate),
				schema.Col("ok", schema.Bool, "", "days[][1].ok", "Fine."),
			},
		},
	}
}

// TestCatalogFlattensEveryShape flattens one item of each shape of the
// small API and compares every row.
func TestCatalogFlattensEveryShape(t *testing.T) {
	cat, err := schema.NewCatalog(tinyDecls()...)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(cat.Endpoints(), " "); got != "readings samples daily" {
		t.Errorf("Endpoints = %s", got)
	}
	var rows []string
	emit := func(b *schema.Batch) error {
		for r := 0; r < b.Len; r++ {
			var cells []string
			for i, c := range b.Table.Columns {
				cells = append(cells, c.Name+"="+renderValue(c.Type, &b.Cols[i], r))
			}
			rows = append(rows, b.Table.Name+": "+strings.Join(cells, " "))
		}
		return nil
	}
	for _, tc := range []struct{ endpoint, item string }{
		// 2024-01-01T12:00Z; New York (UTC-5) from 2024-01-01T00:00Z on.
		{"readings", `{"id": "r1", "at": 1704110400, "zone": "Europe/Paris", "measure": {"old_value": "2.5"},
			"zones": [[1704067200, "America/New_York"]], "by_hour": {"2024010108": {"n": 2}, "2024010107": {"n": 1}},
			"notes": [{"text": "a"}, null, {"text": "b"}]}`},
		{"samples", `{"parent_xid": "r1", "items": [{"v": 1}, {"v": 2}]}`},
		{"daily", `[20240101, {"ok": true}]`},
	} {
		f, err := cat.NewFlattener(tc.endpoint, "u", nil, schema.Options{}, emit)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.Item([]byte(tc.item)); err != nil {
			t.Fatalf("%s: %v", tc.endpoint, err)
		}
		if err := f.Flush(); err != nil {
			t.Fatal(err)
		}
	}
	want := []string{
		"readings: user_id=u xid=r1 time_created=2024-01-01T12:00:00Z value=2.5 tz=Europe/Paris tz_offset=-18000",
		"reading_hours: user_id=u reading_id=r1 hour_start=2024-01-01T12:00:00Z date=2024-01-01 hour=7 tz=America/New_York tz_offset=-18000 n=1",
		"reading_hours: user_id=u reading_id=r1 hour_start=2024-01-01T13:00:00Z date=2024-01-01 hour=8 tz=America/New_York tz_offset=-18000 n=2",
		"reading_zones: user_id=u reading_id=r1 since=2024-01-01T00:00:00Z zone=America/New_York tz_offset=-18000",
		"reading_notes: user_id=u reading_id=r1 text=a",
		"reading_notes: user_id=u reading_id=r1 text=b",
		"samples: user_id=u reading_id=r1 v=1",
		"samples: user_id=u reading_id=r1 v=2",
		"daily: user_id=u day=2024-01-01 ok=true",
	}
	// Flush emits tables in declaration order.
	if got := strings.Join(rows, "\n"); got != strings.Join(want, "\n") {
		t.Errorf("rows:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
	}
}

// TestNewCatalogErrors: NewCatalog rejects inconsistent declarations with
// an error naming the table, instead of a Flattener failing later.
func TestNewCatalogErrors(t *testing.T) {
	col := func(name string) schema.ColumnDecl { return schema.Col(name, schema.Int64, "", name, "A column.") }
	root := func() *schema.TableDecl {
		return &schema.TableDecl{Name: "r", Endpoint: "e", Columns: []schema.ColumnDecl{col("a"), col("b")}}
	}
	child := func(kind schema.ChildKind, cols ...schema.ColumnDecl) *schema.TableDecl {
		return &schema.TableDecl{Name: "c", Endpoint: "e", Parent: "r", Child: kind, Source: "kids", RowPath: "kids[].", Columns: cols}
	}
	with := func(f func(d *schema.TableDecl)) *schema.TableDecl { d := root(); f(d); return d }
	kid := schema.Col("k", schema.Int64, "", "kids[].k", "A child column.")
	for _, tc := range []struct {
		name  string
		decls []*schema.TableDecl
		want  string // "" means valid
	}{
		{"valid", []*schema.TableDecl{root(), child(schema.ChildRowArray, kid)}, ""},
		{"nil table", []*schema.TableDecl{nil}, "table 0 is nil"},
		{"no name", []*schema.TableDecl{with(func(d *schema.TableDecl) { d.Name = "" })}, `table "": no name`},
		{"no endpoint", []*schema.TableDecl{with(func(d *schema.TableDecl) { d.Endpoint = "" })}, `table "r": no endpoint`},
		{"table twice", []*schema.TableDecl{root(), with(func(d *schema.TableDecl) { d.Endpoint = "f" })}, `table "r": declared twice`},
		{"column twice", []*schema.TableDecl{with(func(d *schema.TableDecl) { d.Columns[1].Name = "a" })}, `column "a" declared twice`},
		{"column without name", []*schema.TableDecl{with(func(d *schema.TableDecl) { d.Columns[1].Name = "" })}, `column "": no name`},
		{"column without path", []*schema.TableDecl{with(func(d *schema.TableDecl) { d.Columns[1].Path = "" })}, `column "b": no path`},
		{"column without type", []*schema.TableDecl{with(func(d *schema.TableDecl) { d.Columns[1].Type = 0 })}, `column "b": unknown type 0`},
		{"extra column", []*schema.TableDecl{with(func(d *schema.TableDecl) { d.Columns[1].Extra = true })}, `column "b": a declared column cannot be extra`},
		{"unknown conversion", []*schema.TableDecl{with(func(d *schema.TableDecl) { d.Columns[1].Conv = 99 })}, "unknown conversion 99"},
		{"unknown derivation", []*schema.TableDecl{with(func(d *schema.TableDecl) { d.Columns[1].Derive = 99 })}, "unknown derivation 99"},
		{"unknown shape", []*schema.TableDecl{with(func(d *schema.TableDecl) { d.Shape = 99 })}, "unknown shape 99"},
		{"unknown child kind", []*schema.TableDecl{root(), child(99, kid)}, "unknown child kind 99"},
		{"derived with alternative", []*schema.TableDecl{with(func(d *schema.TableDecl) {
			d.Columns[1] = schema.Derived("u", schema.String, "", "user", "User.", schema.DeriveUserID).Or("other")
		})}, `column "u": a derived column has no alternative path`},
		{"path bound twice", []*schema.TableDecl{with(func(d *schema.TableDecl) { d.Columns[1].Path = "a" })}, "path a bound twice"},
		{"path both value and object", []*schema.TableDecl{with(func(d *schema.TableDecl) { d.Columns[1].Path = "a.x" })}, "path a is both a value and an object"},
		{"path outside the row", []*schema.TableDecl{root(), child(schema.ChildRowArray, col("k"))}, `path "k" is not below "kids[]."`},
		{"source clashes with a column", []*schema.TableDecl{
			with(func(d *schema.TableDecl) { d.Columns[1].Path = "kids" }), child(schema.ChildRowArray, kid)}, "path kids bound twice"},
		{"time column missing", []*schema.TableDecl{with(func(d *schema.TableDecl) { d.TimeColumn = "t" })}, `time column "t" is not a timestamp or date column`},
		{"time column not a time", []*schema.TableDecl{with(func(d *schema.TableDecl) { d.TimeColumn = "a" })}, `time column "a" is not a timestamp or date column`},
		{"parent not declared", []*schema.TableDecl{with(func(d *schema.TableDecl) { d.Parent = "nope" })}, `parent "nope" is not declared before it`},
		{"child before its parent", []*schema.TableDecl{child(schema.ChildRowArray, kid), root()}, `table "c": parent "r" is not declared before it`},
		{"child as an endpoint's root", []*schema.TableDecl{root(), with(func(d *schema.TableDecl) {
			d.Name, d.Endpoint, d.Parent, d.Child, d.Source = "c", "f", "r", schema.ChildRowArray, "kids"
		})}, `the first table of endpoint "f" must be its root`},
		{"second root", []*schema.TableDecl{root(), child(schema.ChildNone, kid)}, `endpoint "e" already has root table "r"`},
		{"child with a shape", []*schema.TableDecl{root(), func() *schema.TableDecl {
			d := child(schema.ChildRowArray, kid)
			d.Shape = schema.ShapeDatePair
			return d
		}()}, "only an endpoint's root table has a shape"},
		{"child of a pair", []*schema.TableDecl{with(func(d *schema.TableDecl) { d.Shape = schema.ShapeDatePair }), child(schema.ChildRowArray, kid)},
			`root table "r" has no object items`},
		{"child of another table", []*schema.TableDecl{root(), with(func(d *schema.TableDecl) { d.Name, d.Endpoint = "other", "f" }), func() *schema.TableDecl {
			d := child(schema.ChildRowArray, kid)
			d.Parent = "other"
			return d
		}()}, `must have its root table "r" as parent, not "other"`},
		{"child without source", []*schema.TableDecl{root(), func() *schema.TableDecl {
			d := child(schema.ChildRowArray, kid)
			d.Source = ""
			return d
		}()}, "child table without a source path"},
		{"two children of a kind", []*schema.TableDecl{root(), child(schema.ChildRowArray, kid), func() *schema.TableDecl {
			d := child(schema.ChildRowArray, schema.Col("k", schema.Int64, "", "more[].k", "K."))
			d.Name, d.Source, d.RowPath = "c2", "more", "more[]."
			return d
		}()}, `endpoint "e" already has child table "c" of the same kind`},
		{"source without child kind", []*schema.TableDecl{with(func(d *schema.TableDecl) { d.Source = "kids" })}, "a source path without a child kind"},
		{"group without parent", []*schema.TableDecl{with(func(d *schema.TableDecl) { d.Shape = schema.ShapeChildGroup })}, "rows grouped by parent_xid need a parent table"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := schema.NewCatalog(tc.decls...)
			if tc.want == "" {
				if err != nil || c == nil {
					t.Fatalf("NewCatalog: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("NewCatalog error = %v, want one containing %q", err, tc.want)
			}
		})
	}
}

// TestNewCatalogDerivations: each derivation is accepted only where the
// flattener can compute it.
func TestNewCatalogDerivations(t *testing.T) {
	kinds := map[string]func(d schema.Derive) []*schema.TableDecl{
		"root object": func(d schema.Derive) []*schema.TableDecl {
			return []*schema.TableDecl{{Name: "r", Endpoint: "e", Columns: []schema.ColumnDecl{schema.Derived("d", schema.Int64, "", "x", "D.", d)}}}
		},
		"date pair": func(d schema.Derive) []*schema.TableDecl {
			return []*schema.TableDecl{{Name: "r", Endpoint: "e", Shape: schema.ShapeDatePair, Columns: []schema.ColumnDecl{schema.Derived("d", schema.Int64, "", "x", "D.", d)}}}
		},
		"child group": func(d schema.Derive) []*schema.TableDecl {
			return []*schema.TableDecl{
				{Name: "p", Endpoint: "p", Columns: []schema.ColumnDecl{schema.Col("xid", schema.String, "", "xid", "Id.")}},
				{Name: "r", Endpoint: "e", Parent: "p", Shape: schema.ShapeChildGroup, Columns: []schema.ColumnDecl{schema.Derived("d", schema.Int64, "", "x", "D.", d)}},
			}
		},
	}
	for _, k := range []schema.ChildKind{schema.ChildZoneChanges, schema.ChildLocalHourKeyed, schema.ChildRowArray} {
		kinds[fmt.Sprintf("child kind %d", k)] = func(d schema.Derive) []*schema.TableDecl {
			return []*schema.TableDecl{
				{Name: "p", Endpoint: "e", Columns: []schema.ColumnDecl{schema.Col("xid", schema.String, "", "xid", "Id.")}},
				{Name: "r", Endpoint: "e", Parent: "p", Child: k, Source: "kids", RowPath: "kids.", Columns: []schema.ColumnDecl{schema.Derived("d", schema.Int64, "", "x", "D.", d)}},
			}
		}
	}
	allowed := map[schema.Derive][]string{
		schema.DeriveUserID:           {"root object", "date pair", "child group", "child kind 1", "child kind 2", "child kind 3"},
		schema.DeriveZoneOffset:       {"root object", "date pair", "child group", "child kind 1", "child kind 2", "child kind 3"},
		schema.DeriveParentID:         {"child group", "child kind 1", "child kind 2", "child kind 3"},
		schema.DeriveHourStart:        {"child kind 2"},
		schema.DeriveHourDate:         {"child kind 2"},
		schema.DeriveLocalHour:        {"child kind 2"},
		schema.DeriveHourZone:         {"child kind 2"},
		schema.DeriveHourOffset:       {"child kind 2"},
		schema.DeriveZoneChangeStart:  {"child kind 1"},
		schema.DeriveZoneChangeZone:   {"child kind 1"},
		schema.DeriveZoneChangeOffset: {"child kind 1"},
		schema.DerivePairDate:         {"date pair"},
	}
	for d, ok := range allowed {
		for name, decls := range kinds {
			_, err := schema.NewCatalog(decls(d)...)
			want := strings.Contains(" "+strings.Join(ok, " ")+" ", " "+name+" ")
			if want != (err == nil) {
				t.Errorf("derivation %d in a %s table: error %v", d, name, err)
			}
		}
	}
}

// TestCatalogIsImmutable: changing the declarations after NewCatalog, or
// the tables it returns, changes nothing in the catalog.
func TestCatalogIsImmutable(t *testing.T) {
	decls := tinyDecls()
	cat, err := schema.NewCatalog(decls...)
	if err != nil {
		t.Fatal(err)
	}
	decls[0].Name = "changed"
	decls[0].Columns[1].Name = "changed"
	cat.Tables("readings")[0].Columns[2].Name = "changed"
	cat.Endpoints()[0] = "changed"
	tb := cat.AllTables()[0]
	if tb.Name != "readings" || tb.Columns[1].Name != "xid" || tb.Columns[2].Name != "time_created" || cat.Endpoints()[0] != "readings" {
		t.Errorf("catalog changed: %+v, endpoints %v", tb, cat.Endpoints())
	}
}

// TestPrepareReshapesItems: a root table's Prepare runs before discovery
// and flattening, and only a root table may have one.
func TestPrepareReshapesItems(t *testing.T) {
	// The API sends {"v": {"1700000000": 5}}; Prepare turns the keyed
	// object into a row array the flattener knows.
	prep := func(item []byte) ([]byte, error) {
		var in struct{ V map[string]int }
		if err := json.Unmarshal(item, &in); err != nil {
			return nil, err
		}
		out := `{"id":"x","rows":[`
		first := true
		for k, n := range in.V {
			if !first {
				out += ","
			}
			first = false
			out += fmt.Sprintf(`{"at":%s,"n":%d}`, k, n)
		}
		return []byte(out + "]}"), nil
	}
	root := &schema.TableDecl{Name: "series", Endpoint: "series", Prepare: prep,
		Columns: []schema.ColumnDecl{schema.Col("id", schema.String, "", "id", "")}}
	rows := &schema.TableDecl{Name: "series_rows", Endpoint: "series", Parent: "series", Child: schema.ChildRowArray, Source: "rows",
		Columns: []schema.ColumnDecl{schema.Col("at", schema.Timestamp, "", "at", ""), schema.Col("n", schema.Int64, "", "n", "")}}
	cat, err := schema.NewCatalog(root, rows)
	if err != nil {
		t.Fatal(err)
	}
	d := cat.NewDiscoverer("series", schema.Options{StrictSchema: true})
	if err := d.Item([]byte(`{"v":{"1700000000":5}}`)); err != nil {
		t.Fatalf("discover: %v", err)
	}
	var got []int64
	f, err := cat.NewFlattener("series", "u", nil, schema.Options{StrictSchema: true}, func(b *schema.Batch) error {
		if b.Table.Name == "series_rows" {
			got = append(got, b.Cols[0].Ints[:b.Len]...)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Item([]byte(`{"v":{"1700000000":5}}`)); err != nil {
		t.Fatal(err)
	}
	if err := f.Flush(); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0] != 1700000000*1e6 {
		t.Fatalf("rows = %v, want one at 1700000000 s", got)
	}
	if err := f.Item([]byte(`not json`)); err == nil {
		t.Error("a Prepare error was not returned")
	}
	rows.Prepare = prep
	if _, err := schema.NewCatalog(root, rows); err == nil {
		t.Error("NewCatalog took Prepare on a child table")
	}
}
