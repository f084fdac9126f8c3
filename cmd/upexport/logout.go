package main

import (
	"errors"
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/upexport/upexport/fetch/auth"
	"github.com/upexport/upexport/provider"
)

func logoutCommand(reg *provider.Registry) *cli.Command {
	return &cli.Command{
		Name:   "logout",
		Usage:  "revoke the token at the server (when it supports RFC 7009) and delete it from this machine",
		Flags:  providerFlags(reg),
		Action: func(c *cli.Context) error { return runLogout(c, reg) },
	}
}

func runLogout(c *cli.Context, reg *provider.Registry) error {
	t, store, err := providerAndFile(c, reg)
	if err != nil {
		return err
	}
	p := t.server
	ctx, stderr := c.Context, c.App.ErrWriter
	tok, err := store.Load(ctx)
	if errors.Is(err, auth.ErrNoToken) {
		fmt.Fprintf(stderr, "not logged in (no token at %s)\n", store)
		return nil
	}
	// An unreadable token (e.g. a file others could read) is still
	// deleted, which is the safest thing to do with it.
	if err != nil {
		fmt.Fprintf(stderr, "warning: %v\n", err)
		if err := store.Delete(ctx); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "deleted %s without revoking it at the server\n", store)
		return nil
	}
	revokeErr := auth.Revoke(ctx, p, tok, httpClient(c))
	if err := store.Delete(ctx); err != nil {
		return err
	}
	switch {
	case revokeErr != nil:
		return fmt.Errorf("deleted the token at %s, but revoking it at the server failed; it may stay valid until it expires: %w", store, revokeErr)
	case p.RevokeURL == "":
		fmt.Fprintf(stderr, "deleted the token at %s (the provider has no revocation endpoint; the grant stays valid at the server until it expires)\n", store)
	default:
		fmt.Fprintf(stderr, "revoked the token at the server and deleted it from %s\n", store)
	}
	return nil
}
