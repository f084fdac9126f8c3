package main

import (
	"bytes"
	"context"
	"log/slog"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestProgressShowsTheQuotaWait: both displays say until when and how long
// the API quota holds an endpoint, in the words of the README; the live
// line drops it with the next page.
func TestProgressShowsTheQuotaWait(t *testing.T) {
	until := time.Now().Add(47*time.Minute + 300*time.Millisecond)
	want := "waiting for the API quota until " + until.Local().Format("15:04") + " (47 min)"

	var buf syncBuffer
	l := newLineProgress(slog.New(slog.NewTextHandler(&buf, nil)), time.Hour)
	l.Start("moves")
	l.QuotaWait("moves", until)
	l.Close()
	if !strings.Contains(buf.String(), `msg="`+want+`" endpoint=moves`) {
		t.Errorf("line progress logged:\n%s\nwant %q", buf.String(), want)
	}

	p := &liveProgress{}
	p.start("moves")
	p.page("moves", 100)
	p.quotaWait("moves", until)
	if got := strings.Join(p.render(0), "\n"); !strings.Contains(got, "1 page, 100 items, "+want) {
		t.Errorf("live line %q, want it to say %q", got, want)
	}
	p.page("moves", 100)
	if got := strings.Join(p.render(0), "\n"); strings.Contains(got, "waiting") {
		t.Errorf("live line %q still waits after the next page", got)
	}
	p.quotaWait("moves", time.Now().Add(-time.Second))
	if got := strings.Join(p.render(0), "\n"); strings.Contains(got, "waiting") {
		t.Errorf("live line %q waits for a reset that has passed", got)
	}
}

func TestQuotaNote(t *testing.T) {
	now := time.Date(2026, 12, 2, 13, 13, 0, 0, time.Local)
	tests := []struct {
		until time.Time
		want  string
	}{
		{now.Add(47 * time.Minute), "waiting for the API quota until 14:00 (47 min)"},
		{now.Add(8500 * time.Millisecond), "waiting for the API quota until 13:13:08 (8.5 s)"},
		{now.Add(20 * time.Hour), "waiting for the API quota until Thu 09:13 (20 h)"},
	}
	for _, tt := range tests {
		if got := quotaNote(tt.until, now); got != tt.want {
			t.Errorf("quotaNote(+%v) = %q, want %q", tt.until.Sub(now), got, tt.want)
		}
	}
}

// TestExportQuotaWaitTooLong: a demo quota spent for an hour with
// --max-quota-wait 1s fails the run at once, naming the endpoint, the
// reset and the flag.
func TestExportQuotaWaitTooLong(t *testing.T) {
	out := filepath.Join(t.TempDir(), "up")
	var stdout, stderr syncBuffer
	start := time.Now()
	code := run(context.Background(), []string{"upexport", "export", "--demo", "--demo-days", "5", "--demo-quota", "5/1h",
		"--max-quota-wait", "1s", "--endpoints", "moves,sleeps,meals", "--ticks", "--log-format", "text", "--out", out},
		strings.NewReader(""), &stdout, &stderr)
	if code != exitFailure {
		t.Fatalf("exit %d, want %d; stderr:\n%s", code, exitFailure, stderr.String())
	}
	re := regexp.MustCompile(`(moves|sleeps|meals)\S* page \d+ \(GET [^)]*\): the API quota is spent until \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \S+ \(\d+ min\), longer than --max-quota-wait 1s allows`)
	if !re.MatchString(stderr.String()) {
		t.Errorf("stderr does not name the endpoint, the reset and the flag:\n%s", stderr.String())
	}
	if d := time.Since(start); d > 30*time.Second {
		t.Errorf("took %v: a wait over the cap must fail at once", d)
	}
}

func TestQuotaFlagsRefused(t *testing.T) {
	for _, args := range [][]string{
		{"demo-server", "--quota", "150"},
		{"demo-server", "--quota", "0/1h"},
		{"export", "--demo", "--demo-quota", "5/never"},
		{"export", "--demo", "--max-quota-wait", "0s"},
	} {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), append([]string{"upexport"}, args...), strings.NewReader(""), &stdout, &stderr)
		if code != exitUsage || stdout.Len() != 0 {
			t.Errorf("%q: exit %d, stdout %q; want %d", args, code, stdout.String(), exitUsage)
		}
	}
}

// TestExportUnderADemoQuota: an export against a spent-quickly demo quota
// waits for the resets, says so, and finishes without a retry.
func TestExportUnderADemoQuota(t *testing.T) {
	out := filepath.Join(t.TempDir(), "up")
	var stdout, stderr syncBuffer
	code := run(context.Background(), []string{"upexport", "export", "--demo", "--demo-days", "5", "--demo-quota", "20/1s",
		"--endpoints", "moves,sleeps,meals", "--ticks", "--log-format", "text", "--out", out},
		strings.NewReader(""), &stdout, &stderr)
	if code != exitOK {
		t.Fatalf("exit %d; stderr:\n%s", code, stderr.String())
	}
	log := stderr.String()
	if !regexp.MustCompile(`msg="waiting for the API quota until \d\d:\d\d:\d\d \([\d.]+ s\)" endpoint=`).MatchString(log) {
		t.Errorf("no quota wait logged:\n%s", log)
	}
	if !strings.Contains(log, ", 0 retries,") || strings.Contains(log, "msg=retry") {
		t.Errorf("retries under a quota the pacer keeps to:\n%s", log)
	}
	verifyExport(t, out)
}
