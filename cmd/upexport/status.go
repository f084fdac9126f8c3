package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/upexport/upexport/fetch/auth"
	"github.com/upexport/upexport/fetch/safehttp"
	"github.com/upexport/upexport/internal/termui"
)

func statusCommand() *cli.Command {
	return &cli.Command{
		Name:   "status",
		Usage:  "show who is logged in, with which scopes, until when, and where the token is kept",
		Flags:  providerFlags(),
		Action: runStatus,
	}
}

func runStatus(c *cli.Context) error {
	p, err := providerFromFlags(c, accessTokenOnly())
	if err != nil {
		return err
	}
	store, err := tokenStoreFromFlags(c, p)
	if err != nil {
		return err
	}
	ctx, out := c.Context, c.App.Writer
	sess, err := auth.NewSession(ctx, p, store, auth.WithLogf(noticef(c)), auth.WithHTTPClient(httpClient(c)))
	if err != nil {
		return loginNeeded(err)
	}
	u, err := fetchMe(ctx, sess)
	if err != nil {
		return loginNeeded(err)
	}
	tok, err := sess.Token(ctx)
	if err != nil {
		return loginNeeded(err)
	}
	fmt.Fprintf(out, "Logged in to %s as %s (xid %s)\n", safehttp.Redact(p.APIURL), u.name(), u.XID)
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

// me is the part of users/@me that status shows.
type me struct {
	XID   string `json:"xid"`
	First string `json:"first"`
	Last  string `json:"last"`
}

func (u me) name() string {
	if n := strings.TrimSpace(u.First + " " + u.Last); n != "" {
		return n
	}
	return "user " + u.XID
}

// fetchMe asks the API who the token belongs to.
func fetchMe(ctx context.Context, sess *auth.Session) (me, error) {
	u := sess.Provider().APIURL + "/users/@me"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return me{}, err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := sess.Client().Do(req)
	if err != nil {
		return me{}, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return me{}, fmt.Errorf("reading users/@me: %w", err)
	}
	var env struct {
		Meta struct {
			Message     string `json:"message"`
			ErrorDetail string `json:"error_detail"`
		} `json:"meta"`
		Data me `json:"data"`
	}
	jerr := json.Unmarshal(body, &env)
	if resp.StatusCode != http.StatusOK {
		msg := env.Meta.ErrorDetail
		if msg == "" {
			msg = env.Meta.Message
		}
		return me{}, fmt.Errorf("GET users/@me: HTTP %s: %s", resp.Status, msg)
	}
	if jerr != nil {
		return me{}, fmt.Errorf("GET users/@me: %w", jerr)
	}
	if env.Data.XID == "" {
		return me{}, errors.New("GET users/@me: no user xid in the answer")
	}
	return env.Data, nil
}
