package main

import "github.com/urfave/cli/v2"

func loginCommand() *cli.Command {
	return &cli.Command{
		Name:  "login",
		Usage: "(being built)",
		Action: func(*cli.Context) error {
			return cli.Exit("upexport login: not built yet", exitFailure)
		},
	}
}
