package main

import "github.com/urfave/cli/v2"

func statusCommand() *cli.Command {
	return &cli.Command{
		Name:  "status",
		Usage: "(being built)",
		Action: func(*cli.Context) error {
			return cli.Exit("upexport status: not built yet", exitFailure)
		},
	}
}
