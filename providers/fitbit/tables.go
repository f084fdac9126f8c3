package fitbit

import (
	"fmt"
	"sync"

	"github.com/upexport/upexport/schema"
)

// Catalog returns the catalog of Fitbit's tables: one per resource, long
// tables of the intraday datasets, heart-rate zones and sleep stages. It
// is built once and shared.
func Catalog() *schema.Catalog { return catalog() }

var catalog = sync.OnceValue(func() *schema.Catalog {
	c, err := schema.NewCatalog(decls()...)
	if err != nil {
		panic(fmt.Sprintf("fitbit: %v", err)) // the declarations are literals: TestCatalog reports it
	}
	return c
})

func userCol() schema.ColumnDecl {
	return schema.Derived("user_id", schema.String, "", "profile user.encodedId",
		"Fitbit's encodedId of the person the export belongs to; on every row so exports of many people concatenate.", schema.DeriveUserID)
}

func i64(name, unit, desc string) schema.ColumnDecl {
	return schema.Col(name, schema.Int64, unit, name, desc)
}
func f64(name, unit, desc string) schema.ColumnDecl {
	return schema.Col(name, schema.Float64, unit, name, desc)
}
func str(name, desc string) schema.ColumnDecl { return schema.Col(name, schema.String, "", name, desc) }
func boolean(name, desc string) schema.ColumnDecl {
	return schema.Col(name, schema.Bool, "", name, desc)
}
func date(name, desc string) schema.ColumnDecl { return schema.Col(name, schema.Date, "", name, desc) }
func ts(name, desc string) schema.ColumnDecl {
	return schema.Col(name, schema.Timestamp, "", name, desc)
}
func jsonCol(name, desc string) schema.ColumnDecl {
	return str(name, desc).As(schema.ConvJSON)
}

func day() schema.ColumnDecl { return date("date", "The user's local calendar day.") }

func zoneCol() schema.ColumnDecl {
	return str("timezone", "The profile's IANA time zone the local times were resolved in (the current one: Fitbit keeps no history); null when the profile could not be read.")
}

// localCols are a local date-time without an offset, resolved in the
// profile's zone.
func localCols(name, desc string) []schema.ColumnDecl {
	return []schema.ColumnDecl{
		ts(name+"_utc", desc+" (UTC), resolved from the local time in timezone."),
		str(name+"_local", desc+", local time as Fitbit sent it."),
	}
}

// offsetCols are a date-time that carries its own offset.
func offsetCols(name, desc string) []schema.ColumnDecl {
	return []schema.ColumnDecl{
		ts(name, desc+" (UTC)."),
		i64(name+"_offset", "s", "UTC offset "+name+" was sent with (local = UTC + offset)."),
	}
}

func cols(groups ...any) []schema.ColumnDecl {
	var out []schema.ColumnDecl
	for _, g := range groups {
		switch g := g.(type) {
		case schema.ColumnDecl:
			out = append(out, g)
		case []schema.ColumnDecl:
			out = append(out, g...)
		default:
			panic(fmt.Sprintf("fitbit: cols: %T", g))
		}
	}
	return out
}

func table(name, endpoint, desc, timeCol string, prep func([]byte) ([]byte, error), columns ...any) *schema.TableDecl {
	return &schema.TableDecl{Name: name, Endpoint: endpoint, Description: desc, TimeColumn: timeCol,
		Columns: cols(append([]any{userCol()}, columns...)...), Prepare: prep}
}

// childTable declares the long table of the "rows" the root table's
// Prepare writes.
func childTable(name, endpoint, parent, desc, timeCol string, columns ...any) *schema.TableDecl {
	return &schema.TableDecl{Name: name, Endpoint: endpoint, Parent: parent, Description: desc, TimeColumn: timeCol,
		Child: schema.ChildRowArray, Source: "rows", Columns: cols(append([]any{userCol()}, columns...)...)}
}

// series are the activity time series (§7): resource, table, column, unit,
// column type and description.
type seriesDecl struct {
	res, resource, column, unit string
	t                           schema.Type
	desc                        string
}

