package fitbitserver

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// BenchmarkStepsSeries1095 is the longest activity time series request,
// three years of days.
func BenchmarkStepsSeries1095(b *testing.B) {
	s, tok := benchServer(b, 1095)
	req := httptest.NewRequest("GET", "/1/user/-/activities/steps/date/2021-03-20/2024-03-18.json", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	for b.Loop() {
		w := httptest.NewRecorder()
		s.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatal(w.Code, w.Body.String())
		}
	}
}

// BenchmarkSleepRange100 is the longest sleep range request.
func BenchmarkSleepRange100(b *testing.B) {
	s, tok := benchServer(b, 1095)
	req := httptest.NewRequest("GET", "/1.2/user/-/sleep/date/2023-12-10/2024-03-18.json", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	for b.Loop() {
		w := httptest.NewRecorder()
		s.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatal(w.Code, w.Body.String())
		}
	}
}

// BenchmarkHeartIntraday1sec is the largest single-day answer.
func BenchmarkHeartIntraday1sec(b *testing.B) {
	s, tok := benchServer(b, 1095)
	req := httptest.NewRequest("GET", "/1/user/-/activities/heart/date/2024-03-06/1d/1sec.json", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	for b.Loop() {
		w := httptest.NewRecorder()
		s.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatal(w.Code, w.Body.String())
		}
	}
}

func benchServer(b *testing.B, days int) (*Server, string) {
	b.Helper()
	s, err := New(Config{Seed: 1, Days: days, RateLimit: RateLimit{Off: true}, Now: fixedClock(testNow).Now})
	if err != nil {
		b.Fatal(err)
	}
	tok, _, err := s.IssueToken(nil)
	if err != nil {
		b.Fatal(err)
	}
	return s, tok
}
