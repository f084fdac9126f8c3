// Package common declares the tables every provider fills in one shape
// (daily activity, minute series, sleep sessions and stages, heart rate,
// body measurements) and builds them from a provider's own tables through
// the Mappings the provider declares, so that exports of different devices
// and people concatenate into one frame.
//
// Units are normalised (metres, kcal, seconds, kilograms, percent), times
// are UTC instants, sleep stages use one vocabulary, and every row names
// its provider and user. A common table is built from the provider's typed
// rows, never from raw JSON, so it inherits their parsing, time zones and
// de-duplication.
package common

import "github.com/upexport/upexport/schema"

// Names of the common tables.
const (
	DailyActivity = "common_daily_activity"
	Intraday      = "common_intraday"
	SleepSessions = "common_sleep_sessions"
	SleepStages   = "common_sleep_stages"
	HeartRate     = "common_heart_rate"
	Body          = "common_body"
)

// The sleep-stage vocabulary of common_sleep_stages. Asleep is sleep of no
// known stage: a device that only tells asleep from awake.
const (
	Awake  = "awake"
	Light  = "light"
	Deep   = "deep"
	REM    = "rem"
	Asleep = "asleep"
)

// Stages is the vocabulary, in the order the data dictionary lists it.
var stages = []string{Awake, Light, Deep, REM, Asleep}

// Stages returns the sleep-stage vocabulary.
func Stages() []string { return append([]string(nil), stages...) }

// Aggregation says how common_intraday combines the values of one minute.
type aggregation uint8

const (
	sum  aggregation = iota // counts and amounts: steps, metres, kcal
	mean                    // rates: beats per minute, MET
)

// column is one common column: its declaration and, for common_intraday,
// how a minute's values combine.
type column struct {
	schema.Column
	agg aggregation
}

func col(name string, t schema.Type, unit, desc string) column {
	return column{Column: schema.Column{Name: name, Type: t, Unit: unit, Description: desc}}
}

func rate(name string, unit, desc string) column {
	c := col(name, schema.Float64, unit, desc)
	c.agg = mean
	return c
}

// identity are the first two columns of every common table.
var identity = []column{
	col("provider", schema.String, "", "The provider the row came from (upexport providers)."),
	col("user", schema.String, "", "The provider's id of the person the data belongs to."),
}

type tableDecl struct {
	name, desc, time string
	columns          []column
}

var decls = []tableDecl{
	{DailyActivity, "One row per person and day: the day's activity totals.", "date", []column{
		col("date", schema.Date, "", "The local calendar day the totals belong to, as the provider assigns it."),
		col("steps", schema.Int64, "", "Steps of the day."),
		col("distance_m", schema.Float64, "m", "Distance of the day."),
		col("active_kcal", schema.Float64, "kcal", "Energy spent above the basal rate."),
		col("total_kcal", schema.Float64, "kcal", "All energy spent, basal included."),
		col("active_s", schema.Int64, "s", "Time spent active, as the provider defines it."),
		col("sedentary_s", schema.Int64, "s", "Time spent sedentary or inactive."),
	}},
	{Intraday, "One row per person and UTC minute: what the devices measured in it.", "minute", []column{
		col("minute", schema.Timestamp, "", "The start of the minute (UTC)."),
		col("steps", schema.Int64, "", "Steps in the minute (summed over samples that start in it)."),
		col("distance_m", schema.Float64, "m", "Distance in the minute (summed)."),
		col("active_kcal", schema.Float64, "kcal", "Energy above the basal rate in the minute (summed)."),
		col("total_kcal", schema.Float64, "kcal", "All energy spent in the minute, basal included (summed)."),
		rate("heart_rate_bpm", "bpm", "Mean heart rate of the samples in the minute."),
		rate("met", "MET", "Mean metabolic equivalent of the samples in the minute."),
	}},
	{SleepSessions, "One row per sleep session (a night or a nap).", "start_time", []column{
		col("session_id", schema.String, "", "The provider's id of the session."),
		col("date", schema.Date, "", "The day the provider files the session under (usually the day of waking)."),
		col("start_time", schema.Timestamp, "", "Start of the session: going to bed (UTC)."),
		col("end_time", schema.Timestamp, "", "End of the session: getting up (UTC)."),
		col("is_main", schema.Bool, "", "Whether the provider calls it the main sleep of its day; null if it does not say."),
		col("time_in_bed_s", schema.Int64, "s", "Time in bed."),
		col("asleep_s", schema.Int64, "s", "Time asleep, all stages."),
		col("awake_s", schema.Int64, "s", "Time awake in bed."),
		col("light_s", schema.Int64, "s", "Time in light sleep."),
		col("deep_s", schema.Int64, "s", "Time in deep sleep."),
		col("rem_s", schema.Int64, "s", "Time in REM sleep."),
		col("latency_s", schema.Int64, "s", "Time from going to bed to falling asleep."),
		col("efficiency_pct", schema.Float64, "%", "Time asleep as a share of time in bed."),
	}},
	{SleepStages, "One row per stage interval of a sleep session.", "start_time", []column{
		col("session_id", schema.String, "", "The session the interval belongs to; null if the provider does not link them."),
		col("start_time", schema.Timestamp, "", "Start of the interval (UTC)."),
		col("end_time", schema.Timestamp, "", "End of the interval (UTC): the next interval's start where the provider gives only changes."),
		col("stage", schema.String, "", "awake, light, deep, rem, or asleep (asleep of no known stage)."),
		col("source_stage", schema.String, "", "The provider's own name or code of the stage."),
	}},
	{HeartRate, "One row per heart-rate sample.", "time", []column{
		col("time", schema.Timestamp, "", "The instant of the sample (UTC)."),
		col("bpm", schema.Float64, "bpm", "Heart rate."),
		col("context", schema.String, "", "What the sample is: intraday, sleep, resting (a daily resting rate), spot (a single reading), or the provider's own label."),
	}},
	{Body, "One row per body measurement.", "time", []column{
		col("time", schema.Timestamp, "", "The instant of the measurement (UTC)."),
		col("weight_kg", schema.Float64, "kg", "Body weight."),
		col("fat_ratio_pct", schema.Float64, "%", "Body fat as a share of weight."),
		col("bmi", schema.Float64, "kg/m2", "Body-mass index."),
	}},
}

// Tables returns new declarations of the common tables, in a fixed order.
func Tables() []*schema.Table {
	out := make([]*schema.Table, len(decls))
	for i, d := range decls {
		t := &schema.Table{Name: d.name, Description: d.desc, TimeColumn: d.time}
		for _, c := range identity {
			t.Columns = append(t.Columns, c.Column)
		}
		for _, c := range d.columns {
			t.Columns = append(t.Columns, c.Column)
		}
		out[i] = t
	}
	return out
}

// decl returns the declaration of the named common table.
func decl(name string) (tableDecl, bool) {
	for _, d := range decls {
		if d.name == name {
			return d, true
		}
	}
	return tableDecl{}, false
}

// Names returns the names of the common tables, in Tables' order.
func Names() []string {
	out := make([]string, len(decls))
	for i, d := range decls {
		out[i] = d.name
	}
	return out
}
