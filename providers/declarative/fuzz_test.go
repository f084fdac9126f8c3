package declarative

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"
	"time"

	"github.com/upexport/upexport/fetch"
)

// FuzzLoad feeds the loader any bytes: it must never panic, and a
// provider it accepts must be valid and read items and build queries
// without panicking.
func FuzzLoad(f *testing.F) {
	f.Add([]byte(mini))
	if b, err := os.ReadFile(examplePath); err == nil {
		f.Add(b)
	}
	f.Add([]byte("name: x\nresources: &a [*a]\n"))
	f.Add([]byte("a: &a [*a, *a, *a]\nb: &b [*a, *a, *a]\n"))
	f.Add([]byte("name: mini\nresources:\n  - paginator: {type: date_windows, inner: {type: date_windows}}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Load(bytes.NewReader(data), "fuzz.yaml")
		if err != nil {
			if p != nil {
				t.Fatal("a provider and an error")
			}
			return
		}
		if err := p.Validate(); err != nil {
			t.Fatalf("accepted an invalid provider: %v", err)
		}
		w := fetch.Window{PageSize: 3, Since: time.Unix(0, 0), Until: time.Unix(86400, 0), Prev: fetch.Cursor{HighWater: 5}}
		for _, r := range p.Resources {
			if r.Query != nil {
				r.Query(w)
			}
			for _, item := range []string{`{}`, `{"id":1,"a":{"b":"2026-01-02"}}`, `[]`, `null`} {
				r.Keys(json.RawMessage(item))
			}
		}
	})
}
