package main

import "github.com/urfave/cli/v2"

func exportCommand() *cli.Command {
	return &cli.Command{
		Name:  "export",
		Usage: "(being built)",
		Action: func(*cli.Context) error {
			return cli.Exit("upexport export: not built yet", exitFailure)
		},
	}
}
