package oura

import "github.com/upexport/upexport/schema/common"

// commonTables fill the common tables from Oura's. The ring counts no
// steps per minute and logs no body measurements.
var commonTables = []common.Mapping{
	{From: "daily_activity", To: common.DailyActivity, Columns: []common.Column{
		{To: "date", From: "day"},
		{To: "steps", From: "steps"},
		{To: "distance_m", From: "equivalent_walking_distance"},
		{To: "active_kcal", From: "active_calories"},
		{To: "total_kcal", From: "total_calories"},
		{To: "active_s", From: "high_activity_time+medium_activity_time+low_activity_time"},
		{To: "sedentary_s", From: "sedentary_time"},
	}, Note: "distance_m is Oura's equivalent walking distance; date is Oura's day, which starts at 04:00 local time."},
	{From: "activity_met", To: common.Intraday, Columns: []common.Column{
		{To: "minute", From: "start"},
		{To: "met", From: "met"},
	}},
	{From: "heartrate", To: common.Intraday, Columns: []common.Column{
		{To: "minute", From: "timestamp"},
		{To: "heart_rate_bpm", From: "bpm"},
	}},
	{From: "heartrate", To: common.HeartRate, Columns: []common.Column{
		{To: "time", From: "timestamp"},
		{To: "bpm", From: "bpm"},
		{To: "context", From: "source"},
	}, Require: []string{"bpm"}, Note: "context is Oura's source (awake, rest, sleep, session, workout, live). The 5-minute means of each sleep (sleep_heart_rate) are left out: the heartrate samples cover the night."},
	{From: "sleep", To: common.SleepSessions, Columns: []common.Column{
		{To: "session_id", From: "id"},
		{To: "date", From: "day"},
		{To: "start_time", From: "bedtime_start"},
		{To: "end_time", From: "bedtime_end"},
		{To: "is_main", From: "type", Equals: "long_sleep"},
		{To: "time_in_bed_s", From: "time_in_bed"},
		{To: "asleep_s", From: "total_sleep_duration"},
		{To: "awake_s", From: "awake_time"},
		{To: "light_s", From: "light_sleep_duration"},
		{To: "deep_s", From: "deep_sleep_duration"},
		{To: "rem_s", From: "rem_sleep_duration"},
		{To: "latency_s", From: "latency"},
		{To: "efficiency_pct", From: "efficiency"},
	}, Except: map[string]string{"type": "deleted"},
		Note: "is_main is true for a long_sleep. A deleted period is no sleep; a rest (one the person rejected) is kept, not main."},
	{From: "sleep_phases_5min", To: common.SleepStages, Columns: []common.Column{
		{To: "session_id", From: "sleep_id"},
		{To: "start_time", From: "start"},
		{To: "end_time", From: "end"},
		{To: "stage", From: "stage", Stages: map[string]string{
			"awake": common.Awake, "light": common.Light, "deep": common.Deep, "rem": common.REM}},
		{To: "source_stage", From: "phase"},
	}, Note: "One row per 5-minute phase; source_stage is Oura's digit (1 deep, 2 light, 3 REM, 4 awake)."},
}
