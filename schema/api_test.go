package schema_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/upexport/upexport/schema"
)

func TestTablesPerEndpoint(t *testing.T) {
	for endpoint, want := range map[string][]string{
		"moves":       {"moves", "moves_hourly", "moves_tzs"},
		"moves_ticks": {"moves_ticks"},
		"meals":       {"meals", "meal_items"},
		"sleeps":      {"sleeps", "sleeps_tzs"},
		"trends":      {"trends"},
		"nope":        nil,
	} {
		var got []string
		for _, tb := range jb.Tables(endpoint) {
			got = append(got, tb.Name)
		}
		if !slices.Equal(got, want) {
			t.Errorf("Tables(%q) = %v, want %v", endpoint, got, want)
		}
	}
	for _, e := range jb.Endpoints() {
		if len(jb.Tables(e)) == 0 {
			t.Errorf("endpoint %s has no tables", e)
		}
	}
	// Copies: changing one does not change the declarations.
	jb.Tables("moves")[0].Columns[1].Name = "changed"
	if jb.Tables("moves")[0].Columns[1].Name != "xid" {
		t.Error("Tables returned shared declarations")
	}
}

func TestNewFlattenerErrors(t *testing.T) {
	emit := func(*schema.Batch) error { return nil }
	if _, err := jb.NewFlattener("nope", "u", nil, schema.Options{}, emit); err == nil {
		t.Error("unknown endpoint accepted")
	}
	if _, err := jb.NewFlattener("moves", "u", jb.Tables("sleeps"), schema.Options{}, emit); err == nil {
		t.Error("a sleeps table accepted for moves")
	}
	bad := jb.Tables("moves")
	bad[0].Columns = append(bad[0].Columns, schema.Column{Name: "invented", Type: schema.Int64, Path: "details.invented"})
	if _, err := jb.NewFlattener("moves", "u", bad, schema.Options{}, emit); err == nil {
		t.Error("an undeclared, non-extra column accepted")
	}
}

