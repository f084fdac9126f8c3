package oura_test

import (
	"testing"

	"github.com/upexport/upexport/provider/providertest"
	"github.com/upexport/upexport/providers/oura"
)

func TestConformance(t *testing.T) {
	providertest.Run(t, oura.New(), providertest.Options{})
}
