package fetch

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestOpenItems(t *testing.T) {
	for _, tc := range []struct {
		name, data string
		want       []string // compacted items; nil with err
		err        bool
	}{
		{"bare list", `[{"tz":"Europe/Berlin"},{"tz":"UTC"}]`, []string{`{"tz":"Europe/Berlin"}`, `{"tz":"UTC"}`}, false},
		{"collection", `{"items":[{"tz":"UTC"}],"size":1}`, []string{`{"tz":"UTC"}`}, false},
		{"single object", `{"tz":"UTC","time":1}`, []string{`{"tz":"UTC","time":1}`}, false},
		{"object whose items is an object", `{"xid":"a","items":{"items":[]}}`, []string{`{"xid":"a","items":{"items":[]}}`}, false},
		{"null", `null`, nil, false},
		{"empty object", ` {} `, nil, false},
		{"empty list", `[]`, []string{}, false},
		{"null items", `{"items":null}`, nil, false},
		{"number", `42`, nil, true},
		{"string", `"x"`, nil, true},
		{"broken items", `{"items":[1,}`, nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := OpenItems(json.RawMessage(tc.data))
			if (err != nil) != tc.err {
				t.Fatalf("err %v, want error %v", err, tc.err)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %d items %q, want %q", len(got), got, tc.want)
			}
			for i := range got {
				if s := strings.TrimSpace(string(got[i])); s != tc.want[i] {
					t.Errorf("item %d = %s, want %s", i, s, tc.want[i])
				}
			}
		})
	}
}
