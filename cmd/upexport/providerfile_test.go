package main

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/upexport/upexport/export"
)

const notesFile = "../../examples/providers/notes.yaml"

// TestExportDemoProviderFile exports the example provider declared as
// data from its built-in emulator: every table of the file is written,
// with rows.
func TestExportDemoProviderFile(t *testing.T) {
	out := filepath.Join(t.TempDir(), "notes")
	code, _, stderr := runCLI(t, "export", "--demo", "--provider-file", notesFile, "--out", out, "--format", "csv")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	m, err := export.ReadManifest(out)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tb := range m.Tables {
		names = append(names, tb.Name)
		if tb.Rows == 0 {
			t.Errorf("table %s has no rows", tb.Name)
		}
	}
	slices.Sort(names)
	if got := strings.Join(names, ","); got != "comments,note_attachments,notes,profile,tags" {
		t.Fatalf("tables %s", got)
	}
	for _, name := range names {
		f, err := os.Open(filepath.Join(out, name+".csv"))
		if err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(f).ReadAll()
		f.Close()
		if err != nil || len(rows) < 2 {
			t.Errorf("%s.csv: %d lines, %v", name, len(rows), err)
		}
	}
	if strings.Contains(stderr, "not in the schema") {
		t.Errorf("the example's tables miss a field the emulator sends: %s", stderr)
	}
}

// TestProviderFileUsage: a bad file and a --provider that contradicts the
// file are usage errors; the file's own name may be given.
func TestProviderFileUsage(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(bad, []byte("name: bad\noauth:\n  auth_url: https://x.example/a\n  token_url: https://x.example/t\n  auth_style: basic\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"endpoints", "--provider-file", bad}, exitUsage, "bad.yaml:5: oauth.auth_style"},
		{[]string{"export", "--demo", "--provider-file", bad, "--out", filepath.Join(t.TempDir(), "x")}, exitUsage, "bad.yaml:5:"},
		{[]string{"schema", "--provider", "jawbone", "--provider-file", notesFile}, exitUsage, `--provider "jawbone" and --provider-file`},
		{[]string{"endpoints", "--provider-file", "no/such.yaml"}, exitUsage, "no/such.yaml"},
		{[]string{"endpoints", "--provider", "notes", "--provider-file", notesFile}, exitOK, "comments"},
	} {
		code, stdout, stderr := runCLI(t, c.args...)
		if code != c.code || !strings.Contains(stdout+stderr, c.want) {
			t.Errorf("%v: exit %d, want %d with %q:\n%s%s", c.args, code, c.code, c.want, stdout, stderr)
		}
	}
}
