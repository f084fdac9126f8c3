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
