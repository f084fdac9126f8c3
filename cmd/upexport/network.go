package main

import (
	"net/http"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/upexport/upexport/fetch/safehttp"
)

const (
	flagConnectTimeout  = "connect-timeout"
	flagResponseTimeout = "response-timeout"
	flagIdleTimeout     = "idle-timeout"
)

// networkFlags bound every request to the API and the token endpoint, so a
// server that stops answering fails the request (which is then retried)
// instead of hanging the run.
func networkFlags() []cli.Flag {
	cat := "Network"
	dur := func(name, env, usage string, value time.Duration) *cli.DurationFlag {
		return &cli.DurationFlag{Name: name, EnvVars: []string{env}, Value: value, Category: cat, Usage: usage,
			Action: func(_ *cli.Context, v time.Duration) error {
				if v <= 0 {
					return usageErrorf("invalid --%s %s: must be more than 0", name, v)
				}
				return nil
			}}
	}
	return []cli.Flag{
		dur(flagConnectTimeout, "UPEXPORT_CONNECT_TIMEOUT", "give up on a connection (TCP and TLS) not made within this", safehttp.DefaultConnect),
		dur(flagResponseTimeout, "UPEXPORT_RESPONSE_TIMEOUT", "give up on a request whose response headers do not come within this", safehttp.DefaultResponse),
		dur(flagIdleTimeout, "UPEXPORT_IDLE_TIMEOUT", "give up on a response body that brings no data for this long", safehttp.DefaultIdle),
	}
}

// httpClient is the client of every request to the API and the token
// endpoint, bounded by the network flags. Its redirects stay on their
// origin; the session adds the token.
func httpClient(c *cli.Context) *http.Client {
	tr := safehttp.NewTransport(safehttp.Timeouts{
		Connect:  c.Duration(flagConnectTimeout),
		Response: c.Duration(flagResponseTimeout),
		Idle:     c.Duration(flagIdleTimeout),
	})
	return &http.Client{Transport: tr, CheckRedirect: safehttp.CheckRedirect}
}
