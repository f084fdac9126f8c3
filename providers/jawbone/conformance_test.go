package jawbone_test

import (
	"testing"

	"github.com/upexport/upexport/provider/providertest"
	"github.com/upexport/upexport/providers/jawbone"
)

func TestConformance(t *testing.T) {
	providertest.Run(t, jawbone.New(), providertest.Options{})
}
