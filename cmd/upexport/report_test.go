package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"math"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/upexport/upexport/report"
)

// findChromium returns Debian's chromium, or skips the test (fails it under
// UPEXPORT_REQUIRE_CHROMIUM=1, as .ci/run sets, which installs it).
func findChromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("UPEXPORT_REQUIRE_CHROMIUM") == "1" {
		t.Fatal("chromium is not installed (apt-get install chromium), and UPEXPORT_REQUIRE_CHROMIUM=1")
	}
	t.Skip("chromium is not installed: apt-get install chromium to run the report's browser test")
	return ""
}

// csvTable reads a CSV file of an export as a header and rows.
func csvTable(t *testing.T, path string) (map[string]int, [][]string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil || len(rows) == 0 {
		t.Fatalf("%s: %d rows, %v", path, len(rows), err)
	}
	idx := map[string]int{}
	for i, h := range rows[0] {
		idx[h] = i
	}
	return idx, rows[1:]
}

// reportFacts is what the page shows, read from the DOM in the browser.
type reportFacts struct {
	Charts []struct {
		ID     string `json:"id"`
		Shapes int    `json:"shapes"`
		Width  int    `json:"width"`
		Title  string `json:"title"`
		Desc   string `json:"desc"`
	} `json:"charts"`
	Facts  map[string]string            `json:"facts"`
	Tables map[string]map[string]string `json:"tables"`
	Width  int                          `json:"width"`
	LoadMs int                          `json:"loadMs"` // navigation start to the load event
}

const collectJS = `(() => {
  const charts = [...document.querySelectorAll('svg.chart')].map(s => ({
    id: s.id,
    shapes: s.querySelectorAll('rect, circle, path').length,
    width: Math.round(s.getBoundingClientRect().width),
    title: (s.querySelector('title') || {}).textContent || '',
    desc: (s.querySelector('desc') || {}).textContent || '',
  }));
  const facts = {};
  document.querySelectorAll('dd[data-value]').forEach(d => { facts[d.id] = d.textContent; });
  const tables = {};
  document.querySelectorAll('tr[data-table]').forEach(r => {
    tables[r.dataset.table] = {
      rows: r.querySelector('.rows').textContent,
      first: r.querySelector('.first').textContent,
      last: r.querySelector('.last').textContent,
    };
  });
  const nav = performance.getEntriesByType('navigation')[0];
  return {charts, facts, tables, width: document.documentElement.scrollWidth, loadMs: Math.round(nav ? nav.loadEventEnd : -1)};
})()`

