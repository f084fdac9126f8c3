package main

import (
	"log/slog"
	"os"
	"time"

	"github.com/urfave/cli/v2"
	"golang.org/x/term"

	"github.com/upexport/upexport/engine"
	"github.com/upexport/upexport/internal/termui"
)

// progressDisplay is a live display on a terminal or plain log lines.
type progressDisplay interface {
	engine.Observer
	Retry(endpoint string, err error, wait time.Duration)
	QuotaWait(endpoint string, until time.Time)
	Close()
}

// stderrTerminal says whether the command's error stream is a terminal
// that can redraw lines (not TERM=dumb), and whether to colour it.
type stderrTerminal struct {
	f       *os.File
	live    bool
	color   bool
	isatty  bool
	getSize func() (int, int, error)
}

func detectTerminal(c *cli.Context) stderrTerminal {
	f, ok := c.App.ErrWriter.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return stderrTerminal{}
	}
	dumb := os.Getenv("TERM") == "dumb"
	_, noColor := os.LookupEnv("NO_COLOR")
	return stderrTerminal{
		f:       f,
		isatty:  true,
		live:    !dumb,
		color:   !dumb && !noColor,
		getSize: func() (int, int, error) { return term.GetSize(int(f.Fd())) },
	}
}

// newUI builds the logger and the progress display of a command that
// does long work. On a terminal that can redraw, log lines are short human
// lines printed above one live line per endpoint; elsewhere (CI logs,
// pipes, --log-format text or json) they are structured records and the
// progress is plain lines.
func newUI(c *cli.Context) (*slog.Logger, progressDisplay) {
	level := slog.LevelInfo
	switch {
	case c.Bool("quiet"):
		level = slog.LevelWarn
	case c.Bool("verbose"):
		level = slog.LevelDebug
	}
	opts := &slog.HandlerOptions{Level: level}
	tty := detectTerminal(c)
	format := c.String("log-format")
	if format == "auto" {
		format = "text"
		if tty.isatty {
			format = "human"
		}
	}
	w := c.App.ErrWriter
	switch format {
	case "json":
		log := slog.New(slog.NewJSONHandler(w, opts))
		return log, plainProgress(c, log)
	case "text":
		log := slog.New(slog.NewTextHandler(w, opts))
		return log, plainProgress(c, log)
	}
	if !tty.live || c.Bool("quiet") {
		log := slog.New(termui.NewHumanHandler(w, level, tty.color))
		return log, plainProgress(c, log)
	}
	p := &liveProgress{color: tty.color}
	p.live = termui.NewLive(tty.f, p.render, termui.LiveOptions{Size: tty.getSize})
	p.log = slog.New(termui.NewHumanHandler(p.live, level, tty.color))
	return p.log, p
}

func plainProgress(c *cli.Context, log *slog.Logger) progressDisplay {
	if c.Bool("quiet") {
		return quietProgress{}
	}
	return newLineProgress(log, 5*time.Second)
}
