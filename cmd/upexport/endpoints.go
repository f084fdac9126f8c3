package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"github.com/upexport/upexport/provider"
)

func endpointsCommand(reg *provider.Registry) *cli.Command {
	return &cli.Command{
		Name:  "endpoints",
		Usage: "list the resources export reads from the provider, the scope each needs and the tables each feeds",
		Flags: []cli.Flag{&cli.BoolFlag{Name: "json", Usage: "print JSON"}, providerFlag(reg, ""), providerFileFlag("")},
		Action: func(c *cli.Context) error {
			p, err := selectedProvider(c, reg)
			if err != nil {
				return err
			}
			type row struct {
				Name     string   `json:"name"`
				Path     string   `json:"path"`
				Scopes   []string `json:"scopes"`
				Tables   []string `json:"tables"`
				Optional bool     `json:"ticks_only,omitempty"`
				Doc      string   `json:"description"`
			}
			var rows []row
			for _, ep := range p.Resources {
				r := row{Name: ep.Name, Path: ep.Path, Scopes: ep.Scopes, Doc: ep.Doc, Optional: ep.Optional}
				for _, t := range p.Tables.Tables(ep.Name) {
					r.Tables = append(r.Tables, t.Name)
				}
				rows = append(rows, r)
			}
			if c.Bool("json") {
				enc := json.NewEncoder(c.App.Writer)
				enc.SetIndent("", "  ")
				return enc.Encode(rows)
			}
			tw := tabwriter.NewWriter(c.App.Writer, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ENDPOINT\tPATH\tSCOPES\tTABLES")
			for _, r := range rows {
				scopes := strings.Join(r.Scopes, "+")
				if scopes == "" {
					scopes = "-"
				}
				name := r.Name
				if r.Optional {
					name += " (--ticks)"
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", name, r.Path, scopes, strings.Join(r.Tables, ", "))
			}
			return tw.Flush()
		},
	}
}
