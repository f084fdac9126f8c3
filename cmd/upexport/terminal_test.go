//go:build linux || darwin

package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/upexport/upexport/internal/authtest"
	"github.com/upexport/upexport/providers/jawbone/upserver"
)

// These tests run the built binary on a pseudo-terminal and read the screen
// a person would see: a terminal is where most people meet the tool first,
// and where a display that blocks the work, or a Ctrl-C that is ignored,
// shows.

const exportTimeout = 3 * time.Minute // a hang, not a slow machine

// checkHumanScreen fails on what a person should not see on a terminal.
func checkHumanScreen(t *testing.T, r *ptyRun) {
	t.Helper()
	raw := r.rawOutput()
	for _, bad := range []string{"level=", "time=", "panic", "goroutine "} {
		if strings.Contains(raw, bad) {
			t.Errorf("the terminal shows %q:\n%s", bad, r.screenText())
		}
	}
	if len(r.scr.unknown) > 0 {
		t.Errorf("control sequences a terminal emulator would have to guess: %q", r.scr.unknown)
	}
}

// TestTerminalExportDemoEveryTime runs the README's main job on a terminal
// many times in a row: the display once deadlocked against the engine in
// most runs.
func TestTerminalExportDemoEveryTime(t *testing.T) {
	runs := 20
	for i := range runs {
		out := filepath.Join(t.TempDir(), "up")
		r := startPTY(t, 120, 30, nil, "export", "--demo", "--demo-days", "30", "--out", out)
		if code := r.wait(exportTimeout); code != 0 {
			t.Fatalf("run %d: exit %d; the screen:\n%s", i+1, code, r.screenText())
		}
		screen := r.screenText()
		for _, want := range []string{"✓ moves", "✓ sleeps", "✓ meals", "exported 21 tables"} {
			if !strings.Contains(screen, want) {
				t.Fatalf("run %d: the screen does not show %q:\n%s", i+1, want, screen)
			}
		}
		checkHumanScreen(t, r)
		verifyExport(t, out)
		if i == 0 {
			t.Logf("the screen after the run:\n%s", screen)
		}
	}
}

// TestTerminalNarrow: on a 40-column terminal every live line fits, so the
// redraw never leaves wrapped fragments behind: each endpoint shows once.
func TestTerminalNarrow(t *testing.T) {
	out := filepath.Join(t.TempDir(), "up")
	r := startPTY(t, 40, 20, nil, "export", "--demo", "--demo-days", "30", "--ticks", "--out", out)
	if code := r.wait(exportTimeout); code != 0 {
		t.Fatalf("exit %d; the screen:\n%s", code, r.screenText())
	}
	r.mu.Lock()
	screen := r.scr.history()
	r.mu.Unlock()
	for _, ep := range []string{"moves ", "sleeps ", "moves_ticks ", "meals "} {
		re := regexp.MustCompile(`(?m)^. ` + regexp.QuoteMeta(ep))
		if n := len(re.FindAllString(screen, -1)); n != 1 {
			t.Errorf("%q shows %d times on the final screen:\n%s", ep, n, screen)
		}
	}
	// The last frame of the live region: the lines that start with a mark.
	for _, l := range strings.Split(screen, "\n") {
		if strings.HasPrefix(l, "✓ ") && len([]rune(l)) >= 40 {
			t.Errorf("a live line fills the 40 columns (it wraps on some terminals): %q", l)
		}
	}
	checkHumanScreen(t, r)
}

