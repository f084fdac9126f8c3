package common

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/upexport/upexport/schema"
)

// source makes a provider table of the given "name:type" columns and one
// batch of rows (nil is null; times are time.Time).
func source(t *testing.T, name string, cols []string, rows ...[]any) *schema.Batch {
	t.Helper()
	tab := &schema.Table{Name: name}
	for _, c := range cols {
		n, typ, _ := strings.Cut(c, ":")
		ty, err := schema.ParseType(typ)
		if err != nil {
			t.Fatal(err)
		}
		tab.Columns = append(tab.Columns, schema.Column{Name: n, Type: ty})
	}
	b := schema.NewBatch(tab, len(rows))
	for _, r := range rows {
		for i, v := range r {
			vec := &b.Cols[i]
			vec.Valid = append(vec.Valid, v != nil)
			switch tab.Columns[i].Type {
			case schema.String:
				s, _ := v.(string)
				vec.Strs = append(vec.Strs, s)
			case schema.Float64:
				f, _ := v.(float64)
				vec.Floats = append(vec.Floats, f)
			case schema.Bool:
				x, _ := v.(bool)
				vec.Bools = append(vec.Bools, x)
			case schema.Timestamp:
				var us int64
				if tm, ok := v.(time.Time); ok {
					us = tm.UnixMicro()
				}
				vec.Ints = append(vec.Ints, us)
			case schema.Date:
				var d int64
				if tm, ok := v.(time.Time); ok {
					d = schema.DaysFromYMD(tm.Date())
				}
				vec.Ints = append(vec.Ints, d)
			default:
				n, _ := v.(int)
				vec.Ints = append(vec.Ints, int64(n))
			}
		}
		b.Len++
	}
	return b
}

// render prints every written row of the named common table as
// "col=value" pairs of its non-null cells after provider and user.
func render(batches []*schema.Batch, table string) []string {
	var out []string
	for _, b := range batches {
		if b.Table.Name != table {
			continue
		}
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
					s = schema.TimeFromMicros(v.Ints[i]).Format("01-02T15:04:05")
				case schema.Date:
					s = schema.DateFromDays(v.Ints[i]).Format("2006-01-02")
				default:
					s = fmt.Sprint(v.Ints[i])
				}
				cells = append(cells, c.Name+"="+s)
			}
			out = append(out, strings.Join(cells, " "))
		}
	}
	return out
}

