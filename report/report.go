// Package report writes report.html: a self-contained first look at an
// export (which days each table covers, the person's steps, sleep, heart
// rate and weight, and the manifest's warnings and provenance), drawn as
// inline SVG from the exported files alone, so it needs no network to view
// and works for any provider and for --from-raw.
package report

import (
	"bytes"
	"context"
	_ "embed"
	"fmt"
	"html/template"
	"maps"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/upexport/upexport/export"
	"github.com/upexport/upexport/internal/fsutil"
)

// Name is the report's file name in the export directory.
const Name = "report.html"

//go:embed page.html.tmpl
var pageText string

var page = template.Must(template.New("page").Parse(pageText))

// Write builds the report of the export in dir and writes it to
// dir/report.html atomically. It returns the file's path and size.
func Write(ctx context.Context, dir string) (string, int64, error) {
	html, err := Build(ctx, dir)
	if err != nil {
		return "", 0, err
	}
	path := filepath.Join(dir, Name)
	if err := fsutil.WriteFile(path, html, 0o644); err != nil {
		return "", 0, fmt.Errorf("report: %w", err)
	}
	return path, int64(len(html)), nil
}

// Build reads the export in dir (its manifest.json and the tables' CSV or
// Parquet files) and returns the report's HTML.
func Build(ctx context.Context, dir string) ([]byte, error) {
	m, err := export.ReadManifest(dir)
	if err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	if m.Format != export.CSV && m.Format != export.Parquet {
		return nil, fmt.Errorf("report: %s is a %s export; the report reads csv and parquet tables (export again with --format parquet or csv; --from-raw re-uses the fetched items)", dir, m.Format)
	}
	tables, err := loadTables(ctx, dir, m)
	if err != nil {
		return nil, err
	}
	v := buildView(m, tables)
	var buf bytes.Buffer
	if err := page.Execute(&buf, v); err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	return buf.Bytes(), nil
}

// personal lists the columns read from the tables of the person's days,
// besides each table's day column. These are Jawbone's names; a provider
// without these tables gets coverage only, and the page says so.
var personal = map[string][]string{
	"moves":        {"steps"},
	"sleeps":       {"duration", "light", "sound", "rem", "awake"},
	"heartrates":   {"resting_heartrate"},
	"body_events":  {"weight"},
	"moves_hourly": {"local_hour", "steps"},
}

// table is one manifest table with what the report read of it.
type table struct {
	export.TableResult
	DayCol  string // "" when the table has no date or timestamp column
	DayType string
	Cols    columns
	Days    daySet
}

// dayColumn picks the column that says which day a row belongs to: a date
// column named "date" (the person's local day), else the table's time
// column, else its first date or timestamp column.
func dayColumn(t export.TableResult) (name, typ string) {
	for _, c := range t.Columns {
		if c.Name == "date" && c.Type == "date" {
			return c.Name, c.Type
		}
	}
	for _, c := range t.Columns {
		if c.Name == t.TimeColumn && (c.Type == "date" || c.Type == "timestamp") {
			return c.Name, c.Type
		}
	}
	for _, c := range t.Columns {
		if c.Type == "date" || c.Type == "timestamp" {
			return c.Name, c.Type
		}
	}
	return "", ""
}

func loadTables(ctx context.Context, dir string, m export.Manifest) ([]*table, error) {
	var out []*table
	for _, tr := range m.Tables {
		t := &table{TableResult: tr, Days: daySet{}}
		t.DayCol, t.DayType = dayColumn(tr)
		if t.DayCol != "" && len(tr.Files) > 0 {
			cols, err := readTable(ctx, dir, m.Format, tr, append([]string{t.DayCol}, personal[tr.Name]...))
			if err != nil {
				return nil, fmt.Errorf("report: %w", err)
			}
			t.Cols = cols
			for _, v := range cols.get(t.DayCol) {
				if d, ok := day(t.DayType, v); ok {
					t.Days[d] = true
				}
			}
		}
		out = append(out, t)
	}
	return out, nil
}

// view is what the page template shows.
type view struct {
	Title      string
	Generated  string
	Provenance []fact
	Warnings   []string
	Range      string
	Unit       string
	Coverage   template.HTML
	CoverDesc  string
	Tables     []tableRow
	Facts      []fact // the headline numbers, each with an id for tests
	Charts     []chartView
}

