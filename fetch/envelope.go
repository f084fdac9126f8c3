package fetch

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Envelope says where an API's responses keep their payload, the user they
// are about, and errors reported in the body. Paths are dotted JSON object
// paths ("meta.user_xid"). The zero Envelope takes the whole body as the
// payload and knows no user and no in-band status.
type Envelope struct {
	// Data is the path of the payload; empty means the whole body.
	Data string
	// User is the path of the user's id (a string or a number); empty
	// when responses do not name the user.
	User string
	// Code is the path of a status inside the body. Some APIs answer HTTP
	// 200 with an error there; the body is believed over the header.
	Code string
	// OK lists the in-band codes that mean success. An absent code is
	// success too.
	OK []int
	// Status maps an in-band code to the HTTP status it stands for, so that
	// it is retried, refreshed or skipped as that status would be (an
	// in-band "too many requests" as a 429). A code not listed stands for
	// itself.
	Status map[int]int
	// Paths of an error's text: a message, a type, a detail. A path
	// through a list of errors reads its first element.
	Message, ErrorType, ErrorDetail string
}

var errNoData = errors.New("response has no data")

// envelopeReader is an Envelope compiled for decoding.
type envelopeReader struct {
	env Envelope
	dec *pathDecoder
}

const (
	envData = iota
	envUser
	envCode
	envMessage
	envErrorType
	envErrorDetail
)

func newEnvelopeReader(e Envelope) (*envelopeReader, error) {
	paths := []string{e.Data, e.User, e.Code, e.Message, e.ErrorType, e.ErrorDetail}
	// The decoder takes each path once; absent ones read as nothing.
	var uniq []string
	for _, p := range paths {
		if p != "" && !slices.Contains(uniq, p) {
			uniq = append(uniq, p)
		}
	}
	// An error path's first segment is read as a value of its own, so
	// that the rest is read inside it even when it is a list of errors
	// ({"errors": [{"errorType": ...}]}): the first error is reported.
	// Not when a success path lies under it: that value must stay an
	// object.
	for _, p := range []string{e.Message, e.ErrorType, e.ErrorDetail} {
		outer, _, nested := strings.Cut(p, ".")
		if !nested || slices.Contains(uniq, outer) {
			continue
		}
		under := false
		for _, q := range []string{e.Data, e.User, e.Code} {
			under = under || q == outer || strings.HasPrefix(q, outer+".")
		}
		if !under {
			uniq = append(uniq, outer)
		}
	}
	dec, err := newPathDecoder(uniq...)
	if err != nil {
		return nil, fmt.Errorf("envelope: %w", err)
	}
	return &envelopeReader{env: e, dec: dec}, nil
}

// fields decodes body and returns the raw value of each envelope path, by
// the env* constants (nil when unset or absent; the whole body for an
// empty Data path).
func (r *envelopeReader) fields(body []byte) ([6]json.RawMessage, error) {
	var out [6]json.RawMessage
	vals, err := r.dec.decode(body)
	if err != nil {
		return out, err
	}
	byPath := map[string]json.RawMessage{}
	for i, p := range r.dec.all {
		byPath[p] = vals[i]
	}
	for i, p := range []string{r.env.Data, r.env.User, r.env.Code, r.env.Message, r.env.ErrorType, r.env.ErrorDetail} {
		if p != "" {
			out[i] = byPath[p]
		}
	}
	if r.env.Data == "" {
		out[envData] = body
	}
	return out, nil
}

// open reads a 200 answer: its payload and user, or the in-band error.
func (r *envelopeReader) open(body []byte) (json.RawMessage, string, error) {
	f, err := r.fields(body)
	if err != nil {
		return nil, "", err
	}
	// 0 is success too: APIs whose success is another code (200) leave
	// it unset or at 0.
	if code, ok := intValue(f[envCode]); ok && code != 0 && !slices.Contains(r.env.OK, code) {
		return nil, "", r.inBand(code, f)
	}
	data := f[envData]
	if len(data) == 0 || bytes.Equal(data, []byte("null")) {
		return nil, "", errNoData
	}
	return data, textValue(f[envUser]), nil
}

// inBand is the APIError of an error code inside a 200 answer.
func (r *envelopeReader) inBand(code int, f [6]json.RawMessage) *APIError {
	status, ok := r.env.Status[code]
	if !ok {
		status = code
	}
	ae := &APIError{Status: status, Message: textValue(f[envMessage]),
		ErrorType: textValue(f[envErrorType]), ErrorDetail: textValue(f[envErrorDetail])}
	if status != code {
		ae.Code = code
	}
	return ae
}

// apiError reads the body of an answer that is not a 200: the envelope's
// error text, else an OAuth error, else the start of the body.
func (r *envelopeReader) apiError(status int, body []byte) *APIError {
	ae := &APIError{Status: status}
	if f, err := r.fields(body); err == nil {
		ae.Message, ae.ErrorType, ae.ErrorDetail = textValue(f[envMessage]), textValue(f[envErrorType]), textValue(f[envErrorDetail])
		if ae.Message != "" || ae.ErrorDetail != "" {
			return ae
		}
		ae.Message, ae.ErrorType, ae.ErrorDetail = "", "", ""
	}
	var oauthErr struct {
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}
	if json.Unmarshal(body, &oauthErr) == nil && oauthErr.Error != "" {
		ae.ErrorType, ae.ErrorDetail = oauthErr.Error, oauthErr.Description
		return ae
	}
	const keep = 200
	if len(body) > keep {
		body = body[:keep]
	}
	ae.Body = string(bytes.ToValidUTF8(body, []byte("?")))
	return ae
}

// textValue is a JSON string's text, or a number's; "" for anything else.
func textValue(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return ""
	}
	switch raw[0] {
	case '"':
		var s string
		if json.Unmarshal(raw, &s) == nil {
			return s
		}
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		return string(raw)
	}
	return ""
}

// intValue is a JSON number's (or numeric string's) integer value.
func intValue(raw json.RawMessage) (int, bool) {
	s := textValue(raw)
	if s == "" {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}
