package engine

import (
	"bytes"
	"github.com/upexport/upexport/providers/jawbone"
	"os"
	"path/filepath"
	"testing"

	"github.com/upexport/upexport/export"
	"github.com/upexport/upexport/fetch/archive"
	"github.com/upexport/upexport/providers/jawbone/upserver"
	"github.com/upexport/upexport/schema"
)

// changesOf is each table's Changes from the manifest, checked to add up to
// its rows: a row made outside an item would be counted nowhere.
func changesOf(t *testing.T, dir string) map[string]*export.RowChanges {
	t.Helper()
	m, err := export.ReadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*export.RowChanges{}
	for _, tb := range m.Tables {
		if c := tb.Changes; c != nil && c.Added+c.Changed+c.Unchanged != tb.Rows {
			t.Errorf("%s: %d rows, but %+v", tb.Name, tb.Rows, *c)
		}
		out[tb.Name] = tb.Changes
	}
	return out
}

// TestRowChanges: every table, child tables and ticks included, counts its
// rows as added, changed or unchanged since the previous export, in
// incremental and full runs, with one flatten worker or several.
func TestRowChanges(t *testing.T) {
	d := newDemo(t, upserver.Config{Seed: 5, Days: 30}, allReadScopes)
	out := filepath.Join(t.TempDir(), "out")
	eps := []string{jawbone.Moves, "meals", "bandevents"}
	run := func(incremental bool) map[string]*export.RowChanges {
		t.Helper()
		cfg := d.config(t, out, eps, true)
		cfg.Incremental = incremental
		mustRun(t, cfg)
		return changesOf(t, out)
	}

	first := run(true)
	for _, name := range []string{jawbone.Moves, "moves_hourly", "moves_ticks", "meals", "meal_items", "bandevents"} {
		c := first[name]
		if c == nil || c.Added == 0 || c.Changed != 0 || c.Unchanged != 0 {
			t.Errorf("first run, %s: %+v; want every row added", name, c)
		}
	}

	same := run(true)
	for name, c := range same {
		if c == nil || c.Added != 0 || c.Changed != 0 {
			t.Errorf("nothing changed, %s: %+v", name, c)
		}
	}

	for ep, n := range map[string][2]int{jawbone.Moves: {2, 3}, "meals": {1, 2}, "bandevents": {4, 0}} {
		if err := d.srv.Touch(0, ep, n[0], n[1]); err != nil {
			t.Fatal(err)
		}
	}
	touched := run(true)
	want := map[string][2]int64{jawbone.Moves: {2, 3}, "meals": {1, 2}, "bandevents": {4, 0}}
	for name, w := range want {
		if c := touched[name]; c == nil || c.Added != w[0] || c.Changed != w[1] || c.Unchanged != same[name].Unchanged-w[1] {
			t.Errorf("%s: %+v; want %d added, %d changed, the rest unchanged", name, c, w[0], w[1])
		}
	}
	for _, name := range []string{"moves_hourly", "meal_items"} {
		if c := touched[name]; c == nil || c.Added == 0 || c.Changed == 0 || c.Unchanged == 0 {
			t.Errorf("%s: %+v; want rows of each kind", name, c)
		}
	}
	// An edit changes a move's summary, not its minutes: the tick groups
	// of the edited moves are fetched again but are the same.
	if c := touched["moves_ticks"]; c == nil || c.Added == 0 || c.Changed != 0 || c.Unchanged != same["moves_ticks"].Unchanged {
		t.Errorf("moves_ticks: %+v", c)
	}

	// A full run compares with the export it replaces just the same.
	if full := run(false); full[jawbone.Moves].Unchanged != touched[jawbone.Moves].Rows() {
		t.Errorf("full run after no change: %+v", full[jawbone.Moves])
	}

	// An export from before this was recorded: no counts rather than
	// wrong ones.
	if err := os.Remove(filepath.Join(out, rawDir, digestFile)); err != nil {
		t.Fatal(err)
	}
	for name, c := range run(true) {
		if c != nil {
			t.Errorf("%s: %+v, but the previous export recorded nothing", name, c)
		}
	}
	// A lost cache: everything is new again.
	if err := os.RemoveAll(out); err != nil {
		t.Fatal(err)
	}
	for name, c := range run(true) {
		if c == nil || c.Changed != 0 || c.Unchanged != 0 {
			t.Errorf("after the export was removed, %s: %+v", name, c)
		}
	}
}

// TestRowChangesObject: an endpoint that is one object (goals), which has
// no xid, counts an edit as changed, not as a new row.
func TestRowChangesObject(t *testing.T) {
	d := newDemo(t, upserver.Config{Seed: 5, Days: 5}, allReadScopes)
	out := filepath.Join(t.TempDir(), "out")
	mustRun(t, d.config(t, out, []string{"goals"}, false))
	prev, known, err := readPrevDigests(out)
	if err != nil || !known || len(prev["goals"]) != 1 {
		t.Fatalf("digests %v, %v, %v", prev, known, err)
	}
	var line []byte
	if err := archive.Each(archive.Path(filepath.Join(out, rawDir), "goals"), func(l []byte) error {
		line = bytes.Clone(l)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		line []byte
		want export.RowChanges
	}{
		{"same", line, export.RowChanges{Unchanged: 1}},
		{"edited", bytes.Replace(line, []byte(`{`), []byte(`{"meta_note":1,`), 1), export.RowChanges{Changed: 1}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := archive.Path(t.TempDir(), "goals")
			w, err := archive.Create(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := w.Write(tt.line); err != nil {
				t.Fatal(err)
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			tr := newChangeTracker(prev["goals"])
			tr.object = true
			if _, err := flattenTracked(t.Context(), upTables, path, "goals", "u", nil, schema.Options{}, 1, func(*schema.Batch) error { return nil }, tr); err != nil {
				t.Fatal(err)
			}
			c := tr.count["goals"]
			if c == nil || (export.RowChanges{Added: c[rowAdded], Changed: c[rowChanged], Unchanged: c[rowUnchanged]}) != tt.want {
				t.Errorf("%v, want %+v", c, tt.want)
			}
		})
	}
}
