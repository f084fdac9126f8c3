package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/upexport/upexport/engine"
	"github.com/upexport/upexport/export"
	"github.com/upexport/upexport/fetch"
	"github.com/upexport/upexport/fetch/auth"
	"github.com/upexport/upexport/fetch/safehttp"
	"github.com/upexport/upexport/internal/termui"
	"github.com/upexport/upexport/provider"
	"github.com/upexport/upexport/schema"
)

func exportCommand(reg *provider.Registry) *cli.Command {
	const (
		catWhat   = "What to export"
		catOutput = "Output"
		catFetch  = "Fetching"
		catDemo   = "Demo"
		catLog    = "Logging"
	)
	flags := []cli.Flag{
		&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "parquet", EnvVars: []string{"UPEXPORT_FORMAT"}, Category: catOutput,
			Usage: "file format: parquet, csv or xlsx", Action: oneOf("format", "parquet", "csv", "xlsx")},
		&cli.PathFlag{Name: "out", Aliases: []string{"o"}, Value: "up-export", EnvVars: []string{"UPEXPORT_OUT"}, Category: catOutput,
			Usage: "export directory; replaced as a whole, atomically, when the run succeeds"},
		&cli.BoolFlag{Name: "force", EnvVars: []string{"UPEXPORT_FORCE"}, Category: catOutput,
			Usage: "write into --out even if it holds something that is not an export (its contents are kept aside)"},
		&cli.StringFlag{Name: "compression", EnvVars: []string{"UPEXPORT_COMPRESSION"}, Category: catOutput,
			Usage: "parquet codec: zstd (default), snappy, gzip or none", Action: oneOf("compression", "zstd", "snappy", "gzip", "none")},
		&cli.StringFlag{Name: "partition-by", EnvVars: []string{"UPEXPORT_PARTITION_BY"}, Category: catOutput,
			Usage: "write each table as hive-style year=/month= directories (parquet, csv): year or month", Action: oneOf("partition-by", "year", "month")},
		&cli.BoolFlag{Name: "csv-bom", EnvVars: []string{"UPEXPORT_CSV_BOM"}, Category: catOutput, Usage: "start CSV files with a UTF-8 BOM, for Excel on Windows"},
		&cli.BoolFlag{Name: "gzip", EnvVars: []string{"UPEXPORT_GZIP"}, Category: catOutput, Usage: "gzip CSV files (.csv.gz)"},
		&cli.BoolFlag{Name: "common", EnvVars: []string{"UPEXPORT_COMMON"}, Category: catOutput,
			Usage: "also write the common tables (common_daily_activity, common_intraday, common_sleep_sessions, common_sleep_stages, common_heart_rate, common_body): the same columns and units for every provider, to concatenate exports"},
		&cli.BoolFlag{Name: "report", EnvVars: []string{"UPEXPORT_REPORT"}, Category: catOutput, Usage: "then write report.html beside the tables (see 'upexport report'; csv or parquet)"},
		&cli.StringFlag{Name: "since", EnvVars: []string{"UPEXPORT_SINCE"}, Category: catWhat, Usage: "first day to export, YYYY-MM-DD (UTC)"},
		&cli.StringFlag{Name: "until", EnvVars: []string{"UPEXPORT_UNTIL"}, Category: catWhat, Usage: "last day to export, YYYY-MM-DD (UTC), inclusive"},
		&cli.StringFlag{Name: "endpoints", EnvVars: []string{"UPEXPORT_ENDPOINTS"}, Category: catWhat,
			Usage: "comma-separated resources to export (default: every readable one; see 'upexport endpoints')"},
		&cli.BoolFlag{Name: "ticks", EnvVars: []string{"UPEXPORT_TICKS"}, Category: catWhat,
			Usage: "also export the optional per-item series, such as Jawbone's minute ticks (one request per item: large)"},
		&cli.BoolFlag{Name: "incremental", EnvVars: []string{"UPEXPORT_INCREMENTAL"}, Category: catWhat,
			Usage: "fetch only what changed since the last run into --out, and merge it in"},
		&cli.PathFlag{Name: "from-raw", EnvVars: []string{"UPEXPORT_FROM_RAW"}, Category: catWhat,
			Usage: "re-export the raw archive of an earlier export directory, without fetching"},
		&cli.BoolFlag{Name: "strict-schema", EnvVars: []string{"UPEXPORT_STRICT_SCHEMA"}, Category: catWhat,
			Usage: "fail on fields the schema does not declare, instead of exporting them as extra columns, and on text that is not UTF-8, instead of repairing it"},
		&cli.StringFlag{Name: "deadline", EnvVars: []string{"UPEXPORT_DEADLINE"}, Category: catWhat,
			Usage: "stop cleanly by this time (a duration such as 5h30m, or an RFC 3339 time), keeping what was fetched for the next run (exit code 5)"},
		&cli.BoolFlag{Name: "restart", EnvVars: []string{"UPEXPORT_RESTART"}, Category: catWhat,
			Usage: "discard what an interrupted run of this --out fetched, instead of continuing it"},
		&cli.BoolFlag{Name: "keep-going", EnvVars: []string{"UPEXPORT_KEEP_GOING"}, Category: catWhat,
			Usage: "when an endpoint fails, write the others and keep the failed one's tables from the previous export (exit code 4)"},
		&cli.BoolFlag{Name: "lenient", EnvVars: []string{"UPEXPORT_LENIENT"}, Category: catWhat,
			Usage: "export a value that contradicts its column's type as null, with a warning, instead of failing"},
		&cli.IntFlag{Name: "concurrency", Value: 4, EnvVars: []string{"UPEXPORT_CONCURRENCY"}, Category: catFetch,
			Usage: "requests in flight at once, across endpoints and tick fan-out", Action: atLeast("concurrency", 1)},
		&cli.Float64Flag{Name: "rate", EnvVars: []string{"UPEXPORT_RATE"}, Category: catFetch, Usage: "at most this many requests per second (0: no limit)",
			Action: func(_ *cli.Context, v float64) error {
				if v < 0 {
					return usageErrorf("invalid --rate %v: must be 0 or more", v)
				}
				return nil
			}},
		&cli.IntFlag{Name: "retries", Value: fetch.DefaultRetries, EnvVars: []string{"UPEXPORT_RETRIES"}, Category: catFetch,
			Usage: "tries again after 429, 5xx and cut connections, with backoff; 0 for none (a 429 that says when to come back is waited out, not counted)", Action: atLeast("retries", 0)},
		&cli.DurationFlag{Name: "max-quota-wait", Value: time.Hour, EnvVars: []string{"UPEXPORT_MAX_QUOTA_WAIT"}, Category: catFetch,
			Usage: "longest wait for the API's request quota to come back; a longer one fails the endpoint",
			Action: func(_ *cli.Context, v time.Duration) error {
				if v <= 0 {
					return usageErrorf("invalid --max-quota-wait %v: must be positive", v)
				}
				return nil
			}},
		&cli.IntFlag{Name: "page-size", Value: 100, EnvVars: []string{"UPEXPORT_PAGE_SIZE"}, Category: catFetch,
			Usage: "items asked for per page (limit=)", Action: atLeast("page-size", 1)},
		&cli.IntFlag{Name: "max-pages", Value: 1_000_000, EnvVars: []string{"UPEXPORT_MAX_PAGES"}, Category: catFetch,
			Usage: "stop an endpoint that pages on past this many pages", Action: atLeast("max-pages", 1)},
		&cli.BoolFlag{Name: "demo", EnvVars: []string{"UPEXPORT_DEMO"}, Category: catDemo,
			Usage: "export from the provider's built-in emulator, started on a free loopback port: no account and no network needed"},
		&cli.IntFlag{Name: "demo-days", Value: 90, EnvVars: []string{"UPEXPORT_DEMO_DAYS"}, Category: catDemo, Usage: "days of history the demo server makes up", Action: atLeast("demo-days", 1)},
		&cli.Int64Flag{Name: "demo-seed", Value: 1, EnvVars: []string{"UPEXPORT_DEMO_SEED"}, Category: catDemo, Usage: "seed of the demo data"},
		&cli.StringFlag{Name: "demo-quota", EnvVars: []string{"UPEXPORT_DEMO_QUOTA"}, Category: catDemo,
			Usage: "the demo server allows this many requests per window, e.g. 150/1h (Fitbit's) or 300/10s", Action: quotaFlag("demo-quota")},
		&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, EnvVars: []string{"UPEXPORT_QUIET"}, Category: catLog, Usage: "print only warnings and errors"},
		&cli.BoolFlag{Name: "verbose", Aliases: []string{"v"}, EnvVars: []string{"UPEXPORT_VERBOSE"}, Category: catLog, Usage: "log every request and retry (never a token)"},
		&cli.StringFlag{Name: "log-format", Value: "auto", EnvVars: []string{"UPEXPORT_LOG_FORMAT"}, Category: catLog,
			Usage:  "auto (short human lines and live progress on a terminal, text elsewhere), human, text (key=value) or json",
			Action: oneOf("log-format", "auto", "human", "text", "json")},
	}
	return &cli.Command{
		Name:  "export",
		Usage: "fetch every endpoint and write typed tables as Parquet, CSV or XLSX",
		UsageText: "upexport export --demo --out ./up-export\n" +
			"upexport export --format csv --out ./up --since 2015-01-01 --until 2015-12-31\n" +
			"upexport export --incremental --ticks --out ./up      (scheduled runs)",
		Description: "Fetches every readable endpoint (or --endpoints), keeps the fetched items in OUT/.raw,\n" +
			"flattens them into typed tables and writes them with a manifest.json. Everything is written\n" +
			"into a temporary directory that replaces OUT only when the run succeeds.\n\n" + exitCodesHelp,
		Flags:  append(flags, providerFlags(reg)...),
		Action: func(c *cli.Context) error { return runExport(c, reg) },
	}
}