// build runs a Builder over the batches and returns what it wrote; the
// builder's batches are copied, as a sink would encode them.
func build(t *testing.T, maps []Mapping, batches ...*schema.Batch) []*schema.Batch {
	t.Helper()
	var written []*schema.Batch
	b := NewBuilder("demo", "u1", maps, func(batch *schema.Batch) error {
		cp := schema.NewBatch(batch.Table, batch.Len)
		batch.CopyTo(cp)
		written = append(written, cp)
		return nil
	})
	for _, batch := range batches {
		if err := b.Observe(batch); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	for _, w := range written {
		if w.Cols[0].Strs[0] != "demo" || w.Cols[1].Strs[0] != "u1" {
			t.Fatalf("%s: provider and user are %q, %q", w.Table.Name, w.Cols[0].Strs[0], w.Cols[1].Strs[0])
		}
	}
	return written
}

func at(hhmmss string) time.Time {
	tm, err := time.Parse("2006-01-02T15:04:05", "2024-03-10T"+hhmmss)
	if err != nil {
		panic(err)
	}
	return tm
}

func TestBuilder(t *testing.T) {
	day := at("00:00:00")
	tests := []struct {
		name    string
		maps    []Mapping
		batches func(t *testing.T) []*schema.Batch
		table   string
		want    []string
	}{{
		name: "daily: sums with nulls, scale, rounding; a day's values from several tables add up, in date order",
		maps: []Mapping{{From: "days", To: DailyActivity, Columns: []Column{
			{To: "date", From: "day"},
			{To: "steps", From: "steps"},
			{To: "distance_m", From: "km", Scale: 1000},
			{To: "active_kcal", From: "kcal"},
			{To: "active_s", From: "lo+mid+hi"},
		}}, {From: "very", To: DailyActivity, Columns: []Column{
			{To: "date", From: "day"},
			{To: "active_s", From: "min", Scale: 60},
		}, Where: map[string]string{"kind": "tracker"}}},
		batches: func(t *testing.T) []*schema.Batch {
			return []*schema.Batch{
				source(t, "days", []string{"day:date", "steps:float64", "km:float64", "kcal:int64", "lo:int64", "mid:int64", "hi:int64"},
					[]any{day.AddDate(0, 0, 1), nil, nil, nil, nil, nil, nil},
					[]any{day, 7390.6, 5.25, 300, 60, nil, 30}),
				source(t, "very", []string{"day:date", "min:int64", "kind:string"},
					[]any{day, 2, "tracker"}, []any{day, 100, "manual"}, []any{day.AddDate(0, 0, 2), 1, "tracker"}, []any{day.AddDate(0, 0, 3), 1, nil}),
			}
		},
		table: DailyActivity,
		want: []string{
			"date=2024-03-10 steps=7391 distance_m=5250 active_kcal=300 active_s=210",
			"date=2024-03-11",
			"date=2024-03-12 active_s=60",
		},
	}, {
		name: "intraday: minutes merged across tables, sums and means, in time order",
		maps: []Mapping{
			{From: "hr", To: Intraday, Columns: []Column{{To: "minute", From: "time"}, {To: "heart_rate_bpm", From: "bpm"}}},
			{From: "steps", To: Intraday, Columns: []Column{{To: "minute", From: "time"}, {To: "steps", From: "n"}}},
		},
		batches: func(t *testing.T) []*schema.Batch {
			return []*schema.Batch{
				source(t, "hr", []string{"time:timestamp", "bpm:int64"},
					[]any{at("23:59:30"), 60}, []any{at("00:01:05"), 70}, []any{at("00:01:50"), 75}, []any{at("00:03:00"), nil}),
				source(t, "steps", []string{"time:timestamp", "n:int64"},
					[]any{at("00:01:00"), 10}, []any{at("00:01:30"), 5}, []any{at("00:00:00"), 0}, []any{nil, 9}),
			}
		},
		table: Intraday,
		want: []string{
			"minute=03-10T00:00:00 steps=0",
			"minute=03-10T00:01:00 steps=15 heart_rate_bpm=72.5",
			"minute=03-10T23:59:00 heart_rate_bpm=60",
		},
	}, {
		name: "stages: changes end at the next change, the last at the session's end; unknown stages left out",
		maps: []Mapping{
			{From: "nights", To: SleepSessions, Columns: []Column{{To: "session_id", From: "id"}, {To: "start_time", From: "start"}, {To: "end_time", From: "end"}, {To: "is_main", From: "kind", Equals: "long"}}},
			{From: "ticks", To: SleepStages, Columns: []Column{{To: "session_id", From: "night"}, {To: "start_time", From: "time"},
				{To: "stage", From: "depth", Stages: map[string]string{"1": Awake, "2": Light, "3": Deep}}}},
		},
		batches: func(t *testing.T) []*schema.Batch {
			return []*schema.Batch{
				source(t, "ticks", []string{"night:int64", "time:timestamp", "depth:int64"},
					[]any{7, at("01:30:00"), 3}, []any{7, at("01:00:00"), 2}, []any{7, at("02:00:00"), 9}, []any{8, at("03:00:00"), 1}, []any{7, at("06:00:00"), 1}),
				source(t, "nights", []string{"id:int64", "start:timestamp", "end:timestamp", "kind:string"},
					[]any{7, at("00:50:00"), at("06:30:00"), "long"}, []any{8, at("02:50:00"), nil, "nap"}),
			}
		},
		table: SleepStages,
		want: []string{
			"session_id=7 start_time=03-10T01:00:00 end_time=03-10T01:30:00 stage=light source_stage=2",
			"session_id=7 start_time=03-10T01:30:00 end_time=03-10T06:00:00 stage=deep source_stage=3",
			"session_id=7 start_time=03-10T06:00:00 end_time=03-10T06:30:00 stage=awake source_stage=1",
			"session_id=8 start_time=03-10T03:00:00 stage=awake source_stage=1",
		},
	}, {
		// Oura's phase string may run one past bedtime_end: its last phase
		// starts after the session and lasts nothing.
		name: "stages: an interval that ends at or before its start is no interval",
		maps: []Mapping{
			{From: "phases", To: SleepStages, Columns: []Column{{To: "session_id", From: "night"}, {To: "start_time", From: "start"}, {To: "end_time", From: "end"},
				{To: "stage", From: "depth", Stages: map[string]string{"1": Awake, "2": Light}}}},
			{From: "ticks", To: SleepStages, Columns: []Column{{To: "session_id", From: "night"}, {To: "start_time", From: "time"},
				{To: "stage", From: "depth", Stages: map[string]string{"1": Awake, "2": Light}}}},
			{From: "nights", To: SleepSessions, Columns: []Column{{To: "session_id", From: "id"}, {To: "end_time", From: "end"}}},
		},
		batches: func(t *testing.T) []*schema.Batch {
			return []*schema.Batch{
				source(t, "phases", []string{"night:int64", "start:timestamp", "end:timestamp", "depth:int64"},
					[]any{7, at("01:00:00"), at("01:05:00"), 2}, []any{7, at("01:07:00"), at("01:07:00"), 1}, []any{7, at("01:09:00"), at("01:08:00"), 1}),
				source(t, "ticks", []string{"night:int64", "time:timestamp", "depth:int64"},
					[]any{8, at("03:00:00"), 2}, []any{8, at("03:00:00"), 1}, []any{8, at("03:10:00"), 2},
					[]any{9, at("04:00:00"), 2}, []any{9, at("04:30:00"), 1}),
				source(t, "nights", []string{"id:int64", "end:timestamp"}, []any{9, at("04:30:00")}),
			}
		},
		table: SleepStages,
		want: []string{
			"session_id=7 start_time=03-10T01:00:00 end_time=03-10T01:05:00 stage=light source_stage=2",
			"session_id=8 start_time=03-10T03:00:00 end_time=03-10T03:10:00 stage=awake source_stage=1",
			"session_id=8 start_time=03-10T03:10:00 stage=light source_stage=2",
			"session_id=9 start_time=03-10T04:00:00 end_time=03-10T04:30:00 stage=light source_stage=2",
		},
	}, {
		name: "sessions: Equals makes a bool, null stays null",
		maps: []Mapping{{From: "nights", To: SleepSessions, Columns: []Column{{To: "session_id", From: "id"}, {To: "is_main", From: "kind", Equals: "long"}}}},
		batches: func(t *testing.T) []*schema.Batch {
			return []*schema.Batch{source(t, "nights", []string{"id:string", "kind:string"}, []any{"a", "long"}, []any{"b", "nap"}, []any{"c", nil})}
		},
		table: SleepSessions,
		want:  []string{"session_id=a is_main=true", "session_id=b is_main=false", "session_id=c"},
	}, {
		name: "heart rate: Require leaves out rows without bpm; Const fills the context",
		maps: []Mapping{{From: "hr", To: HeartRate, Columns: []Column{{To: "time", From: "time"}, {To: "bpm", From: "bpm"}, {To: "context", Const: "resting"}}, Require: []string{"bpm"}}},
		batches: func(t *testing.T) []*schema.Batch {
			return []*schema.Batch{source(t, "hr", []string{"time:timestamp", "bpm:int64"}, []any{at("08:00:00"), 55}, []any{at("09:00:00"), nil})}
		},
		table: HeartRate,
		want:  []string{"time=03-10T08:00:00 bpm=55 context=resting"},
	}, {
		name: "require any: a row with none of the columns is left out",
		maps: []Mapping{{From: "scale", To: Body, Columns: []Column{{To: "time", From: "time"}, {To: "weight_kg", From: "kg"}, {To: "bmi", From: "bmi"}}, RequireAny: []string{"weight_kg", "bmi"}}},
		batches: func(t *testing.T) []*schema.Batch {
			return []*schema.Batch{source(t, "scale", []string{"time:timestamp", "kg:float64", "bmi:float64"},
				[]any{at("08:00:00"), 70.5, nil}, []any{at("09:00:00"), nil, nil}, []any{at("10:00:00"), nil, 22.5})}
		},
		table: Body,
		want:  []string{"time=03-10T08:00:00 weight_kg=70.5", "time=03-10T10:00:00 bmi=22.5"},
	}, {
		name: "except: rows with a void value are left out, nulls kept",
		maps: []Mapping{{From: "nights", To: SleepSessions, Columns: []Column{{To: "session_id", From: "id"}}, Except: map[string]string{"kind": "deleted", "n": "0"}}},
		batches: func(t *testing.T) []*schema.Batch {
			return []*schema.Batch{source(t, "nights", []string{"id:string", "kind:string", "n:int64"},
				[]any{"a", "long", 1}, []any{"b", "deleted", 1}, []any{"c", nil, nil}, []any{"d", "nap", 0})}
		},
		table: SleepSessions,
		want:  []string{"session_id=a", "session_id=c"},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := render(build(t, tc.maps, tc.batches(t)...), tc.table)
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("rows:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

// TestBuilderBatches: more rows than a batch holds are all written, in
// order, and a table no mapping fills gets no batch.
func TestBuilderBatches(t *testing.T) {
	n := batchRows*2 + 17
	rows := make([][]any, n)
	for i := range rows {
		rows[i] = []any{at("00:00:00").Add(time.Duration(i) * time.Minute), i}
	}
	maps := []Mapping{{From: "hr", To: HeartRate, Columns: []Column{{To: "time", From: "time"}, {To: "bpm", From: "bpm"}}}}
	got := render(build(t, maps, source(t, "hr", []string{"time:timestamp", "bpm:int64"}, rows...)), HeartRate)
	if len(got) != n || got[n-1] != fmt.Sprintf("time=%s bpm=%d", at("00:00:00").Add(time.Duration(n-1)*time.Minute).Format("01-02T15:04:05"), n-1) {
		t.Fatalf("%d rows, last %q", len(got), got[len(got)-1])
	}
	if body := render(build(t, maps), Body); len(body) != 0 {
		t.Fatalf("body rows without a mapping: %q", body)
	}
}

func TestValidate(t *testing.T) {
	src := map[string]*schema.Table{"days": {Name: "days", Columns: []schema.Column{
		{Name: "day", Type: schema.Date}, {Name: "steps", Type: schema.Int64}, {Name: "note", Type: schema.String}, {Name: "at", Type: schema.Timestamp}}}}
	lookup := func(name string) (*schema.Table, bool) { tb, ok := src[name]; return tb, ok }
	tests := []struct {
		name string
		m    Mapping
		want string // in the error; "" is valid
	}{
		{"valid", Mapping{From: "days", To: DailyActivity, Columns: []Column{{To: "date", From: "day"}, {To: "steps", From: "steps"}}}, ""},
		{"no such source table", Mapping{From: "nights", To: DailyActivity}, "no table nights"},
		{"no such common table", Mapping{From: "days", To: "common_food"}, "not a common table"},
		{"no such common column", Mapping{From: "days", To: DailyActivity, Columns: []Column{{To: "floors", From: "steps"}}}, "no column floors"},
		{"identity is the builder's", Mapping{From: "days", To: DailyActivity, Columns: []Column{{To: "user", From: "note"}}}, "no column user"},
		{"no such source column", Mapping{From: "days", To: DailyActivity, Columns: []Column{{To: "steps", From: "step"}}}, "does not have"},
		{"text into a number", Mapping{From: "days", To: DailyActivity, Columns: []Column{{To: "steps", From: "note"}}}, "not a number"},
		{"time into a date", Mapping{From: "days", To: DailyActivity, Columns: []Column{{To: "date", From: "at"}}}, "timestamp"},
		{"filled twice", Mapping{From: "days", To: DailyActivity, Columns: []Column{{To: "steps", From: "steps"}, {To: "steps", Const: "1"}}}, "twice"},
		{"both From and Const", Mapping{From: "days", To: DailyActivity, Columns: []Column{{To: "steps", From: "steps", Const: "1"}}}, "exactly one"},
		{"bad constant", Mapping{From: "days", To: DailyActivity, Columns: []Column{{To: "steps", Const: "many"}}}, "steps"},
		{"stage outside the vocabulary", Mapping{From: "days", To: SleepStages, Columns: []Column{{To: "stage", From: "note", Stages: map[string]string{"x": "dozing"}}}}, "dozing"},
		{"stage without translation", Mapping{From: "days", To: SleepStages, Columns: []Column{{To: "stage", From: "note"}}}, "needs Stages"},
		{"where on a missing column", Mapping{From: "days", To: DailyActivity, Columns: []Column{{To: "date", From: "day"}}, Where: map[string]string{"kind": "x"}}, "Where reads kind"},
		{"except on a missing column", Mapping{From: "days", To: DailyActivity, Columns: []Column{{To: "date", From: "day"}}, Except: map[string]string{"kind": "x"}}, "Except reads kind"},
		{"require any of what is not filled", Mapping{From: "days", To: DailyActivity, Columns: []Column{{To: "date", From: "day"}}, RequireAny: []string{"steps"}}, "requires one of steps"},
		{"require what is not filled", Mapping{From: "days", To: DailyActivity, Columns: []Column{{To: "date", From: "day"}}, Require: []string{"steps"}}, "requires steps"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := Validate([]Mapping{tc.m}, lookup)
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("error %v, want one saying %q", err, tc.want)
			}
		})
	}
}

func TestTables(t *testing.T) {
	for _, tb := range Tables() {
		if tb.Columns[0].Name != "provider" || tb.Columns[1].Name != "user" {
			t.Errorf("%s does not start with provider, user", tb.Name)
		}
		if tb.TimeColumn == "" || tb.ColumnIndex(tb.TimeColumn) < 0 {
			t.Errorf("%s: time column %q is not a column", tb.Name, tb.TimeColumn)
		}
	}
}
