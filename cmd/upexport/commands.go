package main

import (
	"github.com/urfave/cli/v2"

	"github.com/upexport/upexport/provider"
)

// commands lists every subcommand; each lives in its own file. reg holds
// the providers they work with.
func commands(reg *provider.Registry) []*cli.Command {
	cmds := []*cli.Command{
		exportCommand(reg),
		loginCommand(reg),
		logoutCommand(reg),
		statusCommand(reg),
		providersCommand(reg),
		endpointsCommand(reg),
		schemaCommand(reg),
		reportCommand(),
		demoServerCommand(reg),
	}
	for _, c := range cmds {
		withUsageExit(c)
	}
	return cmds
}

// withUsageExit makes a bad flag of c or its subcommands exit with code 2;
// urfave/cli reports it as a plain error otherwise.
func withUsageExit(c *cli.Command) {
	if c.OnUsageError == nil {
		c.OnUsageError = func(_ *cli.Context, err error, _ bool) error {
			return cli.Exit(err.Error(), exitUsage)
		}
	}
	for _, sub := range c.Subcommands {
		withUsageExit(sub)
	}
}
