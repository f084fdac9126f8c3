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
