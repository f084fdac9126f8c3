package oura

import (
	"strconv"
	"strings"
	"testing"

	"github.com/upexport/upexport/provider/providertest"
	"github.com/upexport/upexport/schema/common"
)

// TestCommonMappings checks the common rows Oura's documents make, on
// documents written by hand.
func TestCommonMappings(t *testing.T) {
	sleep := func(id, typ, start, end string, asleep int) string {
		return `{"id":"` + id + `","type":"` + typ + `","day":"2026-10-04","bedtime_start":"` + start + `","bedtime_end":"` + end +
			`","time_in_bed":3600,"total_sleep_duration":` + strconv.Itoa(asleep) + `,"efficiency":88}`
	}
	tests := []struct {
		name  string
		table string
		lines map[string][]string
		want  []string
	}{{
		// A deleted period is not sleep: counted, it adds its hours to
		// the day's (the README's query sums asleep_s per day).
		name:  "a deleted sleep period is no session",
		table: common.SleepSessions,
		lines: map[string][]string{"sleep": {
			sleep("a", "long_sleep", "2026-10-03T23:00:00+02:00", "2026-10-04T00:00:00+02:00", 3000),
			sleep("b", "deleted", "2026-10-04T13:00:00+02:00", "2026-10-04T14:00:00+02:00", 3000),
			sleep("c", "sleep", "2026-10-04T15:00:00+02:00", "2026-10-04T16:00:00+02:00", 3000),
		}},
		want: []string{
			"session_id=a date=2026-10-04 start_time=2026-10-03T21:00:00Z end_time=2026-10-03T22:00:00Z is_main=true time_in_bed_s=3600 asleep_s=3000 efficiency_pct=88",
			"session_id=c date=2026-10-04 start_time=2026-10-04T13:00:00Z end_time=2026-10-04T14:00:00Z is_main=false time_in_bed_s=3600 asleep_s=3000 efficiency_pct=88",
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