func runExport(c *cli.Context, reg *provider.Registry) error {
	ctx := c.Context
	if c.Args().Present() {
		return usageErrorf("export takes no arguments (got %q): flags go before them", c.Args().Slice())
	}
	if err := checkReportFormat(c); err != nil {
		return err
	}
	since, err := dateFlag(c, "since")
	if err != nil {
		return err
	}
	until, err := dateFlag(c, "until")
	if err != nil {
		return err
	}
	if !since.IsZero() && !until.IsZero() && until.Before(since) {
		return usageErrorf("--until %s is before --since %s", c.String("until"), c.String("since"))
	}
	names := strings.Split(c.String("endpoints"), ",")
	if c.IsSet("endpoints") && strings.TrimSpace(strings.Join(names, "")) == "" {
		// Select takes no names as "all": a list of only commas is a slip.
		return usageErrorf("--endpoints %q names no endpoint (leave it out to export every readable one)", c.String("endpoints"))
	}
	prov, err := selectedProvider(c, reg)
	if err != nil {
		return err
	}
	eps, err := prov.Select(names, c.Bool("ticks"))
	if err != nil {
		return usageError{fmt.Errorf("--endpoints: %w", err)}
	}
	if fi, err := os.Stat(c.Path("out")); err == nil && !fi.IsDir() {
		return usageErrorf("--out %s is a file: it must name a directory", c.Path("out"))
	}
	if c.IsSet("from-raw") && (c.Bool("demo") || c.Bool("incremental")) {
		return usageErrorf("--from-raw re-exports an archive: it cannot be combined with --demo or --incremental")
	}

	var deadline time.Time
	if v := c.String("deadline"); v != "" {
		if deadline, err = parseDeadline(v, time.Now()); err != nil {
			return usageError{err}
		}
	}

	// Before any login or fetch: a refused --out is known now.
	if err := engine.CheckOut(c.Path("out")); err != nil {
		return usageError{err}
	}

	log, progress := newUI(c)
	closeProgress := sync.OnceFunc(progress.Close) // before the summary, and on every return
	defer closeProgress()

	cfg := engine.Config{
		Provider:    prov,
		Out:         c.Path("out"),
		FromRaw:     c.Path("from-raw"),
		Since:       since,
		Until:       until,
		Incremental: c.Bool("incremental"),
		Force:       c.Bool("force"),
		KeepGoing:   c.Bool("keep-going"),
		Common:      c.Bool("common"),
		Restart:     c.Bool("restart"),
		Deadline:    deadline,
		PageSize:    c.Int("page-size"),
		Export: export.Options{
			Format:      export.Format(c.String("format")),
			Compression: c.String("compression"),
			PartitionBy: c.String("partition-by"),
			CSVBOM:      c.Bool("csv-bom"),
			Gzip:        c.Bool("gzip"),
		},
		Schema:      schema.Options{StrictSchema: c.Bool("strict-schema"), Lenient: c.Bool("lenient")},
		ToolVersion: version,
		Observer:    progress,
		Logger:      log,
	}
	if c.IsSet("endpoints") || cfg.FromRaw == "" {
		cfg.Resources = eps
	}
	if cfg.FromRaw == "" {
		var sess *auth.Session
		if c.Bool("demo") {
			stop, demoSess, err := startDemo(c, prov, log)
			if err != nil {
				return err
			}
			defer stop()
			sess = demoSess
			cfg.Source = "demo"
			// The port changes every run; the seed and days name the data,
			// so --incremental can follow an earlier --demo export.
			cfg.APIURL = fmt.Sprintf("upexport-demo:seed=%d;days=%d", c.Int64("demo-seed"), c.Int("demo-days"))
		} else {
			if sess, err = sessionFromFlags(c, reg); err != nil {
				return err
			}
			cfg.Source = safehttp.Redact(sess.Server().TokenURL)
		}
		if cfg.APIURL == "" {
			// It goes into the manifest and messages: no password.
			cfg.APIURL = safehttp.Redact(sess.APIURL())
		}
		cfg.Resources = allowed(cfg.Resources, sessionScopes(ctx, sess), progress, log)
		cfg.User = sessionUser(ctx, sess)
		cfg.Client, err = fetch.NewClient(fetch.Options{
			HTTPClient:   sess.Client(),
			APIURL:       sess.APIURL(),
			Envelope:     prov.API.Envelope,
			Header:       prov.API.Header,
			Concurrency:  c.Int("concurrency"),
			Rate:         c.Float64("rate"),
			Retries:      c.Int("retries"),
			MaxPages:     c.Int("max-pages"),
			Logger:       log,
			OnRetry:      progress.Retry,
			MaxQuotaWait: c.Duration("max-quota-wait"),
			OnQuotaWait:  progress.QuotaWait,
		})
		if err != nil {
			return usageError{err}
		}
	}
	res, err := engine.Run(ctx, cfg)
	closeProgress()
	if err != nil {
		if errors.Is(err, context.Canceled) && ctx.Err() != nil {
			return cli.Exit("interrupted: the previous export in "+cfg.Out+" is untouched; what was fetched is kept, and the same command continues it", exitInterrupted)
		}
		var incomplete *engine.IncompleteError
		if errors.As(err, &incomplete) {
			return cli.Exit(err.Error(), exitIncomplete)
		}
		if errors.Is(err, engine.ErrNotExport) || errors.Is(err, engine.ErrNoArchive) || errors.Is(err, engine.ErrBadOut) {
			return usageError{err}
		}
		// A refresh token the server rejected, or a 401 with nothing to
		// refresh with: exit 3, naming the ways to log in.
		return loginNeeded(err)
	}
	if !c.Bool("quiet") {
		printSummary(c.App.ErrWriter, res)
	}
	if path := os.Getenv(envStepSummary); path != "" {
		if err := appendStepSummary(path, res); err != nil {
			log.Warn(err.Error())
		}
	}
	if c.Bool("report") {
		if err := writeReport(c, res.Dir); err != nil {
			return err
		}
	}
	if len(res.Failed) > 0 {
		names := slices.Sorted(maps.Keys(res.Failed))
		return cli.Exit(fmt.Sprintf("partial export: %s failed (see the warnings; manifest.json marks their tables stale or failed)",
			strings.Join(names, ", ")), exitPartial)
	}
	return nil
}

