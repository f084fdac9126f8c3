// Command upexport exports a person's data from a Jawbone-UP-compatible API
// into analysis-ready CSV, Parquet or XLSX files.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"sync"
	"syscall"

	"github.com/urfave/cli/v2"

	"github.com/upexport/upexport/providers/all"
)

// Exit codes, documented in the app's help.
const (
	exitOK          = 0
	exitFailure     = 1
	exitUsage       = 2
	exitLoginNeeded = 3
	exitPartial     = 4
	exitIncomplete  = 5
	exitInterrupted = 130
)

const exitCodesHelp = `EXIT CODES:
   0    everything asked for was done
   1    something failed: the message names the endpoint, page and what the server said
   2    bad usage: an unknown command or flag, a bad value, a missing argument
   3    login needed: no terminal to ask on, or the server rejected the token (set UPEXPORT_REFRESH_TOKEN or run 'upexport login')
   4    partial (--keep-going): some endpoints failed; the rest were written, and the manifest says which tables are stale or failed
   5    incomplete (--deadline): stopped in time, nothing written; run the same command again to continue
   130  interrupted (Ctrl-C, SIGTERM or SIGHUP); the previous export is left as it was`

// defaultMemoryLimit is the Go runtime's soft memory limit unless
// GOMEMLIMIT says otherwise. A streaming export keeps a few tens of MB live
// but allocates fast, and with the default GOGC alone the heap grows to
// twice its peak live size between collections; the limit makes the
// collector work harder instead (measured: a ten-year export with ticks
// peaks at 128 MB RSS instead of 149 MB, for 5% more CPU). It is soft: a
// larger live heap still gets the memory it needs.
const defaultMemoryLimit = 100 << 20

func main() {
	if _, set := os.LookupEnv("GOMEMLIMIT"); !set {
		debug.SetMemoryLimit(defaultMemoryLimit)
	}
	ctx, stop := stopOnSignals(os.Stderr)
	code := run(ctx, os.Args, os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// stopOnSignals returns a context cancelled by the first Ctrl-C, SIGTERM or
// SIGHUP (a closed terminal), so the run stops cleanly: the previous export
// is kept and the temporary directory removed. A second signal means "now":
// the process exits at once, and the next run removes what is left over.
func stopOnSignals(stderr io.Writer) (context.Context, func()) {
	ctx, cancel := context.WithCancel(context.Background())
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	go func() {
		select {
		case <-sigs:
		case <-ctx.Done():
			return
		}
		cancel()
		<-sigs
		fmt.Fprintln(stderr, "\nupexport: stopped at once; the previous export is untouched")
		os.Exit(exitInterrupted)
	}()
	return ctx, func() { signal.Stop(sigs); cancel() }
}

// run executes the CLI and returns the process exit code. It never calls
// os.Exit, so tests can drive it in-process.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) (code int) {
	defer func() {
		// A bug must not greet the user with a goroutine dump: say what
		// happened in one line, with the stack for a bug report below it.
		if v := recover(); v != nil {
			fmt.Fprintf(stderr, "upexport: internal error: %v\n(this is a bug: please report it with the lines below; the previous export is untouched)\n%s", v, debug.Stack())
			code = exitFailure
		}
	}()
	if _, ok := stderr.(*os.File); !ok {
		// Log records and notices come from several goroutines; a file
		// takes each write whole, a buffer (in tests) needs the lock.
		stderr = &lockedWriter{w: stderr}
	}
	app := newApp(stdin, stdout, stderr)
	err := app.RunContext(ctx, args)
	if err == nil {
		return exitOK
	}
	fmt.Fprintf(stderr, "upexport: %v\n", err)
	var ec cli.ExitCoder
	var login loginNeededError
	switch {
	case errors.As(err, &ec) && ec.ExitCode() == exitLoginNeeded && !errors.As(err, &login):
		// urfave/cli says 3 for "No help topic": 3 is ours, for logins.
		return exitUsage
	case errors.As(err, &ec):
		return ec.ExitCode()
	case errors.Is(err, context.Canceled) && ctx.Err() != nil:
		return exitInterrupted
	case isUsageError(err):
		return exitUsage
	default:
		return exitFailure
	}
}

func newApp(stdin io.Reader, stdout, stderr io.Writer) *cli.App {
	return &cli.App{
		Name:    "upexport",
		Usage:   "export your data from an OAuth2 REST API (Jawbone UP, ...) into analysis-ready CSV, Parquet or XLSX",
		Version: toolVersion(),
		Description: "upexport logs you in through your browser, pages through every resource of the API,\n" +
			"flattens nested details, hourly totals, time zones and minute ticks into typed tables,\n" +
			"and writes files that load straight into pandas, DuckDB, Spark or a spreadsheet.\n\n" +
			"Try it with no account:  upexport export --demo --out ./up-export",
		CustomAppHelpTemplate: cli.AppHelpTemplate + "\n" + exitCodesHelp + "\n",
		Reader:                stdin,
		Writer:                stdout,
		ErrWriter:             stderr,
		EnableBashCompletion:  true,
		Suggest:               true,
		// Errors are printed once, by run, with the right exit code.
		ExitErrHandler: func(*cli.Context, error) {},
		OnUsageError: func(_ *cli.Context, err error, _ bool) error {
			return cli.Exit(err.Error(), exitUsage)
		},
		Commands: commands(all.Registry()),
		Action: func(c *cli.Context) error {
			if !c.Args().Present() {
				return cli.ShowAppHelp(c)
			}
			msg := fmt.Sprintf("unknown command %q", c.Args().First())
			if cli.SuggestCommand != nil {
				msg += ". " + cli.SuggestCommand(c.App.Commands, c.Args().First())
			}
			return usageErrorf("%s (see 'upexport --help')", msg)
		},
	}
}

// usageError marks errors caused by how the tool was called.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usageErrorf(format string, a ...any) error { return usageError{fmt.Errorf(format, a...)} }

func isUsageError(err error) bool {
	var u usageError
	return errors.As(err, &u)
}

// lockedWriter serialises writes to a writer that is not safe for
// concurrent use.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