// TestTerminalColourAndDumb: NO_COLOR drops the colours and keeps the live
// lines; TERM=dumb gets plain lines with no control codes at all.
func TestTerminalColourAndDumb(t *testing.T) {
	out := filepath.Join(t.TempDir(), "up")
	r := startPTY(t, 100, 30, []string{"NO_COLOR=1"}, "export", "--demo", "--demo-days", "10", "--out", out)
	if code := r.wait(exportTimeout); code != 0 {
		t.Fatalf("NO_COLOR: exit %d:\n%s", code, r.screenText())
	}
	if raw := r.rawOutput(); regexp.MustCompile(`\x1b\[[0-9;]*m`).MatchString(raw) {
		t.Errorf("NO_COLOR: colour codes in the output: %q", tail(raw, 400))
	}
	if !strings.Contains(r.screenText(), "✓ moves") {
		t.Errorf("NO_COLOR: no live lines:\n%s", r.screenText())
	}

	r = startPTY(t, 100, 30, []string{"TERM=dumb"}, "export", "--demo", "--demo-days", "10", "--out", out)
	if code := r.wait(exportTimeout); code != 0 {
		t.Fatalf("TERM=dumb: exit %d:\n%s", code, r.screenText())
	}
	raw := r.rawOutput()
	if strings.Contains(raw, "\x1b") {
		t.Errorf("TERM=dumb: control codes in the output: %q", tail(raw, 400))
	}
	for _, want := range []string{"done endpoint=moves", "exported 21 tables"} {
		if !strings.Contains(raw, want) {
			t.Errorf("TERM=dumb: no %q in:\n%s", want, raw)
		}
	}
	checkHumanScreen(t, r)
}

// TestTerminalQuiet: --quiet shows no progress, only the errors.
func TestTerminalQuiet(t *testing.T) {
	out := filepath.Join(t.TempDir(), "up")
	r := startPTY(t, 100, 30, nil, "export", "--quiet", "--demo", "--demo-days", "10", "--out", out)
	if code := r.wait(exportTimeout); code != 0 {
		t.Fatalf("exit %d:\n%s", code, r.screenText())
	}
	if s := strings.TrimSpace(r.screenText()); s != "" {
		t.Errorf("--quiet printed:\n%s", s)
	}
}

// TestTerminalStops stops a long export at several points, in the ways a
// person or a system stops a program: it must end within 2 s with exit 130
// and the "interrupted" message, leave the previous export as it was and
// no temporary directory.
func TestTerminalStops(t *testing.T) {
	cases := []struct {
		name    string
		days    string
		waitFor string // what the screen shows when the stop comes
		stop    func(r *ptyRun)
	}{
		{"ctrl-c at the start of the fetch", "1000", "fetching", func(r *ptyRun) { r.typeKeys("\x03") }},
		{"ctrl-c during the ticks", "1000", "moves_ticks", func(r *ptyRun) { r.typeKeys("\x03") }},
		{"ctrl-c while writing", "raw", "writing the tables", func(r *ptyRun) { r.typeKeys("\x03") }},
		{"SIGTERM during the fetch", "1000", "moves_ticks", func(r *ptyRun) { r.cmd.Process.Signal(syscall.SIGTERM) }},
		{"SIGHUP during the fetch", "1000", "moves_ticks", func(r *ptyRun) { r.cmd.Process.Signal(syscall.SIGHUP) }},
		{"SIGTERM while writing", "raw", "writing the tables", func(r *ptyRun) { r.cmd.Process.Signal(syscall.SIGTERM) }},
		{"two ctrl-c", "1000", "moves_ticks", func(r *ptyRun) {
			// Two presses a moment apart: the kernel merges a second SIGINT
			// that comes before the first is handled.
			r.typeKeys("\x03")
			time.Sleep(200 * time.Millisecond)
			r.typeKeys("\x03")
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			out := filepath.Join(dir, "up")
			prev := startPTY(t, 120, 30, nil, "export", "--demo", "--demo-days", "5", "--format", "csv", "--out", out)
			if code := prev.wait(exportTimeout); code != 0 {
				t.Fatalf("the previous export: exit %d:\n%s", code, prev.screenText())
			}
			before, err := os.ReadFile(filepath.Join(out, "manifest.json"))
			if err != nil {
				t.Fatal(err)
			}

			args := []string{"export", "--demo", "--demo-days", tc.days, "--ticks", "--format", "csv", "--out", out}
			if tc.days == "raw" {
				// The write phase alone: a re-export of a large archive.
				args = []string{"export", "--from-raw", rawFixture(t), "--format", "csv", "--out", out}
			}
			r := startPTY(t, 120, 30, nil, args...)
			r.waitScreen(tc.waitFor, exportTimeout)
			stopped := time.Now()
			tc.stop(r)
			code := r.wait(10 * time.Second)
			took := time.Since(stopped)
			if code != exitInterrupted {
				t.Fatalf("exit %d, want %d; the screen:\n%s", code, exitInterrupted, r.screenText())
			}
			if took > 2*time.Second {
				t.Errorf("took %v to stop, want at most 2 s", took)
			}
			screen := r.screenText()
			if !strings.Contains(screen, "interrupted") && !strings.Contains(screen, "stopped at once") {
				t.Errorf("no word of the interruption on the screen:\n%s", screen)
			}
			checkHumanScreen(t, r)
			after, err := os.ReadFile(filepath.Join(out, "manifest.json"))
			if err != nil || string(after) != string(before) {
				t.Fatalf("the previous export changed (err %v)", err)
			}
			verifyExport(t, out)
			if tc.name != "two ctrl-c" { // the second Ctrl-C leaves it for the next run
				entries, _ := os.ReadDir(dir)
				for _, e := range entries {
					if strings.Contains(e.Name(), "tmp") {
						t.Errorf("left behind: %s", e.Name())
					}
				}
			}
			t.Logf("stopped in %v; the screen:\n%s", took.Round(time.Millisecond), screen)
		})
	}
}