type fact struct {
	ID, Label, Value, Raw string
}

type tableRow struct {
	Name, Rows, First, Last, DaysWith, DayCol, Status string
}

type chartView struct {
	ID, Title, Summary string
	SVG                template.HTML // empty when the table is absent
	Legend             []series      // for charts of more than one series
}

func buildView(m export.Manifest, tables []*table) view {
	v := view{Title: "Export report: " + m.Provider}
	v.Provenance = provenance(m)
	v.Warnings = warnings(m)

	all := daySet{}
	for _, t := range tables {
		for d := range t.Days {
			all[d] = true
		}
	}
	first, last, ok := all.span()
	u := chooseUnit(first, last)
	bs := buckets(first, last, u)
	if ok {
		v.Range = fmt.Sprintf("%s to %s (%s days)", dayString(first), dayString(last), thousands(last-first+1))
	} else {
		v.Range = "no dated rows"
	}
	v.Unit = u.String()

	var rows []coverRow
	for _, t := range tables {
		row := tableRow{Name: t.Name, Rows: thousands(t.Rows), DayCol: t.DayCol, Status: t.Status}
		if f, l, ok := t.Days.span(); ok {
			row.First, row.Last = dayString(f), dayString(l)
			row.DaysWith = thousands(int64(len(t.Days)))
			rows = append(rows, coverRow{Name: t.Name, Frac: cover(t.Days, bs)})
		}
		v.Tables = append(v.Tables, row)
	}
	c := chart{ID: "coverage", Title: "Coverage: days with rows, per table", Unit: u, Buckets: bs}
	c.Desc = fmt.Sprintf("%d tables with dated rows over %s, one strip per table, one cell per %s; the darker the cell, the more of its days have rows; grey: none.",
		len(rows), v.Range, u)
	if len(rows) > 0 {
		v.Coverage = coverageSVG(c, rows)
	}
	v.CoverDesc = c.Desc

	byName := map[string]*table{}
	for _, t := range tables {
		byName[t.Name] = t
	}
	v.Facts, v.Charts = personalCharts(byName, u, bs)
	return v
}

func provenance(m export.Manifest) []fact {
	ts := func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05 UTC") }
	f := []fact{
		{Label: "Provider", Value: m.Provider},
		{Label: "Source", Value: m.Source},
		{Label: "API", Value: m.APIURL},
		{Label: "User", Value: m.UserXID},
	}
	rng := "everything"
	if m.Since != nil || m.Until != nil {
		s, e := "the start", "now"
		if m.Since != nil {
			s = m.Since.UTC().Format(time.DateOnly)
		}
		if m.Until != nil {
			e = m.Until.UTC().Format(time.DateOnly)
		}
		rng = s + " to " + e
	}
	f = append(f,
		fact{Label: "Time range asked for", Value: rng},
		fact{Label: "Exported", Value: ts(m.RunStart) + " to " + ts(m.RunEnd)},
		fact{Label: "Tool version", Value: m.ToolVersion},
		fact{Label: "Schema version", Value: fmt.Sprint(m.SchemaVersion)},
		fact{Label: "Format", Value: string(m.Format)},
	)
	return f
}

// warnings gathers the manifest's warnings, each table's, and every table
// that is not complete.
func warnings(m export.Manifest) []string {
	w := slices.Clone(m.Warnings)
	for _, t := range m.Tables {
		for _, tw := range t.Warnings {
			w = append(w, t.Name+": "+tw)
		}
		if t.Status != "" && t.Status != "complete" {
			w = append(w, t.Name+": "+t.Status)
		}
	}
	return w
}

// absent is the text standing in for a chart whose table is missing.
func absent(tbl, what string) chartView {
	return chartView{ID: "no-" + tbl, Title: what,
		Summary: fmt.Sprintf("No %s table in this export, so no %s chart.", tbl, strings.ToLower(what))}
}

// usable reports whether t was read with all of the columns cols.
func usable(t *table, cols ...string) bool {
	if t == nil || t.DayCol == "" {
		return false
	}
	for _, c := range cols {
		if t.Cols.get(c) == nil {
			return false
		}
	}
	return true
}

