package main

import (
	"fmt"
	"os"
	"time"

	"github.com/urfave/cli/v2"
	"golang.org/x/oauth2"

	"github.com/upexport/upexport/fetch/auth"
	"github.com/upexport/upexport/fetch/safehttp"
	"github.com/upexport/upexport/provider"
)

func loginCommand(reg *provider.Registry) *cli.Command {
	return &cli.Command{
		Name:  "login",
		Usage: "log in through the browser (or with a device code) and store the token",
		Description: "Opens the provider's login page in the browser ($BROWSER is honoured) and receives the answer on a\n" +
			"loopback address of this machine. Over SSH, use --no-browser and paste the address the browser ends on,\n" +
			"or --device to approve a code on any device. In CI, skip login: set UPEXPORT_REFRESH_TOKEN instead.",
		Flags: append([]cli.Flag{
			&cli.BoolFlag{Name: "no-browser", Usage: "do not open a browser: print the URL and read the redirected URL pasted on stdin"},
			&cli.BoolFlag{Name: "device", Usage: "RFC 8628 device login: show a code to enter on any device (needs --device-url)"},
			&cli.IntFlag{Name: "redirect-port", Usage: "port of the loopback redirect URI, for providers that need it registered (default: any free port)",
				Action: func(_ *cli.Context, v int) error {
					if v < 0 || v > 65535 {
						return usageErrorf("invalid --redirect-port %d", v)
					}
					return nil
				}},
			&cli.StringFlag{Name: "redirect-host", Value: "127.0.0.1", Usage: "host of the loopback redirect URI: 127.0.0.1, localhost or [::1]",
				Action: func(_ *cli.Context, v string) error {
					switch v {
					case "127.0.0.1", "localhost", "[::1]", "::1":
						return nil
					}
					return usageErrorf("invalid --redirect-host %q: use 127.0.0.1, localhost or [::1]", v)
				}},
			&cli.DurationFlag{Name: "timeout", Value: 5 * time.Minute, Usage: "how long to wait for the browser"},
		}, providerFlags(reg)...),
		Action: func(c *cli.Context) error { return runLogin(c, reg) },
	}
}

func runLogin(c *cli.Context, reg *provider.Registry) error {
	t, store, err := providerAndFile(c, reg)
	if err != nil {
		return err
	}
	p := t.server
	ctx, stderr := c.Context, c.App.ErrWriter
	if c.Bool("device") {
		tok, err := auth.LoginDevice(ctx, p, auth.DeviceOptions{Out: stderr, HTTPClient: httpClient(c)})
		if err != nil {
			return loginNeeded(err)
		}
		return finishLogin(c, t, store, tok)
	}
	tok, err := auth.LoginLoopback(ctx, p, loopbackOptions(c, c.Bool("no-browser")))
	if err != nil {
		return loginNeeded(err)
	}
	return finishLogin(c, t, store, tok)
}

// loopbackOptions: the browser is opened unless noBrowser; the terminal is
// read for a pasted redirect URL when it is a terminal, or when the user
// asked for pasting with --no-browser (then a pipe counts too).
func loopbackOptions(c *cli.Context, noBrowser bool) auth.LoopbackOptions {
	o := auth.LoopbackOptions{
		RedirectHost: c.String("redirect-host"),
		RedirectPort: c.Int("redirect-port"),
		Timeout:      c.Duration("timeout"),
		Out:          c.App.ErrWriter,
		Logf:         noticef(c),
		HTTPClient:   httpClient(c),
	}
	if !noBrowser {
		o.OpenURL = auth.BrowserOpener(os.Getenv)
	}
	if noBrowser || isTerminal(c.App.Reader) {
		o.Paste = c.App.Reader
	}
	return o
}

// finishLogin saves the token and greets the user by name.
func finishLogin(c *cli.Context, t target, store *auth.FileStore, tok *oauth2.Token) error {
	ctx := c.Context
	if err := store.Save(ctx, tok); err != nil {
		return err
	}
	if os.Getenv(auth.EnvRefreshToken) != "" || os.Getenv(auth.EnvAccessToken) != "" {
		fmt.Fprintf(c.App.ErrWriter, "note: $%s / $%s are set and take precedence over the token file\n", auth.EnvRefreshToken, auth.EnvAccessToken)
	}
	sess, err := newSession(c, t, store)
	if err != nil {
		return err
	}
	who := "logged in"
	if u, err := whoAmI(ctx, t.def, sess); err == nil {
		who = "logged in as " + u
	} else {
		fmt.Fprintf(c.App.ErrWriter, "warning: the token works for login but asking %s who it is failed: %v\n", safehttp.Redact(t.apiURL), err)
	}
	fmt.Fprintf(c.App.ErrWriter, "%s; token saved to %s\n", who, store)
	return nil
}
