package export

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// The interop test reads exports with readers upexport did not write:
// DuckDB (test-tools/duckdb-check.mjs, Parquet and CSV) and pandas with
// openpyxl (test-tools/pandas-check.py, CSV and XLSX). Install them with
// test-tools/install.sh. Without them the test skips, unless
// UPEXPORT_REQUIRE_INTEROP=1 (CI), where a missing reader fails.

const toolsDir = "../test-tools"

// pythonForInterop is Debian's python, which has python3-pandas; a pyenv
// python3 earlier on PATH does not. UPEXPORT_PYTHON overrides it.
func pythonForInterop() string {
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

func TestInterop(t *testing.T) {
	duck := exec.Command("node", "-e", "require('@duckdb/node-api')")
	duck.Dir = toolsDir
	requireReader(t, "DuckDB (@duckdb/node-api)", duck)
	requireReader(t, "pandas/openpyxl", exec.Command(pythonForInterop(), "-c", "import pandas, openpyxl"))

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
		runChecker(t, exec.Command("node", script, "--fingerprints", fp, dirs[e.name]))
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
	runChecker(t, exec.Command(pythonForInterop(), py, dirs["csv"]))
	runChecker(t, exec.Command(pythonForInterop(), py, dirs["csv-gz-bom-year"]))
	runChecker(t, exec.Command(pythonForInterop(), py, dirs["xlsx"], "--compare-csv", dirs["csv"]))
}
