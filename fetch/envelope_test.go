package fetch

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"testing"
)

// upEnvelope is the UP API's envelope, as the tests' servers send it.
var upEnvelope = Envelope{Data: "data", User: "meta.user_xid", Code: "meta.code", OK: []int{200},
	Message: "meta.message", ErrorType: "meta.error_type", ErrorDetail: "meta.error_detail"}

// statusEnvelope is an envelope whose in-band status 0 is success and whose
// errors come as HTTP 200 with another status.
var statusEnvelope = Envelope{Data: "body", User: "body.userid", Code: "status", OK: []int{0},
	Status: map[int]int{401: http.StatusUnauthorized, 601: http.StatusTooManyRequests}, Message: "error"}

func TestEnvelopeOpen(t *testing.T) {
	tests := []struct {
		name    string
		env     Envelope
		body    string
		data    string
		user    string
		status  int // of the APIError; 0 for success
		code    int
		message string
		noData  bool
		malform bool
	}{
		{name: "up", env: upEnvelope, body: `{"meta":{"user_xid":"u1","code":200},"data":{"a":1}}`, data: `{"a":1}`, user: "u1"},
		{name: "up without meta", env: upEnvelope, body: `{"data":[1]}`, data: `[1]`},
		{name: "up in-band error", env: upEnvelope, body: `{"meta":{"code":404,"message":"Not Found","error_detail":"no such xid"},"data":{}}`,
			status: 404, message: "Not Found"},
		{name: "up code 0", env: upEnvelope, body: `{"meta":{"code":0},"data":{}}`, data: `{}`},
		{name: "up null data", env: upEnvelope, body: `{"meta":{"code":200},"data":null}`, noData: true},
		{name: "bare", env: Envelope{}, body: `{"data":[],"next_token":null}`, data: `{"data":[],"next_token":null}`},
		{name: "status ok numeric user", env: statusEnvelope, body: `{"status":0,"body":{"userid":12345,"more":false}}`,
			data: `{"userid":12345,"more":false}`, user: "12345"},
		{name: "status 601", env: statusEnvelope, body: `{"status":601,"error":"Too many requests"}`,
			status: http.StatusTooManyRequests, code: 601, message: "Too many requests"},
		{name: "status 401", env: statusEnvelope, body: `{"status":401,"body":{},"error":"invalid_token"}`,
			status: http.StatusUnauthorized, message: "invalid_token"},
		{name: "status unmapped", env: statusEnvelope, body: `{"status":2555,"error":"An unknown error occurred"}`,
			status: 2555, message: "An unknown error occurred"},
		{name: "status as string", env: statusEnvelope, body: `{"status":"601","error":"x"}`, status: 429, code: 601, message: "x"},
		{name: "bare list", env: fitbitEnvelope, body: `[{"dateTime":"2024-03-05"}]`, data: `[{"dateTime":"2024-03-05"}]`},
		{name: "bare list malformed", env: fitbitEnvelope, body: `[{"dateTime":`, malform: true},
		{name: "malformed", env: upEnvelope, body: `{"meta":`, malform: true},
		{name: "meta not an object", env: upEnvelope, body: `{"meta":"x","data":{}}`, malform: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := newEnvelopeReader(tt.env)
			if err != nil {
				t.Fatal(err)
			}
			data, user, err := r.open([]byte(tt.body))
			var ae *APIError
			switch {
			case tt.malform:
				if err == nil || errors.As(err, &ae) || errors.Is(err, errNoData) {
					t.Fatalf("open = %v, want a decoding error", err)
				}
			case tt.noData:
				if !errors.Is(err, errNoData) {
					t.Fatalf("open = %v, want errNoData", err)
				}
			case tt.status != 0:
				if !errors.As(err, &ae) {
					t.Fatalf("open = %s, %v; want an APIError", data, err)
				}
				if ae.Status != tt.status || ae.Code != tt.code || ae.Message != tt.message {
					t.Fatalf("APIError = %+v, want status %d code %d message %q", ae, tt.status, tt.code, tt.message)
				}
			default:
				if err != nil {
					t.Fatal(err)
				}
				if string(data) != tt.data || user != tt.user {
					t.Fatalf("open = %s, %q; want %s, %q", data, user, tt.data, tt.user)
				}
			}
		})
	}
}

