package oura

import (
	"fmt"
	"sync"
	"time"

	"github.com/upexport/upexport/schema"
)

// Catalog returns the catalog of Oura's tables: one per document type and
// the long tables of the positional series. It is built once and shared.
func Catalog() *schema.Catalog { return catalog() }

var catalog = sync.OnceValue(func() *schema.Catalog {
	c, err := schema.NewCatalog(decls()...)
	if err != nil {
		panic(fmt.Sprintf("oura: %v", err)) // the declarations are literals: TestCatalog reports it
	}
	return c
})

// Column helpers; each returns fresh values.

func userCol() schema.ColumnDecl {
	return schema.Derived("user_id", schema.String, "", "personal_info.id",
		"Oura's id of the person the export belongs to; on every row so exports of many people concatenate.", schema.DeriveUserID)
}

func idCol() schema.ColumnDecl { return str("id", "Oura's document id.") }

func dayCol(name, desc string) schema.ColumnDecl {
	return schema.Col(name, schema.Date, "", name, desc)
}

func day() schema.ColumnDecl {
	return dayCol("day", "The user's local day the document belongs to.")
}

// timeCols are a date-time with an offset: the instant in UTC and the
// offset it was sent with.
func timeCols(name, desc string) []schema.ColumnDecl {
	return []schema.ColumnDecl{
		schema.Col(name, schema.Timestamp, "", name, desc+" (UTC)."),
		schema.Col(name+"_offset", schema.Int64, "s", name+"_offset",
			"UTC offset "+name+" was sent with (local = UTC + offset)."),
	}
}

// localTimeCols are a LocalDateTime (§6): declared without an offset, yet
// sent with one; without one only the local text is kept.
func localTimeCols(name, desc string) []schema.ColumnDecl {
	return append(timeCols(name, desc+"; null when Oura sent no offset"),
		schema.Col(name+"_local", schema.String, "", name+"_local",
			"The local time as sent, when it had no offset."))
}

func num(name, unit, desc string) schema.ColumnDecl {
	return schema.Col(name, schema.Int64, unit, name, desc)
}
func flt(name, unit, desc string) schema.ColumnDecl {
	return schema.Col(name, schema.Float64, unit, name, desc)
}
func str(name, desc string) schema.ColumnDecl { return schema.Col(name, schema.String, "", name, desc) }

func jsonCol(name, desc string) schema.ColumnDecl { return str(name, desc).As(schema.ConvJSON) }

// contributors are the 1-100 scores under path, one column each.
func contributors(prefix, path string, t schema.Type, names ...string) []schema.ColumnDecl {
	var out []schema.ColumnDecl
	for _, n := range names {
		out = append(out, schema.Col(prefix+n, t, "", path+"."+n, "Contributor "+n+" to the score (1-100)."))
	}
	return out
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
			panic(fmt.Sprintf("oura: cols: %T", g))
		}
	}
	return out
}

// docTable declares the table of one document type, its Prepare hook
// rewriting the times and days it names.
func docTable(name, desc, timeCol string, p docPrep, columns ...any) *schema.TableDecl {
	return &schema.TableDecl{Name: name, Endpoint: name, Description: desc, TimeColumn: timeCol,
		Columns: cols(append([]any{userCol()}, columns...)...), Prepare: p.prepare}
}