func TestValueError(t *testing.T) {
	f, err := jb.NewFlattener("moves", "u", jb.Tables("moves"), schema.Options{}, func(*schema.Batch) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	err = f.Item([]byte(`{"details": {"steps": "abc"}, "xid": "m1"}`))
	var ve *schema.ValueError
	if !errors.As(err, &ve) {
		t.Fatalf("error %v is not a *ValueError", err)
	}
	want := schema.ValueError{Table: "moves", Column: "steps", XID: "m1", Value: `"abc"`, Want: "an integer"}
	if *ve != want {
		t.Errorf("got %+v, want %+v", *ve, want)
	}
	// In a child row the error names the child table and the parent item.
	f, _ = jb.NewFlattener("moves", "u", jb.Tables("moves"), schema.Options{}, func(*schema.Batch) error { return nil })
	err = f.Item([]byte(`{"xid": "m2", "details": {"hourly_totals": {"2016031109": {"steps": true}}}}`))
	if err == nil || !strings.Contains(err.Error(), "moves_hourly item m2 hour 2016031109: column steps: value true is not an integer") {
		t.Errorf("child error: %v", err)
	}
	err = f.Item([]byte(`{"xid": "m3", "details": {"hourly_totals": {"2016-03-11": {"steps": 1}}}}`))
	if err == nil || !strings.Contains(err.Error(), `"2016-03-11" is not a YYYYMMDDHH key`) {
		t.Errorf("bad key: %v", err)
	}
	if err := f.Item([]byte(`{"xid": `)); err == nil {
		t.Error("broken JSON accepted")
	}
}

func TestItemShapes(t *testing.T) {
	rows := map[string]int{}
	var batches []*schema.Batch
	emit := func(b *schema.Batch) error {
		rows[b.Table.Name] += b.Len
		batches = append(batches, b)
		return nil
	}
	f, err := jb.NewFlattener("moves", "u", jb.Tables("moves"), schema.Options{BatchRows: 1}, emit)
	if err != nil {
		t.Fatal(err)
	}
	for _, raw := range []string{`null`, `{}`, `{"xid": "a", "details": null}`, `{"xid": "b", "details": {"hourly_totals": null, "tzs": null}}`} {
		if err := f.Item([]byte(raw)); err != nil {
			t.Fatalf("%s: %v", raw, err)
		}
	}
	if err := f.Flush(); err != nil {
		t.Fatal(err)
	}
	if rows["moves"] != 3 || rows["moves_hourly"] != 0 {
		t.Errorf("rows = %v, want 3 moves rows (null is no item)", rows)
	}
	// One batch per table, reused for every emit.
	for _, b := range batches[1:] {
		if b != batches[0] {
			t.Error("a new batch was allocated for each emit")
		}
	}
	if st := f.Stats(); st.Items != 3 {
		t.Errorf("Stats.Items = %d", st.Items)
	}
	// Only the requested tables are emitted; the rest still parse.
	rows = map[string]int{}
	f, _ = jb.NewFlattener("moves", "u", jb.Tables("moves")[1:2], schema.Options{}, emit)
	if err := f.Item([]byte(`{"xid": "c", "details": {"tz": "Europe/London", "hourly_totals": {"2016031109": {"steps": 5}}}}`)); err != nil {
		t.Fatal(err)
	}
	f.Flush()
	if rows["moves"] != 0 || rows["moves_hourly"] != 1 {
		t.Errorf("rows = %v, want only moves_hourly", rows)
	}
}

func TestDiscoverer(t *testing.T) {
	d := jb.NewDiscoverer("moves", schema.Options{})
	for _, raw := range []string{
		`{"xid": "a", "zeta": 1, "details": {"alpha": 1, "xid": "dup", "hourly_totals": {"2016031100": {"floors": 2}}}}`,
		`{"xid": "b", "zeta": 1.5, "details": {"alpha": "x"}}`,
	} {
		if err := d.Item([]byte(raw)); err != nil {
			t.Fatal(err)
		}
	}
	tables := d.Tables()
	moves := tables[0]
	declared := len(jb.Tables("moves")[0].Columns)
	var extras []string
	for _, c := range moves.Columns[declared:] {
		if !c.Extra {
			t.Errorf("%s not marked extra", c.Name)
		}
		extras = append(extras, c.Name+":"+c.Type.String()+":"+c.Path)
	}
	want := []string{"alpha:string:details.alpha", "details_xid:string:details.xid", "zeta:float64:zeta"}
	if !slices.Equal(extras, want) {
		t.Errorf("extras = %v, want %v", extras, want)
	}
	if h := tables[1]; h.Columns[len(h.Columns)-1].Name != "floors" {
		t.Errorf("hourly extras: %v", h.Columns[len(h.Columns)-1])
	}
	// The discovered tables flatten the extras.
	var got []string
	f, err := jb.NewFlattener("moves", "u", tables, schema.Options{}, func(b *schema.Batch) error {
		if b.Table.Name == "moves" {
			i := b.Table.ColumnIndex("zeta")
			got = append(got, renderValue(schema.Float64, &b.Cols[i], 0))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	f.Item([]byte(`{"xid": "a", "zeta": 1}`))
	f.Flush()
	if !slices.Equal(got, []string{"1"}) {
		t.Errorf("zeta = %v", got)
	}

	d = jb.NewDiscoverer("moves", schema.Options{StrictSchema: true})
	err = d.Item([]byte(`{"xid": "s1", "details": {"vo2": 40}}`))
	var ue *schema.UnknownFieldError
	if !errors.As(err, &ue) || ue.Path != "details.vo2" || ue.XID != "s1" {
		t.Errorf("strict discovery: %v", err)
	}
	if err := jb.NewDiscoverer("nope", schema.Options{}).Item([]byte(`{}`)); err == nil {
		t.Error("unknown endpoint accepted")
	}
}
