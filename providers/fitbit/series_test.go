package fitbit_test

import (
	"encoding/json"
	"testing"

	"github.com/upexport/upexport/providers/fitbit"
)

// Raw items across the DST changes of America/Chicago in 2024: on
// 2024-03-10 02:00 CST (UTC-6) becomes 03:00 CDT (UTC-5); on 2024-11-03
// 02:00 CDT becomes 01:00 CST, so 01:00-01:59 happens twice. Items are as
// the paginators write them: Fitbit's object plus the profile's zone and
// the day asked for.
const (
	springSteps = `{"profile_timezone":"America/Chicago","request_date":"2024-03-10",
	 "activities-steps":[{"dateTime":"2024-03-10","value":"31"}],
	 "activities-steps-intraday":{"dataset":[
	  {"time":"00:00:00","value":1},{"time":"01:59:00","value":10},{"time":"03:00:00","value":20},{"time":"23:59:00","value":0}],
	  "datasetInterval":1,"datasetType":"minute"}}`
	fallSteps = `{"profile_timezone":"America/Chicago","request_date":"2024-11-03",
	 "activities-steps":[{"dateTime":"2024-11-03","value":"6"}],
	 "activities-steps-intraday":{"dataset":[
	  {"time":"00:59:00","value":1},{"time":"01:30:00","value":2},{"time":"02:00:00","value":3}],
	  "datasetInterval":1,"datasetType":"minute"}}`
	// A night across the fall-back: the deep segment starts at 01:30 CDT,
	// REM at the second 01:00 (CST), and the wake after it at the second
	// 01:30. Short wakes at 00:45 CDT and 02:30 CST.
	fallSleep = `{"profile_timezone":"America/Chicago","logId":9007199254740993,"dateOfSleep":"2024-11-03",
	 "startTime":"2024-11-03T00:30:00.000","endTime":"2024-11-03T03:00:00.000","duration":9000000,
	 "type":"stages","isMainSleep":true,"timeInBed":150,"levels":{
	  "data":[
	   {"dateTime":"2024-11-03T00:30:00.000","level":"light","seconds":3600},
	   {"dateTime":"2024-11-03T01:30:00.000","level":"deep","seconds":1800},
	   {"dateTime":"2024-11-03T01:00:00.000","level":"rem","seconds":1800},
	   {"dateTime":"2024-11-03T01:30:00.000","level":"wake","seconds":600},
	   {"dateTime":"2024-11-03T01:40:00.000","level":"light","seconds":4800}],
	  "shortData":[
	   {"dateTime":"2024-11-03T00:45:00.000","level":"wake","seconds":60},
	   {"dateTime":"2024-11-03T02:30:00.000","level":"wake","seconds":30}]}}`
	fallWeight = `{"profile_timezone":"America/Chicago","logId":1,"date":"2024-11-03","time":"01:15:00","weight":70.1,"bmi":22.8,"source":"Aria"}`
)

// TestSeriesTimesByHand checks the long tables against UTC times
// computed by hand from the raw items above (offsets: CST -06:00, CDT
// -05:00).
func TestSeriesTimesByHand(t *testing.T) {
	spring := flatten(t, fitbit.IntradaySteps, json.RawMessage(springSteps))["intraday_steps"]
	// 00:00 CST = 06:00Z; 01:59 CST = 07:59Z; 03:00 CDT = 08:00Z, one
	// minute after 01:59 CST; 23:59 CDT = 04:59Z the next day.
	for i, want := range []string{"2024-03-10T06:00:00Z", "2024-03-10T07:59:00Z", "2024-03-10T08:00:00Z", "2024-03-11T04:59:00Z"} {
		check(t, "spring intraday_steps", spring, i, row{"time_utc": utc(want), "date": int64(20240310)})
	}
	fall := flatten(t, fitbit.IntradaySteps, json.RawMessage(fallSteps))["intraday_steps"]
	// 00:59 CDT = 05:59Z; 01:30 is the first (CDT) 01:30 = 06:30Z; 02:00
	// CST = 08:00Z.
	for i, want := range []string{"2024-11-03T05:59:00Z", "2024-11-03T06:30:00Z", "2024-11-03T08:00:00Z"} {
		check(t, "fall intraday_steps", fall, i, row{"time_utc": utc(want), "timezone": "America/Chicago"})
	}

	sl := flatten(t, fitbit.Sleep, json.RawMessage(fallSleep))
	// 00:30 CDT = 05:30Z; 03:00 CST = 09:00Z; the id above 2^53 is exact.
	check(t, "sleep", sl["sleep"], 0, row{"log_id": "9007199254740993", "start_time_utc": utc("2024-11-03T05:30:00Z"),
		"end_time_utc": utc("2024-11-03T09:00:00Z"), "date_of_sleep": int64(20241103)})
	// data: light 05:30-06:30Z, deep 06:30-07:00Z (01:30 CDT), rem
	// 07:00-07:30Z (01:00 CST), wake 07:30-07:40Z (01:30 CST), light
	// 07:40-09:00Z. shortData: 00:45 CDT = 05:45Z for 60 s cuts the first
	// light; 02:30 CST = 08:30Z for 30 s cuts the last.
	want := []struct {
		level      string
		start, end string
		short      bool
	}{
		{"light", "2024-11-03T05:30:00Z", "2024-11-03T05:45:00Z", false},
		{"wake", "2024-11-03T05:45:00Z", "2024-11-03T05:46:00Z", true},
		{"light", "2024-11-03T05:46:00Z", "2024-11-03T06:30:00Z", false},
		{"deep", "2024-11-03T06:30:00Z", "2024-11-03T07:00:00Z", false},
		{"rem", "2024-11-03T07:00:00Z", "2024-11-03T07:30:00Z", false},
		{"wake", "2024-11-03T07:30:00Z", "2024-11-03T07:40:00Z", false},
		{"light", "2024-11-03T07:40:00Z", "2024-11-03T08:30:00Z", false},
		{"wake", "2024-11-03T08:30:00Z", "2024-11-03T08:30:30Z", true},
		{"light", "2024-11-03T08:30:30Z", "2024-11-03T09:00:00Z", false},
	}
	stages := sl["sleep_stages"]
	if len(stages) != len(want) {
		t.Errorf("sleep_stages: %d rows, want %d", len(stages), len(want))
	}
	for i, w := range want {
		check(t, "sleep_stages", stages, i, row{"level": w.level, "start_utc": utc(w.start), "end_utc": utc(w.end),
			"short": w.short, "log_id": "9007199254740993"})
	}
	// The part of the first light after the short wake starts at 00:46
	// local, written as Fitbit writes local times.
	check(t, "sleep_stages", stages, 2, row{"start_local": "2024-11-03T00:46:00.000"})

	// A weight log in the repeated hour takes the first instant (CDT).
	check(t, "weight_logs", flatten(t, fitbit.WeightLogs, json.RawMessage(fallWeight))["weight_logs"], 0,
		row{"time_utc": utc("2024-11-03T06:15:00Z"), "time_local": "2024-11-03T01:15:00"})
}

// TestNoZone: without the profile's zone (a login without the profile
// scope) local times keep their text and have no UTC instant, rather
// than a guessed one.
func TestNoZone(t *testing.T) {
	rows := flatten(t, fitbit.WeightLogs, json.RawMessage(`{"logId":1,"date":"2024-11-03","time":"01:15:00","weight":70.1}`))["weight_logs"]
	check(t, "weight_logs", rows, 0, row{"time_utc": nil, "time_local": "2024-11-03T01:15:00", "timezone": nil})
}
