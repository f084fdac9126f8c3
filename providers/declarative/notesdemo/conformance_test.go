package notesdemo_test

import (
	"testing"

	"github.com/upexport/upexport/provider/providertest"
	"github.com/upexport/upexport/providers/declarative"
	"github.com/upexport/upexport/providers/declarative/notesdemo"
)

// TestConformance runs the conformance suite on the example declaration
// against its emulator: a provider declared as data is held to what a
// provider in Go is.
func TestConformance(t *testing.T) {
	p, err := declarative.LoadFile("../../../examples/providers/notes.yaml")
	if err != nil {
		t.Fatal(err)
	}
	p.NewDemo = notesdemo.New
	providertest.Run(t, p, providertest.Options{})
}
