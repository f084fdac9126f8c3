package jawbone_test

import (
	"testing"

	"github.com/upexport/upexport/provider/providertest"
	"github.com/upexport/upexport/providers/jawbone"
)

func TestConformance(t *testing.T) {
	providertest.Run(t, jawbone.New(), providertest.Options{
		// The recorded sleeps and workouts carry details.tz but no tzs
		// (§6.3, §6.5), so the emulator writes tzs on moves alone.
		MayBeEmpty: []string{"sleeps_tzs", "workouts_tzs"},
	})
}
