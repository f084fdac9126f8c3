package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/upexport/upexport/provider"
	"github.com/upexport/upexport/providers/jawbone"
	"github.com/upexport/upexport/providers/jawbone/upserver"
)

// shutdownGrace bounds how long in-flight requests may finish after an
// interrupt.
const shutdownGrace = 5 * time.Second

func demoServerCommand(reg *provider.Registry) *cli.Command {
	return &cli.Command{
		Name:  "demo-server",
		Usage: "run a provider's built-in emulator (OAuth2 + API) with synthetic data",
		Description: "Prints one JSON line on stdout with base_url, api_url, auth_url, token_url, device_url,\n" +
			"revoke_url, client_id and client_secret, then serves until interrupted (Ctrl-C or SIGTERM).\n" +
			"The data is a pure function of --seed, --users and the date: the same flags serve the same bytes.\n" +
			"--users, --access-ttl, --client-id, --client-secret and the --fault-* flags are those of the jawbone emulator.",
		Flags: []cli.Flag{
			providerFlag(reg, ""),
			providerFileFlag(""),
			&cli.StringFlag{Name: "addr", Value: "127.0.0.1:0", Usage: "listen address; port 0 picks a free port", EnvVars: []string{"UPEXPORT_DEMO_ADDR"}},
			&cli.Int64Flag{Name: "seed", Value: 1, Usage: "seed of the synthetic data", EnvVars: []string{"UPEXPORT_DEMO_SEED"}},
			&cli.IntFlag{Name: "days", Value: upserver.DefaultDays, Usage: "days of history per user (up to 36500)", EnvVars: []string{"UPEXPORT_DEMO_DAYS"}},
			&cli.IntFlag{Name: "users", Value: upserver.DefaultUsers, Usage: "number of users", EnvVars: []string{"UPEXPORT_DEMO_USERS"}},
			&cli.DurationFlag{Name: "access-ttl", Value: upserver.DefaultAccessTTL, Usage: "access-token lifetime", EnvVars: []string{"UPEXPORT_DEMO_ACCESS_TTL"}},
			&cli.BoolFlag{Name: "auto-approve", Usage: "approve consent and device codes without a person (as user 0)", EnvVars: []string{"UPEXPORT_DEMO_AUTO_APPROVE"}},
			&cli.IntFlag{Name: "fault-429", Usage: "every Nth API request answers 429 with Retry-After (0 = off)", EnvVars: []string{"UPEXPORT_DEMO_FAULT_429"}},
			&cli.IntFlag{Name: "fault-500", Usage: "every Nth API request answers 500 (0 = off)", EnvVars: []string{"UPEXPORT_DEMO_FAULT_500"}},
			&cli.IntFlag{Name: "fault-drop", Usage: "every Nth API request is cut mid-body (0 = off)", EnvVars: []string{"UPEXPORT_DEMO_FAULT_DROP"}},
			&cli.DurationFlag{Name: "fault-slow", Usage: "latency added to every API request", EnvVars: []string{"UPEXPORT_DEMO_FAULT_SLOW"}},
			&cli.StringFlag{Name: "quota", Usage: "allow each user this many API requests per fixed window, e.g. 150/1h (Fitbit's) or 300/10s, with Fitbit-Rate-Limit-* headers and a 429 when spent",
				EnvVars: []string{"UPEXPORT_DEMO_QUOTA"}, Action: quotaFlag("quota")},
			&cli.StringFlag{Name: "client-id", Value: upserver.DefaultClientID, Usage: "OAuth client id", EnvVars: []string{"UPEXPORT_DEMO_CLIENT_ID"}},
			&cli.StringFlag{Name: "client-secret", Value: upserver.DefaultClientSecret, Usage: "OAuth client secret", EnvVars: []string{"UPEXPORT_DEMO_CLIENT_SECRET"}},
			&cli.BoolFlag{Name: "verbose", Usage: "log requests that fail to stderr", EnvVars: []string{"UPEXPORT_DEMO_VERBOSE"}},
		},
		Action: func(c *cli.Context) error { return runDemoServer(c, reg) },
	}
}

