package oura

import (
	"github.com/upexport/upexport/provider"
	"github.com/upexport/upexport/providers/oura/ouraserver"
)

// newDemo makes the Oura emulator for export --demo.
func newDemo(o provider.DemoOptions) (provider.Demo, error) {
	cfg := ouraserver.Config{Seed: o.Seed, Days: o.Days, AutoApprove: o.AutoApprove, End: o.End}
	if o.Quota.Limit > 0 {
		cfg.RateLimit = ouraserver.RateLimit{Limit: o.Quota.Limit, Window: o.Quota.Window}
	}
	srv, err := ouraserver.New(cfg)
	if err != nil {
		return nil, err
	}
	return demo{srv}, nil
}

type demo struct{ *ouraserver.Server }

func (d demo) Info(baseURL string) provider.DemoInfo {
	i := d.Server.Info(baseURL)
	return provider.DemoInfo{APIURL: i.APIURL, AuthURL: i.AuthURL, TokenURL: i.TokenURL, Issuer: i.BaseURL,
		ClientID: i.ClientID, ClientSecret: i.ClientSecret}
}
