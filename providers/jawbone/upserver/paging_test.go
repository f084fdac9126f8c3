package upserver

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
)

var allListEndpoints = []string{"moves", "sleeps", "workouts", "heartrates", "body_events", "cardiac_events", "generic_events", "meals", "bandevents"}

// truthItems is every item of an endpoint, oldest first, from the
// generator itself.
func truthItems(s *Server, u int, ep string) []item {
	first, last := s.data.visibleDays(u, ep)
	var out []item
	for n := first; n <= last; n++ {
		out = append(out, s.data.dayItems(ep, u, n)...)
	}
	return out
}

func keysOf(items []item) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.key
	}
	return out
}

// TestPagingExactlyOnce pages every list endpoint in both next-link shapes
// and checks each item comes exactly once, in order, against the truth.
func TestPagingExactlyOnce(t *testing.T) {
	s, ts := startServer(t, Config{Days: 45, Seed: 7})
	tok, _, err := s.IssueToken(0, nil)
	if err != nil {
		t.Fatal(err)
	}
	xid := s.UserXID(0)
	for _, ep := range allListEndpoints {
		all := truthItems(s, 0, ep)
		if len(all) < 5 {
			t.Fatalf("%s: only %d items", ep, len(all))
		}
		gt, _ := s.GroundTruth(0, ep)
		if !slices.Equal(gt, keysOf(all)) {
			t.Fatalf("%s: GroundTruth disagrees with the generator", ep)
		}
		mid := all[len(all)/3].created
		hi := all[2*len(all)/3].created
		ua := all[len(all)/2].updated
		date := all[len(all)/2].date
		type filt func(it item) bool
		cases := []struct {
			name    string
			query   string
			keep    filt
			inRange bool
		}{
			{"newest first", "", func(item) bool { return true }, false},
			{"full range", "start_time=0&end_time=9999999999", func(item) bool { return true }, true},
			{"window", fmt.Sprintf("start_time=%d&end_time=%d", mid, hi), func(it item) bool { return it.created >= mid && it.created <= hi }, true},
			{"start only", fmt.Sprintf("start_time=%d", mid), func(it item) bool { return it.created >= mid }, true},
			{"updated_after with range", fmt.Sprintf("start_time=0&updated_after=%d", ua), func(it item) bool { return it.updated > ua }, true},
			{"updated_after newest first", fmt.Sprintf("updated_after=%d", ua), func(it item) bool { return it.updated > ua }, false},
			{"date", fmt.Sprintf("date=%d", date), func(it item) bool { return it.date == date }, false},
		}
		for _, tc := range cases {
			var want []string
			for _, it := range all {
				if tc.keep(it) {
					want = append(want, it.key)
				}
			}
			if !tc.inRange {
				slices.Reverse(want)
			}
			for _, limit := range []int{1, 10, 1000} {
				if limit == 1 && len(want) > 60 {
					continue // covered by the smaller cases; keeps the race run short
				}
				t.Run(fmt.Sprintf("%s/%s/limit=%d", ep, tc.name, limit), func(t *testing.T) {
					q := fmt.Sprintf("limit=%d", limit)
					if tc.query != "" {
						q = tc.query + "&" + q
					}
					first := APIPrefix + "/users/@me/" + ep + "?" + q
					got, pages := pageAll(t, ts, tok, first)
					if !slices.Equal(got, want) {
						t.Fatalf("got %d items, want %d\n got %v\nwant %v", len(got), len(want), got, want)
					}
					if wantPages := max(1, (len(want)+limit-1)/limit); pages != wantPages {
						t.Errorf("%d pages, want %d (links must be absent on the last page)", pages, wantPages)
					}
					// The shape of the next link.
					_, env, _ := apiGet(t, ts, tok, first)
					var p pageJSON
					_ = json.Unmarshal(env.Data, &p)
					if p.Links == nil {
						return
					}
					next := p.Links.Next
					if !strings.HasPrefix(next, APIPrefix+"/users/"+xid+"/"+ep+"?") {
						t.Errorf("next link %q must use the real user xid", next)
					}
					if tc.inRange && (!strings.Contains(next, "?start_time=") || !strings.Contains(next, "&updated_after=") || strings.Contains(next, "page_token")) {
						t.Errorf("range next link %q is not shape 2", next)
					}
					if !tc.inRange && !strings.Contains(next, "?page_token=") {
						t.Errorf("next link %q is not shape 1", next)
					}
				})
			}
		}
	}
}

func TestAPIErrors(t *testing.T) {
	s, ts := startServer(t, Config{Days: 5, Users: 2})
	tok, _, _ := s.IssueToken(0, nil)
	moves, _ := s.GroundTruth(0, "moves")
	other, _ := s.GroundTruth(1, "moves")
	tests := []struct {
		path   string
		status int
	}{
		{"/users/@me/moves?limit=0", 400},
		{"/users/@me/moves?limit=x", 400},
		{"/users/@me/moves?date=20161399", 400},
		{"/users/@me/moves?page_token=5&start_time=1", 400},
		{"/users/@me/moves?limit=1&limit=2", 400},
		{"/users/" + s.UserXID(1) + "/moves", 403},
		{"/users/" + s.UserXID(0) + "/moves", 200},
		{"/users/@me/nothing", 404},
		{"/moves/" + other[0], 404},
		{"/moves/AAAAAAAAAAAAAAAAAAAAAA", 404},
		{"/moves/" + moves[0], 200},
		{"/moves/" + moves[0] + "/ticks?limit=5", 200},
		{"/sleeps/" + moves[0], 404},
		{"/users/@me/trends?bucket_size=q", 400},
		{"/users/@me/mood?date=x", 400},
	}
	for _, tc := range tests {
		st, env, raw := apiGet(t, ts, tok, APIPrefix+tc.path)
		if st != tc.status {
			t.Errorf("%s: %d, want %d: %s", tc.path, st, tc.status, raw)
		}
		if st != 200 && (env.Meta.ErrorType == "" || env.Meta.ErrorDetail == "" || env.Meta.Message == "") {
			t.Errorf("%s: error envelope %+v", tc.path, env.Meta)
		}
	}
	req, _ := http.NewRequest(http.MethodPost, ts.URL+APIPrefix+"/users/@me/moves", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST moves: %d", resp.StatusCode)
	}
}
