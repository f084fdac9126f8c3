package termui

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"time"
)

// HumanHandler is a slog.Handler for a person at a terminal: one short line
// per record, with no time stamp and no level key. Warnings and errors say
// so first ("warning: ..."); attributes follow the message as key=value.
type HumanHandler struct {
	w      io.Writer
	mu     *sync.Mutex // one record is one Write, whoever shares w
	level  slog.Leveler
	color  bool
	prefix string // attributes from WithAttrs, already formatted
	group  string
}

// NewHumanHandler logs to w at level and above. color adds ANSI colours to
// the level word; pass false for NO_COLOR or a dumb terminal.
func NewHumanHandler(w io.Writer, level slog.Leveler, color bool) *HumanHandler {
	if level == nil {
		level = slog.LevelInfo
	}
	return &HumanHandler{w: w, mu: new(sync.Mutex), level: level, color: color}
}

// Enabled implements slog.Handler.
func (h *HumanHandler) Enabled(_ context.Context, l slog.Level) bool {
	return l >= h.level.Level()
}

// Handle implements slog.Handler.
func (h *HumanHandler) Handle(_ context.Context, r slog.Record) error {
	var b strings.Builder
	switch {
	case r.Level >= slog.LevelError:
		b.WriteString(h.paint("31", "error: "))
	case r.Level >= slog.LevelWarn:
		b.WriteString(h.paint("33", "warning: "))
	case r.Level < slog.LevelInfo:
		b.WriteString(h.paint("2", "debug: "))
	}
	b.WriteString(r.Message)
	b.WriteString(h.prefix)
	r.Attrs(func(a slog.Attr) bool {
		appendAttr(&b, h.group, a)
		return true
	})
	b.WriteByte('\n')
	h.mu.Lock()
	defer h.mu.Unlock()
	_, err := io.WriteString(h.w, b.String())
	return err
}

// WithAttrs implements slog.Handler.
func (h *HumanHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	c := *h
	var b strings.Builder
	b.WriteString(h.prefix)
	for _, a := range attrs {
		appendAttr(&b, h.group, a)
	}
	c.prefix = b.String()
	return &c
}

// WithGroup implements slog.Handler.
func (h *HumanHandler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	c := *h
	c.group = h.group + name + "."
	return &c
}

func (h *HumanHandler) paint(code, s string) string {
	if !h.color {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}

func appendAttr(b *strings.Builder, group string, a slog.Attr) {
	a.Value = a.Value.Resolve()
	if a.Equal(slog.Attr{}) {
		return
	}
	if a.Value.Kind() == slog.KindGroup {
		g := group
		if a.Key != "" {
			g += a.Key + "."
		}
		for _, ga := range a.Value.Group() {
			appendAttr(b, g, ga)
		}
		return
	}
	var v string
	switch a.Value.Kind() {
	case slog.KindDuration:
		v = Duration(a.Value.Duration())
	case slog.KindTime:
		v = a.Value.Time().Format(time.RFC3339)
	default:
		v = a.Value.String()
	}
	if v == "" || strings.ContainsAny(v, " \t\n\"=") {
		v = fmt.Sprintf("%q", v)
	}
	b.WriteString(" " + group + a.Key + "=" + v)
}