var activitySeries = []seriesDecl{
	{"steps", "activity_steps", "steps", "", schema.Int64, "Steps."},
	{"distance", "activity_distance", "distance_km", "km", schema.Float64, "Distance (metric units asked for)."},
	{"calories", "activity_calories", "calories_kcal", "kcal", schema.Float64, "Energy burned in total (BMR included)."},
	{"caloriesBMR", "activity_calories_bmr", "calories_bmr_kcal", "kcal", schema.Float64, "Basal metabolic energy."},
	{"activityCalories", "activity_activity_calories", "activity_calories_kcal", "kcal", schema.Float64, "Energy burned by activity above BMR."},
	{"floors", "activity_floors", "floors", "", schema.Int64, "Floors climbed."},
	{"elevation", "activity_elevation", "elevation_m", "m", schema.Float64, "Elevation climbed."},
	{"minutesSedentary", "activity_minutes_sedentary", "minutes_sedentary", "min", schema.Int64, "Minutes sedentary."},
	{"minutesLightlyActive", "activity_minutes_lightly_active", "minutes_lightly_active", "min", schema.Int64, "Minutes lightly active."},
	{"minutesFairlyActive", "activity_minutes_fairly_active", "minutes_fairly_active", "min", schema.Int64, "Minutes fairly active."},
	{"minutesVeryActive", "activity_minutes_very_active", "minutes_very_active", "min", schema.Int64, "Minutes very active."},
}

// intradayDecl are the per-day intraday routes (§7).
var intradays = []struct {
	resource, table string
	form            intraday
	valueCol        schema.ColumnDecl
	dailyCol        schema.ColumnDecl
	extra           []schema.ColumnDecl
}{
	{IntradaySteps, "intraday_steps", intraday{res: "steps", value: "steps", daily: "steps"},
		i64("steps", "", "Steps in the interval."), i64("steps", "", "The day's steps (daily element; null when missing)."), nil},
	{IntradayCalories, "intraday_calories", intraday{res: "calories", value: "calories_kcal", daily: "calories_kcal",
		extra: map[string]string{"level": "level", "mets": "mets"}},
		f64("calories_kcal", "kcal", "Energy burned in the interval."), f64("calories_kcal", "kcal", "The day's energy (daily element; null when missing)."),
		[]schema.ColumnDecl{i64("level", "", "Activity level: 0 sedentary, 1 light, 2 fairly, 3 very active."),
			i64("mets", "", "METs as sent (integers; commonly read as tenths of a MET, the unit is undocumented).")}},
	{IntradayDistance, "intraday_distance", intraday{res: "distance", value: "distance_km", daily: "distance_km"},
		f64("distance_km", "km", "Distance in the interval."), f64("distance_km", "km", "The day's distance (daily element; null when missing)."), nil},
	{IntradayHeart, "intraday_heart", intraday{res: "heart", value: "bpm"},
		i64("bpm", "bpm", "Heart rate."), i64("resting_heart_rate_bpm", "bpm", "The day's resting heart rate; null when Fitbit sent none."), nil},
}

