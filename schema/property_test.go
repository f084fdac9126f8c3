package schema_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/upexport/upexport/schema"
)

// genMove is a generated move item and what its JSON holds.
type genMove struct {
	json  []byte
	xid   string
	steps int64
	hours int // hourly_totals entries
	tzs   int // tzs entries
}

var genZones = []string{
	"America/New_York", "America/Denver", "America/Los Angeles", "Europe/London",
	"Europe/Berlin", "Asia/Kolkata", "Australia/Lord_Howe", "GMT-0700", "GMT+0330", "-21600", "12600",
}

// genMoveItem writes a random but well-formed move item: hourly keys in
// random order, unsorted tzs in every zone form, integers sometimes as
// floats, optional fields sometimes missing or null.
func genMoveItem(r *rand.Rand, i int) genMove {
	day := time.Date(2014, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, r.IntN(1500))
	g := genMove{xid: fmt.Sprintf("gen%05d_%08x", i, r.Uint32())}
	var b strings.Builder
	num := func(n int64) string {
		if r.IntN(4) == 0 {
			return fmt.Sprintf("%d.0", n) // an integer sent as a float
		}
		return fmt.Sprint(n)
	}
	zone := func() string {
		z := genZones[r.IntN(len(genZones))]
		if z[0] == '-' || z[0] == '1' {
			return z // integer seconds
		}
		return fmt.Sprintf("%q", z)
	}
	t0 := day.Unix() + int64(r.IntN(6*3600))
	fmt.Fprintf(&b, `{"xid": %q, "title": "gen", "type": "move", "time_created": %d, "time_completed": %d, "date": %s, "details": {`,
		g.xid, t0, t0+20*3600, day.Format("20060102"))
	fmt.Fprintf(&b, `"tz": %s, "km": %.3f`, zone(), r.Float64()*10)
	if r.IntN(5) > 0 {
		fmt.Fprintf(&b, `, "sunrise": %d, "sunset": %d`, []int64{0, t0 + 3600}[r.IntN(2)], t0+12*3600)
	} else {
		b.WriteString(`, "sunrise": null`)
	}
	g.tzs = r.IntN(4)
	if g.tzs > 0 || r.IntN(2) == 0 {
		b.WriteString(`, "tzs": [`)
		for j := 0; j < g.tzs; j++ {
			if j > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, `[%d, %s]`, t0+int64(r.IntN(20*3600)), zone())
		}
		b.WriteString("]")
	}
	hours := r.Perm(24)[:r.IntN(25)]
	g.hours = len(hours)
	if len(hours) > 0 || r.IntN(2) == 0 {
		b.WriteString(`, "hourly_totals": {`)
		for j, h := range hours {
			if j > 0 {
				b.WriteString(", ")
			}
			s := int64(r.IntN(3000))
			g.steps += s
			fmt.Fprintf(&b, `"%s%02d": {"steps": %s, "distance": %s, "active_time": %d, "calories": %.4f}`,
				day.Format("20060102"), h, num(s), num(s*3/4), r.IntN(3600), r.Float64()*100)
		}
		b.WriteString("}")
	}
	fmt.Fprintf(&b, `, "steps": %s}}`, num(g.steps))
	g.json = []byte(b.String())
	return g
}

func TestPropertyHourlySumsAndChildCounts(t *testing.T) {
	r := rand.New(rand.NewPCG(2014, 4))
	moves := make([]genMove, 500)
	for i := range moves {
		moves[i] = genMoveItem(r, i)
	}
	stepsByMove := map[string]int64{}
	rowsByTable := map[string]map[string]int{"moves": {}, "moves_hourly": {}, "moves_tzs": {}}
	emit := func(b *schema.Batch) error {
		xidCol := b.Table.ColumnIndex("move_xid")
		if b.Table.Name == "moves" {
			xidCol = b.Table.ColumnIndex("xid")
		}
		steps := b.Table.ColumnIndex("steps")
		start, off, hour := b.Table.ColumnIndex("hour_start"), b.Table.ColumnIndex("tz_offset"), b.Table.ColumnIndex("local_hour")
		for i := 0; i < b.Len; i++ {
			xid := b.Cols[xidCol].Strs[i]
			rowsByTable[b.Table.Name][xid]++
			if b.Table.Name != "moves_hourly" {
				continue
			}
			if !b.Cols[steps].Valid[i] {
				t.Errorf("%s: hourly steps null", xid)
			}
			stepsByMove[xid] += b.Cols[steps].Ints[i]
			// hour_start + tz_offset is the local hour of the key.
			local := b.Cols[start].Ints[i]/1e6 + b.Cols[off].Ints[i]
			if got := (local % 86400) / 3600; got != b.Cols[hour].Ints[i] {
				t.Errorf("%s: hour_start %s + offset %d gives hour %d, key says %d", xid,
					schema.TimeFromMicros(b.Cols[start].Ints[i]), b.Cols[off].Ints[i], got, b.Cols[hour].Ints[i])
			}
		}
		return nil
	}
	f, err := jb.NewFlattener("moves", "genuser", jb.Tables("moves"), schema.Options{BatchRows: 100}, emit)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range moves {
		if err := f.Item(m.json); err != nil {
			t.Fatalf("%v\n%s", err, m.json)
		}
	}
	if err := f.Flush(); err != nil {
		t.Fatal(err)
	}
	for _, m := range moves {
		if got := stepsByMove[m.xid]; got != m.steps {
			t.Errorf("%s: hourly steps sum to %d, details.steps = %d", m.xid, got, m.steps)
		}
		if got := rowsByTable["moves"][m.xid]; got != 1 {
			t.Errorf("%s: %d moves rows", m.xid, got)
		}
		if got := rowsByTable["moves_hourly"][m.xid]; got != m.hours {
			t.Errorf("%s: %d hourly rows, JSON has %d entries", m.xid, got, m.hours)
		}
		if got := rowsByTable["moves_tzs"][m.xid]; got != m.tzs {
			t.Errorf("%s: %d tzs rows, JSON has %d entries", m.xid, got, m.tzs)
		}
	}
}
