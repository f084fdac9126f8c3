package jawbone

import (
	"slices"
	"strings"
	"testing"

	"github.com/upexport/upexport/schema"
)

// TestCatalog: the declarations are consistent (NewCatalog accepts them,
// so Catalog cannot panic), and Catalog is built once.
func TestCatalog(t *testing.T) {
	if _, err := schema.NewCatalog(decls()...); err != nil {
		t.Fatal(err)
	}
	if Catalog() != Catalog() {
		t.Error("Catalog built twice")
	}
	if got, want := len(Catalog().AllTables()), len(decls()); got != want {
		t.Errorf("%d tables in the catalog, %d declared", got, want)
	}
}

func TestDeclarations(t *testing.T) {
	wantTables := []string{
		"user", "friends", "moves", "sleeps", "workouts", "heartrates", "body_events", "cardiac_events",
		"generic_events", "meals", "mood", "bandevents", "trends", "goals", "settings", "timezone",
		"moves_hourly", "moves_tzs", "sleeps_tzs", "workouts_tzs", "moves_ticks", "sleeps_ticks", "workouts_ticks", "meal_items",
	}
	var names []string
	for _, tb := range Catalog().AllTables() {
		names = append(names, tb.Name)
		if tb.Description == "" {
			t.Errorf("%s: no description", tb.Name)
		}
		if tb.Columns[0].Name != "user_xid" {
			t.Errorf("%s: first column %s, want user_xid", tb.Name, tb.Columns[0].Name)
		}
		if tb.TimeColumn != "" {
			if i := tb.ColumnIndex(tb.TimeColumn); i < 0 || (tb.Columns[i].Type != schema.Timestamp && tb.Columns[i].Type != schema.Date) {
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
			if _, err := schema.ParseType(c.Type.String()); err != nil {
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

// TestCatalogMatchesResources: the tables and the resources name the same
// resources, so no resource's items go unflattened and no table waits for
// a resource that is never fetched.
func TestCatalogMatchesResources(t *testing.T) {
	var fetched []string
	for _, ep := range New().Resources {
		fetched = append(fetched, ep.Name)
	}
	declared := Catalog().Endpoints()
	slices.Sort(fetched)
	slices.Sort(declared)
	if !slices.Equal(fetched, declared) {
		t.Errorf("fetched endpoints %v, endpoints with tables %v", fetched, declared)
	}
}
