package main

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/upexport/upexport/export"
	"github.com/upexport/upexport/report"
)

// reportCommand writes report.html into an export directory, from the
// files there: it needs no login and no network.
func reportCommand() *cli.Command {
	return &cli.Command{
		Name:  "report",
		Usage: "write report.html beside an export's tables: coverage per table, steps, sleep, heart rate, weight, warnings",
		UsageText: "upexport report --out ./up-export\n" +
			"upexport export --demo --report --out ./up-export   (the same, after an export)",
		Description: "Reads OUT/manifest.json and the CSV or Parquet tables it lists (not XLSX) and writes\n" +
			"OUT/" + report.Name + ": one self-contained page with inline SVG charts, no scripts, fonts or\n" +
			"network. Long ranges are drawn per week or per month. An export replaces OUT as a whole,\n" +
			"so run the report again (or export with --report) after each export.",
		Flags: []cli.Flag{
			&cli.PathFlag{Name: "out", Aliases: []string{"o"}, Value: "up-export", EnvVars: []string{"UPEXPORT_OUT"},
				Usage: "the export directory to report on"},
			&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, EnvVars: []string{"UPEXPORT_QUIET"}, Usage: "print only errors"},
		},
		Action: runReport,
	}
}

func runReport(c *cli.Context) error {
	dir := c.Path("out")
	ok, err := export.IsExportDir(dir)
	if err != nil {
		return err
	}
	if !ok {
		return usageErrorf("--out %s holds no upexport export (no manifest.json written by upexport)", dir)
	}
	return writeReport(c, dir)
}

// checkReportFormat refuses --report with a format the report cannot read,
// before anything is fetched.
func checkReportFormat(c *cli.Context) error {
	if c.Bool("report") && export.Format(c.String("format")) == export.XLSX {
		return usageErrorf("--report reads csv or parquet tables, not xlsx: export with --format parquet or csv, or leave out --report")
	}
	return nil
}

// writeReport writes dir/report.html and says where, with its size.
func writeReport(c *cli.Context, dir string) error {
	path, size, err := report.Write(c.Context, dir)
	if err != nil {
		return err
	}
	if !c.Bool("quiet") {
		fmt.Fprintf(c.App.ErrWriter, "report: %s (%s)\n", path, humanBytes(size))
	}
	return nil
}