func personalCharts(tables map[string]*table, u unit, bs []bucket) ([]fact, []chartView) {
	var facts []fact
	var charts []chartView
	per := map[unit]string{byDay: "per day", byWeek: "mean per day, by week", byMonth: "mean per day, by month"}[u]
	nightPer := map[unit]string{byDay: "per night", byWeek: "mean per night, by week", byMonth: "mean per night, by month"}[u]

	// Steps.
	if t := tables["moves"]; usable(t, "steps") {
		daily := perDay(t.Cols.get(t.DayCol), t.DayType, t.Cols.get("steps"), sum)
		var total float64
		for _, d := range slices.Sorted(maps.Keys(daily)) {
			total += daily[d]
		}
		facts = append(facts,
			fact{ID: "total-steps", Label: "Total steps", Value: thousands(int64(total)), Raw: fmt.Sprint(int64(total))},
			fact{ID: "step-days", Label: "Days with steps", Value: thousands(int64(len(daily))), Raw: fmt.Sprint(len(daily))})
		c := chart{ID: "steps", Title: "Steps, " + per, Unit: u, Buckets: bs}
		c.Desc = seriesSummary("days with steps", daily, "steps", 0)
		charts = append(charts, chartView{ID: c.ID, Title: c.Title, Summary: c.Desc,
			SVG: barSVG(c, []series{{Name: "steps", Color: colBlue, Vals: bucketMean(daily, bs)}})})
	} else {
		charts = append(charts, absent("moves", "Steps"))
	}

	// Sleep: duration and stages per night (the night's date).
	if t := tables["sleeps"]; usable(t, "duration") {
		day := t.Cols.get(t.DayCol)
		dur := perDay(day, t.DayType, t.Cols.get("duration"), sum)
		hours := map[int64]float64{}
		for d, v := range dur {
			hours[d] = v / 3600
		}
		facts = append(facts, fact{ID: "nights", Label: "Nights with sleep", Value: thousands(int64(len(dur))), Raw: fmt.Sprint(len(dur))})
		c := chart{ID: "sleep", Title: "Sleep duration (hours), " + nightPer, Unit: u, Buckets: bs}
		c.Desc = seriesSummary("nights", hours, "h", 1)
		charts = append(charts, chartView{ID: c.ID, Title: c.Title, Summary: c.Desc,
			SVG: barSVG(c, []series{{Name: "asleep", Color: colBlue, Vals: bucketMean(hours, bs)}})})

		stages := []struct{ col, name, color string }{
			{"sound", "deep (sound)", colBlue}, {"light", "light", colSkyBlue}, {"rem", "REM", colPurple}, {"awake", "awake", colOrange},
		}
		var ss []series
		var parts []string
		for _, st := range stages {
			vals := t.Cols.get(st.col)
			if vals == nil {
				continue
			}
			daily := perDay(day, t.DayType, vals, sum)
			h := map[int64]float64{}
			var tot float64
			for _, d := range slices.Sorted(maps.Keys(daily)) {
				h[d] = daily[d] / 3600
				tot += daily[d] / 3600
			}
			if tot == 0 {
				continue // a stage this provider or device does not record
			}
			ss = append(ss, series{Name: st.name, Color: st.color, Vals: bucketMean(h, bs)})
			parts = append(parts, fmt.Sprintf("%s %.1f h", st.name, tot/float64(len(daily))))
		}
		if len(ss) > 0 {
			c := chart{ID: "sleep-stages", Title: "Sleep stages (hours), " + nightPer, Unit: u, Buckets: bs}
			c.Desc = "Mean per night: " + strings.Join(parts, ", ") + ". Bars stack the stages from the bottom in that order."
			cv := chartView{ID: c.ID, Title: c.Title, Summary: c.Desc, SVG: barSVG(c, ss), Legend: ss}
			charts = append(charts, cv)
		} else {
			charts = append(charts, chartView{ID: "no-sleep-stages", Title: "Sleep stages",
				Summary: "The sleeps table has no stage columns (light, sound, awake) with values, so no stages chart."})
		}
	} else {
		charts = append(charts, absent("sleeps", "Sleep"))
	}

	// Resting heart rate.
	if t := tables["heartrates"]; usable(t, "resting_heartrate") {
		daily := perDay(t.Cols.get(t.DayCol), t.DayType, t.Cols.get("resting_heartrate"), mean)
		c := chart{ID: "resting-hr", Title: "Resting heart rate (bpm), " + per, Unit: u, Buckets: bs}
		c.Desc = seriesSummary("days", daily, "bpm", 0)
		charts = append(charts, chartView{ID: c.ID, Title: c.Title, Summary: c.Desc,
			SVG: pointSVG(c, series{Name: "resting heart rate", Color: colVermilion, Vals: bucketMean(daily, bs)})})
	} else {
		charts = append(charts, absent("heartrates", "Resting heart rate"))
	}

	// Weight.
	if t := tables["body_events"]; usable(t, "weight") {
		daily := perDay(t.Cols.get(t.DayCol), t.DayType, t.Cols.get("weight"), mean)
		c := chart{ID: "weight", Title: "Weight (kg), " + per, Unit: u, Buckets: bs}
		c.Desc = seriesSummary("days with a weighing", daily, "kg", 1)
		if len(daily) > 0 {
			charts = append(charts, chartView{ID: c.ID, Title: c.Title, Summary: c.Desc,
				SVG: pointSVG(c, series{Name: "weight", Color: colGreen, Vals: bucketMean(daily, bs)})})
		} else {
			charts = append(charts, chartView{ID: "no-weight", Title: "Weight", Summary: "The body_events table has no weights, so no weight chart."})
		}
	} else {
		charts = append(charts, absent("body_events", "Weight"))
	}

	// Hour of day x date.
	if t := tables["moves_hourly"]; usable(t, "local_hour", "steps") {
		grid := hourGrid(t.Cols.get(t.DayCol), t.DayType, t.Cols.get("local_hour"), t.Cols.get("steps"), bs)
		c := chart{ID: "hourly", Title: "Steps by hour of day (rows, midnight at the top) and " + u.String() + " (columns)", Unit: u, Buckets: bs}
		c.Desc = hourSummary(grid)
		charts = append(charts, chartView{ID: c.ID, Title: c.Title, Summary: c.Desc, SVG: heatSVG(c, grid)})
	} else {
		charts = append(charts, absent("moves_hourly", "Steps by hour of day"))
	}
	return facts, charts
}