// startDemo runs the demo server on a free loopback port and logs in to it
// through the real loopback flow, with the server approving by itself. The
// token lives in memory only.
func startDemo(c *cli.Context, prov *provider.Provider, log *slog.Logger) (stop func(), sess *auth.Session, err error) {
	ctx := c.Context
	if prov.NewDemo == nil {
		return nil, nil, usageErrorf("--demo: %s has no emulator", prov.Name)
	}
	opts := provider.DemoOptions{Seed: c.Int64("demo-seed"), Days: c.Int("demo-days"), AutoApprove: true}
	if v := c.String("demo-quota"); v != "" {
		if opts.Quota, err = provider.ParseQuota(v); err != nil {
			return nil, nil, usageErrorf("--demo-quota: %w", err)
		}
	}
	srv, err := prov.NewDemo(opts)
	if err != nil {
		return nil, nil, usageErrorf("--demo: %w", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, nil, fmt.Errorf("demo server: %w", err)
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	go hs.Serve(ln)
	stop = func() {
		if ctx.Err() != nil {
			// Interrupted: the client has gone, nothing to wait for.
			hs.Close()
			return
		}
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		hs.Shutdown(sctx)
	}
	base := "http://" + ln.Addr().String()
	info := srv.Info(base)
	p := prov.OAuth.WithHooks(auth.Server{
		AuthURL: info.AuthURL, TokenURL: info.TokenURL, DeviceURL: info.DeviceURL,
		RevokeURL: info.RevokeURL, Issuer: info.Issuer, ClientID: info.ClientID, ClientSecret: info.ClientSecret,
		Scopes: prov.AllScopes(), AuthStyle: prov.OAuth.AuthStyle,
	})
	log.Info("demo server", "url", base)
	hc := httpClient(c)
	tok, err := auth.LoginLoopback(ctx, p, auth.LoopbackOptions{
		OpenURL:    auth.HTTPOpener(nil),
		Timeout:    30 * time.Second,
		Logf:       func(f string, a ...any) { log.Debug(fmt.Sprintf(f, a...)) },
		HTTPClient: hc,
	})
	if err != nil {
		stop()
		return nil, nil, fmt.Errorf("demo login: %w", err)
	}
	sess, err = auth.NewSession(ctx, p, auth.NewMemoryStore(tok), auth.ForAPI(info.APIURL), auth.WithHTTPClient(hc))
	if err != nil {
		stop()
		return nil, nil, fmt.Errorf("demo login: %w", err)
	}
	return stop, sess, nil
}

// sessionScopes are the scopes the server granted, or nil when it did not
// say (the real API's token response had no scope).
func sessionScopes(ctx context.Context, s *auth.Session) []string {
	tok, err := s.Store().Load(ctx)
	if err != nil || tok == nil {
		return nil
	}
	return auth.Scopes(tok)
}

// sessionUser is the user the token answer named, if it did.
func sessionUser(ctx context.Context, s *auth.Session) string {
	tok, err := s.Store().Load(ctx)
	if err != nil {
		return ""
	}
	return auth.User(tok)
}

// allowed drops the endpoints the granted scopes do not cover, with one
// warning each. Endpoints the server forbids anyway are skipped by the
// engine with the same warning.
func allowed(eps []provider.Resource, granted []string, obs interface{ Skip(string, string) }, log *slog.Logger) []provider.Resource {
	if len(granted) == 0 {
		return eps
	}
	set := map[string]bool{}
	for _, s := range granted {
		set[s] = true
	}
	var out []provider.Resource
	for _, ep := range eps {
		if ep.Allowed(set) {
			out = append(out, ep)
			continue
		}
		reason := fmt.Sprintf("skipped %s: the login does not allow it (needs scope %s; log in again with --scopes)", ep.Name, strings.Join(ep.Scopes, " and "))
		log.Warn(reason)
		obs.Skip(ep.Name, reason)
	}
	return out
}

func printSummary(w io.Writer, res *engine.Result) {
	var rows int64
	files := map[string]bool{}
	var bytes int64
	for _, t := range res.Tables {
		rows += t.Rows
		for _, f := range t.Files {
			if !files[f.Path] {
				files[f.Path] = true
				bytes += f.Size
			}
		}
	}
	fmt.Fprintf(w, "exported %d tables, %s rows, %s into %s\n", len(res.Tables), thousands(int(rows)), plural(len(files), "file")+" ("+humanBytes(bytes)+")", res.Dir)
	fmt.Fprintf(w, "%s, %s, %s fetched in %s\n", plural(int(res.Requests), "request"), plural(int(res.Retries), "retry"), humanBytes(res.Bytes), termui.Duration(res.Elapsed))
	if line := changesLine(res); line != "" {
		fmt.Fprintln(w, line)
	}
	if n := len(res.Warnings); n > 0 {
		fmt.Fprintf(w, "%d warnings (logged above, and kept in manifest.json)\n", n)
	}
	if res.KeptAside != "" {
		fmt.Fprintf(w, "what %s held before was moved to %s\n", res.Dir, res.KeptAside)
	}
}

func humanBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}

func dateFlag(c *cli.Context, name string) (time.Time, error) {
	v := strings.TrimSpace(c.String(name))
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.DateOnly, v)
	if err != nil {
		return time.Time{}, usageErrorf("invalid --%s %q: want a date like 2015-01-31", name, v)
	}
	return t, nil
}

