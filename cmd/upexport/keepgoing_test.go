package main

import (
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/upexport/upexport/export"
	"github.com/upexport/upexport/providers/jawbone/upserver"
)

// TestExportKeepGoing: one endpoint that keeps failing makes an export exit
// 1 and leave the previous export alone, by default; with --keep-going the
// export is written, the failed endpoint's tables are kept stale from the
// previous export, and the exit code is 4 (partial).
func TestExportKeepGoing(t *testing.T) {
	srv, err := upserver.New(upserver.Config{Seed: 2, Days: 10})
	if err != nil {
		t.Fatal(err)
	}
	broken := false
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if broken && strings.Contains(r.URL.Path, "/sleeps") {
			http.Error(w, `{"meta": {"code": 500, "message": "broken on purpose"}, "data": {}}`, http.StatusInternalServerError)
			return
		}
		srv.ServeHTTP(w, r)
	}))
	defer hs.Close()
	info := srv.Info(hs.URL)
	access, _, err := srv.IssueToken(0, []string{"basic_read", "move_read", "sleep_read"})
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("UPEXPORT_ACCESS_TOKEN", access)
	out := filepath.Join(t.TempDir(), "up")
	args := []string{"export", "--out", out, "--format", "csv", "--endpoints", "moves,sleeps", "--retries", "0",
		"--api-url", info.APIURL, "--token-url", info.TokenURL, "--auth-url", info.AuthURL, "--client-id", info.ClientID}
	if code, _, stderr := runCLI(t, args...); code != 0 {
		t.Fatalf("first export: exit %d\n%s", code, stderr)
	}
	broken = true
	if code, _, stderr := runCLI(t, args...); code != exitFailure {
		t.Fatalf("fail-fast: exit %d, want %d\n%s", code, exitFailure, stderr)
	}
	code, _, stderr := runCLI(t, append(args, "--keep-going")...)
	if code != exitPartial {
		t.Fatalf("--keep-going: exit %d, want %d\n%s", code, exitPartial, stderr)
	}
	if !strings.Contains(stderr, "partial export: sleeps failed") {
		t.Errorf("no partial message:\n%s", stderr)
	}
	m, err := export.ReadManifest(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, tb := range m.Tables {
		stale := strings.HasPrefix(tb.Status, "stale since ")
		if strings.HasPrefix(tb.Name, "sleeps") != stale || (!stale && tb.Status != "complete") {
			t.Errorf("%s: status %q", tb.Name, tb.Status)
		}
	}
}
