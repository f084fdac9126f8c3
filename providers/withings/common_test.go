package withings

import (
	"strconv"
	"strings"
	"testing"

	"github.com/upexport/upexport/provider/providertest"
	"github.com/upexport/upexport/schema/common"
)

// TestCommonMappings checks the common rows Withings' items make, on items
// written by hand.
func TestCommonMappings(t *testing.T) {
	group := func(grpid, date int, measures string) string {
		return `{"timezone":"Europe/Paris","grpid":` + strconv.Itoa(grpid) + `,"attrib":0,"date":` + strconv.Itoa(date) +
			`,"created":1791256645,"modified":1791256645,"category":1,"deviceid":null,"hash_deviceid":null,"measures":[` + measures + `],"modelid":null,"model":null,"comment":null}`
	}
	tests := []struct {
		name  string
		table string
		lines map[string][]string
		want  []string
	}{{
		// A group of body types may hold neither weight nor fat ratio
		// (a height, a muscle mass alone): no row of common_body.
		name:  "a weighing without weight or fat ratio is no row",
		table: common.Body,
		lines: map[string][]string{"weighings": {
			group(1, 1791094607, `{"value":76106,"type":1,"unit":-3}`),
			group(2, 1791098207, `{"value":178,"type":4,"unit":-2}`),
			group(3, 1791101807, `{"value":21035,"type":6,"unit":-3}`),
		}},
		want: []string{"time=2026-10-04T06:16:47Z weight_kg=76.106", "time=2026-10-04T08:16:47Z fat_ratio_pct=21.035"},
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
