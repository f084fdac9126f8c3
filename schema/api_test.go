package schema

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestDeclarations(t *testing.T) {
	wantTables := []string{
		"user", "friends", "moves", "sleeps", "workouts", "heartrates", "body_events", "cardiac_events",
		"generic_events", "meals", "mood", "bandevents", "trends", "goals", "settings", "timezone",
		"moves_hourly", "moves_tzs", "sleeps_tzs", "workouts_tzs", "moves_ticks", "sleeps_ticks", "workouts_ticks", "meal_items",
	}
	var names []string
	for _, tb := range AllTables() {
		names = append(names, tb.Name)
		if tb.Description == "" {
			t.Errorf("%s: no description", tb.Name)
		}
		if tb.Columns[0].Name != "user_xid" {
			t.Errorf("%s: first column %s, want user_xid", tb.Name, tb.Columns[0].Name)
		}
		if tb.TimeColumn != "" {
			if i := tb.ColumnIndex(tb.TimeColumn); i < 0 || (tb.Columns[i].Type != Timestamp && tb.Columns[i].Type != Date) {
				t.Errorf("%s: time column %q is not a timestamp or date column", tb.Name, tb.TimeColumn)
			}
		}
		if tb.Parent != "" {
			parentXID := map[string]string{"moves": "move_xid", "sleeps": "sleep_xid", "workouts": "workout_xid", "meals": "meal_xid"}[tb.Parent]
			if tb.ColumnIndex(parentXID) != 1 {
				t.Errorf("%s: no %s in second place", tb.Name, parentXID)
			}
		}
		for _, c := range tb.Columns {
			if c.Description == "" || c.Path == "" || c.Type.String() == "" || strings.Contains(c.Description, "\n") {
				t.Errorf("%s.%s: missing description, path or type, or a multi-line description", tb.Name, c.Name)
			}
			if _, err := ParseType(c.Type.String()); err != nil {
				t.Errorf("%s.%s: %v", tb.Name, c.Name, err)
			}
		}
	}
	for _, w := range wantTables {
		if !slices.Contains(names, w) {
			t.Errorf("table %s not declared", w)
		}
	}
	if len(names) != len(wantTables) {
		t.Errorf("%d tables declared, want %d: %v", len(names), len(wantTables), names)
	}
}

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
		for _, tb := range Tables(endpoint) {
			got = append(got, tb.Name)
		}
		if !slices.Equal(got, want) {
			t.Errorf("Tables(%q) = %v, want %v", endpoint, got, want)
		}
	}
	for _, e := range Endpoints() {
		if len(Tables(e)) == 0 {
			t.Errorf("endpoint %s has no tables", e)
		}
	}
	// Copies: changing one does not change the declarations.
	Tables("moves")[0].Columns[1].Name = "changed"
	if Tables("moves")[0].Columns[1].Name != "xid" {
		t.Error("Tables returned shared declarations")
	}
}

func TestNewFlattenerErrors(t *testing.T) {
	emit := func(*Batch) error { return nil }
	if _, err := NewFlattener("nope", "u", nil, Options{}, emit); err == nil {
		t.Error("unknown endpoint accepted")
	}
	if _, err := NewFlattener("moves", "u", Tables("sleeps"), Options{}, emit); err == nil {
		t.Error("a sleeps table accepted for moves")
	}
	bad := Tables("moves")
	bad[0].Columns = append(bad[0].Columns, Column{Name: "invented", Type: Int64, Path: "details.invented"})
	if _, err := NewFlattener("moves", "u", bad, Options{}, emit); err == nil {
		t.Error("an undeclared, non-extra column accepted")
	}
}

func TestValueError(t *testing.T) {
	f, err := NewFlattener("moves", "u", Tables("moves"), Options{}, func(*Batch) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	err = f.Item([]byte(`{"details": {"steps": "abc"}, "xid": "m1"}`))
	var ve *ValueError
	if !errors.As(err, &ve) {
		t.Fatalf("error %v is not a *ValueError", err)
	}
	want := ValueError{Table: "moves", Column: "steps", XID: "m1", Value: `"abc"`, Want: "an integer"}
	if *ve != want {
		t.Errorf("got %+v, want %+v", *ve, want)
	}
	// In a child row the error names the child table and the parent item.
	f, _ = NewFlattener("moves", "u", Tables("moves"), Options{}, func(*Batch) error { return nil })
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
	var batches []*Batch
	emit := func(b *Batch) error {
		rows[b.Table.Name] += b.Len
		batches = append(batches, b)
		return nil
	}
	f, err := NewFlattener("moves", "u", Tables("moves"), Options{BatchRows: 1}, emit)
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
	f, _ = NewFlattener("moves", "u", Tables("moves")[1:2], Options{}, emit)
	if err := f.Item([]byte(`{"xid": "c", "details": {"tz": "Europe/London", "hourly_totals": {"2016031109": {"steps": 5}}}}`)); err != nil {
		t.Fatal(err)
	}
	f.Flush()
	if rows["moves"] != 0 || rows["moves_hourly"] != 1 {
		t.Errorf("rows = %v, want only moves_hourly", rows)
	}
}

func TestDiscoverer(t *testing.T) {
	d := NewDiscoverer("moves", Options{})
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
	declared := len(Tables("moves")[0].Columns)
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
	f, err := NewFlattener("moves", "u", tables, Options{}, func(b *Batch) error {
		if b.Table.Name == "moves" {
			i := b.Table.ColumnIndex("zeta")
			got = append(got, renderValue(Float64, &b.Cols[i], 0))
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

	d = NewDiscoverer("moves", Options{StrictSchema: true})
	err = d.Item([]byte(`{"xid": "s1", "details": {"vo2": 40}}`))
	var ue *UnknownFieldError
	if !errors.As(err, &ue) || ue.Path != "details.vo2" || ue.XID != "s1" {
		t.Errorf("strict discovery: %v", err)
	}
	if err := NewDiscoverer("nope", Options{}).Item([]byte(`{}`)); err == nil {
		t.Error("unknown endpoint accepted")
	}
}
