package withings

import "github.com/upexport/upexport/schema/common"

// commonTables fill the common tables from Withings'. Sleep states carry
// no link to their night, and the scale's body table no BMI.
var commonTables = []common.Mapping{
	{From: "activity_daily", To: common.DailyActivity, Columns: []common.Column{
		{To: "date", From: "date"},
		{To: "steps", From: "steps"},
		{To: "distance_m", From: "distance"},
		{To: "active_kcal", From: "calories"},
		{To: "total_kcal", From: "totalcalories"},
		{To: "active_s", From: "soft+moderate+intense"},
	}, Note: "active_s is the soft, moderate and intense time; Withings counts no sedentary time."},
	{From: "activity_intraday", To: common.Intraday, Columns: []common.Column{
		{To: "minute", From: "timestamp"},
		{To: "steps", From: "steps"},
		{To: "distance_m", From: "distance"},
		{To: "active_kcal", From: "calories"},
		{To: "heart_rate_bpm", From: "heart_rate"},
	}, Note: "A sample is filed under the minute it starts in."},
	{From: "activity_intraday", To: common.HeartRate, Columns: []common.Column{
		{To: "time", From: "timestamp"},
		{To: "bpm", From: "heart_rate"},
		{To: "context", Const: "intraday"},
	}, Require: []string{"bpm"}},
	{From: "sleep_vitals", To: common.HeartRate, Columns: []common.Column{
		{To: "time", From: "timestamp"},
		{To: "bpm", From: "heart_rate"},
		{To: "context", Const: "sleep"},
	}, Require: []string{"bpm"}},
	{From: "sleep_nights", To: common.SleepSessions, Columns: []common.Column{
		{To: "session_id", From: "id"},
		{To: "date", From: "date"},
		{To: "start_time", From: "startdate"},
		{To: "end_time", From: "enddate"},
		{To: "time_in_bed_s", From: "total_timeinbed"},
		{To: "asleep_s", From: "total_sleep_time"},
		{To: "awake_s", From: "wakeupduration"},
		{To: "light_s", From: "lightsleepduration"},
		{To: "deep_s", From: "deepsleepduration"},
		{To: "rem_s", From: "remsleepduration"},
		{To: "latency_s", From: "sleep_latency"},
		{To: "efficiency_pct", From: "sleep_efficiency", Scale: 100},
	}, Note: "sleep_efficiency is a ratio (0.86), written as percent. Withings does not say which night is the main sleep."},
	{From: "sleep_states", To: common.SleepStages, Columns: []common.Column{
		{To: "start_time", From: "startdate"},
		{To: "end_time", From: "enddate"},
		{To: "stage", From: "state", Stages: map[string]string{
			"0": common.Awake, "1": common.Light, "2": common.Deep, "3": common.REM,
			"4": common.Asleep, "5": common.Asleep, "15": common.Awake}},
		{To: "source_stage", From: "state_name"},
	}, Note: "States 4 (manual) and 5 (unspecified) are sleep of no stage (asleep); 15 (out of bed) is awake. The series carries no sleep id, so session_id is null."},
	{From: "body", To: common.Body, Columns: []common.Column{
		{To: "time", From: "date"},
		{To: "weight_kg", From: "weight_kg"},
		{To: "fat_ratio_pct", From: "fat_ratio_pct"},
	}, RequireAny: []string{"weight_kg", "fat_ratio_pct"}, Note: "The scale reports no BMI."},
}
