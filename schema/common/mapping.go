package common

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/upexport/upexport/schema"
)

// A Mapping says how the rows of one of a provider's tables fill one
// common table. Each source row gives at most one common row; a common
// table may have several Mappings (one per source table).
type Mapping struct {
	From string // the provider's table
	To   string // a common table
	// Columns fill the common table's columns; those not named are null,
	// except provider and user, which the Builder fills.
	Columns []Column
	// Require names common columns a row must have: a source row that
	// leaves one of them null gives no common row.
	Require []string
	// RequireAny names common columns of which a row must have one: a
	// source row that leaves them all null (a body event with only a
	// note) gives no common row.
	RequireAny []string
	// Where keeps only the source rows whose named columns, read as text,
	// have these values (short = "false").
	Where map[string]string
	// Except leaves out the source rows whose named columns, read as text,
	// have these values: a value that stands for no measurement (UP's
	// resting heart rate 0) or a row the provider marks as void.
	Except map[string]string
	// Note says, for the mapping's documentation, what the columns do not.
	Note string
}

// Column fills one common column.
type Column struct {
	To string // the common column
	// From names the source column; "a+b+c" sums numeric columns (nulls
	// count as zero; all null is null).
	From string
	// Scale multiplies a numeric value (0 means 1): kilometres to metres
	// is 1000, a ratio to percent 100, minutes to seconds 60.
	Scale float64
	// Const is a fixed value instead of From, written as text in the
	// common column's type ("true", "intraday").
	Const string
	// Stages translates the source's stage, read as text ("1", "wake"),
	// into the common vocabulary. A value it does not list gives no row.
	Stages map[string]string
	// Equals makes a Bool column true where the source, read as text, is
	// this value and false where it is another.
	Equals string
}

// Validate checks the mappings against the provider's tables (found by
// name through table): every table and column exists, and each value can
// become its common column's type.
func Validate(maps []Mapping, table func(name string) (*schema.Table, bool)) error {
	for _, m := range maps {
		src, ok := table(m.From)
		if !ok {
			return fmt.Errorf("common mapping %s <- %s: the provider has no table %s", m.To, m.From, m.From)
		}
		if _, err := compile(m, src); err != nil {
			return err
		}
	}
	return nil
}

// compiled is a Mapping bound to the columns of one source table.
type compiled struct {
	Mapping
	target  *schema.Table
	cols    []compiledColumn
	require []int // target indexes
	any     []int // target indexes, of RequireAny
	where   []whereColumn
	except  []whereColumn
	scratch row // the row convert fills
}

type whereColumn struct {
	src  int
	want string
}

type compiledColumn struct {
	Column
	target int   // index in the common table
	src    []int // source indexes; more than one for a sum
	stages bool  // this column is the stage: its source name also fills source_stage
}

