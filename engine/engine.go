// Package engine runs an export: it fetches every selected endpoint into the
// raw archive (fetch), flattens the archive into typed tables (schema) and
// writes them (export), into a temporary directory that replaces the output
// directory only when everything succeeded.
package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/upexport/upexport/export"
	"github.com/upexport/upexport/fetch"
	"github.com/upexport/upexport/provider"
	"github.com/upexport/upexport/schema"
)

// rawDir is where an export keeps its archive, beside the tables.
const rawDir = ".raw"

// Config is one export run.
type Config struct {
	// Provider is the API exported from: its resources and tables.
	Provider *provider.Provider
	// Client reads the API; nil with FromRaw.
	Client *fetch.Client
	// Out is the export directory.
	Out string
	// FromRaw, when set, names an export directory whose archive is
	// re-exported instead of fetching (it may be Out itself).
	FromRaw string
	// Resources are the provider's resources to read (with FromRaw, to
	// rebuild; all that the archive holds when empty).
	Resources []provider.Resource
	// Since and Until bound the time range; zero means open.
	Since, Until time.Time
	// Incremental asks the API only for what changed since the last run
	// into Out, and merges it into that run's archive.
	Incremental bool
	// Force replaces an output directory that is not an export.
	Force bool
	// KeepGoing writes what the other endpoints fetched when one fails,
	// instead of stopping the run: a failed endpoint keeps its tables and
	// archive from the export in Out, when there is one of the same API,
	// user and range. The Result then lists the failures (Failed).
	KeepGoing bool
	// Deadline, when set, stops the run at that time: what it fetched is
	// kept for the next run, nothing is written, and Run returns an
	// *IncompleteError.
	Deadline time.Time
	// Restart discards the partial run a killed or failed run left for
	// this output directory instead of continuing it.
	Restart bool
	// User is the person the login belongs to, as the token answer named
	// them: the user of a provider whose API never says (no WhoAmI).
	User string
	// Common also writes the common tables (schema/common), filled from
	// the provider's tables through its Common mappings.
	Common bool
	// PageSize is the page size asked of paged resources; 0 means 100.
	PageSize int
	Export   export.Options
	Schema   schema.Options
	// Provenance for the manifest. Source says where the data came from:
	// "demo", or the token endpoint of the login.
	ToolVersion, Source, APIURL string
	Observer                    Observer
	Logger                      *slog.Logger
	Now                         func() time.Time
}

// Observer is told how the run goes, for progress displays.
type Observer interface {
	Phase(name string)
	Start(endpoint string)
	Page(endpoint string, items int)
	// Fanout reports a fan-out of one request per item (meal details,
	// ticks): done of total so far. It is called often and must not block.
	Fanout(endpoint string, done, total int)
	Skip(endpoint, reason string)
	Done(endpoint string, items int, err error)
}

// CancelObserver is an Observer that also wants to know of an endpoint
// stopped because another failed (fail-fast): it neither finished nor
// failed, and Done is not called for it.
type CancelObserver interface {
	Cancelled(endpoint string)
}

// Result summarises a finished run.
type Result struct {
	Dir    string
	Tables []export.TableResult
	// Failed names the endpoints that failed in a KeepGoing run, with why;
	// the run is then partial.
	Failed    map[string]string
	Requests  int64
	Retries   int64
	Bytes     int64
	Warnings  []string
	KeptAside string // where --force put what the directory held before
	Elapsed   time.Duration
}

