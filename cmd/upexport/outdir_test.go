package main

import (
	"strings"
	"testing"
)

// TestExportRefusesDangerousOut: an empty --out (which used to mean the
// current directory, swapped for the export) and a file-system root are bad
// usage, exit 2, before anything is fetched or created.
func TestExportRefusesDangerousOut(t *testing.T) {
	for _, out := range []string{"", "/"} {
		t.Run(out, func(t *testing.T) {
			code, _, stderr := runCLI(t, "export", "--demo", "--demo-days", "2", "--out", out)
			if code != exitUsage || !strings.Contains(stderr, "bad output directory") {
				t.Fatalf("exit %d, stderr %q; want exit 2 and a refusal", code, stderr)
			}
		})
	}
}
