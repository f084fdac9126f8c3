package engine

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/upexport/upexport/export"
)

// TestUnknownZonesAreWarned: a zone no one knows (Mars/Olympus, GMT+9999)
// is not quietly taken for UTC: the run warns, with a count, and the
// manifest keeps the warning.
func TestUnknownZonesAreWarned(t *testing.T) {
	rp := newReplay(t, []any{})
	tz := regexp.MustCompile(`"tz":"[^"]*"`)
	rp.mutate = func(path string, body []byte) []byte {
		switch {
		case strings.HasSuffix(path, "/moves"):
			return tz.ReplaceAll(body, []byte(`"tz":"Mars/Olympus"`))
		case strings.HasSuffix(path, "/sleeps"):
			return tz.ReplaceAll(body, []byte(`"tz":"GMT+9999"`))
		}
		return body
	}
	hs := httptest.NewServer(rp)
	t.Cleanup(hs.Close)
	out := filepath.Join(t.TempDir(), "out")
	res, err := Run(context.Background(), rp.config(t, hs.URL+"/nudge/api/v.1.1", out))
	if err != nil {
		t.Fatal(err)
	}
	m, err := export.ReadManifest(out)
	if err != nil {
		t.Fatal(err)
	}
	sleeps := countItems(t, "sleeps_v11.json", "sleeps_v10.json")
	for _, want := range []string{
		`moves: time zone "Mars/Olympus" (`,
		`sleeps: time zone "GMT+9999" (` + strconv.Itoa(sleeps) + ` values) is not recognised`,
	} {
		if !strings.Contains(strings.Join(res.Warnings, "\n"), want) {
			t.Errorf("run warnings lack %q:\n%s", want, strings.Join(res.Warnings, "\n"))
		}
		if !strings.Contains(strings.Join(m.Warnings, "\n"), want) {
			t.Errorf("manifest warnings lack %q", want)
		}
	}
}
