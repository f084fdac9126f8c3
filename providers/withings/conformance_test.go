package withings_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/upexport/upexport/provider"
	"github.com/upexport/upexport/provider/providertest"
	"github.com/upexport/upexport/providers/withings"
)

// conformanceDemo is four months ending 2026-05-31: every table has rows
// (the watch, and with it ECGs, from the first month on; both scales), and
// the person's trip to New York across the US change to summer time falls
// in it, so the suite sees per-day zones. The series calls take one
// request per day: a year took CI three times as long.
var conformanceDemo = provider.DemoOptions{Days: 120, End: time.Date(2026, 5, 31, 12, 0, 0, 0, time.UTC)}

func TestConformance(t *testing.T) {
	providertest.Run(t, withings.New(), providertest.Options{Demo: conformanceDemo})
}

// TestConformanceDemoTravels guards conformanceDemo's choice of days: the
// export holds days of activity in the person's home zone and in New
// York's.
func TestConformanceDemoTravels(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	providertest.Export(t, withings.New(), dir, providertest.Options{Demo: conformanceDemo}, nil)
	b, err := os.ReadFile(filepath.Join(dir, "activity_daily.csv"))
	if err != nil {
		t.Fatal(err)
	}
	zones := map[string]bool{}
	for _, line := range strings.Split(string(b), "\n") {
		for _, z := range []string{"America/New_York", "Europe/Paris"} {
			if strings.Contains(line, ","+z+",") {
				zones[z] = true
			}
		}
	}
	if !zones["America/New_York"] || len(zones) < 2 {
		t.Errorf("zones of the days of activity: %v; want the home zone and New York's", zones)
	}
}
