package schema_test

import (
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/upexport/upexport/schema"
)

var update = flag.Bool("update", false, "rewrite the golden files and docs/schema.md")

const fixtureDir = "../testdata/schema"

// fixtureItems splits a fixture into the raw items the export engine passes
// to Item. A fixture is a recorded-style response envelope, or an array of
// them (pages, or one GET /meals/{xid} per meal); tick fixtures are arrays
// of {"parent_xid", "response"}.
func fixtureItems(t testing.TB, endpoint, file string) (userXID string, items [][]byte) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(fixtureDir, file))
	if err != nil {
		t.Fatal(err)
	}
	type envelope struct {
		Meta struct {
			UserXID string `json:"user_xid"`
		} `json:"meta"`
		Data json.RawMessage `json:"data"`
	}
	var envs []envelope
	if strings.HasSuffix(endpoint, "_ticks") {
		var parents []struct {
			ParentXID string   `json:"parent_xid"`
			Response  envelope `json:"response"`
		}
		if err := json.Unmarshal(raw, &parents); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		for _, p := range parents {
			var data struct{ Items json.RawMessage }
			if err := json.Unmarshal(p.Response.Data, &data); err != nil {
				t.Fatal(err)
			}
			userXID = p.Response.Meta.UserXID
			items = append(items, fmt.Appendf(nil, `{"parent_xid": %q, "items": %s}`, p.ParentXID, data.Items))
		}
		return userXID, items
	}
	if strings.HasPrefix(strings.TrimSpace(string(raw)), "[") {
		if err := json.Unmarshal(raw, &envs); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
	} else {
		var e envelope
		if err := json.Unmarshal(raw, &e); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		envs = []envelope{e}
	}
	for _, e := range envs {
		userXID = e.Meta.UserXID
		var list []json.RawMessage
		switch endpoint {
		case "user", "goals", "settings", "mood", "meals":
			list = []json.RawMessage{e.Data}
		case "timezone":
			err = json.Unmarshal(e.Data, &list)
		case "trends":
			var d struct{ Data []json.RawMessage }
			err = json.Unmarshal(e.Data, &d)
			list = d.Data
		default:
			var d struct{ Items []json.RawMessage }
			err = json.Unmarshal(e.Data, &d)
			list = d.Items
		}
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		for _, it := range list {
			items = append(items, it)
		}
	}
	return userXID, items
}

// renderValue formats one value for the golden files.
func renderValue(t schema.Type, v *schema.Vector, i int) string {
	if !v.Valid[i] {
		return "NULL"
	}
	switch t {
	case schema.Int64:
		return strconv.FormatInt(v.Ints[i], 10)
	case schema.Timestamp:
		return schema.TimeFromMicros(v.Ints[i]).Format("2006-01-02T15:04:05.999999Z07:00")
	case schema.Date:
		return schema.DateFromDays(v.Ints[i]).Format("2006-01-02")
	case schema.Float64:
		return strconv.FormatFloat(v.Floats[i], 'g', -1, 64)
	case schema.Bool:
		return strconv.FormatBool(v.Bools[i])
	case schema.String:
		return v.Strs[i]
	}
	return "?"
}

// collector renders emitted batches as CSV, per table, checking the batch
// invariants on the way.
type collector struct {
	t    testing.TB
	rows map[string][][]string
}

func (c *collector) emit(b *schema.Batch) error {
	if b.Len == 0 {
		c.t.Errorf("%s: empty batch emitted", b.Table.Name)
	}
	for j, col := range b.Table.Columns {
		v := &b.Cols[j]
		n := map[schema.Type]int{schema.Int64: len(v.Ints), schema.Timestamp: len(v.Ints), schema.Date: len(v.Ints), schema.Float64: len(v.Floats), schema.Bool: len(v.Bools), schema.String: len(v.Strs)}[col.Type]
		if n != b.Len || len(v.Valid) != b.Len {
			c.t.Fatalf("%s.%s: %d values, %d valid flags, batch has %d rows", b.Table.Name, col.Name, n, len(v.Valid), b.Len)
		}
	}
	for i := 0; i < b.Len; i++ {
		row := make([]string, len(b.Table.Columns))
		for j, col := range b.Table.Columns {
			row[j] = renderValue(col.Type, &b.Cols[j], i)
		}
		c.rows[b.Table.Name] = append(c.rows[b.Table.Name], row)
	}
	return nil
}

type fixtureCase struct {
	name       string // golden file name
	endpoint   string
	file       string
	opts       schema.Options
	noDiscover bool   // flatten with the declared tables only
	wantErr    string // the run must fail with this text
}