// Run performs the export. On error the previous contents of Out are left
// untouched.
func Run(ctx context.Context, cfg Config) (_ *Result, err error) {
	var r *run
	if !cfg.Deadline.IsZero() {
		parent := ctx
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, cfg.Deadline)
		defer cancel()
		defer func() {
			// The deadline, not a failure, stopped the run.
			// So did a quota that comes back only after it.
			var qe *fetch.QuotaWaitError
			quota := errors.As(err, &qe) && !qe.Deadline.IsZero()
			if err != nil && parent.Err() == nil && (quota || errors.Is(ctx.Err(), context.DeadlineExceeded)) {
				ie := &IncompleteError{Deadline: cfg.Deadline, Total: len(cfg.Resources)}
				if quota {
					ie.Err = qe
				}
				if r != nil && r.partial != nil {
					ie.Done = int(r.partial.finished.Load())
				}
				err = ie
			}
		}()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Observer == nil {
		cfg.Observer = nopObserver{}
	}
	if cfg.PageSize <= 0 {
		cfg.PageSize = 100
	}
	if cfg.Client == nil && cfg.FromRaw == "" {
		return nil, errors.New("engine: no API client and no archive to export from")
	}
	if cfg.Provider == nil || cfg.Provider.Tables == nil {
		return nil, errors.New("engine: no provider with tables (Config.Provider)")
	}
	start := cfg.Now()
	out, err := prepareOut(cfg.Out, cfg.Force, export.IsExportDir, cfg.Logger)
	if err != nil {
		return nil, err
	}
	committed := false
	defer func() {
		if !committed {
			out.abort()
		}
	}()

	r = &run{cfg: cfg, out: out, raw: filepath.Join(out.tmp, rawDir)}
	if err := os.Mkdir(r.raw, 0o755); err != nil {
		return nil, err
	}
	if cfg.FromRaw != "" {
		if err := r.copyArchive(filepath.Join(cfg.FromRaw, rawDir)); err != nil {
			return nil, err
		}
	} else {
		if r.partial, err = r.openPartial(ctx); err != nil {
			return nil, err
		}
		defer r.partial.close()
		if err := r.fetchAll(ctx); err != nil {
			return nil, err
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	cfg.Observer.Phase("write")
	tables, err := r.build(ctx, start)
	if err != nil {
		return nil, err
	}
	tables = r.tableStatus(tables)
	res := &Result{Dir: out.path, Tables: tables, Warnings: r.warnings, Failed: r.failedEndpoints()}
	if c := cfg.Client; c != nil {
		res.Requests, res.Retries, res.Bytes = c.Stats.Requests.Load(), c.Stats.Retries.Load(), c.Stats.Bytes.Load()
	}
	if err := r.writeManifest(tables, start); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	aside, err := out.commit(export.IsExportDir)
	committed = true
	if err != nil {
		return nil, err
	}
	res.KeptAside = aside
	if err := r.partial.remove(); err != nil {
		r.cfg.Logger.Warn("could not remove the finished partial run", "err", err)
	}
	res.Elapsed = cfg.Now().Sub(start)
	return res, nil
}

// IncompleteError is returned by a run stopped at Config.Deadline.
type IncompleteError struct {
	Deadline    time.Time
	Done, Total int   // endpoints fetched whole, of those asked for
	Err         error // why it stopped before the deadline (a quota spent past it), or nil
}

func (e *IncompleteError) Error() string {
	why := fmt.Sprintf("stopped at the deadline (%s)", e.Deadline.Local().Format(time.DateTime))
	if e.Err != nil {
		why = "stopped before the deadline: " + e.Err.Error() + ","
	}
	return fmt.Sprintf("incomplete: %s with %d of %d endpoints fetched; what was fetched is kept: run the same command again to continue",
		why, e.Done, e.Total)
}

func (e *IncompleteError) Unwrap() error { return e.Err }

// run is the state of one Run.
type run struct {
	cfg      Config
	ctx      context.Context // the run's own, to tell a failure from a sibling's cancel
	out      *outDir
	raw      string // this run's archive directory
	state    *state
	prev     *state // the archive state of the export being updated (incremental)
	prevDir  string
	partial  *partial   // what this and earlier tries of the run fetched; nil with FromRaw
	mu       sync.Mutex // guards warnings and activeDays
	warnings []string
	failed   map[string]string // endpoints that failed (KeepGoing), with why

	// activeDays are the dates (YYYYMMDD) on which moves or sleeps recorded
	// anything: the days a per-date endpoint (mood) is asked about when no
	// --since is given. Ready when activeDaysReady is closed.
	activeDays      []string
	activeDaysReady chan struct{}
	// activeDaysPartial is set when moves or sleeps failed: activeDays
	// then lack their days. Guarded by mu.
	activeDaysPartial bool
}

func (r *run) warn(format string, a ...any) {
	msg := fmt.Sprintf(format, a...)
	r.mu.Lock()
	r.warnings = append(r.warnings, msg)
	r.mu.Unlock()
	r.cfg.Logger.Warn(msg)
}

type nopObserver struct{}

func (nopObserver) Phase(string)            {}
func (nopObserver) Start(string)            {}
func (nopObserver) Page(string, int)        {}
func (nopObserver) Fanout(string, int, int) {}
func (nopObserver) Skip(string, string)     {}
func (nopObserver) Done(string, int, error) {}
