package schema

import (
	"fmt"
	"slices"
)

// declared holds every table, each endpoint's root table before its
// children. It is built once from the literals in tables_*.go and never
// modified; Tables and AllTables hand out copies.
var declared = declare()

func declare() []*tableDecl {
	all := catTables(
		movesDecls(),
		sleepsDecls(),
		workoutsDecls(),
		eventsDecls(),
		mealsDecls(),
		userDecls(),
	)
	// The dictionary lists tables in a stable, readable order: parents
	// first, each followed by its children, as declared.
	seen := map[string]bool{}
	for _, d := range all {
		if seen[d.name] {
			panic(fmt.Sprintf("schema: table %s declared twice", d.name))
		}
		seen[d.name] = true
		names := map[string]bool{}
		for _, c := range d.cols {
			if names[c.Name] {
				panic(fmt.Sprintf("schema: table %s: column %s declared twice", d.name, c.Name))
			}
			names[c.Name] = true
		}
	}
	return all
}

func catTables(groups ...[]*tableDecl) []*tableDecl {
	var out []*tableDecl
	for _, g := range groups {
		out = append(out, g...)
	}
	return out
}

// Endpoints lists the catalog endpoint names the schema knows, in the order
// of AllTables.
func Endpoints() []string {
	var out []string
	for _, d := range declared {
		if !slices.Contains(out, d.endpoint) {
			out = append(out, d.endpoint)
		}
	}
	return out
}

// Tables returns the declared tables fed by one catalog endpoint, root table
// first: "moves" feeds moves, moves_hourly and moves_tzs; "moves_ticks"
// feeds moves_ticks; "meals" feeds meals and meal_items. It returns nil for
// an unknown endpoint. The tables are fresh copies.
func Tables(endpoint string) []*Table {
	var out []*Table
	for _, d := range declared {
		if d.endpoint == endpoint {
			out = append(out, d.table())
		}
	}
	return out
}

// AllTables returns every declared table, as fresh copies.
func AllTables() []*Table {
	out := make([]*Table, len(declared))
	for i, d := range declared {
		out[i] = d.table()
	}
	return out
}

// declsFor returns the declarations of an endpoint, root first.
func declsFor(endpoint string) []*tableDecl {
	var out []*tableDecl
	for _, d := range declared {
		if d.endpoint == endpoint {
			out = append(out, d)
		}
	}
	return out
}

func declNamed(name string) *tableDecl {
	for _, d := range declared {
		if d.name == name {
			return d
		}
	}
	return nil
}