// TestReportInChromium makes a demo export with --report, opens the page in
// headless Chromium with every network request refused, and checks that
// each chart drew, nothing logged an error, and the numbers shown are the
// tables' as read here from the CSV files.
func TestReportInChromium(t *testing.T) {
	chromium := findChromium(t)
	out := filepath.Join(t.TempDir(), "up-export")
	code, _, stderr := runCLI(t, "export", "--demo", "--demo-days", "90", "--format", "csv", "--report", "--out", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	html := filepath.Join(out, report.Name)
	fi, err := os.Stat(html)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stderr, "report: "+html) {
		t.Errorf("the export does not say where the report is: %s", stderr)
	}
	t.Logf("report.html for 90 days: %d bytes", fi.Size())

	// The numbers, from the CSV files.
	idx, moves := csvTable(t, filepath.Join(out, "moves.csv"))
	var steps int64
	for _, r := range moves {
		if v := r[idx["steps"]]; v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			steps += n
		}
	}
	idx, sleeps := csvTable(t, filepath.Join(out, "sleeps.csv"))
	nights := map[string]bool{}
	for _, r := range sleeps {
		if r[idx["date"]] != "" && r[idx["duration"]] != "" {
			nights[r[idx["date"]]] = true
		}
	}
	span := func(table string) (string, string) {
		idx, rows := csvTable(t, filepath.Join(out, table+".csv"))
		var dates []string
		for _, r := range rows {
			if v := r[idx["date"]]; v != "" {
				dates = append(dates, v)
			}
		}
		slices.Sort(dates)
		return dates[0], dates[len(dates)-1]
	}

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	opts := append(slices.Clone(chromedp.DefaultExecAllocatorOptions[:]),
		chromedp.ExecPath(chromium),
		chromedp.WindowSize(1000, 1400),
		// No network: every host name fails to resolve.
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND"),
	)
	if os.Geteuid() == 0 {
		opts = append(opts, chromedp.NoSandbox) // root in a container
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(allocCtx)
	defer cancelBrowser()

	var mu sync.Mutex
	var problems, requests []string
	err = chromedp.Listen(bctx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch ev := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeWarning {
				var args []string
				for _, a := range ev.Args {
					args = append(args, string(a.Value)+a.Description)
				}
				problems = append(problems, fmt.Sprintf("console.%s: %s", ev.Type, strings.Join(args, " ")))
			}
		case *runtime.EventExceptionThrown:
			problems = append(problems, fmt.Sprintf("exception: %s (line %d)", ev.ExceptionDetails.Text, ev.ExceptionDetails.LineNumber))
		case *log.EventEntryAdded:
			if ev.Entry.Level == log.EntryLevelError || ev.Entry.Level == log.EntryLevelWarning {
				problems = append(problems, fmt.Sprintf("log %s: %s %s", ev.Entry.Level, ev.Entry.Text, ev.Entry.URL))
			}
		case *network.EventRequestWillBeSent:
			requests = append(requests, ev.Request.URL)
		}
	})
	if err != nil {
		t.Fatalf("chromium: %v", err)
	}
	pageURL := (&url.URL{Scheme: "file", Path: filepath.ToSlash(html)}).String()
	if _, err := chromedp.Call(bctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatalf("chromium: %v", err)
	}
	if _, err := chromedp.Call(bctx, log.Enable, cdp.Empty{}); err != nil {
		t.Fatalf("chromium: %v", err)
	}
	if err := chromedp.Do(bctx, chromedp.Navigate(pageURL), chromedp.WaitVisible("#coverage")); err != nil {
		t.Fatalf("chromium: open %s: %v", pageURL, err)
	}
	got, err := chromedp.Run(bctx, chromedp.Evaluate[reportFacts](collectJS))
	if err != nil {
		t.Fatalf("chromium: %v", err)
	}
	shot, err := chromedp.Run(bctx, chromedp.FullScreenshot(100)) // quality 100: PNG
	if err != nil {
		t.Fatalf("chromium: screenshot: %v", err)
	}
	// Chromium's paper is Letter unless the page's @page rule says A4.
	prefer := true
	printed, err := chromedp.Call(bctx, page.PrintToPDF, page.PrintToPDFParams{PreferCSSPageSize: &prefer})
	if err != nil {
		t.Fatalf("chromium: print: %v", err)
	}
	pdf := printed.Data

	t.Logf("loaded in %d ms", got.LoadMs)

	// The screenshot, kept in the test's directory and where asked.
	if !bytes.HasPrefix(shot, []byte("\x89PNG")) {
		t.Fatalf("the screenshot is not a PNG (%d bytes)", len(shot))
	}
	shotPath := filepath.Join(t.TempDir(), "report.png")
	if err := os.WriteFile(shotPath, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	if p := os.Getenv("UPEXPORT_REPORT_SCREENSHOT"); p != "" {
		if err := os.WriteFile(p, shot, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot: %s", p)
	}

	mu.Lock()
	defer mu.Unlock()
	if len(problems) > 0 {
		t.Errorf("the browser reported:\n%s", strings.Join(problems, "\n"))
	}
	for _, u := range requests {
		if !strings.HasPrefix(u, "file://") {
			t.Errorf("the page asked the network for %s", u)
		}
	}

	wantCharts := []string{"coverage", "steps", "sleep", "sleep-stages", "resting-hr", "weight", "hourly"}
	var ids []string
	for _, c := range got.Charts {
		ids = append(ids, c.ID)
		if c.Shapes == 0 || c.Width < 300 {
			t.Errorf("chart %s: %d shapes, %d px wide: not drawn", c.ID, c.Shapes, c.Width)
		}
		if c.Title == "" || c.Desc == "" {
			t.Errorf("chart %s: title %q, description %q", c.ID, c.Title, c.Desc)
		}
	}
	slices.Sort(ids)
	slices.Sort(wantCharts)
	if !slices.Equal(ids, wantCharts) {
		t.Errorf("charts %v, want %v", ids, wantCharts)
	}
	if got.Width > 1000 {
		t.Errorf("the page is %d px wide in a 1000 px window: it scrolls sideways", got.Width)
	}

	if want := thousands(int(steps)); got.Facts["total-steps"] != want {
		t.Errorf("total steps shown %q, the CSV sums to %s", got.Facts["total-steps"], want)
	}
	if want := strconv.Itoa(len(nights)); got.Facts["nights"] != want {
		t.Errorf("nights shown %q, the CSV has %s", got.Facts["nights"], want)
	}
	for _, table := range []string{"moves", "sleeps", "heartrates", "body_events", "moves_hourly"} {
		first, last := span(table)
		row := got.Tables[table]
		if row["first"] != first || row["last"] != last {
			t.Errorf("%s: shown %s to %s, the CSV has %s to %s", table, row["first"], row["last"], first, last)
		}
	}
	if steps == 0 || len(nights) == 0 {
		t.Fatalf("the demo export has %d steps and %d nights: nothing was compared", steps, len(nights))
	}

	// It prints: Chromium lays it out on A4 pages.
	if !bytes.HasPrefix(pdf, []byte("%PDF")) {
		t.Errorf("printing gave no PDF")
	}
	// An A4 page is 595 x 842 points; Letter, 612 x 792.
	boxes := regexp.MustCompile(`/MediaBox \[0 0 ([0-9.]+) ([0-9.]+)\]`).FindAllSubmatch(pdf, -1)
	if len(boxes) == 0 {
		t.Fatal("printing gave no pages")
	}
	for _, b := range boxes {
		w, _ := strconv.ParseFloat(string(b[1]), 64)
		h, _ := strconv.ParseFloat(string(b[2]), 64)
		if math.Abs(w-595) > 1 || math.Abs(h-842) > 1 {
			t.Errorf("a printed page is %s x %s points, not A4", b[1], b[2])
		}
	}
	t.Logf("printed on %d pages", len(boxes))
}

func TestReportCommand(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "up-export")
	if code, _, stderr := runCLI(t, "export", "--demo", "--demo-days", "20", "-q", "--out", out); code != 0 {
		t.Fatalf("export: exit %d: %s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(out, report.Name)); err == nil {
		t.Fatal("an export without --report wrote a report")
	}
	// The default format, Parquet, read back through arrow-go.
	code, _, stderr := runCLI(t, "report", "--out", out)
	if code != 0 {
		t.Fatalf("report: exit %d: %s", code, stderr)
	}
	html, err := os.ReadFile(filepath.Join(out, report.Name))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`id="total-steps"`, `<svg class="chart" id="hourly"`, "<dd>parquet</dd>"} {
		if !bytes.Contains(html, []byte(want)) {
			t.Errorf("the report has no %s", want)
		}
	}
	if !strings.Contains(stderr, "report: "+filepath.Join(out, report.Name)) {
		t.Errorf("report does not say where it wrote: %s", stderr)
	}

	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"not an export", []string{"report", "--out", dir}, "holds no upexport export"},
		{"xlsx", []string{"export", "--demo", "--report", "--format", "xlsx", "--out", filepath.Join(dir, "x")}, "--report reads csv or parquet"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, tc.args...)
			if code != exitUsage || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, %q; want %d and %q", code, stderr, exitUsage, tc.want)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "x")); err == nil {
		t.Error("export --report --format xlsx fetched before refusing")
	}
}
