package engine

import (
	"bytes"
	"context"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/upexport/upexport/export"
)

// TestXLSXCutTextIsWarned: a title longer than an Excel cell holds is cut
// in the workbook, and the run says so where every warning goes: its
// warnings (printed) and the manifest's top-level list.
func TestXLSXCutTextIsWarned(t *testing.T) {
	rp := newReplay(t, []any{})
	long := strings.Repeat("x", 40000)
	rp.mutate = func(path string, body []byte) []byte {
		if strings.HasSuffix(path, "/workouts") {
			return bytes.ReplaceAll(body, []byte(`"title":"`), []byte(`"title":"`+long))
		}
		return body
	}
	hs := httptest.NewServer(rp)
	t.Cleanup(hs.Close)
	out := filepath.Join(t.TempDir(), "out")
	cfg := rp.config(t, hs.URL+"/nudge/api/v.1.1", out)
	cfg.Export.Format = export.XLSX
	res, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	const want = "text values of workouts longer than 32767 characters were cut"
	if !strings.Contains(strings.Join(res.Warnings, "\n"), want) {
		t.Errorf("run warnings lack %q:\n%s", want, strings.Join(res.Warnings, "\n"))
	}
	m, err := export.ReadManifest(out)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(m.Warnings, "\n"), want) {
		t.Errorf("manifest warnings lack %q: %q", want, m.Warnings)
	}
}
