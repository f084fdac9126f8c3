package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
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
		{[]string{"export", "--endpoints", "moves,steps"}, `unknown endpoint "steps"`},
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
