package main

import "github.com/urfave/cli/v2"

func logoutCommand() *cli.Command {
	return &cli.Command{
		Name:  "logout",
		Usage: "(being built)",
		Action: func(*cli.Context) error {
			return cli.Exit("upexport logout: not built yet", exitFailure)
		},
	}
}
