package jawbone

import (
	"github.com/upexport/upexport/provider"
	"github.com/upexport/upexport/providers/jawbone/upserver"
)

// newDemo makes the UP emulator for export --demo.
func newDemo(o provider.DemoOptions) (provider.Demo, error) {
	cfg := upserver.Config{Seed: o.Seed, Days: o.Days, AutoApprove: o.AutoApprove,
		Quota: upserver.Quota{Limit: o.Quota.Limit, Window: o.Quota.Window}}
	srv, err := upserver.New(cfg)
	if err != nil {
		return nil, err
	}
	return Demo(srv), nil
}

// Demo is srv as a provider.Demo, for callers that configure the UP
// emulator beyond DemoOptions.
func Demo(srv *upserver.Server) provider.Demo { return demo{srv} }

type demo struct{ *upserver.Server }

func (d demo) Info(baseURL string) provider.DemoInfo {
	i := d.Server.Info(baseURL)
	return provider.DemoInfo{APIURL: i.APIURL, AuthURL: i.AuthURL, TokenURL: i.TokenURL, DeviceURL: i.DeviceURL,
		RevokeURL: i.RevokeURL, Issuer: i.BaseURL, ClientID: i.ClientID, ClientSecret: i.ClientSecret}
}