// seriesTable declares a long table of a positional series: one row per
// element, with its UTC start (end when clipped) and the anchor's offset.
func seriesTable(name, parent, parentCol, desc string, s series, value ...schema.ColumnDecl) *schema.TableDecl {
	c := cols(userCol(),
		schema.Derived(parentCol, schema.String, "", "id of the "+parent+" document",
			"Id of the "+parent+" document the element belongs to.", schema.DeriveParentID),
		dayCol("day", "The "+parent+" document's day."),
		num("index", "", "Position of the element in the series (0-based); null elements keep theirs."),
		schema.Col("start", schema.Timestamp, "", "start",
			"Start of the element (UTC): the anchor plus index times the element's length."),
	)
	if s.clip != "" {
		c = append(c, schema.Col("end", schema.Timestamp, "", "end",
			"End of the element (UTC), the last one clipped at "+s.clip+"."))
	}
	c = append(c, schema.Col("offset", schema.Int64, "s", "offset",
		"UTC offset of the series' anchor ("+s.anchorName()+"); an element after a DST change keeps it."))
	c = append(c, value...)
	return &schema.TableDecl{Name: name, Endpoint: name, Parent: parent, Description: desc, TimeColumn: "start",
		Shape: schema.ShapeChildGroup, Columns: c, Prepare: s.rows}
}

func (s series) anchorName() string {
	if s.anchor == "" {
		return s.field + ".timestamp"
	}
	return s.anchor
}

// The series of §7.
var (
	classSeries    = series{field: "class_5_min", anchor: "timestamp", step: 5 * time.Minute}
	metSeries      = series{field: "met"}
	phaseSeries    = series{field: "sleep_phase_5_min", anchor: "bedtime_start", step: 5 * time.Minute, clip: "bedtime_end", names: stageNames}
	movementSeries = series{field: "movement_30_sec", anchor: "bedtime_start", step: 30 * time.Second, clip: "bedtime_end"}
	sleepHRSeries  = series{field: "heart_rate"}
	sleepHRVSeries = series{field: "hrv"}
)

