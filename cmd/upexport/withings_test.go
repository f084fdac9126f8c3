package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/upexport/upexport/export"
	"github.com/upexport/upexport/providers/withings"
)

// TestExportDemoWithings: export --demo --provider withings --format
// parquet writes every Withings table, each with rows, as Parquet.
func TestExportDemoWithings(t *testing.T) {
	out := filepath.Join(t.TempDir(), "withings-export")
	code, _, stderr := runCLI(t, "export", "--demo", "--provider", "withings", "--demo-days", "30", "--out", out, "--format", "parquet")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if strings.Contains(stderr, "skipped") {
		t.Errorf("the demo skipped a resource: %s", stderr)
	}
	m, err := export.ReadManifest(out)
	if err != nil {
		t.Fatal(err)
	}
	if m.Format != export.Parquet {
		t.Errorf("manifest format %q", m.Format)
	}
	rows := map[string]int64{}
	for _, tb := range m.Tables {
		rows[tb.Name] = tb.Rows
	}
	want := []string{"measure_groups", "measures", "body", "activity_daily", "activity_intraday", "workouts",
		"sleep_nights", "sleep_states", "sleep_vitals", "devices", "ecg_records"}
	if n := len(withings.Catalog().AllTables()); n != len(want) {
		t.Errorf("the catalog has %d tables, the test knows %d", n, len(want))
	}
	for _, name := range want {
		if rows[name] == 0 {
			t.Errorf("table %s: no rows (manifest: %v)", name, rows)
			continue
		}
		files, _ := filepath.Glob(filepath.Join(out, name+"*.parquet"))
		if len(files) == 0 {
			t.Errorf("table %s: no Parquet file", name)
			continue
		}
		if fi, err := os.Stat(files[0]); err != nil || fi.Size() == 0 {
			t.Errorf("table %s: %v", name, err)
		}
	}
	if len(m.Warnings) > 0 {
		t.Errorf("warnings: %v", m.Warnings)
	}
}
