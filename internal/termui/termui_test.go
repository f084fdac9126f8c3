package termui

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestDuration(t *testing.T) {
	cases := []struct {
		d    time.Duration
		want string
	}{
		{0, "0.0 s"},
		{430 * time.Millisecond, "0.4 s"},
		{9940 * time.Millisecond, "9.9 s"},
		{42 * time.Second, "42 s"},
		{60 * time.Second, "1 min"},
		{200 * time.Second, "3 min 20 s"},
		{3*time.Hour + 12*time.Minute + 10*time.Second, "3 h 12 min"},
		{2 * time.Hour, "2 h"},
		{47*time.Hour + 59*time.Minute, "47 h 59 min"},
		{8759*time.Hour + 59*time.Minute + 57*time.Second, "365 days"},
		{-90 * time.Second, "1 min 30 s"},
	}
	for _, c := range cases {
		if got := Duration(c.d); got != c.want {
			t.Errorf("Duration(%v) = %q, want %q", c.d, got, c.want)
		}
	}
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	if got := Until(now.Add(365*24*time.Hour-3*time.Second), now); got != "in 365 days" {
		t.Errorf("Until a year = %q", got)
	}
	if got := Until(now.Add(-5*time.Minute), now); got != "5 min ago" {
		t.Errorf("Until the past = %q", got)
	}
}

func TestTruncate(t *testing.T) {
	cases := []struct {
		s     string
		width int
		want  string
	}{
		{"moves  3 pages", 40, "moves  3 pages"},
		{"moves  3 pages", 8, "moves  …"},
		{"✓ moves", 3, "✓ …"},
		{"\x1b[32m✓\x1b[0m moves 12345", 9, "\x1b[32m✓\x1b[0m moves …\x1b[0m"},
		{"abc", 0, ""},
	}
	for _, c := range cases {
		got := Truncate(c.s, c.width)
		if got != c.want {
			t.Errorf("Truncate(%q, %d) = %q, want %q", c.s, c.width, got, c.want)
		}
		if VisibleWidth(got) > max(c.width, 0) {
			t.Errorf("Truncate(%q, %d) is %d wide", c.s, c.width, VisibleWidth(got))
		}
	}
}

func TestFit(t *testing.T) {
	lines := []string{"a", "b", "c", "d", "e"}
	got := fit(lines, 80, 4)
	want := []string{"a", "b", "… and 3 more"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("fit to 4 rows = %q, want %q", got, want)
	}
	if got := fit(lines, 80, 0); len(got) != 5 {
		t.Errorf("fit with no row limit dropped lines: %q", got)
	}
}

// blockedWriter is a terminal that never takes output (a paused terminal,
// a full pipe) until released.
type blockedWriter struct {
	release chan struct{}
	mu      sync.Mutex
	buf     bytes.Buffer
}

func (w *blockedWriter) Write(p []byte) (int, error) {
	<-w.release
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.Write(p)
}

// TestLiveNeverBlocksTheCaller: while the terminal takes nothing, writes
// and kicks still return, and the render function is never called with a
// lock the callers need.
func TestLiveNeverBlocksTheCaller(t *testing.T) {
	w := &blockedWriter{release: make(chan struct{})}
	var mu sync.Mutex // the caller's own state lock, as the progress display has
	n := 0
	render := func(int) []string {
		mu.Lock()
		defer mu.Unlock()
		return []string{fmt.Sprintf("moves %d", n)}
	}
	l := NewLive(w, render, LiveOptions{Every: time.Millisecond})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range 10000 {
			mu.Lock()
			n = i
			mu.Unlock()
			fmt.Fprintf(l, "warning %d\n", i)
			l.Kick()
		}
	}()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("the caller waited for a terminal that takes no output")
	}
	close(w.release)
	l.Close()
	out := w.buf.String()
	if !strings.Contains(out, "warning 9999\x1b[K\n") || !strings.HasSuffix(out, "moves 9999\x1b[K\n") {
		t.Errorf("the last frame or the last log line is missing: %q", out[max(len(out)-200, 0):])
	}
}

// TestLiveOrder: log lines come out whole and in order, above the region,
// and a line without its newline waits for it (or for Close).
func TestLiveOrder(t *testing.T) {
	var buf bytes.Buffer
	l := NewLive(&syncWriter{w: &buf}, func(int) []string { return []string{"status"} },
		LiveOptions{Size: func() (int, int, error) { return 20, 10, nil }})
	l.Write([]byte("first\nsec"))
	l.Write([]byte("ond\nthird without newline"))
	l.Close()
	l.Close() // twice is fine
	l.Write([]byte("after close\n"))
	out := buf.String()
	i1, i2, i3 := strings.Index(out, "first"), strings.Index(out, "second"), strings.Index(out, "third without newline")
	if i1 < 0 || i2 < i1 || i3 < i2 {
		t.Fatalf("log lines out of order or cut: %q", out)
	}
	if !strings.HasSuffix(out, "status\x1b[K\nafter close\n") {
		t.Errorf("the last frame is not last, or a write after Close was lost: %q", out)
	}
}

type syncWriter struct {
	mu sync.Mutex
	w  *bytes.Buffer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

func TestHumanHandler(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(NewHumanHandler(&buf, slog.LevelInfo, false)).With("run", 7)
	log.Debug("not shown")
	log.Info("demo server", "url", "http://127.0.0.1:1")
	log.Warn("skipped cardiac_events: not allowed", "scope", "cardiac_read")
	log.Error("failed", "err", "two words", "wait", 1500*time.Millisecond)
	log.WithGroup("g").Info("grouped", "k", "v")
	want := "demo server run=7 url=http://127.0.0.1:1\n" +
		"warning: skipped cardiac_events: not allowed run=7 scope=cardiac_read\n" +
		"error: failed run=7 err=\"two words\" wait=\"1.5 s\"\n" +
		"grouped run=7 g.k=v\n"
	if buf.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", buf.String(), want)
	}

	buf.Reset()
	slog.New(NewHumanHandler(&buf, slog.LevelInfo, true)).Warn("w")
	if buf.String() != "\x1b[33mwarning: \x1b[0mw\n" {
		t.Errorf("coloured warning: %q", buf.String())
	}
	if NewHumanHandler(&buf, nil, false).Enabled(context.Background(), slog.LevelDebug) {
		t.Error("debug enabled by default")
	}
}
