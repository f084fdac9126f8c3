package all

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/upexport/upexport/engine"
	"github.com/upexport/upexport/export"
	"github.com/upexport/upexport/internal/interoptest"
	"github.com/upexport/upexport/provider"
	"github.com/upexport/upexport/provider/providertest"
)

// DailyStepsAndSleep is the query of README's "Common tables" section: daily
// steps and nightly sleep per provider, over the common tables of any
// number of exports in the directories below the current one.
const DailyStepsAndSleep = `
WITH steps AS (
  SELECT provider, "user", date, steps FROM read_parquet('*/common_daily_activity.parquet')),
sleep AS (
  SELECT provider, "user", date, sum(asleep_s) / 3600.0 AS sleep_h
  FROM read_parquet('*/common_sleep_sessions.parquet') GROUP BY ALL)
SELECT provider, count(*) AS days, round(avg(steps)) AS mean_steps,
       round(avg(sleep_h), 2) AS mean_sleep_h, count(sleep_h) AS days_with_sleep
FROM steps LEFT JOIN sleep USING (provider, "user", date)
GROUP BY provider ORDER BY provider`

// TestCommonTablesConcatenate exports every provider's emulator with the
// common tables as Parquet, side by side, and reads them with DuckDB as one
// dataset: each provider has a row of daily steps and sleep, in the range
// its synthetic person lives in.
func TestCommonTablesConcatenate(t *testing.T) {
	interoptest.RequireDuckDB(t)
	root := t.TempDir()
	providers := Registry().All()
	for _, p := range providers {
		providertest.Export(t, p, filepath.Join(root, p.Name), providertest.Options{Demo: provider.DemoOptions{Days: 30}},
			func(c *engine.Config) { c.Export.Format = export.Parquet })
	}
	cmd := exec.Command("node", filepath.Join(interoptest.ToolsDir(t), "duckdb-query.mjs"), root, DailyStepsAndSleep)
	cmd.Dir = interoptest.ToolsDir(t)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("duckdb: %v\n%s", err, out)
	}
	t.Logf("DuckDB over the common tables of %d demo exports:\n%s", len(providers), out)
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != len(providers)+1 {
		t.Fatalf("%d result rows, want one per provider (%d)", len(lines)-1, len(providers))
	}
	for i, line := range lines[1:] {
		f := strings.Split(line, "\t")
		if f[0] != providers[i].Name {
			t.Errorf("row %d is %s, want %s", i+1, f[0], providers[i].Name)
		}
		days, _ := strconv.Atoi(f[1])
		steps, _ := strconv.ParseFloat(f[2], 64)
		sleep, _ := strconv.ParseFloat(f[3], 64)
		withSleep, _ := strconv.Atoi(f[4])
		if days < 25 || steps < 2000 || steps > 40000 || sleep < 4 || sleep > 11 || withSleep < days/2 {
			t.Errorf("%s: %d days, %.0f mean steps, %.2f h mean sleep on %d days: not a person's month", f[0], days, steps, sleep, withSleep)
		}
	}
}

// TestInteropEveryProvider reads every provider's demo export, common
// tables included, with readers upexport did not write: DuckDB
// (test-tools/duckdb-check.mjs) the Parquet and the CSV files, which must
// hold the same values, and pandas (test-tools/pandas-check.py) the CSV
// files, each against the manifest's types.
func TestInteropEveryProvider(t *testing.T) {
	interoptest.RequireDuckDB(t)
	interoptest.RequirePandas(t)
	tools := interoptest.ToolsDir(t)
	for _, p := range Registry().All() {
		t.Run(p.Name, func(t *testing.T) {
			t.Parallel()
			var fps [][]byte
			for _, f := range []export.Format{export.Parquet, export.CSV} {
				dir := filepath.Join(t.TempDir(), string(f))
				providertest.Export(t, p, dir, providertest.Options{Demo: provider.DemoOptions{Days: 20}},
					func(c *engine.Config) { c.Export.Format = f })
				fp := filepath.Join(t.TempDir(), string(f)+".fingerprints.json")
				interoptest.Run(t, exec.Command("node", filepath.Join(tools, "duckdb-check.mjs"), "--fingerprints", fp, dir))
				b, err := os.ReadFile(fp)
				if err != nil {
					t.Fatal(err)
				}
				fps = append(fps, b)
				if f == export.CSV {
					interoptest.Run(t, exec.Command(interoptest.Python(), filepath.Join(tools, "pandas-check.py"), dir))
				}
			}
			if !bytes.Equal(fps[0], fps[1]) {
				t.Errorf("DuckDB sees different values in Parquet and CSV:\n%s\nvs\n%s", fps[0], fps[1])
			}
		})
	}
}
