package report

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/upexport/upexport/export"
	"github.com/upexport/upexport/schema"
)

// synthDay0 is the first day of the synthetic exports.
var synthDay0 = schema.DaysFromYMD(2014, time.March, 3)

// synthTotals are the numbers a synthetic export must show, computed while
// writing it.
type synthTotals struct {
	steps       int64
	nights      int
	first, last int64
}

// synth writes an export of days days through the real export.Sink and
// manifest, with Jawbone's table and column names: moves (no row on every
// seventh day), sleeps, heartrates, body_events (every third day),
// moves_hourly, an events table dated by a timestamp only, and a user
// table with no date. only, when set, limits the tables written.
func synth(t testing.TB, dir string, days int, opts export.Options, only ...string) synthTotals {
	t.Helper()
	col := func(name string, typ schema.Type) schema.Column { return schema.Column{Name: name, Type: typ} }
	tables := []*schema.Table{
		{Name: "user", Columns: []schema.Column{col("user_xid", schema.String), col("weight", schema.Float64)}},
		{Name: "moves", TimeColumn: "time_created", Columns: []schema.Column{col("time_created", schema.Timestamp), col("date", schema.Date), col("steps", schema.Int64)}},
		{Name: "moves_hourly", TimeColumn: "hour_start", Columns: []schema.Column{col("hour_start", schema.Timestamp), col("date", schema.Date), col("local_hour", schema.Int64), col("steps", schema.Int64)}},
		{Name: "sleeps", TimeColumn: "time_created", Columns: []schema.Column{col("time_created", schema.Timestamp), col("date", schema.Date), col("duration", schema.Int64), col("light", schema.Int64), col("sound", schema.Int64), col("awake", schema.Int64)}},
		{Name: "heartrates", TimeColumn: "time_created", Columns: []schema.Column{col("time_created", schema.Timestamp), col("date", schema.Date), col("resting_heartrate", schema.Int64)}},
		{Name: "body_events", TimeColumn: "time_created", Columns: []schema.Column{col("time_created", schema.Timestamp), col("date", schema.Date), col("weight", schema.Float64)}},
		{Name: "events", TimeColumn: "time_created", Columns: []schema.Column{col("time_created", schema.Timestamp), col("note", schema.String)}},
	}
	if len(only) > 0 {
		var kept []*schema.Table
		for _, tb := range tables {
			for _, name := range only {
				if tb.Name == name {
					kept = append(kept, tb)
				}
			}
		}
		tables = kept
	}
	sink, err := export.NewSink(dir, tables, opts)
	if err != nil {
		t.Fatal(err)
	}
	var tot synthTotals
	tot.first, tot.last = synthDay0, synthDay0+int64(days)-1
	for _, tb := range tables {
		b := schema.NewBatch(tb, 1024)
		add := func(vals ...any) {
			for i, v := range vals {
				c := &b.Cols[i]
				switch v := v.(type) {
				case nil:
					switch tb.Columns[i].Type {
					case schema.Float64:
						c.Floats = append(c.Floats, 0)
					case schema.String:
						c.Strs = append(c.Strs, "")
					default:
						c.Ints = append(c.Ints, 0)
					}
					c.Valid = append(c.Valid, false)
					continue
				case int64:
					c.Ints = append(c.Ints, v)
				case float64:
					c.Floats = append(c.Floats, v)
				case string:
					c.Strs = append(c.Strs, v)
				}
				c.Valid = append(c.Valid, true)
			}
			b.Len++
			if b.Len == 1024 {
				if err := sink.Write(b); err != nil {
					t.Fatal(err)
				}
				b.Reset()
			}
		}
		for i := range int64(days) {
			d := synthDay0 + i
			ts := d*86400*1_000_000 + 23*3600*1_000_000 // 23:00 UTC
			switch tb.Name {
			case "user":
				if i == 0 {
					add("u1", 80.5)
				}
			case "moves":
				if i%7 == 6 {
					continue
				}
				steps := 1000 + (i*37)%9000
				tot.steps += steps
				add(ts, d, steps)
			case "moves_hourly":
				if i%7 == 6 {
					continue
				}
				for h := range int64(24) {
					add(ts-(23-h)*3600*1_000_000, d, h, (h*i)%700)
				}
			case "sleeps":
				tot.nights++
				light, sound, awake := 3*3600+(i%60)*60, int64(3*3600), 1200
				add(ts, d, light+sound, light, sound, int64(awake))
			case "heartrates":
				add(ts, d, 55+i%10)
			case "body_events":
				if i%3 == 0 {
					add(ts, d, 80+float64(i%20)/10)
				} else if i%3 == 1 {
					add(ts, d, nil) // a body event without a weight
				}
			case "events":
				add(ts, "note")
			}
		}
		if b.Len > 0 {
			if err := sink.Write(b); err != nil {
				t.Fatal(err)
			}
		}
	}
	results, err := sink.Close()
	if err != nil {
		t.Fatal(err)
	}
	m := export.Manifest{Format: opts.Format, Tables: results, Warnings: []string{"sleeps: 1 value was null under --lenient"}}
	m.Provider, m.Source, m.UserXID, m.ToolVersion = "jawbone", "synthetic", "u1", "test"
	m.RunStart = time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	m.RunEnd = m.RunStart.Add(time.Minute)
	if err := export.WriteManifest(dir, m); err != nil {
		t.Fatal(err)
	}
	return tot
}