// compile binds m to src's columns, checking names and types.
func compile(m Mapping, src *schema.Table) (*compiled, error) {
	where := fmt.Sprintf("common mapping %s <- %s", m.To, m.From)
	d, ok := decl(m.To)
	if !ok {
		return nil, fmt.Errorf("%s: %s is not a common table (%s)", where, m.To, strings.Join(Names(), ", "))
	}
	target := tableOf(d)
	c := &compiled{Mapping: m, target: target}
	seen := map[string]bool{}
	for _, mc := range m.Columns {
		ti := target.ColumnIndex(mc.To)
		if ti < 0 || ti < len(identity) {
			return nil, fmt.Errorf("%s: %s has no column %s to fill", where, m.To, mc.To)
		}
		if seen[mc.To] {
			return nil, fmt.Errorf("%s: column %s is filled twice", where, mc.To)
		}
		seen[mc.To] = true
		cc := compiledColumn{Column: mc, target: ti}
		tt := target.Columns[ti].Type
		if (mc.Const == "") == (mc.From == "") {
			return nil, fmt.Errorf("%s: column %s needs exactly one of From and Const", where, mc.To)
		}
		if mc.Const != "" {
			if _, err := parseConst(mc.Const, tt); err != nil {
				return nil, fmt.Errorf("%s: column %s: %w", where, mc.To, err)
			}
			c.cols = append(c.cols, cc)
			continue
		}
		for _, name := range strings.Split(mc.From, "+") {
			si := src.ColumnIndex(name)
			if si < 0 {
				return nil, fmt.Errorf("%s: column %s reads %s, which table %s does not have", where, mc.To, name, m.From)
			}
			cc.src = append(cc.src, si)
		}
		if err := checkConversion(mc, src, cc.src, tt); err != nil {
			return nil, fmt.Errorf("%s: column %s: %w", where, mc.To, err)
		}
		if m.To == SleepStages && mc.To == "stage" {
			if len(mc.Stages) == 0 {
				return nil, fmt.Errorf("%s: the stage column needs Stages, the translation into %s", where, strings.Join(stages, ", "))
			}
			for k, v := range mc.Stages {
				if !slices.Contains(stages, v) {
					return nil, fmt.Errorf("%s: stage %q maps to %q, which is not one of %s", where, k, v, strings.Join(stages, ", "))
				}
			}
			cc.stages = true
		}
		c.cols = append(c.cols, cc)
	}
	for _, name := range slices.Sorted(maps.Keys(m.Where)) {
		si := src.ColumnIndex(name)
		if si < 0 {
			return nil, fmt.Errorf("%s: Where reads %s, which table %s does not have", where, name, m.From)
		}
		c.where = append(c.where, whereColumn{si, m.Where[name]})
	}
	for _, name := range slices.Sorted(maps.Keys(m.Except)) {
		si := src.ColumnIndex(name)
		if si < 0 {
			return nil, fmt.Errorf("%s: Except reads %s, which table %s does not have", where, name, m.From)
		}
		c.except = append(c.except, whereColumn{si, m.Except[name]})
	}
	for _, name := range m.Require {
		ti := target.ColumnIndex(name)
		if ti < 0 || !seen[name] {
			return nil, fmt.Errorf("%s: requires %s, which the mapping does not fill", where, name)
		}
		c.require = append(c.require, ti)
	}
	for _, name := range m.RequireAny {
		ti := target.ColumnIndex(name)
		if ti < 0 || !seen[name] {
			return nil, fmt.Errorf("%s: requires one of %s, which the mapping does not fill", where, name)
		}
		c.any = append(c.any, ti)
	}
	return c, nil
}

// checkConversion says whether the source columns can fill a column of
// type tt with mc's options.
func checkConversion(mc Column, src *schema.Table, idx []int, tt schema.Type) error {
	numeric := func(t schema.Type) bool { return t == schema.Int64 || t == schema.Float64 }
	for _, si := range idx {
		st := src.Columns[si].Type
		switch {
		case mc.Stages != nil:
			if tt != schema.String {
				return errors.New("Stages fills a text column")
			}
		case mc.Equals != "":
			if tt != schema.Bool {
				return errors.New("Equals fills a bool column")
			}
		case len(idx) > 1 || mc.Scale != 0:
			if !numeric(st) || !numeric(tt) {
				return fmt.Errorf("a sum or scale needs numbers, and %s is %s", src.Columns[si].Name, st)
			}
		case numeric(tt):
			if !numeric(st) {
				return fmt.Errorf("%s is %s, not a number", src.Columns[si].Name, st)
			}
		case tt == schema.String:
			if st == schema.Timestamp || st == schema.Date {
				return fmt.Errorf("%s is %s, not text or a number", src.Columns[si].Name, st)
			}
		case st != tt:
			return fmt.Errorf("%s is %s, the common column %s", src.Columns[si].Name, st, tt)
		}
	}
	return nil
}

// tableOf builds the schema table of a declaration.
func tableOf(d tableDecl) *schema.Table {
	for _, t := range Tables() {
		if t.Name == d.name {
			return t
		}
	}
	panic("common: undeclared table " + d.name)
}
