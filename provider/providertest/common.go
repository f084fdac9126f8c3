package providertest

import (
	"fmt"
	"strings"
	"testing"

	"github.com/upexport/upexport/provider"
	"github.com/upexport/upexport/schema"
	"github.com/upexport/upexport/schema/common"
)

// CommonRows flattens archive lines of p's endpoints (endpoint -> lines, as
// the archive holds them) through p's tables and its Common mappings, as
// an export with --common does, and returns the rows of the named common
// table as "column=value" pairs of the cells that are not null, after
// provider and user. Times print as RFC 3339 in UTC, dates as YYYY-MM-DD.
// It lets a provider's tests check its mappings on items written by hand.
func CommonRows(t testing.TB, p *provider.Provider, table string, lines map[string][]string) []string {
	t.Helper()
	var out []string
	b := common.NewBuilder(p.Name, "u1", p.Common, func(batch *schema.Batch) error {
		if batch.Table.Name == table {
			out = append(out, renderRows(batch)...)
		}
		return nil
	})
	for _, ep := range p.Resources {
		items, ok := lines[ep.Name]
		if !ok {
			continue
		}
		f, err := p.Tables.NewFlattener(ep.Name, "u1", p.Tables.Tables(ep.Name), schema.Options{StrictSchema: true}, b.Observe)
		if err != nil {
			t.Fatalf("%s: %v", ep.Name, err)
		}
		for _, line := range items {
			if err := f.Item([]byte(line)); err != nil {
				t.Fatalf("%s: %v", ep.Name, err)
			}
		}
		if err := f.Flush(); err != nil {
			t.Fatalf("%s: %v", ep.Name, err)
		}
	}
	for ep := range lines {
		if _, ok := p.Lookup(ep); !ok {
			t.Fatalf("%s has no resource %s", p.Name, ep)
		}
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	return out
}

func renderRows(b *schema.Batch) []string {
	var out []string
	for i := 0; i < b.Len; i++ {
		var cells []string
		for ci, c := range b.Table.Columns {
			v := &b.Cols[ci]
			if ci < 2 || !v.Valid[i] {
				continue
			}
			var s string
			switch c.Type {
			case schema.String:
				s = v.Strs[i]
			case schema.Float64:
				s = fmt.Sprint(v.Floats[i])
			case schema.Bool:
				s = fmt.Sprint(v.Bools[i])
			case schema.Timestamp:
				s = schema.TimeFromMicros(v.Ints[i]).Format("2006-01-02T15:04:05Z")
			case schema.Date:
				s = schema.DateFromDays(v.Ints[i]).Format("2006-01-02")
			default:
				s = fmt.Sprint(v.Ints[i])
			}
			cells = append(cells, c.Name+"="+s)
		}
		out = append(out, strings.Join(cells, " "))
	}
	return out
}
