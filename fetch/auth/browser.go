package auth

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"os/exec"
	"runtime"
	"strings"

	"github.com/cli/browser"
)

// BrowserOpener returns an OpenURL for LoopbackOptions that honours
// $BROWSER (read through getenv) like xdg-utils and gh do: a
// colon-separated list of commands, "%s" replaced by the URL or the URL
// appended; the first that succeeds wins. Without $BROWSER it uses
// github.com/cli/browser (xdg-open, open, rundll32...). The browser's own
// chatter (GTK warnings and the like) is kept off the terminal; the end of
// its stderr is quoted in the error if it fails.
func BrowserOpener(getenv func(string) string) func(ctx context.Context, url string) error {
	return func(_ context.Context, u string) error {
		if env := getenv("BROWSER"); env != "" {
			var errs []error
			cmds := []string{env}
			if runtime.GOOS != "windows" { // C:\... is not a list
				cmds = strings.Split(env, ":")
			}
			for _, c := range cmds {
				args := strings.Fields(c)
				if len(args) == 0 {
					continue
				}
				subst := false
				for i, a := range args {
					if strings.Contains(a, "%s") {
						args[i], subst = strings.ReplaceAll(a, "%s", u), true
					}
				}
				if !subst {
					args = append(args, u)
				}
				// No CommandContext: a browser started by this command may keep
				// running as the user's browser after the login is over.
				cmd := exec.Command(args[0], args[1:]...)
				var stderr bytes.Buffer
				cmd.Stderr = &stderr
				if err := cmd.Run(); err != nil {
					msg := clean(strings.TrimSpace(stderr.String()), 200)
					errs = append(errs, fmt.Errorf("$BROWSER command %s: %w %s", args[0], err, msg))
					continue
				}
				return nil
			}
			return errors.Join(errs...)
		}
		browser.Stdout, browser.Stderr = io.Discard, io.Discard
		return browser.OpenURL(u)
	}
}

// HTTPOpener returns an OpenURL that plays the browser with hc for a server
// that approves without asking (the demo server's auto-approve mode): it
// GETs the authorization URL and follows the redirects to the loopback
// listener and its result page. Errors name no URL, since the redirect to
// the listener carries the code.
func HTTPOpener(hc *http.Client) func(ctx context.Context, url string) error {
	return func(ctx context.Context, u string) error {
		c := http.Client{}
		if hc != nil {
			c = *hc
		}
		if c.Jar == nil {
			c.Jar, _ = cookiejar.New(nil)
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		if err != nil {
			return errors.New("bad authorization URL")
		}
		resp, err := c.Do(req)
		if err != nil {
			var ue interface{ Unwrap() error }
			if errors.As(err, &ue) {
				err = ue.Unwrap()
			}
			return fmt.Errorf("following the authorization URL: %w", err)
		}
		defer resp.Body.Close()
		_, _ = io.Copy(io.Discard, resp.Body)
		if resp.StatusCode >= 400 {
			return fmt.Errorf("following the authorization URL: HTTP %s", resp.Status)
		}
		return nil
	}
}
