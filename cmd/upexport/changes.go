package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/upexport/upexport/engine"
	"github.com/upexport/upexport/export"
	"github.com/upexport/upexport/internal/termui"
)

// envStepSummary names the file GitHub Actions shows as the job's summary
// page; each step appends its Markdown to it.
const envStepSummary = "GITHUB_STEP_SUMMARY"

// changeTotals sums the tables' row changes; ok is false when no table has
// any: the previous export did not record what it held. (A table of an
// endpoint that failed under --keep-going has none either.)
func changeTotals(res *engine.Result) (sum export.RowChanges, ok bool) {
	for _, t := range res.Tables {
		if t.Changes == nil {
			continue
		}
		ok = true
		sum.Added += t.Changes.Added
		sum.Changed += t.Changes.Changed
		sum.Unchanged += t.Changes.Unchanged
	}
	return sum, ok
}

// changesLine is the summary line of what changed since the previous export,
// naming the tables that did: "+2 ~3" is two rows added and three changed.
// Empty when nothing is known.
func changesLine(res *engine.Result) string {
	sum, ok := changeTotals(res)
	if !ok {
		return ""
	}
	if sum.Added == 0 && sum.Changed == 0 {
		return fmt.Sprintf("since the previous export: no rows added or changed (%s unchanged)", thousands(int(sum.Unchanged)))
	}
	var tables []string
	for _, t := range res.Tables {
		c := t.Changes
		if c == nil || c.Added == 0 && c.Changed == 0 {
			continue
		}
		s := t.Name
		if c.Added > 0 {
			s += fmt.Sprintf(" +%s", thousands(int(c.Added)))
		}
		if c.Changed > 0 {
			s += fmt.Sprintf(" ~%s", thousands(int(c.Changed)))
		}
		tables = append(tables, s)
	}
	return fmt.Sprintf("since the previous export: %s added, %s changed, %s unchanged (%s)",
		plural(int(sum.Added), "row"), thousands(int(sum.Changed)), thousands(int(sum.Unchanged)), strings.Join(tables, ", "))
}

// stepSummary is the run as Markdown for a CI job's summary page.
func stepSummary(res *engine.Result) string {
	var b strings.Builder
	var rows int64
	for _, t := range res.Tables {
		rows += t.Rows
	}
	fmt.Fprintf(&b, "### upexport: %s\n\n", mdEscape(res.Dir))
	fmt.Fprintf(&b, "%d tables, %s rows; %s in %s.\n", len(res.Tables), thousands(int(rows)),
		plural(int(res.Requests), "request"), termui.Duration(res.Elapsed))
	sum, ok := changeTotals(res)
	if ok {
		fmt.Fprintf(&b, "Since the previous export: **%s added, %s changed**, %s unchanged rows.\n",
			thousands(int(sum.Added)), thousands(int(sum.Changed)), thousands(int(sum.Unchanged)))
	} else {
		b.WriteString("The previous export did not record its rows: no change counts this time.\n")
	}
	if n := len(res.Warnings); n > 0 {
		fmt.Fprintf(&b, "\n%s:\n\n", plural(n, "warning"))
		for _, w := range res.Warnings {
			fmt.Fprintf(&b, "- %s\n", mdEscape(w))
		}
	}
	b.WriteString("\n| table | rows | added | changed | unchanged |\n|---|--:|--:|--:|--:|\n")
	for _, t := range res.Tables {
		name := t.Name
		if t.Status != "" && t.Status != "complete" {
			name += " (" + mdEscape(t.Status) + ")"
		}
		if c := t.Changes; c != nil {
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", name, thousands(int(t.Rows)),
				thousands(int(c.Added)), thousands(int(c.Changed)), thousands(int(c.Unchanged)))
		} else {
			fmt.Fprintf(&b, "| %s | %s | | | |\n", name, thousands(int(t.Rows)))
		}
	}
	b.WriteString("\n")
	return b.String()
}

// appendStepSummary appends the Markdown summary to the file GitHub names in
// $GITHUB_STEP_SUMMARY. It is a courtesy: failing to write it is reported
// but does not fail the export, which is already in place.
func appendStepSummary(path string, res *engine.Result) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("$%s: %w", envStepSummary, err)
	}
	_, err = f.WriteString(stepSummary(res))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("$%s: %w", envStepSummary, err)
	}
	return nil
}

// mdEscape keeps text from turning into Markdown or HTML on the summary
// page: a warning quotes what a server said.
func mdEscape(s string) string {
	return strings.NewReplacer("\\", "\\\\", "`", "\\`", "*", "\\*", "_", "\\_", "|", "\\|",
		"<", "&lt;", ">", "&gt;", "[", "\\[", "]", "\\]", "\n", " ").Replace(s)
}
