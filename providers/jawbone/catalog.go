// Package jawbone describes the Jawbone UP API v1.1 to upexport: its typed
// tables, declared in tables_*.go with the vocabulary of package schema,
// and the text of its data dictionary (docs/schema.md).
package jawbone

import (
	"fmt"
	"sync"

	"github.com/upexport/upexport/schema"
)

// Catalog returns the catalog of UP's tables, in the order of the data
// dictionary: each endpoint's root table followed by its children. It is
// built once and immutable, so every caller may share it.
func Catalog() *schema.Catalog { return catalog() }

var catalog = sync.OnceValue(func() *schema.Catalog {
	c, err := schema.NewCatalog(decls()...)
	if err != nil {
		// The declarations are literals: TestCatalog reports the error.
		panic(fmt.Sprintf("jawbone: %v", err))
	}
	return c
})

// decls returns fresh declarations of every table, in catalog order.
func decls() []*schema.TableDecl {
	var out []*schema.TableDecl
	for _, g := range [][]*schema.TableDecl{
		movesDecls(),
		sleepsDecls(),
		workoutsDecls(),
		eventsDecls(),
		mealsDecls(),
		userDecls(),
	} {
		out = append(out, g...)
	}
	return out
}

// DictionaryText returns the text docs/schema.md puts around the tables.
func DictionaryText() schema.DictionaryText {
	return schema.DictionaryText{
		Origin: "Generated from the declarations in providers/jawbone/tables_*.go; do not edit.\n" +
			"     Regenerate: go run ./cmd/upexport schema > docs/schema.md\n" +
			"     (or: go test ./schema -run TestDictionaryFile -update)",
		Conventions: conventions,
	}
}

// conventions are the rules every table follows, printed at the top of the
// data dictionary: what the flattener does with UP's values.
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