var (
	rawFixtureOnce sync.Once
	rawFixtureDir  string
)

// rawFixture is an export with a year of ticks, made once, whose archive the
// write-phase tests re-export: writing it takes long enough to be stopped.
func rawFixture(t *testing.T) string {
	t.Helper()
	rawFixtureOnce.Do(func() {
		dir, err := os.MkdirTemp("", "upexport-raw-")
		if err != nil {
			t.Fatal(err)
		}
		rawFixtureDir = filepath.Join(dir, "up")
		cmd := exec.Command(builtBinary(t), "export", "--demo", "--demo-days", "365", "--ticks", "--concurrency", "8", "--format", "csv", "--out", rawFixtureDir)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("making the raw fixture: %v\n%s", err, out)
		}
	})
	if rawFixtureDir == "" {
		t.Fatal("no raw fixture")
	}
	return rawFixtureDir
}

// terminalDemo is a demo server in this process for the login tests, and
// the provider flags that point the binary at it.
func terminalDemo(t *testing.T) (d *authtest.Demo, tokenFile string, flags []string, env []string) {
	d = authtest.NewDemo(t, upserver.Config{Seed: 3, Days: 20, DeviceInterval: time.Second, AutoApprove: false})
	p := d.Login
	tokenFile = filepath.Join(t.TempDir(), "token.json")
	flags = []string{
		"--api-url", d.APIURL, "--auth-url", p.AuthURL, "--token-url", p.TokenURL, "--device-url", p.DeviceURL,
		"--revoke-url", p.RevokeURL, "--issuer", p.Issuer, "--client-id", p.ClientID, "--token-file", tokenFile,
	}
	env = []string{
		envClientSecret + "=" + p.ClientSecret,
		// The test binary plays the person's browser and approves.
		"BROWSER=" + os.Args[0] + " -test.run=^TestHelperBrowser$ --",
		"UPEXPORT_TEST_BROWSER_DECISION=approve",
	}
	return d, tokenFile, flags, env
}

