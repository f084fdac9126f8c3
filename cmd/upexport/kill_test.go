package main

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/upexport/upexport/export"
	"github.com/upexport/upexport/providers/jawbone/upserver"
)

// buildBinary compiles upexport once for tests that need a real process.
func buildBinary(t *testing.T) string {
	t.Helper()
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command to build the binary with")
	}
	bin := filepath.Join(t.TempDir(), "upexport")
	out, err := exec.Command(gobin, "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// verifyExport checks every file of the export against its manifest.
func verifyExport(t *testing.T, dir string) export.Manifest {
	t.Helper()
	m, err := export.ReadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, tb := range m.Tables {
		for _, f := range tb.Files {
			b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(f.Path)))
			if err != nil {
				t.Fatal(err)
			}
			sum := sha256.Sum256(b)
			if hex.EncodeToString(sum[:]) != f.SHA256 {
				t.Fatalf("%s does not match its manifest", f.Path)
			}
		}
	}
	return m
}

// TestKilledRunLeavesPreviousExport kills an export with SIGKILL halfway
// and checks that the previous export is intact and the next run completes.
func TestKilledRunLeavesPreviousExport(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)
	srv, err := upserver.New(upserver.Config{Seed: 4, Days: 120, Faults: upserver.Faults{Slow: 3 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	defer hs.Close()
	info := srv.Info(hs.URL)
	access, _, err := srv.IssueToken(0, []string{"basic_read", "move_read", "sleep_read"})
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "up")
	export := func(args ...string) *exec.Cmd {
		cmd := exec.Command(bin, append([]string{"export", "--out", out, "--format", "csv", "--endpoints", "moves,sleeps"}, args...)...)
		cmd.Env = append(os.Environ(), "UPEXPORT_ACCESS_TOKEN="+access, "UPEXPORT_API_URL="+info.APIURL,
			"UPEXPORT_TOKEN_URL="+info.TokenURL, "UPEXPORT_AUTH_URL="+info.AuthURL, "UPEXPORT_CLIENT_ID="+info.ClientID)
		return cmd
	}
	if b, err := export().CombinedOutput(); err != nil {
		t.Fatalf("first export: %v\n%s", err, b)
	}
	before := verifyExport(t, out)

	cmd := export("--ticks")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Kill it once it has written part of its archive.
	deadline := time.Now().Add(60 * time.Second)
	for {
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatal("the second run never started writing")
		}
		tmps, _ := filepath.Glob(filepath.Join(filepath.Dir(out), ".up.tmp-*", ".raw", "*.jsonl.zst"))
		if len(tmps) > 0 {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(100 * time.Millisecond)
	cmd.Process.Kill()
	cmd.Wait()

	after := verifyExport(t, out)
	if after.RunStart != before.RunStart || len(after.Tables) != len(before.Tables) {
		t.Fatal("the killed run changed the previous export")
	}
	if b, err := export("--ticks").CombinedOutput(); err != nil {
		t.Fatalf("run after the kill: %v\n%s", err, b)
	}
	m := verifyExport(t, out)
	if len(m.Tables) <= len(before.Tables) {
		t.Fatalf("the run after the kill has %d tables", len(m.Tables))
	}
	left, _ := filepath.Glob(filepath.Join(filepath.Dir(out), ".up.tmp-*"))
	if len(left) > 0 {
		t.Fatalf("temporary directories left: %s", strings.Join(left, " "))
	}
}
