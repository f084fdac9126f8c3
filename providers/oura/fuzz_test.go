package oura_test

import (
	"testing"

	"github.com/upexport/upexport/providers/oura"
	"github.com/upexport/upexport/schema"
)

// FuzzPrepare feeds arbitrary documents to the tables of the endpoints
// whose Prepare hooks parse times, days and series: an error is fine, a
// panic is not.
func FuzzPrepare(f *testing.F) {
	for _, file := range []string{"daily_activity_page1.json", "sleep_dst_and_nap.json", "heartrate_page1.json"} {
		for _, doc := range sample(f, file) {
			f.Add([]byte(doc))
		}
	}
	f.Add([]byte(`{"id":"x","met":{"interval":0,"items":[1],"timestamp":"2024-01-01T04:00:00+01:00"}}`))
	f.Add([]byte(`{"id":"x","bedtime_start":"2024-01-01T23:00:00","bedtime_end":"x","sleep_phase_5_min":"12a"}`))
	f.Add([]byte(`null`))
	cat := oura.Catalog()
	endpoints := []string{oura.DailyActivity, "activity_class_5min", "activity_met", oura.Sleep, "sleep_phases_5min",
		"sleep_movement_30s", "sleep_heart_rate", oura.Heartrate, "enhanced_tag"}
	f.Fuzz(func(t *testing.T, doc []byte) {
		for _, ep := range endpoints {
			fl, err := cat.NewFlattener(ep, "u", cat.Tables(ep), schema.Options{}, func(*schema.Batch) error { return nil })
			if err != nil {
				t.Fatal(err)
			}
			if fl.Item(doc) == nil {
				_ = fl.Flush()
			}
		}
	})
}