// quotaFlag checks a requests/window flag such as 150/1h.
func quotaFlag(name string) func(*cli.Context, string) error {
	return func(_ *cli.Context, v string) error {
		if _, err := provider.ParseQuota(v); err != nil {
			return usageErrorf("invalid --%s: %w", name, err)
		}
		return nil
	}
}

func oneOf(name string, allowed ...string) func(*cli.Context, string) error {
	return func(_ *cli.Context, v string) error {
		for _, a := range allowed {
			if v == a {
				return nil
			}
		}
		return usageErrorf("invalid --%s %q: use %s", name, v, strings.Join(allowed, ", "))
	}
}

func atLeast(name string, min int) func(*cli.Context, int) error {
	return func(_ *cli.Context, v int) error {
		if v < min {
			return usageErrorf("invalid --%s %d: must be at least %d", name, v, min)
		}
		return nil
	}
}

// parseDeadline reads --deadline: a duration from now, or an RFC 3339 time.
func parseDeadline(v string, now time.Time) (time.Time, error) {
	if d, err := time.ParseDuration(v); err == nil {
		if d <= 0 {
			return time.Time{}, fmt.Errorf("--deadline %s: the duration must be positive", v)
		}
		return now.Add(d), nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return time.Time{}, fmt.Errorf("--deadline %q: neither a duration (5h30m) nor an RFC 3339 time (2026-01-02T15:04:05Z)", v)
	}
	return t, nil
}
