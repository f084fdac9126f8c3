package withings

import (
	"cmp"
	"net/http"
	"time"

	"github.com/upexport/upexport/internal/oauthserver"
	"github.com/upexport/upexport/provider"
	"github.com/upexport/upexport/providers/withings/withingsserver"
)

// The demo app's credentials and the emulator's login paths, where
// Withings has them (§1).
const (
	demoClientID     = "withings-demo"
	demoClientSecret = "withings-demo-secret"
	authorizePath    = "/oauth2_user/authorize2"
	consentPath      = "/oauth2_user/consent"
)

// newDemo makes the Withings emulator for export --demo: the shared OAuth
// server's consent pages and token logic, its token endpoint mounted at
// POST /v2/oauth2 with action=requesttoken and the wrapped answer, and
// withingsserver's data API authenticating against the same tokens.
func newDemo(o provider.DemoOptions) (provider.Demo, error) {
	user := withingsserver.UserID(0)
	oauth, err := oauthserver.New(oauthserver.Config{
		Clients:             []oauthserver.Client{{ID: demoClientID, Secret: demoClientSecret}},
		Scopes:              withingsserver.AllScopes,
		ScopeSeparator:      ",",
		Users:               []oauthserver.User{{ID: user, Name: "Demo user", Tag: user}},
		AccessTTL:           withingsserver.AccessTTL,
		RefreshTTL:          withingsserver.RefreshTTL,
		RotateRefreshTokens: true,
		PKCE:                oauthserver.PKCEIgnored,
		ClientAuth:          oauthserver.ClientAuthParams,
		AutoApprove:         o.AutoApprove,
		Paths:               oauthserver.Paths{Authorize: authorizePath, Consent: consentPath},
		Service:             "Withings",
	})
	if err != nil {
		return nil, err
	}
	cfg := withingsserver.Config{
		Seed: o.Seed, Days: o.Days, // 0: the emulator's default
		// The data ends today, as a live account's does.
		End:          cmp.Or(o.End, time.Now()).UTC(),
		Auth:         authenticator{oauth},
		TokenHandler: tokenEndpoint(oauth.TokenHandler(tokenWriter{})),
		ClientID:     demoClientID, ClientSecret: demoClientSecret,
	}
	if o.Quota.Limit > 0 {
		cfg.RateLimit = withingsserver.RateLimit{Limit: o.Quota.Limit, Window: o.Quota.Window}
	}
	api, err := withingsserver.New(cfg)
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	oauth.Mount(mux)
	mux.Handle("/", api)
	return demo{mux}, nil
}

type demo struct{ http.Handler }

func (demo) Info(base string) provider.DemoInfo {
	return provider.DemoInfo{APIURL: base, AuthURL: base + authorizePath, TokenURL: base + withingsserver.TokenPath,
		ClientID: demoClientID, ClientSecret: demoClientSecret}
}

// authenticator lets the data API take the OAuth server's tokens.
type authenticator struct{ s *oauthserver.Server }

func (a authenticator) Authenticate(r *http.Request) (string, []string, error) {
	acc, err := a.s.Authenticate(r)
	if err != nil {
		return "", nil, err
	}
	return acc.UserID, acc.Scopes, nil
}

// tokenEndpoint answers only action=requesttoken, as Withings does.
func tokenEndpoint(tokens http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", "POST")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		if r.FormValue("action") != "requesttoken" {
			oauthserver.WriteNoStoreJSON(w, http.StatusOK, map[string]any{"status": 2554, "body": map[string]any{}, "error": "Not implemented: unknown action"})
			return
		}
		tokens.ServeHTTP(w, r)
	})
}

// tokenWriter answers as Withings' token endpoint does: HTTP 200 always,
// status 0 and the token in body, or an in-band error status (§1, §2).
type tokenWriter struct{}

func (tokenWriter) WriteToken(w http.ResponseWriter, _ *http.Request, t *oauthserver.Token) {
	oauthserver.WriteNoStoreJSON(w, http.StatusOK, map[string]any{"status": 0, "body": map[string]any{
		"userid":        t.UserID,
		"access_token":  t.AccessToken,
		"refresh_token": t.RefreshToken,
		"expires_in":    int64(t.ExpiresIn / time.Second),
		"scope":         t.Scope,
		"token_type":    t.TokenType,
	}})
}

func (tokenWriter) WriteError(w http.ResponseWriter, _ *http.Request, e *oauthserver.Error) {
	status := 503 // invalid params: a bad code, grant or parameter
	if e.Code == "invalid_client" || e.Code == "unauthorized_client" {
		status = 401
	}
	oauthserver.WriteNoStoreJSON(w, http.StatusOK, map[string]any{"status": status, "body": map[string]any{},
		"error": "Invalid Params: " + e.Code + ": " + e.Description})
}
