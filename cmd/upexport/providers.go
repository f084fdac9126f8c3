package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"github.com/upexport/upexport/provider"
)

// providersCommand lists the built-in providers from their declarations,
// so the list cannot drift from what export does.
func providersCommand(reg *provider.Registry) *cli.Command {
	return &cli.Command{
		Name:  "providers",
		Usage: "list the APIs upexport exports from: login modes, resources and tables",
		Flags: []cli.Flag{&cli.BoolFlag{Name: "json", Usage: "print JSON"}},
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return usageErrorf("providers takes no arguments, got %q", c.Args().First())
			}
			type row struct {
				Name      string   `json:"name"`
				API       string   `json:"api"`
				Login     []string `json:"login"`
				Demo      bool     `json:"demo"`
				Resources []string `json:"resources"`
				Tables    []string `json:"tables"`
				Docs      string   `json:"docs"`
			}
			var rows []row
			for _, p := range reg.All() {
				r := row{Name: p.Name, API: p.Title, Login: loginModes(p), Demo: p.NewDemo != nil, Docs: p.Docs}
				for _, res := range p.Resources {
					r.Resources = append(r.Resources, res.Name)
				}
				for _, t := range p.Tables.AllTables() {
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
			fmt.Fprintln(tw, "PROVIDER\tAPI\tLOGIN\tDEMO\tRESOURCES\tTABLES\tDOCS")
			for _, r := range rows {
				demo := "no"
				if r.Demo {
					demo = "yes"
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%d\t%s\n", r.Name, r.API, strings.Join(r.Login, ", "), demo,
					len(r.Resources), len(r.Tables), r.Docs)
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			fmt.Fprintln(c.App.Writer, "\nEach provider's resources: upexport endpoints --provider NAME; its tables: upexport schema --provider NAME")
			return nil
		},
	}
}

// loginModes are the ways a person can log in to p.
func loginModes(p *provider.Provider) []string {
	modes := []string{"browser", "paste"}
	if p.OAuth.DeviceURL != "" {
		modes = append(modes, "device")
	}
	return append(modes, "token from environment")
}