// seriesSummary describes daily values in a sentence: how many days, the
// mean, and the lowest and highest day.
func seriesSummary(what string, daily map[int64]float64, unitName string, prec int) string {
	if len(daily) == 0 {
		return "No values."
	}
	var total float64
	lo, hi := int64(0), int64(0)
	first := true
	for _, d := range slices.Sorted(maps.Keys(daily)) {
		v := daily[d]
		total += v
		if first || v < daily[lo] || (v == daily[lo] && d < lo) {
			lo = d
		}
		if first || v > daily[hi] || (v == daily[hi] && d < hi) {
			hi = d
		}
		first = false
	}
	f := func(v float64) string {
		if prec == 0 {
			return thousands(int64(math.Round(v)))
		}
		return fmt.Sprintf("%.*f", prec, v)
	}
	return fmt.Sprintf("%s %s; mean %s %s; lowest %s %s on %s; highest %s %s on %s.",
		thousands(int64(len(daily))), what, f(total/float64(len(daily))), unitName,
		f(daily[lo]), unitName, dayString(lo), f(daily[hi]), unitName, dayString(hi))
}

// hourSummary names the busiest and quietest hours on average.
func hourSummary(grid [][24]float64) string {
	var mean [24]float64
	var n int
	for _, row := range grid {
		if math.IsNaN(row[0]) {
			continue
		}
		n++
		for h, v := range row {
			mean[h] += v
		}
	}
	if n == 0 {
		return "No hourly values."
	}
	busy, quiet := 0, 0
	for h := range mean {
		if mean[h] > mean[busy] {
			busy = h
		}
		if mean[h] < mean[quiet] {
			quiet = h
		}
	}
	return fmt.Sprintf("The busiest hour is %02d:00 to %02d:59 (%s steps on an average day), the quietest %02d:00 to %02d:59 (%s). Darker cells have more steps; blank cells have no data.",
		busy, busy, thousands(int64(math.Round(mean[busy]/float64(n)))), quiet, quiet, thousands(int64(math.Round(mean[quiet]/float64(n)))))
}
