package jawbone

import "github.com/upexport/upexport/schema/common"

// commonTables fill the common tables from UP's. UP measures no heart rate
// between its daily resting rate and spot readings, and files a tick of
// steps under the minute it starts in.
var commonTables = []common.Mapping{
	{From: "moves", To: common.DailyActivity, Columns: []common.Column{
		{To: "date", From: "date"},
		{To: "steps", From: "steps"},
		{To: "distance_m", From: "distance"},
		{To: "active_kcal", From: "calories"},
		{To: "total_kcal", From: "calories+bmr_day"},
		{To: "active_s", From: "active_time"},
		{To: "sedentary_s", From: "inactive_time"},
	}, Note: "total_kcal adds the day's basal kcal (bmr_day) to its active kcal."},
	{From: "moves_ticks", To: common.Intraday, Columns: []common.Column{
		{To: "minute", From: "time"},
		{To: "steps", From: "steps"},
		{To: "distance_m", From: "distance"},
		{To: "active_kcal", From: "calories"},
	}, Note: "A tick (export --ticks) is filed under the minute it starts in; ticks last a minute or more."},
	{From: "sleeps", To: common.SleepSessions, Columns: []common.Column{
		{To: "session_id", From: "xid"},
		{To: "date", From: "date"},
		{To: "start_time", From: "time_created"},
		{To: "end_time", From: "time_completed"},
		{To: "is_main", From: "sub_type", Equals: "0"},
		{To: "time_in_bed_s", From: "duration"},
		{To: "asleep_s", From: "light+sound+rem"},
		{To: "awake_s", From: "awake"},
		{To: "light_s", From: "light"},
		{To: "deep_s", From: "sound"},
		{To: "rem_s", From: "rem"},
	}, Note: "UP's sound sleep is deep sleep. is_main is true for a sleep (sub_type 0), false for a nap or power nap. UP states neither latency nor efficiency."},
	{From: "sleeps_ticks", To: common.SleepStages, Columns: []common.Column{
		{To: "session_id", From: "sleep_xid"},
		{To: "start_time", From: "time"},
		{To: "stage", From: "depth", Stages: map[string]string{"1": common.Awake, "2": common.Light, "3": common.Deep}},
	}, Note: "A tick marks a change of depth (1 awake, 2 light, 3 sound): it lasts until the next tick, and the last until the sleep's end."},
	{From: "heartrates", To: common.HeartRate, Columns: []common.Column{
		{To: "time", From: "time_created"},
		{To: "bpm", From: "resting_heartrate"},
		{To: "context", Const: "resting"},
	}, Require: []string{"bpm"}, Except: map[string]string{"resting_heartrate": "0"},
		Note: "UP sends a resting rate of 0 on some days: no reading, left out like a missing one."},
	{From: "cardiac_events", To: common.HeartRate, Columns: []common.Column{
		{To: "time", From: "time_created"},
		{To: "bpm", From: "heart_rate"},
		{To: "context", Const: "spot"},
	}, Require: []string{"bpm"}},
	{From: "body_events", To: common.Body, Columns: []common.Column{
		{To: "time", From: "time_created"},
		{To: "weight_kg", From: "weight"},
		{To: "fat_ratio_pct", From: "body_fat"},
		{To: "bmi", From: "bmi"},
	}, RequireAny: []string{"weight_kg", "fat_ratio_pct", "bmi"}},
}
