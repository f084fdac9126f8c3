package withings_test

import (
	"testing"

	"github.com/upexport/upexport/provider"
	"github.com/upexport/upexport/provider/providertest"
	"github.com/upexport/upexport/providers/withings"
)

func TestConformance(t *testing.T) {
	providertest.Run(t, withings.New(), providertest.Options{
		// A year of data: the series calls take one request per day.
		Demo: provider.DemoOptions{Days: 365},
	})
}
