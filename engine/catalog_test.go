package engine

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/upexport/upexport/providers/jawbone"
)

// up is the provider the tests export from: the engine knows no API, its
// tests run on Jawbone's resources, tables and demo server.
var up = jawbone.New()

var upTables = up.Tables

// TestRunNeedsProvider: without a provider (and its tables) the run stops
// before it touches the output directory.
func TestRunNeedsProvider(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	_, err := Run(context.Background(), Config{FromRaw: t.TempDir(), Out: out})
	if err == nil || !strings.Contains(err.Error(), "Config.Provider") {
		t.Fatalf("Run without a provider: %v", err)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("output directory touched: %v", err)
	}
}
