package oura_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/upexport/upexport/providers/oura"
	"github.com/upexport/upexport/schema"
)

// row is one flattened row, by column name: int64 (timestamps as time.Time
// in UTC), float64, bool, string, or nil for null.
type row map[string]any

// flatten runs one raw document through the catalog's tables of endpoint,
// strictly (a field no table declares fails), and returns the rows of
// the endpoint's root table.
func flatten(t *testing.T, endpoint string, doc json.RawMessage) []row {
	t.Helper()
	cat := oura.Catalog()
	tables := cat.Tables(endpoint)
	var rows []row
	emit := func(b *schema.Batch) error {
		if b.Table.Name != endpoint {
			return nil
		}
		for i := range b.Len {
			r := row{}
			for c, col := range b.Table.Columns {
				v := b.Cols[c]
				if !v.Valid[i] {
					r[col.Name] = nil
					continue
				}
				switch col.Type {
				case schema.Timestamp:
					r[col.Name] = time.UnixMicro(v.Ints[i]).UTC()
				case schema.Int64, schema.Date:
					r[col.Name] = v.Ints[i]
				case schema.Float64:
					r[col.Name] = v.Floats[i]
				case schema.Bool:
					r[col.Name] = v.Bools[i]
				case schema.String:
					r[col.Name] = v.Strs[i]
				}
			}
			rows = append(rows, r)
		}
		return nil
	}
	f, err := cat.NewFlattener(endpoint, "u1", tables, schema.Options{StrictSchema: true}, emit)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Item(doc); err != nil {
		t.Fatalf("%s: %v", endpoint, err)
	}
	if err := f.Flush(); err != nil {
		t.Fatal(err)
	}
	return rows
}

// sample reads the documents of a hand-written response in
// testdata/providers/oura.
func sample(t testing.TB, file string) []json.RawMessage {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "providers", "oura", file))
	if err != nil {
		t.Fatal(err)
	}
	var page struct{ Data []json.RawMessage }
	if err := json.Unmarshal(b, &page); err != nil {
		t.Fatal(err)
	}
	return page.Data
}

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// check compares the named cells of rows[i] with want.
func check(t *testing.T, table string, rows []row, i int, want row) {
	t.Helper()
	if i >= len(rows) {
		t.Errorf("%s: no row %d (%d rows)", table, i, len(rows))
		return
	}
	for k, w := range want {
		got := rows[i][k]
		if gt, ok := got.(time.Time); ok {
			if wt, ok := w.(time.Time); ok && gt.Equal(wt) {
				continue
			}
		} else if got == w {
			continue
		}
		t.Errorf("%s[%d].%s = %v, want %v", table, i, k, got, w)
	}
}

