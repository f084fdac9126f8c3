package fitbit

import "github.com/upexport/upexport/provider"

// newDemo is set once the emulator lands.
var newDemo func(provider.DemoOptions) (provider.Demo, error)
