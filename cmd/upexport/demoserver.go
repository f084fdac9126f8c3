package main

import "github.com/urfave/cli/v2"

func demoServerCommand() *cli.Command {
	return &cli.Command{
		Name:  "demo-server",
		Usage: "(being built)",
		Action: func(*cli.Context) error {
			return cli.Exit("upexport demo-server: not built yet", exitFailure)
		},
	}
}
