package withingsserver

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// BenchmarkNew measures generating three years of one user's data.
func BenchmarkNew(b *testing.B) {
	for b.Loop() {
		if _, err := New(Config{Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCalls measures serving one page of each kind, in process.
func BenchmarkCalls(b *testing.B) {
	s, err := New(Config{Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	tok, _ := s.Tokens().IssueTokens(s.Users()[0], AllScopes)
	n := s.data.users[0].nights[500]
	for _, c := range []struct{ name, path, query string }{
		{"getmeas", MeasurePath, "action=getmeas"},
		{"getactivity", MeasureV2Path, "action=getactivity&lastupdate=0"},
		{"getsummary", SleepPath, "action=getsummary&lastupdate=0&data_fields=hr_average,snoring,total_sleep_time"},
		{"sleep get", SleepPath, "action=get&data_fields=hr,rr,snoring&startdate=" + itoa(n.start) + "&enddate=" + itoa(n.start+86400)},
		{"intraday", MeasureV2Path, "action=getintradayactivity&startdate=" + itoa(n.start) + "&enddate=" + itoa(n.start+86400)},
	} {
		b.Run(c.name, func(b *testing.B) {
			v, _ := url.ParseQuery(c.query)
			for b.Loop() {
				r := httptest.NewRequest(http.MethodPost, c.path, strings.NewReader(v.Encode()))
				r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				r.Header.Set("Authorization", "Bearer "+tok)
				w := httptest.NewRecorder()
				s.ServeHTTP(w, r)
				if w.Code != http.StatusOK || !strings.HasPrefix(w.Body.String(), `{"status":0`) {
					b.Fatalf("%d %.200s", w.Code, w.Body)
				}
			}
		})
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