// fact returns the data-value of the element with id in a report.
func factValue(t *testing.T, html, id string) string {
	t.Helper()
	m := regexp.MustCompile(`id="` + regexp.QuoteMeta(id) + `" data-value="([^"]*)"`).FindStringSubmatch(html)
	if m == nil {
		t.Fatalf("no %s in the report", id)
	}
	return m[1]
}

// tableCell returns the text of a coverage table cell (class first, last,
// rows) of the named table.
func tableCell(t *testing.T, html, table, class string) string {
	t.Helper()
	re := regexp.MustCompile(`<tr data-table="` + table + `">.*?<td class="(?:n )?` + class + `">([^<]*)</td>`)
	m := re.FindStringSubmatch(html)
	if m == nil {
		t.Fatalf("no %s cell for table %s", class, table)
	}
	return m[1]
}

func TestBuildNumbers(t *testing.T) {
	dir := t.TempDir()
	tot := synth(t, dir, 90, export.Options{Format: export.CSV})
	out, err := Build(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	html := string(out)
	if got, want := factValue(t, html, "total-steps"), itoa(tot.steps); got != want {
		t.Errorf("total steps %s, want %s", got, want)
	}
	if got, want := factValue(t, html, "nights"), itoa(int64(tot.nights)); got != want {
		t.Errorf("nights %s, want %s", got, want)
	}
	for _, tb := range []string{"sleeps", "heartrates", "events"} {
		if got := tableCell(t, html, tb, "first"); got != dayString(tot.first) {
			t.Errorf("%s: first day %s, want %s", tb, got, dayString(tot.first))
		}
		if got := tableCell(t, html, tb, "last"); got != dayString(tot.last) {
			t.Errorf("%s: last day %s, want %s", tb, got, dayString(tot.last))
		}
	}
	// moves has no row on the seventh day: 90 days end on day 89 (i=89, 89%7=5).
	if got := tableCell(t, html, "moves", "days"); got != "78" {
		t.Errorf("moves: %s days with rows, want 78", got)
	}
	if got := tableCell(t, html, "user", "first"); got != "" {
		t.Errorf("user has no date, but the report shows a first day %q", got)
	}
	for _, id := range []string{"coverage", "steps", "sleep", "sleep-stages", "resting-hr", "weight", "hourly"} {
		if !strings.Contains(html, `<svg class="chart" id="`+id+`"`) {
			t.Errorf("no %s chart", id)
		}
	}
	// The legend names the stages drawn: the synthetic sleeps have no rem.
	if !strings.Contains(html, `</i>deep (sound)</span>`) || strings.Contains(html, "REM") {
		t.Error("the sleep stages legend does not match the stages drawn")
	}
	for _, want := range []string{"sleeps: 1 value was null under --lenient", "synthetic", "one day per bar"} {
		if !strings.Contains(html, want) {
			t.Errorf("the report does not say %q", want)
		}
	}
	// No network at view time: nothing is loaded from anywhere.
	for _, bad := range []string{"http://", "https://", "<script", "@import", "url("} {
		if n := strings.Count(html, bad); n > 0 && !(bad == "http://" && n == strings.Count(html, `xmlns="http://www.w3.org/2000/svg"`)) {
			t.Errorf("the report holds %q", bad)
		}
	}
}

func itoa(n int64) string { return strings.TrimSpace(strings.ReplaceAll(thousands(n), ",", "")) }

// The same tables written as CSV, gzipped CSV, Parquet and partitioned
// Parquet make the same report, but for the format named in the provenance.
func TestBuildFormatsAgree(t *testing.T) {
	cases := []struct {
		name string
		opts export.Options
	}{
		{"csv", export.Options{Format: export.CSV}},
		{"csv-gzip-bom", export.Options{Format: export.CSV, Gzip: true, CSVBOM: true}},
		{"parquet", export.Options{Format: export.Parquet, RowGroupRows: 100}},
		{"parquet-month", export.Options{Format: export.Parquet, PartitionBy: "month"}},
		{"csv-year", export.Options{Format: export.CSV, PartitionBy: "year"}},
	}
	var want string
	for _, tc := range cases {
		dir := t.TempDir()
		synth(t, dir, 500, tc.opts)
		out, err := Build(context.Background(), dir)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		got := strings.Replace(string(out), "<dd>"+string(tc.opts.Format)+"</dd>", "<dd>FORMAT</dd>", 1)
		if want == "" {
			want = got
			continue
		}
		if got != want {
			t.Errorf("%s: the report differs from the csv one", tc.name)
		}
	}
}

// Ten years draw per month and stay well under 2 MB.
func TestBuildTenYearsSize(t *testing.T) {
	if testing.Short() {
		t.Skip("writes ten years of tables")
	}
	dir := t.TempDir()
	synth(t, dir, 3650, export.Options{Format: export.Parquet})
	out, err := Build(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("ten years: %d bytes", len(out))
	if len(out) >= 2<<20 {
		t.Errorf("ten years: %d bytes, want under 2 MiB", len(out))
	}
	if !strings.Contains(string(out), "one month per bar") {
		t.Error("ten years are not drawn per month")
	}
}

func TestBuildAbsentTables(t *testing.T) {
	dir := t.TempDir()
	synth(t, dir, 30, export.Options{Format: export.CSV}, "user", "events", "sleeps")
	out, err := Build(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	html := string(out)
	for _, want := range []string{
		"No moves table in this export, so no steps chart.",
		"No heartrates table in this export",
		"No body_events table in this export",
		"No moves_hourly table in this export",
	} {
		if !strings.Contains(html, want) {
			t.Errorf("the report does not say %q", want)
		}
	}
	for _, id := range []string{"steps", "resting-hr", "weight", "hourly"} {
		if strings.Contains(html, `<svg class="chart" id="`+id+`"`) {
			t.Errorf("a %s chart without its table", id)
		}
	}
	for _, id := range []string{"coverage", "sleep", "sleep-stages"} {
		if !strings.Contains(html, `<svg class="chart" id="`+id+`"`) {
			t.Errorf("no %s chart", id)
		}
	}
}

func TestBuildRefusesXLSX(t *testing.T) {
	dir := t.TempDir()
	if err := export.WriteManifest(dir, export.Manifest{Format: export.XLSX}); err != nil {
		t.Fatal(err)
	}
	_, err := Build(context.Background(), dir)
	if err == nil || !strings.Contains(err.Error(), "reads csv and parquet") {
		t.Fatalf("got %v, want an error saying the report reads csv and parquet", err)
	}
}

func TestBuildNoExport(t *testing.T) {
	_, err := Build(context.Background(), t.TempDir())
	if err == nil {
		t.Fatal("no error for a directory without a manifest")
	}
}

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	synth(t, dir, 10, export.Options{Format: export.CSV})
	path, size, err := Write(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Size() != size || path != filepath.Join(dir, Name) {
		t.Fatalf("Write: %s, %d bytes; stat %v, %v", path, size, fi, err)
	}
}

func TestReadCSVBadValue(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "t.csv"), []byte("date,steps\n2015-01-01,12\n2015-13-01,3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tr := export.TableResult{Name: "t", Files: []export.FileResult{{Path: "t.csv"}},
		Columns: []export.ColumnInfo{{Name: "date", Type: "date"}, {Name: "steps", Type: "int64"}}}
	_, err := readTable(context.Background(), dir, export.CSV, tr, []string{"date", "steps"})
	if err == nil || !strings.Contains(err.Error(), "line 3, column date") {
		t.Fatalf("got %v, want an error naming line 3, column date", err)
	}
	tr.Files[0].Path = "t.csv"
	if err := os.WriteFile(filepath.Join(dir, "t.csv"), []byte("date,steps\n2015-01-01,\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := readTable(context.Background(), dir, export.CSV, tr, []string{"date", "steps", "nope"})
	if err != nil {
		t.Fatal(err)
	}
	if c.rows != 1 || !math.IsNaN(c.get("steps")[0]) || c.get("date")[0] != float64(schema.DaysFromYMD(2015, 1, 1)) || c.get("nope") != nil {
		t.Fatalf("read %+v", c)
	}
}
