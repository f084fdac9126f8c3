package export

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/upexport/upexport/internal/interoptest"
)

// The interop test reads exports with readers upexport did not write:
// DuckDB (test-tools/duckdb-check.mjs, Parquet and CSV) and pandas with
// openpyxl (test-tools/pandas-check.py, CSV and XLSX). Install them with
// test-tools/install.sh. Without them the test skips, unless
// UPEXPORT_REQUIRE_INTEROP=1 (CI), where a missing reader fails.

func TestInterop(t *testing.T) {
	interoptest.RequireDuckDB(t)
	toolsDir := interoptest.ToolsDir(t)
	interoptest.RequirePandas(t)

	exports := []struct {
		name string
		opts Options
	}{
		{"parquet", Options{Format: Parquet, RowGroupRows: 1000}},
		{"parquet-month", Options{Format: Parquet, PartitionBy: "month", Compression: "snappy"}},
		{"parquet-none", Options{Format: Parquet, Compression: "none", PartitionBy: "year"}},
		{"csv", Options{Format: CSV}},
		{"csv-gz-bom-year", Options{Format: CSV, Gzip: true, CSVBOM: true, PartitionBy: "year"}},
		{"xlsx", Options{Format: XLSX}},
	}
	root := t.TempDir()
	dirs := map[string]string{}
	for _, e := range exports {
		dir := filepath.Join(root, e.name)
		if err := os.Mkdir(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if _, err := exportFixture(dir, e.opts); err != nil {
			t.Fatalf("%s: %v", e.name, err)
		}
		dirs[e.name] = dir
	}

	script := filepath.Join(toolsDir, "duckdb-check.mjs")
	var fps [][]byte
	for _, e := range exports {
		if e.opts.Format == XLSX {
			continue
		}
		fp := filepath.Join(root, e.name+".fingerprints.json")
		interoptest.Run(t, exec.Command("node", script, "--fingerprints", fp, dirs[e.name]))
		b, err := os.ReadFile(fp)
		if err != nil {
			t.Fatal(err)
		}
		fps = append(fps, b)
	}
	// The same rows, whatever the format, compression or partitioning:
	// DuckDB must see the same values in every export.
	for i := 1; i < len(fps); i++ {
		if !bytes.Equal(fps[0], fps[i]) {
			t.Errorf("DuckDB sees different values in two exports:\n%s\nvs\n%s", fps[0], fps[i])
		}
	}

	py := filepath.Join(toolsDir, "pandas-check.py")
	interoptest.Run(t, exec.Command(interoptest.Python(), py, dirs["csv"]))
	interoptest.Run(t, exec.Command(interoptest.Python(), py, dirs["csv-gz-bom-year"]))
	interoptest.Run(t, exec.Command(interoptest.Python(), py, dirs["xlsx"], "--compare-csv", dirs["csv"]))
}
