package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/upexport/upexport/export"
	"github.com/upexport/upexport/providers/oura"
)

// TestExportDemoOura: the Oura demo export writes every table of the
// provider's catalog as Parquet, each with rows, without a warning or a
// skipped resource.
func TestExportDemoOura(t *testing.T) {
	out := filepath.Join(t.TempDir(), "oura-export")
	code, _, stderr := runCLI(t, "export", "--demo", "--provider", "oura", "--format", "parquet", "--out", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if strings.Contains(stderr, "skipped") || strings.Contains(stderr, "warning") {
		t.Errorf("the demo export skipped or warned: %s", stderr)
	}
	m, err := export.ReadManifest(out)
	if err != nil {
		t.Fatal(err)
	}
	if m.UserXID == "" {
		t.Error("the manifest names no user")
	}
	rows := map[string]int64{}
	for _, tb := range m.Tables {
		rows[tb.Name] = tb.Rows
		for _, f := range tb.Files {
			if fi, err := os.Stat(filepath.Join(out, f.Path)); err != nil || fi.Size() == 0 || !strings.HasSuffix(f.Path, ".parquet") {
				t.Errorf("%s: file %s: %v", tb.Name, f.Path, err)
			}
		}
	}
	for _, tb := range oura.Catalog().AllTables() {
		if rows[tb.Name] == 0 {
			t.Errorf("table %s has no rows (manifest: %v)", tb.Name, rows)
		}
	}
}
