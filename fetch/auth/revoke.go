package auth

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"golang.org/x/oauth2"
)

// Revoke asks the server to invalidate tok (RFC 7009): the refresh token,
// which ends the whole grant on most servers, and the access token. It
// returns nil without a request when the provider has no revocation URL.
func Revoke(ctx context.Context, p Server, tok *oauth2.Token, hc *http.Client) error {
	if p.RevokeURL == "" || tok == nil {
		return nil
	}
	hc = tokenClient(hc)
	for _, t := range []struct{ value, hint string }{
		{tok.RefreshToken, "refresh_token"}, {tok.AccessToken, "access_token"},
	} {
		if t.value == "" {
			continue
		}
		if err := revokeOne(ctx, p, hc, t.value, t.hint); err != nil {
			return err
		}
	}
	return nil
}

func revokeOne(ctx context.Context, p Server, hc *http.Client, token, hint string) error {
	style := p.AuthStyle
	if style == oauth2.AuthStyleAutoDetect {
		// Like golang.org/x/oauth2: try HTTP Basic first, then parameters.
		err := revokeWith(ctx, p, hc, token, hint, oauth2.AuthStyleInHeader)
		if se, ok := err.(*ServerError); ok && (se.Code == "invalid_client" || se.Status == http.StatusUnauthorized) {
			return revokeWith(ctx, p, hc, token, hint, oauth2.AuthStyleInParams)
		}
		return err
	}
	return revokeWith(ctx, p, hc, token, hint, style)
}

func revokeWith(ctx context.Context, p Server, hc *http.Client, token, hint string, style oauth2.AuthStyle) error {
	v := url.Values{"token": {token}, "token_type_hint": {hint}}
	// A public client identifies itself with client_id (RFC 7009 §2.1,
	// RFC 6749 §2.3).
	if style == oauth2.AuthStyleInParams || p.ClientSecret == "" {
		v.Set("client_id", p.ClientID)
		if p.ClientSecret != "" {
			v.Set("client_secret", p.ClientSecret)
		}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.RevokeURL, strings.NewReader(v.Encode()))
	if err != nil {
		return fmt.Errorf("revocation request: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	if style == oauth2.AuthStyleInHeader && p.ClientSecret != "" {
		req.SetBasicAuth(url.QueryEscape(p.ClientID), url.QueryEscape(p.ClientSecret))
	}
	resp, err := hc.Do(req)
	if err != nil {
		return fmt.Errorf("revocation: %w", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	// RFC 7009 §2.2: 200 also for a token that was already invalid.
	if resp.StatusCode == http.StatusOK {
		return nil
	}
	var e struct {
		Code string `json:"error"`
		Desc string `json:"error_description"`
	}
	_ = json.Unmarshal(body, &e)
	return &ServerError{Op: "revocation", Status: resp.StatusCode, Code: clean(e.Code, 64), Description: clean(e.Desc, 300)}
}
