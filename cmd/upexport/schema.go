package main

import (
	"slices"

	"github.com/urfave/cli/v2"

	"github.com/upexport/upexport/provider"
	"github.com/upexport/upexport/schema"
)

// schemaCommand prints the data dictionary: every table and column the
// export writes, from the same declarations the flattener uses. docs/schema.md
// is this command's Markdown output.
func schemaCommand(reg *provider.Registry) *cli.Command {
	return &cli.Command{
		Name:      "schema",
		Usage:     "print the data dictionary: every table and column upexport writes",
		ArgsUsage: "[table ...]",
		Description: "Prints each table with its columns' types, units, descriptions and JSON paths, as Markdown\n" +
			"(the same text as docs/schema.md) or, with --json, as JSON. Name tables to print only those.",
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "json", Usage: "print JSON instead of Markdown"},
			providerFlag(reg, ""),
			providerFileFlag(""),
		},
		Action: func(c *cli.Context) error {
			p, err := selectedProvider(c, reg)
			if err != nil {
				return err
			}
			tables := p.Tables.AllTables()
			if c.NArg() > 0 {
				var picked []*schema.Table
				for _, name := range c.Args().Slice() {
					i := slices.IndexFunc(tables, func(t *schema.Table) bool { return t.Name == name })
					if i < 0 {
						return usageErrorf("schema: unknown table %q (run 'upexport schema' for the list)", name)
					}
					picked = append(picked, tables[i])
				}
				tables = picked
			}
			if c.Bool("json") {
				return schema.WriteJSON(c.App.Writer, tables)
			}
			return schema.WriteMarkdown(c.App.Writer, p.Dictionary, tables)
		},
	}
}