var fixtureCases = []fixtureCase{
	{name: "moves_2016", endpoint: "moves", file: "moves_2016.json"},
	{name: "moves_travel", endpoint: "moves", file: "moves_travel.json"},
	{name: "moves_dst", endpoint: "moves", file: "moves_dst.json"},
	{name: "moves_zones", endpoint: "moves", file: "moves_zones.json"},
	{name: "moves_empty", endpoint: "moves", file: "moves_empty.json"},
	{name: "moves_unknown", endpoint: "moves", file: "moves_unknown.json"},
	{name: "moves_unknown_nodiscovery", endpoint: "moves", file: "moves_unknown.json", noDiscover: true},
	{name: "moves_unknown_strict", endpoint: "moves", file: "moves_unknown.json", opts: schema.Options{StrictSchema: true},
		wantErr: "moves item Unk1Vgc8hNwHq2JuZvUbrUtHQ0bBkY5y: field new_flag is not in the schema"},
	{name: "moves_wrongtype", endpoint: "moves", file: "moves_wrongtype.json",
		wantErr: `moves item Bad1Vgc8hNwHq2JuZvUbrUtHQ0bBkY5y: column steps: value "abc" is not an integer`},
	{name: "moves_wrongtype_lenient", endpoint: "moves", file: "moves_wrongtype.json", opts: schema.Options{Lenient: true}},
	{name: "moves_ticks", endpoint: "moves_ticks", file: "moves_ticks.json"},
	{name: "sleeps_v11", endpoint: "sleeps", file: "sleeps_v11.json"},
	{name: "sleeps_v10", endpoint: "sleeps", file: "sleeps_v10.json"},
	{name: "sleeps_ticks", endpoint: "sleeps_ticks", file: "sleeps_ticks.json"},
	{name: "workouts", endpoint: "workouts", file: "workouts.json"},
	{name: "workouts_ticks", endpoint: "workouts_ticks", file: "workouts_ticks.json"},
	{name: "heartrates", endpoint: "heartrates", file: "heartrates.json"},
	{name: "body_events", endpoint: "body_events", file: "body_events.json"},
	{name: "cardiac_events", endpoint: "cardiac_events", file: "cardiac_events.json"},
	{name: "generic_events", endpoint: "generic_events", file: "generic_events.json"},
	{name: "meals", endpoint: "meals", file: "meals.json"},
	{name: "mood", endpoint: "mood", file: "mood.json"},
	{name: "bandevents", endpoint: "bandevents", file: "bandevents.json"},
	{name: "trends", endpoint: "trends", file: "trends.json"},
	{name: "user", endpoint: "user", file: "user.json"},
	{name: "friends", endpoint: "friends", file: "friends.json"},
	{name: "goals", endpoint: "goals", file: "goals.json"},
	{name: "settings", endpoint: "settings", file: "settings.json"},
	{name: "timezone", endpoint: "timezone", file: "timezone.json"},
}

// runFixture flattens a fixture as the export engine would (discovery pass,
// then flatten pass) and renders every table, the stats and the warnings.
func runFixture(t testing.TB, fc fixtureCase) (string, map[string]int, error) {
	userXID, items := fixtureItems(t, fc.endpoint, fc.file)
	var warnings []string
	opts := fc.opts
	opts.Warn = func(msg string) { warnings = append(warnings, msg) }
	opts.BatchRows = 2 // several batches per table, so batch reuse is exercised
	tables := jb.Tables(fc.endpoint)
	if !fc.noDiscover {
		d := jb.NewDiscoverer(fc.endpoint, opts)
		for _, it := range items {
			if err := d.Item(it); err != nil {
				return "", nil, err
			}
		}
		tables = d.Tables()
	}
	c := &collector{t: t, rows: map[string][][]string{}}
	f, err := jb.NewFlattener(fc.endpoint, userXID, tables, opts, c.emit)
	if err != nil {
		return "", nil, err
	}
	for _, it := range items {
		if err := f.Item(it); err != nil {
			return "", nil, err
		}
	}
	if err := f.Flush(); err != nil {
		return "", nil, err
	}
	var sb strings.Builder
	counts := map[string]int{}
	st := f.Stats()
	for _, tb := range tables {
		rows := c.rows[tb.Name]
		counts[tb.Name] = len(rows)
		if int64(len(rows)) != st.Rows[tb.Name] {
			t.Errorf("%s: Stats.Rows = %d, emitted %d", tb.Name, st.Rows[tb.Name], len(rows))
		}
		fmt.Fprintf(&sb, "## %s (%d rows)\n", tb.Name, len(rows))
		w := csv.NewWriter(&sb)
		header := make([]string, len(tb.Columns))
		for i, col := range tb.Columns {
			header[i] = col.Name + ":" + col.Type.String()
			if col.Extra {
				header[i] += "(extra)"
			}
		}
		w.Write(header)
		w.WriteAll(rows)
		sb.WriteString("\n")
	}
	fmt.Fprintf(&sb, "## stats\nitems %d\n", st.Items)
	for _, m := range []struct {
		name string
		m    map[string]int64
	}{{"lenient_nulls", st.LenientByColumn}, {"unknown_fields", st.UnknownFields}, {"unresolved_zones", st.UnresolvedZones}} {
		for _, k := range sortedKeys(m.m) {
			fmt.Fprintf(&sb, "%s %s: %d\n", m.name, k, m.m[k])
		}
	}
	if len(warnings) > 0 {
		sb.WriteString("\n## warnings\n")
		for _, w := range warnings {
			sb.WriteString(w + "\n")
		}
	}
	return sb.String(), counts, nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func TestFixtures(t *testing.T) {
	covered := map[string]int{}
	for _, fc := range fixtureCases {
		t.Run(fc.name, func(t *testing.T) {
			got, counts, err := runFixture(t, fc)
			if fc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), fc.wantErr) {
					t.Fatalf("error = %v, want one containing %q", err, fc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for k, n := range counts {
				covered[k] += n
			}
			checkGolden(t, filepath.Join(fixtureDir, "golden", fc.name+".txt"), got)
		})
	}
	// Every table must have rows in some fixture, or its golden proves nothing.
	if !t.Failed() {
		for _, tb := range jb.AllTables() {
			if covered[tb.Name] == 0 {
				t.Errorf("no fixture produces rows of table %s", tb.Name)
			}
		}
	}
}

func checkGolden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./schema -update to create it)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from the output (go test ./schema -update rewrites it):\n%s", path, lineDiff(string(want), got))
	}
}

// lineDiff shows the first differing lines of two texts.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var sb strings.Builder
	shown := 0
	for i := 0; i < max(len(w), len(g)) && shown < 10; i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			fmt.Fprintf(&sb, "line %d:\n- %s\n+ %s\n", i+1, wl, gl)
			shown++
		}
	}
	return sb.String()
}
