// Package all lists every provider built into upexport.
package all

import (
	"github.com/upexport/upexport/provider"
	"github.com/upexport/upexport/providers/fitbit"
	"github.com/upexport/upexport/providers/jawbone"
	"github.com/upexport/upexport/providers/oura"
	"github.com/upexport/upexport/providers/withings"
)

// Default is the provider used when none is named.
const Default = jawbone.Name

// Registry returns a registry of every built-in provider.
func Registry() *provider.Registry {
	r, err := provider.NewRegistry(
		fitbit.New(),
		jawbone.New(),
		oura.New(),
		withings.New(),
	)
	if err != nil {
		panic(err) // the list above has a duplicate: TestRegistry guards it
	}
	return r
}
