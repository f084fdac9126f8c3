package jawbone

import (
	"strings"
	"testing"

	"github.com/upexport/upexport/provider/providertest"
	"github.com/upexport/upexport/schema/common"
)

// TestCommonMappings checks the common rows UP's items make, on items
// written by hand.
func TestCommonMappings(t *testing.T) {
	tests := []struct {
		name  string
		table string
		lines map[string][]string
		want  []string
	}{{
		// UP sends resting_heartrate 0 on some days (BONEFIRE): no reading,
		// which a mean resting rate must not count as 0 bpm.
		name:  "resting heart rate 0 is no reading",
		table: common.HeartRate,
		lines: map[string][]string{"heartrates": {
			`{"xid":"a","date":20160117,"time_created":1453042680,"resting_heartrate":72,"details":{"tz":"America/Los_Angeles"}}`,
			`{"xid":"b","date":20160118,"time_created":1453129800,"resting_heartrate":0,"details":{"tz":"America/Los_Angeles"}}`,
			`{"xid":"c","date":20160119,"time_created":1453216200,"details":{"tz":"America/Los_Angeles"}}`,
		}},
		want: []string{"time=2016-01-17T14:58:00Z bpm=72 context=resting"},
	}, {
		// A body event may hold only a note or a lean mass: no row of
		// common_body, whose every measure it would leave null.
		name:  "a body event without weight, fat or BMI is no measurement",
		table: common.Body,
		lines: map[string][]string{"body_events": {
			`{"xid":"a","date":20160125,"time_created":1453734960,"weight":75.2,"details":{"tz":"America/Los_Angeles"}}`,
			`{"xid":"b","date":20160204,"time_created":1454599440,"note":"After the holidays","details":{"tz":"America/Los_Angeles"}}`,
			`{"xid":"c","date":20160205,"time_created":1454685840,"lean_mass":60,"details":{"tz":"America/Los_Angeles"}}`,
			`{"xid":"d","date":20160206,"time_created":1454772240,"bmi":22.1,"details":{"tz":"America/Los_Angeles"}}`,
		}},
		want: []string{"time=2016-01-25T15:16:00Z weight_kg=75.2", "time=2016-02-06T15:24:00Z bmi=22.1"},
	}, {
		// sub_type 0 is a night's sleep, 1 a power nap, 2 a nap (§6.3);
		// UP's sound sleep is deep sleep.
		name:  "sleep: main or nap, sound is deep",
		table: common.SleepSessions,
		lines: map[string][]string{"sleeps": {
			`{"xid":"n","date":20160117,"sub_type":0,"time_created":1453010400,"time_completed":1453038000,"details":{"tz":"America/Los_Angeles","duration":27600,"light":14400,"sound":9000,"rem":0,"awake":4200}}`,
			`{"xid":"p","date":20160117,"sub_type":2,"time_created":1453064400,"time_completed":1453066200,"details":{"tz":"America/Los_Angeles","duration":1800,"light":1500,"sound":0,"awake":300}}`,
		}},
		want: []string{
			"session_id=n date=2016-01-17 start_time=2016-01-17T06:00:00Z end_time=2016-01-17T13:40:00Z is_main=true time_in_bed_s=27600 asleep_s=23400 awake_s=4200 light_s=14400 deep_s=9000 rem_s=0",
			"session_id=p date=2016-01-17 start_time=2016-01-17T21:00:00Z end_time=2016-01-17T21:30:00Z is_main=false time_in_bed_s=1800 asleep_s=1500 awake_s=300 light_s=1500 deep_s=0",
		},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := providertest.CommonRows(t, New(), tc.table, tc.lines)
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("rows:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}