func decls() []*schema.TableDecl {
	d := []*schema.TableDecl{
		table(Profile, Profile, "The user's profile (GET profile.json). Height, weight and strides in the metric units asked for; the *_unit columns are the user's display settings, which do not change the API's values.", "",
			prepProfile,
			str("encoded_id", "Fitbit's user id."), str("display_name", "Display name."), str("full_name", "Full name."),
			str("gender", "Gender."), date("date_of_birth", "Date of birth."), i64("age", "years", "Age."),
			f64("height_cm", "cm", "Height."), f64("weight_kg", "kg", "Weight setting."),
			str("timezone", "The profile's IANA time zone, which resolves every local time of the export."),
			i64("offset_from_utc_ms", "ms", "The zone's current UTC offset."), str("locale", "Locale."),
			date("member_since", "First day of the account."), str("start_day_of_week", "First day of the week."),
			f64("stride_length_walking_cm", "cm", "Walking stride."), f64("stride_length_running_cm", "cm", "Running stride."),
			i64("average_daily_steps", "", "Average daily steps."),
			str("distance_unit", "Display setting for distances."), str("weight_unit", "Display setting for weights."),
			str("height_unit", "Display setting for heights.")),
		table(Devices, Devices, "The user's trackers and scales.", "",
			prepDevice,
			str("id", "Device id."), str("device_version", "Model."), str("type", "TRACKER or SCALE."),
			str("battery", "High, Medium, Low or Empty."), i64("battery_level_pct", "%", "Battery level."),
			localCols("last_sync_time", "Last sync"), zoneCol(), str("mac", "MAC address.")),
	}
	for _, s := range activitySeries {
		d = append(d, table(s.resource, s.resource, "One row per day of the "+s.res+" time series (GET activities/"+s.res+"/date/<start>/<end>.json); values sent as strings are numbers here.", "date",
			prepDaily(s.column), day(), schema.Col(s.column, s.t, s.unit, s.column, s.desc)))
	}
	d = append(d,
		table("heart_daily", Heart, "One row per day of the heart-rate time series. Both shapes are read: value an object with restingHeartRate, or (older) value the average heart rate as a string.", "date",
			prepHeart, day(),
			i64("resting_heart_rate_bpm", "bpm", "Resting heart rate; null when Fitbit sent none."),
			f64("average_heart_rate_bpm", "bpm", "Average heart rate, sent only by the older shape.")),
		childTable("heart_zones", Heart, "heart_daily", "One row per heart-rate zone per day.", "date",
			day(), str("name", "Out of Range, Fat Burn, Cardio, Peak, or a custom zone's name."),
			boolean("custom", "A custom zone (customHeartRateZones)."),
			i64("min_bpm", "bpm", "Lower bound."), i64("max_bpm", "bpm", "Upper bound."),
			i64("minutes", "min", "Minutes in the zone."), f64("calories_out_kcal", "kcal", "Energy burned in the zone.")),
	)
	for _, in := range intradays {
		root := []any{day(), zoneCol(), in.dailyCol,
			str("dataset_type", "minute or second."), i64("dataset_interval", "", "Interval of the dataset in its type's units."),
			i64("elements", "", "Elements in the dataset (1,440 for a full 1-minute day; gaps are missing minutes).")}
		d = append(d,
			table(in.table+"_days", in.resource, "One row per day asked for by GET activities/"+in.form.res+"/date/<day>/1d/1min.json: its daily element and dataset; the elements are in "+in.table+".", "date",
				in.form.rows, root...),
			childTable(in.table, in.resource, in.table+"_days", "One row per dataset element: the day asked for plus the element's time, in the profile's zone, as a UTC instant. A missing minute has no row (never a zero).", "time_utc",
				append([]any{day(), ts("time_utc", "Start of the interval (UTC)."),
					str("time_local", "Start of the interval, local wall time (day asked for + time)."), zoneCol(),
					i64("interval_s", "s", "Length of the interval."), in.valueCol}, anys(in.extra)...)...),
		)
	}
	d = append(d,
		table(Sleep, Sleep, "One row per sleep log (v1.2), stages or classic; the stage intervals are in sleep_stages.", "date_of_sleep",
			prepSleep, str("log_id", "Log id (unsigned 64-bit, kept as text)."), date("date_of_sleep", "Local day the sleep ended."),
			localCols("start_time", "Start"), localCols("end_time", "End"), zoneCol(),
			str("type", "stages or classic."), str("log_type", "auto_detected or manual."), boolean("is_main_sleep", "The day's main sleep."),
			i64("info_code", "", "0 enough data, 1 too little heart rate, 2 too short, 3 server problem."),
			i64("duration_ms", "ms", "Duration."), i64("efficiency_pct", "%", "Efficiency (0-100)."),
			i64("time_in_bed_min", "min", "Time in bed."), i64("minutes_asleep", "min", "Time asleep."),
			i64("minutes_awake", "min", "Time awake."), i64("minutes_to_fall_asleep", "min", "Latency."),
			i64("minutes_after_wakeup", "min", "Time in bed after waking."),
			levelCols("deep"), levelCols("light"), levelCols("rem"), levelCols("wake"),
			levelCols("asleep"), levelCols("restless"), levelCols("awake")),
		childTable("sleep_stages", Sleep, Sleep, "One row per stage interval of a sleep log: levels.data with levels.shortData laid over it (a short wake cuts the interval it lies in). Each interval starts where the previous ended, a DST change included.", "start_utc",
			str("log_id", "The sleep log."), ts("start_utc", "Start (UTC)."), ts("end_utc", "End (UTC)."),
			str("start_local", "Start, local wall time as Fitbit sent it (computed for the part of an interval after a short one)."), zoneCol(),
			str("level", "As sent: wake, light, deep, rem (stages); asleep, restless, awake (classic)."),
			boolean("short", "From levels.shortData."), f64("seconds", "s", "Length.")),
		table(WeightLogs, WeightLogs, "One row per weight log; several a day are normal.", "time_utc",
			prepLog(map[string]string{"weight": "weight_kg", "bmi": "bmi", "fat": "fat_pct"}),
			str("log_id", "Log id; a fat log of the same measurement shares it."), day(), localCols("time", "Time of the measurement"), zoneCol(),
			f64("weight_kg", "kg", "Weight."), f64("bmi", "kg/m²", "Body-mass index."), f64("fat_pct", "%", "Body fat, when measured."),
			str("source", "API, Aria, Web, ...")),
		table(FatLogs, FatLogs, "One row per body-fat log.", "time_utc",
			prepLog(map[string]string{"fat": "fat_pct"}),
			str("log_id", "Log id."), day(), localCols("time", "Time of the measurement"), zoneCol(),
			f64("fat_pct", "%", "Body fat."), str("source", "API, Aria, Web, ...")),
		table(SpO2, SpO2, "One row per day's SpO2 during the main sleep (dated by the day it ended).", "date",
			prepValue(map[string]string{"avg": "avg_pct", "min": "min_pct", "max": "max_pct"}, false), day(),
			f64("avg_pct", "%", "Average."), f64("min_pct", "%", "Lowest."), f64("max_pct", "%", "Highest.")),
		table(HRV, HRV, "One row per day's heart-rate variability (main sleep).", "date",
			prepValue(map[string]string{"dailyRmssd": "daily_rmssd_ms", "deepRmssd": "deep_rmssd_ms"}, false), day(),
			f64("daily_rmssd_ms", "ms", "RMSSD over the main sleep."), f64("deep_rmssd_ms", "ms", "RMSSD in deep sleep.")),
		table(BreathingRate, BreathingRate, "One row per day's breathing rate (main sleep); Fitbit's -1 is null.", "date",
			prepValue(map[string]string{"breathingRate": "breathing_rate", "fullSleepSummary.breathingRate": "full_sleep_breathing_rate",
				"deepSleepSummary.breathingRate": "deep_sleep_breathing_rate", "lightSleepSummary.breathingRate": "light_sleep_breathing_rate",
				"remSleepSummary.breathingRate": "rem_sleep_breathing_rate"}, true), day(),
			f64("breathing_rate", "1/min", "Breaths per minute."),
			f64("full_sleep_breathing_rate", "1/min", "Over the whole sleep (per-stage answers)."),
			f64("deep_sleep_breathing_rate", "1/min", "In deep sleep."), f64("light_sleep_breathing_rate", "1/min", "In light sleep."),
			f64("rem_sleep_breathing_rate", "1/min", "In REM sleep.")),
		table(SkinTemperature, SkinTemperature, "One row per night's skin temperature, relative to the personal baseline.", "date",
			prepValue(map[string]string{"nightlyRelative": "nightly_relative_c"}, false), day(),
			str("log_type", "How it was measured (dedicated_temp_sensor, other_sensors)."),
			f64("nightly_relative_c", "°C", "Difference from the baseline.")),
		table(CardioScore, CardioScore, "One row per day's cardio fitness score (VO2 max): a range or one value.", "date",
			prepCardio, day(), str("vo2_max", "As sent: \"39-43\" or \"41.7\"."),
			f64("vo2_max_low", "ml/kg/min", "Lower end of the range (the value when one)."),
			f64("vo2_max_high", "ml/kg/min", "Upper end of the range (the value when one).")),
		table(ActivityLogs, ActivityLogs, "One row per logged or auto-detected activity (GET activities/list.json).", "start_time",
			prepActivityLog, str("log_id", "Log id (unsigned 64-bit, kept as text)."), str("activity_name", "Activity."),
			i64("activity_type_id", "", "Activity type."), str("log_type", "auto_detected, tracker, manual."),
			offsetCols("start_time", "Start"), offsetCols("original_start_time", "Start before any edit"),
			i64("duration_ms", "ms", "Duration."), i64("active_duration_ms", "ms", "Active duration."),
			i64("original_duration_ms", "ms", "Duration before any edit."), f64("calories_kcal", "kcal", "Energy."),
			i64("steps", "", "Steps."), f64("distance", "", "Distance, in distance_unit."), str("distance_unit", "Unit of distance (Kilometer in metric)."),
			f64("average_heart_rate_bpm", "bpm", "Average heart rate."), f64("elevation_gain", "m", "Elevation gained."),
			f64("speed", "km/h", "Speed."), f64("pace_s", "s/km", "Pace."), str("source_name", "App or device that logged it."),
			str("source_type", "Kind of source."), offsetCols("last_modified", "Last change"),
			jsonCol("activity_level", "Minutes per level [{name, minutes}] as JSON."),
			jsonCol("heart_rate_zones", "Heart-rate zones as JSON."),
			jsonCol("manual_values_specified", "Which values were entered by hand, as JSON.")),
	)
	return d
}

func levelCols(level string) []schema.ColumnDecl {
	return []schema.ColumnDecl{
		i64(level+"_minutes", "min", "Minutes "+level+" (levels.summary); null when the log's type has no such level."),
		i64(level+"_count", "", "Intervals "+level+"."),
	}
}

func anys(c []schema.ColumnDecl) []any {
	out := make([]any, len(c))
	for i := range c {
		out[i] = c[i]
	}
	return out
}