// fitbitEnvelope reads Fitbit's errors, a list: {"errors": [{...}]}.
var fitbitEnvelope = Envelope{Message: "errors.message", ErrorType: "errors.errorType", ErrorDetail: "errors.fieldName"}

func TestEnvelopeErrorList(t *testing.T) {
	r, err := newEnvelopeReader(fitbitEnvelope)
	if err != nil {
		t.Fatal(err)
	}
	ae := r.apiError(401, []byte(`{"errors":[{"errorType":"expired_token","message":"Access token expired: x"},{"errorType":"other"}],"success":false}`))
	if ae.ErrorType != "expired_token" || ae.Message != "Access token expired: x" || ae.Body != "" {
		t.Errorf("error list = %+v, want the first error's type and message", ae)
	}
	ae = r.apiError(429, []byte(`{"errors":[{"errorType":"system","fieldName":"n/a","message":"Too Many Requests"}]}`))
	if ae.ErrorType != "system" || ae.ErrorDetail != "n/a" {
		t.Errorf("error list = %+v", ae)
	}
}

func TestEnvelopeAPIError(t *testing.T) {
	r, _ := newEnvelopeReader(upEnvelope)
	ae := r.apiError(401, []byte(`{"meta":{"code":401,"message":"Unauthorized","error_type":"invalid_token"}}`))
	if ae.Message != "Unauthorized" || ae.ErrorType != "invalid_token" {
		t.Errorf("envelope error = %+v", ae)
	}
	ae = r.apiError(400, []byte(`{"error":"invalid_grant","error_description":"expired"}`))
	if ae.ErrorType != "invalid_grant" || ae.ErrorDetail != "expired" {
		t.Errorf("OAuth error = %+v", ae)
	}
	ae = r.apiError(502, []byte("<html>bad gateway</html>"))
	if ae.Body != "<html>bad gateway</html>" {
		t.Errorf("body error = %+v", ae)
	}
}

func TestPathDecoderRejects(t *testing.T) {
	for _, paths := range [][]string{{"a..b"}, {"a", "b."}} {
		if _, err := newPathDecoder(paths...); err == nil {
			t.Errorf("newPathDecoder(%q) = nil error", paths)
		}
	}
}

func TestPathDecoderNested(t *testing.T) {
	d, err := newPathDecoder("body", "body.userid", "body.x.y", "status")
	if err != nil {
		t.Fatal(err)
	}
	got, err := d.decode([]byte(`{"status":0,"body":{"userid":7,"x":{"y":"z"},"more":true}}`))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{`{"userid":7,"x":{"y":"z"},"more":true}`, `7`, `"z"`, `0`}
	for i := range want {
		if string(got[i]) != want[i] {
			t.Errorf("path %d = %s, want %s", i, got[i], want[i])
		}
	}
	if got, err = d.decode([]byte(`{"status":601,"body":null}`)); err != nil || got[1] != nil {
		t.Errorf("null body: %q, %v", got, err)
	}
}

func FuzzEnvelopeOpen(f *testing.F) {
	f.Add([]byte(`{"meta":{"user_xid":"u1","code":200},"data":{"a":1}}`))
	f.Add([]byte(`{"status":601,"error":"x","body":{"userid":1}}`))
	f.Add([]byte(`{"meta":null,"data":[]}`))
	readers := []*envelopeReader{}
	for _, e := range []Envelope{upEnvelope, statusEnvelope, {}} {
		r, err := newEnvelopeReader(e)
		if err != nil {
			f.Fatal(err)
		}
		readers = append(readers, r)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, r := range readers {
			data, _, err := r.open(body)
			if err == nil && !json.Valid(data) {
				t.Fatalf("open(%q) returned invalid JSON %q", body, data)
			}
		}
	})
}

// upPages reads a UP collection: items, and a next link in links.next.
func upPages(c *Client, ctx context.Context, endpoint, path string, q url.Values, fn func(Page) error) error {
	p := &NextLink{Items: "items", Next: "links.next"}
	return p.Paginate(ctx, c, Read{Endpoint: endpoint, Path: path, Query: q}, fn)
}
