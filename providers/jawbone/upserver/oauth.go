package upserver

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/upexport/upexport/internal/oauthserver"
)

// newOAuth is the UP authorization server: the generic one set up as the
// real service was: one client, access tokens that live a year (by
// default) and rotate on refresh, a token endpoint that also takes GET,
// and a code exchange without redirect_uri, as no real UP client sent
// one. The emulator adds PKCE, the device flow and revocation, which a
// modern client relies on. Users are named by their 0-based index.
func newOAuth(cfg Config, data *dataset) (*oauthserver.Server, error) {
	users := make([]oauthserver.User, cfg.Users)
	for i := range users {
		u := data.user(i)
		users[i] = oauthserver.User{ID: strconv.Itoa(i), Name: u.first + " " + u.last, Tag: u.xid}
	}
	return oauthserver.New(oauthserver.Config{
		Clients:       []oauthserver.Client{{ID: cfg.ClientID, Secret: cfg.ClientSecret, SecretOptional: true}},
		Scopes:        knownScopes,
		DefaultScopes: []string{defaultScope},
		Users:         users,
		LoginHint: func(hint string) (string, bool) {
			u, ok := data.userByHint(hint)
			return strconv.Itoa(u), ok
		},
		AccessTTL:           cfg.AccessTTL,
		CodeTTL:             codeLifetime,
		RotateRefreshTokens: true, // the SDK: "After refresh, the old values will stop working"
		TokenAllowGET:       true,
		RedirectURIOptional: true,
		DeviceFlow:          true,
		DeviceInterval:      cfg.DeviceInterval,
		Revocation:          true,
		AutoApprove:         cfg.AutoApprove,
		Paths: oauthserver.Paths{
			Authorize: AuthPath, Consent: ConsentPath, Token: TokenPath,
			Device: DevicePath, Verify: VerifyPath, Revoke: RevokePath,
		},
		Service: "UP",
		Realm:   "upexport-demo",
		Now:     cfg.Now,
		Logger:  cfg.Logger,
	})
}

// userIndex is the user of an access token; the authorization server
// knows users by the IDs newOAuth gave them.
func userIndex(a oauthserver.Access) int {
	u, _ := strconv.Atoi(a.UserID)
	return u
}

// IssueToken creates a grant for user (0-based) without the browser flow,
// for tests of other packages. No scopes means every scope. The grant is a
// confidential client's: refreshing it needs the client secret.
func (s *Server) IssueToken(user int, scopes []string) (access, refresh string, err error) {
	if user < 0 || user >= s.cfg.Users {
		return "", "", errors.New("upserver: IssueToken: no such user")
	}
	access, refresh, err = s.oauth.IssueToken(strconv.Itoa(user), s.cfg.ClientID, scopes)
	if err != nil {
		return "", "", fmt.Errorf("upserver: IssueToken: %w", err)
	}
	return access, refresh, nil
}