func decls() []*schema.TableDecl {
	return []*schema.TableDecl{
		docTable(PersonalInfo, "The user's profile (GET personal_info, a single document). Weight and height are profile settings, not measurements.", "",
			docPrep{},
			idCol(), num("age", "years", "Age."), flt("weight", "kg", "Weight."), flt("height", "m", "Height."),
			str("biological_sex", "Biological sex."), str("email", "E-mail address (scope email).")),
		docTable("ring_configuration", "The user's rings.", "",
			docPrep{times: []string{"set_up_at"}},
			idCol(), str("color", "Ring color."), str("design", "Ring design."), str("firmware_version", "Firmware version."),
			str("hardware_type", "Hardware generation (gen1 .. gen4)."),
			schema.Col("set_up_at", schema.Timestamp, "", "set_up_at", "When the ring was set up (UTC); null for the epoch an old ring reports.").As(schema.ConvZeroNull),
			schema.Col("set_up_at_offset", schema.Int64, "s", "set_up_at_offset", "UTC offset set_up_at was sent with (0)."),
			num("size", "", "US ring size.")),
		docTable(DailyActivity, "One row per activity day, which runs from 04:00 to 04:00 local. The positional series are in activity_class_5min and activity_met.", "day",
			docPrep{times: []string{"timestamp"}, days: []string{"day"}, drop: []string{"class_5_min", "met"}},
			idCol(), day(), timeCols("timestamp", "Start of the activity day, 04:00 local"),
			num("score", "", "Activity score (1-100)."),
			num("active_calories", "kcal", "Active calories."), num("total_calories", "kcal", "Total calories."),
			num("target_calories", "kcal", "Daily active-calorie target."), num("steps", "", "Steps."),
			num("equivalent_walking_distance", "m", "Distance that would burn the same energy walking; not a measured distance."),
			num("target_meters", "m", "Daily distance target."), num("meters_to_target", "m", "Distance left to the target; negative when exceeded."),
			flt("average_met_minutes", "MET", "Average MET."),
			num("high_activity_met_minutes", "MET·min", "MET minutes of high activity."),
			num("medium_activity_met_minutes", "MET·min", "MET minutes of medium activity."),
			num("low_activity_met_minutes", "MET·min", "MET minutes of low activity."),
			num("sedentary_met_minutes", "MET·min", "MET minutes sedentary."),
			num("high_activity_time", "s", "Time in high activity."), num("medium_activity_time", "s", "Time in medium activity."),
			num("low_activity_time", "s", "Time in low activity."), num("sedentary_time", "s", "Time sedentary."),
			num("resting_time", "s", "Time resting."), num("non_wear_time", "s", "Time the ring was not worn."),
			num("inactivity_alerts", "", "Inactivity alerts."),
			contributors("contributor_", "contributors", schema.Int64, "meet_daily_targets", "move_every_hour", "recovery_time",
				"stay_active", "training_frequency", "training_volume")),
		seriesTable("activity_class_5min", DailyActivity, "daily_activity_id",
			"One row per 5 minutes of an activity day (class_5_min), from the day's 04:00 start; a 23- or 25-hour day across DST has 276 or 300.",
			classSeries, schema.Col("class", schema.Int64, "", "value", "Activity class: 0 non-wear, 1 rest, 2 inactive, 3 low, 4 medium, 5 high.")),
		seriesTable("activity_met", DailyActivity, "daily_activity_id",
			"One row per item of an activity day's met sample: timestamp plus interval times index.",
			metSeries, schema.Col("met", schema.Float64, "MET", "value", "Metabolic equivalent; null where Oura sent null.")),
		docTable("daily_sleep", "One row per day's sleep score.", "day",
			docPrep{times: []string{"timestamp"}, days: []string{"day"}},
			idCol(), day(), timeCols("timestamp", "The day's local midnight"), num("score", "", "Sleep score (1-100)."),
			contributors("contributor_", "contributors", schema.Int64, "deep_sleep", "efficiency", "latency", "rem_sleep",
				"restfulness", "timing", "total_sleep")),
		docTable("daily_readiness", "One row per day's readiness score.", "day",
			docPrep{times: []string{"timestamp"}, days: []string{"day"}},
			idCol(), day(), timeCols("timestamp", "The day's local midnight"), num("score", "", "Readiness score (1-100)."),
			flt("temperature_deviation", "°C", "Body temperature deviation."),
			flt("temperature_trend_deviation", "°C", "Body temperature trend deviation."),
			contributors("contributor_", "contributors", schema.Int64, "activity_balance", "body_temperature", "hrv_balance",
				"previous_day_activity", "previous_night", "recovery_index", "resting_heart_rate", "sleep_balance", "sleep_regularity")),
		docTable("daily_spo2", "One row per day's blood oxygen.", "day",
			docPrep{days: []string{"day"}},
			idCol(), day(), schema.Col("spo2_average", schema.Float64, "%", "spo2_percentage.average", "Average SpO2 during sleep."),
			num("breathing_disturbance_index", "", "Breathing disturbance index (0-100).")),
		docTable("daily_stress", "One row per day's stress summary.", "day",
			docPrep{days: []string{"day"}},
			idCol(), day(), num("stress_high", "s", "Time in high stress."), num("recovery_high", "s", "Time in high recovery."),
			str("day_summary", "restored, normal or stressful; null on a day without data.")),
		docTable("daily_resilience", "One row per day's resilience.", "day",
			docPrep{days: []string{"day"}},
			idCol(), day(), str("level", "limited, adequate, solid, strong or exceptional."),
			contributors("contributor_", "contributors", schema.Float64, "sleep_recovery", "daytime_recovery", "stress")),
		docTable("daily_cardiovascular_age", "One row per day's cardiovascular age; recorded documents have no id.", "day",
			docPrep{days: []string{"day"}},
			idCol(), day(), num("vascular_age", "years", "Vascular age."),
			flt("pulse_wave_velocity", "m/s", "Pulse wave velocity.")),
		docTable("vo2_max", "VO2 max estimates (GET vO2_max).", "day",
			docPrep{times: []string{"timestamp"}, days: []string{"day"}},
			idCol(), day(), timeCols("timestamp", "Time of the estimate"), flt("vo2_max", "ml/kg/min", "VO2 max.")),
		docTable(Sleep, "One row per sleep period (several per day: naps, rests). The series are in sleep_phases_5min, sleep_movement_30s, sleep_heart_rate and sleep_hrv.", "day",
			docPrep{times: []string{"bedtime_start", "bedtime_end"}, days: []string{"day"},
				drop: []string{"sleep_phase_5_min", "movement_30_sec", "heart_rate", "hrv"}, sentinel: []string{"lowest_heart_rate"}},
			idCol(), day(), str("type", "long_sleep, sleep (nap), late_nap, rest or deleted."), num("period", "", "The ring's id of the period."),
			timeCols("bedtime_start", "Start of the period"), timeCols("bedtime_end", "End of the period"),
			num("time_in_bed", "s", "Time in bed."), num("total_sleep_duration", "s", "Time asleep (deep + light + REM)."),
			num("awake_time", "s", "Time awake."), num("light_sleep_duration", "s", "Light sleep."),
			num("deep_sleep_duration", "s", "Deep sleep."), num("rem_sleep_duration", "s", "REM sleep."),
			num("latency", "s", "Time to fall asleep."), num("efficiency", "%", "Sleep efficiency (1-100)."),
			flt("average_heart_rate", "bpm", "Average heart rate."),
			num("lowest_heart_rate", "bpm", "Lowest heart rate; Oura's no-data value 255 is null."),
			num("average_hrv", "ms", "Average HRV (RMSSD)."), flt("average_breath", "1/min", "Average breaths per minute."),
			num("restless_periods", "", "Restless periods."), schema.Col("low_battery_alert", schema.Bool, "", "low_battery_alert", "The ring's battery ran low."),
			schema.Col("readiness_score", schema.Int64, "", "readiness.score", "Readiness score of the period."),
			schema.Col("readiness_temperature_deviation", schema.Float64, "°C", "readiness.temperature_deviation", "Temperature deviation."),
			schema.Col("readiness_temperature_trend_deviation", schema.Float64, "°C", "readiness.temperature_trend_deviation", "Temperature trend deviation."),
			contributors("readiness_contributor_", "readiness.contributors", schema.Int64, "activity_balance", "body_temperature",
				"hrv_balance", "previous_day_activity", "previous_night", "recovery_index", "resting_heart_rate", "sleep_balance", "sleep_regularity"),
			num("readiness_score_delta", "", "Change of the readiness score."), num("sleep_score_delta", "", "Change of the sleep score."),
			str("sleep_algorithm_version", "v1 or v2."), str("sleep_analysis_reason", "Why the period was analysed."),
			str("ring_id", "The ring that recorded it."),
			str("sleep_phase_30_sec", "Stages per 30 s as sent (1 deep, 2 light, 3 REM, 4 awake)."),
			str("app_sleep_phase_5_min", "Stages per 5 min as the app shows them, as sent.")),
		seriesTable("sleep_phases_5min", Sleep, "sleep_id",
			"One row per 5 minutes of a sleep period (sleep_phase_5_min), from bedtime_start, the last clipped at bedtime_end.",
			phaseSeries, schema.Col("phase", schema.Int64, "", "value", "1 deep, 2 light, 3 REM, 4 awake."),
			schema.Col("stage", schema.String, "", "name", "deep, light, rem or awake.")),
		seriesTable("sleep_movement_30s", Sleep, "sleep_id",
			"One row per 30 seconds of a sleep period (movement_30_sec), from bedtime_start, the last clipped at bedtime_end.",
			movementSeries, schema.Col("movement", schema.Int64, "", "value", "1 no motion, 2 restless, 3 tossing and turning, 4 active.")),
		seriesTable("sleep_heart_rate", Sleep, "sleep_id",
			"One row per item of a sleep period's heart_rate sample (5-minute averages).",
			sleepHRSeries, schema.Col("bpm", schema.Float64, "bpm", "value", "Heart rate; null where Oura sent null.")),
		seriesTable("sleep_hrv", Sleep, "sleep_id",
			"One row per item of a sleep period's hrv sample.",
			sleepHRVSeries, schema.Col("hrv", schema.Float64, "ms", "value", "HRV (RMSSD); null where Oura sent null.")),
		docTable("sleep_time", "Recommended bedtimes; days without a recommendation have no row.", "day",
			docPrep{days: []string{"day"}},
			idCol(), day(),
			schema.Col("optimal_bedtime_day_tz", schema.Int64, "s", "optimal_bedtime.day_tz", "The day's UTC offset."),
			schema.Col("optimal_bedtime_start_offset", schema.Int64, "s", "optimal_bedtime.start_offset", "Start of the optimal bedtime from local midnight (negative: the evening before)."),
			schema.Col("optimal_bedtime_end_offset", schema.Int64, "s", "optimal_bedtime.end_offset", "End of the optimal bedtime from local midnight."),
			str("recommendation", "The recommendation."), str("status", "How it was found.")),
		docTable(Heartrate, "One row per heart-rate sample (UTC, irregular steps).", "timestamp",
			docPrep{times: []string{"timestamp"}},
			timeCols("timestamp", "Time of the sample"), num("bpm", "bpm", "Heart rate."),
			str("source", "awake, rest, sleep, session, live or workout."),
			num("timestamp_unix", "ms", "The sample's time as Unix milliseconds, when sent.")),
		docTable("workout", "Workouts.", "day",
			docPrep{times: []string{"start_datetime", "end_datetime"}, days: []string{"day"}},
			idCol(), day(), str("activity", "walking, running, ..."), flt("calories", "kcal", "Energy."),
			flt("distance", "m", "Distance."), timeCols("start_datetime", "Start"), timeCols("end_datetime", "End"),
			str("intensity", "easy, moderate or hard."), str("label", "The user's label."),
			str("source", "manual, autodetected, confirmed or workout_heart_rate.")),
		docTable("session", "Guided and unguided sessions; their 5-second samples are kept as JSON.", "day",
			docPrep{times: []string{"start_datetime", "end_datetime"}, days: []string{"day"}},
			idCol(), day(), timeCols("start_datetime", "Start"), timeCols("end_datetime", "End"),
			str("type", "breathing, meditation, nap, relaxation, rest or body_status."), str("mood", "bad, worse, same, good or great."),
			jsonCol("heart_rate", "Heart-rate sample {interval, items, timestamp} as sent."),
			jsonCol("heart_rate_variability", "HRV sample as sent."), jsonCol("motion_count", "Motion sample as sent.")),
		docTable("tag", "Tags (deprecated by Oura for enhanced_tag).", "day",
			docPrep{times: []string{"timestamp"}, days: []string{"day"}},
			idCol(), day(), str("text", "The tag's text."), localTimeCols("timestamp", "Time of the tag"),
			jsonCol("tags", "The tags as a JSON list.")),
		docTable("enhanced_tag", "Tags with a type, a start and an optional end.", "start_day",
			docPrep{times: []string{"start_time", "end_time"}, days: []string{"start_day", "end_day"}},
			idCol(), str("tag_type_code", "The tag's type; custom for custom types."),
			localTimeCols("start_time", "Start"), localTimeCols("end_time", "End"),
			dayCol("start_day", "Local day of the start."), dayCol("end_day", "Local day of the end."),
			str("comment", "The user's comment."), str("custom_name", "Name of a custom tag.")),
		docTable("rest_mode_period", "Periods in rest mode.", "start_day",
			docPrep{times: []string{"start_time", "end_time"}, days: []string{"start_day", "end_day"}},
			idCol(), dayCol("start_day", "Local day of the start."), dayCol("end_day", "Local day of the end."),
			timeCols("start_time", "Start"), timeCols("end_time", "End"),
			jsonCol("episodes", "Episodes [{tags, timestamp}] as sent.")),
	}
}