func runDemoServer(c *cli.Context, reg *provider.Registry) error {
	if c.NArg() > 0 {
		return usageErrorf("demo-server takes no arguments, got %q", c.Args().First())
	}
	p, err := selectedProvider(c, reg)
	if err != nil {
		return err
	}
	if p.Name != jawbone.Name {
		return runProviderDemo(c, p)
	}
	cfg := upserver.Config{
		Seed:         c.Int64("seed"),
		Days:         c.Int("days"),
		Users:        c.Int("users"),
		AccessTTL:    c.Duration("access-ttl"),
		AutoApprove:  c.Bool("auto-approve"),
		ClientID:     c.String("client-id"),
		ClientSecret: c.String("client-secret"),
		Faults: upserver.Faults{
			Every429:  c.Int("fault-429"),
			Every500:  c.Int("fault-500"),
			EveryDrop: c.Int("fault-drop"),
			Slow:      c.Duration("fault-slow"),
		},
	}
	if v := c.String("quota"); v != "" {
		q, err := provider.ParseQuota(v)
		if err != nil {
			return usageErrorf("--quota: %w", err)
		}
		cfg.Quota = upserver.Quota{Limit: q.Limit, Window: q.Window}
	}
	if cfg.Days < 1 || cfg.Users < 1 || cfg.AccessTTL <= 0 {
		return usageErrorf("--days, --users and --access-ttl must be positive")
	}
	if c.Bool("verbose") {
		cfg.Logger = slog.New(slog.NewTextHandler(c.App.ErrWriter, nil))
	}
	srv, err := upserver.New(cfg)
	if err != nil {
		return usageErrorf("demo-server: %w", err)
	}
	return serveDemo(c.Context, c.String("addr"), jawbone.Demo(srv), c.App.Writer)
}

// runProviderDemo serves the emulator of a provider other than jawbone,
// which takes only the options every emulator has.
func runProviderDemo(c *cli.Context, p *provider.Provider) error {
	if p.NewDemo == nil {
		return usageErrorf("demo-server: %s has no emulator", p.Name)
	}
	for _, f := range []string{"users", "access-ttl", "client-id", "client-secret", "fault-429", "fault-500", "fault-drop", "fault-slow"} {
		if c.IsSet(f) {
			return usageErrorf("demo-server: --%s is an option of the jawbone emulator only", f)
		}
	}
	opts := provider.DemoOptions{Seed: c.Int64("seed"), Days: c.Int("days"), AutoApprove: c.Bool("auto-approve")}
	if v := c.String("quota"); v != "" {
		q, err := provider.ParseQuota(v)
		if err != nil {
			return usageErrorf("--quota: %w", err)
		}
		opts.Quota = q
	}
	demo, err := p.NewDemo(opts)
	if err != nil {
		return usageErrorf("demo-server: %w", err)
	}
	return serveDemo(c.Context, c.String("addr"), demo, c.App.Writer)
}

// demoInfo is the line demo-server prints: where everything is.
type demoInfo struct {
	BaseURL      string `json:"base_url"`
	APIURL       string `json:"api_url"`
	AuthURL      string `json:"auth_url"`
	TokenURL     string `json:"token_url"`
	DeviceURL    string `json:"device_url"`
	RevokeURL    string `json:"revoke_url"`
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret"`
}

// serveDemo listens, prints the info line, and serves until ctx ends.
func serveDemo(ctx context.Context, addr string, srv provider.Demo, stdout io.Writer) error {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("demo-server: listen on %s: %w", addr, err)
	}
	hs := &http.Server{
		Handler:           srv,
		ReadHeaderTimeout: 10 * time.Second,
	}
	base := "http://" + ln.Addr().String()
	i := srv.Info(base)
	line, err := json.Marshal(demoInfo{BaseURL: base, APIURL: i.APIURL, AuthURL: i.AuthURL, TokenURL: i.TokenURL,
		DeviceURL: i.DeviceURL, RevokeURL: i.RevokeURL, ClientID: i.ClientID, ClientSecret: i.ClientSecret})
	if err != nil {
		ln.Close()
		return fmt.Errorf("demo-server: %w", err)
	}
	if _, err := fmt.Fprintf(stdout, "%s\n", line); err != nil {
		ln.Close()
		return fmt.Errorf("demo-server: writing the info line: %w", err)
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("demo-server: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownGrace)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return fmt.Errorf("demo-server: shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("demo-server: %w", err)
	}
	return nil // an interrupt is the normal way to stop a server
}
