package main

import "github.com/urfave/cli/v2"

func schemaCommand() *cli.Command {
	return &cli.Command{
		Name:  "schema",
		Usage: "(being built)",
		Action: func(*cli.Context) error {
			return cli.Exit("upexport schema: not built yet", exitFailure)
		},
	}
}
