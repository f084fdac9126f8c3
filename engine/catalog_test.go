package engine

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/upexport/upexport/providers/jawbone"
)

// upTables is the catalog the tests export with: the engine knows no API,
// its tests run on Jawbone's tables and demo server.
var upTables = jawbone.Catalog()

// TestRunNeedsTables: without a catalog the run stops before it touches
// the output directory.
func TestRunNeedsTables(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	_, err := Run(context.Background(), Config{FromRaw: t.TempDir(), Out: out})
	if err == nil || !strings.Contains(err.Error(), "Config.Tables") {
		t.Fatalf("Run without Tables: %v", err)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("output directory touched: %v", err)
	}
}
