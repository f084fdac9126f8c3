package fetch

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// lyingServer answers every request with respond(n, r), n counting from 1.
func lyingServer(t *testing.T, respond func(n int64, w http.ResponseWriter, r *http.Request)) (*Client, *atomic.Int64) {
	t.Helper()
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		respond(n.Add(1), w, r)
	}))
	t.Cleanup(srv.Close)
	c, err := NewClient(Options{Envelope: upEnvelope, HTTPClient: srv.Client(), APIURL: srv.URL + "/nudge/api/v.1.1",
		Retries: 3, MaxWait: 20 * time.Millisecond, MaxPages: 50})
	if err != nil {
		t.Fatal(err)
	}
	return c, &n
}

func page(items string, next string) string {
	links := ""
	if next != "" {
		links = fmt.Sprintf(`,"links":{"next":%q}`, next)
	}
	return fmt.Sprintf(`{"meta":{"user_xid":"U1","message":"OK","code":200,"time":1},"data":{"items":[%s],"size":99%s}}`, items, links)
}

func collect(c *Client) ([]string, error) {
	var got []string
	err := upPages(c, context.Background(), "moves", "users/@me/moves", nil, func(p Page) error {
		for _, it := range p.Items {
			got = append(got, string(it))
		}
		return nil
	})
	return got, err
}

func TestPagesFollowsNextLinksAndIgnoresSize(t *testing.T) {
	c, _ := lyingServer(t, func(n int64, w http.ResponseWriter, r *http.Request) {
		switch r.URL.Query().Get("page_token") {
		case "":
			if r.URL.Path != "/nudge/api/v.1.1/users/@me/moves" {
				t.Errorf("first page path %q", r.URL.Path)
			}
			fmt.Fprint(w, page(`{"xid":"a"},{"xid":"b"}`, "/nudge/api/v.1.1/users/U1/moves?page_token=2&limit=2"))
		case "2":
			fmt.Fprint(w, page(`{"xid":"c"}`, "/nudge/api/v.1.1/users/U1/moves?limit=2&page_token=3"))
		case "3":
			fmt.Fprint(w, `{"meta":{"code":200},"data":{"items":[],"size":0}}`)
		}
	})
	got, err := collect(c)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(got, "") != `{"xid":"a"}{"xid":"b"}{"xid":"c"}` {
		t.Fatalf("items %v", got)
	}
}

func TestPagesRefusesWhatALyingServerSends(t *testing.T) {
	tests := []struct {
		name    string
		respond func(n int64, w http.ResponseWriter, r *http.Request)
		want    string
	}{
		{"loop", func(n int64, w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, page(`{"xid":"a"}`, "/nudge/api/v.1.1/users/U1/moves?b=2&a=1"))
		}, "repeats an earlier page"},
		{"endless", func(n int64, w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, page(`{"xid":"a"}`, fmt.Sprintf("/nudge/api/v.1.1/users/U1/moves?page_token=%d", n)))
		}, "more than 50 pages"},
		{"foreign host", func(n int64, w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, page(`{"xid":"a"}`, "https://evil.example/steal?x=1"))
		}, "leaves the API host"},
		{"malformed json", func(n int64, w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, `{"meta":{"code":200},"data":{"items":[{"xid":"a"},]}}`)
		}, "malformed JSON"},
		{"not a collection", func(n int64, w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, `{"meta":{"code":200},"data":{"items":"nope"}}`)
		}, "not a collection"},
		{"envelope error under 200", func(n int64, w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, `{"meta":{"code":404,"message":"Not Found","error_detail":"no such user"},"data":{}}`)
		}, "404 Not Found: no such user"},
		{"401 is not retried", func(n int64, w http.ResponseWriter, r *http.Request) {
			if n > 1 {
				t.Error("401 was retried")
			}
			w.WriteHeader(401)
			fmt.Fprint(w, `{"meta":{"code":401,"message":"You must be logged in to perform that action"},"data":{}}`)
		}, "401 Unauthorized: You must be logged in"},
		{"html error page", func(n int64, w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(502)
			fmt.Fprint(w, `<html>bad gateway</html>`)
		}, `502 Bad Gateway: "<html>bad gateway</html>"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := lyingServer(t, tt.respond)
			_, err := collect(c)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want it to contain %q", err, tt.want)
			}
			var pe *PageError
			if !errors.As(err, &pe) || pe.Endpoint != "moves" || pe.Page < 1 {
				t.Fatalf("error %v does not name endpoint and page", err)
			}
		})
	}
}

func TestRetries(t *testing.T) {
	// free is how many of the failures are not retries: the first 429
	// that says when to come back is waited out without counting.
	tests := []struct {
		name      string
		failFirst int
		free      int
		fail      func(w http.ResponseWriter)
	}{
		{"429 with Retry-After seconds", 2, 1, func(w http.ResponseWriter) {
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(429)
		}},
		{"429 with Retry-After date", 1, 1, func(w http.ResponseWriter) {
			w.Header().Set("Retry-After", time.Now().Add(-time.Second).UTC().Format(http.TimeFormat))
			w.WriteHeader(429)
		}},
		{"429 without a hint", 2, 0, func(w http.ResponseWriter) {
			w.WriteHeader(429)
		}},
		{"503 with Retry-After", 2, 0, func(w http.ResponseWriter) {
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(503)
		}},
		{"500", 3, 0, func(w http.ResponseWriter) {
			w.WriteHeader(500)
			fmt.Fprint(w, `{"meta":{"code":500,"message":"Internal Server Error"},"data":{}}`)
		}},
		{"truncated body", 2, 0, func(w http.ResponseWriter) {
			w.Header().Set("Content-Length", "500")
			fmt.Fprint(w, `{"meta":{"code":200},"data":{"items":[{"xid"`)
		}},
		{"connection cut", 2, 0, func(w http.ResponseWriter) {
			fmt.Fprint(w, `{"meta":{"code":200},"data":{"items":[`)
			w.(http.Flusher).Flush()
			panic(http.ErrAbortHandler)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, n := lyingServer(t, func(n int64, w http.ResponseWriter, r *http.Request) {
				if n <= int64(tt.failFirst) {
					tt.fail(w)
					return
				}
				fmt.Fprint(w, page(`{"xid":"a"}`, ""))
			})
			got, err := collect(c)
			if err != nil || len(got) != 1 {
				t.Fatalf("got %v, %v", got, err)
			}
			if n.Load() != int64(tt.failFirst)+1 || c.Stats.Retries.Load() != int64(tt.failFirst-tt.free) {
				t.Fatalf("requests %d retries %d", n.Load(), c.Stats.Retries.Load())
			}
		})
	}
}

func TestRetriesRunOutWithTheServersWords(t *testing.T) {
	c, n := lyingServer(t, func(n int64, w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "0")
		w.WriteHeader(429)
		fmt.Fprint(w, `{"meta":{"code":429,"message":"Too Many Requests","error_detail":"slow down"},"data":{}}`)
	})
	_, err := collect(c)
	if err == nil || !strings.Contains(err.Error(), "429 Too Many Requests: slow down") {
		t.Fatalf("error %v", err)
	}
	if n.Load() != 5 {
		t.Fatalf("%d requests, want 1 + 1 after the wait the server named + 3 retries", n.Load())
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2016, 3, 16, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"", 0, false}, {"7", 7 * time.Second, true}, {"-1", 0, false}, {"soon", 0, false},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second, true},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0, true},
	}
	for _, tt := range tests {
		got, ok := retryAfter(tt.in, now)
		if got != tt.want || ok != tt.ok {
			t.Errorf("retryAfter(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}
