// Package termui draws what a person sees on a terminal: a live status
// region at the bottom of the screen with log lines printed above it, short
// human log lines, and durations as people say them.
//
// Nothing here ever makes its caller wait for the terminal. Callers change
// their own state under their own short locks; a single goroutine reads that
// state through a render function and writes to the terminal, so a slow or
// stopped terminal delays only the display, never the work.
package termui

import (
	"bytes"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// RenderFunc returns the status lines to show now. It is called on the
// drawing goroutine, never while Live holds its lock, and must not block.
// frame counts the redraws, for spinners.
type RenderFunc func(frame int) []string

// LiveOptions configures a Live region.
type LiveOptions struct {
	// Size reports the terminal's columns and rows; nil, or an error, means
	// 80x24. It is asked on every frame, so a resized window redraws right.
	Size func() (cols, rows int, err error)
	// Every is the redraw interval; 0 means 120 ms.
	Every time.Duration
}

// Live owns the bottom lines of a terminal. Write (or Println) puts whole
// lines above the region; the region is redrawn from RenderFunc.
type Live struct {
	w      io.Writer
	render RenderFunc
	opts   LiveOptions

	mu      sync.Mutex
	pending bytes.Buffer // complete lines waiting to be printed above
	partial []byte       // a line written without its newline yet
	closed  bool

	kick chan struct{}
	stop chan struct{}
	done chan struct{}

	// Touched only by the drawing goroutine (and by Close after it ends).
	drawn int // status lines on screen now, to move up over
	frame int
}

// NewLive starts drawing to w, which should be a terminal.
func NewLive(w io.Writer, render RenderFunc, opts LiveOptions) *Live {
	if opts.Every <= 0 {
		opts.Every = 120 * time.Millisecond
	}
	l := &Live{w: w, render: render, opts: opts,
		kick: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	go l.loop()
	return l
}

// Write queues p's complete lines to be printed above the region on the
// next frame. It never blocks on the terminal. After Close it writes
// straight through.
func (l *Live) Write(p []byte) (int, error) {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return l.w.Write(p)
	}
	l.partial = append(l.partial, p...)
	if i := bytes.LastIndexByte(l.partial, '\n'); i >= 0 {
		l.pending.Write(l.partial[:i+1])
		l.partial = append(l.partial[:0], l.partial[i+1:]...)
	}
	l.mu.Unlock()
	l.Kick()
	return len(p), nil
}

// Kick asks for a redraw soon, without waiting for it.
func (l *Live) Kick() {
	select {
	case l.kick <- struct{}{}:
	default:
	}
}

// Close draws a last frame, leaves it on screen and stops. It is safe to
// call more than once and from any goroutine.
func (l *Live) Close() {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		<-l.done
		return
	}
	l.closed = true
	l.mu.Unlock()
	close(l.stop)
	<-l.done
}

func (l *Live) loop() {
	defer close(l.done)
	t := time.NewTicker(l.opts.Every)
	defer t.Stop()
	for {
		select {
		case <-l.stop:
			l.draw(true)
			return
		case <-t.C:
		case <-l.kick:
		}
		l.draw(false)
	}
}

func (l *Live) size() (cols, rows int) {
	if l.opts.Size != nil {
		if c, r, err := l.opts.Size(); err == nil && c > 0 && r > 0 {
			return c, r
		}
	}
	return 80, 24
}

// draw rewrites the region: up over the old status lines, clear to the end
// of the screen, the queued log lines, then the new status lines.
func (l *Live) draw(final bool) {
	l.mu.Lock()
	logs := append([]byte(nil), l.pending.Bytes()...)
	l.pending.Reset()
	if final && len(l.partial) > 0 {
		logs = append(append(logs, l.partial...), '\n')
		l.partial = nil
	}
	l.mu.Unlock()

	cols, rows := l.size()
	if final {
		// The last frame stays on screen and is never moved over again,
		// so it may be taller than the screen: show every line.
		rows = 0
	}
	lines := fit(l.render(l.frame), cols, rows)
	l.frame++

	var b bytes.Buffer
	if l.drawn > 0 {
		b.WriteString("\r\x1b[" + strconv.Itoa(l.drawn) + "A")
	} else {
		b.WriteString("\r")
	}
	b.WriteString("\x1b[J")
	b.Write(bytes.ReplaceAll(logs, []byte("\n"), []byte("\x1b[K\n")))
	for _, s := range lines {
		b.WriteString(s)
		b.WriteString("\x1b[K\n")
	}
	l.drawn = len(lines)
	// An error here is a terminal gone away: nothing to report it to.
	l.w.Write(b.Bytes())
}

// fit keeps the region inside the screen: each line one character short of
// the width (a full line would wrap on some terminals and break the move
// up), and at most rows-1 lines, the last one saying how many were left out.
// rows <= 0 means no limit.
func fit(lines []string, cols, rows int) []string {
	maxLines := max(rows-1, 1)
	if rows > 0 && len(lines) > maxLines {
		hidden := len(lines) - maxLines + 1
		lines = append(append([]string(nil), lines[:maxLines-1]...), "… and "+strconv.Itoa(hidden)+" more")
	}
	out := make([]string, len(lines))
	for i, s := range lines {
		out[i] = Truncate(s, cols-1)
	}
	return out
}

// Truncate cuts s to at most width visible characters, ending in "…" when
// it cut. ANSI colour sequences count as no width and are kept whole, and
// the colour is reset after a cut.
func Truncate(s string, width int) string {
	if width <= 0 {
		return ""
	}
	if VisibleWidth(s) <= width {
		return s
	}
	var b strings.Builder
	n := 0
	coloured := false
	for i := 0; i < len(s); {
		if s[i] == 0x1b {
			j := escapeEnd(s, i)
			b.WriteString(s[i:j])
			coloured = true
			i = j
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if n == width-1 {
			b.WriteString("…")
			break
		}
		b.WriteRune(r)
		n++
		i += size
	}
	if coloured {
		b.WriteString("\x1b[0m")
	}
	return b.String()
}

// VisibleWidth counts the characters of s that take a column, skipping ANSI
// escape sequences. Every rune counts as one column, which holds for the
// text this tool prints.
func VisibleWidth(s string) int {
	n := 0
	for i := 0; i < len(s); {
		if s[i] == 0x1b {
			i = escapeEnd(s, i)
			continue
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		n++
		i += size
	}
	return n
}

// escapeEnd returns the index just past the CSI sequence starting at i.
func escapeEnd(s string, i int) int {
	j := i + 1
	if j < len(s) && s[j] == '[' {
		j++
		for j < len(s) && (s[j] < 0x40 || s[j] > 0x7e) {
			j++
		}
		if j < len(s) {
			j++
		}
	}
	return j
}
