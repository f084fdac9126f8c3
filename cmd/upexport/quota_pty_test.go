//go:build linux || darwin

package main

import (
	"path/filepath"
	"regexp"
	"testing"
	"time"
)

// TestTerminalQuotaWait: on a terminal, an endpoint held by the API quota
// says so on its live line, and a log line above says it once.
func TestTerminalQuotaWait(t *testing.T) {
	out := filepath.Join(t.TempDir(), "up")
	r := startPTY(t, 120, 30, nil, "export", "--demo", "--demo-days", "30", "--demo-quota", "50/2s", "--out", out)
	r.waitScreen("waiting for the API quota until", exportTimeout)
	t.Logf("the screen during a wait:\n%s", r.screenText())
	live := regexp.MustCompile(`(?m)^. \S+ +.*items?, waiting for the API quota until \d\d:\d\d:\d\d \(\d\.\d s\)$`)
	deadline := time.Now().Add(10 * time.Second)
	for !live.MatchString(r.screenText()) {
		if time.Now().After(deadline) {
			t.Fatalf("no live line waits for the quota; the screen:\n%s", r.screenText())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if code := r.wait(exportTimeout); code != 0 {
		t.Fatalf("exit %d; the screen:\n%s", code, r.screenText())
	}
	logLine := regexp.MustCompile(`(?m)^waiting for the API quota until \d\d:\d\d:\d\d \(\d\.\d s\) endpoint=\S+$`)
	if !logLine.MatchString(r.screenText()) {
		t.Errorf("no log line of the wait; the screen:\n%s", r.screenText())
	}
	checkHumanScreen(t, r)
	verifyExport(t, out)
}
