package withings

import (
	"fmt"
	"sync"

	"github.com/upexport/upexport/schema"
)

// Catalog returns the catalog of the Withings tables, each resource's
// root table followed by its children. It is built once and immutable.
func Catalog() *schema.Catalog { return catalog() }

var catalog = sync.OnceValue(func() *schema.Catalog {
	c, err := schema.NewCatalog(decls()...)
	if err != nil {
		// The declarations are literals: TestCatalog reports the error.
		panic(fmt.Sprintf("withings: %v", err))
	}
	return c
})

var (
	col   = schema.Col
	str   = schema.String
	i64   = schema.Int64
	f64   = schema.Float64
	ts    = schema.Timestamp
	date  = schema.Date
	boolT = schema.Bool
)

func zoneCol(what string) schema.ColumnDecl {
	return col("timezone", str, "", "timezone", "IANA time zone of "+what+", as given.").As(schema.ConvZoneText)
}

func decls() []*schema.TableDecl {
	groups := &schema.TableDecl{
		Name: "measure_groups", Endpoint: Measures, TimeColumn: "date", Prepare: prepareGroup,
		Description: "One row per measure group of getmeas: one measurement session of one device (a weighing makes several).",
		Columns: []schema.ColumnDecl{
			col("grpid", i64, "", "grpid", "Group id; not unique: a grpid recurs with attrib 0 and 8."),
			col("attrib", i64, "", "attrib", "0 device, 1 device ambiguous, 2 manual, 4 manual at creation, 5 auto, 7 confirmed, 8 same as 0, 15 guided; others undocumented."),
			col("category", i64, "", "category", "1 real measurement, 2 user objective."),
			col("date", ts, "", "date", "When measured (UTC)."),
			col("local_date", date, "", "local_date", "Date of the measurement in timezone."),
			zoneCol("the user (getmeas names one per answer)"),
			col("created", ts, "", "created", "When stored (UTC)."),
			col("modified", ts, "", "modified", "Last update (UTC)."),
			col("deviceid", str, "", "deviceid", "Device id; null for manual entries."),
			col("hash_deviceid", str, "", "hash_deviceid", "Hashed device id; null for manual entries."),
			col("model", str, "", "model", `Device model ("Body Cardio", "BPM Connect"); null for manual entries.`),
			col("model_id", i64, "", "modelid", "Device model number (modelid, or model_id as the reference names it).").Or("model_id"),
			col("comment", str, "", "comment", "Deprecated, always empty."),
			col("measure_count", i64, "", "measure_count", "Number of measures in the group (rows of measures)."),
		},
	}
	measures := &schema.TableDecl{
		Name: "measures", Endpoint: Measures, Parent: "measure_groups", TimeColumn: "date",
		Child: schema.ChildRowArray, Source: "measures",
		Description: "One row per measure of a group (long): value x 10^unit decoded to a real number, with the type's name and unit. Types: " + typeDoc() + "; an unknown type is type_<n> without a unit.",
		Columns: []schema.ColumnDecl{
			col("grpid", i64, "", "grpid", "Group id."),
			col("attrib", i64, "", "attrib", "Attribution of the group."),
			col("date", ts, "", "date", "When measured (UTC)."),
			zoneCol("the user"),
			col("type", i64, "", "type", "Measure type number."),
			col("type_name", str, "", "type_name", "Measure type name; type_<n> for an unknown type."),
			col("value", f64, "", "value", "The real value, in unit."),
			col("unit", str, "", "unit", "Unit of value (kg, %, mmHg, ...); null when undocumented."),
			col("raw_value", i64, "", "raw_value", "Value as sent, before the exponent."),
			col("unit_exponent", i64, "", "unit_exponent", "Power of ten as sent; one type comes with several exponents."),
			col("position", i64, "", "position", "Body part measured, as sent."),
			col("position_name", str, "", "position_name", "Body part measured, named."),
			col("algo", i64, "", "algo", "Algorithm version, as sent."),
			col("fm", i64, "", "fm", "Deprecated, as sent."),
			col("apppfmid", i64, "", "apppfmid", "App platform of a manual entry."),
			col("appliver", i64, "", "appliver", "App version of a manual entry."),
			col("algo_params", str, "", "algo_params", "Algorithm parameters as JSON.").As(schema.ConvJSON),
		},
	}
	bodyCols := []schema.ColumnDecl{
		col("grpid", i64, "", "grpid", "Group id."),
		col("attrib", i64, "", "attrib", "Attribution of the group."),
		col("date", ts, "", "date", "When weighed (UTC)."),
		col("local_date", date, "", "local_date", "Date of the weighing in timezone."),
		zoneCol("the user"),
		col("deviceid", str, "", "deviceid", "Device id; null for manual entries."),
		col("model", str, "", "model", "Device model; null for manual entries."),
	}
	for _, n := range bodyTypes {
		t := typeOf(n)
		bodyCols = append(bodyCols, col(bodyColumn(t), f64, t.Unit, bodyColumn(t),
			fmt.Sprintf("Type %d, %s, decoded.", t.Type, t.Name)))
	}
	body := &schema.TableDecl{
		Name: "body", Endpoint: Weighings, TimeColumn: "date", Prepare: prepareWeighing,
		Description: "One row per weighing (wide): a real measure group with a weight, but for the attrib 8 copy of another; a column per body-composition type with its unit in the name, whole-body values only (segments, pulse and pulse wave velocity are in measures).",
		Columns:     bodyCols,
	}
	activity := &schema.TableDecl{
		Name: "activity_daily", Endpoint: Activity, TimeColumn: "date", Prepare: prepareDated,
		Description: "One row per local day of getactivity.",
		Columns: []schema.ColumnDecl{
			col("date", date, "", "date", "The local day."),
			zoneCol("that day"),
			col("deviceid", str, "", "deviceid", "Device id; null for data from a phone app."),
			col("hash_deviceid", str, "", "hash_deviceid", "Hashed device id."),
			col("brand", i64, "", "brand", "1 Withings, 18 external."),
			col("is_tracker", boolT, "", "is_tracker", "From a Withings wearable."),
			col("model", str, "", "model", "Source model name."),
			col("model_id", i64, "", "modelid", "Source model number.").Or("model_id"),
			col("modified", ts, "", "modified", "Last update (UTC)."),
			col("steps", i64, "", "steps", "Steps."),
			col("distance", f64, "m", "distance", "Distance."),
			col("elevation", f64, "floors", "elevation", "Floors climbed."),
			col("soft", i64, "s", "soft", "Light activity."),
			col("moderate", i64, "s", "moderate", "Moderate activity."),
			col("intense", i64, "s", "intense", "Intense activity."),
			col("active", i64, "s", "active", "moderate + intense."),
			col("calories", f64, "kcal", "calories", "Active calories."),
			col("totalcalories", f64, "kcal", "totalcalories", "Total calories."),
			col("hr_average", i64, "bpm", "hr_average", "Average heart rate; absent on days without a watch."),
			col("hr_min", i64, "bpm", "hr_min", "Lowest heart rate."),
			col("hr_max", i64, "bpm", "hr_max", "Highest heart rate."),
			col("hr_zone_0", i64, "s", "hr_zone_0", "Time in light zone."),
			col("hr_zone_1", i64, "s", "hr_zone_1", "Time in moderate zone."),
			col("hr_zone_2", i64, "s", "hr_zone_2", "Time in intense zone."),
			col("hr_zone_3", i64, "s", "hr_zone_3", "Time in maximal zone."),
		},
	}
	intraday := &schema.TableDecl{
		Name: "activity_intraday", Endpoint: Intraday, TimeColumn: "timestamp",
		Description: "One row per entry of getintradayactivity (the series' epoch-second keys).",
		Columns: []schema.ColumnDecl{
			col("timestamp", ts, "", "timestamp", "Start of the entry (UTC)."),
			col("deviceid", str, "", "deviceid", "Device id."),
			col("model", str, "", "model", "Device model."),
			col("model_id", i64, "", "model_id", "Device model number."),
			col("steps", i64, "", "steps", "Steps."),
			col("distance", f64, "m", "distance", "Distance."),
			col("calories", f64, "kcal", "calories", "Calories."),
			col("elevation", f64, "floors", "elevation", "Floors climbed."),
			col("duration", i64, "s", "duration", "Duration of the entry."),
			col("heart_rate", i64, "bpm", "heart_rate", "Heart rate."),
			col("spo2_auto", f64, "%", "spo2_auto", "SpO2."),
			col("stroke", i64, "", "stroke", "Swim strokes."),
			col("pool_lap", i64, "", "pool_lap", "Pool laps."),
		},
	}
	workouts := &schema.TableDecl{
		Name: "workouts", Endpoint: Workouts, TimeColumn: "startdate", Prepare: prepareDated,
		Description: "One row per workout of getworkouts.",
		Columns: []schema.ColumnDecl{
			col("id", i64, "", "id", "Workout id."),
			col("category", i64, "", "category", "1 walk, 2 run, 3 hiking, 6 bicycling, 7 swimming, 16 lift weights, 28 yoga, 36 other, 187 rowing, ..."),
			col("startdate", ts, "", "startdate", "Start (UTC)."),
			col("enddate", ts, "", "enddate", "End (UTC)."),
			col("date", date, "", "date", "Local date."),
			zoneCol("the workout"),
			col("modified", ts, "", "modified", "Last update (UTC)."),
			col("model", i64, "", "model", "Source model number (1055 phone app)."),
			col("attrib", i64, "", "attrib", "Attribution."),
			col("deviceid", str, "", "deviceid", "Device id; null for phone data."),
			col("calories", f64, "kcal", "data.calories", "Calories."),
			col("intensity", i64, "", "data.intensity", "Intensity."),
			col("manual_distance", f64, "m", "data.manual_distance", "Distance entered by hand."),
			col("manual_calories", f64, "kcal", "data.manual_calories", "Calories entered by hand."),
			col("hr_average", i64, "bpm", "data.hr_average", "Average heart rate."),
			col("hr_min", i64, "bpm", "data.hr_min", "Lowest heart rate."),
			col("hr_max", i64, "bpm", "data.hr_max", "Highest heart rate."),
			col("hr_zone_0", i64, "s", "data.hr_zone_0", "Time in light zone."),
			col("hr_zone_1", i64, "s", "data.hr_zone_1", "Time in moderate zone."),
			col("hr_zone_2", i64, "s", "data.hr_zone_2", "Time in intense zone."),
			col("hr_zone_3", i64, "s", "data.hr_zone_3", "Time in maximal zone."),
			col("pause_duration", i64, "s", "data.pause_duration", "Pauses entered."),
			col("algo_pause_duration", i64, "s", "data.algo_pause_duration", "Pauses detected; may be null."),
			col("spo2_average", f64, "%", "data.spo2_average", "Average SpO2."),
			col("steps", i64, "", "data.steps", "Steps."),
			col("distance", f64, "m", "data.distance", "Distance."),
			col("elevation", f64, "floors", "data.elevation", "Floors climbed."),
			col("pool_laps", i64, "", "data.pool_laps", "Pool laps."),
			col("strokes", i64, "", "data.strokes", "Swim strokes."),
			col("pool_length", i64, "m", "data.pool_length", "Pool length."),
		},
	}
	nightCols := []schema.ColumnDecl{
		col("id", i64, "", "id", "Night id."),
		col("startdate", ts, "", "startdate", "In bed (UTC)."),
		col("enddate", ts, "", "enddate", "Out of bed (UTC)."),
		col("date", date, "", "date", "Local date of the morning the night ends."),
		zoneCol("the night"),
		col("created", ts, "", "created", "When stored (UTC)."),
		col("modified", ts, "", "modified", "Last update (UTC)."),
		col("model", i64, "", "model", "16 tracker, 32 sleep monitor."),
		col("model_id", i64, "", "model_id", "Device model number."),
		col("hash_deviceid", str, "", "hash_deviceid", "Hashed device id."),
		col("completed", boolT, "", "completed", "Night complete."),
	}
	for _, d := range []struct{ key, unit, doc string }{
		{"total_timeinbed", "s", "Time in bed (enddate - startdate)."},
		{"total_sleep_time", "s", "Light + deep + REM."},
		{"asleepduration", "s", "Asleep, from external sources."},
		{"lightsleepduration", "s", "Light sleep."},
		{"deepsleepduration", "s", "Deep sleep."},
		{"remsleepduration", "s", "REM sleep."},
		{"sleep_efficiency", "", "total_sleep_time / total_timeinbed."},
		{"sleep_latency", "s", "Time to fall asleep."},
		{"wakeup_latency", "s", "Time to get up after waking."},
		{"wakeupduration", "s", "Time awake."},
		{"wakeupcount", "", "Times woken up."},
		{"waso", "s", "Awake after sleep onset."},
		{"nb_rem_episodes", "", "REM episodes."},
		{"out_of_bed_count", "", "Times out of bed."},
		{"durationtosleep", "s", "Deprecated: time to fall asleep."},
		{"durationtowakeup", "s", "Deprecated: time to wake up."},
		{"hr_average", "bpm", "Average heart rate."},
		{"hr_min", "bpm", "Lowest heart rate."},
		{"hr_max", "bpm", "Highest heart rate."},
		{"rr_average", "br/min", "Average respiration rate."},
		{"rr_min", "br/min", "Lowest respiration rate."},
		{"rr_max", "br/min", "Highest respiration rate."},
		{"breathing_disturbances_intensity", "", "Breathing disturbances."},
		{"snoring", "s", "Time snoring."},
		{"snoringepisodecount", "", "Snoring episodes."},
		{"sleep_score", "", "Sleep score."},
		{"apnea_hypopnea_index", "", "Apnea-hypopnea index."},
		{"night_events", "", "Night events, as JSON."},
	} {
		t := i64
		c := col(d.key, t, d.unit, "data."+d.key, d.doc)
		switch d.key {
		case "sleep_efficiency":
			c.Type = f64
		case "night_events":
			c.Type = str
			c = c.As(schema.ConvJSON)
		}
		nightCols = append(nightCols, c)
	}
	nights := &schema.TableDecl{
		Name: "sleep_nights", Endpoint: SleepSummary, TimeColumn: "startdate", Prepare: prepareDated,
		Description: "One row per night of sleep getsummary, with its durations, counts and scores.",
		Columns:     nightCols,
	}
	states := &schema.TableDecl{
		Name: "sleep_states", Endpoint: SleepSeries, TimeColumn: "startdate", Prepare: prepareSegment,
		Description: "One row per sleep-state segment of sleep get.",
		Columns: []schema.ColumnDecl{
			col("startdate", ts, "", "startdate", "Start of the segment (UTC)."),
			col("enddate", ts, "", "enddate", "End of the segment (UTC)."),
			col("duration", i64, "s", "duration", "Length of the segment."),
			col("state", i64, "", "state", "State as sent."),
			col("state_name", str, "", "state_name", "awake, light, deep, rem, manual, unspecified, out_of_bed; others their number."),
			col("model", str, "", "model", "Device model name."),
			col("model_id", i64, "", "model_id", "Device model number."),
			col("hash_deviceid", str, "", "hash_deviceid", "Hashed device id."),
		},
	}
	vitals := &schema.TableDecl{
		Name: "sleep_vitals", Endpoint: SleepSeries, Parent: "sleep_states", TimeColumn: "timestamp",
		Child: schema.ChildRowArray, Source: "vitals",
		Description: "One row per minute of a sleep segment (long): the hr, rr and snoring objects keyed by epoch-second strings, joined on the key.",
		Columns: []schema.ColumnDecl{
			col("timestamp", ts, "", "timestamp", "The minute (UTC)."),
			col("segment_start", ts, "", "segment_start", "Start of the segment (sleep_states.startdate)."),
			col("heart_rate", i64, "bpm", "heart_rate", "Heart rate."),
			col("respiration_rate", i64, "br/min", "respiration_rate", "Respiration rate."),
			col("snoring", i64, "", "snoring", "Snoring."),
		},
	}
	devices := &schema.TableDecl{
		Name: "devices", Endpoint: Devices,
		Description: "One row per device of user getdevice.",
		Columns: []schema.ColumnDecl{
			col("type", str, "", "type", `"Scale", "Blood Pressure Monitor", "Activity Tracker", "Sleep Monitor", ...`),
			col("model", str, "", "model", "Model name; may be empty."),
			col("model_id", i64, "", "model_id", "Model number."),
			col("battery", str, "", "battery", "high, medium, low, unknown."),
			col("deviceid", str, "", "deviceid", "Device id."),
			col("hash_deviceid", str, "", "hash_deviceid", "Hashed device id."),
			zoneCol("the device"),
			col("first_session_date", ts, "", "first_session_date", "First use (UTC); may be null."),
			col("last_session_date", ts, "", "last_session_date", "Last use (UTC); may be null."),
			col("mac_address", str, "", "mac_address", "MAC address (advanced partners)."),
			col("fw", str, "", "fw", "Firmware (advanced partners)."),
			col("network", str, "", "network", "Network (advanced partners)."),
			col("last_used_network", str, "", "last_used_network", "Last network (advanced partners)."),
		},
	}
	ecg := &schema.TableDecl{
		Name: "ecg_records", Endpoint: ECG, TimeColumn: "timestamp",
		Description: "One row per ECG recording of heart list (without the signal).",
		Columns: []schema.ColumnDecl{
			col("signalid", i64, "", "ecg.signalid", "Signal id (heart get)."),
			col("timestamp", ts, "", "timestamp", "When recorded (UTC)."),
			col("modified", ts, "", "modified", "Last update (UTC)."),
			col("deviceid", str, "", "deviceid", "Device id."),
			col("model", i64, "", "model", "44 BPM Core, 91 Move ECG."),
			col("afib", i64, "", "ecg.afib", "0 negative, 1 positive, 2 inconclusive."),
			col("heart_rate", i64, "bpm", "heart_rate", "Heart rate."),
			col("diastole", i64, "mmHg", "bloodpressure.diastole", "Diastolic blood pressure (BPM Core)."),
			col("systole", i64, "mmHg", "bloodpressure.systole", "Systolic blood pressure (BPM Core)."),
		},
	}
	return []*schema.TableDecl{groups, measures, body, activity, intraday, workouts, nights, states, vitals, devices, ecg}
}

// DictionaryText returns the text of the data dictionary around the
// tables.
func DictionaryText() schema.DictionaryText {
	return schema.DictionaryText{
		Origin: "Generated from the declarations in providers/withings/tables.go; do not edit.\n" +
			"     Regenerate: go run ./cmd/upexport schema --provider withings",
		Conventions: conventions,
	}
}

const conventions = `- Timestamps are instants in UTC, microseconds since 1970-01-01 (the source has epoch seconds); ` + "`timezone`" + ` beside them is the IANA zone the API names for the item (for measures, the user's zone of the answer).
- Dates (` + "`date`, `local_date`" + `) are calendar dates in that zone (the source has "YYYY-MM-DD").
- Measure values are decoded: ` + "`value`" + ` is value x 10^unit as the nearest float to the exact decimal; ` + "`raw_value`" + ` and ` + "`unit_exponent`" + ` keep what was sent, since one type comes with several exponents.
- Unknown measure types are exported as ` + "`type_<n>`" + ` without a unit, never dropped; unknown sleep states keep their number.
- A missing field and ` + "`null`" + ` are null, never 0; a 0 the API sent is 0 (a manual weight of 0).
- Fields not in this dictionary are never dropped silently: they become extra columns, are listed in the manifest and warned about.`
