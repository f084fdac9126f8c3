package main

import "github.com/urfave/cli/v2"

func endpointsCommand() *cli.Command {
	return &cli.Command{
		Name:  "endpoints",
		Usage: "(being built)",
		Action: func(*cli.Context) error {
			return cli.Exit("upexport endpoints: not built yet", exitFailure)
		},
	}
}
