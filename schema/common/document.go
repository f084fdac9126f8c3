package common

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Source is one provider's mappings, for Document.
type Source struct {
	Provider string
	Maps     []Mapping
}

// Document returns the Markdown reference of the common tables: their
// columns, then for each table how every provider fills it.
func Document(sources []Source) string {
	var b strings.Builder
	b.WriteString("# Common tables\n\n")
	b.WriteString("Generated from schema/common and each provider's common.go; do not edit " +
		"(go test ./providers/all -run TestCommonDoc -update rewrites it).\n\n")
	b.WriteString("`export --common` writes these tables beside the provider's own, with the same columns, units " +
		"and stage names for every provider, so exports of different devices and people concatenate into one " +
		"frame. Times are UTC. A table a provider cannot fill is written without rows.\n")
	for _, t := range Tables() {
		fmt.Fprintf(&b, "\n## %s\n\n%s\n\n| column | type | unit | description |\n|---|---|---|---|\n", t.Name, t.Description)
		for _, c := range t.Columns {
			fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", c.Name, c.Type, c.Unit, c.Description)
		}
		for _, s := range sources {
			var ms []Mapping
			for _, m := range s.Maps {
				if m.To == t.Name {
					ms = append(ms, m)
				}
			}
			fmt.Fprintf(&b, "\n**%s**", s.Provider)
			if len(ms) == 0 {
				b.WriteString(": no rows; the provider has no such data.\n")
				continue
			}
			b.WriteString("\n")
			for _, m := range ms {
				fmt.Fprintf(&b, "\n- from `%s`: %s", m.From, describeColumns(m))
				if len(m.Where) > 0 {
					var conds []string
					for _, k := range slices.Sorted(maps.Keys(m.Where)) {
						conds = append(conds, fmt.Sprintf("`%s` = %q", k, m.Where[k]))
					}
					fmt.Fprintf(&b, "; only rows where %s", strings.Join(conds, " and "))
				}
				if len(m.Except) > 0 {
					var conds []string
					for _, k := range slices.Sorted(maps.Keys(m.Except)) {
						conds = append(conds, fmt.Sprintf("`%s` = %q", k, m.Except[k]))
					}
					fmt.Fprintf(&b, "; rows where %s are left out", strings.Join(conds, " or "))
				}
				if len(m.Require) > 0 {
					fmt.Fprintf(&b, "; rows without %s are left out", strings.Join(m.Require, ", "))
				}
				if len(m.RequireAny) > 0 {
					fmt.Fprintf(&b, "; rows with none of %s are left out", strings.Join(m.RequireAny, ", "))
				}
				b.WriteString(".")
				if m.Note != "" {
					b.WriteString(" " + m.Note)
				}
				b.WriteString("\n")
			}
		}
	}
	return b.String()
}

// describeColumns says, in one line, where each column comes from.
func describeColumns(m Mapping) string {
	var parts []string
	for _, c := range m.Columns {
		var from string
		switch {
		case c.Const != "":
			from = fmt.Sprintf("%q", c.Const)
		case c.Stages != nil:
			var pairs []string
			for _, k := range slices.Sorted(maps.Keys(c.Stages)) {
				pairs = append(pairs, k+" "+c.Stages[k])
			}
			from = fmt.Sprintf("`%s` (%s)", c.From, strings.Join(pairs, ", "))
		case c.Equals != "":
			from = fmt.Sprintf("`%s` = %q", c.From, c.Equals)
		default:
			from = "`" + strings.Join(strings.Split(c.From, "+"), "` + `") + "`"
			if c.Scale != 0 {
				from += fmt.Sprintf(" × %g", c.Scale)
			}
		}
		parts = append(parts, c.To+" ← "+from)
	}
	return strings.Join(parts, ", ")
}
