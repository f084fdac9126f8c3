package fitbit

import "github.com/upexport/upexport/schema/common"

// commonTables fill the common tables from Fitbit's. A day's totals come
// from one table per measure, and add up into one row of
// common_daily_activity.
var commonTables = []common.Mapping{
	{From: "activity_steps", To: common.DailyActivity, Columns: []common.Column{
		{To: "date", From: "date"}, {To: "steps", From: "steps"}}},
	{From: "activity_distance", To: common.DailyActivity, Columns: []common.Column{
		{To: "date", From: "date"}, {To: "distance_m", From: "distance_km", Scale: 1000}}},
	{From: "activity_activity_calories", To: common.DailyActivity, Columns: []common.Column{
		{To: "date", From: "date"}, {To: "active_kcal", From: "activity_calories_kcal"}}},
	{From: "activity_calories", To: common.DailyActivity, Columns: []common.Column{
		{To: "date", From: "date"}, {To: "total_kcal", From: "calories_kcal"}}},
	{From: "activity_minutes_fairly_active", To: common.DailyActivity, Columns: []common.Column{
		{To: "date", From: "date"}, {To: "active_s", From: "minutes_fairly_active", Scale: 60}}},
	{From: "activity_minutes_very_active", To: common.DailyActivity, Columns: []common.Column{
		{To: "date", From: "date"}, {To: "active_s", From: "minutes_very_active", Scale: 60}},
		Note: "active_s is the fairly and very active minutes, as Fitbit's own active minutes are; lightly active minutes are left out."},
	{From: "activity_minutes_sedentary", To: common.DailyActivity, Columns: []common.Column{
		{To: "date", From: "date"}, {To: "sedentary_s", From: "minutes_sedentary", Scale: 60}}},
	{From: "intraday_steps", To: common.Intraday, Columns: []common.Column{
		{To: "minute", From: "time_utc"}, {To: "steps", From: "steps"}}},
	{From: "intraday_distance", To: common.Intraday, Columns: []common.Column{
		{To: "minute", From: "time_utc"}, {To: "distance_m", From: "distance_km", Scale: 1000}}},
	{From: "intraday_calories", To: common.Intraday, Columns: []common.Column{
		{To: "minute", From: "time_utc"}, {To: "total_kcal", From: "calories_kcal"}},
		Note: "Fitbit's minute calories include the basal rate. Its minute METs are left out: their unit is not documented."},
	{From: "intraday_heart", To: common.Intraday, Columns: []common.Column{
		{To: "minute", From: "time_utc"}, {To: "heart_rate_bpm", From: "bpm"}}},
	{From: "intraday_heart", To: common.HeartRate, Columns: []common.Column{
		{To: "time", From: "time_utc"}, {To: "bpm", From: "bpm"}, {To: "context", Const: "intraday"}},
		Require: []string{"bpm"}, Note: "The daily resting rate (heart_daily) has a date but no time, and is left out."},
	{From: "sleep", To: common.SleepSessions, Columns: []common.Column{
		{To: "session_id", From: "log_id"},
		{To: "date", From: "date_of_sleep"},
		{To: "start_time", From: "start_time_utc"},
		{To: "end_time", From: "end_time_utc"},
		{To: "is_main", From: "is_main_sleep"},
		{To: "time_in_bed_s", From: "time_in_bed_min", Scale: 60},
		{To: "asleep_s", From: "minutes_asleep", Scale: 60},
		{To: "awake_s", From: "minutes_awake", Scale: 60},
		{To: "light_s", From: "light_minutes", Scale: 60},
		{To: "deep_s", From: "deep_minutes", Scale: 60},
		{To: "rem_s", From: "rem_minutes", Scale: 60},
		{To: "latency_s", From: "minutes_to_fall_asleep", Scale: 60},
		{To: "efficiency_pct", From: "efficiency_pct"},
	}, Note: "Classic logs (asleep, restless, awake) have no light, deep or REM time."},
	{From: "sleep_stages", To: common.SleepStages, Columns: []common.Column{
		{To: "session_id", From: "log_id"},
		{To: "start_time", From: "start_utc"},
		{To: "end_time", From: "end_utc"},
		{To: "stage", From: "level", Stages: map[string]string{
			"wake": common.Awake, "light": common.Light, "deep": common.Deep, "rem": common.REM,
			"asleep": common.Asleep, "restless": common.Awake, "awake": common.Awake}},
	}, Where: map[string]string{"short": "false"},
		Note: "The short wakes Fitbit lays over a stages log (shortData, under three minutes) would overlap the stages they interrupt and are left out; sleep_stages keeps them (short = true). A classic log's restless is awake, its asleep is asleep of no known stage."},
	{From: "weight_logs", To: common.Body, Columns: []common.Column{
		{To: "time", From: "time_utc"}, {To: "weight_kg", From: "weight_kg"}, {To: "fat_ratio_pct", From: "fat_pct"}, {To: "bmi", From: "bmi"}},
		Note: "Fat logs without a weighing (fat_logs) are left out."},
}
