package fitbit

import (
	"time"

	"github.com/upexport/upexport/provider"
	"github.com/upexport/upexport/providers/fitbit/fitbitserver"
)

// demoQuota is the emulator's quota when the demo names none: Fitbit's 150
// requests, per five seconds instead of per hour, so that a demo export
// paces itself and waits for resets as a real first export does, in
// seconds instead of hours.
var demoQuota = provider.Quota{Limit: 150, Window: 5 * time.Second}

// newDemo makes the Fitbit emulator for export --demo.
func newDemo(o provider.DemoOptions) (provider.Demo, error) {
	q := o.Quota
	if q.Limit <= 0 {
		q = demoQuota
	}
	srv, err := fitbitserver.New(fitbitserver.Config{Seed: o.Seed, Days: o.Days, AutoApprove: o.AutoApprove,
		RateLimit: fitbitserver.RateLimit{Limit: q.Limit, Window: q.Window}, End: o.End})
	if err != nil {
		return nil, err
	}
	return demo{srv}, nil
}

type demo struct{ *fitbitserver.Server }

func (d demo) Info(baseURL string) provider.DemoInfo {
	i := d.Server.Info(baseURL)
	return provider.DemoInfo{APIURL: i.APIURL, AuthURL: i.AuthURL, TokenURL: i.TokenURL, RevokeURL: i.RevokeURL,
		Issuer: i.BaseURL, ClientID: i.ClientID, ClientSecret: i.ClientSecret}
}
