package safehttp

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/upexport/upexport/fetch/safehttp/safehttptest"
)

func TestCheckRedirect(t *testing.T) {
	var otherHits atomic.Int64
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { otherHits.Add(1) }))
	defer other.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/away":
			http.Redirect(w, r, other.URL+"/x", http.StatusTemporaryRedirect)
		case "/near":
			http.Redirect(w, r, "/ok", http.StatusFound)
		case "/loop":
			http.Redirect(w, r, "/loop", http.StatusFound)
		case "/ok":
			io.WriteString(w, "ok")
		}
	}))
	defer srv.Close()
	hc := &http.Client{CheckRedirect: CheckRedirect}

	resp, err := hc.Get(srv.URL + "/near")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	_, err = hc.Get(srv.URL + "/away")
	var re *RedirectError
	if !errors.Is(err, ErrCrossOrigin) || !errors.As(err, &re) || re.From != srv.URL+"/away" || re.To != other.URL+"/x" || otherHits.Load() != 0 {
		t.Fatalf("err %v, other origin hit %d times", err, otherHits.Load())
	}
	if _, err := hc.Get(srv.URL + "/loop"); !errors.Is(err, ErrTooManyRedirects) {
		t.Fatalf("loop: %v", err)
	}
	// A caller's own check still runs after ours.
	own := WithCheckRedirect(&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }})
	resp, err = own.Get(srv.URL + "/near")
	if err != nil || resp.StatusCode != http.StatusFound {
		t.Fatalf("own check: %v %v", resp, err)
	}
	resp.Body.Close()
	if _, err := own.Get(srv.URL + "/away"); !errors.Is(err, ErrCrossOrigin) {
		t.Fatalf("own check replaced ours: %v", err)
	}
}

func TestSameOrigin(t *testing.T) {
	tests := []struct {
		a, b string
		same bool
	}{
		{"http://h/a", "http://h:80/b", true},
		{"https://H:443/a", "https://h/b?q", true},
		{"http://u:p@h/a", "http://h/b", true},
		{"http://h/a", "https://h/a", false},
		{"http://h:8080/a", "http://h:8081/a", false},
		{"http://h/a", "http://h.evil/a", false},
		{"http://[::1]:1/a", "http://127.0.0.1:1/a", false},
	}
	for _, tt := range tests {
		a, _ := url.Parse(tt.a)
		b, _ := url.Parse(tt.b)
		if SameOrigin(a, b) != tt.same {
			t.Errorf("SameOrigin(%s, %s) = %v", tt.a, tt.b, !tt.same)
		}
	}
}

func TestRedact(t *testing.T) {
	tests := []struct{ in, want string }{
		{"http://me:pw@h/x", "http://me:xxxxx@h/x"},
		{"http://h/x?a=1", "http://h/x?a=1"},
		{"http://me:pw@h:bad/x", "http://xxxxx@h:bad/x"},
		{"http://me:p@w@[::1/x", "http://xxxxx@[::1/x"},
		{"http://ghp_token@h/x", "http://xxxxx@h/x"},
		{"not a url", "not a url"},
	}
	for _, tt := range tests {
		if got := Redact(tt.in); got != tt.want {
			t.Errorf("Redact(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// stallServer accepts connections and does what stall says with each.
var stallServer = safehttptest.StallServer

// Issue 13 item 4: each phase of a request is bounded, and the error says
// which bound fired and where.
func TestTimeouts(t *testing.T) {
	readRequest := func(c net.Conn) {
		buf := make([]byte, 4096)
		c.Read(buf)
	}
	tests := []struct {
		name  string
		url   func(addr string) string
		stall func(net.Conn)
		phase string
		body  bool // the error comes from reading the body
	}{
		{"accepts and never answers", func(a string) string { return "http://" + a + "/slow" }, readRequest, PhaseResponse, false},
		{"headers then stalls", func(a string) string { return "http://" + a + "/slow" }, func(c net.Conn) {
			readRequest(c)
			io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"meta\":")
		}, PhaseIdle, true},
		{"never says hello in TLS", func(a string) string { return "https://" + a + "/slow" }, readRequest, PhaseTLS, false},
	}
	tr := NewTransport(Timeouts{Connect: 150 * time.Millisecond, Response: 150 * time.Millisecond, Idle: 150 * time.Millisecond})
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := tt.url(stallServer(t, tt.stall))
			start := time.Now()
			var err error
			resp, err := hc.Get(u)
			if err == nil {
				_, err = io.ReadAll(resp.Body)
				resp.Body.Close()
			}
			var te *TimeoutError
			if !errors.As(err, &te) || te.Phase != tt.phase || te.Limit != 150*time.Millisecond {
				t.Fatalf("err %v, want a %s timeout", err, tt.phase)
			}
			var ne net.Error
			if !errors.As(err, &ne) || !ne.Timeout() {
				t.Errorf("%v is not a net.Error timeout", err)
			}
			if !strings.Contains(err.Error(), u) || !strings.Contains(err.Error(), "timeout") {
				t.Errorf("error %q does not name the URL and the timeout", err)
			}
			if el := time.Since(start); el > 5*time.Second {
				t.Errorf("took %v", el)
			}
		})
	}
}

// A slow body that keeps moving is not cut off: the idle timeout is per
// read, not for the whole body.
func TestIdleTimeoutIsPerRead(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for i := range 6 {
			fmt.Fprintf(w, "%d", i)
			w.(http.Flusher).Flush()
			time.Sleep(60 * time.Millisecond)
		}
	}))
	defer srv.Close()
	hc := &http.Client{Transport: NewTransport(Timeouts{Idle: 150 * time.Millisecond})}
	resp, err := hc.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || string(b) != "012345" {
		t.Fatalf("%q, %v", b, err)
	}
}

func TestRedactError(t *testing.T) {
	hc := &http.Client{}
	_, err := hc.Get("http://tok_secret@127.0.0.1:1/x")
	if err == nil || !strings.Contains(err.Error(), "tok_secret") {
		t.Fatalf("net/http redacts user names now: %v", err)
	}
	if err := RedactError(err); strings.Contains(err.Error(), "tok_secret") || !strings.Contains(err.Error(), "xxxxx@127.0.0.1:1") {
		t.Errorf("%v", err)
	}
}

// BenchmarkBody reads a 1 MiB body over loopback through the bounded
// transport and through a plain one: the idle timer on every Read should
// cost nothing measurable next to the network.
func BenchmarkBody(b *testing.B) {
	body := strings.Repeat("x", 1<<20)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, body) }))
	defer srv.Close()
	plain := http.DefaultTransport.(*http.Transport).Clone()
	for name, rt := range map[string]http.RoundTripper{"plain": plain, "bounded": NewTransport(Timeouts{})} {
		b.Run(name, func(b *testing.B) {
			hc := &http.Client{Transport: rt}
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				resp, err := hc.Get(srv.URL)
				if err != nil {
					b.Fatal(err)
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		})
	}
}
