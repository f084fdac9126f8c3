package withings

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/upexport/upexport/fetch"
)

// windowServer answers like a series call with an inclusive end bound: a
// segment (or a keyed entry) every 12 hours, those in [startdate,
// enddate] included, so a window's end comes again at the next start.
func windowServer(t *testing.T, keyed bool) *fetch.Client {
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start, _ := strconv.ParseInt(r.FormValue("startdate"), 10, 64)
		end, _ := strconv.ParseInt(r.FormValue("enddate"), 10, 64)
		var body any
		if keyed {
			series := map[string]any{}
			for ts := (start + 43199) / 43200 * 43200; ts <= end; ts += 43200 {
				series[strconv.FormatInt(ts, 10)] = map[string]any{"steps": 1}
			}
			body = map[string]any{"series": series}
		} else {
			var series []any
			for ts := (start + 43199) / 43200 * 43200; ts <= end; ts += 43200 {
				series = append(series, map[string]any{"startdate": ts, "enddate": ts + 60, "state": 1})
			}
			body = map[string]any{"series": series}
		}
		json.NewEncoder(w).Encode(map[string]any{"status": 0, "body": body})
	}))
	t.Cleanup(hs.Close)
	c, err := fetch.NewClient(fetch.Options{HTTPClient: hs.Client(), APIURL: hs.URL, Envelope: envelope})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestDayWindowsReadEachItemOnce(t *testing.T) {
	now := time.Date(2024, 3, 10, 15, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		name string
		p    *dayWindows
	}{{"list", &dayWindows{Items: "series"}}, {"keyed", &dayWindows{Keyed: "series"}}} {
		t.Run(tt.name, func(t *testing.T) {
			c := windowServer(t, tt.p.Keyed != "")
			var times []int64
			w := fetch.Window{Now: now, Days: []string{"20240305", "20240307"}}
			err := tt.p.Paginate(context.Background(), c, fetch.Read{Endpoint: "x", Path: "v2/sleep", Window: w}, func(pg fetch.Page) error {
				for _, it := range pg.Items {
					var m map[string]int64
					if err := json.Unmarshal(it, &m); err != nil {
						return err
					}
					ts := m["startdate"]
					if tt.p.Keyed != "" {
						ts = m["timestamp"]
					}
					times = append(times, ts)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			// From the day before the first day to the end of tomorrow:
			// 2024-03-04 to 2024-03-11 inclusive, two items a day.
			from := time.Date(2024, 3, 4, 0, 0, 0, 0, time.UTC).Unix()
			var want []int64
			for ts := from; ts < time.Date(2024, 3, 12, 0, 0, 0, 0, time.UTC).Unix(); ts += 43200 {
				want = append(want, ts)
			}
			if fmt.Sprint(times) != fmt.Sprint(want) {
				t.Errorf("read %d items %v, want %d %v", len(times), times, len(want), want)
			}
		})
	}
}
