package fitbit_test

import (
	"testing"

	"github.com/upexport/upexport/provider"
	"github.com/upexport/upexport/provider/providertest"
	"github.com/upexport/upexport/providers/fitbit"
)

func TestConformance(t *testing.T) {
	providertest.Run(t, fitbit.New(), providertest.Options{Demo: provider.DemoOptions{Days: 20}})
}
