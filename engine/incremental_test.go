package engine

import (
	"github.com/upexport/upexport/providers/jawbone"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/upexport/upexport/fetch/archive"
	"github.com/upexport/upexport/providers/jawbone/upserver"
)

// TestIncrementalRangeChange: an incremental run whose --since/--until
// differ from the last run's fetches everything again, so it still equals
// a full export of its own range (merging would keep the old range's
// items, or miss the part never fetched).
func TestIncrementalRangeChange(t *testing.T) {
	feb15 := time.Date(2016, 2, 15, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		name          string
		first, second [2]time.Time // since, until
	}{
		{"widened since", [2]time.Time{feb15, {}}, [2]time.Time{}},
		{"narrowed until", [2]time.Time{}, [2]time.Time{{}, feb15}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := newDemo(t, upserver.Config{Seed: 5, Days: 60}, allReadScopes)
			out := filepath.Join(t.TempDir(), "inc")
			for _, r := range [][2]time.Time{tc.first, tc.second} {
				cfg := d.config(t, out, []string{jawbone.Moves}, false)
				cfg.Incremental = true
				cfg.Since, cfg.Until = r[0], r[1]
				mustRun(t, cfg)
			}
			full := filepath.Join(t.TempDir(), "full")
			cfg := d.config(t, full, []string{jawbone.Moves}, false)
			cfg.Since, cfg.Until = tc.second[0], tc.second[1]
			mustRun(t, cfg)
			got, want := column(t, out, jawbone.Moves, "xid"), column(t, full, jawbone.Moves, "xid")
			if len(got) != len(want) || len(want) == 0 {
				t.Fatalf("incremental has %d moves, a full export %d", len(got), len(want))
			}
		})
	}
}

// TestIncrementalAfterUnpackedArchive: an export rebuilt --from-raw of an
// unpacked archive (endpoint.jsonl) is a valid base for --incremental: its
// items are merged, not dropped while the high-water mark limits the fetch.
func TestIncrementalAfterUnpackedArchive(t *testing.T) {
	d := newDemo(t, upserver.Config{Seed: 5, Days: 60}, allReadScopes)
	first := filepath.Join(t.TempDir(), "first")
	mustRun(t, d.config(t, first, []string{jawbone.Moves}, false))

	unpacked := filepath.Join(t.TempDir(), "unpacked", rawDir)
	if err := os.MkdirAll(unpacked, 0o755); err != nil {
		t.Fatal(err)
	}
	st, err := os.ReadFile(filepath.Join(first, rawDir, stateFile))
	if err != nil {
		t.Fatal(err)
	}
	var lines []byte
	err = archive.Each(archive.Path(filepath.Join(first, rawDir), jawbone.Moves), func(l []byte) error {
		lines = append(append(lines, l...), '\n')
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for name, b := range map[string][]byte{stateFile: st, jawbone.Moves + archive.PlainExt: lines} {
		if err := os.WriteFile(filepath.Join(unpacked, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(t.TempDir(), "out")
	cfg := d.config(t, out, []string{jawbone.Moves}, false)
	mustRun(t, Config{FromRaw: filepath.Dir(unpacked), Out: out, Provider: up, Export: cfg.Export})
	want := len(column(t, out, jawbone.Moves, "xid"))

	cfg.Incremental = true
	mustRun(t, cfg)
	if got := len(column(t, out, jawbone.Moves, "xid")); got != want || want == 0 {
		t.Fatalf("after the incremental run %d moves, before %d", got, want)
	}
}

// TestIncrementalAPIURLPassword: the API URL is compared and shown without
// its password (issue 13 item 3), also when an older export kept one.
func TestIncrementalAPIURLPassword(t *testing.T) {
	d := newDemo(t, upserver.Config{Seed: 5, Days: 10}, allReadScopes)
	out := filepath.Join(t.TempDir(), "inc")
	cfg := d.config(t, out, []string{"user"}, false)
	cfg.APIURL = "http://me:pw-secret@api.example/v1"
	mustRun(t, cfg)

	cfg = d.config(t, out, []string{"user"}, false)
	cfg.Incremental = true
	cfg.APIURL = "http://me:other-secret@api.example/v1"
	mustRun(t, cfg) // the same API, another password

	cfg = d.config(t, out, []string{"user"}, false)
	cfg.Incremental = true
	cfg.APIURL = "http://me:other-secret@elsewhere.example/v1"
	_, err := Run(t.Context(), cfg)
	if err == nil || strings.Contains(err.Error(), "secret") || !strings.Contains(err.Error(), "me:xxxxx@elsewhere.example") {
		t.Fatalf("%v", err)
	}
}
