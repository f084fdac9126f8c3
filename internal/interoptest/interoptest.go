// Package interoptest runs the readers upexport did not write (DuckDB
// through test-tools/duckdb-check.mjs, pandas with openpyxl through
// test-tools/pandas-check.py) over exports, for the interop tests of every
// package that writes tables. Install the readers with
// test-tools/install.sh. Without them a test skips, unless
// UPEXPORT_REQUIRE_INTEROP=1 (CI), where a missing reader fails it.
package interoptest

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// ToolsDir is the repository's test-tools directory, found from the
// test's working directory (its package's directory).
func ToolsDir(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, "test-tools")
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's directory")
		}
		dir = parent
	}
}

// Python is Debian's python, which has python3-pandas; a pyenv python3
// earlier on PATH does not. UPEXPORT_PYTHON overrides it.
func Python() string {
	if p := os.Getenv("UPEXPORT_PYTHON"); p != "" {
		return p
	}
	return "/usr/bin/python3"
}

// RequireDuckDB skips (or under UPEXPORT_REQUIRE_INTEROP=1 fails) the test
// when DuckDB's node package is missing.
func RequireDuckDB(t testing.TB) {
	t.Helper()
	probe := exec.Command("node", "-e", "require('@duckdb/node-api')")
	probe.Dir = ToolsDir(t)
	require(t, "DuckDB (@duckdb/node-api)", probe)
}

// RequirePandas is RequireDuckDB for pandas and openpyxl.
func RequirePandas(t testing.TB) {
	t.Helper()
	require(t, "pandas/openpyxl", exec.Command(Python(), "-c", "import pandas, openpyxl"))
}

func require(t testing.TB, name string, probe *exec.Cmd) {
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

// Run runs a checker and logs its last line; its failure fails the test.
func Run(t testing.TB, cmd *exec.Cmd) {
	t.Helper()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Errorf("%s: %v\n%s", filepath.Base(cmd.Args[1]), err, out)
		return
	}
	lines := bytes.Split(bytes.TrimSpace(out), []byte("\n"))
	t.Logf("%s", lines[len(lines)-1])
}