// TestTerminalLoginStatusExportLogout is a person's first session with a
// real provider: log in through the browser with fewer scopes than the
// export wants, look at the status, export (the endpoints the login does
// not allow are skipped, and the export still finishes), log out.
func TestTerminalLoginStatusExportLogout(t *testing.T) {
	_, tokenFile, flags, env := terminalDemo(t)
	cmd := func(args ...string) []string { return append(args, flags...) }

	r := startPTY(t, 120, 30, env, cmd("login", "--scopes", "basic_read move_read sleep_read")...)
	if code := r.wait(60 * time.Second); code != 0 {
		t.Fatalf("login: exit %d:\n%s", code, r.screenText())
	}
	if !strings.Contains(r.screenText(), "logged in as") {
		t.Errorf("login: the screen:\n%s", r.screenText())
	}
	t.Logf("login shows:\n%s", r.screenText())
	if _, err := os.Stat(tokenFile); err != nil {
		t.Fatal(err)
	}

	r = startPTY(t, 120, 30, env, cmd("status")...)
	if code := r.wait(30 * time.Second); code != 0 {
		t.Fatalf("status: exit %d:\n%s", code, r.screenText())
	}
	status := r.screenText()
	if !regexp.MustCompile(`expires: .*\(in (\d+ min|\d+ h( \d+ min)?|\d+ days)\)`).MatchString(status) {
		t.Errorf("status does not say when the token expires as people say it:\n%s", status)
	}
	if regexp.MustCompile(`\d+h\d+m`).MatchString(status) {
		t.Errorf("status shows a Go duration:\n%s", status)
	}
	t.Logf("status shows:\n%s", status)

	for i := range 3 { // the skip path once hung in every run
		out := filepath.Join(t.TempDir(), "up")
		r = startPTY(t, 120, 30, env, cmd("export", "--format", "xlsx", "--out", out)...)
		if code := r.wait(exportTimeout); code != 0 {
			t.Fatalf("export %d: exit %d:\n%s", i+1, code, r.screenText())
		}
		screen := r.screenText()
		for _, want := range []string{"warning: skipped", "- meals", "✓ moves", "exported"} {
			if !strings.Contains(screen, want) {
				t.Errorf("export %d: the screen does not show %q:\n%s", i+1, want, screen)
			}
		}
		checkHumanScreen(t, r)
		if i == 0 {
			t.Logf("export shows:\n%s", screen)
		}
	}

	r = startPTY(t, 120, 30, env, cmd("logout")...)
	if code := r.wait(30 * time.Second); code != 0 {
		t.Fatalf("logout: exit %d:\n%s", code, r.screenText())
	}
	if _, err := os.Stat(tokenFile); !os.IsNotExist(err) {
		t.Errorf("the token file is still there after logout (%v)", err)
	}
}

// TestTerminalDeviceLogin: login --device shows the code and the address,
// waits for the approval and finishes; Ctrl-C while it waits stops it.
func TestTerminalDeviceLogin(t *testing.T) {
	_, _, flags, env := terminalDemo(t)
	r := startPTY(t, 120, 30, env, append([]string{"login", "--device"}, flags...)...)
	r.waitScreen("Waiting for approval", 30*time.Second)
	screen := r.screenText()
	if !regexp.MustCompile(`expires in \d+ min`).MatchString(screen) {
		t.Errorf("the expiry of the code does not read as people say it:\n%s", screen)
	}
	m := regexp.MustCompile(`open (\S+), which has the code filled in`).FindStringSubmatch(screen)
	if m == nil {
		t.Fatalf("no verification address on the screen:\n%s", screen)
	}
	if !strings.Contains(m[1], deviceUserCode(t, screen)) {
		t.Errorf("the address %s does not carry the code shown", m[1])
	}
	// The person approves on another device.
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	if err := authtest.Browse(ctx, m[1], "approve"); err != nil {
		t.Fatalf("approving: %v", err)
	}
	if c := r.wait(60 * time.Second); c != 0 {
		t.Fatalf("exit %d:\n%s", c, r.screenText())
	}
	t.Logf("login --device shows:\n%s", r.screenText())

	r = startPTY(t, 120, 30, env, append([]string{"login", "--device"}, flags...)...)
	r.waitScreen("Waiting for approval", 30*time.Second)
	r.typeKeys("\x03")
	if c := r.wait(10 * time.Second); c != exitInterrupted {
		t.Fatalf("Ctrl-C during the device wait: exit %d, want %d:\n%s", c, exitInterrupted, r.screenText())
	}
	checkHumanScreen(t, r)
}

// deviceUserCode finds the user code (XXXX-XXXX) on the screen.
func deviceUserCode(t *testing.T, screen string) string {
	t.Helper()
	m := regexp.MustCompile(`\b[A-Z0-9]{4}-[A-Z0-9]{4}\b`).FindString(screen)
	if m == "" {
		t.Fatalf("no user code on the screen:\n%s", screen)
	}
	return m
}
