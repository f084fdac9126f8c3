package schema

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// Conventions common to every table, printed at the top of the data
// dictionary. They are the rules the flattener applies.
const conventions = `- Every table has ` + "`user_xid`" + `, the person the export belongs to, so exports of many people concatenate.
- Child tables carry their parent's xid (` + "`move_xid`, `sleep_xid`, `workout_xid`, `meal_xid`" + `).
- ` + "`timestamp`" + `: an instant in UTC, microseconds since 1970-01-01 (the source has epoch seconds).
- ` + "`date`" + `: a calendar date (the source has a YYYYMMDD integer in the person's local time).
- A missing field, ` + "`null`" + ` and ` + "`\"\"`" + ` are null, never 0. Integers sent as floats (` + "`1876.0`" + `) fill integer columns when integral.
- A value that contradicts its column's type (text in ` + "`steps`" + `) stops the export with an error naming table, column, xid and value; with ` + "`--lenient`" + ` it becomes null and is counted (an ` + "`hourly_totals`" + ` key that is not YYYYMMDDHH keeps its hour's values, with null hour columns).
- Text is UTF-8. Text the server sent with bytes that are not UTF-8 is written with each invalid byte replaced by U+FFFD (�), counted per column and warned about (printed and in the manifest's ` + "`warnings`" + `); ` + "`--strict-schema`" + ` makes it an error.
- Time zones (` + "`tz`" + `) are kept as given: an Olson name (the "America/Los Angeles" typo is read as America/Los_Angeles), "GMT-0700", or integer seconds as text. ` + "`tz_offset`" + ` is the resolved UTC offset in seconds (local = UTC + offset), null when the zone is missing or unknown; an unknown zone is warned about, with a count.
- ` + "`moves_hourly.hour_start`" + ` reads the local YYYYMMDDHH key in the zone in force during that hour: the latest ` + "`details.tzs`" + ` entry that started before the hour ended (tzs are not sorted in the source), else ` + "`details.tz`" + `, else UTC. A local hour that occurs twice (DST fall-back) takes its earlier instant; a local hour that does not exist (spring-forward) is read with the offset before the change, i.e. shifted forward by the gap (02:00 on a spring-forward day in Los Angeles becomes 03:00 PDT, the same instant as the key for 03:00).
- Fields not in this dictionary are never dropped silently: they become extra columns (type inferred: integer, then float, then text; objects and arrays as JSON text), are listed in the manifest and warned about; ` + "`--strict-schema`" + ` makes them an error.`

// WriteMarkdown writes the data dictionary of tables as Markdown.
func WriteMarkdown(w io.Writer, tables []*Table) error {
	bw := bufio.NewWriter(w)
	fmt.Fprint(bw, "# upexport data dictionary\n\n")
	fmt.Fprint(bw, "<!-- Generated from the declarations in schema/tables_*.go; do not edit.\n")
	fmt.Fprint(bw, "     Regenerate: go run ./cmd/upexport schema > docs/schema.md\n")
	fmt.Fprint(bw, "     (or: go test ./schema -run TestDictionaryFile -update) -->\n\n")
	fmt.Fprint(bw, "## Conventions\n\n", conventions, "\n\n")
	fmt.Fprint(bw, "## Tables\n\n| table | endpoint | parent | partitioned by | description |\n|---|---|---|---|---|\n")
	for _, t := range tables {
		fmt.Fprintf(bw, "| [%s](#%s) | %s | %s | %s | %s |\n", t.Name, t.Name, t.Endpoint, dash(t.Parent), dash(code(t.TimeColumn)), mdCell(t.Description))
	}
	for _, t := range tables {
		fmt.Fprintf(bw, "\n## %s\n\n%s\n\n", t.Name, t.Description)
		fmt.Fprintf(bw, "Endpoint `%s`", t.Endpoint)
		if t.Parent != "" {
			fmt.Fprintf(bw, "; child of `%s`", t.Parent)
		}
		if t.TimeColumn != "" {
			fmt.Fprintf(bw, "; partitioned by `%s`", t.TimeColumn)
		}
		fmt.Fprint(bw, ".\n\n| column | type | unit | description | JSON path |\n|---|---|---|---|---|\n")
		for _, c := range t.Columns {
			desc := c.Description
			if c.Extra {
				desc = "(extra) " + desc
			}
			fmt.Fprintf(bw, "| `%s` | %s | %s | %s | %s |\n", c.Name, c.Type, dash(c.Unit), mdCell(desc), code(c.Path))
		}
	}
	return bw.Flush()
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func code(s string) string {
	if s == "" {
		return ""
	}
	return "`" + s + "`"
}

func mdCell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

// dictTable and dictColumn are the JSON form of the dictionary; Column
// leaves its Type out of its own JSON form, so the dictionary spells it.
type dictTable struct {
	Name        string       `json:"name"`
	Description string       `json:"description"`
	Endpoint    string       `json:"endpoint"`
	Parent      string       `json:"parent,omitempty"`
	TimeColumn  string       `json:"time_column,omitempty"`
	Columns     []dictColumn `json:"columns"`
}

type dictColumn struct {
	Name        string `json:"name"`
	Type        string `json:"type"`
	Unit        string `json:"unit,omitempty"`
	Description string `json:"description"`
	Path        string `json:"path"`
	Extra       bool   `json:"extra,omitempty"`
}

// WriteJSON writes the data dictionary of tables as indented JSON:
// {"tables": [{"name", "description", "endpoint", "parent", "time_column",
// "columns": [{"name", "type", "unit", "description", "path", "extra"}]}]}.
func WriteJSON(w io.Writer, tables []*Table) error {
	out := struct {
		Tables []dictTable `json:"tables"`
	}{Tables: make([]dictTable, 0, len(tables))}
	for _, t := range tables {
		dt := dictTable{Name: t.Name, Description: t.Description, Endpoint: t.Endpoint, Parent: t.Parent, TimeColumn: t.TimeColumn}
		for _, c := range t.Columns {
			dt.Columns = append(dt.Columns, dictColumn{Name: c.Name, Type: c.Type.String(), Unit: c.Unit, Description: c.Description, Path: c.Path, Extra: c.Extra})
		}
		out.Tables = append(out.Tables, dt)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
