package schema

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// DictionaryText is what a provider writes around its tables in the
// Markdown data dictionary.
type DictionaryText struct {
	// Origin is the comment at the top: where the tables are declared and
	// how to regenerate the file.
	Origin string
	// Conventions is a Markdown list of the rules every table follows.
	Conventions string
}

// WriteMarkdown writes the data dictionary of tables as Markdown, with
// the provider's text around them.
func WriteMarkdown(w io.Writer, text DictionaryText, tables []*Table) error {
	bw := bufio.NewWriter(w)
	fmt.Fprint(bw, "# upexport data dictionary\n\n")
	fmt.Fprint(bw, "<!-- ", text.Origin, " -->\n\n")
	fmt.Fprint(bw, "## Conventions\n\n", text.Conventions, "\n\n")
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
