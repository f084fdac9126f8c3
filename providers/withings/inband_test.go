package withings_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/upexport/upexport/export"
	"github.com/upexport/upexport/provider"
)

// TestInBandErrors: Withings reports a rejected token and its rate limit
// as HTTP 200 with a status in the body (§2). An in-band 401 refreshes
// the token and replays the request; an in-band 601 is backed off and
// retried; the export completes either way.
func TestInBandErrors(t *testing.T) {
	t.Parallel()
	t.Run("401 refreshes", func(t *testing.T) {
		t.Parallel()
		var n atomic.Int32
		wrap := func(api string, next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path != "/v2/oauth2" && !strings.HasPrefix(r.URL.Path, "/oauth2_user") && n.Add(1) == 5 {
					w.Header().Set("Content-Type", "application/json")
					w.Write([]byte(`{"status":401,"body":{},"error":"invalid_token: The access token provided is invalid"}`))
					return
				}
				next.ServeHTTP(w, r)
			})
		}
		_, refreshes := demoExportRefreshes(t, provider.DemoOptions{Days: 30}, export.CSV, wrap)
		if refreshes != 1 {
			t.Errorf("%d refreshes after one in-band 401, want 1", refreshes)
		}
	})
	t.Run("601 backs off", func(t *testing.T) {
		t.Parallel()
		var limited atomic.Int32
		wrap := func(api string, next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				rec := httptest.NewRecorder()
				next.ServeHTTP(rec, r)
				if bytes.HasPrefix(rec.Body.Bytes(), []byte(`{"status":601`)) {
					limited.Add(1)
				}
				for k, v := range rec.Header() {
					w.Header()[k] = v
				}
				w.WriteHeader(rec.Code)
				w.Write(rec.Body.Bytes())
			})
		}
		// Two requests per 100 ms: the export's concurrent requests exceed it
		// however slow the machine (three per 20 ms did not, under -race).
		demoExport(t, provider.DemoOptions{Days: 30, Quota: provider.Quota{Limit: 2, Window: 100 * time.Millisecond}}, export.CSV, wrap)
		if limited.Load() == 0 {
			t.Error("the emulator's quota never answered 601: the test tests nothing")
		}
	})
}
