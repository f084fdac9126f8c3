package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/upexport/upexport/fetch"
	"github.com/upexport/upexport/fetch/auth"
	"github.com/upexport/upexport/fetch/safehttp"
	"github.com/upexport/upexport/internal/termui"
	"github.com/upexport/upexport/provider"
)

func statusCommand(reg *provider.Registry) *cli.Command {
	return &cli.Command{
		Name:   "status",
		Usage:  "show who is logged in, with which scopes, until when, and where the token is kept",
		Flags:  providerFlags(reg),
		Action: func(c *cli.Context) error { return runStatus(c, reg) },
	}
}

func runStatus(c *cli.Context, reg *provider.Registry) error {
	t, err := targetFromFlags(c, reg, accessTokenOnly())
	if err != nil {
		return err
	}
	store, err := tokenStoreFromFlags(c, t)
	if err != nil {
		return err
	}
	ctx, out := c.Context, c.App.Writer
	sess, err := newSession(c, t, store)
	if err != nil {
		return loginNeeded(err)
	}
	u, err := whoAmI(ctx, t.def, sess)
	if err != nil {
		return loginNeeded(err)
	}
	tok, err := sess.Token(ctx)
	if err != nil {
		return loginNeeded(err)
	}
	fmt.Fprintf(out, "Logged in to %s (%s) as %s\n", t.def.Title, safehttp.Redact(t.apiURL), u)
	scopes := auth.Scopes(tok)
	if len(scopes) == 0 {
		scopes = []string{"(not reported by the server)"}
	}
	fmt.Fprintf(out, "  scopes:      %s\n", strings.Join(scopes, " "))
	if tok.Expiry.IsZero() {
		fmt.Fprintf(out, "  expires:     unknown\n")
	} else {
		fmt.Fprintf(out, "  expires:     %s (%s)\n", tok.Expiry.Local().Format("2006-01-02 15:04 MST"), termui.Until(tok.Expiry, time.Now()))
	}
	fmt.Fprintf(out, "  refreshable: %t\n", tok.RefreshToken != "")
	fmt.Fprintf(out, "  token:       %s\n", store)
	return nil
}

// whoAmI asks the API who the token belongs to, through the provider's
// WhoAmI resource, and names them for people.
func whoAmI(ctx context.Context, p *provider.Provider, sess *auth.Session) (string, error) {
	r, ok := p.Lookup(p.API.WhoAmI)
	if !ok {
		return "(the API has no call that says who is logged in)", nil
	}
	c, err := fetch.NewClient(fetch.Options{HTTPClient: sess.Client(), APIURL: sess.APIURL(),
		Envelope: p.API.Envelope, Header: p.API.Header})
	if err != nil {
		return "", err
	}
	data, user, err := c.Get(ctx, r.Name, r.Path, nil)
	if err != nil {
		return "", err
	}
	name := ""
	if p.API.UserName != nil {
		name = p.API.UserName(data)
	}
	if user == "" {
		if k, err := r.Keys(data); err == nil {
			user = k.ID
		}
	}
	switch {
	case user == "":
		return "", fmt.Errorf("GET %s: the answer names no user", r.Path)
	case name == "":
		return "user " + user, nil
	}
	return fmt.Sprintf("%s (user %s)", name, user), nil
}