// TestSeriesTimesByHand checks the long tables of the positional series
// against the times testdata/providers/oura/README.md computed by hand
// from the raw responses.
func TestSeriesTimesByHand(t *testing.T) {
	act := sample(t, "daily_activity_page1.json")[0] // timestamp 2024-11-11T04:00:00+01:00
	class := flatten(t, "activity_class_5min", act)
	if len(class) != 288 {
		t.Errorf("activity_class_5min: %d rows, want 288", len(class))
	}
	check(t, "activity_class_5min", class, 0, row{"index": int64(0), "start": utc("2024-11-11T03:00:00Z"), "offset": int64(3600), "class": int64(1)})
	check(t, "activity_class_5min", class, 287, row{"index": int64(287), "start": utc("2024-11-12T02:55:00Z"), "offset": int64(3600)})
	met := flatten(t, "activity_met", act)
	if len(met) != 1440 {
		t.Errorf("activity_met: %d rows, want 1440", len(met))
	}
	check(t, "activity_met", met, 0, row{"start": utc("2024-11-11T03:00:00Z"), "met": 1.1})
	check(t, "activity_met", met, 1439, row{"start": utc("2024-11-12T02:59:00Z")})
	check(t, "activity_met", met, 700, row{"index": int64(700), "start": utc("2024-11-11T14:40:00Z"), "met": nil})
	check(t, "activity_met", met, 701, row{"index": int64(701), "start": utc("2024-11-11T14:41:00Z"), "met": nil})

	sleeps := sample(t, "sleep_dst_and_nap.json")
	night, nap := sleeps[0], sleeps[1] // 21:50:10Z to 06:10:40Z across the end of summer time
	phases := flatten(t, "sleep_phases_5min", night)
	if len(phases) != 101 {
		t.Errorf("sleep_phases_5min: %d rows, want 101", len(phases))
	}
	check(t, "sleep_phases_5min", phases, 0, row{"start": utc("2024-10-26T21:50:10Z"), "end": utc("2024-10-26T21:55:10Z"), "offset": int64(7200)})
	check(t, "sleep_phases_5min", phases, 100, row{"start": utc("2024-10-27T06:10:10Z"), "end": utc("2024-10-27T06:10:40Z")})
	hr := flatten(t, "sleep_heart_rate", night)
	if len(hr) != 100 {
		t.Errorf("sleep_heart_rate: %d rows, want 100", len(hr))
	}
	check(t, "sleep_heart_rate", hr, 36, row{"start": utc("2024-10-27T00:50:10Z"), "bpm": 54.0})
	check(t, "sleep_heart_rate", hr, 37, row{"start": utc("2024-10-27T00:55:10Z"), "bpm": nil})
	check(t, "sleep_heart_rate", hr, 38, row{"start": utc("2024-10-27T01:00:10Z"), "bpm": nil})
	check(t, "sleep_heart_rate", hr, 39, row{"start": utc("2024-10-27T01:05:10Z"), "bpm": 53.0})
	if n := len(flatten(t, "sleep_hrv", night)); n != 100 {
		t.Errorf("sleep_hrv: %d rows, want 100", n)
	}
	moves := flatten(t, "sleep_movement_30s", night)
	if len(moves) != 1001 {
		t.Errorf("sleep_movement_30s: %d rows, want 1001", len(moves))
	}
	check(t, "sleep_movement_30s", moves, 1000, row{"start": utc("2024-10-27T06:10:10Z"), "end": utc("2024-10-27T06:10:40Z")})
	s := flatten(t, "sleep", night)
	check(t, "sleep", s, 0, row{"bedtime_start": utc("2024-10-26T21:50:10Z"), "bedtime_start_offset": int64(7200),
		"bedtime_end": utc("2024-10-27T06:10:40Z"), "bedtime_end_offset": int64(3600), "time_in_bed": int64(30030)})

	// The nap: phases 4442, the last clipped at bedtime_end; no heart rate;
	// 255 is no data.
	napPhases := flatten(t, "sleep_phases_5min", nap)
	if len(napPhases) != 4 {
		t.Errorf("nap phases: %d rows, want 4", len(napPhases))
	}
	check(t, "nap phases", napPhases, 0, row{"start": utc("2024-10-27T13:02:44Z"), "stage": "awake"})
	check(t, "nap phases", napPhases, 2, row{"end": utc("2024-10-27T13:17:44Z"), "stage": "awake"})
	check(t, "nap phases", napPhases, 3, row{"start": utc("2024-10-27T13:17:44Z"), "end": utc("2024-10-27T13:19:24Z"), "stage": "light", "phase": int64(2)})
	if n := len(flatten(t, "sleep_movement_30s", nap)); n != 33 {
		t.Errorf("nap movements: %d rows, want 33", n)
	}
	if n := len(flatten(t, "sleep_heart_rate", nap)); n != 0 {
		t.Errorf("nap heart rate: %d rows, want none (heart_rate is null)", n)
	}
	check(t, "nap", flatten(t, "sleep", nap), 0, row{"lowest_heart_rate": nil, "average_hrv": nil})
}

// TestHeartRateSamples: UTC samples stay UTC, paged or not.
func TestHeartRateSamples(t *testing.T) {
	rows := flatten(t, oura.Heartrate, sample(t, "heartrate_page1.json")[0])
	check(t, "heartrate", rows, 0, row{"timestamp": utc("2024-12-13T12:31:21Z"), "timestamp_offset": int64(0), "bpm": int64(88), "source": "awake"})
}
