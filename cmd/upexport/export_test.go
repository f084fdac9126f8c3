package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/upexport/upexport/export"
)

// runCLI runs the CLI in-process and returns its exit code and output.
func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), append([]string{"upexport"}, args...), strings.NewReader(""), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func TestExportDemo(t *testing.T) {
	out := filepath.Join(t.TempDir(), "up-export")
	code, _, stderr := runCLI(t, "export", "--demo", "--demo-days", "20", "--out", out, "--format", "csv")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	m, err := export.ReadManifest(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Tables) < 16 || m.UserXID == "" || m.APIURL == "" {
		t.Fatalf("manifest: %d tables, user %q, api %q", len(m.Tables), m.UserXID, m.APIURL)
	}
	if !strings.Contains(stderr, "exported ") {
		t.Errorf("no summary: %s", stderr)
	}
	// The demo login grants every scope: no endpoint is skipped, and the
	// fields behind extended_read (weight) and location_read (place_*) are
	// there.
	if strings.Contains(stderr, "skipped") {
		t.Errorf("the demo skipped an endpoint: %s", stderr)
	}
	for file, field := range map[string]string{"user.csv": "weight", "workouts.csv": "place_lat"} {
		f, err := os.Open(filepath.Join(out, file))
		if err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(f).ReadAll()
		f.Close()
		if err != nil || len(rows) == 0 {
			t.Fatalf("%s: %d rows, %v", file, len(rows), err)
		}
		col := slices.Index(rows[0], field)
		filled := 0
		for _, r := range rows[1:] {
			if col >= 0 && r[col] != "" {
				filled++
			}
		}
		if filled == 0 {
			t.Errorf("%s: no %s values (column %d)", file, field, col)
		}
	}
}

func TestExportUsageErrors(t *testing.T) {
	notExport := t.TempDir()
	os.WriteFile(filepath.Join(notExport, "notes.txt"), []byte("mine"), 0o644)
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"export", "--format", "xml"}, `invalid --format "xml"`},
		{[]string{"export", "--since", "2015-13-01"}, `invalid --since "2015-13-01"`},
		{[]string{"export", "--since", "2016-01-02", "--until", "2016-01-01"}, "is before --since"},
		{[]string{"export", "--endpoints", "moves,steps"}, `jawbone has no resource "steps"`},
		{[]string{"export", "--concurrency", "0"}, "invalid --concurrency 0"},
		{[]string{"export", "--no-such-flag"}, "flag provided but not defined"},
		{[]string{"export", "--demo", "extra"}, "takes no arguments"},
		{[]string{"export", "--demo", "--from-raw", "x"}, "cannot be combined"},
		{[]string{"export", "--demo", "--demo-days", "2", "--out", notExport}, "is not an upexport export"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, _, stderr := runCLI(t, tt.args...)
			if code != exitUsage || !strings.Contains(stderr, tt.want) {
				t.Fatalf("exit %d, stderr %q; want exit 2 and %q", code, stderr, tt.want)
			}
		})
	}
	t.Run("env", func(t *testing.T) {
		t.Setenv("UPEXPORT_FORMAT", "xml")
		if code, _, stderr := runCLI(t, "export", "--demo"); code != exitUsage {
			t.Fatalf("exit %d: %s", code, stderr)
		}
	})
}
