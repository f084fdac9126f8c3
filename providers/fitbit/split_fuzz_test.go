package fitbit

import (
	"encoding/json"
	"testing"
)

// FuzzItemsOf: cutting any answer into items, and writing the zone into
// each, never panics, and what it writes is JSON again.
func FuzzItemsOf(f *testing.F) {
	for _, s := range []string{`[{"dateTime":"2024-03-05"}]`, `{"spo2":[{"a":1}]}`, `{"br":{"a":1}}`, `{}`, `{"dateTime":"x"}`,
		`{"sleep":[],"meta":{"state":"pending","retryDuration":30000}}`, `[1,2]`, `"x"`, ` { } `} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		items, err := itemsOf(body, []string{"spo2", "br", "sleep"}, true)
		if err != nil {
			return
		}
		isPending(items)
		for _, it := range items {
			out, err := withField(it, zoneField, "Europe/London")
			if err != nil {
				continue
			}
			var m map[string]any
			if json.Valid(it) && json.Unmarshal(out, &m) != nil {
				t.Fatalf("withField(%s) = %s, not a JSON object", it, out)
			}
		}
	})
}
