package schema_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/upexport/upexport/schema"
)

// TestLenientBadHourKeyKeepsTheRow: under --lenient an hourly_totals entry
// whose key is not YYYYMMDDHH keeps its values, with null hour columns, as
// the warning says ("exported as null"); nothing is dropped.
func TestLenientBadHourKeyKeepsTheRow(t *testing.T) {
	var rows []string
	var warnings []string
	opts := schema.Options{Lenient: true, Warn: func(m string) { warnings = append(warnings, m) }}
	f, err := jb.NewFlattener("moves", "u", jb.Tables("moves"), opts, func(b *schema.Batch) error {
		if b.Table.Name != "moves_hourly" {
			return nil
		}
		for r := 0; r < b.Len; r++ {
			rows = append(rows, rowText(b, r))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	item := `{"xid": "m1", "details": {"tz": "Europe/London", "hourly_totals": {
		"2016-03-11": {"steps": 7}, "2016031110": {"steps": 20}, "2016031109": {"steps": 10}}}}`
	if err := f.Item([]byte(item)); err != nil {
		t.Fatal(err)
	}
	if err := f.Flush(); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"user_xid=u move_xid=m1 hour_start=1457686800000000 date=16871 local_hour=9 tz=Europe/London tz_offset=0 steps=10",
		"user_xid=u move_xid=m1 hour_start=1457690400000000 date=16871 local_hour=10 tz=Europe/London tz_offset=0 steps=20",
		"user_xid=u move_xid=m1 hour_start=NULL date=NULL local_hour=NULL tz=NULL tz_offset=NULL steps=7",
	}
	if strings.Join(rows, "\n") != strings.Join(want, "\n") {
		t.Errorf("moves_hourly rows:\n%s\nwant:\n%s", strings.Join(rows, "\n"), strings.Join(want, "\n"))
	}
	st := f.Stats()
	if st.Rows["moves_hourly"] != 3 || st.LenientByColumn["moves_hourly.local_hour"] != 1 {
		t.Errorf("stats rows %v lenient %v", st.Rows, st.LenientByColumn)
	}
	if w := strings.Join(warnings, "\n"); !strings.Contains(w, `"2016-03-11" is not YYYYMMDDHH; the hour's values are kept`) {
		t.Errorf("warnings %q", warnings)
	}
}

// rowText renders a row's columns up to steps as name=value; floats and
// booleans are left out.
func rowText(b *schema.Batch, r int) string {
	var parts []string
	for i, c := range b.Table.Columns {
		v := &b.Cols[i]
		val := "NULL"
		switch {
		case c.Type == schema.Float64 || c.Type == schema.Bool:
			continue
		case !v.Valid[r]:
		case c.Type == schema.String:
			val = v.Strs[r]
		default:
			val = strconv.FormatInt(v.Ints[r], 10)
		}
		parts = append(parts, c.Name+"="+val)
		if c.Name == "steps" {
			break
		}
	}
	return strings.Join(parts, " ")
}
