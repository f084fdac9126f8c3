package main

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/upexport/upexport/providers/jawbone/upserver"
)

// TestKilledRunResumes kills a 150-day --ticks export with SIGKILL at ten
// points, the last in the write phase, and runs it again each time: every
// resumed export is byte-identical to an uninterrupted one, and the killed
// and the resumed run together ask at most 1.05 times the requests of
// the uninterrupted one.
func TestKilledRunResumes(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs 21 exports")
	}
	bin := buildBinary(t)
	srv, err := upserver.New(upserver.Config{Seed: 9, Days: 150})
	if err != nil {
		t.Fatal(err)
	}
	var (
		requests atomic.Int64
		mu       sync.Mutex
		killAt   int64
		victim   *exec.Cmd
	)
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := requests.Add(1)
		mu.Lock()
		if victim != nil && n == killAt {
			victim.Process.Kill() // dies with requests in flight
		}
		mu.Unlock()
		srv.ServeHTTP(w, r)
	}))
	defer hs.Close()
	info := srv.Info(hs.URL)
	access, _, err := srv.IssueToken(0, []string{"basic_read", "extended_read", "friends_read", "mood_read",
		"move_read", "sleep_read", "meal_read", "weight_read", "generic_event_read", "heartrate_read", "cardiac_read"})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	export := func(out string) *exec.Cmd {
		cmd := exec.Command(bin, "export", "--out", out, "--format", "csv", "--ticks", "--log-format", "text")
		cmd.Env = append(os.Environ(), "UPEXPORT_ACCESS_TOKEN="+access, "UPEXPORT_API_URL="+info.APIURL,
			"UPEXPORT_TOKEN_URL="+info.TokenURL, "UPEXPORT_AUTH_URL="+info.AuthURL, "UPEXPORT_CLIENT_ID="+info.ClientID)
		return cmd
	}
	clean := filepath.Join(dir, "clean")
	if b, err := export(clean).CombinedOutput(); err != nil {
		t.Fatalf("clean export: %v\n%s", err, b)
	}
	total := requests.Swap(0)
	want, _ := filepath.Glob(filepath.Join(clean, "*.csv"))
	if len(want) == 0 {
		t.Fatal("the clean export wrote no CSV")
	}
	for i := range 10 {
		out := filepath.Join(dir, "out", string(rune('a'+i)))
		cmd := export(out)
		mu.Lock()
		victim, killAt = cmd, total*int64(2*i+1)/20
		writePhase := i == 9
		if writePhase {
			killAt = 0
		}
		// Started under the lock: the handler reads victim.Process.
		err := cmd.Start()
		mu.Unlock()
		if err != nil {
			t.Fatal(err)
		}
		if writePhase {
			// Kill it once it writes tables: every request is made.
			tables := filepath.Join(filepath.Dir(out), "."+filepath.Base(out)+".tmp-*", "*.csv")
			for deadline := time.Now().Add(time.Minute); ; time.Sleep(2 * time.Millisecond) {
				if m, _ := filepath.Glob(tables); len(m) > 0 || time.Now().After(deadline) {
					break
				}
			}
			cmd.Process.Kill()
		}
		err = cmd.Wait()
		mu.Lock()
		victim = nil
		mu.Unlock()
		if err == nil {
			t.Fatalf("kill %d: the run finished before it was killed", i)
		}
		first := requests.Swap(0)
		b, err := export(out).CombinedOutput()
		if err != nil {
			t.Fatalf("kill %d: resumed run: %v\n%s", i, err, b)
		}
		if !bytes.Contains(b, []byte("resuming the partial run")) {
			t.Errorf("kill %d: the resumed run does not say it resumes:\n%s", i, b)
		}
		second := requests.Swap(0)
		t.Logf("kill %d after %d requests: %d + %d, clean %d (%.3fx)", i, first, first, second, total,
			float64(first+second)/float64(total))
		if float64(first+second) > 1.05*float64(total) {
			t.Errorf("kill %d: %d + %d requests, more than 1.05 x %d", i, first, second, total)
		}
		for _, w := range want {
			a, _ := os.ReadFile(w)
			g, err := os.ReadFile(filepath.Join(out, filepath.Base(w)))
			if err != nil || !bytes.Equal(a, g) {
				t.Errorf("kill %d: %s differs from the uninterrupted export (%v)", i, filepath.Base(w), err)
			}
		}
		base := filepath.Join(filepath.Dir(out), "."+filepath.Base(out))
		left, _ := filepath.Glob(base + ".tmp-*")
		if _, err := os.Stat(base + ".partial"); err == nil {
			left = append(left, base+".partial")
		}
		if len(left) > 0 {
			t.Errorf("kill %d: left behind: %s", i, strings.Join(left, " "))
		}
	}
}

func TestParseDeadline(t *testing.T) {
	now := time.Date(2026, 1, 2, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Time
		bad  bool
	}{
		{in: "5h30m", want: now.Add(5*time.Hour + 30*time.Minute)},
		{in: "2026-01-02T15:04:05Z", want: time.Date(2026, 1, 2, 15, 4, 5, 0, time.UTC)},
		{in: "0s", bad: true},
		{in: "-1h", bad: true},
		{in: "15:04", bad: true},
		{in: "tomorrow", bad: true},
	}
	for _, tt := range tests {
		got, err := parseDeadline(tt.in, now)
		if (err != nil) != tt.bad || !got.Equal(tt.want) {
			t.Errorf("parseDeadline(%q) = %v, %v; want %v (error %v)", tt.in, got, err, tt.want, tt.bad)
		}
	}
}

// TestDeadlineExitCode: a run stopped by --deadline exits 5, writes no
// export, and the next run continues and finishes it.
func TestDeadlineExitCode(t *testing.T) {
	out := filepath.Join(t.TempDir(), "up")
	code, _, stderr := runCLI(t, "export", "--demo", "--demo-days", "20", "--out", out, "--format", "csv", "--deadline", "1ns")
	if code != exitIncomplete || !strings.Contains(stderr, "run the same command again to continue") {
		t.Fatalf("exit %d, want %d:\n%s", code, exitIncomplete, stderr)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Fatalf("the stopped run wrote %s: %v", out, err)
	}
	if code, _, stderr := runCLI(t, "export", "--demo", "--demo-days", "20", "--out", out, "--format", "csv", "--deadline", "1h"); code != exitOK {
		t.Fatalf("the next run: exit %d\n%s", code, stderr)
	}
	verifyExport(t, out)
}
