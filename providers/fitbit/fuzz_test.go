package fitbit_test

import (
	"encoding/json"
	"testing"

	"github.com/upexport/upexport/provider"
	"github.com/upexport/upexport/providers/fitbit"
	"github.com/upexport/upexport/schema"
)

// FuzzPrepare feeds arbitrary items to every table's Prepare hook and to
// the resources' Keys: an error is fine, a panic is not.
func FuzzPrepare(f *testing.F) {
	for _, doc := range []string{springSteps, fallSteps, fallSleep, fallWeight,
		`{"dateTime":"2024-03-05","value":"7390"}`, `{"dateTime":"2024-03-05","value":{"vo2Max":"39-43"}}`,
		`{"dateTime":"2016-05-02","value":"64.12","heartRateZones":[{"name":"Peak","min":"167","max":220}]}`,
		`{"logId":6389969899346115000,"startTime":"2020-02-18T11:16:47.000-06:00","lastModified":"2020-02-18T18:00:00.000Z"}`,
		`{"id":"123","lastSyncTime":"2014-07-17T13:38:13.000","profile_timezone":"Europe/London"}`,
		`{"user":{"encodedId":"X","dateOfBirth":"1987-05-14","memberSince":"2019-02-03","height":"168"}}`,
		`{"profile_timezone":"Nowhere/Else","levels":{"data":[{"dateTime":"x","seconds":1e400}]}}`, `null`, `[]`} {
		f.Add([]byte(doc))
	}
	p := fitbit.New()
	cat := fitbit.Catalog()
	// One resource per Prepare hook.
	var resources []provider.Resource
	for _, name := range []string{fitbit.Profile, fitbit.Devices, fitbit.ActivitySteps, fitbit.Heart, fitbit.IntradaySteps,
		fitbit.IntradayCalories, fitbit.IntradayHeart, fitbit.Sleep, fitbit.WeightLogs, fitbit.BreathingRate,
		fitbit.CardioScore, fitbit.ActivityLogs} {
		r, _ := p.Lookup(name)
		resources = append(resources, r)
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		for _, r := range resources {
			fl, err := cat.NewFlattener(r.Name, "u", cat.Tables(r.Name), schema.Options{}, func(*schema.Batch) error { return nil })
			if err != nil {
				t.Fatal(err)
			}
			if fl.Item(doc) == nil {
				_ = fl.Flush()
			}
			_, _ = r.Keys(json.RawMessage(doc))
		}
	})
}
